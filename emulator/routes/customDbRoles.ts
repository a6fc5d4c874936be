/**
 * Atlas v2 custom database roles (`2023-01-01`): create (202), list, get,
 * update (PATCH), delete; keyed by project + role name. Bodies arrive already
 * validated against the spec; this module applies Atlas's business rules and
 * answers with the error codes Atlas documents ("Atlas Administration API
 * Error Codes"): names (`ATLAS_CUSTOM_ROLE_INVALID_NAME`, reserved and
 * built-in names), at least one action or inherited role, no duplicate
 * actions or resources, each action on the kind of resource it applies to
 * (`ATLAS_INVALID_RESOURCE`), inherited roles that exist and form no cycle,
 * and a role still held by a database user or another role cannot be deleted
 * when that would leave the user or role with nothing
 * (`ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS` / `_BY_ROLES`).
 */
import { requireProject } from "./memberships";
import { DATABASE_BUILT_IN_ROLES as BUILT_IN_ROLES } from "./roles";
import type { CustomDbRoleRecord } from "../store";
import { EmulatorError, type EmulatorContext, type Route, type RouteRequest, type RouteResponse } from "../types";

const COLLECTION = "/api/atlas/v2/groups/{groupId}/customDBRoles/roles";
const ITEM = "/api/atlas/v2/groups/{groupId}/customDBRoles/roles/{roleName}";

const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Privilege actions that apply to the cluster resource only, and those that
 * apply to either kind (MongoDB manual, "Privilege Actions"); every other
 * action of the spec's enum applies to a database or collection.
 */
const CLUSTER_ONLY = new Set([
  "USE_UUID", "KILL_OP", "BYPASS_DEFAULT_MAX_TIME_MS", "SET_USER_WRITE_BLOCK", "BYPASS_USER_WRITE_BLOCK", "LIST_SESSIONS",
  "KILL_ANY_SESSION", "CONN_POOL_STATS", "GET_CMD_LINE_OPTS", "GET_LOG", "GET_PARAMETER", "GET_SHARD_MAP", "HOST_INFO", "IN_PROG",
  "LIST_DATABASES", "LIST_SHARDS", "NET_STAT", "REPL_SET_GET_CONFIG", "REPL_SET_GET_STATUS", "SERVER_STATUS", "SHARDING_STATE",
  "TOP", "VIEW_ALL_HISTORY", "OUT_TO_S3", "OUT_TO_AZURE", "OUT_TO_GCS", "STORAGE_GET_CONFIG", "STORAGE_SET_CONFIG",
  "SHARDED_DATA_DISTRIBUTION", "GET_STREAM_PROCESSOR", "CREATE_STREAM_PROCESSOR", "PROCESS_STREAM_PROCESSOR",
  "MODIFY_STREAM_PROCESSOR", "START_STREAM_PROCESSOR", "STOP_STREAM_PROCESSOR", "DROP_STREAM_PROCESSOR",
  "SAMPLE_STREAM_PROCESSOR", "LIST_STREAM_PROCESSORS", "LIST_CONNECTIONS", "STREAM_PROCESSOR_STATS",
]);
const CLUSTER_OR_NAMESPACE = new Set(["ENABLE_SHARDING", "FLUSH_ROUTER_CONFIG", "CHECK_METADATA_CONSISTENCY", "MOVE_CHUNK"]);

interface RoleBody {
  roleName?: string;
  actions?: { action: string; resources: { cluster?: boolean; db?: string; collection?: string }[] }[];
  inheritedRoles?: { role: string; db: string }[];
}

export const routes: readonly Route[] = [
  { method: "POST", path: COLLECTION, platform: "atlas-v2", handle: createRole },
  { method: "GET", path: COLLECTION, platform: "atlas-v2", handle: listRoles },
  { method: "GET", path: ITEM, platform: "atlas-v2", handle: getRole },
  { method: "PATCH", path: ITEM, platform: "atlas-v2", handle: updateRole },
  { method: "DELETE", path: ITEM, platform: "atlas-v2", handle: deleteRole },
];

/** Whether a project has a custom role of this name (database users may only hold those, and built-in roles). */
export function customRoleExists(ctx: EmulatorContext, groupId: string, roleName: string): boolean {
  return ctx.store.customDbRoles.some((r) => r.groupId === groupId && r.roleName === roleName);
}

function createRole(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const groupId = requireProject(ctx, req.params.groupId).id;
  const body = req.body as RoleBody;
  const roleName = body.roleName as string; // required: the spec check has refused a body without it
  if (!ROLE_NAME.test(roleName)) {
    throw new EmulatorError(
      400,
      "ATLAS_CUSTOM_ROLE_INVALID_NAME",
      `The role name, "${roleName}", is invalid. A custom role name must be a non-empty string made up of only ASCII letters, numbers, hyphens, and underscores, and should begin with a letter or number.`,
      [roleName],
    );
  }
  if (roleName.startsWith("xgen-")) {
    throw new EmulatorError(400, "ATLAS_RESERVED_CUSTOM_ROLE_RESTRICTED", `Cannot create custom role ${roleName} because the prefix "xgen-" is reserved for built-in roles.`, [roleName]);
  }
  if (BUILT_IN_ROLES.has(roleName)) {
    throw new EmulatorError(400, "ATLAS_INVALID_CUSTOM_ROLE_RESTRICTED", `Cannot create custom role ${roleName} because a built-in role with that name already exists.`, [roleName]);
  }
  const record: CustomDbRoleRecord = { groupId, roleName, actions: copyActions(body.actions ?? []), inheritedRoles: copyInherited(body.inheritedRoles ?? []) };
  checkRole(record, ctx);
  if (customRoleExists(ctx, groupId, roleName)) {
    throw new EmulatorError(409, "ATLAS_CUSTOM_ROLE_NAME_ALREADY_EXISTS", `A custom role with the name ${roleName} already exists.`, [roleName]);
  }
  ctx.store.customDbRoles.push(record);
  return { status: 202, body: toResponse(record) };
}

function listRoles(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const groupId = requireProject(ctx, req.params.groupId).id;
  // The spec answers a plain array here, not a page.
  return { status: 200, body: ctx.store.customDbRoles.filter((r) => r.groupId === groupId).map(toResponse) };
}

function getRole(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  return { status: 200, body: toResponse(findRole(req, ctx)) };
}

function updateRole(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const role = findRole(req, ctx);
  const body = req.body as RoleBody;
  const next: CustomDbRoleRecord = {
    ...role,
    actions: body.actions === undefined ? role.actions : copyActions(body.actions),
    inheritedRoles: body.inheritedRoles === undefined ? role.inheritedRoles : copyInherited(body.inheritedRoles),
  };
  checkRole(next, ctx);
  role.actions = next.actions;
  role.inheritedRoles = next.inheritedRoles;
  return { status: 200, body: toResponse(role) };
}

function deleteRole(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const role = findRole(req, ctx);
  const holds = (r: { roleName: string; databaseName: string }) => r.roleName === role.roleName && r.databaseName === "admin";
  const holders = ctx.store.databaseUsers.filter((u) => u.groupId === role.groupId && u.roles.some(holds));
  const stranded = holders.filter((u) => u.roles.every(holds));
  if (stranded.length > 0) {
    const names = stranded.map((u) => u.username);
    throw new EmulatorError(409, "ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS", `Deleting specified custom role would leave the following users without a role: ${names.join(", ")}.`, names);
  }
  const inheritors = ctx.store.customDbRoles.filter((r) => r.groupId === role.groupId && r.inheritedRoles.some((i) => i.role === role.roleName));
  const empty = inheritors.filter((r) => r.actions.length === 0 && r.inheritedRoles.length === 1);
  if (empty.length > 0) {
    const names = empty.map((r) => r.roleName);
    throw new EmulatorError(409, "ATLAS_CUSTOM_ROLE_IN_USE_BY_ROLES", `Deleting specified custom role would leave the following roles with no actions or inherited roles: ${names.join(", ")}.`, names);
  }
  // Users and roles that keep something else lose this one.
  for (const u of holders) u.roles = u.roles.filter((r) => !holds(r));
  for (const r of inheritors) r.inheritedRoles = r.inheritedRoles.filter((i) => i.role !== role.roleName);
  ctx.store.customDbRoles.splice(ctx.store.customDbRoles.indexOf(role), 1);
  return { status: 204 };
}

function findRole(req: RouteRequest, ctx: EmulatorContext): CustomDbRoleRecord {
  const groupId = requireProject(ctx, req.params.groupId).id;
  const role = ctx.store.customDbRoles.find((r) => r.groupId === groupId && r.roleName === req.params.roleName);
  if (!role) {
    throw new EmulatorError(404, "ATLAS_CUSTOM_ROLE_NOT_FOUND", `The specified custom db role ${req.params.roleName} does not exist.`, [req.params.roleName]);
  }
  return role;
}

/** The rules a role must satisfy after a create or an update. */
function checkRole(role: CustomDbRoleRecord, ctx: EmulatorContext): void {
  if (role.actions.length === 0 && role.inheritedRoles.length === 0) {
    throw new EmulatorError(400, "ATLAS_CUSTOM_ROLE_HAS_NO_PERMISSIONS", "Custom roles must have one or more user privilege actions or inherited roles.");
  }
  const actions = new Set<string>();
  for (const { action, resources } of role.actions) {
    if (actions.has(action)) throw new EmulatorError(400, "ATLAS_DUPLICATE_CUSTOM_ROLE_ACTION", "A custom role cannot have duplicate actions.", [action]);
    actions.add(action);
    const seen = new Set<string>();
    for (const r of resources) {
      const key = r.cluster ? "cluster" : `${r.db}\u0000${r.collection}`;
      if (seen.has(key)) {
        throw new EmulatorError(400, "ATLAS_DUPLICATE_CUSTOM_ROLE_RESOURCE", "A custom role cannot have duplicate resources applied to the same action.", [action]);
      }
      seen.add(key);
      const fits = CLUSTER_OR_NAMESPACE.has(action) || (CLUSTER_ONLY.has(action) ? r.cluster : !r.cluster && r.db !== "");
      if (!fits) {
        throw new EmulatorError(400, "ATLAS_INVALID_RESOURCE", "One or more of the selected actions was applied to an incorrect resource.", [action]);
      }
    }
  }
  for (const inherited of role.inheritedRoles) {
    if (inherited.role === role.roleName) {
      throw new EmulatorError(400, "ATLAS_INVALID_CUSTOM_ROLE_SELF_REFERENTIAL", "A custom DB role cannot inherit from itself.", [role.roleName]);
    }
    const custom = customRoleExists(ctx, role.groupId, inherited.role);
    if (!BUILT_IN_ROLES.has(inherited.role) && !custom) {
      throw new EmulatorError(400, "ATLAS_INVALID_CUSTOM_ROLE_INHERITANCE", "One or more of the specified inherited roles do not exist.", [inherited.role]);
    }
    if (custom && inherited.db !== "admin") {
      throw new EmulatorError(400, "ATLAS_INVALID_CUSTOM_ROLE_INHERITED_SCOPE", "One or more of the specified inherited roles have an invalid scope.", [inherited.role, inherited.db]);
    }
  }
  if (inheritsFrom(ctx, role.groupId, role.inheritedRoles, role.roleName, new Set())) {
    throw new EmulatorError(400, "ATLAS_INVALID_CUSTOM_ROLE_CIRCULAR_DEPENDENCY", "One or more of the specified inherited roles creates a circular dependency.", [role.roleName]);
  }
}

function inheritsFrom(ctx: EmulatorContext, groupId: string, inherited: CustomDbRoleRecord["inheritedRoles"], target: string, visited: Set<string>): boolean {
  for (const { role } of inherited) {
    if (role === target) return true;
    if (visited.has(role)) continue;
    visited.add(role);
    const custom = ctx.store.customDbRoles.find((r) => r.groupId === groupId && r.roleName === role);
    if (custom && inheritsFrom(ctx, groupId, custom.inheritedRoles, target, visited)) return true;
  }
  return false;
}

function copyActions(actions: NonNullable<RoleBody["actions"]>): CustomDbRoleRecord["actions"] {
  return actions.map((a) => ({
    action: a.action,
    resources: a.resources.map((r) => (r.cluster ? { cluster: true, db: "", collection: "" } : { cluster: false, db: r.db ?? "", collection: r.collection ?? "" })),
  }));
}

function copyInherited(roles: NonNullable<RoleBody["inheritedRoles"]>): CustomDbRoleRecord["inheritedRoles"] {
  return roles.map((r) => ({ role: r.role, db: r.db }));
}

/** UserCustomDBRole as the API answers it. */
function toResponse(role: CustomDbRoleRecord): Record<string, unknown> {
  return {
    roleName: role.roleName,
    actions: role.actions.map((a) => ({ action: a.action, resources: a.resources.map((r) => ({ ...r })) })),
    inheritedRoles: role.inheritedRoles.map((r) => ({ ...r })),
  };
}
