/**
 * MongoDB Cloud role names per product, as the emulator validates them.
 *
 * Sources: `atlas-endpoints-contract.json` → `enums` (orgRoles_v2,
 * groupRoles_v2_per_2025_06_spec, atlas_v1_user_roles, cm_om_v1_user_roles)
 * and seed 001's role table for Cloud Manager / Ops Manager.
 */
import type { EmulatorContext, Platform } from "../types";

/** Organization roles Atlas accepts (the v2 spec's `orgRoles` enum). */
export const ATLAS_ORG_ROLES: readonly string[] = [
  "ORG_OWNER",
  "ORG_GROUP_CREATOR",
  "ORG_BILLING_ADMIN",
  "ORG_BILLING_READ_ONLY",
  "ORG_STREAM_PROCESSING_ADMIN",
  "ORG_READ_ONLY",
  "ORG_MEMBER",
];

/** Project roles Atlas accepts (the 2025-06 spec's GroupUserRequest enum, plus the v1.0 docs' list). */
export const ATLAS_GROUP_ROLES: readonly string[] = [
  "GROUP_OWNER",
  "GROUP_CLUSTER_MANAGER",
  "GROUP_STREAM_PROCESSING_OWNER",
  "GROUP_DATA_ACCESS_ADMIN",
  "GROUP_DATA_ACCESS_READ_WRITE",
  "GROUP_DATA_ACCESS_READ_ONLY",
  "GROUP_READ_ONLY",
  "GROUP_SEARCH_INDEX_EDITOR",
  "GROUP_BACKUP_MANAGER",
  "GROUP_OBSERVABILITY_VIEWER",
  "GROUP_DATABASE_ACCESS_ADMIN",
];

/** Cloud Manager / Ops Manager organization roles (seed 001). */
export const CM_OM_ORG_ROLES: readonly string[] = [
  "ORG_MEMBER",
  "ORG_READ_ONLY",
  "ORG_BILLING_ADMIN",
  "ORG_GROUP_CREATOR",
  "ORG_OWNER",
];

/**
 * Cloud Manager / Ops Manager project roles (seed 001's table, less the two
 * only Cloud Manager has: GROUP_BILLING_ADMIN, Cloud Manager only in
 * mongodb/docs users.txt, and GROUP_ATLAS_ADMIN, which only Cloud Manager's
 * table lists; seed 002 renders no table of its own).
 */
const CM_OM_GROUP_ROLES: readonly string[] = [
  "GROUP_AUTOMATION_ADMIN",
  "GROUP_BACKUP_ADMIN",
  "GROUP_MONITORING_ADMIN",
  "GROUP_OWNER",
  "GROUP_READ_ONLY",
  "GROUP_USER_ADMIN",
  "GROUP_DATA_ACCESS_ADMIN",
  "GROUP_DATA_ACCESS_READ_ONLY",
  "GROUP_DATA_ACCESS_READ_WRITE",
];

/** Ops Manager's global roles: no org or project id; not available anywhere else. */
export const OPS_MANAGER_GLOBAL_ROLES: readonly string[] = [
  "GLOBAL_AUTOMATION_ADMIN",
  "GLOBAL_BACKUP_ADMIN",
  "GLOBAL_MONITORING_ADMIN",
  "GLOBAL_OWNER",
  "GLOBAL_READ_ONLY",
  "GLOBAL_USER_ADMIN",
];

/** Which product a request is served as: Atlas, Cloud Manager or Ops Manager. */
export type Product = "atlas" | "cloud-manager" | "ops-manager";

export function productOf(platform: Platform, ctx: EmulatorContext): Product {
  return platform === "public-v1" ? ctx.settings.publicApiFlavor : "atlas";
}

export function orgRolesFor(product: Product): readonly string[] {
  return product === "atlas" ? ATLAS_ORG_ROLES : CM_OM_ORG_ROLES;
}

export function groupRolesFor(product: Product): readonly string[] {
  if (product === "atlas") return ATLAS_GROUP_ROLES;
  return product === "cloud-manager" ? ["GROUP_ATLAS_ADMIN", ...CM_OM_GROUP_ROLES, "GROUP_BILLING_ADMIN"] : CM_OM_GROUP_ROLES;
}

export function isGlobalRole(roleName: string): boolean {
  return roleName.startsWith("GLOBAL_");
}

/**
 * Built-in database roles (the spec's `DatabaseUserRole.roleName` enum, less
 * its `<a custom role name>` placeholder). Any other name is a custom role.
 */
export const DATABASE_BUILT_IN_ROLES: ReadonlySet<string> = new Set([
  "atlasAdmin", "backup", "clusterMonitor", "dbAdmin", "dbAdminAnyDatabase", "enableSharding", "read", "readAnyDatabase", "readWrite", "readWriteAnyDatabase",
]);

/** Built-in database roles that exist only on the `admin` database. */
export const DATABASE_ADMIN_ONLY_ROLES: ReadonlySet<string> = new Set([
  "atlasAdmin", "backup", "clusterMonitor", "dbAdminAnyDatabase", "enableSharding", "readAnyDatabase", "readWriteAnyDatabase",
]);
