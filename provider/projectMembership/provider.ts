/**
 * ProjectMembership lifecycle (Atlas v2 `/groups/{groupId}/users`): the
 * declared fact is "this person holds these roles in this project", kept
 * true from invitation through acceptance and expiry. Roles change by the
 * difference only; roles others gave stay. The memberships layer does the
 * talking (invite once, add and remove roles, take the person out).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RequestSender } from "../client/operations/orgUsers";
import type { ProjectUserResponse } from "../client/operations/projectUsers";
import { checkOnPlatform } from "../common/check";
import { splitId } from "../common/diff";
import { failure, ResourceError } from "../common/errors";
import { platformForCheck, providerContext } from "../context";
import { atlas } from "../memberships";
import { limitHint } from "../memberships/limits";
import { isLive, wantsReinvite } from "../memberships/status";
import { formatId, inputsOfState, planDiff, roleChange, stateFromApi } from "./model";
import { ProjectMembershipInputsSchema, type ProjectMembershipInputs, type ProjectMembershipState } from "./schema";

const { ctx, clientFor, configure } = providerContext();

const PREPOSITION = { adding: "to", reading: "in", updating: "in", removing: "from" } as const;

function failed(action: keyof typeof PREPOSITION, username: string | undefined, projectId: string, err: unknown): ResourceError {
  return failure(`${action} ${username ?? "a member"} ${PREPOSITION[action]} project ${projectId}`, err, limitHint(err));
}

/**
 * Adds the person with the declared roles (inviting a newcomer). Someone
 * already in the project is adopted when asked, or when `takeOver` (the
 * membership this resource made and lost track of): the declared roles are
 * added to theirs. Returns the project user and the roles held before.
 */
async function invite(client: RequestSender, inputs: ProjectMembershipInputs, takeOver = false): Promise<{ user: ProjectUserResponse; before: string[] }> {
  let before: string[] = [];
  const user = await atlas.inviteToProject(client, inputs.projectId, inputs.username, inputs.roles, async (found, err) => {
    if (!found) {
      throw new ResourceError({
        step: `adding ${inputs.username} to project ${inputs.projectId}`,
        code: "ATLAS_USERS_CONFLICT",
        cause: err,
        detail: "the API reported a conflict but no member or invitation with that username was found; try again",
      });
    }
    if (!inputs.adopt && !takeOver) {
      throw new ResourceError({
        step: `adding ${inputs.username} to project ${inputs.projectId}`,
        code: "ATLAS_USERS_ALREADY_MEMBER",
        detail: `${inputs.username} is already ${found.orgMembershipStatus === "ACTIVE" ? "a member of" : "invited to"} this project (${found.roles.join(", ")})`,
        hint: "Set `adopt: true` to manage that membership (the declared roles are added; destroy takes away only those), or take the person out of the project first",
      });
    }
    if (!takeOver) before = found.roles;
    return atlas.changeProjectRoles(client, inputs.projectId, found, roleChange({ roles: [], rolesBefore: found.roles }, inputs, found.roles));
  });
  return { user, before };
}

export const provider = {
  configure,

  async check(_olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult<ProjectMembershipInputs>> {
    return checkOnPlatform(ProjectMembershipInputsSchema, news, platformForCheck(ctx(), news), "supportsProjectMemberships", "ProjectMembership") as pulumi.dynamic.CheckResult<ProjectMembershipInputs>;
  },

  async diff(_id: string, olds: Partial<ProjectMembershipState>, news: ProjectMembershipInputs): Promise<pulumi.dynamic.DiffResult> {
    return planDiff(olds, news, new Date());
  },

  async create(inputs: ProjectMembershipInputs): Promise<pulumi.dynamic.CreateResult<ProjectMembershipState>> {
    try {
      const { user, before } = await invite(clientFor(inputs.platform), inputs);
      const state = stateFromApi(inputs, user, before); // just sent: pending, whatever the clock skew
      return { id: formatId(state), outs: state };
    } catch (err) {
      throw failed("adding", inputs.username, inputs.projectId, err);
    }
  },

  async read(id: string, props: Partial<ProjectMembershipState> = {}): Promise<pulumi.dynamic.ReadResult<ProjectMembershipState>> {
    const [projectId, username] = props.projectId && props.username ? [props.projectId, props.username] : (splitId(id, 2) ?? []);
    if (!projectId || !username) {
      throw new ResourceError({
        step: `reading project membership "${id}"`,
        code: "ATLAS_USERS_BAD_ID",
        detail: "the id must be {projectId}/{username}, e.g. 6a7b8c9d0e1f5f1b2c3d4e5f/ada@example.com",
      });
    }
    try {
      const user = await atlas.findProjectMember(clientFor(props.platform), projectId, { userId: props.userId, username });
      if (!user) return {};
      // `get` declares nothing: then every role the person holds.
      const declared = { projectId, roles: (props.roles ?? user.roles) as ProjectMembershipState["roles"], reinvite: props.reinvite, adopt: props.adopt, platform: props.platform };
      const state = stateFromApi(declared, user, props.rolesBefore ?? [], new Date());
      return { id: formatId(state), props: state, inputs: inputsOfState(state) as ProjectMembershipState };
    } catch (err) {
      throw failed("reading", username, projectId, err);
    }
  },

  async update(_id: string, olds: ProjectMembershipState, news: ProjectMembershipInputs): Promise<pulumi.dynamic.UpdateResult<ProjectMembershipState>> {
    const client = clientFor(news.platform);
    const now = new Date();
    try {
      const current = await atlas.findProjectMember(client, news.projectId, { userId: olds.userId, username: news.username });
      if (!current) {
        // Taken out of the project since the last refresh: add the person again.
        const { user } = await invite(client, news, true);
        return { outs: stateFromApi(news, user, []) };
      }
      const status = atlas.orgMemberStatus(current, now);
      // The API replaces an expired (or rejected) invitation with the new one.
      if (wantsReinvite(status, news.reinvite)) return { outs: stateFromApi(news, (await invite(client, news, true)).user, []) };
      if (!isLive(status)) return { outs: stateFromApi(news, current, olds.rolesBefore, now) };
      const user = await atlas.changeProjectRoles(client, news.projectId, current, roleChange(olds, news, current.roles));
      return { outs: stateFromApi(news, user, olds.rolesBefore ?? [], now) };
    } catch (err) {
      throw failed("updating", news.username, news.projectId, err);
    }
  },

  async delete(_id: string, props: ProjectMembershipState): Promise<void> {
    const client = clientFor(props.platform);
    try {
      if ((props.rolesBefore ?? []).length === 0) return await atlas.removeFromProject(client, props.projectId, props.userId);
      // Adopted: take away only the roles this resource added.
      const current = await atlas.findProjectMember(client, props.projectId, { userId: props.userId });
      const before = new Set(props.rolesBefore);
      if (current) await atlas.changeProjectRoles(client, props.projectId, current, { add: [], remove: props.roles.filter((r) => !before.has(r)) });
    } catch (err) {
      throw failed("removing", props.username, props.projectId, err);
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<ProjectMembershipInputs, ProjectMembershipState>;
