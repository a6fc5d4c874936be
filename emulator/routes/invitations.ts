/**
 * Legacy invitations:
 * - Atlas v2 `/orgs/{orgId}/invites[/{invitationId}]` and
 *   `/groups/{groupId}/invites[/{invitationId}]` (deprecated, 2023-01-01; POST 200);
 * - Cloud/Ops Manager `/api/public/v1.0/orgs/{orgId}/invites[/{invitationId}]` (POST 201).
 *
 * An invitation is a view of a PENDING (or expired) org membership, so it also
 * shows up as a pending org user. As on the real APIs, the invitation has its
 * own id (the membership's `invitationId`), never the person's user id:
 * `POST /__emulator/orgs/{orgId}/users/{userId or invitationId}:accept` accepts
 * it. Once accepted the person is an org member and the invitation is gone.
 */
import type { OrgMembershipRecord } from "../store";
import { EmulatorError, type EmulatorContext, type Platform, type Route, type RouteRequest } from "../types";
import {
  addMembership,
  addProjectInvitation,
  assertCapacity,
  assertEditable,
  assertEmailUsername,
  assertGroupRole,
  assertOrgRole,
  assertTeamsInOrg,
  findMembershipByInvitationId,
  findMembershipByUsername,
  groupInvitationView,
  isLive,
  liveMembershipReplacingDead,
  normaliseGroupAssignments,
  objectBody,
  orgInvitationView,
  removeMembership,
  requireOrg,
  requireProject,
  rolesInProject,
  sameUsername,
  setProjectRoles,
  stringList,
  sweepMemberships,
  syncCloudUser,
  type GroupRoleAssignment,
} from "./memberships";
import { groupRolesFor, orgRolesFor, productOf } from "./roles";
import { checkV1Body, type V1FieldRule } from "./v1Body";

const ATLAS_ORG = "/api/atlas/v2/orgs/{orgId}/invites";
const ATLAS_GROUP = "/api/atlas/v2/groups/{groupId}/invites";
const PUBLIC_ORG = "/api/public/v1.0/orgs/{orgId}/invites";

/** PENDING invitations, and expired ones until deleted or replaced; accepted and rejected ones are gone. */
function isInvitation(m: OrgMembershipRecord): boolean {
  return m.status === "PENDING" || m.status === "INVITATION_EXPIRED";
}

function isOrgInvitation(m: OrgMembershipRecord): boolean {
  return isInvitation(m) && m.origin !== "project";
}

function notFound(invitationId: string): EmulatorError {
  return new EmulatorError(404, "RESOURCE_NOT_FOUND", `Cannot find resource invitation ${invitationId}.`, [invitationId]);
}

function invitationConflict(username: string, m: OrgMembershipRecord): EmulatorError {
  return new EmulatorError(
    409,
    "USER_ALREADY_IN_ORG",
    `User ${username} is already ${m.status === "ACTIVE" ? "a member of" : "invited to"} organization ${m.orgId}.`,
    [username, m.orgId],
  );
}

// ---- org invitations (Atlas v2 and Cloud/Ops Manager v1.0 share the logic) ----

interface OrgInvitationInput {
  username?: string;
  roles?: string[];
  teamIds?: string[];
  groupRoleAssignments?: GroupRoleAssignment[];
}

const PUBLIC_CREATE: Readonly<Record<string, V1FieldRule>> = {
  username: { type: "string", required: true },
  roles: { type: "stringArray", required: true },
  teamIds: { type: "stringArray" },
};
const PUBLIC_UPDATE: Readonly<Record<string, V1FieldRule>> = {
  username: { type: "string" },
  roles: { type: "stringArray" },
  teamIds: { type: "stringArray" },
};

/** Reads and checks an org invitation body for the path's product. */
function orgInvitationInput(req: RouteRequest, ctx: EmulatorContext, platform: Platform, orgId: string, creating: boolean): OrgInvitationInput {
  const product = productOf(platform, ctx);
  let input: OrgInvitationInput;
  if (platform === "public-v1") {
    input = checkV1Body(req.body, creating ? PUBLIC_CREATE : PUBLIC_UPDATE) as OrgInvitationInput;
  } else {
    const raw = objectBody(req);
    input = {
      username: raw.username as string | undefined,
      roles: raw.roles === undefined ? undefined : stringList(raw.roles, "roles"),
      teamIds: raw.teamIds === undefined ? undefined : stringList(raw.teamIds, "teamIds"),
      groupRoleAssignments:
        raw.groupRoleAssignments === undefined
          ? undefined
          : (Array.isArray(raw.groupRoleAssignments) ? raw.groupRoleAssignments : []).map((a: { groupId?: unknown; roles?: unknown }, i: number) => ({
              groupId: String(a?.groupId ?? ""),
              groupRoles: stringList(a?.roles, `groupRoleAssignments[${i}].roles`),
            })),
    };
  }
  if (creating) {
    assertEmailUsername(input.username);
    if (!input.roles || input.roles.length === 0) {
      throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The required attribute roles was not specified.", ["roles"]);
    }
  }
  input.roles?.forEach((r) => assertOrgRole(r, orgId, orgRolesFor(product)));
  if (input.teamIds) assertTeamsInOrg(ctx, orgId, input.teamIds);
  if (input.groupRoleAssignments) {
    input.groupRoleAssignments = normaliseGroupAssignments(ctx, orgId, input.groupRoleAssignments, groupRolesFor(product));
  }
  return input;
}

function orgView(ctx: EmulatorContext, platform: Platform, m: OrgMembershipRecord): Record<string, unknown> {
  const base = platform === "public-v1" ? "/api/public/v1.0" : "/api/atlas/v2";
  const view = orgInvitationView(ctx, m, `${base}/orgs/${m.orgId}/invites/${m.invitationId}`);
  // Cloud/Ops Manager invitations carry no project roles.
  if (platform === "public-v1") delete view.groupRoleAssignments;
  return view;
}

function orgInvitationById(req: RouteRequest, ctx: EmulatorContext): OrgMembershipRecord {
  sweepMemberships(ctx);
  const orgId = req.params.orgId!;
  requireOrg(ctx, orgId);
  const m = findMembershipByInvitationId(ctx.store, orgId, req.params.invitationId!);
  if (!m || !isOrgInvitation(m)) throw notFound(req.params.invitationId!);
  return m;
}

function updateOrgInvitation(ctx: EmulatorContext, m: OrgMembershipRecord, input: OrgInvitationInput): void {
  assertEditable(m);
  assertCapacity(ctx, m.orgId, m.username, { teamIds: input.teamIds, groupIds: input.groupRoleAssignments?.map((g) => g.groupId) });
  if (input.roles && input.roles.length > 0) m.orgRoles = input.roles;
  if (input.teamIds) m.teamIds = input.teamIds;
  if (input.groupRoleAssignments) m.groupRoleAssignments = input.groupRoleAssignments;
  syncCloudUser(ctx.store, m.username);
}

function orgInvitationRoutes(platform: Platform, path: string, createdStatus: number): Route[] {
  return [
    {
      method: "GET",
      path,
      platform,
      handle(req, ctx) {
        sweepMemberships(ctx);
        const orgId = req.params.orgId!;
        requireOrg(ctx, orgId);
        const username = req.query.get("username");
        const invitations = ctx.store.orgMemberships.filter(
          (m) => m.orgId === orgId && isOrgInvitation(m) && (!username || sameUsername(m.username, username)),
        );
        return { status: 200, body: invitations.map((m) => orgView(ctx, platform, m)) };
      },
    },
    {
      method: "POST",
      path,
      platform,
      handle(req, ctx) {
        sweepMemberships(ctx);
        const orgId = req.params.orgId!;
        requireOrg(ctx, orgId);
        const input = orgInvitationInput(req, ctx, platform, orgId, true);
        const username = input.username!;
        const existing = findMembershipByUsername(ctx.store, orgId, username);
        if (existing && isLive(existing)) throw invitationConflict(username, existing);
        const groups = input.groupRoleAssignments ?? [];
        assertCapacity(ctx, orgId, username, { teamIds: input.teamIds, groupIds: groups.map((g) => g.groupId) });
        liveMembershipReplacingDead(ctx.store, orgId, username);
        const m = addMembership(ctx, {
          orgId,
          username,
          orgRoles: input.roles!,
          groupRoleAssignments: groups,
          teamIds: input.teamIds ?? [],
          inviterUsername: req.auth.principal,
          origin: "org",
        });
        return { status: createdStatus, body: orgView(ctx, platform, m) };
      },
    },
    {
      // Update the invitation addressed by the `username` in the body.
      method: "PATCH",
      path,
      platform,
      handle(req, ctx) {
        sweepMemberships(ctx);
        const orgId = req.params.orgId!;
        requireOrg(ctx, orgId);
        const input = orgInvitationInput(req, ctx, platform, orgId, false);
        const username = assertEmailUsername(input.username);
        const m = findMembershipByUsername(ctx.store, orgId, username);
        if (!m || !isOrgInvitation(m)) throw notFound(username);
        updateOrgInvitation(ctx, m, input);
        return { status: 200, body: orgView(ctx, platform, m) };
      },
    },
    {
      method: "GET",
      path: `${path}/{invitationId}`,
      platform,
      handle(req, ctx) {
        return { status: 200, body: orgView(ctx, platform, orgInvitationById(req, ctx)) };
      },
    },
    {
      method: "PATCH",
      path: `${path}/{invitationId}`,
      platform,
      handle(req, ctx) {
        const m = orgInvitationById(req, ctx);
        const input = orgInvitationInput(req, ctx, platform, m.orgId, false);
        if (input.username !== undefined && !sameUsername(input.username, m.username)) {
          throw new EmulatorError(400, "ATTRIBUTE_READ_ONLY", "The attribute username is read-only and cannot be changed by the user.", [
            "username",
          ]);
        }
        updateOrgInvitation(ctx, m, input);
        return { status: 200, body: orgView(ctx, platform, m) };
      },
    },
    {
      method: "DELETE",
      path: `${path}/{invitationId}`,
      platform,
      handle(req, ctx) {
        sweepMemberships(ctx);
        const orgId = req.params.orgId!;
        requireOrg(ctx, orgId);
        const m = findMembershipByInvitationId(ctx.store, orgId, req.params.invitationId!);
        if (m && isInvitation(m) && m.origin === "project") {
          throw new EmulatorError(
            400,
            "CANNOT_DELETE_GROUP_INVITATION",
            "You can't use the /orgs/{ORG-ID}/invites/{INVITATION-ID} endpoint to delete an invitation to a group. Use /groups/{GROUP-ID}/invites/{INVITATION-ID} instead.",
          );
        }
        if (!m || !isInvitation(m)) {
          throw new EmulatorError(
            400,
            "INVALID_INVITATION_ID",
            "The invitation you tried to delete does not exist or has already been accepted.",
            [req.params.invitationId!],
          );
        }
        removeMembership(ctx, m);
        return { status: 204 };
      },
    },
  ];
}

// ---- Atlas v2 project invitations ----

function groupView(ctx: EmulatorContext, m: OrgMembershipRecord, groupId: string): Record<string, unknown> {
  return groupInvitationView(ctx, m, groupId, `/api/atlas/v2/groups/${groupId}/invites/${m.invitationId}`);
}

function groupRolesInput(req: RouteRequest, groupId: string, required: boolean): { username?: string; roles?: string[] } {
  const raw = objectBody(req);
  const roles = raw.roles === undefined ? undefined : stringList(raw.roles, "roles");
  if (required && (!roles || roles.length === 0)) {
    throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The required attribute roles was not specified.", ["roles"]);
  }
  roles?.forEach((r) => assertGroupRole(r, groupId, groupRolesFor("atlas")));
  return { username: raw.username as string | undefined, roles };
}

function groupInvitation(ctx: EmulatorContext, groupId: string, orgId: string, invitationId: string): OrgMembershipRecord {
  const m = findMembershipByInvitationId(ctx.store, orgId, invitationId);
  if (!m || !isInvitation(m) || rolesInProject(m, groupId).length === 0) throw notFound(invitationId);
  return m;
}

function setGroupRoles(ctx: EmulatorContext, m: OrgMembershipRecord, groupId: string, roles: string[]): void {
  assertEditable(m);
  setProjectRoles(m, groupId, roles);
  syncCloudUser(ctx.store, m.username);
}

const groupInvitationRoutes: Route[] = [
  {
    method: "GET",
    path: ATLAS_GROUP,
    platform: "atlas-v2",
    handle(req, ctx) {
      sweepMemberships(ctx);
      const project = requireProject(ctx, req.params.groupId!);
      const username = req.query.get("username");
      const invitations = ctx.store.orgMemberships.filter(
        (m) =>
          m.orgId === project.orgId &&
          isInvitation(m) &&
          rolesInProject(m, project.id).length > 0 &&
          (!username || sameUsername(m.username, username)),
      );
      return { status: 200, body: invitations.map((m) => groupView(ctx, m, project.id)) };
    },
  },
  {
    method: "POST",
    path: ATLAS_GROUP,
    platform: "atlas-v2",
    handle(req, ctx) {
      sweepMemberships(ctx);
      const project = requireProject(ctx, req.params.groupId!);
      const input = groupRolesInput(req, project.id, true);
      const username = assertEmailUsername(input.username);
      const existing = findMembershipByUsername(ctx.store, project.orgId, username);
      if (existing && isLive(existing)) {
        if (existing.status === "ACTIVE" || rolesInProject(existing, project.id).length > 0) throw invitationConflict(username, existing);
        // Already invited to the org: the project roles join that invitation.
        assertCapacity(ctx, project.orgId, username, { groupIds: [project.id] });
        setGroupRoles(ctx, existing, project.id, input.roles!);
        return { status: 200, body: groupView(ctx, existing, project.id) };
      }
      const m = addProjectInvitation(ctx, project, username, input.roles!, req.auth.principal);
      return { status: 200, body: groupView(ctx, m, project.id) };
    },
  },
  {
    method: "PATCH",
    path: ATLAS_GROUP,
    platform: "atlas-v2",
    handle(req, ctx) {
      sweepMemberships(ctx);
      const project = requireProject(ctx, req.params.groupId!);
      const input = groupRolesInput(req, project.id, true);
      const username = assertEmailUsername(input.username);
      const m = findMembershipByUsername(ctx.store, project.orgId, username);
      if (!m || !isInvitation(m) || rolesInProject(m, project.id).length === 0) throw notFound(username);
      setGroupRoles(ctx, m, project.id, input.roles!);
      return { status: 200, body: groupView(ctx, m, project.id) };
    },
  },
  {
    method: "GET",
    path: `${ATLAS_GROUP}/{invitationId}`,
    platform: "atlas-v2",
    handle(req, ctx) {
      sweepMemberships(ctx);
      const project = requireProject(ctx, req.params.groupId!);
      return { status: 200, body: groupView(ctx, groupInvitation(ctx, project.id, project.orgId, req.params.invitationId!), project.id) };
    },
  },
  {
    method: "PATCH",
    path: `${ATLAS_GROUP}/{invitationId}`,
    platform: "atlas-v2",
    handle(req, ctx) {
      sweepMemberships(ctx);
      const project = requireProject(ctx, req.params.groupId!);
      const m = groupInvitation(ctx, project.id, project.orgId, req.params.invitationId!);
      const input = groupRolesInput(req, project.id, true);
      setGroupRoles(ctx, m, project.id, input.roles!);
      return { status: 200, body: groupView(ctx, m, project.id) };
    },
  },
  {
    method: "DELETE",
    path: `${ATLAS_GROUP}/{invitationId}`,
    platform: "atlas-v2",
    handle(req, ctx) {
      sweepMemberships(ctx);
      const project = requireProject(ctx, req.params.groupId!);
      const m = findMembershipByInvitationId(ctx.store, project.orgId, req.params.invitationId!);
      if (m && isInvitation(m) && m.origin !== "project") {
        throw new EmulatorError(
          400,
          "CANNOT_DELETE_ORG_INVITATION",
          "You can't use the /groups/{GROUP-ID}/invites/{INVITATION-ID} endpoint to delete an invitation to an organization. Use /orgs/{ORG-ID}/invites/{INVITATION-ID} instead.",
        );
      }
      if (!m || !isInvitation(m) || rolesInProject(m, project.id).length === 0) {
        throw new EmulatorError(
          400,
          "INVALID_INVITATION_ID",
          "The invitation you tried to delete does not exist or has already been accepted.",
          [req.params.invitationId!],
        );
      }
      m.groupRoleAssignments = m.groupRoleAssignments.filter((a) => a.groupId !== project.id);
      if (m.groupRoleAssignments.length === 0) removeMembership(ctx, m);
      return { status: 204 };
    },
  },
];

export const routes: Route[] = [
  ...orgInvitationRoutes("atlas-v2", ATLAS_ORG, 200),
  ...groupInvitationRoutes,
  ...orgInvitationRoutes("public-v1", PUBLIC_ORG, 201),
];
