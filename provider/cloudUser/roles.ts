/**
 * The MongoDB Cloud user roles each platform accepts, so a role name from
 * another platform fails in `check` (at preview) rather than as an API error.
 *
 * Sources (copied, not fetched at run time):
 * - atlas: `enums.orgRoles_v2` and `enums.groupRoles_v2_per_2025_06_spec` in the
 *   project's Atlas endpoints contract (from the official Admin API v2 spec).
 * - atlas-v1: `enums.atlas_v1_user_roles` (mongodb/docs atlas-user-create.rst).
 * - cloud-manager: the role table of the Cloud Manager "Create One User" page
 *   (`/api/public/v1.0/users`).
 * - ops-manager: `enums.cm_om_v1_user_roles` (mongodb/docs users.txt) plus the project
 *   data-access roles of the Create One User page, where the
 *   GLOBAL_* roles exist only on Ops Manager and carry no org or project id.
 */

/** Where the user accounts live; chosen by `atlasUsers:platform` or the resource's `platform` input. */
export type CloudUserPlatform = "atlas" | "atlas-v1" | "cloud-manager" | "ops-manager";

export const CLOUD_USER_PLATFORMS = ["atlas", "atlas-v1", "cloud-manager", "ops-manager"] as const;

export interface PlatformRoles {
  readonly org: readonly string[];
  readonly project: readonly string[];
  /** Roles over the whole installation: no org or project id. */
  readonly global: readonly string[];
}

export const ROLES_BY_PLATFORM: Readonly<Record<CloudUserPlatform, PlatformRoles>> = {
  atlas: {
    org: [
      "ORG_OWNER",
      "ORG_GROUP_CREATOR",
      "ORG_BILLING_ADMIN",
      "ORG_BILLING_READ_ONLY",
      "ORG_STREAM_PROCESSING_ADMIN",
      "ORG_READ_ONLY",
      "ORG_MEMBER",
    ],
    project: [
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
    ],
    global: [],
  },
  "atlas-v1": {
    org: ["ORG_OWNER", "ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN", "ORG_READ_ONLY", "ORG_MEMBER"],
    project: [
      "GROUP_OWNER",
      "GROUP_CLUSTER_MANAGER",
      "GROUP_READ_ONLY",
      "GROUP_DATA_ACCESS_ADMIN",
      "GROUP_DATA_ACCESS_READ_WRITE",
      "GROUP_DATA_ACCESS_READ_ONLY",
    ],
    global: [],
  },
  "cloud-manager": {
    org: ["ORG_MEMBER", "ORG_READ_ONLY", "ORG_BILLING_ADMIN", "ORG_GROUP_CREATOR", "ORG_OWNER"],
    project: [
      "GROUP_AUTOMATION_ADMIN",
      "GROUP_BACKUP_ADMIN",
      "GROUP_MONITORING_ADMIN",
      "GROUP_OWNER",
      "GROUP_READ_ONLY",
      "GROUP_USER_ADMIN",
      "GROUP_BILLING_ADMIN",
      "GROUP_DATA_ACCESS_ADMIN",
      "GROUP_DATA_ACCESS_READ_ONLY",
      "GROUP_DATA_ACCESS_READ_WRITE",
    ],
    global: [],
  },
  "ops-manager": {
    org: ["ORG_OWNER", "ORG_MEMBER", "ORG_GROUP_CREATOR", "ORG_READ_ONLY"],
    project: [
      "GROUP_AUTOMATION_ADMIN",
      "GROUP_BACKUP_ADMIN",
      "GROUP_MONITORING_ADMIN",
      "GROUP_OWNER",
      "GROUP_READ_ONLY",
      "GROUP_USER_ADMIN",
      "GROUP_DATA_ACCESS_ADMIN",
      "GROUP_DATA_ACCESS_READ_ONLY",
      "GROUP_DATA_ACCESS_READ_WRITE",
    ],
    global: [
      "GLOBAL_AUTOMATION_ADMIN",
      "GLOBAL_BACKUP_ADMIN",
      "GLOBAL_MONITORING_ADMIN",
      "GLOBAL_OWNER",
      "GLOBAL_READ_ONLY",
      "GLOBAL_USER_ADMIN",
    ],
  },
};

export type RoleScope = "org" | "project" | "global";

/** Which kind of id a role needs on a platform, or undefined if the platform has no such role. */
export function roleScope(platform: CloudUserPlatform, roleName: string): RoleScope | undefined {
  const roles = ROLES_BY_PLATFORM[platform];
  if (roles.org.includes(roleName)) return "org";
  if (roles.project.includes(roleName)) return "project";
  if (roles.global.includes(roleName)) return "global";
  return undefined;
}

/** The platforms that do know a role name (for "did you mean another platform?" messages). */
export function platformsWithRole(roleName: string): CloudUserPlatform[] {
  return CLOUD_USER_PLATFORMS.filter((p) => roleScope(p, roleName) !== undefined);
}
