/**
 * TeamProjectAccess lifecycle (Atlas v2 `/groups/{groupId}/teams`): give a
 * team its roles in a project once, replace them in place, read them (access
 * removed outside Pulumi is gone: refresh drops it, `up` gives it again),
 * remove it. The memberships layer does the talking.
 */
import type * as pulumi from "@pulumi/pulumi";
import { hasErrorCode } from "../client/errors";
import type { RequestSender } from "../client/operations/orgUsers";
import type { TeamRoleResponse } from "../client/operations/teams";
import { checkOnPlatform } from "../common/check";
import { splitId } from "../common/diff";
import { failure, ResourceError } from "../common/errors";
import { sameSet } from "../common/sets";
import { platformForCheck, providerContext } from "../context";
import { teams } from "../memberships";
import { limitHint } from "../memberships/limits";
import { formatId, planDiff, stateFromApi } from "./model";
import { TeamProjectAccessInputsSchema, type TeamProjectAccessInputs, type TeamProjectAccessState } from "./schema";

const { ctx, clientFor, configure } = providerContext();

const step = (action: string, teamId: string, projectId: string) => `${action} the access of team ${teamId} to project ${projectId}`;

function failed(action: string, teamId: string, projectId: string, err: unknown): ResourceError {
  return failure(step(action, teamId, projectId), err, hintFor(err));
}

function hintFor(err: unknown): string | undefined {
  if (hasErrorCode(err, "TEAM_NOT_FOUND") || hasErrorCode(err, "TEAM_NOT_IN_ORG")) return "Give the teamId of a Team in the project's organization";
  return limitHint(err);
}

async function grant(client: RequestSender, inputs: TeamProjectAccessInputs): Promise<TeamRoleResponse> {
  const taken = async (found: TeamRoleResponse | undefined, err?: unknown): Promise<TeamRoleResponse> => {
    if (found && inputs.adopt) return sameSet(found.roleNames, inputs.roles) ? found : teams.setTeamProjectRoles(client, inputs.projectId, inputs.teamId, inputs.roles);
    throw new ResourceError({
      step: step("granting", inputs.teamId, inputs.projectId),
      code: "ATLAS_USERS_ALREADY_EXISTS",
      cause: err,
      detail: `the team already has access to this project${found ? ` (${found.roleNames.join(", ")})` : ""}`,
      hint: "Set `adopt: true` to manage that access (its roles are then brought to the declared ones), or remove it first",
    });
  };
  // The API's POST documents no conflict (it would change the roles of a team already there): look first.
  const existing = await teams.findTeamProjectRoles(client, inputs.projectId, inputs.teamId);
  if (existing) return taken(existing);
  return teams.grantTeamProjectRoles(client, inputs.projectId, inputs.teamId, inputs.roles, taken);
}

export const provider = {
  configure,

  async check(_olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult<TeamProjectAccessInputs>> {
    return checkOnPlatform(TeamProjectAccessInputsSchema, news, platformForCheck(ctx(), news), "supportsTeams", "TeamProjectAccess") as pulumi.dynamic.CheckResult<TeamProjectAccessInputs>;
  },

  async diff(_id: string, olds: Partial<TeamProjectAccessState>, news: TeamProjectAccessInputs): Promise<pulumi.dynamic.DiffResult> {
    return planDiff(olds, news);
  },

  async create(inputs: TeamProjectAccessInputs): Promise<pulumi.dynamic.CreateResult<TeamProjectAccessState>> {
    try {
      const state = stateFromApi(inputs.projectId, await grant(clientFor(inputs.platform), inputs), inputs);
      return { id: formatId(state), outs: state };
    } catch (err) {
      throw failed("granting", inputs.teamId, inputs.projectId, err);
    }
  },

  async read(id: string, props: Partial<TeamProjectAccessState> = {}): Promise<pulumi.dynamic.ReadResult<TeamProjectAccessState>> {
    const [projectId, teamId] = props.projectId && props.teamId ? [props.projectId, props.teamId] : (splitId(id, 2) ?? []);
    if (!projectId || !teamId) {
      throw new ResourceError({ step: `reading team project access "${id}"`, code: "ATLAS_USERS_BAD_ID", detail: "the id must be {projectId}/{teamId}" });
    }
    try {
      const found = await teams.findTeamProjectRoles(clientFor(props.platform), projectId, teamId);
      if (!found) return {};
      const state = stateFromApi(projectId, found, { adopt: props.adopt ?? false, platform: props.platform });
      return { id: formatId(state), props: state, inputs: state };
    } catch (err) {
      throw failed("reading", teamId, projectId, err);
    }
  },

  async update(_id: string, olds: TeamProjectAccessState, news: TeamProjectAccessInputs): Promise<pulumi.dynamic.UpdateResult<TeamProjectAccessState>> {
    const client = clientFor(news.platform);
    try {
      const current = await teams.findTeamProjectRoles(client, news.projectId, news.teamId);
      // Removed outside Pulumi since the last refresh: give the access again.
      const found = !current
        ? await grant(client, { ...news, adopt: true })
        : sameSet(current.roleNames, news.roles)
          ? current
          : await teams.setTeamProjectRoles(client, news.projectId, news.teamId, news.roles);
      return { outs: stateFromApi(news.projectId, found, news) };
    } catch (err) {
      throw failed("updating", olds.teamId, olds.projectId, err);
    }
  },

  async delete(_id: string, props: TeamProjectAccessState): Promise<void> {
    try {
      await teams.removeTeamFromProject(clientFor(props.platform), props.projectId, props.teamId);
    } catch (err) {
      throw failed("removing", props.teamId, props.projectId, err);
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<TeamProjectAccessInputs, TeamProjectAccessState>;
