/**
 * MongoDB Cloud user accounts (not database logins), on every platform:
 * - Atlas v2 `/api/atlas/v2/users` (deprecated, `2023-01-01`): create, get, get by name.
 * - Atlas v1.0 `/api/atlas/v1.0/users` (seed 000, unversioned JSON): create, get, get by name.
 * - Cloud Manager / Ops Manager `/api/public/v1.0/users` (seeds 001-002): create,
 *   get, get by name; Ops Manager also PATCH and DELETE.
 * No platform returns the password.
 */
import { apiPath, type ApiRequest, type ApiVersion, type ExpectedAnswer } from "../request";
import type { RequestSender } from "./orgUsers";

/** Which users API a call goes to. */
export type CloudUsersApi = "atlas-v2" | "atlas-v1" | "public-v1";

/** A role as the users APIs spell it: `groupId` for a project. */
export interface ApiRoleAssignment {
  orgId?: string;
  groupId?: string;
  roleName: string;
}

/** `POST /users` body (CloudAppUser on v2; the v1.0 create-user body). */
export interface CreateCloudUserBody {
  username: string;
  password: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  mobileNumber?: string;
  roles: ApiRoleAssignment[];
}

/** A user account as every users API returns it (the password never). */
export interface CloudUserResponse {
  id: string;
  username: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  mobileNumber?: string;
  /** Accepted roles only: roles still waiting on an invitation are not listed. */
  roles?: ApiRoleAssignment[];
  teamIds?: string[];
  createdAt?: string;
  lastAuth?: string;
}

/** Ops Manager `PATCH /users/{id}`: partial; roles, when given, replace the user's roles. */
export interface UpdateOpsManagerUserBody {
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  mobileNumber?: string;
  roles?: ApiRoleAssignment[];
}

const ENDPOINTS: Readonly<Record<CloudUsersApi, { prefix: string; version: ApiVersion }>> = {
  "atlas-v2": { prefix: "/api/atlas/v2/users", version: "2023-01-01" },
  "atlas-v1": { prefix: "/api/atlas/v1.0/users", version: null },
  "public-v1": { prefix: "/api/public/v1.0/users", version: null },
};

const A_CLOUD_USER: ExpectedAnswer = { what: "a MongoDB Cloud user", fields: ["id", "username"] };

function usersRequest(api: CloudUsersApi, method: ApiRequest["method"], suffix: string, body?: unknown): ApiRequest {
  const { prefix, version } = ENDPOINTS[api];
  return {
    method,
    path: prefix + suffix,
    version,
    ...(body === undefined ? {} : { body }),
    ...(method === "DELETE" ? {} : { returns: A_CLOUD_USER }),
  };
}

export function createCloudUser(client: RequestSender, api: CloudUsersApi, body: CreateCloudUserBody): Promise<CloudUserResponse> {
  return client.send(usersRequest(api, "POST", "", body));
}

export function getCloudUser(client: RequestSender, api: CloudUsersApi, userId: string): Promise<CloudUserResponse> {
  return client.send(usersRequest(api, "GET", apiPath`/${userId}`));
}

export function getCloudUserByName(client: RequestSender, api: CloudUsersApi, username: string): Promise<CloudUserResponse> {
  return client.send(usersRequest(api, "GET", apiPath`/byName/${username}`));
}

/** Ops Manager only (Cloud Manager and Atlas have no such endpoint). */
export function updateOpsManagerUser(client: RequestSender, userId: string, body: UpdateOpsManagerUserBody): Promise<CloudUserResponse> {
  return client.send(usersRequest("public-v1", "PATCH", apiPath`/${userId}`, body));
}

/** Ops Manager only: deletes the account itself. */
export async function deleteOpsManagerUser(client: RequestSender, userId: string): Promise<void> {
  await client.send(usersRequest("public-v1", "DELETE", apiPath`/${userId}`));
}
