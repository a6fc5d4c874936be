/**
 * The one model behind org users, project users, cloud users and invitations.
 *
 * An `OrgMembershipRecord` (one per person per org) is the single source of
 * truth for org and project roles, pending or accepted:
 * - Atlas v2 org users and project users are views of it;
 * - legacy invitations (`/orgs/{orgId}/invites`, `/groups/{groupId}/invites`,
 *   Cloud/Ops Manager `/api/public/v1.0/orgs/{orgId}/invites`) are views of the
 *   PENDING (and expired) ones; an invitation has its own id (`invitationId`,
 *   never the user id, as on the real APIs);
 * - a cloud user's `roles` mirror its ACTIVE memberships (plus Ops Manager
 *   global roles, which belong to no org), rewritten by `syncCloudUser` after
 *   every change.
 * The membership's user id is the account's id (or becomes it when the account
 * is created), so accepting an invitation never changes an id.
 */
import { hexId } from "../ids";
import type { CloudUserRecord, OrgMembershipRecord, Org, Project, Store } from "../store";
import { EmulatorError, type EmulatorContext, type RouteRequest } from "../types";
import { isGlobalRole } from "./roles";

/** Invitations must be accepted within 30 days (seed 000, seed 003). */
export const INVITATION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Membership limits (seed 000). The error codes are those of MongoDB's Atlas
 * API error table (`MAX_USERS_PER_ORG_EXCEEDED`, `MAX_USERS_PER_GROUP_EXCEEDED`,
 * `MAX_USERS_PER_TEAM_EXCEEDED`, all 400); which operations raise them is
 * inferred. Pending and active members count; expired and rejected ones don't.
 */
export const MAX_USERS_PER_ORG = 500;
export const MAX_USERS_PER_PROJECT = 500;
export const MAX_USERS_PER_TEAM = 250;

export type GroupRoleAssignment = { groupId: string; groupRoles: string[] };

export function sameUsername(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

// ---- lookups ----

export function requireOrg(ctx: EmulatorContext, orgId: string): Org {
  const org = ctx.store.orgs.find((o) => o.id === orgId);
  if (!org) throw new EmulatorError(404, "ORG_NOT_FOUND", `No organization with ID ${orgId} exists.`, [orgId]);
  return org;
}

export function requireProject(ctx: EmulatorContext, groupId: string): Project {
  const project = ctx.store.projects.find((p) => p.id === groupId);
  if (!project) throw new EmulatorError(404, "GROUP_NOT_FOUND", `No group with ID ${groupId} exists.`, [groupId]);
  return project;
}

export function findCloudUserByUsername(store: Store, username: string): CloudUserRecord | undefined {
  return store.cloudUsers.find((u) => sameUsername(u.username, username));
}

export function findMembership(store: Store, orgId: string, userId: string): OrgMembershipRecord | undefined {
  return store.orgMemberships.find((m) => m.orgId === orgId && m.userId === userId);
}

/** The membership whose legacy invitation has this id (whatever its status now). */
export function findMembershipByInvitationId(store: Store, orgId: string, invitationId: string): OrgMembershipRecord | undefined {
  return store.orgMemberships.find((m) => m.orgId === orgId && m.invitationId !== undefined && m.invitationId === invitationId);
}

export function findMembershipByUsername(store: Store, orgId: string, username: string): OrgMembershipRecord | undefined {
  return store.orgMemberships.find((m) => m.orgId === orgId && sameUsername(m.username, username));
}

export function requireMembership(ctx: EmulatorContext, orgId: string, userId: string): OrgMembershipRecord {
  const m = findMembership(ctx.store, orgId, userId);
  if (!m) throw new EmulatorError(404, "USER_NOT_FOUND", `No user with ID ${userId} exists in organization ${orgId}.`, [userId]);
  return m;
}

/** Counts toward limits and blocks a second invitation for the same username. */
export function isLive(m: OrgMembershipRecord): boolean {
  return m.status === "PENDING" || m.status === "ACTIVE";
}

export function rolesInProject(m: OrgMembershipRecord, groupId: string): string[] {
  return m.groupRoleAssignments.find((a) => a.groupId === groupId)?.groupRoles ?? [];
}

// ---- time ----

/**
 * Brings stored state up to the emulator clock: PENDING invitations past their
 * expiry become INVITATION_EXPIRED. The core runs it (as the org-users module's
 * sweep) before each request and after clock moves; handlers call it too.
 */
export function sweepMemberships(ctx: EmulatorContext): void {
  const now = ctx.now().getTime();
  for (const m of ctx.store.orgMemberships) {
    if (m.status === "PENDING" && m.invitationExpiresAt && Date.parse(m.invitationExpiresAt) <= now) {
      m.status = "INVITATION_EXPIRED";
    }
  }
}

/** Rewrites a cloud user's reported roles and teams from its ACTIVE memberships. */
export function syncCloudUser(store: Store, username: string): void {
  const user = findCloudUserByUsername(store, username);
  if (!user) return;
  const active = store.orgMemberships.filter((m) => m.status === "ACTIVE" && sameUsername(m.username, username));
  user.roles = [
    ...user.roles.filter((r) => !r.orgId && !r.groupId && isGlobalRole(r.roleName)),
    ...active.flatMap((m) => [
      ...m.orgRoles.map((roleName) => ({ orgId: m.orgId, roleName })),
      ...m.groupRoleAssignments.flatMap((a) => a.groupRoles.map((roleName) => ({ groupId: a.groupId, roleName }))),
    ]),
  ];
  user.teamIds = [...new Set(active.flatMap((m) => m.teamIds))];
}

// ---- validation shared by every route that assigns roles or teams ----

/** Checks each assignment names a project of this org; drops empty ones and merges duplicates. */
export function normaliseGroupAssignments(
  ctx: EmulatorContext,
  orgId: string,
  assignments: readonly GroupRoleAssignment[],
  validRoles: readonly string[],
): GroupRoleAssignment[] {
  const merged = new Map<string, Set<string>>();
  for (const a of assignments) {
    const project = ctx.store.projects.find((p) => p.id === a.groupId && p.orgId === orgId);
    if (!project) {
      throw new EmulatorError(404, "GROUP_NOT_FOUND", `No group with ID ${a.groupId} exists in organization ${orgId}.`, [a.groupId]);
    }
    for (const role of a.groupRoles) assertGroupRole(role, a.groupId, validRoles);
    const set = merged.get(a.groupId) ?? new Set<string>();
    a.groupRoles.forEach((r) => set.add(r));
    merged.set(a.groupId, set);
  }
  return [...merged].filter(([, roles]) => roles.size > 0).map(([groupId, roles]) => ({ groupId, groupRoles: [...roles] }));
}

export function assertOrgRole(role: string, orgId: string, validRoles: readonly string[]): void {
  if (!validRoles.includes(role)) {
    throw new EmulatorError(400, "INVALID_ROLE_FOR_ORG", `Role ${role} invalid for organization ${orgId}.`, [role, orgId]);
  }
}

export function assertGroupRole(role: string, groupId: string, validRoles: readonly string[]): void {
  if (!validRoles.includes(role)) {
    throw new EmulatorError(400, "INVALID_ROLE_FOR_GROUP", `Role ${role} is invalid for group ${groupId}.`, [role, groupId]);
  }
}

export function assertTeamsInOrg(ctx: EmulatorContext, orgId: string, teamIds: readonly string[]): void {
  for (const teamId of teamIds) {
    const team = ctx.store.teams.find((t) => t.id === teamId);
    if (!team) throw new EmulatorError(404, "TEAM_NOT_FOUND", `No team with ID ${teamId} exists.`, [teamId]);
    if (team.orgId !== orgId) {
      throw new EmulatorError(404, "TEAM_NOT_IN_ORG", `Team ${teamId} is not in Organization ${orgId}.`, [teamId, orgId]);
    }
  }
}

/**
 * Refuses a change that would take the org, a project or a team past its
 * membership limit. `username` is who is being added (already counted if a
 * live member); only the org, projects and teams they newly join are checked.
 * Project and team limits are checked first: a project's members are org
 * members too, so with both limits at 500 the project's would never show.
 */
export function assertCapacity(
  ctx: EmulatorContext,
  orgId: string,
  username: string,
  joining: { groupIds?: readonly string[]; teamIds?: readonly string[] },
): void {
  const live = ctx.store.orgMemberships.filter((m) => m.orgId === orgId && isLive(m));
  const self = live.find((m) => sameUsername(m.username, username));
  for (const groupId of joining.groupIds ?? []) {
    if (self && rolesInProject(self, groupId).length > 0) continue;
    const count = live.filter((m) => rolesInProject(m, groupId).length > 0).length;
    if (count >= MAX_USERS_PER_PROJECT) {
      throw new EmulatorError(
        400,
        "MAX_USERS_PER_GROUP_EXCEEDED",
        `Maximum number of users per group (${MAX_USERS_PER_PROJECT}) in ${groupId} exceeded while trying to add users.`,
        [MAX_USERS_PER_PROJECT, groupId],
      );
    }
  }
  for (const teamId of joining.teamIds ?? []) {
    if (self?.teamIds.includes(teamId)) continue;
    const count = live.filter((m) => m.teamIds.includes(teamId)).length;
    if (count >= MAX_USERS_PER_TEAM) {
      throw new EmulatorError(
        400,
        "MAX_USERS_PER_TEAM_EXCEEDED",
        `Maximum number of users per team (${MAX_USERS_PER_TEAM}) in ${teamId} exceeded while trying to add users.`,
        [MAX_USERS_PER_TEAM, teamId],
      );
    }
  }
  if (!self && live.length >= MAX_USERS_PER_ORG) {
    throw new EmulatorError(
      400,
      "MAX_USERS_PER_ORG_EXCEEDED",
      `Maximum number of users per org (${MAX_USERS_PER_ORG}) in ${orgId} exceeded while trying to add users.`,
      [MAX_USERS_PER_ORG, orgId],
    );
  }
}

/** Edits are refused once an invitation has expired or been rejected (Atlas: `ALREADY_EXPIRED`). */
export function assertEditable(m: OrgMembershipRecord): void {
  if (m.status === "INVITATION_EXPIRED") {
    throw new EmulatorError(400, "ALREADY_EXPIRED", "Cannot update an entity that has already expired.", [m.userId]);
  }
  if (m.status === "INVITATION_REJECTED") {
    // No documented code for this case; named after the status it reports.
    throw new EmulatorError(400, "INVITATION_REJECTED", `The invitation for ${m.username} was rejected; invite the user again.`, [
      m.userId,
    ]);
  }
}

// ---- creating memberships ----

/**
 * The live (PENDING or ACTIVE) membership of `username` in `orgId`, if any.
 * An expired or rejected one is removed here: a new invitation replaces it.
 */
export function liveMembershipReplacingDead(store: Store, orgId: string, username: string): OrgMembershipRecord | undefined {
  const existing = findMembershipByUsername(store, orgId, username);
  if (existing && !isLive(existing)) {
    store.orgMemberships.splice(store.orgMemberships.indexOf(existing), 1);
    return undefined;
  }
  return existing;
}

/** The id a person gets: their account's, else the id of an invitation they already have, else a new one. */
export function idForUsername(store: Store, username: string): string {
  const account = findCloudUserByUsername(store, username);
  if (account) return account.id;
  const other = store.orgMemberships.find((m) => sameUsername(m.username, username));
  if (other && !store.cloudUsers.some((u) => u.id === other.userId)) return other.userId;
  return hexId();
}

export interface NewMembership {
  orgId: string;
  username: string;
  orgRoles: string[];
  groupRoleAssignments: GroupRoleAssignment[];
  teamIds: string[];
  inviterUsername: string;
  origin: "org" | "project";
  /** Add the person directly (Ops Manager `bypassInviteForExistingUsers`); otherwise invite. */
  active?: boolean;
}

/** Adds a membership (an invitation unless `active`). The caller has checked conflicts and limits. */
export function addMembership(ctx: EmulatorContext, spec: NewMembership): OrgMembershipRecord {
  const now = ctx.now();
  const record: OrgMembershipRecord = {
    userId: idForUsername(ctx.store, spec.username),
    orgId: spec.orgId,
    username: findCloudUserByUsername(ctx.store, spec.username)?.username ?? spec.username,
    status: spec.active ? "ACTIVE" : "PENDING",
    orgRoles: [...spec.orgRoles],
    groupRoleAssignments: spec.groupRoleAssignments.map((a) => ({ groupId: a.groupId, groupRoles: [...a.groupRoles] })),
    teamIds: [...spec.teamIds],
    origin: spec.origin,
  };
  if (!spec.active) {
    record.invitationId = newInvitationId(ctx.store);
    record.invitationCreatedAt = now.toISOString();
    record.invitationExpiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
    record.inviterUsername = spec.inviterUsername;
  }
  ctx.store.orgMemberships.push(record);
  syncCloudUser(ctx.store, record.username);
  return record;
}

/** A fresh 24-hex id used by no account, membership or invitation. */
function newInvitationId(store: Store): string {
  for (;;) {
    const id = hexId();
    const taken =
      store.cloudUsers.some((u) => u.id === id) || store.orgMemberships.some((m) => m.userId === id || m.invitationId === id);
    if (!taken) return id;
  }
}

export function removeMembership(ctx: EmulatorContext, m: OrgMembershipRecord): void {
  ctx.store.orgMemberships.splice(ctx.store.orgMemberships.indexOf(m), 1);
  syncCloudUser(ctx.store, m.username);
}

/** Creates a cloud user account; its id is the one its invitations already carry, if any. */
export function addCloudUser(
  ctx: EmulatorContext,
  fields: Omit<CloudUserRecord, "id" | "createdAt" | "roles" | "teamIds">,
): CloudUserRecord {
  const user: CloudUserRecord = {
    ...fields,
    id: idForUsername(ctx.store, fields.username),
    createdAt: ctx.now().toISOString(),
    roles: [],
    teamIds: [],
  };
  ctx.store.cloudUsers.push(user);
  return user;
}

// ---- what the invitee does in the UI ----

/**
 * The invitee accepts: the account is created if it does not exist yet (named
 * from the email address, no password: the person sets it in the UI) and the
 * invited roles and teams become active. Accepting an ACTIVE membership is a
 * no-op. Returns the org user as `GET /orgs/{orgId}/users/{userId}` would.
 * `id` is the membership's user id or its legacy invitation's id.
 */
export function acceptInvitation(ctx: EmulatorContext, orgId: string, userId: string): Record<string, unknown> {
  sweepMemberships(ctx);
  requireOrg(ctx, orgId);
  const m = requireInvitee(ctx, orgId, userId);
  if (m.status === "INVITATION_EXPIRED") {
    throw new EmulatorError(400, "INVITATION_EXPIRED", `The invitation for ${m.username} expired on ${m.invitationExpiresAt}.`, [userId]);
  }
  if (m.status === "INVITATION_REJECTED") {
    throw new EmulatorError(409, "INVITATION_REJECTED", `The invitation for ${m.username} was rejected.`, [userId]);
  }
  if (m.status === "PENDING") {
    if (!findCloudUserByUsername(ctx.store, m.username)) {
      const [first, last] = namesFromEmail(m.username);
      addCloudUser(ctx, { username: m.username, emailAddress: m.username, firstName: first, lastName: last });
    }
    m.status = "ACTIVE";
    const user = findCloudUserByUsername(ctx.store, m.username)!;
    user.lastAuth = ctx.now().toISOString();
    syncCloudUser(ctx.store, m.username);
  }
  return orgUserView(ctx, m);
}

/** The membership addressed by the control API: by user id, else by legacy invitation id. */
function requireInvitee(ctx: EmulatorContext, orgId: string, id: string): OrgMembershipRecord {
  return findMembershipByInvitationId(ctx.store, orgId, id) ?? requireMembership(ctx, orgId, id);
}

/** The invitee declines: the membership reads INVITATION_REJECTED until deleted or replaced. */
export function rejectInvitation(ctx: EmulatorContext, orgId: string, userId: string): Record<string, unknown> {
  sweepMemberships(ctx);
  requireOrg(ctx, orgId);
  const m = requireInvitee(ctx, orgId, userId);
  if (m.status !== "PENDING") {
    throw new EmulatorError(409, "INVITATION_NOT_PENDING", `The membership of ${m.username} is ${m.status}, not PENDING.`, [userId]);
  }
  m.status = "INVITATION_REJECTED";
  return orgUserView(ctx, m);
}

function namesFromEmail(email: string): [string, string] {
  const parts = email.split("@")[0]!.split(/[._+-]+/).filter(Boolean);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return [cap(parts[0] ?? "Invited"), cap(parts.slice(1).join(" ") || "User")];
}

// ---- views (response bodies) ----

/** The fields an active member shows (OrgActiveUserResponse / GroupActiveUserResponse). */
function activeFields(ctx: EmulatorContext, username: string): Record<string, unknown> {
  const user = findCloudUserByUsername(ctx.store, username);
  if (!user) return {};
  return omitUndefined({
    createdAt: user.createdAt,
    firstName: user.firstName ?? "",
    lastName: user.lastName ?? "",
    lastAuth: user.lastAuth,
    country: user.country,
    mobileNumber: user.mobileNumber,
  });
}

/** A rejected invitation no longer expires: the spec says `invitationExpiresAt` is then null. */
function pendingFields(m: OrgMembershipRecord): Record<string, unknown> {
  return omitUndefined({
    invitationCreatedAt: m.invitationCreatedAt,
    invitationExpiresAt: m.status === "INVITATION_REJECTED" ? null : m.invitationExpiresAt,
    inviterUsername: m.inviterUsername,
  });
}

/** OrgUserResponse (2025-02-19). */
export function orgUserView(ctx: EmulatorContext, m: OrgMembershipRecord): Record<string, unknown> {
  return {
    id: m.userId,
    username: m.username,
    orgMembershipStatus: m.status,
    roles: {
      orgRoles: [...m.orgRoles],
      groupRoleAssignments: m.groupRoleAssignments.map((a) => ({ groupId: a.groupId, groupRoles: [...a.groupRoles] })),
    },
    teamIds: [...m.teamIds],
    ...(m.status === "ACTIVE" ? activeFields(ctx, m.username) : pendingFields(m)),
  };
}

/** GroupUserResponse (2025-02-19): the person as seen from one project. */
export function groupUserView(ctx: EmulatorContext, m: OrgMembershipRecord, groupId: string): Record<string, unknown> {
  return {
    id: m.userId,
    username: m.username,
    orgMembershipStatus: m.status,
    roles: rolesInProject(m, groupId),
    ...(m.status === "ACTIVE" ? activeFields(ctx, m.username) : pendingFields(m)),
  };
}

/** A cloud user account (CloudAppUser; also the v1.0 user shape). Never carries the password. */
export function cloudUserView(user: CloudUserRecord, selfHref: string): Record<string, unknown> {
  return omitUndefined({
    id: user.id,
    username: user.username,
    emailAddress: user.emailAddress,
    firstName: user.firstName,
    lastName: user.lastName,
    country: user.country,
    mobileNumber: user.mobileNumber,
    createdAt: user.createdAt,
    lastAuth: user.lastAuth,
    roles: user.roles.map((r) => omitUndefined({ orgId: r.orgId, groupId: r.groupId, roleName: r.roleName })),
    teamIds: [...user.teamIds],
    links: [{ rel: "self", href: selfHref }],
  });
}

/** OrganizationInvitation (Atlas v2 legacy) and the Cloud/Ops Manager v1.0 org invitation. */
export function orgInvitationView(ctx: EmulatorContext, m: OrgMembershipRecord, selfHref: string): Record<string, unknown> {
  const org = ctx.store.orgs.find((o) => o.id === m.orgId);
  return omitUndefined({
    id: m.invitationId,
    orgId: m.orgId,
    orgName: org?.name ?? m.orgId,
    username: m.username,
    inviterUsername: m.inviterUsername,
    roles: [...m.orgRoles],
    groupRoleAssignments: m.groupRoleAssignments.flatMap((a) => a.groupRoles.map((groupRole) => ({ groupId: a.groupId, groupRole }))),
    teamIds: [...m.teamIds],
    createdAt: m.invitationCreatedAt,
    expiresAt: m.invitationExpiresAt,
    links: [{ rel: "self", href: selfHref }],
  });
}

/** GroupInvitation (Atlas v2 legacy project invitation). */
export function groupInvitationView(ctx: EmulatorContext, m: OrgMembershipRecord, groupId: string, selfHref: string): Record<string, unknown> {
  const project = ctx.store.projects.find((p) => p.id === groupId);
  return omitUndefined({
    id: m.invitationId,
    groupId,
    groupName: project?.name ?? groupId,
    username: m.username,
    inviterUsername: m.inviterUsername,
    roles: rolesInProject(m, groupId),
    createdAt: m.invitationCreatedAt,
    expiresAt: m.invitationExpiresAt,
    links: [{ rel: "self", href: selfHref }],
  });
}

export function omitUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Cloud usernames are email addresses (`INVALID_USERNAME` otherwise). */
export function assertEmailUsername(username: unknown): string {
  if (typeof username !== "string" || !isEmailAddress(username)) {
    throw new EmulatorError(400, "INVALID_USERNAME", "The specified username is not a valid email address.", ["username"]);
  }
  return username;
}

export function isEmailAddress(value: string): boolean {
  return EMAIL.test(value);
}

/** A required list of strings in an already spec-validated body (defensive: the core may not have checked it). */
export function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", `Invalid attribute ${field} specified.`, [field], {
      fields: [{ field, description: "must be an array of strings" }],
    });
  }
  return [...new Set(value as string[])];
}

/** The request body as an object; anything else is Atlas's `INVALID_JSON`. */
export function objectBody(req: RouteRequest): Record<string, unknown> {
  if (req.body === null || typeof req.body !== "object" || Array.isArray(req.body)) {
    throw new EmulatorError(400, "INVALID_JSON", "Received JSON does not match expected format.");
  }
  return req.body as Record<string, unknown>;
}

/** A required string field of an already spec-checked body (`MISSING_ATTRIBUTE` when absent). */
export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string") {
    throw new EmulatorError(400, "MISSING_ATTRIBUTE", `The required attribute ${field} was not specified.`, [field]);
  }
  return value;
}

/**
 * `:addRole` / `:removeRole` on a role list. Adding a held role or removing
 * one not held changes nothing (safe to retry). The last role cannot be
 * removed: the spec says to add the new role first, but documents no error
 * code, so `CANNOT_REMOVE_LAST_ROLE` is the emulator's choice.
 */
export function changeRoles(current: readonly string[], role: string, action: "add" | "remove", username: string): string[] {
  if (action === "add") return current.includes(role) ? [...current] : [...current, role];
  if (!current.includes(role)) return [...current];
  if (current.length === 1) {
    throw new EmulatorError(
      400,
      "CANNOT_REMOVE_LAST_ROLE",
      `Cannot remove ${role}: it is the last role of ${username}. Add the new role first, then remove this one.`,
      [role, username],
    );
  }
  return current.filter((r) => r !== role);
}

/** Replaces the user's roles in one project (none: out of the project). */
export function setProjectRoles(m: OrgMembershipRecord, groupId: string, roles: readonly string[]): void {
  const others = m.groupRoleAssignments.filter((a) => a.groupId !== groupId);
  m.groupRoleAssignments = roles.length > 0 ? [...others, { groupId, groupRoles: [...roles] }] : others;
}

/** Invites someone who is not a live member of the project's org: ORG_MEMBER plus the project roles. */
export function addProjectInvitation(
  ctx: EmulatorContext,
  project: Project,
  username: string,
  groupRoles: readonly string[],
  inviterUsername: string,
): OrgMembershipRecord {
  assertCapacity(ctx, project.orgId, username, { groupIds: [project.id] });
  liveMembershipReplacingDead(ctx.store, project.orgId, username);
  return addMembership(ctx, {
    orgId: project.orgId,
    username,
    orgRoles: ["ORG_MEMBER"],
    groupRoleAssignments: [{ groupId: project.id, groupRoles: [...groupRoles] }],
    teamIds: [],
    inviterUsername,
    origin: "project",
  });
}
