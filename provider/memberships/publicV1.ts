/**
 * Memberships on Cloud Manager and Ops Manager (`/api/public/v1.0`): org
 * invitations with their own ids (gone once accepted or declined) and the
 * org's member list. The API reports no status: an invitation whose expiry
 * has passed is expired; one that vanished without a member appearing was
 * declined or cancelled. Cloud Manager cannot change an accepted member's
 * roles; Ops Manager can, by replacing the user's whole role list.
 */
import { hasErrorCode, isNotFound } from "../client/errors";
import { updateOpsManagerUser } from "../client/operations/cloudUsers";
import {
  createOrgInvitationV1,
  deleteOrgInvitationV1,
  findOrgMemberV1,
  getOrgInvitationV1,
  listOrgInvitationsV1,
  listOrgMembersV1,
  removeOrgMemberV1,
  updateOrgInvitationV1,
  type OrgInvitationV1,
  type OrgInvitationV1Request,
  type OrgMemberV1,
  type RequestSender,
} from "../client/operations/orgUsers";
import { orUndefined } from "../common/errors";
import { canonicalKey, sameSet } from "../common/sets";
import { createOnce, resendIfAnswerLost } from "../common/lostResponse";
import { groupRoles, holdsDeclared, type AccountRole, type DeclaredOrgMembership, type HeldOrgMembership } from "./roles";
import { earlierInstant, standingOf, statusAt, type MembershipStatus, type RoleStanding } from "./status";
import type { RoleChange, Standings } from "./atlas";

/** Cloud/Ops Manager answer 400 INVALID_INVITATION_ID for an invitation already accepted, declined or deleted. */
function isGone(err: unknown): boolean {
  return isNotFound(err) || hasErrorCode(err, "INVALID_INVITATION_ID");
}

export function invitationStatus(inv: OrgInvitationV1, now: Date | undefined): MembershipStatus {
  return statusAt("PENDING", inv.expiresAt, now);
}

export function findInvitation(client: RequestSender, orgId: string, invitationId: string | undefined): Promise<OrgInvitationV1 | undefined> {
  return invitationId ? orUndefined(getOrgInvitationV1(client, orgId, invitationId)) : Promise.resolve(undefined);
}

/** The person's invitation to the org (pending or expired), found by username compared without case. */
export async function findInvitationByUsername(client: RequestSender, orgId: string, username: string): Promise<OrgInvitationV1 | undefined> {
  const wanted = username.toLowerCase();
  const list = await orUndefined(listOrgInvitationsV1(client, orgId, username));
  return list?.find((i) => i.username.toLowerCase() === wanted);
}

export function findMember(client: RequestSender, orgId: string, username: string): Promise<OrgMemberV1 | undefined> {
  return findOrgMemberV1(client, orgId, username);
}

export function heldByInvitation(inv: OrgInvitationV1): HeldOrgMembership {
  return { roles: inv.roles, projectRoles: [], teamIds: inv.teamIds ?? [] };
}

export function orgRolesOfMember(member: OrgMemberV1, orgId: string): string[] {
  return (member.roles ?? []).filter((r) => r.orgId === orgId).map((r) => r.roleName);
}

/** Declared membership → `POST /orgs/{orgId}/invites` body (no project roles there; teams only when declared). */
export function toInvitationBody(declared: DeclaredOrgMembership): OrgInvitationV1Request {
  return { username: declared.username, roles: [...declared.roles], ...(declared.teamIds ? { teamIds: [...declared.teamIds] } : {}) };
}

/** A person's place in a Cloud/Ops Manager org: a waiting invitation, or membership. */
export type PublicMembership = { readonly invitation: OrgInvitationV1 } | { readonly member: OrgMemberV1 };

/**
 * Invites the person once (see `createOnce`). A member or a live invitation
 * found on a conflict or after a lost answer goes to `onTaken` (adopt or
 * refuse), unless it is the invitation our lost request made; an expired
 * invitation in the way is cancelled and the invitation sent once more.
 */
export function inviteToOrg(
  client: RequestSender,
  declared: DeclaredOrgMembership,
  onTaken: (taken: PublicMembership) => Promise<PublicMembership>,
  now: Date,
): Promise<PublicMembership> {
  let cancelledExpired = false;
  const send = async (): Promise<PublicMembership> => ({
    invitation: await createOrgInvitationV1(client, declared.orgId, toInvitationBody(declared)),
  });
  return createOnce<PublicMembership>({
    send,
    lookUp: async () => {
      const member = await findMember(client, declared.orgId, declared.username);
      if (member) return { member };
      const invitation = await findInvitationByUsername(client, declared.orgId, declared.username);
      if (invitation && invitationStatus(invitation, now) === "INVITATION_EXPIRED" && !cancelledExpired) {
        cancelledExpired = true;
        await cancelInvitation(client, declared.orgId, invitation.id);
        return undefined;
      }
      return invitation && { invitation };
    },
    isOurs: (found) => "invitation" in found && holdsDeclared(heldByInvitation(found.invitation), declared),
    onConflict: async (found, err) => {
      if (found) return onTaken(found);
      if (cancelledExpired) return send(); // the expired invitation that blocked it is gone
      throw err;
    },
  });
}

/** Brings a pending invitation's roles (and teams, when declared) to the declared ones. */
export async function setInvitation(client: RequestSender, declared: DeclaredOrgMembership, inv: OrgInvitationV1): Promise<OrgInvitationV1> {
  if (holdsDeclared(heldByInvitation(inv), { roles: declared.roles, teamIds: declared.teamIds })) return inv;
  const { username: _username, ...body } = toInvitationBody(declared);
  return resendIfAnswerLost(() => updateOrgInvitationV1(client, declared.orgId, inv.id, body));
}

export async function cancelInvitation(client: RequestSender, orgId: string, invitationId: string): Promise<void> {
  await orUndefined(deleteOrgInvitationV1(client, orgId, invitationId), isGone);
}

export async function removeMember(client: RequestSender, orgId: string, userId: string): Promise<void> {
  await orUndefined(removeOrgMemberV1(client, orgId, userId));
}

/**
 * Ops Manager only: sets a user's roles in one org by replacing the user's
 * whole role list (other orgs' and projects' roles are sent back unchanged).
 */
export async function setMemberOrgRoles(client: RequestSender, member: OrgMemberV1, orgId: string, roles: readonly string[]): Promise<OrgMemberV1> {
  if (sameSet(orgRolesOfMember(member, orgId), roles)) return member;
  const others = (member.roles ?? []).filter((r) => r.orgId !== orgId);
  const all = [...others, ...roles.map((roleName) => ({ orgId, roleName }))];
  return resendIfAnswerLost(() => updateOpsManagerUser(client, member.id, { roles: all }));
}

// ------------------------------------------------------------- account roles

/**
 * Org-role changes through invitations (Cloud Manager; Ops Manager grants
 * roles by PATCH instead): a pending invitation is edited, an expired one
 * replaced, a new org gets an invitation, an org left with no declared role
 * loses the user. Changing the roles of a member who has accepted fails with
 * what to do instead. (Project-role changes are refused earlier, at preview.)
 */
export async function applyRoleChanges(
  client: RequestSender,
  user: { id: string; username: string; activeRoles: readonly AccountRole[] },
  change: RoleChange,
  now: Date,
): Promise<void> {
  const touched = new Set([...groupRoles(change.add).orgs.keys(), ...groupRoles(change.remove).orgs.keys()]);
  const target = groupRoles(change.target).orgs;
  const active = groupRoles(user.activeRoles).orgs;
  for (const orgId of touched) {
    const roles = target.get(orgId) ?? [];
    let invitation = await findInvitationByUsername(client, orgId, user.username);
    if (invitation && invitationStatus(invitation, now) === "INVITATION_EXPIRED") {
      await cancelInvitation(client, orgId, invitation.id);
      invitation = undefined;
    }
    if (roles.length === 0) {
      if (invitation) await cancelInvitation(client, orgId, invitation.id);
      else await removeMember(client, orgId, user.id);
    } else if (invitation) {
      await setInvitation(client, { orgId, username: user.username, roles }, invitation);
    } else if (!active.has(orgId)) {
      await inviteToOrg(
        client,
        { orgId, username: user.username, roles },
        async (taken) => taken,
        now,
      );
    } else {
      throw new Error(
        `${user.username} has accepted the invitation to organization ${orgId}, and Cloud Manager's API cannot change ` +
          `an accepted member's roles: change them in the Cloud Manager UI (then update the program), or add "roles" to ignoreChanges`,
      );
    }
  }
}

/**
 * Removes the user from every org `roles` names (withdrawing the invitation,
 * pending or expired, and the membership), except orgs where the account
 * still holds a role it had before adoption (`kept`): invitations carry whole
 * orgs, so those stay whole.
 */
export async function removeRoles(
  client: RequestSender,
  user: { id: string; username: string },
  roles: readonly AccountRole[],
  kept: readonly AccountRole[],
): Promise<void> {
  const before = groupRoles(kept).orgs;
  for (const orgId of groupRoles(roles).orgs.keys()) {
    if (before.has(orgId)) continue;
    const invitation = await findInvitationByUsername(client, orgId, user.username);
    if (invitation) await cancelInvitation(client, orgId, invitation.id);
    await removeMember(client, orgId, user.id);
  }
}

/**
 * Withdraws the invitations (pending or expired) to the orgs of `roles` (Ops
 * Manager: an adopted account's release takes its roles away by PATCH, but
 * roles never accepted live in invitations). Answers the orgs whose
 * invitation it withdrew.
 */
export async function withdrawInvitations(client: RequestSender, username: string, roles: readonly AccountRole[]): Promise<string[]> {
  const withdrawn: string[] = [];
  for (const orgId of groupRoles(roles).orgs.keys()) {
    const invitation = await findInvitationByUsername(client, orgId, username);
    if (!invitation) continue;
    await cancelInvitation(client, orgId, invitation.id);
    withdrawn.push(orgId);
  }
  return withdrawn;
}

/** The org roles the person's invitations (pending or expired) to the orgs `orgIds` carry. One request per org. */
export async function invitedRoles(client: RequestSender, username: string, orgIds: Iterable<string>): Promise<AccountRole[]> {
  const invited: AccountRole[] = [];
  for (const orgId of orgIds) {
    const invitation = await findInvitationByUsername(client, orgId, username);
    invited.push(...(invitation?.roles ?? []).map((roleName) => ({ orgId, roleName })));
  }
  return invited;
}

/**
 * The standing of each of `candidates` (declared roles the account does not
 * hold): pending while an invitation to the org carries it, expired when that
 * invitation has expired, else revoked. An invitation lists org roles only: a
 * project role counts as pending while an invitation to a declared org waits.
 * One request per org.
 */
export async function roleStandings(
  client: RequestSender,
  user: { username: string; declared: readonly AccountRole[] },
  candidates: readonly AccountRole[],
  now: Date | undefined,
): Promise<Standings> {
  const { orgs, projects } = groupRoles(candidates);
  const found = new Map<string, RoleStanding>();
  let pendingExpiresAt: string | undefined;
  let anyWaiting: MembershipStatus | undefined;
  const orgsToAsk = projects.size > 0 ? groupRoles(user.declared).orgs.keys() : orgs.keys();
  for (const orgId of orgsToAsk) {
    const invitation = await findInvitationByUsername(client, orgId, user.username);
    const status = invitation && invitationStatus(invitation, now);
    if (status === "PENDING") {
      anyWaiting = "PENDING";
      pendingExpiresAt = earlierInstant(pendingExpiresAt, invitation?.expiresAt);
    } else if (status && anyWaiting === undefined) anyWaiting = status;
    for (const roleName of orgs.get(orgId) ?? []) {
      const carried = invitation?.roles.includes(roleName) ?? false;
      found.set(canonicalKey({ orgId, roleName }), carried ? standingOf(status) : "revoked");
    }
  }
  for (const [projectId, names] of projects) {
    for (const roleName of names) found.set(canonicalKey({ projectId, roleName }), standingOf(anyWaiting));
  }
  return { of: (role) => found.get(canonicalKey(role)) ?? "revoked", pendingExpiresAt };
}

/** An org member by user id, walking the member list (at most 500 per page). */
export async function findMemberById(client: RequestSender, orgId: string, userId: string): Promise<OrgMemberV1 | undefined> {
  for (let pageNum = 1; ; pageNum++) {
    const page = await listOrgMembersV1(client, orgId, { itemsPerPage: 500, pageNum });
    const found = page.results.find((m) => m.id === userId);
    if (found || page.results.length < 500) return found;
  }
}
