/**
 * Organization users: Atlas v2 `/orgs/{orgId}/users` (seed 003; 2025-02-19,
 * list and DELETE also 2023-01-01) and the Cloud/Ops Manager v1.0 org member
 * list. Also exports `acceptInvitation` / `rejectInvitation` for the control
 * API and the `sweep` that expires invitations as the emulator clock moves.
 */
import type { OrgMembershipRecord } from "../store";
import { EmulatorError, type EmulatorContext, type Route, type RouteRequest, type Sweep } from "../types";
import {
  acceptInvitation,
  assertCapacity,
  assertEditable,
  assertEmailUsername,
  assertOrgRole,
  assertTeamsInOrg,
  changeRoles,
  cloudUserView,
  findCloudUserByUsername,
  findMembershipByUsername,
  isLive,
  liveMembershipReplacingDead,
  addMembership,
  normaliseGroupAssignments,
  orgUserView,
  rejectInvitation,
  removeMembership,
  requiredString,
  requireMembership,
  requireOrg,
  objectBody,
  stringList,
  sweepMemberships,
  syncCloudUser,
  type GroupRoleAssignment,
} from "./memberships";
import { paginate } from "./paging";
import { ATLAS_GROUP_ROLES, ATLAS_ORG_ROLES } from "./roles";

export { acceptInvitation, rejectInvitation };

/** Expires invitations past 30 days by the emulator clock (run by the core before each request and after clock moves). */
export const sweep: Sweep = sweepMemberships;

const STATUSES = ["PENDING", "ACTIVE", "INVITATION_EXPIRED", "INVITATION_REJECTED"] as const;
const V2 = "/api/atlas/v2/orgs/{orgId}/users";

interface RolesInput {
  orgRoles: string[];
  groupRoleAssignments?: GroupRoleAssignment[];
}

/** OrgUserRolesRequest, checked against the org's projects and the role lists. */
function parseRoles(ctx: EmulatorContext, orgId: string, raw: unknown): { orgRoles: string[]; groups?: GroupRoleAssignment[] } {
  if (raw === null || typeof raw !== "object") {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", "Invalid attribute roles specified.", ["roles"]);
  }
  const roles = raw as Partial<RolesInput>;
  const orgRoles = stringList(roles.orgRoles, "roles.orgRoles");
  if (orgRoles.length === 0) {
    throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The required attribute roles.orgRoles was not specified.", ["roles.orgRoles"]);
  }
  orgRoles.forEach((r) => assertOrgRole(r, orgId, ATLAS_ORG_ROLES));
  if (roles.groupRoleAssignments === undefined) return { orgRoles };
  if (!Array.isArray(roles.groupRoleAssignments)) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", "Invalid attribute roles.groupRoleAssignments specified.", [
      "roles.groupRoleAssignments",
    ]);
  }
  const assignments = roles.groupRoleAssignments.map((a, i) => ({
    groupId: String(a?.groupId ?? ""),
    groupRoles: stringList(a?.groupRoles, `roles.groupRoleAssignments[${i}].groupRoles`),
  }));
  return { orgRoles, groups: normaliseGroupAssignments(ctx, orgId, assignments, ATLAS_GROUP_ROLES) };
}


function membershipFor(req: RouteRequest, ctx: EmulatorContext): OrgMembershipRecord {
  sweepMemberships(ctx);
  requireOrg(ctx, req.params.orgId!);
  return requireMembership(ctx, req.params.orgId!, req.params.userId!);
}

function statusFilter(query: URLSearchParams): Set<string> | undefined {
  const raw = [...query.getAll("orgMembershipStatuses"), ...query.getAll("orgMembershipStatus")].flatMap((v) => v.split(","));
  if (raw.length === 0) return undefined;
  for (const s of raw) {
    if (!(STATUSES as readonly string[]).includes(s)) {
      throw new EmulatorError(400, "INVALID_QUERY_PARAMETER", `Invalid query parameter orgMembershipStatuses specified: ${s}.`, [
        "orgMembershipStatuses",
      ]);
    }
  }
  return new Set(raw);
}

const listOrgUsers: Route = {
  method: "GET",
  path: V2,
  platform: "atlas-v2",
  handle(req, ctx) {
    sweepMemberships(ctx);
    const orgId = req.params.orgId!;
    requireOrg(ctx, orgId);
    const username = req.query.get("username");
    const statuses = statusFilter(req.query);
    const members = ctx.store.orgMemberships.filter(
      (m) =>
        m.orgId === orgId &&
        (!username || m.username.toLowerCase() === username.toLowerCase()) &&
        (!statuses || statuses.has(m.status)),
    );
    const selfPath = `/api/atlas/v2/orgs/${orgId}/users`;
    if (req.version === "2023-01-01") {
      // The 2023-01-01 version lists accounts (CloudAppUser), i.e. active members only.
      const users = members
        .filter((m) => m.status === "ACTIVE")
        .map((m) => findCloudUserByUsername(ctx.store, m.username))
        .filter((u) => u !== undefined)
        .map((u) => cloudUserView(u, `/api/atlas/v2/users/${u.id}`));
      return { status: 200, body: paginate(users, req.query, selfPath) };
    }
    return { status: 200, body: paginate(members.map((m) => orgUserView(ctx, m)), req.query, selfPath) };
  },
};

const createOrgUser: Route = {
  method: "POST",
  path: V2,
  platform: "atlas-v2",
  handle(req, ctx) {
    sweepMemberships(ctx);
    const orgId = req.params.orgId!;
    requireOrg(ctx, orgId);
    const input = objectBody(req);
    const username = assertEmailUsername(input.username);
    const roles = parseRoles(ctx, orgId, input.roles);
    const teamIds = stringList(input.teamIds, "teamIds");
    assertTeamsInOrg(ctx, orgId, teamIds);
    const existing = findMembershipByUsername(ctx.store, orgId, username);
    if (existing && isLive(existing)) {
      // Documented (spec text) without a code: 409 only for a PENDING or ACTIVE member.
      throw new EmulatorError(409, "USER_ALREADY_IN_ORG", `User ${username} is already ${existing.status} in organization ${orgId}.`, [
        username,
        orgId,
      ]);
    }
    const groups = roles.groups ?? [];
    assertCapacity(ctx, orgId, username, { groupIds: groups.map((g) => g.groupId), teamIds });
    liveMembershipReplacingDead(ctx.store, orgId, username);
    const m = addMembership(ctx, {
      orgId,
      username,
      orgRoles: roles.orgRoles,
      groupRoleAssignments: groups,
      teamIds,
      inviterUsername: req.auth.principal,
      origin: "org",
    });
    return { status: 201, body: orgUserView(ctx, m) };
  },
};

const getOrgUser: Route = {
  method: "GET",
  path: `${V2}/{userId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const m = membershipFor(req, ctx);
    const statuses = statusFilter(req.query);
    if (statuses && !statuses.has(m.status)) {
      throw new EmulatorError(404, "USER_NOT_FOUND", `No user with ID ${m.userId} exists with the requested status.`, [m.userId]);
    }
    return { status: 200, body: orgUserView(ctx, m) };
  },
};

const updateOrgUser: Route = {
  method: "PATCH",
  path: `${V2}/{userId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const m = membershipFor(req, ctx);
    assertEditable(m);
    const input = objectBody(req);
    const roles = input.roles === undefined ? undefined : parseRoles(ctx, m.orgId, input.roles);
    const teamIds = input.teamIds === undefined ? undefined : stringList(input.teamIds, "teamIds");
    if (teamIds) assertTeamsInOrg(ctx, m.orgId, teamIds);
    assertCapacity(ctx, m.orgId, m.username, { groupIds: roles?.groups?.map((g) => g.groupId), teamIds });
    if (roles) {
      m.orgRoles = roles.orgRoles;
      if (roles.groups) m.groupRoleAssignments = roles.groups;
    }
    if (teamIds) m.teamIds = teamIds;
    syncCloudUser(ctx.store, m.username);
    return { status: 200, body: orgUserView(ctx, m) };
  },
};

const removeOrgUser: Route = {
  method: "DELETE",
  path: `${V2}/{userId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    removeMembership(ctx, membershipFor(req, ctx));
    return { status: 204 };
  },
};

function orgRoleChange(action: "add" | "remove"): Route {
  return {
    method: "POST",
    path: `${V2}/{userId}:${action}Role`,
    platform: "atlas-v2",
    handle(req, ctx) {
      const m = membershipFor(req, ctx);
      const role = requiredString(objectBody(req), "orgRole");
      assertOrgRole(role, m.orgId, ATLAS_ORG_ROLES);
      assertEditable(m);
      m.orgRoles = changeRoles(m.orgRoles, role, action, m.username);
      syncCloudUser(ctx.store, m.username);
      return { status: 200, body: orgUserView(ctx, m) };
    },
  };
}

/** Deprecated `PUT …/users/{userId}/roles` (2023-01-01): replaces the org roles. */
const updateOrgUserRoles: Route = {
  method: "PUT",
  path: `${V2}/{userId}/roles`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const m = membershipFor(req, ctx);
    const orgRoles = stringList(objectBody(req).orgRoles, "orgRoles");
    if (orgRoles.length === 0) {
      throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The required attribute orgRoles was not specified.", ["orgRoles"]);
    }
    orgRoles.forEach((r) => assertOrgRole(r, m.orgId, ATLAS_ORG_ROLES));
    assertEditable(m);
    m.orgRoles = orgRoles;
    syncCloudUser(ctx.store, m.username);
    return { status: 200, body: { orgRoles: [...m.orgRoles], links: [{ rel: "self", href: `/api/atlas/v2/orgs/${m.orgId}/users/${m.userId}/roles` }] } };
  },
};

// ---- Cloud Manager / Ops Manager: the org's members ----

const listOrgMembersV1: Route = {
  method: "GET",
  path: "/api/public/v1.0/orgs/{orgId}/users",
  platform: "public-v1",
  handle(req, ctx) {
    sweepMemberships(ctx);
    const orgId = req.params.orgId!;
    requireOrg(ctx, orgId);
    const users = ctx.store.orgMemberships
      .filter((m) => m.orgId === orgId && m.status === "ACTIVE")
      .map((m) => findCloudUserByUsername(ctx.store, m.username))
      .filter((u) => u !== undefined)
      .map((u) => cloudUserView(u, `/api/public/v1.0/users/${u.id}`));
    return { status: 200, body: paginate(users, req.query, `/api/public/v1.0/orgs/${orgId}/users`) };
  },
};

const removeOrgMemberV1: Route = {
  method: "DELETE",
  path: "/api/public/v1.0/orgs/{orgId}/users/{userId}",
  platform: "public-v1",
  handle(req, ctx) {
    const m = membershipFor(req, ctx);
    if (m.status !== "ACTIVE") {
      throw new EmulatorError(404, "USER_NOT_IN_ORG", `User ${m.userId} is not in organization ${m.orgId}.`, [m.userId, m.orgId]);
    }
    removeMembership(ctx, m);
    return { status: 204 };
  },
};

export const routes: Route[] = [
  listOrgUsers,
  createOrgUser,
  getOrgUser,
  updateOrgUser,
  removeOrgUser,
  orgRoleChange("add"),
  orgRoleChange("remove"),
  updateOrgUserRoles,
  listOrgMembersV1,
  removeOrgMemberV1,
];
