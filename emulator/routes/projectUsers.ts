/**
 * Project users: Atlas v2 `/groups/{groupId}/users` (2025-02-19; list and
 * DELETE also 2023-01-01). A project user is a member of the project's org:
 * inviting someone who is not yet in the org invites them to the org as
 * ORG_MEMBER with the project roles; an ACTIVE org member is added directly;
 * a PENDING one gets the project roles added to their invitation.
 */
import type { OrgMembershipRecord, Project } from "../store";
import { EmulatorError, type EmulatorContext, type Route, type RouteRequest } from "../types";
import {
  addProjectInvitation,
  assertCapacity,
  assertEditable,
  assertEmailUsername,
  assertGroupRole,
  cloudUserView,
  findCloudUserByUsername,
  findMembershipByUsername,
  groupUserView,
  isLive,
  removeMembership,
  requiredString,
  setProjectRoles,
  changeRoles,
  requireProject,
  rolesInProject,
  objectBody,
  stringList,
  sweepMemberships,
  syncCloudUser,
  findMembership,
} from "./memberships";
import { paginate } from "./paging";
import { ATLAS_GROUP_ROLES } from "./roles";
import { teamRolesInProject } from "./teams";

const V2 = "/api/atlas/v2/groups/{groupId}/users";


/** The project and the membership of a user who holds at least one role in it. */
function projectMember(req: RouteRequest, ctx: EmulatorContext): { project: Project; m: OrgMembershipRecord } {
  sweepMemberships(ctx);
  const project = requireProject(ctx, req.params.groupId!);
  const userId = req.params.userId!;
  const m = findMembership(ctx.store, project.orgId, userId);
  if (!m || rolesInProject(m, project.id).length === 0) {
    throw new EmulatorError(404, "USER_NOT_IN_GROUP", `User ${userId} is not in group ${project.id}.`, [userId, project.id]);
  }
  return { project, m };
}

const listProjectUsers: Route = {
  method: "GET",
  path: V2,
  platform: "atlas-v2",
  handle(req, ctx) {
    sweepMemberships(ctx);
    const project = requireProject(ctx, req.params.groupId!);
    const username = req.query.get("username");
    const statuses = [...req.query.getAll("orgMembershipStatuses"), ...req.query.getAll("orgMembershipStatus")].flatMap((s) =>
      s.split(","),
    );
    // flattenTeams=true: also the members of teams with roles here, with those roles (as Atlas lists them).
    const flatten = req.query.get("flattenTeams") === "true";
    const rolesHere = (m: OrgMembershipRecord) =>
      flatten ? [...new Set([...rolesInProject(m, project.id), ...teamRolesInProject(ctx, m, project.id)])] : rolesInProject(m, project.id);
    const members = ctx.store.orgMemberships.filter(
      (m) =>
        m.orgId === project.orgId &&
        rolesHere(m).length > 0 &&
        (!username || m.username.toLowerCase() === username.toLowerCase()) &&
        (statuses.length === 0 || statuses.includes(m.status)),
    );
    const selfPath = `/api/atlas/v2/groups/${project.id}/users`;
    if (req.version === "2023-01-01") {
      const users = members
        .filter((m) => m.status === "ACTIVE")
        .map((m) => findCloudUserByUsername(ctx.store, m.username))
        .filter((u) => u !== undefined)
        .map((u) => cloudUserView(u, `/api/atlas/v2/users/${u.id}`));
      return { status: 200, body: paginate(users, req.query, selfPath) };
    }
    const views = members.map((m) => ({ ...groupUserView(ctx, m, project.id), roles: rolesHere(m) }));
    return { status: 200, body: paginate(views, req.query, selfPath) };
  },
};

const addProjectUser: Route = {
  method: "POST",
  path: V2,
  platform: "atlas-v2",
  handle(req, ctx) {
    sweepMemberships(ctx);
    const project = requireProject(ctx, req.params.groupId!);
    const input = objectBody(req);
    const username = assertEmailUsername(input.username);
    const roles = stringList(input.roles, "roles");
    if (roles.length === 0) {
      throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The required attribute roles was not specified.", ["roles"]);
    }
    roles.forEach((r) => assertGroupRole(r, project.id, ATLAS_GROUP_ROLES));
    const existing = findMembershipByUsername(ctx.store, project.orgId, username);
    if (existing && isLive(existing)) {
      if (rolesInProject(existing, project.id).length > 0) {
        // Documented (spec text) without a code: 409 for a PENDING or ACTIVE project user.
        throw new EmulatorError(409, "USER_ALREADY_IN_GROUP", `User ${username} is already ${existing.status} in group ${project.id}.`, [
          username,
          project.id,
        ]);
      }
      assertCapacity(ctx, project.orgId, username, { groupIds: [project.id] });
      setProjectRoles(existing, project.id, roles);
      syncCloudUser(ctx.store, existing.username);
      return { status: 201, body: groupUserView(ctx, existing, project.id) };
    }
    const m = addProjectInvitation(ctx, project, username, roles, req.auth.principal);
    return { status: 201, body: groupUserView(ctx, m, project.id) };
  },
};

const getProjectUser: Route = {
  method: "GET",
  path: `${V2}/{userId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const { project, m } = projectMember(req, ctx);
    return { status: 200, body: groupUserView(ctx, m, project.id) };
  },
};

const removeProjectUser: Route = {
  method: "DELETE",
  path: `${V2}/{userId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const { project, m } = projectMember(req, ctx);
    setProjectRoles(m, project.id, []);
    // A pending invitation that only existed for this project is withdrawn with it.
    if (m.status !== "ACTIVE" && m.origin === "project" && m.groupRoleAssignments.length === 0) removeMembership(ctx, m);
    else syncCloudUser(ctx.store, m.username);
    return { status: 204 };
  },
};

function projectRoleChange(action: "add" | "remove"): Route {
  return {
    method: "POST",
    path: `${V2}/{userId}:${action}Role`,
    platform: "atlas-v2",
    handle(req, ctx) {
      const { project, m } = projectMember(req, ctx);
      const role = requiredString(objectBody(req), "groupRole");
      assertGroupRole(role, project.id, ATLAS_GROUP_ROLES);
      assertEditable(m);
      setProjectRoles(m, project.id, changeRoles(rolesInProject(m, project.id), role, action, m.username));
      syncCloudUser(ctx.store, m.username);
      return { status: 200, body: groupUserView(ctx, m, project.id) };
    },
  };
}

/** Deprecated `PUT …/users/{userId}/roles` (2023-01-01): replaces the user's roles in the project. */
const updateProjectUserRoles: Route = {
  method: "PUT",
  path: `${V2}/{userId}/roles`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const { project, m } = projectMember(req, ctx);
    const groupRoles = stringList(objectBody(req).groupRoles, "groupRoles");
    if (groupRoles.length === 0) {
      throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The required attribute groupRoles was not specified.", ["groupRoles"]);
    }
    groupRoles.forEach((r) => assertGroupRole(r, project.id, ATLAS_GROUP_ROLES));
    assertEditable(m);
    setProjectRoles(m, project.id, groupRoles);
    syncCloudUser(ctx.store, m.username);
    return {
      status: 200,
      body: { groupRoles: rolesInProject(m, project.id), links: [{ rel: "self", href: `/api/atlas/v2/groups/${project.id}/users/${m.userId}/roles` }] },
    };
  },
};

export const routes: Route[] = [
  listProjectUsers,
  addProjectUser,
  getProjectUser,
  removeProjectUser,
  projectRoleChange("add"),
  projectRoleChange("remove"),
  updateProjectUserRoles,
];
