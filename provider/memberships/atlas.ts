/**
 * Memberships on Atlas (Admin API v2): org users (`/orgs/{orgId}/users`) and
 * project users (`/groups/{groupId}/users`), pending or accepted. Adds run
 * before removes, because a member must always keep at least one role. A
 * dead (expired or rejected) invitation is replaced by inviting again: the
 * API swaps it for the new one.
 */
import { hasErrorCode, isNotFound } from "../client/errors";
import {
  addOrgUserRole,
  createOrgUser,
  findOrgUserByUsername,
  getOrgUser,
  removeOrgUser,
  removeOrgUserRole,
  updateOrgUser,
  type OrgUserRequest,
  type OrgUserResponse,
  type OrgUserUpdateRequest,
  type RequestSender,
} from "../client/operations/orgUsers";
import {
  addProjectUser,
  addProjectUserRole,
  getProjectUser,
  listProjectUsersByUsername,
  removeProjectUser,
  removeProjectUserRole,
  type ProjectUserResponse,
} from "../client/operations/projectUsers";
import { orUndefined } from "../common/errors";
import { canonicalKey, canonicalSet, sameSet } from "../common/sets";
import { createOnce, resendIfAnswerLost } from "../common/lostResponse";
import { groupRoles, holdsDeclared, roleDifference, type AccountRole, type DeclaredOrgMembership, type HeldOrgMembership } from "./roles";
import { earlierInstant, isLive, standingOf, statusAt, type MembershipStatus, type RoleStanding } from "./status";

/** Not found, or not (any longer) a member: for a removal, the goal is reached. */
export function isGone(err: unknown): boolean {
  return isNotFound(err) || hasErrorCode(err, "USER_NOT_IN_GROUP") || hasErrorCode(err, "USER_NOT_IN_ORG");
}

async function ignoreGone(call: Promise<unknown>): Promise<void> {
  await orUndefined(call, isGone);
}

// ------------------------------------------------------- one org membership

/** The org user by id, else by username (any status); undefined when neither exists. */
export async function findOrgMember(
  client: RequestSender,
  orgId: string,
  who: { userId?: string; username?: string },
): Promise<OrgUserResponse | undefined> {
  const byId = who.userId ? await orUndefined(getOrgUser(client, orgId, who.userId), isGone) : undefined;
  return byId ?? (who.username ? findOrgUserByUsername(client, orgId, who.username) : undefined);
}

/** The membership's status as of `now` (a PENDING invitation past its expiry is expired). */
export function orgMemberStatus(user: { orgMembershipStatus: MembershipStatus; invitationExpiresAt?: string | null }, now: Date | undefined): MembershipStatus {
  return statusAt(user.orgMembershipStatus, user.invitationExpiresAt, now);
}

/** What an org user holds, sets in canonical order. */
export function heldByOrgUser(user: OrgUserResponse): HeldOrgMembership {
  return {
    roles: canonicalSet(user.roles.orgRoles ?? []),
    projectRoles: (user.roles.groupRoleAssignments ?? [])
      .filter((a) => a.groupRoles.length > 0)
      .map((a) => ({ projectId: a.groupId, roles: canonicalSet(a.groupRoles) }))
      .sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0)),
    teamIds: canonicalSet(user.teamIds ?? []),
  };
}

/**
 * Declared membership → `POST /orgs/{orgId}/users` body. `projectRoles` and
 * `teamIds` are sent only when declared: the API leaves an omitted field
 * alone and resets one given empty.
 */
export function toOrgUserBody(declared: DeclaredOrgMembership): OrgUserRequest {
  const roles: OrgUserRequest["roles"] = { orgRoles: [...declared.roles] };
  if (declared.projectRoles) roles.groupRoleAssignments = declared.projectRoles.map((p) => ({ groupId: p.projectId, groupRoles: [...p.roles] }));
  return { username: declared.username, roles, ...(declared.teamIds ? { teamIds: [...declared.teamIds] } : {}) };
}

/** Declared membership → `PATCH` body: the whole role set at once, so no moment without a role. */
export function toOrgUserUpdateBody(declared: DeclaredOrgMembership): OrgUserUpdateRequest {
  const { roles, teamIds } = toOrgUserBody(declared);
  return { roles, ...(teamIds ? { teamIds } : {}) };
}

/**
 * Invites the person once (see `createOnce`): a live membership found after a
 * lost answer is ours when it is PENDING with the declared roles; any other
 * live membership goes to `onTaken` (adopt or refuse).
 */
export function inviteToOrg(
  client: RequestSender,
  declared: DeclaredOrgMembership,
  onTaken: (found: OrgUserResponse | undefined, err: unknown) => Promise<OrgUserResponse>,
): Promise<OrgUserResponse> {
  return createOnce({
    send: () => createOrgUser(client, declared.orgId, toOrgUserBody(declared)),
    lookUp: () => findOrgUserByUsername(client, declared.orgId, declared.username, ["PENDING", "ACTIVE"]),
    isOurs: (found) => found.orgMembershipStatus === "PENDING" && holdsDeclared(heldByOrgUser(found), declared),
    onConflict: onTaken,
  });
}

/** Brings a live member's roles and teams to the declared ones in one PATCH (none when they already match). */
export async function setOrgMembership(client: RequestSender, declared: DeclaredOrgMembership, current: OrgUserResponse): Promise<OrgUserResponse> {
  if (holdsDeclared(heldByOrgUser(current), declared)) return current;
  // The body holds the complete declared roles and teams: after a lost answer, sending it again is safe.
  return resendIfAnswerLost(() => updateOrgUser(client, declared.orgId, current.id, toOrgUserUpdateBody(declared)));
}

/** Withdraws the invitation or removes the member; gone already counts as done. */
export function removeFromOrg(client: RequestSender, orgId: string, userId: string): Promise<void> {
  return ignoreGone(removeOrgUser(client, orgId, userId));
}

// ----------------------------------------------------- one project membership

/** The project user by id, else by username (any status); undefined when neither is in the project. */
export async function findProjectMember(
  client: RequestSender,
  projectId: string,
  who: { userId?: string; username?: string },
): Promise<ProjectUserResponse | undefined> {
  const byId = who.userId ? await findProjectMembership(client, projectId, who.userId) : undefined;
  if (byId || !who.username) return byId;
  const wanted = who.username.toLowerCase();
  const page = await listProjectUsersByUsername(client, projectId, who.username);
  return page.results.find((u) => u.username.toLowerCase() === wanted);
}

/**
 * Adds the person to the project with `roles` once (see `createOnce`): the
 * API invites someone who is not yet in the organization, and replaces an
 * expired or rejected invitation. A live membership found after a lost
 * answer is ours when it holds exactly `roles`; anything else in the way goes
 * to `onTaken` (adopt or refuse).
 */
export function inviteToProject(
  client: RequestSender,
  projectId: string,
  username: string,
  roles: readonly string[],
  onTaken: (found: ProjectUserResponse | undefined, err: unknown) => Promise<ProjectUserResponse>,
): Promise<ProjectUserResponse> {
  const live = async () => {
    const found = await findProjectMember(client, projectId, { username });
    return found && isLive(found.orgMembershipStatus) ? found : undefined;
  };
  return createOnce({
    send: () => addProjectUser(client, projectId, { username, roles: [...roles] }),
    lookUp: live,
    isOurs: (found) => sameSet(found.roles, roles),
    onConflict: onTaken,
  });
}

/**
 * Grants `add` then withdraws `remove` (one role per request, so the member
 * never stands without a role); roles neither names are left as they are.
 */
export async function changeProjectRoles(
  client: RequestSender,
  projectId: string,
  member: ProjectUserResponse,
  change: { add: readonly string[]; remove: readonly string[] },
): Promise<ProjectUserResponse> {
  let current = member;
  const held = new Set(member.roles);
  for (const role of change.add) {
    if (!held.has(role)) current = await resendIfAnswerLost(() => addProjectUserRole(client, projectId, member.id, role));
  }
  for (const role of change.remove) {
    if (held.has(role)) current = (await orUndefined(resendIfAnswerLost(() => removeProjectUserRole(client, projectId, member.id, role)), isGone)) ?? current;
  }
  return current;
}

/** Takes the person (pending or active) out of the project; gone already counts as done. */
export function removeFromProject(client: RequestSender, projectId: string, userId: string): Promise<void> {
  return ignoreGone(removeProjectUser(client, projectId, userId));
}

// ------------------------------------------------------------- account roles

function findOrgMembership(client: RequestSender, orgId: string, userId: string): Promise<OrgUserResponse | undefined> {
  return orUndefined(getOrgUser(client, orgId, userId), isGone);
}

function findProjectMembership(client: RequestSender, projectId: string, userId: string): Promise<ProjectUserResponse | undefined> {
  return orUndefined(getProjectUser(client, projectId, userId), isGone);
}

/** Invites once; a live membership found after a lost answer or a conflict is the one we asked for. */
function inviteOnce<T extends { orgMembershipStatus: MembershipStatus }>(send: () => Promise<T>, lookUp: () => Promise<T | undefined>): Promise<T> {
  const live = async () => {
    const found = await lookUp();
    return found && isLive(found.orgMembershipStatus) ? found : undefined;
  };
  return createOnce({
    send,
    lookUp: live,
    isOurs: () => true,
    onConflict: async (found, err) => {
      if (found) return found;
      throw err;
    },
  });
}

export interface RoleChange {
  readonly add: readonly AccountRole[];
  readonly remove: readonly AccountRole[];
  /** Every role the account is to hold where this resource manages roles. */
  readonly target: readonly AccountRole[];
}

/**
 * Grants `add` (inviting the user where they are not a live member: a dead
 * invitation is replaced by a new one), then withdraws `remove`.
 */
export async function applyRoleChanges(client: RequestSender, user: { id: string; username: string }, change: RoleChange, now: Date): Promise<void> {
  const add = groupRoles(change.add);
  const remove = groupRoles(change.remove);
  const target = groupRoles(change.target);

  for (const [orgId, roles] of add.orgs) {
    const member = await findOrgMembership(client, orgId, user.id);
    if (!member || !isLive(orgMemberStatus(member, now))) {
      // With every role declared in this org: a replaced dead invitation keeps nothing of its own.
      const orgRoles = target.orgs.get(orgId) ?? roles;
      await inviteOnce(
        () => createOrgUser(client, orgId, { username: user.username, roles: { orgRoles } }),
        () => findOrgMembership(client, orgId, user.id),
      );
      continue;
    }
    const held = new Set(member.roles.orgRoles ?? []);
    // Adding or removing one role is idempotent: resending after a lost answer is safe.
    for (const role of roles) if (!held.has(role)) await resendIfAnswerLost(() => addOrgUserRole(client, orgId, user.id, role));
  }
  for (const [projectId, roles] of add.projects) {
    const member = await findProjectMembership(client, projectId, user.id);
    if (!member || !isLive(orgMemberStatus(member, now))) {
      const groupRoles = target.projects.get(projectId) ?? roles;
      await inviteOnce(
        () => addProjectUser(client, projectId, { username: user.username, roles: groupRoles }),
        () => findProjectMembership(client, projectId, user.id),
      );
      continue;
    }
    const held = new Set(member.roles);
    for (const role of roles) if (!held.has(role)) await resendIfAnswerLost(() => addProjectUserRole(client, projectId, user.id, role));
  }

  for (const [projectId, roles] of remove.projects) {
    if (!target.projects.has(projectId)) {
      await ignoreGone(removeProjectUser(client, projectId, user.id));
    } else {
      for (const role of roles) await ignoreGone(resendIfAnswerLost(() => removeProjectUserRole(client, projectId, user.id, role)));
    }
  }
  for (const [orgId, roles] of remove.orgs) {
    if (target.orgs.has(orgId)) {
      for (const role of roles) await ignoreGone(resendIfAnswerLost(() => removeOrgUserRole(client, orgId, user.id, role)));
      continue;
    }
    const member = await findOrgMembership(client, orgId, user.id);
    if (!member) continue;
    const keepsProjects = (member.roles.groupRoleAssignments ?? []).some((a) => target.projects.has(a.groupId));
    if (!keepsProjects) {
      await removeFromOrg(client, orgId, user.id);
      continue;
    }
    // A project member is always an org member: keep the least role, ORG_MEMBER.
    if (!(member.roles.orgRoles ?? []).includes("ORG_MEMBER")) {
      await resendIfAnswerLost(() => addOrgUserRole(client, orgId, user.id, "ORG_MEMBER"));
    }
    for (const role of roles) {
      if (role !== "ORG_MEMBER") await ignoreGone(resendIfAnswerLost(() => removeOrgUserRole(client, orgId, user.id, role)));
    }
  }
}

/**
 * Takes away `roles` (projects first, then orgs; not found counts as done):
 * where the account still holds a role it had before adoption (`kept`), only
 * the other roles, so the membership and its earlier roles stay; elsewhere the
 * whole membership, pending invitations included.
 */
export function removeRoles(
  client: RequestSender,
  user: { id: string; username: string },
  roles: readonly AccountRole[],
  kept: readonly AccountRole[],
  now: Date,
): Promise<void> {
  return applyRoleChanges(client, user, { add: [], remove: roleDifference(roles, kept), target: kept }, now);
}

/**
 * The roles waiting in the person's invitations (memberships not yet
 * accepted, whatever their status) to the orgs `orgIds`: org roles and the
 * project roles the invitation carries. One request per org.
 */
export async function invitedRoles(client: RequestSender, username: string, orgIds: Iterable<string>): Promise<AccountRole[]> {
  const invited: AccountRole[] = [];
  for (const orgId of orgIds) {
    const member = await findOrgMember(client, orgId, { username });
    if (!member || member.orgMembershipStatus === "ACTIVE") continue;
    const held = heldByOrgUser(member);
    invited.push(...held.roles.map((roleName) => ({ orgId, roleName })));
    invited.push(...held.projectRoles.flatMap((p) => p.roles.map((roleName) => ({ projectId: p.projectId, roleName }))));
  }
  return invited;
}

/** Declared roles the API does not report as held, each with its standing, and when the earliest pending one expires. */
export interface Standings {
  readonly of: (role: AccountRole) => RoleStanding;
  readonly pendingExpiresAt?: string;
}

/**
 * The standing of each of `candidates` (declared, not held): pending while its
 * membership is a live invitation carrying it, else expired, rejected or
 * revoked. One request per org or project.
 */
export async function roleStandings(
  client: RequestSender,
  user: { id: string },
  candidates: readonly AccountRole[],
  now: Date | undefined,
): Promise<Standings> {
  const { orgs, projects } = groupRoles(candidates);
  const found = new Map<string, RoleStanding>();
  let pendingExpiresAt: string | undefined;
  const record = (roles: readonly AccountRole[], m: { orgMembershipStatus: MembershipStatus; invitationExpiresAt?: string | null } | undefined, carried: readonly string[]) => {
    const status = m && orgMemberStatus(m, now);
    for (const role of roles) {
      const standing = status === "PENDING" && !carried.includes(role.roleName) ? "revoked" : standingOf(status === "ACTIVE" ? undefined : status);
      found.set(canonicalKey(role), standing);
    }
    if (status === "PENDING" && m?.invitationExpiresAt) pendingExpiresAt = earlierInstant(pendingExpiresAt, m.invitationExpiresAt);
  };
  for (const [orgId, names] of orgs) {
    const member = await findOrgMembership(client, orgId, user.id);
    record(names.map((roleName) => ({ orgId, roleName })), member, member?.roles.orgRoles ?? []);
  }
  for (const [projectId, names] of projects) {
    const member = await findProjectMembership(client, projectId, user.id);
    record(names.map((roleName) => ({ projectId, roleName })), member, member?.roles ?? []);
  }
  return { of: (role) => found.get(canonicalKey(role)) ?? "revoked", pendingExpiresAt };
}
