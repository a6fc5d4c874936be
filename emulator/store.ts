/**
 * Everything the emulator holds, in memory. Plain data only (it is dumped by
 * `GET /__emulator/state`, with passwords redacted). Passwords are stored only
 * as salted hashes (see `passwords.ts`).
 */

export interface SaltedHash {
  readonly salt: string;
  readonly hash: string;
}

export interface Org {
  id: string;
  name: string;
}

export interface Project {
  id: string;
  orgId: string;
  name: string;
}

export interface Team {
  id: string;
  orgId: string;
  name: string;
}

/** A team's roles in one project (`/groups/{groupId}/teams`). Its members are in `OrgMembershipRecord.teamIds`. */
export interface TeamProjectRoleRecord {
  teamId: string;
  groupId: string;
  roleNames: string[];
}

/** API credentials the emulator accepts. Each carries an org (and optional project) role set. */
export interface ApiKeyCredential {
  publicKey: string;
  privateKey: string;
}

export interface ServiceAccountCredential {
  clientId: string;
  clientSecret: string;
}

export interface DatabaseUserRecord {
  groupId: string;
  databaseName: string;
  username: string;
  password?: SaltedHash;
  roles: { roleName: string; databaseName: string; collectionName?: string }[];
  scopes: { name: string; type: string }[];
  labels: { key: string; value: string }[];
  description?: string;
  awsIAMType: string;
  ldapAuthType: string;
  oidcAuthType: string;
  x509Type: string;
  /** ISO instant, or absent for a permanent user. */
  deleteAfterDate?: string;
}

/** A custom database role of one project (`/groups/{groupId}/customDBRoles/roles`). */
export interface CustomDbRoleRecord {
  groupId: string;
  roleName: string;
  actions: { action: string; resources: { cluster: boolean; db: string; collection: string }[] }[];
  inheritedRoles: { role: string; db: string }[];
}

/** An Atlas-managed X.509 certificate issued for a database user (never its key: Atlas hands that out once). */
export interface UserCertRecord {
  groupId: string;
  username: string;
  /** The certificate's serial number (the API's `_id`). */
  id: number;
  createdAt: string;
  notAfter: string;
}

/** A role a cloud user holds or has been invited to. */
export interface CloudUserRole {
  roleName: string;
  orgId?: string;
  groupId?: string;
}

/**
 * A MongoDB Cloud account. Org membership (seed 003's org users, including
 * pending invitations) is kept per org in `memberships`.
 */
export interface CloudUserRecord {
  id: string;
  username: string;
  emailAddress: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  mobileNumber?: string;
  password?: SaltedHash;
  createdAt: string;
  lastAuth?: string;
  /** Accepted roles: what the API reports in `roles`. */
  roles: CloudUserRole[];
  teamIds: string[];
}

export type OrgMembershipStatus = "PENDING" | "ACTIVE" | "INVITATION_EXPIRED" | "INVITATION_REJECTED";

/** One person's membership of one org, pending or active (Atlas v2 org users). */
export interface OrgMembershipRecord {
  /** The org user id (the cloud user's id once the account exists). */
  userId: string;
  /**
   * The legacy invitation's own id (`/orgs/{orgId}/invites/{invitationId}`,
   * `/groups/{groupId}/invites/{invitationId}`), distinct from `userId` as on
   * the real APIs. Set while the membership is (or was) an invitation.
   */
  invitationId?: string;
  orgId: string;
  username: string;
  status: OrgMembershipStatus;
  orgRoles: string[];
  groupRoleAssignments: { groupId: string; groupRoles: string[] }[];
  teamIds: string[];
  invitationCreatedAt?: string;
  invitationExpiresAt?: string;
  inviterUsername?: string;
  /**
   * What created the invitation: an org invitation, or a project invitation
   * (which makes the invitee an ORG_MEMBER too). Removing the last project
   * role of a pending project-only invitation withdraws the invitation.
   */
  origin?: "org" | "project";
}

/**
 * Unused, always empty: legacy invitations (`/orgs/{orgId}/invites`,
 * `/groups/{groupId}/invites`) are views of PENDING `orgMemberships` (see
 * `routes/memberships.ts`). Kept only because the state dump lists it.
 */
export interface InvitationRecord {
  id: string;
  orgId: string;
  groupId?: string;
  username: string;
  roles: string[];
  teamIds: string[];
  createdAt: string;
  expiresAt: string;
  inviterUsername: string;
}

export interface Store {
  orgs: Org[];
  projects: Project[];
  teams: Team[];
  teamProjectRoles: TeamProjectRoleRecord[];
  apiKeys: ApiKeyCredential[];
  serviceAccounts: ServiceAccountCredential[];
  databaseUsers: DatabaseUserRecord[];
  customDbRoles: CustomDbRoleRecord[];
  userCerts: UserCertRecord[];
  cloudUsers: CloudUserRecord[];
  orgMemberships: OrgMembershipRecord[];
  invitations: InvitationRecord[];
}

export function emptyStore(): Store {
  return {
    orgs: [],
    projects: [],
    teams: [],
    teamProjectRoles: [],
    apiKeys: [],
    serviceAccounts: [],
    databaseUsers: [],
    customDbRoles: [],
    userCerts: [],
    cloudUsers: [],
    orgMemberships: [],
    invitations: [],
  };
}
