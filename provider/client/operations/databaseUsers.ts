/**
 * Database user operations: Atlas v2 `/groups/{groupId}/databaseUsers`,
 * served under the `2023-01-01` media-type version (seed 004).
 * `databaseName` and `username` are free text in the path (`$external`,
 * ARNs, DNs with commas, OIDC names with `/`): `apiPath` encodes them.
 */
import { apiPath, type ApiRequest, type ExpectedAnswer } from "../request";
import { pageRequest } from "./orgUsers";

/** What these operations need from the client: one request in, one parsed body out. */
interface Sender {
  send<T>(req: ApiRequest): Promise<T>;
}

const VERSION = "2023-01-01" as const;
const A_DATABASE_USER: ExpectedAnswer = { what: "a database user", fields: ["username", "databaseName"] };

export type AuthDatabaseName = "admin" | "$external";
export type AwsIamType = "NONE" | "USER" | "ROLE";
export type LdapAuthType = "NONE" | "GROUP" | "USER";
export type OidcAuthType = "NONE" | "IDP_GROUP" | "USER";
export type X509Type = "NONE" | "CUSTOMER" | "MANAGED";
export type ScopeType = "CLUSTER" | "DATA_LAKE" | "STREAM";

/** DatabaseUserRole. */
export interface DatabaseUserRole {
  roleName: string;
  databaseName: string;
  collectionName?: string;
}

/** UserScope. */
export interface DatabaseUserScope {
  name: string;
  type: ScopeType;
}

/** ComponentLabel. */
export interface DatabaseUserLabel {
  key: string;
  value: string;
}

/** CloudDatabaseUser as sent on create. */
export interface DatabaseUserCreateRequest {
  groupId: string;
  databaseName: AuthDatabaseName;
  username: string;
  password?: string;
  roles: DatabaseUserRole[];
  scopes?: DatabaseUserScope[];
  labels?: DatabaseUserLabel[];
  description?: string;
  awsIAMType?: AwsIamType;
  ldapAuthType?: LdapAuthType;
  oidcAuthType?: OidcAuthType;
  x509Type?: X509Type;
  deleteAfterDate?: string;
}

/**
 * CloudDatabaseUser as sent on update: what the spec marks required
 * (`groupId`, `databaseName`, `username`, `roles`) plus only the fields that
 * change. Fields left out keep their value.
 */
export type DatabaseUserUpdateRequest = Pick<DatabaseUserCreateRequest, "groupId" | "databaseName" | "username" | "roles"> &
  Partial<Omit<DatabaseUserCreateRequest, "groupId" | "databaseName" | "username" | "roles">>;

/** CloudDatabaseUser as Atlas returns it: the create request's fields, never the password. */
export type DatabaseUserResponse = Omit<DatabaseUserCreateRequest, "password" | "roles"> & { roles?: DatabaseUserRole[] };

/** The natural key of a database user: Atlas addresses it by all three. */
export interface DatabaseUserKey {
  projectId: string;
  databaseName: string;
  username: string;
}

/** `POST /groups/{groupId}/databaseUsers` → 201. 409 `USER_ALREADY_EXISTS`, 403 `GROUP_USERS_LIMIT_EXCEEDED`. */
export function createDatabaseUser(client: Sender, body: DatabaseUserCreateRequest): Promise<DatabaseUserResponse> {
  return client.send<DatabaseUserResponse>({
    method: "POST",
    path: apiPath`/api/atlas/v2/groups/${body.groupId}/databaseUsers`,
    version: VERSION,
    body,
    returns: A_DATABASE_USER,
  });
}

/** `GET /groups/{groupId}/databaseUsers/{databaseName}/{username}` → 200; 404 `USERNAME_NOT_FOUND`. */
export function getDatabaseUser(client: Sender, key: DatabaseUserKey): Promise<DatabaseUserResponse> {
  return client.send<DatabaseUserResponse>({ method: "GET", path: userPath(key), version: VERSION, returns: A_DATABASE_USER });
}

/** One page of `GET /groups/{groupId}/databaseUsers` (`itemsPerPage` 1-500, `pageNum` from 1). */
export function listDatabaseUsers(
  client: Sender,
  projectId: string,
  page: { itemsPerPage?: number; pageNum?: number } = {},
): Promise<{ results: DatabaseUserResponse[]; totalCount?: number }> {
  return client.send(pageRequest(apiPath`/api/atlas/v2/groups/${projectId}/databaseUsers`, VERSION, "a page of database users", page));
}

/** `PATCH /groups/{groupId}/databaseUsers/{databaseName}/{username}` → 200. */
export function updateDatabaseUser(
  client: Sender,
  key: DatabaseUserKey,
  body: DatabaseUserUpdateRequest,
): Promise<DatabaseUserResponse> {
  return client.send<DatabaseUserResponse>({ method: "PATCH", path: userPath(key), version: VERSION, body, returns: A_DATABASE_USER });
}

/** `DELETE /groups/{groupId}/databaseUsers/{databaseName}/{username}` → 204. */
export async function deleteDatabaseUser(client: Sender, key: DatabaseUserKey): Promise<void> {
  await client.send<void>({ method: "DELETE", path: userPath(key), version: VERSION });
}

function userPath(key: DatabaseUserKey): string {
  return apiPath`/api/atlas/v2/groups/${key.projectId}/databaseUsers/${key.databaseName}/${key.username}`;
}
