/**
 * OrgInvitation lifecycle: the declared fact is "this person is a member of
 * this org with these roles", kept true from invitation through acceptance,
 * expiry and rejection. The memberships layer does the talking: Atlas v2 org
 * users, or Cloud/Ops Manager invitations plus the org's member list.
 */
import type * as pulumi from "@pulumi/pulumi";
import { hasErrorCode } from "../client/errors";
import type { OrgInvitationV1, OrgMemberV1, OrgUserResponse, RequestSender } from "../client/operations/orgUsers";
import { checkWith } from "../common/check";
import { failure, ResourceError } from "../common/errors";
import { ownerUnknown } from "../common/ownership";
import { isUnknown } from "../common/unknowns";
import { platformForCheck, runContext, type RunContext } from "../context";
import { atlas, publicV1 } from "../memberships";
import { sameSet } from "../common/sets";
import { expiryHasPassed, isLive, wantsReinvite } from "../memberships/status";
import { isPlatform, PLATFORM, type MembershipsApi, type Platform } from "../platform";
import { formatId, inputsOfState, parseId, planDiff, stateFromInvitationV1, stateFromMemberV1, stateFromOrgUser } from "./model";
import { orgInvitationInputsSchema, type OrgInvitationInputs, type OrgInvitationState } from "./schema";

type Local = Pick<OrgInvitationInputs, "reinvite" | "adopt" | "platform">;

let configured: RunContext | undefined;
/** The context `configure` built (the environment alone if the engine never called it). */
const ctx = (): RunContext => (configured ??= runContext());

const familyOf = (platform: Platform | undefined): MembershipsApi => PLATFORM[ctx().platformOf(platform)].membershipsApi;

const PREPOSITION = { inviting: "to", reading: "in", updating: "in", removing: "from" } as const;

/** Names the step and the membership ("inviting ada@example.com to organization 5f…"), with the API's error underneath. */
function failed(action: keyof typeof PREPOSITION, username: string | undefined, orgId: string, err: unknown): ResourceError {
  const step = `${action} ${username ?? "a member"} ${PREPOSITION[action]} organization ${orgId}`;
  if (hasErrorCode(err, "MAX_USERS_PER_ORG_EXCEEDED")) {
    return new ResourceError({
      step,
      cause: err,
      detail:
        "the organization has reached MongoDB Cloud's limit of 500 users (pending invitations count). " +
        `Remove members or cancel pending invitations in this organization, then run the update again. (${(err as Error).message})`,
    });
  }
  return failure(step, err);
}

function alreadyMemberError(inputs: OrgInvitationInputs, status: string): ResourceError {
  return new ResourceError({
    step: `inviting ${inputs.username} to organization ${inputs.orgId}`,
    code: "ATLAS_USERS_ALREADY_MEMBER",
    detail:
      `${inputs.username} is already ${status === "ACTIVE" ? "a member of" : "invited to"} this organization (${status}). ` +
      "To manage that membership with this resource, set `adopt: true` (its roles and teams are then brought to the declared ones); " +
      `or remove the person from the organization first. ${ownerUnknown("membership")}.`,
  });
}

// ---------------------------------------------------------------- Atlas v2

async function inviteAtlas(client: RequestSender, inputs: OrgInvitationInputs): Promise<OrgUserResponse> {
  return atlas.inviteToOrg(client, inputs, async (existing) => {
    if (!existing) {
      throw new ResourceError({
        step: `inviting ${inputs.username} to organization ${inputs.orgId}`,
        detail: "the API reported a conflict but no member or invitation with that username was found; try again",
        code: "ATLAS_USERS_CONFLICT",
      });
    }
    if (!inputs.adopt) throw alreadyMemberError(inputs, existing.orgMembershipStatus);
    return atlas.setOrgMembership(client, inputs, existing);
  });
}

async function updateAtlas(client: RequestSender, olds: OrgInvitationState, news: OrgInvitationInputs, now: Date): Promise<OrgInvitationState> {
  const current = await atlas.findOrgMember(client, news.orgId, { userId: olds.userId, username: olds.username });
  if (!current) throw goneError(news);
  const status = atlas.orgMemberStatus(current, now);
  // The API replaces an expired or rejected invitation with the new one.
  if (wantsReinvite(status, news.reinvite)) return stateFromOrgUser(news.orgId, await inviteAtlas(client, news), news, now);
  if (!isLive(status)) return keepDead(stateFromOrgUser(news.orgId, current, news, now), news);
  return stateFromOrgUser(news.orgId, await atlas.setOrgMembership(client, news, current), news, now);
}

// ------------------------------------------------- Cloud / Ops Manager v1.0

function assertNoProjectRolesV1(inputs: OrgInvitationInputs): void {
  if ((inputs.projectRoles?.length ?? 0) > 0) {
    throw new ResourceError({
      step: `${inputs.username} in organization ${inputs.orgId}`,
      code: "ATLAS_USERS_UNSUPPORTED",
      detail:
        "projectRoles cannot be sent with a Cloud Manager or Ops Manager organization invitation. " +
        "Remove projectRoles, and give project roles with a CloudUser's roles once the invitation is accepted.",
    });
  }
}

function stateOfV1(found: publicV1.PublicMembership, inputs: OrgInvitationInputs, invitationId: string | undefined, now: Date): OrgInvitationState {
  return "invitation" in found ? stateFromInvitationV1(found.invitation, inputs, now) : stateFromMemberV1(inputs.orgId, found.member, inputs, invitationId);
}

/** Invites, as on Atlas: a member or live invitation in the way is adopted or refused. */
async function inviteV1(client: RequestSender, inputs: OrgInvitationInputs, now: Date): Promise<OrgInvitationState> {
  assertNoProjectRolesV1(inputs);
  let adopted = false;
  const found = await publicV1.inviteToOrg(
    client,
    inputs,
    async (taken) => {
      if (!inputs.adopt) throw alreadyMemberError(inputs, "member" in taken ? "ACTIVE" : "PENDING");
      adopted = true;
      return "member" in taken
        ? { member: await reconcileMemberV1(client, inputs, taken.member) }
        : { invitation: await publicV1.setInvitation(client, inputs, taken.invitation) };
    },
    now,
  );
  const state = stateOfV1(found, inputs, undefined, now);
  // Just sent, so pending, whatever the skew between our clock and the server's.
  return adopted || "member" in found ? state : { ...state, status: "PENDING" };
}

/**
 * An accepted member's org roles. Only where the platform can change them
 * (Ops Manager, by replacing the user's role list); teams are never changed
 * here (the v1.0 API changes them through each team's member list).
 */
async function reconcileMemberV1(client: RequestSender, inputs: OrgInvitationInputs, member: OrgMemberV1): Promise<OrgMemberV1> {
  const step = `updating ${inputs.username} in organization ${inputs.orgId}`;
  const teams = member.teamIds ?? [];
  if (inputs.teamIds !== undefined && !sameSet(teams, inputs.teamIds)) {
    throw new ResourceError({
      step,
      code: "ATLAS_USERS_CANNOT_CHANGE",
      detail:
        `OrgInvitation cannot change an accepted member's teams on Cloud Manager or Ops Manager (member of ${teams.join(", ") || "no team"}; ` +
        `declared ${inputs.teamIds.join(", ") || "none"}). Change the teams in the UI, or declare the current ones or leave teamIds out, then run \`pulumi refresh\`.`,
    });
  }
  const orgRoles = publicV1.orgRolesOfMember(member, inputs.orgId);
  const platform = PLATFORM[ctx().platformOf(inputs.platform)];
  if (!sameSet(orgRoles, inputs.roles) && !platform.canChangeAcceptedOrgRoles) {
    throw new ResourceError({
      step,
      code: "ATLAS_USERS_CANNOT_CHANGE",
      detail:
        `${platform.title} has no API to change an accepted member's organization roles (it has ${orgRoles.join(", ") || "none"}). ` +
        `Change them in the ${platform.title} UI, then run \`pulumi refresh\`.`,
    });
  }
  return publicV1.setMemberOrgRoles(client, member, inputs.orgId, inputs.roles);
}

async function readV1(
  client: RequestSender,
  orgId: string,
  invitationId: string | undefined,
  username: string | undefined,
  previous: Partial<OrgInvitationState>,
  now: Date,
): Promise<OrgInvitationState | undefined> {
  const local = localOf(previous);
  const inv = await publicV1.findInvitation(client, orgId, invitationId);
  if (inv) return stateFromInvitationV1(inv, local, now);
  if (username) {
    const member = await publicV1.findMember(client, orgId, username);
    if (member) return stateFromMemberV1(orgId, member, local, invitationId ?? member.id);
    if (invitationId && previous.status !== undefined) {
      // A member who is no longer one was removed: gone, as on Atlas. An invitation that vanished: see invitationGoneV1.
      return previous.status === "ACTIVE" ? undefined : invitationGoneV1(previous as OrgInvitationState, now);
    }
    // `get` by username of someone not yet a member: their invitation, if any.
    const found = await publicV1.findInvitationByUsername(client, orgId, username);
    return found && stateFromInvitationV1(found, local, now);
  }
  if (invitationId) {
    // `get` by an id that is no (longer an) invitation: a member's user id.
    const member = await publicV1.findMemberById(client, orgId, invitationId);
    if (member) return stateFromMemberV1(orgId, member, local, invitationId);
  }
  return undefined;
}

/**
 * Cloud/Ops Manager drop an invitation once it is declined (or cancelled
 * outside Pulumi), and the v1.0 API cannot tell which: a managed invitation
 * that is gone without the person becoming a member reads as
 * INVITATION_REJECTED, or INVITATION_EXPIRED if its expiry had passed.
 */
function invitationGoneV1(previous: OrgInvitationState, now: Date): OrgInvitationState {
  if (expiryHasPassed(previous.invitationExpiresAt, now)) return { ...previous, status: "INVITATION_EXPIRED" };
  const { invitationExpiresAt: _dropped, ...rest } = previous;
  return { ...rest, status: "INVITATION_REJECTED" };
}

async function updateV1(client: RequestSender, olds: OrgInvitationState, news: OrgInvitationInputs, now: Date): Promise<OrgInvitationState> {
  assertNoProjectRolesV1(news);
  const inv = await publicV1.findInvitation(client, news.orgId, olds.invitationId);
  if (inv) {
    const status = publicV1.invitationStatus(inv, now);
    if (wantsReinvite(status, news.reinvite)) return inviteV1(client, news, now); // replaces the expired invitation
    if (status !== "PENDING") return keepDead(stateFromInvitationV1(inv, news, now), news);
    return stateFromInvitationV1(await publicV1.setInvitation(client, news, inv), news, now);
  }
  const member = await publicV1.findMember(client, news.orgId, news.username);
  if (member) return stateFromMemberV1(news.orgId, await reconcileMemberV1(client, news, member), news, olds.invitationId);
  const gone = invitationGoneV1(olds, now);
  if (wantsReinvite(gone.status, news.reinvite)) return inviteV1(client, news, now);
  return keepDead(gone, news);
}

/** A dead invitation left as it is (reinvite policy): record the declared inputs, send nothing. */
function keepDead(state: OrgInvitationState, news: OrgInvitationInputs): OrgInvitationState {
  return { ...state, ...news, projectRoles: news.projectRoles ?? state.projectRoles, teamIds: news.teamIds ?? state.teamIds };
}

function goneError(inputs: OrgInvitationInputs): ResourceError {
  return new ResourceError({
    step: `updating ${inputs.username} in organization ${inputs.orgId}`,
    code: "ATLAS_USERS_GONE",
    detail:
      "the invitation or membership no longer exists (removed outside Pulumi). Run `pulumi refresh`, then `pulumi up` to invite the person again.",
  });
}

// ---------------------------------------------------------------- provider

function idOf(state: OrgInvitationState): string {
  return formatId(state.orgId, state.invitationId ?? state.userId ?? state.username);
}

function localOf(props: Partial<OrgInvitationState>): Local {
  return { reinvite: props.reinvite ?? "on-expiry", adopt: props.adopt ?? false, platform: props.platform };
}

export const provider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configured = runContext(req);
  },

  async check(_olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult<OrgInvitationInputs>> {
    const platform = platformForCheck(ctx(), news);
    // Role names are held to the lists of the platform the invitation goes to (Atlas's when it is not known).
    const result = checkWith(orgInvitationInputsSchema(platform ?? "atlas"), news) as pulumi.dynamic.CheckResult<OrgInvitationInputs>;
    if (result.failures?.length) return result;
    const inputs = result.inputs as OrgInvitationInputs;
    if (platform !== undefined && !PLATFORM[platform].invitationsCarryProjectRoles && Array.isArray(inputs.projectRoles) && inputs.projectRoles.length > 0) {
      return {
        inputs: result.inputs,
        failures: [
          {
            property: "projectRoles",
            reason:
              `${PLATFORM[platform].title} organization invitations cannot carry project roles: remove projectRoles ` +
              "(give project roles with a CloudUser once the invitation is accepted), or use platform \"atlas\"",
          },
        ],
      };
    }
    return result;
  },

  async diff(_id: string, olds: Partial<OrgInvitationState>, news: OrgInvitationInputs): Promise<pulumi.dynamic.DiffResult> {
    let family: MembershipsApi;
    try {
      family = familyOf(news.platform);
    } catch {
      family = typeof olds.invitationId === "string" ? "public-v1" : "atlas-v2";
    }
    return planDiff(olds, news, family, new Date());
  },

  async create(inputs: OrgInvitationInputs): Promise<pulumi.dynamic.CreateResult<OrgInvitationState>> {
    const platform = ctx().platformOf(inputs.platform);
    const client = ctx().client(platform);
    const now = new Date();
    try {
      const state =
        PLATFORM[platform].membershipsApi === "public-v1"
          ? await inviteV1(client, inputs, now)
          : stateFromOrgUser(inputs.orgId, await inviteAtlas(client, inputs), inputs); // just sent: pending, whatever the clock skew
      return { id: idOf(state), outs: state };
    } catch (err) {
      throw failed("inviting", inputs.username, inputs.orgId, err);
    }
  },

  async read(id: string, props: Partial<OrgInvitationState> = {}): Promise<pulumi.dynamic.ReadResult<OrgInvitationState>> {
    const parsed = parseId(id);
    const orgId = props.orgId ?? parsed?.orgId;
    if (!orgId) {
      throw new ResourceError({
        step: `reading org invitation "${id}"`,
        code: "ATLAS_USERS_BAD_ID",
        detail: "the id must be {orgId}/{userId} or {orgId}/{username}, e.g. 5f1b2c3d4e5f6a7b8c9d0e1f/ada@example.com",
      });
    }
    const username = props.username ?? parsed?.username;
    const local = localOf(props);
    const platform = ctx().platformOf(local.platform);
    const client = ctx().client(platform);
    const now = new Date();
    let state: OrgInvitationState | undefined;
    try {
      if (PLATFORM[platform].membershipsApi === "public-v1") {
        state = await readV1(client, orgId, props.invitationId ?? parsed?.objectId, username, props, now);
      } else {
        const user = await atlas.findOrgMember(client, orgId, { userId: props.userId ?? parsed?.objectId, username });
        state = user && stateFromOrgUser(orgId, user, local, now);
      }
    } catch (err) {
      throw failed("reading", username, orgId, err);
    }
    if (!state) return {};
    return { id: idOf(state), props: state, inputs: inputsOfState(state) as OrgInvitationState };
  },

  async update(_id: string, olds: OrgInvitationState, news: OrgInvitationInputs): Promise<pulumi.dynamic.UpdateResult<OrgInvitationState>> {
    const platform = ctx().platformOf(news.platform);
    const client = ctx().client(platform);
    const now = new Date();
    try {
      const outs = PLATFORM[platform].membershipsApi === "public-v1" ? await updateV1(client, olds, news, now) : await updateAtlas(client, olds, news, now);
      return { outs };
    } catch (err) {
      throw failed("updating", news.username, news.orgId, err);
    }
  },

  async delete(id: string, props: OrgInvitationState): Promise<void> {
    const orgId = props.orgId ?? parseId(id)?.orgId ?? "";
    const client = ctx().client(ctx().platformOf(props.platform));
    try {
      if (typeof props.invitationId === "string") {
        // Cloud/Ops Manager: cancel the invitation if it is still there, and remove the member if it was accepted.
        await publicV1.cancelInvitation(client, orgId, props.invitationId);
        const member = await publicV1.findMember(client, orgId, props.username);
        if (member) await publicV1.removeMember(client, orgId, member.id);
        return;
      }
      const userId = props.userId ?? parseId(id)?.objectId;
      if (userId) await atlas.removeFromOrg(client, orgId, userId);
    } catch (err) {
      throw failed("removing", props.username, orgId, err);
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<OrgInvitationInputs, OrgInvitationState>;
