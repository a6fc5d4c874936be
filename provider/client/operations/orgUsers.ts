/**
 * Organization membership operations.
 *
 * Atlas: the v2 org-users endpoints (seed 003), which cover a person whether
 * the invitation is pending or accepted, served under `2025-02-19`.
 * Cloud Manager / Ops Manager: the v1.0 org invitations (`/invites`, with
 * their own ids) and the org's member list, unversioned `application/json`.
 */
import { apiPath, type ApiRequest, type ExpectedAnswer } from "../request";

/** What these operations need from the client: one request in, one parsed body out. */
export interface RequestSender {
  send<T>(req: ApiRequest): Promise<T>;
}

export type OrgMembershipStatus = "PENDING" | "ACTIVE" | "INVITATION_EXPIRED" | "INVITATION_REJECTED";

export interface GroupRoleAssignment {
  groupId: string;
  groupRoles: string[];
}

/** `POST /orgs/{orgId}/users` body (OrgUserRequest). */
export interface OrgUserRequest {
  username: string;
  roles: { orgRoles: string[]; groupRoleAssignments?: GroupRoleAssignment[] };
  teamIds?: string[];
}

/** `PATCH /orgs/{orgId}/users/{userId}` body (OrgUserUpdateRequest). */
export interface OrgUserUpdateRequest {
  roles?: { orgRoles: string[]; groupRoleAssignments?: GroupRoleAssignment[] };
  teamIds?: string[];
}

/** OrgUserResponse: pending fields or active fields depending on the status. */
export interface OrgUserResponse {
  id: string;
  username: string;
  orgMembershipStatus: OrgMembershipStatus;
  roles: { orgRoles?: string[]; groupRoleAssignments?: GroupRoleAssignment[] };
  teamIds?: string[];
  invitationCreatedAt?: string;
  /** Absent for active users, null for rejected invitations. */
  invitationExpiresAt?: string | null;
  inviterUsername?: string;
  createdAt?: string;
  firstName?: string;
  lastName?: string;
  lastAuth?: string;
  country?: string;
  mobileNumber?: string;
}

export interface Paginated<T> {
  results: T[];
  totalCount?: number;
}

/**
 * Every item of a paged list: pages of `itemsPerPage` (at most 500) from
 * page 1 until one comes back short (or `totalCount` is reached).
 */
export async function allPages<T>(
  fetchPage: (page: { itemsPerPage: number; pageNum: number }) => Promise<Paginated<T>>,
  itemsPerPage = 500,
): Promise<T[]> {
  const all: T[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = await fetchPage({ itemsPerPage, pageNum });
    all.push(...page.results);
    if (page.results.length < itemsPerPage || (page.totalCount !== undefined && all.length >= page.totalCount)) return all;
  }
}

/** A GET of one page of a list (`itemsPerPage`, `pageNum`), answered with `{results, totalCount}`. */
export function pageRequest(path: string, version: ApiRequest["version"], what: string, page: { itemsPerPage?: number; pageNum?: number }): ApiRequest {
  return {
    method: "GET",
    path,
    version,
    returns: { what, fields: ["results"] },
    query: { itemsPerPage: page.itemsPerPage, pageNum: page.pageNum },
  };
}

const V2 = "2025-02-19" as const;
const AN_ORG_USER: ExpectedAnswer = { what: "an organization user", fields: ["id", "username"] };

export function createOrgUser(client: RequestSender, orgId: string, body: OrgUserRequest): Promise<OrgUserResponse> {
  return client.send({ method: "POST", path: apiPath`/api/atlas/v2/orgs/${orgId}/users`, version: V2, body, returns: AN_ORG_USER });
}

export function getOrgUser(client: RequestSender, orgId: string, userId: string): Promise<OrgUserResponse> {
  return client.send({ method: "GET", path: apiPath`/api/atlas/v2/orgs/${orgId}/users/${userId}`, version: V2, returns: AN_ORG_USER });
}

export function updateOrgUser(
  client: RequestSender,
  orgId: string,
  userId: string,
  body: OrgUserUpdateRequest,
): Promise<OrgUserResponse> {
  return client.send({ method: "PATCH", path: apiPath`/api/atlas/v2/orgs/${orgId}/users/${userId}`, version: V2, body, returns: AN_ORG_USER });
}

/** Removes a pending invitation or an active member from the org. */
export async function removeOrgUser(client: RequestSender, orgId: string, userId: string): Promise<void> {
  await client.send({ method: "DELETE", path: apiPath`/api/atlas/v2/orgs/${orgId}/users/${userId}`, version: V2 });
}

/** `:addRole` or `:removeRole` of one org or project member (Atlas v2): one role per request. */
export function memberRoleRequest(scope: "orgs" | "groups", id: string, userId: string, action: "addRole" | "removeRole", roleName: string): ApiRequest {
  return {
    method: "POST",
    path: apiPath`/api/atlas/v2/${scope}/${id}/users/${userId}` + `:${action}`,
    version: V2,
    body: scope === "orgs" ? { orgRole: roleName } : { groupRole: roleName },
  };
}

export function addOrgUserRole(client: RequestSender, orgId: string, userId: string, orgRole: string): Promise<OrgUserResponse> {
  return client.send(memberRoleRequest("orgs", orgId, userId, "addRole", orgRole));
}

/** The API refuses to remove a member's last role: add the new one first. */
export function removeOrgUserRole(client: RequestSender, orgId: string, userId: string, orgRole: string): Promise<OrgUserResponse> {
  return client.send(memberRoleRequest("orgs", orgId, userId, "removeRole", orgRole));
}

export function listOrgUsers(
  client: RequestSender,
  orgId: string,
  filter: { username?: string; orgMembershipStatuses?: readonly OrgMembershipStatus[]; itemsPerPage?: number; pageNum?: number } = {},
): Promise<Paginated<OrgUserResponse>> {
  return client.send({
    method: "GET",
    path: apiPath`/api/atlas/v2/orgs/${orgId}/users`,
    version: V2,
    returns: { what: "a page of organization users", fields: ["results"] },
    query: {
      username: filter.username,
      orgMembershipStatuses: filter.orgMembershipStatuses,
      itemsPerPage: filter.itemsPerPage,
      pageNum: filter.pageNum,
    },
  });
}

const ALL_STATUSES: readonly OrgMembershipStatus[] = ["PENDING", "ACTIVE", "INVITATION_EXPIRED", "INVITATION_REJECTED"];

/**
 * The org user with this username (any status unless narrowed), or undefined.
 * Usernames are emails: compared case-insensitively.
 */
export async function findOrgUserByUsername(
  client: RequestSender,
  orgId: string,
  username: string,
  statuses: readonly OrgMembershipStatus[] = ALL_STATUSES,
): Promise<OrgUserResponse | undefined> {
  const page = await listOrgUsers(client, orgId, { username, orgMembershipStatuses: statuses });
  const wanted = username.toLowerCase();
  return page.results.find((u) => u.username.toLowerCase() === wanted);
}

// ---- Cloud Manager / Ops Manager (`/api/public/v1.0`) ----

/** A v1.0 org invitation: its own id, gone once accepted. */
export interface OrgInvitationV1 {
  id: string;
  orgId: string;
  orgName?: string;
  username: string;
  inviterUsername?: string;
  roles: string[];
  teamIds?: string[];
  createdAt?: string;
  expiresAt?: string;
}

export interface OrgInvitationV1Request {
  username: string;
  roles: string[];
  teamIds?: string[];
}

/** A v1.0 user as listed among an org's members. */
export interface OrgMemberV1 {
  id: string;
  username: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  createdAt?: string;
  lastAuth?: string;
  roles?: { orgId?: string; groupId?: string; roleName: string }[];
  teamIds?: string[];
}

export function createOrgInvitationV1(client: RequestSender, orgId: string, body: OrgInvitationV1Request): Promise<OrgInvitationV1> {
  return client.send({ method: "POST", path: apiPath`/api/public/v1.0/orgs/${orgId}/invites`, version: null, body });
}

export function getOrgInvitationV1(client: RequestSender, orgId: string, invitationId: string): Promise<OrgInvitationV1> {
  return client.send({ method: "GET", path: apiPath`/api/public/v1.0/orgs/${orgId}/invites/${invitationId}`, version: null });
}

export function listOrgInvitationsV1(client: RequestSender, orgId: string, username?: string): Promise<OrgInvitationV1[]> {
  return client.send({
    method: "GET",
    path: apiPath`/api/public/v1.0/orgs/${orgId}/invites`,
    version: null,
    query: { username },
  });
}

export function updateOrgInvitationV1(
  client: RequestSender,
  orgId: string,
  invitationId: string,
  body: { roles?: string[]; teamIds?: string[] },
): Promise<OrgInvitationV1> {
  return client.send({
    method: "PATCH",
    path: apiPath`/api/public/v1.0/orgs/${orgId}/invites/${invitationId}`,
    version: null,
    body,
  });
}

export async function deleteOrgInvitationV1(client: RequestSender, orgId: string, invitationId: string): Promise<void> {
  await client.send({ method: "DELETE", path: apiPath`/api/public/v1.0/orgs/${orgId}/invites/${invitationId}`, version: null });
}

export function listOrgMembersV1(
  client: RequestSender,
  orgId: string,
  page: { itemsPerPage?: number; pageNum?: number } = {},
): Promise<Paginated<OrgMemberV1>> {
  return client.send({
    method: "GET",
    path: apiPath`/api/public/v1.0/orgs/${orgId}/users`,
    version: null,
    query: { itemsPerPage: page.itemsPerPage, pageNum: page.pageNum },
  });
}

/** The org member with this username, walking every page (at most 500 members). */
export async function findOrgMemberV1(client: RequestSender, orgId: string, username: string): Promise<OrgMemberV1 | undefined> {
  const wanted = username.toLowerCase();
  for (let pageNum = 1; ; pageNum++) {
    const page = await listOrgMembersV1(client, orgId, { itemsPerPage: 500, pageNum });
    const found = page.results.find((u) => u.username.toLowerCase() === wanted);
    if (found || page.results.length < 500) return found;
  }
}

export async function removeOrgMemberV1(client: RequestSender, orgId: string, userId: string): Promise<void> {
  await client.send({ method: "DELETE", path: apiPath`/api/public/v1.0/orgs/${orgId}/users/${userId}`, version: null });
}
