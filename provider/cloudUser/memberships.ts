/**
 * Role changes on Atlas, where an account's roles are memberships: org roles
 * through `/orgs/{orgId}/users/{userId}`, project roles through
 * `/groups/{groupId}/users/{userId}`. Adds run before removes, because a member
 * must always keep at least one role.
 */
import { hasErrorCode, isConflict, isNotFound } from "../client/errors";
import { answerWasLost, resendIfAnswerLost } from "../common/lostResponse";
import {
  addOrgUserRole,
  createOrgInvitationV1,
  createOrgUser,
  deleteOrgInvitationV1,
  getOrgUser,
  listOrgInvitationsV1,
  removeOrgUser,
  removeOrgMemberV1,
  removeOrgUserRole,
  updateOrgInvitationV1,
  type OrgInvitationV1,
  type OrgUserResponse,
  type RequestSender,
} from "../client/operations/orgUsers";
import {
  addProjectUser,
  addProjectUserRole,
  getProjectUser,
  removeProjectUser,
  removeProjectUserRole,
  type ProjectUserResponse,
} from "../client/operations/projectUsers";
import { roleDifference } from "./model";
import type { CloudUserRole } from "./schema";

/** Roles grouped by the org or project they apply to. */
export function groupRoles(roles: readonly CloudUserRole[]): { orgs: Map<string, string[]>; projects: Map<string, string[]> } {
  const orgs = new Map<string, string[]>();
  const projects = new Map<string, string[]>();
  for (const role of roles) {
    const [map, id] = role.orgId !== undefined ? [orgs, role.orgId] : role.projectId !== undefined ? [projects, role.projectId] : [];
    if (!map || id === undefined) continue;
    map.set(id, [...(map.get(id) ?? []), role.roleName]);
  }
  return { orgs, projects };
}

/** The org member the user is, or undefined when they are not (or no longer) in the org. */
async function findOrgMembership(client: RequestSender, orgId: string, userId: string): Promise<OrgUserResponse | undefined> {
  try {
    return await getOrgUser(client, orgId, userId);
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

async function findProjectMembership(client: RequestSender, projectId: string, userId: string): Promise<ProjectUserResponse | undefined> {
  try {
    return await getProjectUser(client, projectId, userId);
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

/** Not found, or not (any longer) a member: for a removal, the goal is reached. */
function isGone(err: unknown): boolean {
  return isNotFound(err) || hasErrorCode(err, "USER_NOT_IN_GROUP") || hasErrorCode(err, "USER_NOT_IN_ORG");
}

async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!isGone(err)) throw err;
  }
}

/**
 * Sends an invitation. If its answer was lost, or a resend meets a conflict,
 * `confirm` reads back whether the invitation exists: it then is ours.
 */
async function inviteOnce(send: () => Promise<unknown>, confirm: () => Promise<unknown | undefined>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (!answerWasLost(err)) throw err;
    if (await confirm()) return;
    try {
      await send();
    } catch (retryErr) {
      if (!(isConflict(retryErr) && (await confirm()))) throw retryErr;
    }
  }
}

/**
 * Grants `add` (inviting the user where they are not yet a member), then
 * withdraws `remove`, leaving the user with `target` where we manage roles.
 */
export async function applyAtlasRoleChanges(
  client: RequestSender,
  user: { id: string; username: string },
  change: { add: readonly CloudUserRole[]; remove: readonly CloudUserRole[]; target: readonly CloudUserRole[] },
): Promise<void> {
  const add = groupRoles(change.add);
  const remove = groupRoles(change.remove);
  const target = groupRoles(change.target);

  for (const [orgId, roles] of add.orgs) {
    const member = await findOrgMembership(client, orgId, user.id);
    if (!member) {
      await inviteOnce(
        () => createOrgUser(client, orgId, { username: user.username, roles: { orgRoles: roles } }),
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
    if (!member) {
      await inviteOnce(
        () => addProjectUser(client, projectId, { username: user.username, roles }),
        () => findProjectMembership(client, projectId, user.id),
      );
      continue;
    }
    const held = new Set(member.roles);
    for (const role of roles) if (!held.has(role)) await resendIfAnswerLost(() => addProjectUserRole(client, projectId, user.id, role));
  }

  for (const [projectId, roles] of remove.projects) {
    if (!target.projects.has(projectId)) {
      await ignoreNotFound(removeProjectUser(client, projectId, user.id));
    } else {
      for (const role of roles) await ignoreNotFound(resendIfAnswerLost(() => removeProjectUserRole(client, projectId, user.id, role)));
    }
  }
  for (const [orgId, roles] of remove.orgs) {
    if (target.orgs.has(orgId)) {
      for (const role of roles) await ignoreNotFound(resendIfAnswerLost(() => removeOrgUserRole(client, orgId, user.id, role)));
      continue;
    }
    const member = await findOrgMembership(client, orgId, user.id);
    if (!member) continue;
    const keepsProjects = (member.roles.groupRoleAssignments ?? []).some((a) => target.projects.has(a.groupId));
    if (!keepsProjects) {
      await ignoreNotFound(removeOrgUser(client, orgId, user.id));
      continue;
    }
    // A project member is always an org member: keep the least role, ORG_MEMBER.
    if (!(member.roles.orgRoles ?? []).includes("ORG_MEMBER")) {
      await resendIfAnswerLost(() => addOrgUserRole(client, orgId, user.id, "ORG_MEMBER"));
    }
    for (const role of roles) {
      if (role !== "ORG_MEMBER") await ignoreNotFound(resendIfAnswerLost(() => removeOrgUserRole(client, orgId, user.id, role)));
    }
  }
}

/**
 * Takes away what the resource gave, projects first, then orgs (not found
 * counts as done): where the account still holds a role it had before
 * adoption (`kept`), only the other declared roles (`:removeRole`), so the
 * membership and its earlier roles stay; elsewhere the whole membership (an
 * org whose kept project roles need it keeps the user as ORG_MEMBER).
 */
export async function removeAtlasMemberships(
  client: RequestSender,
  user: { id: string; username: string },
  roles: readonly CloudUserRole[],
  kept: readonly CloudUserRole[] = [],
): Promise<void> {
  await applyAtlasRoleChanges(client, user, { add: [], remove: roleDifference(roles, kept), target: kept });
}

// ---- Cloud Manager: org invitations and org members (`/api/public/v1.0`) ----

/**
 * The person's pending (or expired) invitation to the org, found by username
 * (compared without case): a v1.0 invitation has its own id, never the user's.
 */
async function findOrgInvitation(client: RequestSender, orgId: string, username: string): Promise<OrgInvitationV1 | undefined> {
  const wanted = username.toLowerCase();
  try {
    return (await listOrgInvitationsV1(client, orgId, username)).find((i) => i.username.toLowerCase() === wanted);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Org-role changes on Cloud Manager, whose public API has no endpoint to change
 * an accepted member's roles: a pending invitation is edited, a new org gets an
 * invitation, an org left with no declared role loses the user. Changing the
 * roles of a member who has accepted fails with what to do instead.
 * (Project-role changes are refused earlier, at preview.)
 */
export async function applyCloudManagerRoleChanges(
  client: RequestSender,
  user: { id: string; username: string; activeRoles: readonly CloudUserRole[] },
  change: { add: readonly CloudUserRole[]; remove: readonly CloudUserRole[]; target: readonly CloudUserRole[] },
): Promise<void> {
  const touched = new Set([...groupRoles(change.add).orgs.keys(), ...groupRoles(change.remove).orgs.keys()]);
  const target = groupRoles(change.target).orgs;
  const active = groupRoles(user.activeRoles).orgs;
  for (const orgId of touched) {
    const roles = target.get(orgId) ?? [];
    const invitation = await findOrgInvitation(client, orgId, user.username);
    if (roles.length === 0) {
      if (invitation) await ignoreNotFound(deleteOrgInvitationV1(client, orgId, invitation.id));
      else await ignoreNotFound(removeOrgMemberV1(client, orgId, user.id));
    } else if (invitation) {
      await resendIfAnswerLost(() => updateOrgInvitationV1(client, orgId, invitation.id, { roles }));
    } else if (!active.has(orgId)) {
      await inviteOnce(
        () => createOrgInvitationV1(client, orgId, { username: user.username, roles }),
        () => findOrgInvitation(client, orgId, user.username),
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
 * Removes the user from every org `roles` names (the pending invitation, or
 * the membership), except orgs where the account still holds a role it had
 * before adoption (`kept`): Cloud Manager cannot take single roles away, so those stay whole.
 */
export async function removeCloudManagerMemberships(
  client: RequestSender,
  user: { id: string; username: string },
  roles: readonly CloudUserRole[],
  kept: readonly CloudUserRole[] = [],
): Promise<void> {
  const before = groupRoles(kept).orgs;
  for (const orgId of groupRoles(roles).orgs.keys()) {
    if (before.has(orgId)) continue;
    const invitation = await findOrgInvitation(client, orgId, user.username);
    if (invitation) await ignoreNotFound(deleteOrgInvitationV1(client, orgId, invitation.id));
    await ignoreNotFound(removeOrgMemberV1(client, orgId, user.id));
  }
}

/**
 * Which of `candidates` (declared roles the account's API does not report as
 * held) are invitations still waiting for the person: on Atlas, the org or
 * project membership is PENDING with that role; on Cloud and Ops Manager, an
 * invitation to the org carries it (an invitation lists org roles only: a
 * project role counts as pending while an invitation to a declared org waits).
 * The rest were revoked, or their invitation expired. One request per org or project.
 */
export async function findPendingRoles(
  client: RequestSender,
  atlas: boolean,
  user: { id: string; username: string; declared: readonly CloudUserRole[] },
  candidates: readonly CloudUserRole[],
): Promise<CloudUserRole[]> {
  const { orgs, projects } = groupRoles(candidates);
  const pending: CloudUserRole[] = [];
  if (atlas) {
    for (const [orgId, names] of orgs) {
      const member = await findOrgMembership(client, orgId, user.id);
      const waiting = member?.orgMembershipStatus === "PENDING" ? (member.roles.orgRoles ?? []) : [];
      pending.push(...names.filter((r) => waiting.includes(r)).map((roleName) => ({ orgId, roleName })));
    }
    for (const [projectId, names] of projects) {
      const member = await findProjectMembership(client, projectId, user.id);
      const waiting = member?.orgMembershipStatus === "PENDING" ? member.roles : [];
      pending.push(...names.filter((r) => waiting.includes(r)).map((roleName) => ({ projectId, roleName })));
    }
    return pending;
  }
  const orgsToAsk = projects.size > 0 ? groupRoles(user.declared).orgs.keys() : orgs.keys();
  let anyInvitation = false;
  for (const orgId of orgsToAsk) {
    const invitation = await findOrgInvitation(client, orgId, user.username);
    if (!invitation) continue;
    anyInvitation = true;
    pending.push(...(orgs.get(orgId) ?? []).filter((r) => invitation.roles.includes(r)).map((roleName) => ({ orgId, roleName })));
  }
  if (anyInvitation) for (const [projectId, names] of projects) pending.push(...names.map((roleName) => ({ projectId, roleName })));
  return pending;
}
