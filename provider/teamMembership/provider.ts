/**
 * TeamMembership lifecycle (Atlas v2 `:addUser` / `:removeUser`): the
 * declared fact is "this org member is in this team". Who is in a team is
 * read from the org user's `teamIds`; a person taken out of the team (or the
 * org) outside Pulumi is gone: refresh drops it, `up` adds them again.
 */
import type * as pulumi from "@pulumi/pulumi";
import { hasErrorCode } from "../client/errors";
import type { OrgUserResponse, RequestSender } from "../client/operations/orgUsers";
import { checkOnPlatform } from "../common/check";
import { splitId } from "../common/diff";
import { failure, ResourceError } from "../common/errors";
import { platformForCheck, providerContext } from "../context";
import { atlas, teams } from "../memberships";
import { limitHint } from "../memberships/limits";
import { isLive } from "../memberships/status";
import { formatId, inputsOfState, planDiff, stateFromOrgUser } from "./model";
import { TeamMembershipInputsSchema, type TeamMembershipInputs, type TeamMembershipState } from "./schema";

const { ctx, clientFor, configure } = providerContext();

const step = (action: string, who: { username?: string; teamId: string }) => `${action} ${who.username ?? "a member"} ${action === "adding" ? "to" : "in"} team ${who.teamId}`;

function notInOrg(inputs: TeamMembershipInputs, cause?: unknown): ResourceError {
  return new ResourceError({
    step: step("adding", inputs),
    code: "USER_NOT_IN_ORG",
    cause,
    detail: `${inputs.username} is not a member of organization ${inputs.orgId} (nor invited to it, or the invitation expired or was declined)`,
    hint: "Invite them with an OrgInvitation first, and give this resource `dependsOn: [invitation]`",
  });
}

function failed(action: string, who: { username?: string; teamId: string }, err: unknown): ResourceError {
  return failure(step(action, who), err, limitHint(err));
}

/** The live org member, or undefined. */
async function liveMember(client: RequestSender, orgId: string, who: { userId?: string; username?: string }): Promise<OrgUserResponse | undefined> {
  const found = await atlas.findOrgMember(client, orgId, who);
  return found && isLive(atlas.orgMemberStatus(found, new Date())) ? found : undefined;
}

async function join(client: RequestSender, inputs: TeamMembershipInputs, member: OrgUserResponse): Promise<TeamMembershipState> {
  try {
    const joined = await teams.joinTeam(client, inputs.orgId, inputs.teamId, member.id);
    return stateFromOrgUser(inputs, joined, joined.orgMembershipStatus);
  } catch (err) {
    if (hasErrorCode(err, "USER_NOT_IN_ORG")) throw notInOrg(inputs, err);
    throw err;
  }
}

export const provider = {
  configure,

  async check(_olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult<TeamMembershipInputs>> {
    return checkOnPlatform(TeamMembershipInputsSchema, news, platformForCheck(ctx(), news), "supportsTeams", "TeamMembership") as pulumi.dynamic.CheckResult<TeamMembershipInputs>;
  },

  async diff(_id: string, olds: Partial<TeamMembershipState>, news: TeamMembershipInputs): Promise<pulumi.dynamic.DiffResult> {
    return planDiff(olds, news);
  },

  async create(inputs: TeamMembershipInputs): Promise<pulumi.dynamic.CreateResult<TeamMembershipState>> {
    const client = clientFor(inputs.platform);
    try {
      const member = await liveMember(client, inputs.orgId, { username: inputs.username });
      if (!member) throw notInOrg(inputs);
      if ((member.teamIds ?? []).includes(inputs.teamId) && !inputs.adopt) {
        throw new ResourceError({
          step: step("adding", inputs),
          code: "ATLAS_USERS_ALREADY_MEMBER",
          detail: `${inputs.username} is already in this team`,
          hint: "Set `adopt: true` to manage that membership (destroying the resource then takes them out), or take them out of the team first",
        });
      }
      const state = await join(client, inputs, member);
      return { id: formatId(state), outs: state };
    } catch (err) {
      throw failed("adding", inputs, err);
    }
  },

  async read(id: string, props: Partial<TeamMembershipState> = {}): Promise<pulumi.dynamic.ReadResult<TeamMembershipState>> {
    const [orgId, teamId, username] = props.orgId && props.teamId ? [props.orgId, props.teamId, props.username] : (splitId(id, 3) ?? []);
    if (!orgId || !teamId) {
      throw new ResourceError({ step: `reading team membership "${id}"`, code: "ATLAS_USERS_BAD_ID", detail: "the id must be {orgId}/{teamId}/{username}" });
    }
    try {
      const member = await atlas.findOrgMember(clientFor(props.platform), orgId, { userId: props.userId, username });
      if (!member || !(member.teamIds ?? []).includes(teamId)) return {};
      const state = stateFromOrgUser({ orgId, teamId, adopt: props.adopt ?? false, platform: props.platform }, member, atlas.orgMemberStatus(member, new Date()));
      return { id: formatId(state), props: state, inputs: inputsOfState(state) as TeamMembershipState };
    } catch (err) {
      throw failed("reading", { username, teamId }, err);
    }
  },

  async update(_id: string, olds: TeamMembershipState, news: TeamMembershipInputs): Promise<pulumi.dynamic.UpdateResult<TeamMembershipState>> {
    // Only provider-side settings change in place; the membership itself is made sure of (taken out since the last refresh: added again).
    const client = clientFor(news.platform);
    try {
      const member = await liveMember(client, news.orgId, { userId: olds.userId, username: news.username });
      if (!member) throw notInOrg(news);
      return { outs: (member.teamIds ?? []).includes(news.teamId) ? stateFromOrgUser(news, member, member.orgMembershipStatus) : await join(client, news, member) };
    } catch (err) {
      throw failed("updating", news, err);
    }
  },

  async delete(_id: string, props: TeamMembershipState): Promise<void> {
    try {
      await teams.leaveTeam(clientFor(props.platform), props.orgId, props.teamId, props.userId);
    } catch (err) {
      throw failed("removing", props, err);
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<TeamMembershipInputs, TeamMembershipState>;
