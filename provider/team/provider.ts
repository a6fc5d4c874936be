/**
 * Team lifecycle (Atlas v2 `/orgs/{orgId}/teams`): create once (a lost answer
 * is looked up by name), rename in place, read (a team deleted outside
 * Pulumi is gone: refresh drops it, `up` creates it again), delete.
 * Members are `TeamMembership`s, project roles `TeamProjectAccess`es.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isNotFound } from "../client/errors";
import type { RequestSender } from "../client/operations/orgUsers";
import { createTeam, deleteTeam, getTeam, getTeamByName, renameTeam, type TeamResponse } from "../client/operations/teams";
import { checkOnPlatform } from "../common/check";
import { splitId } from "../common/diff";
import { failure, orUndefined, ResourceError } from "../common/errors";
import { createOnce, resendIfAnswerLost } from "../common/lostResponse";
import { platformForCheck, providerContext } from "../context";
import { limitHint } from "../memberships/limits";
import { formatId, inputsOfState, planDiff, stateFromApi } from "./model";
import { TeamInputsSchema, type TeamInputs, type TeamState } from "./schema";

const { ctx, clientFor, configure } = providerContext();

const step = (action: string, name: string, orgId: string) => `${action} team "${name}" in organization ${orgId}`;

function create(client: RequestSender, inputs: TeamInputs): Promise<TeamResponse> {
  const byName = () => orUndefined(getTeamByName(client, inputs.orgId, inputs.name));
  return createOnce({
    send: () => createTeam(client, inputs.orgId, { name: inputs.name, usernames: [] }),
    lookUp: byName,
    // Names are unique in an org: the team found after a lost answer is the one we asked for.
    isOurs: () => true,
    onConflict: async (found, err) => {
      if (found && inputs.adopt) return found.name === inputs.name ? found : renameTeam(client, inputs.orgId, found.id, inputs.name);
      throw new ResourceError({
        step: step("creating", inputs.name, inputs.orgId),
        code: "ATLAS_USERS_ALREADY_EXISTS",
        cause: err,
        detail: `a team named "${inputs.name}" already exists in this organization${found ? ` (${found.id})` : ""}`,
        hint: "Choose another name, or set `adopt: true` to manage that team (destroying the resource then deletes it)",
      });
    },
  });
}

export const provider = {
  configure,

  async check(_olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult<TeamInputs>> {
    return checkOnPlatform(TeamInputsSchema, news, platformForCheck(ctx(), news), "supportsTeams", "Team") as pulumi.dynamic.CheckResult<TeamInputs>;
  },

  async diff(_id: string, olds: Partial<TeamState>, news: TeamInputs): Promise<pulumi.dynamic.DiffResult> {
    return planDiff(olds, news);
  },

  async create(inputs: TeamInputs): Promise<pulumi.dynamic.CreateResult<TeamState>> {
    try {
      const state = stateFromApi(inputs.orgId, await create(clientFor(inputs.platform), inputs), inputs);
      return { id: formatId(state), outs: state };
    } catch (err) {
      throw failure(step("creating", inputs.name, inputs.orgId), err, limitHint(err));
    }
  },

  async read(id: string, props: Partial<TeamState> = {}): Promise<pulumi.dynamic.ReadResult<TeamState>> {
    const [orgId, teamId] = props.orgId && props.teamId ? [props.orgId, props.teamId] : (splitId(id, 2) ?? []);
    if (!orgId || !teamId) {
      throw new ResourceError({ step: `reading team "${id}"`, code: "ATLAS_USERS_BAD_ID", detail: "the id must be {orgId}/{teamId}" });
    }
    try {
      const team = await orUndefined(getTeam(clientFor(props.platform), orgId, teamId));
      if (!team) return {};
      const state = stateFromApi(orgId, team, { adopt: props.adopt ?? false, platform: props.platform });
      return { id: formatId(state), props: state, inputs: inputsOfState(state) as TeamState };
    } catch (err) {
      throw failure(step("reading", props.name ?? teamId, orgId), err);
    }
  },

  async update(_id: string, olds: TeamState, news: TeamInputs): Promise<pulumi.dynamic.UpdateResult<TeamState>> {
    const client = clientFor(news.platform);
    try {
      const team = olds.name === news.name ? await getTeam(client, olds.orgId, olds.teamId) : await resendIfAnswerLost(() => renameTeam(client, olds.orgId, olds.teamId, news.name));
      return { outs: stateFromApi(news.orgId, team, news) };
    } catch (err) {
      if (isNotFound(err)) {
        throw new ResourceError({ step: step("updating", olds.name, olds.orgId), code: "ATLAS_USERS_GONE", cause: err, detail: "the team no longer exists (deleted outside Pulumi)", hint: "Run `pulumi refresh`, then `pulumi up` to create it again" });
      }
      throw failure(step("renaming", olds.name, olds.orgId), err);
    }
  },

  async delete(_id: string, props: TeamState): Promise<void> {
    try {
      await orUndefined(deleteTeam(clientFor(props.platform), props.orgId, props.teamId));
    } catch (err) {
      throw failure(step("deleting", props.name, props.orgId), err);
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<TeamInputs, TeamState>;
