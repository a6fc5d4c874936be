/**
 * OrgInvitation lifecycle: the declared fact is "this person is a member of
 * this org with these roles", kept true from invitation through acceptance,
 * expiry and rejection. Atlas uses the v2 org-users endpoints; Cloud Manager
 * and Ops Manager the v1.0 org invitations plus the org's member list.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AtlasApiError, AtlasNetworkError, hasErrorCode, isConflict, isNotFound } from "../client/errors";
import {
  createOrgInvitationV1,
  createOrgUser,
  deleteOrgInvitationV1,
  findOrgMemberV1,
  findOrgUserByUsername,
  getOrgInvitationV1,
  getOrgUser,
  listOrgInvitationsV1,
  listOrgMembersV1,
  removeOrgMemberV1,
  removeOrgUser,
  updateOrgInvitationV1,
  updateOrgUser,
  type OrgInvitationV1,
  type OrgMemberV1,
  type OrgUserResponse,
  type RequestSender,
} from "../client/operations/orgUsers";
import { updateOpsManagerUser } from "../client/operations/cloudUsers";
import { checkWith } from "../common/check";
import { answerWasLost, resendIfAnswerLost } from "../common/lostResponse";
import { configure, getClient, getSettings } from "../common/runtime";
import { sameSet } from "../common/sets";
import {
  apiFamilyOf,
  createBodyFromInputs,
  expiryHasPassed,
  formatId,
  inputsOfState,
  invitationV1BodyFromInputs,
  matchesDeclared,
  parseId,
  planDiff,
  stateFromInvitationV1,
  stateFromMemberV1,
  stateFromOrgUser,
  updateBodyFromInputs,
  wantsReinvite,
  type ApiFamily,
} from "./model";
import { PLATFORMS, type Platform } from "../config";
import { isUnknown } from "../common/unknowns";
import { orgInvitationInputsSchema, rolesPlatformOf, type OrgInvitationInputs, type OrgInvitationState } from "./schema";

type Local = Pick<OrgInvitationInputs, "reinvite" | "adopt" | "platform">;

function familyFor(platform: OrgInvitationInputs["platform"]): ApiFamily {
  return apiFamilyOf(getSettings({ platform }).platform);
}

const PREPOSITION = { inviting: "to", reading: "in", updating: "in", removing: "from" } as const;

/**
 * An API failure as the user sees it, naming the object ("inviting
 * ada@example.com to organization 5f…: ") with the API's error underneath.
 */
function failure(action: keyof typeof PREPOSITION, username: string | undefined, orgId: string, err: unknown): Error {
  const what = `${action} ${username ?? "a member"} ${PREPOSITION[action]} organization ${orgId}`;
  const detail = err instanceof Error ? err.message : String(err);
  if (hasErrorCode(err, "MAX_USERS_PER_ORG_EXCEEDED")) {
    return new Error(
      `${what}: the organization has reached MongoDB Cloud's limit of 500 users (pending invitations count). ` +
        `Remove members or cancel pending invitations in this organization, then run the update again. (${detail})`,
    );
  }
  return new Error(`${what}: ${detail}`);
}

/** Errors of our own already name the object; API and network errors get the name added. */
function isTransportError(err: unknown): boolean {
  return err instanceof AtlasApiError || err instanceof AtlasNetworkError;
}

function alreadyMemberError(inputs: OrgInvitationInputs, status: string): Error {
  return new Error(
    `inviting ${inputs.username} to organization ${inputs.orgId}: ${inputs.username} is already ` +
      `${status === "ACTIVE" ? "a member of" : "invited to"} this organization (${status}). ` +
      `To manage that membership with this resource, set \`adopt: true\` (its roles and teams are then brought to the declared ones); ` +
      `or remove the person from the organization first.`,
  );
}

// ---------------------------------------------------------------- Atlas v2

function userMatchesDeclared(user: OrgUserResponse, inputs: OrgInvitationInputs): boolean {
  return matchesDeclared(stateFromOrgUser(inputs.orgId, user, inputs), inputs);
}

/**
 * Brings a live member's roles and teams to the declared ones in one PATCH
 * (never a moment without a role); project roles and teams not declared are left as they are.
 */
async function reconcileAtlas(client: RequestSender, inputs: OrgInvitationInputs, current: OrgUserResponse): Promise<OrgUserResponse> {
  if (userMatchesDeclared(current, inputs)) return current;
  // The body holds the complete declared roles and teams: after a lost answer, sending it again is safe.
  return resendIfAnswerLost(() => updateOrgUser(client, inputs.orgId, current.id, updateBodyFromInputs(inputs)));
}

/**
 * POST the invitation. A 409 (PENDING or ACTIVE member) is adopted or refused;
 * a lost answer is read back by username before the POST is sent once more.
 */
async function inviteAtlas(client: RequestSender, inputs: OrgInvitationInputs): Promise<OrgUserResponse> {
  let lost = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await createOrgUser(client, inputs.orgId, createBodyFromInputs(inputs));
    } catch (err) {
      if (isConflict(err) && lost) {
        // Our first POST may have landed after we looked (a slow server, a stale read): ours if it matches.
        const found = await findOrgUserByUsername(client, inputs.orgId, inputs.username, ["PENDING", "ACTIVE"]);
        if (found?.orgMembershipStatus === "PENDING" && userMatchesDeclared(found, inputs)) return found;
        return adoptAtlas(client, inputs, found);
      }
      if (isConflict(err)) return adoptAtlas(client, inputs);
      if (answerWasLost(err) && attempt === 1) {
        lost = true;
        const found = await findOrgUserByUsername(client, inputs.orgId, inputs.username, ["PENDING", "ACTIVE"]);
        if (found?.orgMembershipStatus === "PENDING" && userMatchesDeclared(found, inputs)) return found;
        if (found) return adoptAtlas(client, inputs, found);
        continue; // the POST never landed: send it again
      }
      throw err;
    }
  }
}

async function adoptAtlas(client: RequestSender, inputs: OrgInvitationInputs, known?: OrgUserResponse): Promise<OrgUserResponse> {
  const existing = known ?? (await findOrgUserByUsername(client, inputs.orgId, inputs.username, ["PENDING", "ACTIVE"]));
  if (!existing) throw new Error(`inviting ${inputs.username} to organization ${inputs.orgId}: the API reported a conflict but no member or invitation with that username was found; try again`);
  if (!inputs.adopt) throw alreadyMemberError(inputs, existing.orgMembershipStatus);
  return reconcileAtlas(client, inputs, existing);
}

/** The member by the stored user id, else by username (any status); undefined when neither exists. */
async function findAtlas(
  client: RequestSender,
  orgId: string,
  userId: string | undefined,
  username: string | undefined,
): Promise<OrgUserResponse | undefined> {
  if (userId) {
    try {
      return await getOrgUser(client, orgId, userId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return username ? findOrgUserByUsername(client, orgId, username) : undefined;
}

// ------------------------------------------------- Cloud / Ops Manager v1.0

function assertNoProjectRolesV1(inputs: OrgInvitationInputs): void {
  if ((inputs.projectRoles?.length ?? 0) > 0) {
    throw new Error(
      `${inputs.username} in organization ${inputs.orgId}: projectRoles cannot be sent with a Cloud Manager or Ops Manager ` +
        `organization invitation. Remove projectRoles, and give project roles with a CloudUser's roles once the invitation is accepted.`,
    );
  }
}

async function findInvitationV1(client: RequestSender, orgId: string, invitationId: string | undefined): Promise<OrgInvitationV1 | undefined> {
  if (!invitationId) return undefined;
  try {
    return await getOrgInvitationV1(client, orgId, invitationId);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * POST the invitation, as on Atlas: a 409 means a member or a live invitation
 * (adopted or refused); an expired invitation that blocks it is cancelled
 * and the POST sent once more.
 */
async function inviteV1(client: RequestSender, inputs: OrgInvitationInputs): Promise<OrgInvitationState> {
  assertNoProjectRolesV1(inputs);
  for (let attempt = 1; ; attempt++) {
    try {
      const inv = await createOrgInvitationV1(client, inputs.orgId, invitationV1BodyFromInputs(inputs));
      // Just sent, so pending, whatever the skew between our clock and the server's.
      return { ...stateFromInvitationV1(inv, inputs, new Date()), status: "PENDING" };
    } catch (err) {
      const lost = answerWasLost(err);
      if (!(isConflict(err) || lost) || attempt > 1) throw err;
      const member = await findOrgMemberV1(client, inputs.orgId, inputs.username);
      if (member) {
        if (!inputs.adopt) throw alreadyMemberError(inputs, "ACTIVE");
        return reconcileMemberV1(client, inputs, member, undefined);
      }
      const inv = (await listOrgInvitationsV1(client, inputs.orgId, inputs.username)).find(
        (i) => i.username.toLowerCase() === inputs.username.toLowerCase(),
      );
      if (inv && expiryHasPassed(inv.expiresAt, new Date())) {
        await deleteOrgInvitationV1(client, inputs.orgId, inv.id).catch(ignoreGone);
        continue;
      }
      if (inv && lost && matchesDeclared(stateFromInvitationV1(inv, inputs, new Date()), inputs)) {
        return stateFromInvitationV1(inv, inputs, new Date()); // our POST did land
      }
      if (inv) {
        if (!inputs.adopt) throw alreadyMemberError(inputs, "PENDING");
        return reconcileInvitationV1(client, inputs, inv);
      }
      if (lost) continue; // the POST never landed: send it again
      throw err;
    }
  }
}

async function reconcileInvitationV1(client: RequestSender, inputs: OrgInvitationInputs, inv: OrgInvitationV1): Promise<OrgInvitationState> {
  let current = inv;
  if (!matchesDeclared(stateFromInvitationV1(inv, inputs, new Date()), inputs)) {
    const { username: _username, ...body } = invitationV1BodyFromInputs(inputs); // teams only when declared
    current = await resendIfAnswerLost(() => updateOrgInvitationV1(client, inputs.orgId, inv.id, body));
  }
  return stateFromInvitationV1(current, inputs, new Date());
}

/**
 * An accepted member's org roles. Only Ops Manager can change them
 * (`PATCH /users/{id}`, which replaces all the user's roles: other orgs' and
 * projects' roles are sent back unchanged); Cloud Manager has no API for it.
 */
async function reconcileMemberV1(
  client: RequestSender,
  inputs: OrgInvitationInputs,
  member: OrgMemberV1,
  invitationId: string | undefined,
): Promise<OrgInvitationState> {
  let current = member;
  const teams = member.teamIds ?? [];
  if (inputs.teamIds !== undefined && !sameSet(teams, inputs.teamIds)) {
    // The v1.0 API changes teams through each team's member list, which this
    // resource does not manage: fail rather than report an update that did nothing.
    throw new Error(
      `updating ${inputs.username} in organization ${inputs.orgId}: OrgInvitation cannot change an accepted member's teams on ` +
        `Cloud Manager or Ops Manager (member of ${teams.join(", ") || "no team"}; declared ${inputs.teamIds.join(", ") || "none"}). ` +
        "Change the teams in the UI, or declare the current ones or leave teamIds out, then run `pulumi refresh`.",
    );
  }
  const orgRoles = (member.roles ?? []).filter((r) => r.orgId === inputs.orgId).map((r) => r.roleName);
  if (!sameSet(orgRoles, inputs.roles)) {
    if (getSettings({ platform: inputs.platform }).platform !== "ops-manager") {
      throw new Error(
        `updating ${inputs.username} in organization ${inputs.orgId}: Cloud Manager has no API to change an accepted member's ` +
          `organization roles (it has ${orgRoles.join(", ") || "none"}). Change them in the Cloud Manager UI, then run \`pulumi refresh\`.`,
      );
    }
    const others = (member.roles ?? []).filter((r) => r.orgId !== inputs.orgId);
    const roles = [...others, ...inputs.roles.map((roleName) => ({ orgId: inputs.orgId, roleName }))];
    current = await resendIfAnswerLost(() => updateOpsManagerUser(client, member.id, { roles }));
  }
  return stateFromMemberV1(inputs.orgId, current, inputs, invitationId);
}

async function readV1(
  client: RequestSender,
  orgId: string,
  invitationId: string | undefined,
  username: string | undefined,
  previous: Partial<OrgInvitationState>,
): Promise<OrgInvitationState | undefined> {
  const local = localOf(previous);
  const inv = await findInvitationV1(client, orgId, invitationId);
  if (inv) return stateFromInvitationV1(inv, local, new Date());
  if (username) {
    const member = await findOrgMemberV1(client, orgId, username);
    if (member) return stateFromMemberV1(orgId, member, local, invitationId ?? member.id);
    if (invitationId && previous.status !== undefined) {
      // A member who is no longer one was removed: gone, as on Atlas. An invitation that vanished: see invitationGoneV1.
      return previous.status === "ACTIVE" ? undefined : invitationGoneV1(previous as OrgInvitationState, new Date());
    }
    // `get` by username of someone not yet a member: their invitation, if any.
    const found = (await listOrgInvitationsV1(client, orgId, username)).find((i) => i.username.toLowerCase() === username.toLowerCase());
    return found && stateFromInvitationV1(found, local, new Date());
  }
  if (invitationId) {
    // `get` by an id that is no (longer an) invitation: a member's user id.
    const members = await listOrgMembersV1(client, orgId, { itemsPerPage: 500 });
    const member = members.results.find((m) => m.id === invitationId);
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

/** A dead invitation left as it is (reinvite policy): record the declared inputs, send nothing. */
function keepDead(state: OrgInvitationState, news: OrgInvitationInputs): OrgInvitationState {
  return { ...state, ...news, projectRoles: news.projectRoles ?? state.projectRoles, teamIds: news.teamIds ?? state.teamIds };
}

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}

/** Cloud/Ops Manager answer 400 INVALID_INVITATION_ID for an invitation already accepted, declined or deleted. */
function ignoreGone(err: unknown): void {
  if (!isNotFound(err) && !hasErrorCode(err, "INVALID_INVITATION_ID")) throw err;
}

// ---------------------------------------------------------------- provider

function idOf(state: OrgInvitationState): string {
  return formatId(state.orgId, state.invitationId ?? state.userId ?? state.username);
}

/**
 * The platform `check` judges the inputs for: the resource's own `platform`
 * input, else the stack's setting. Undefined when it is not known yet (a
 * preview) or the settings are broken (the client reports that, with its own message).
 */
function checkedPlatform(news: unknown): Platform | undefined {
  const declared = news !== null && typeof news === "object" ? (news as Record<string, unknown>).platform : undefined;
  if (isUnknown(declared)) return undefined;
  if ((PLATFORMS as readonly unknown[]).includes(declared)) return declared as Platform;
  try {
    return getSettings().platform;
  } catch {
    return undefined;
  }
}

function localOf(props: Partial<OrgInvitationState>): Local {
  return { reinvite: props.reinvite ?? "on-expiry", adopt: props.adopt ?? false, platform: props.platform };
}

export const provider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configure(req);
  },

  async check(_olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult> {
    const platform = checkedPlatform(news);
    // Role names are held to the lists of the platform the invitation goes to (Atlas's when it is not known).
    const result = checkWith(orgInvitationInputsSchema(rolesPlatformOf(platform ?? "atlas")), news);
    if (result.failures?.length) return result;
    const inputs = result.inputs as OrgInvitationInputs;
    if (platform !== undefined && apiFamilyOf(platform) === "public-v1" && Array.isArray(inputs.projectRoles) && inputs.projectRoles.length > 0) {
      return {
        inputs: result.inputs,
        failures: [
          {
            property: "projectRoles",
            reason:
              "Cloud Manager and Ops Manager organization invitations cannot carry project roles: remove projectRoles " +
              "(give project roles with a CloudUser once the invitation is accepted), or use platform \"atlas\"",
          },
        ],
      };
    }
    return result;
  },

  async diff(_id: string, olds: Partial<OrgInvitationState>, news: OrgInvitationInputs): Promise<pulumi.dynamic.DiffResult> {
    let family: ApiFamily;
    try {
      family = familyFor(news.platform);
    } catch {
      family = typeof olds.invitationId === "string" ? "public-v1" : "atlas";
    }
    return planDiff(olds, news, family, new Date());
  },

  async create(inputs: OrgInvitationInputs): Promise<pulumi.dynamic.CreateResult> {
    const client = getClient({ platform: inputs.platform });
    let state: OrgInvitationState;
    try {
      if (familyFor(inputs.platform) === "public-v1") {
        state = await inviteV1(client, inputs);
      } else {
        state = stateFromOrgUser(inputs.orgId, await inviteAtlas(client, inputs), inputs);
      }
    } catch (err) {
      throw isTransportError(err) ? failure("inviting", inputs.username, inputs.orgId, err) : err;
    }
    return { id: idOf(state), outs: state };
  },

  async read(id: string, props: Partial<OrgInvitationState>): Promise<pulumi.dynamic.ReadResult> {
    const parsed = parseId(id);
    const orgId = props.orgId ?? parsed?.orgId;
    if (!orgId) {
      throw new Error(`reading org invitation "${id}": the id must be {orgId}/{userId} or {orgId}/{username}, e.g. 5f1b2c3d4e5f6a7b8c9d0e1f/ada@example.com`);
    }
    const username = props.username ?? parsed?.username;
    const local = localOf(props);
    const client = getClient({ platform: local.platform });
    let state: OrgInvitationState | undefined;
    try {
      if (familyFor(local.platform) === "public-v1") {
        state = await readV1(client, orgId, props.invitationId ?? parsed?.objectId, username, props);
      } else {
        const user = await findAtlas(client, orgId, props.userId ?? parsed?.objectId, username);
        state = user && stateFromOrgUser(orgId, user, local);
      }
    } catch (err) {
      if (isNotFound(err)) return {};
      throw isTransportError(err) ? failure("reading", username, orgId, err) : err;
    }
    if (!state) return {};
    return { id: idOf(state), props: state, inputs: inputsOfState(state) };
  },

  async update(_id: string, olds: OrgInvitationState, news: OrgInvitationInputs): Promise<pulumi.dynamic.UpdateResult> {
    const client = getClient({ platform: news.platform });
    try {
      if (familyFor(news.platform) === "public-v1") return { outs: await updateV1(client, olds, news) };
      const current = await findAtlas(client, news.orgId, olds.userId, olds.username);
      if (!current) throw goneError(news);
      if (wantsReinvite(current.orgMembershipStatus, news.reinvite)) {
        // The API replaces an expired or rejected invitation with the new one.
        return { outs: stateFromOrgUser(news.orgId, await inviteAtlas(client, news), news) };
      }
      if (current.orgMembershipStatus !== "PENDING" && current.orgMembershipStatus !== "ACTIVE") {
        return { outs: keepDead(stateFromOrgUser(news.orgId, current, news), news) };
      }
      return { outs: stateFromOrgUser(news.orgId, await reconcileAtlas(client, news, current), news) };
    } catch (err) {
      throw isTransportError(err) ? failure("updating", news.username, news.orgId, err) : err;
    }
  },

  async delete(id: string, props: OrgInvitationState): Promise<void> {
    const orgId = props.orgId ?? parseId(id)?.orgId;
    const client = getClient({ platform: props.platform });
    try {
      if (typeof props.invitationId === "string") {
        // Cloud/Ops Manager: cancel the invitation if it is still there, and remove the member if it was accepted.
        await deleteOrgInvitationV1(client, orgId, props.invitationId).catch(ignoreGone);
        const member = await findOrgMemberV1(client, orgId, props.username);
        if (member) await removeOrgMemberV1(client, orgId, member.id).catch(ignoreNotFound);
        return;
      }
      const userId = props.userId ?? parseId(id)?.objectId;
      if (userId) await removeOrgUser(client, orgId, userId).catch(ignoreNotFound);
    } catch (err) {
      throw isTransportError(err) ? failure("removing", props.username, orgId, err) : err;
    }
  },
};

async function updateV1(client: RequestSender, olds: OrgInvitationState, news: OrgInvitationInputs): Promise<OrgInvitationState> {
  assertNoProjectRolesV1(news);
  const inv = await findInvitationV1(client, news.orgId, olds.invitationId);
  if (inv) {
    const state = stateFromInvitationV1(inv, news, new Date());
    if (wantsReinvite(state.status, news.reinvite)) return inviteV1(client, news); // replaces the expired invitation
    if (state.status !== "PENDING") return keepDead(state, news);
    return reconcileInvitationV1(client, news, inv);
  }
  const member = await findOrgMemberV1(client, news.orgId, news.username);
  if (member) return reconcileMemberV1(client, news, member, olds.invitationId);
  if (wantsReinvite(invitationGoneV1(olds, new Date()).status, news.reinvite)) return inviteV1(client, news);
  return keepDead(invitationGoneV1(olds, new Date()), news);
}

function goneError(inputs: OrgInvitationInputs): Error {
  return new Error(
    `updating ${inputs.username} in organization ${inputs.orgId}: the invitation or membership no longer exists ` +
      `(removed outside Pulumi). Run \`pulumi refresh\`, then \`pulumi up\` to invite the person again.`,
  );
}
