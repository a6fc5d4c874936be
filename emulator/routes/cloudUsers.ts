/**
 * Cloud user accounts on three products:
 * - Atlas v2 `/api/atlas/v2/users` (deprecated; 2023-01-01; POST answers 200 per the spec);
 * - Atlas v1.0 `/api/atlas/v1.0/users` (seed 000; POST 200; country required), and
 *   the project's users `/api/atlas/v1.0/groups/{groupId}/users`;
 * - Cloud Manager / Ops Manager `/api/public/v1.0/users` (seeds 001-002; POST 201).
 *   Ops Manager also has PATCH (not the password) and DELETE; Cloud Manager
 *   answers those 405. `ctx.settings.publicApiFlavor` picks the product.
 *
 * Org and project roles given here become invitations (the response shows
 * `roles: []` until the invitee accepts) unless Ops Manager's
 * `bypassInviteForExistingUsers` is on. GLOBAL_* roles exist only on Ops Manager.
 */
import type { CloudUserRecord } from "../store";
import { hashPassword } from "../passwords";
import { atlasErrorBody } from "../errors";
import { EmulatorError, type EmulatorContext, type Platform, type Route, type RouteRequest, type RouteResponse } from "../types";
import {
  addCloudUser,
  addMembership,
  assertCapacity,
  assertEmailUsername,
  assertGroupRole,
  assertOrgRole,
  cloudUserView,
  findCloudUserByUsername,
  isEmailAddress,
  isLive,
  liveMembershipReplacingDead,
  removeMembership,
  requireOrg,
  requireProject,
  sameUsername,
  sweepMemberships,
  syncCloudUser,
} from "./memberships";
import { groupRolesFor, isGlobalRole, OPS_MANAGER_GLOBAL_ROLES, orgRolesFor, productOf, type Product } from "./roles";
import { paginate } from "./paging";
import { checkV1Body, type V1FieldRule, type V1Role } from "./v1Body";

/** A few of the passwords every breach list starts with (Atlas: `COMMON_PASSWORD`). */
const COMMON_PASSWORDS = new Set([
  "password",
  "password1",
  "password12",
  "password123",
  "passw0rd",
  "12345678",
  "123456789",
  "1234567890",
  "87654321",
  "11111111",
  "00000000",
  "qwertyui",
  "qwerty123",
  "qwertyuiop",
  "1q2w3e4r",
  "iloveyou",
  "sunshine",
  "princess",
  "football",
  "baseball",
  "welcome1",
  "letmein1",
  "trustno1",
  "abc12345",
  "admin123",
  "changeme",
]);

/** Password rules for cloud users: at least 8 characters, not the username, not a common password. */
export function assertCloudPassword(password: string, username: string): void {
  const weak = (why: string) => new EmulatorError(400, "WEAK_PASSWORD", `The specified password is not strong enough: ${why}.`, ["password"]);
  if (password.length < 8) throw weak("it must have at least 8 characters");
  const lower = password.toLowerCase();
  // The documented rule is the whole username; nothing documents a rule on
  // its local part, so the emulator does not invent one.
  if (lower.includes(username.toLowerCase())) throw weak("it must not contain the username");
  if (COMMON_PASSWORDS.has(lower)) {
    throw new EmulatorError(
      400,
      "COMMON_PASSWORD",
      "The password provided is too weak, as it can be found in most commonly used password lists.",
      ["password"],
    );
  }
}

function assertCountry(country: unknown): void {
  if (country !== undefined && (typeof country !== "string" || !/^[A-Z]{2}$/.test(country))) {
    throw new EmulatorError(400, "INVALID_COUNTRY_CODE", `An invalid country code ${String(country)} was specified.`, [String(country)]);
  }
}

/** A malformed emailAddress is refused naming that field (INVALID_USERNAME is for the username). */
function assertEmailAddress(value: unknown): void {
  if (typeof value !== "string" || !isEmailAddress(value)) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", "Invalid attribute emailAddress specified: not a valid email address.", ["emailAddress"], {
      fields: [{ field: "emailAddress", description: "Must be a valid email address." }],
    });
  }
}

// ---- roles ----

interface OrgPlan {
  orgRoles: Set<string>;
  groups: Map<string, Set<string>>;
}

interface RolePlan {
  global: string[];
  byOrg: Map<string, OrgPlan>;
}

/** Validates `roles[{orgId | groupId, roleName}]` for the product and groups them by org. */
function planRoles(ctx: EmulatorContext, product: Product, roles: readonly V1Role[]): RolePlan {
  const plan: RolePlan = { global: [], byOrg: new Map() };
  const forOrg = (orgId: string) => {
    const entry = plan.byOrg.get(orgId) ?? { orgRoles: new Set<string>(), groups: new Map<string, Set<string>>() };
    plan.byOrg.set(orgId, entry);
    return entry;
  };
  for (const { orgId, groupId, roleName } of roles) {
    if (isGlobalRole(roleName)) {
      if (product !== "ops-manager") throw new EmulatorError(403, "CANNOT_ADD_GLOBAL_ROLE", "Adding a global role is not supported.", [roleName]);
      if (orgId) throw roleIdError("ROLE_NEEDS_NO_ORG_ID", `Role ${roleName} cannot be specified with an organization ID.`, roleName);
      if (groupId) throw roleIdError("ROLE_NEEDS_NO_GROUP_ID", `Role ${roleName} cannot be specified with a group ID.`, roleName);
      if (!OPS_MANAGER_GLOBAL_ROLES.includes(roleName)) {
        throw new EmulatorError(400, "INVALID_ROLE_FOR_ORG", `Role ${roleName} is not a valid role.`, [roleName]);
      }
      if (!plan.global.includes(roleName)) plan.global.push(roleName);
    } else if (roleName.startsWith("ORG_") || (orgId && !groupId)) {
      if (groupId) throw roleIdError("ROLE_NEEDS_NO_GROUP_ID", `Role ${roleName} cannot be specified with a group ID.`, roleName);
      if (!orgId) throw roleIdError("ROLE_NEEDS_ORG_ID", `Role ${roleName} requires an organization ID.`, roleName);
      assertOrgRole(roleName, orgId, orgRolesFor(product));
      requireOrg(ctx, orgId);
      forOrg(orgId).orgRoles.add(roleName);
    } else {
      if (orgId) throw roleIdError("ROLE_NEEDS_NO_ORG_ID", `Role ${roleName} cannot be specified with an organization ID.`, roleName);
      if (!groupId) throw roleIdError("ROLE_NEEDS_GROUP_ID", `Role ${roleName} requires a group ID.`, roleName);
      assertGroupRole(roleName, groupId, groupRolesFor(product));
      const project = requireProject(ctx, groupId);
      const groups = forOrg(project.orgId).groups;
      groups.set(groupId, (groups.get(groupId) ?? new Set<string>()).add(roleName));
    }
  }
  return plan;
}

function roleIdError(code: string, detail: string, roleName: string): EmulatorError {
  return new EmulatorError(400, code, detail, [roleName]);
}

function assertPlanCapacity(ctx: EmulatorContext, username: string, plan: RolePlan): void {
  for (const [orgId, entry] of plan.byOrg) assertCapacity(ctx, orgId, username, { groupIds: [...entry.groups.keys()] });
}

/**
 * Gives the user exactly the planned roles: orgs left out lose the user
 * (a pending invitation there is withdrawn); planned orgs are updated in place
 * or invited to. `direct` adds the user without an invitation.
 */
function applyRoles(ctx: EmulatorContext, req: RouteRequest, user: CloudUserRecord, plan: RolePlan, direct: boolean): void {
  user.roles = plan.global.map((roleName) => ({ roleName }));
  for (const m of ctx.store.orgMemberships.filter((m) => sameUsername(m.username, user.username))) {
    if (!plan.byOrg.has(m.orgId)) removeMembership(ctx, m);
  }
  for (const [orgId, entry] of plan.byOrg) {
    const orgRoles = entry.orgRoles.size > 0 ? [...entry.orgRoles] : ["ORG_MEMBER"];
    const groupRoleAssignments = [...entry.groups].map(([groupId, roles]) => ({ groupId, groupRoles: [...roles] }));
    const m = liveMembershipReplacingDead(ctx.store, orgId, user.username);
    if (m) {
      m.orgRoles = orgRoles;
      m.groupRoleAssignments = groupRoleAssignments;
      if (direct) m.status = "ACTIVE";
    } else {
      addMembership(ctx, {
        orgId,
        username: user.username,
        orgRoles,
        groupRoleAssignments,
        teamIds: [],
        inviterUsername: req.auth.principal,
        origin: entry.orgRoles.size > 0 ? "org" : "project",
        active: direct,
      });
    }
  }
  syncCloudUser(ctx.store, user.username);
}

// ---- bodies per product ----

const CREATE_FIELDS: Readonly<Record<Platform, Readonly<Record<string, V1FieldRule>>>> = {
  // CloudAppUser: emailAddress is read-only (always the username) but the spec lists it as required, so it is tolerated.
  "atlas-v2": {
    username: { type: "string", required: true },
    password: { type: "string", required: true },
    firstName: { type: "string", required: true },
    lastName: { type: "string", required: true },
    country: { type: "string", required: true },
    mobileNumber: { type: "string" },
    emailAddress: { type: "string" },
    roles: { type: "roleArray" },
    id: { type: "string", readOnly: true },
    createdAt: { type: "string", readOnly: true },
    lastAuth: { type: "string", readOnly: true },
    teamIds: { type: "stringArray", readOnly: true },
    links: { type: "roleArray", readOnly: true },
  },
  // Seed 000: country is required on Atlas.
  "atlas-v1": {
    username: { type: "string", required: true },
    password: { type: "string", required: true },
    firstName: { type: "string", required: true },
    lastName: { type: "string", required: true },
    country: { type: "string", required: true },
    emailAddress: { type: "string" },
    mobileNumber: { type: "string" },
    roles: { type: "roleArray" },
  },
  // Seeds 001-002: both products' examples send emailAddress; country only "some versions".
  "public-v1": {
    username: { type: "string", required: true },
    password: { type: "string", required: true },
    emailAddress: { type: "string", required: true },
    firstName: { type: "string", required: true },
    lastName: { type: "string", required: true },
    country: { type: "string" },
    mobileNumber: { type: "string" },
    roles: { type: "roleArray" },
  },
};

/**
 * Ops Manager PATCH: names, email, mobile, roles (NOTES.md's list); the
 * password and username cannot change, and `country` is not among the fields
 * (seed 002's Ops Manager example does not send it at all).
 */
const UPDATE_FIELDS: Readonly<Record<string, V1FieldRule>> = {
  firstName: { type: "string" },
  lastName: { type: "string" },
  emailAddress: { type: "string" },
  mobileNumber: { type: "string" },
  roles: { type: "roleArray" },
  password: { type: "string", readOnly: true },
  username: { type: "string", readOnly: true },
};

const BASE: Readonly<Record<Platform, string>> = {
  "atlas-v2": "/api/atlas/v2/users",
  "atlas-v1": "/api/atlas/v1.0/users",
  "public-v1": "/api/public/v1.0/users",
};

function view(user: CloudUserRecord, platform: Platform): Record<string, unknown> {
  return cloudUserView(user, `${BASE[platform]}/${user.id}`);
}

function createUser(platform: Platform, status: number): Route {
  return {
    method: "POST",
    path: BASE[platform],
    platform,
    handle(req, ctx) {
      sweepMemberships(ctx);
      const product = productOf(platform, ctx);
      const input = checkV1Body(req.body, CREATE_FIELDS[platform]);
      const username = assertEmailUsername(input.username);
      const password = input.password as string;
      assertCloudPassword(password, username);
      assertCountry(input.country);
      // The official clients always send emailAddress and mobileNumber, empty when not set: empty means not given.
      const emailAddress = input.emailAddress === "" ? undefined : (input.emailAddress as string | undefined);
      if (emailAddress !== undefined) assertEmailAddress(emailAddress);
      const plan = planRoles(ctx, product, (input.roles as V1Role[] | undefined) ?? []);
      if (findCloudUserByUsername(ctx.store, username)) {
        throw new EmulatorError(409, "USER_ALREADY_EXISTS", `A user with username ${username} already exists.`, [username]);
      }
      assertPlanCapacity(ctx, username, plan);
      const user = addCloudUser(ctx, {
        username,
        emailAddress: platform === "atlas-v2" ? username : (emailAddress ?? username),
        firstName: input.firstName as string,
        lastName: input.lastName as string,
        country: input.country as string | undefined,
        mobileNumber: input.mobileNumber === "" ? undefined : (input.mobileNumber as string | undefined),
        password: hashPassword(password),
      });
      // Invitations already pending for this username (sent before the account existed) are kept.
      for (const m of ctx.store.orgMemberships.filter((m) => isLive(m) && sameUsername(m.username, username))) {
        mergeInto(plan, m.orgId, m.orgRoles, m.groupRoleAssignments);
      }
      applyRoles(ctx, req, user, plan, product === "ops-manager" && ctx.settings.bypassInviteForExistingUsers);
      return { status, body: view(user, platform) };
    },
  };
}

function mergeInto(plan: RolePlan, orgId: string, orgRoles: readonly string[], groups: readonly { groupId: string; groupRoles: string[] }[]): void {
  const entry = plan.byOrg.get(orgId) ?? { orgRoles: new Set<string>(), groups: new Map<string, Set<string>>() };
  plan.byOrg.set(orgId, entry);
  orgRoles.forEach((r) => entry.orgRoles.add(r));
  for (const g of groups) entry.groups.set(g.groupId, new Set([...(entry.groups.get(g.groupId) ?? []), ...g.groupRoles]));
}

function requireUserById(ctx: EmulatorContext, userId: string): CloudUserRecord {
  const user = ctx.store.cloudUsers.find((u) => u.id === userId);
  if (!user) throw new EmulatorError(404, "USER_NOT_FOUND", `No user with ID ${userId} exists.`, [userId]);
  return user;
}

function getUser(platform: Platform): Route {
  return {
    method: "GET",
    path: `${BASE[platform]}/{userId}`,
    platform,
    handle(req, ctx) {
      sweepMemberships(ctx);
      return { status: 200, body: view(requireUserById(ctx, req.params.userId!), platform) };
    },
  };
}

function getUserByName(platform: Platform): Route {
  return {
    method: "GET",
    path: `${BASE[platform]}/byName/{userName}`,
    platform,
    handle(req, ctx) {
      sweepMemberships(ctx);
      const name = req.params.userName!;
      const user = findCloudUserByUsername(ctx.store, name);
      if (!user) throw new EmulatorError(404, "USERNAME_NOT_FOUND", `No user with username ${name} exists.`, [name]);
      return { status: 200, body: view(user, platform) };
    },
  };
}

/** Cloud Manager has no PATCH or DELETE on users (only old docs mention PATCH): 405 with `Allow`, as for any missing method. */
function cloudManagerRefusal(ctx: EmulatorContext, method: string): RouteResponse | undefined {
  if (ctx.settings.publicApiFlavor === "ops-manager") return undefined;
  const err = new EmulatorError(405, "METHOD_NOT_ALLOWED", `${method} /users/{USER-ID} is not supported by Cloud Manager (Ops Manager only).`, [
    method,
  ]);
  return { status: 405, body: atlasErrorBody(err), headers: { Allow: "GET" } };
}

const updateUserV1: Route = {
  method: "PATCH",
  path: `${BASE["public-v1"]}/{userId}`,
  platform: "public-v1",
  handle(req, ctx) {
    const refused = cloudManagerRefusal(ctx, "PATCH");
    if (refused) return refused;
    sweepMemberships(ctx);
    const user = requireUserById(ctx, req.params.userId!);
    const input = checkV1Body(req.body, UPDATE_FIELDS);
    if (input.emailAddress !== undefined) assertEmailAddress(input.emailAddress);
    const plan = input.roles === undefined ? undefined : planRoles(ctx, "ops-manager", input.roles as V1Role[]);
    if (plan) assertPlanCapacity(ctx, user.username, plan);
    for (const field of ["firstName", "lastName", "emailAddress", "mobileNumber"] as const) {
      if (input[field] !== undefined) user[field] = input[field] as string;
    }
    if (plan) {
      // Orgs where the user is already active take role changes directly; others get an invitation unless bypassed.
      const activeOrgs = new Set(
        ctx.store.orgMemberships.filter((m) => m.status === "ACTIVE" && sameUsername(m.username, user.username)).map((m) => m.orgId),
      );
      const bypass = ctx.settings.bypassInviteForExistingUsers;
      const direct = { ...plan, byOrg: new Map([...plan.byOrg].filter(([orgId]) => bypass || activeOrgs.has(orgId))) };
      const invited = new Map([...plan.byOrg].filter(([orgId]) => !direct.byOrg.has(orgId)));
      applyRoles(ctx, req, user, direct, true);
      for (const [orgId, entry] of invited) {
        applyInvitation(ctx, req, user, orgId, entry);
      }
      syncCloudUser(ctx.store, user.username);
    }
    return { status: 200, body: view(user, "public-v1") };
  },
};

function applyInvitation(ctx: EmulatorContext, req: RouteRequest, user: CloudUserRecord, orgId: string, entry: OrgPlan): void {
  addMembership(ctx, {
    orgId,
    username: user.username,
    orgRoles: entry.orgRoles.size > 0 ? [...entry.orgRoles] : ["ORG_MEMBER"],
    groupRoleAssignments: [...entry.groups].map(([groupId, roles]) => ({ groupId, groupRoles: [...roles] })),
    teamIds: [],
    inviterUsername: req.auth.principal,
    origin: entry.orgRoles.size > 0 ? "org" : "project",
  });
}

const deleteUserV1: Route = {
  method: "DELETE",
  path: `${BASE["public-v1"]}/{userId}`,
  platform: "public-v1",
  handle(req, ctx) {
    const refused = cloudManagerRefusal(ctx, "DELETE");
    if (refused) return refused;
    sweepMemberships(ctx);
    const user = requireUserById(ctx, req.params.userId!);
    for (const m of ctx.store.orgMemberships.filter((m) => sameUsername(m.username, user.username))) removeMembership(ctx, m);
    ctx.store.cloudUsers.splice(ctx.store.cloudUsers.indexOf(user), 1);
    // Ops Manager's docs show 200 with no body.
    return { status: 200 };
  },
};

/**
 * Atlas v1.0 `GET /groups/{groupId}/users`: the accounts holding a role in the
 * project (accepted roles only: pending invitees hold none yet), paged.
 */
const listProjectUsersV1: Route = {
  method: "GET",
  path: "/api/atlas/v1.0/groups/{groupId}/users",
  platform: "atlas-v1",
  handle(req, ctx) {
    sweepMemberships(ctx);
    const project = requireProject(ctx, req.params.groupId!);
    const members = ctx.store.cloudUsers.filter((u) => u.roles.some((r) => r.groupId === project.id));
    const page = paginate(members, req.query, `${ctx.baseUrl ?? ""}${req.rawPath}`);
    return { status: 200, body: { ...page, results: page.results.map((u) => view(u, "atlas-v1")) } };
  },
};

export const routes: Route[] = [
  createUser("atlas-v2", 200),
  getUser("atlas-v2"),
  getUserByName("atlas-v2"),
  // Seed 000 documents 200 for this create (Cloud/Ops Manager's seeds show 201).
  createUser("atlas-v1", 200),
  getUser("atlas-v1"),
  getUserByName("atlas-v1"),
  listProjectUsersV1,
  createUser("public-v1", 201),
  getUser("public-v1"),
  getUserByName("public-v1"),
  updateUserV1,
  deleteUserV1,
];
