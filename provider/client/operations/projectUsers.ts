/**
 * Project membership of MongoDB Cloud users: Atlas v2 `/groups/{groupId}/users`
 * (`2025-02-19`). Adding someone to a project invites them to it (and to its
 * org) until they accept; a member must keep at least one project role.
 */
import { apiPath } from "../request";
import { memberRoleRequest, pageRequest, type OrgMembershipStatus, type Paginated, type RequestSender } from "./orgUsers";

const V2 = "2025-02-19" as const;

/** `POST /groups/{groupId}/users` body (GroupUserRequest). */
export interface ProjectUserRequest {
  username: string;
  roles: string[];
}

/** GroupUserResponse: a project member, pending or active. */
export interface ProjectUserResponse {
  id: string;
  username: string;
  orgMembershipStatus: OrgMembershipStatus;
  roles: string[];
  createdAt?: string;
  firstName?: string;
  lastName?: string;
  lastAuth?: string;
  country?: string;
  mobileNumber?: string;
  invitationCreatedAt?: string;
  invitationExpiresAt?: string | null;
  inviterUsername?: string;
}

export function addProjectUser(client: RequestSender, groupId: string, body: ProjectUserRequest): Promise<ProjectUserResponse> {
  return client.send({ method: "POST", path: apiPath`/api/atlas/v2/groups/${groupId}/users`, version: V2, body });
}

/** The project's users (pending and active) with this username; usernames are compared case-insensitively by the API. */
export function listProjectUsersByUsername(client: RequestSender, groupId: string, username: string): Promise<Paginated<ProjectUserResponse>> {
  return client.send({
    method: "GET",
    path: apiPath`/api/atlas/v2/groups/${groupId}/users`,
    version: V2,
    query: { username },
    returns: { what: "a page of project users", fields: ["results"] },
  });
}

export function getProjectUser(client: RequestSender, groupId: string, userId: string): Promise<ProjectUserResponse> {
  return client.send({ method: "GET", path: apiPath`/api/atlas/v2/groups/${groupId}/users/${userId}`, version: V2 });
}

/** One page of `GET /groups/{groupId}/users`: the project's members, pending (invited) and active. */
export function listProjectUsers(
  client: RequestSender,
  groupId: string,
  page: { itemsPerPage?: number; pageNum?: number } = {},
): Promise<Paginated<ProjectUserResponse>> {
  return client.send(pageRequest(apiPath`/api/atlas/v2/groups/${groupId}/users`, V2, "a page of project users", page));
}

/** Removes the user (pending or active) from the project; the account and its org membership remain. */
export async function removeProjectUser(client: RequestSender, groupId: string, userId: string): Promise<void> {
  await client.send({ method: "DELETE", path: apiPath`/api/atlas/v2/groups/${groupId}/users/${userId}`, version: V2 });
}

export function addProjectUserRole(client: RequestSender, groupId: string, userId: string, groupRole: string): Promise<ProjectUserResponse> {
  return client.send(memberRoleRequest("groups", groupId, userId, "addRole", groupRole));
}

/** The API refuses to remove a member's last project role: remove the member instead. */
export function removeProjectUserRole(
  client: RequestSender,
  groupId: string,
  userId: string,
  groupRole: string,
): Promise<ProjectUserResponse> {
  return client.send(memberRoleRequest("groups", groupId, userId, "removeRole", groupRole));
}
