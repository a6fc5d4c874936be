/**
 * The one place that knows the platforms MongoDB Cloud identities live on, and
 * what each platform's API can do. Everything else asks this record a
 * question ("can accounts be deleted here?", "which org roles exist?") and
 * never compares platform names itself.
 *
 * Role lists (copied, not fetched at run time):
 * - atlas: `enums.orgRoles_v2` and `enums.groupRoles_v2_per_2025_06_spec` of the
 *   project's Atlas endpoints contract (from the official Admin API v2 spec).
 * - atlas-v1: `enums.atlas_v1_user_roles` (mongodb/docs atlas-user-create.rst).
 * - cloud-manager: the request role table of seed 001 (Cloud Manager "Create One
 *   User", `/api/public/v1.0/users`), `GROUP_ATLAS_ADMIN` included.
 * - ops-manager: seed 002 (the same page for Ops Manager), whose organization
 *   roles include `ORG_BILLING_ADMIN`; `enums.cm_om_v1_user_roles` for the
 *   GLOBAL_* roles (Ops Manager only, no org or project id) and the project
 *   data-access roles; no GROUP_BILLING_ADMIN (Cloud Manager only) and no
 *   GROUP_ATLAS_ADMIN (an Atlas role that only Cloud Manager's table lists).
 */

export const PLATFORMS = ["atlas", "atlas-v1", "cloud-manager", "ops-manager"] as const;

/**
 * Which MongoDB Cloud API the resources talk to:
 * - `atlas`: Atlas Administration API v2 (default);
 * - `atlas-v1`: the deprecated Atlas `/api/atlas/v1.0` API (same accounts as `atlas`);
 * - `cloud-manager`: Cloud Manager `/api/public/v1.0`;
 * - `ops-manager`: a self-hosted Ops Manager `/api/public/v1.0` (needs a base URL).
 */
export type Platform = (typeof PLATFORMS)[number];

/** Which users API serves a platform's accounts. */
export type UsersApi = "atlas-v2" | "atlas-v1" | "public-v1";

/** Which API manages a platform's org and project memberships and invitations. */
export type MembershipsApi = "atlas-v2" | "public-v1";

export type RoleScope = "org" | "project" | "global";

export type ProfileField = "emailAddress" | "firstName" | "lastName" | "country" | "mobileNumber";

export interface PlatformRoles {
  readonly org: readonly string[];
  readonly project: readonly string[];
  /** Roles over the whole installation: no org or project id. */
  readonly global: readonly string[];
}

/** What one platform is and what its API can do. */
export interface PlatformRecord {
  readonly name: Platform;
  /** For messages: "Atlas", "Cloud Manager", ... */
  readonly title: string;
  readonly usersApi: UsersApi;
  readonly membershipsApi: MembershipsApi;
  /** Platforms with the same store hold the same accounts (Atlas v2 and v1.0). */
  readonly accountStore: "atlas" | "cloud-manager" | "ops-manager";
  /** Ops Manager has no default server: the stack must name one. */
  readonly requiresBaseUrl: boolean;
  /** Roles a cloud user account may be given through this platform's users API. */
  readonly userRoles: PlatformRoles;
  /** Roles an organization invitation may carry (the memberships API's lists). */
  readonly invitationRoles: PlatformRoles;
  /** Profile fields the users API takes at creation, beyond username, password and roles. */
  readonly createFields: readonly ProfileField[];
  /** Profile fields the platform requires at creation. */
  readonly requiredAtCreation: readonly ProfileField[];
  /** Profile fields an administrator may change for someone else after creation. */
  readonly editableProfileFields: readonly ProfileField[];
  /** The email address is always the username (a read-only field). */
  readonly emailIsUsername: boolean;
  /** The pattern `mobileNumber` must match, when the platform has one. */
  readonly mobileNumberPattern?: RegExp;
  /** `DELETE /users/{id}` exists. Elsewhere destroy takes the account out of its orgs and projects. */
  readonly canDeleteAccounts: boolean;
  /**
   * Roles are granted by replacing the account's whole role list (`PATCH
   * /users/{id}`, Ops Manager) rather than through memberships and invitations.
   */
  readonly rolesByUserPatch: boolean;
  /** An administrator may change the org roles of a member who has accepted. */
  readonly canChangeAcceptedOrgRoles: boolean;
  /** An administrator may change someone else's project roles. */
  readonly canChangeProjectRoles: boolean;
  /** An organization invitation can carry project roles (Atlas v2 `groupRoleAssignments`). */
  readonly invitationsCarryProjectRoles: boolean;
  /** Days an invitation waits for the person before it expires (seeds 000 and 003). */
  readonly invitationLifetimeDays: number;
  /**
   * The Atlas v2 database-access endpoints exist: custom database roles
   * (`/groups/{groupId}/customDBRoles/roles`) and Atlas-managed X.509
   * certificates (`/groups/{groupId}/databaseUsers/{username}/certs`).
   */
  readonly databaseAccessApi: boolean;
  /**
   * A person's roles in one project can be managed on their own (Atlas v2
   * `/groups/{groupId}/users`, which invites a newcomer): `ProjectMembership`.
   */
  readonly supportsProjectMemberships: boolean;
  /**
   * Teams, their members and their project roles can be managed through the
   * Atlas v2 teams endpoints (`/orgs/{orgId}/teams`, `/groups/{groupId}/teams`):
   * `Team`, `TeamMembership`, `TeamProjectAccess`.
   */
  readonly supportsTeams: boolean;
}

const ATLAS_ORG_ROLES = [
  "ORG_OWNER",
  "ORG_GROUP_CREATOR",
  "ORG_BILLING_ADMIN",
  "ORG_BILLING_READ_ONLY",
  "ORG_STREAM_PROCESSING_ADMIN",
  "ORG_READ_ONLY",
  "ORG_MEMBER",
] as const;

const ATLAS_PROJECT_ROLES = [
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
] as const;

/** Atlas organization role names (Admin API v2). */
export type AtlasOrgRole = (typeof ATLAS_ORG_ROLES)[number];
/** Atlas project role names (Admin API v2). */
export type AtlasProjectRole = (typeof ATLAS_PROJECT_ROLES)[number];

const ATLAS_V2_ROLES: PlatformRoles = { org: ATLAS_ORG_ROLES, project: ATLAS_PROJECT_ROLES, global: [] };

/** Organization and project roles Cloud Manager and Ops Manager share (seeds 001 and 002). */
const CM_OM_ORG_ROLES = ["ORG_MEMBER", "ORG_READ_ONLY", "ORG_BILLING_ADMIN", "ORG_GROUP_CREATOR", "ORG_OWNER"] as const;
const CM_OM_PROJECT_ROLES = [
  "GROUP_AUTOMATION_ADMIN",
  "GROUP_BACKUP_ADMIN",
  "GROUP_MONITORING_ADMIN",
  "GROUP_OWNER",
  "GROUP_READ_ONLY",
  "GROUP_USER_ADMIN",
  "GROUP_DATA_ACCESS_ADMIN",
  "GROUP_DATA_ACCESS_READ_ONLY",
  "GROUP_DATA_ACCESS_READ_WRITE",
] as const;

const CLOUD_MANAGER_ROLES: PlatformRoles = {
  org: CM_OM_ORG_ROLES,
  project: ["GROUP_ATLAS_ADMIN", ...CM_OM_PROJECT_ROLES, "GROUP_BILLING_ADMIN"],
  global: [],
};

const OPS_MANAGER_ROLES: PlatformRoles = {
  org: CM_OM_ORG_ROLES,
  project: CM_OM_PROJECT_ROLES,
  global: [
    "GLOBAL_AUTOMATION_ADMIN",
    "GLOBAL_BACKUP_ADMIN",
    "GLOBAL_MONITORING_ADMIN",
    "GLOBAL_OWNER",
    "GLOBAL_READ_ONLY",
    "GLOBAL_USER_ADMIN",
  ],
};

/** The Atlas v2 spec's `mobileNumber` pattern (a North American number), as meant (the spec escapes it twice). */
const NORTH_AMERICAN_NUMBER =
  /(?:(?:\+?1\s*(?:[.-]\s*)?)?(?:(\s*([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9])\s*)|([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9]))\s*(?:[.-]\s*)?)([2-9]1[02-9]|[2-9][02-9]1|[2-9][02-9]{2})\s*(?:[.-]\s*)?([0-9]{4})$/;

const ALL_PROFILE_FIELDS: readonly ProfileField[] = ["emailAddress", "firstName", "lastName", "country", "mobileNumber"];

export const PLATFORM: Readonly<Record<Platform, PlatformRecord>> = {
  atlas: {
    name: "atlas",
    title: "Atlas",
    usersApi: "atlas-v2",
    membershipsApi: "atlas-v2",
    accountStore: "atlas",
    requiresBaseUrl: false,
    userRoles: ATLAS_V2_ROLES,
    invitationRoles: ATLAS_V2_ROLES,
    // The v2 CloudAppUser schema: emailAddress is read-only (always the username).
    createFields: ["firstName", "lastName", "country", "mobileNumber"],
    requiredAtCreation: ["country", "firstName", "lastName", "mobileNumber"],
    editableProfileFields: [],
    emailIsUsername: true,
    mobileNumberPattern: NORTH_AMERICAN_NUMBER,
    canDeleteAccounts: false,
    rolesByUserPatch: false,
    canChangeAcceptedOrgRoles: true,
    canChangeProjectRoles: true,
    invitationsCarryProjectRoles: true,
    invitationLifetimeDays: 30,
    databaseAccessApi: true,
    supportsProjectMemberships: true,
    supportsTeams: true,
  },
  "atlas-v1": {
    name: "atlas-v1",
    title: "Atlas (v1.0 API)",
    usersApi: "atlas-v1",
    // The v1.0 API has no membership endpoints of its own: memberships of the same accounts go through v2.
    membershipsApi: "atlas-v2",
    accountStore: "atlas",
    requiresBaseUrl: false,
    userRoles: {
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
    invitationRoles: ATLAS_V2_ROLES,
    // Seed 000's request body: no emailAddress.
    createFields: ["firstName", "lastName", "country", "mobileNumber"],
    requiredAtCreation: ["country", "firstName", "lastName"],
    editableProfileFields: [],
    emailIsUsername: false,
    canDeleteAccounts: false,
    rolesByUserPatch: false,
    canChangeAcceptedOrgRoles: true,
    canChangeProjectRoles: true,
    invitationsCarryProjectRoles: true,
    invitationLifetimeDays: 30,
    // The same Atlas projects: the v2 endpoints serve them, as they do database users.
    databaseAccessApi: true,
    supportsProjectMemberships: true,
    supportsTeams: true,
  },
  "cloud-manager": {
    name: "cloud-manager",
    title: "Cloud Manager",
    usersApi: "public-v1",
    membershipsApi: "public-v1",
    accountStore: "cloud-manager",
    requiresBaseUrl: false,
    userRoles: CLOUD_MANAGER_ROLES,
    invitationRoles: CLOUD_MANAGER_ROLES,
    createFields: ALL_PROFILE_FIELDS,
    requiredAtCreation: ["firstName", "lastName"],
    editableProfileFields: [],
    emailIsUsername: false,
    canDeleteAccounts: false,
    rolesByUserPatch: false,
    canChangeAcceptedOrgRoles: false,
    canChangeProjectRoles: false,
    invitationsCarryProjectRoles: false,
    invitationLifetimeDays: 30,
    databaseAccessApi: false,
    // This provider speaks only the Atlas v2 project-users and teams endpoints.
    supportsProjectMemberships: false,
    supportsTeams: false,
  },
  "ops-manager": {
    name: "ops-manager",
    title: "Ops Manager",
    usersApi: "public-v1",
    membershipsApi: "public-v1",
    accountStore: "ops-manager",
    requiresBaseUrl: true,
    userRoles: OPS_MANAGER_ROLES,
    invitationRoles: OPS_MANAGER_ROLES,
    createFields: ALL_PROFILE_FIELDS,
    requiredAtCreation: ["firstName", "lastName"],
    editableProfileFields: ["emailAddress", "firstName", "lastName", "mobileNumber"],
    emailIsUsername: false,
    canDeleteAccounts: true,
    rolesByUserPatch: true,
    canChangeAcceptedOrgRoles: true,
    canChangeProjectRoles: true,
    invitationsCarryProjectRoles: false,
    invitationLifetimeDays: 30,
    databaseAccessApi: false,
    // This provider speaks only the Atlas v2 project-users and teams endpoints.
    supportsProjectMemberships: false,
    supportsTeams: false,
  },
};

export function isPlatform(value: unknown): value is Platform {
  return typeof value === "string" && (PLATFORMS as readonly string[]).includes(value);
}

/**
 * The platform a resource lives on: its own `platform` input when it names
 * one, else the stack's (`configured`, asked only then: resolving it may
 * fail on broken settings).
 */
export function resolvePlatform(declared: unknown, configured: () => Platform): Platform {
  return isPlatform(declared) ? declared : configured();
}

/** Which kind of id a role needs on a platform's users API, or undefined if the platform has no such role. */
export function roleScope(platform: Platform, roleName: string, roles: "user" | "invitation" = "user"): RoleScope | undefined {
  const table = roles === "user" ? PLATFORM[platform].userRoles : PLATFORM[platform].invitationRoles;
  if (table.org.includes(roleName)) return "org";
  if (table.project.includes(roleName)) return "project";
  if (table.global.includes(roleName)) return "global";
  return undefined;
}

/** The platforms whose users API knows a role name (for "did you mean another platform?" messages). */
export function platformsWithRole(roleName: string): Platform[] {
  return PLATFORMS.filter((p) => roleScope(p, roleName) !== undefined);
}

/** Whether two platforms hold the same accounts (a move between them is no replacement). */
export function sameAccountStore(a: Platform, b: Platform): boolean {
  return PLATFORM[a].accountStore === PLATFORM[b].accountStore;
}
