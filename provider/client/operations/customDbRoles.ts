/**
 * Custom database role operations: Atlas v2
 * `/groups/{groupId}/customDBRoles/roles`, served under the `2023-01-01`
 * media-type version (the spec's `UserCustomDBRole` / `UpdateCustomDBRole`).
 * Atlas documents the errors: 404 `ATLAS_CUSTOM_ROLE_NOT_FOUND`, 409
 * `ATLAS_CUSTOM_ROLE_NAME_ALREADY_EXISTS`, 409 `ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS`
 * and `_BY_ROLES` on delete.
 */
import { apiPath, type ApiRequest, type ExpectedAnswer } from "../request";

interface Sender {
  send<T>(req: ApiRequest): Promise<T>;
}

const VERSION = "2023-01-01" as const;
const A_CUSTOM_ROLE: ExpectedAnswer = { what: "a custom database role", fields: ["roleName"] };

/** DatabasePermittedNamespaceResource: the spec requires all three fields; `cluster: true` makes Atlas ignore the others. */
export interface ApiNamespaceResource {
  cluster: boolean;
  db: string;
  collection: string;
}

/** DatabasePrivilegeAction. */
export interface ApiPrivilegeAction {
  action: string;
  resources: ApiNamespaceResource[];
}

/** DatabaseInheritedRole. */
export interface ApiInheritedRole {
  role: string;
  db: string;
}

/** UserCustomDBRole, as sent on create and answered. */
export interface CustomDbRoleBody {
  roleName: string;
  actions?: ApiPrivilegeAction[];
  inheritedRoles?: ApiInheritedRole[];
}

/** UpdateCustomDBRole: what PATCH sends (the role name is in the path). */
export type CustomDbRoleUpdate = Omit<CustomDbRoleBody, "roleName">;

export interface CustomDbRoleKey {
  projectId: string;
  roleName: string;
}

/** `POST /groups/{groupId}/customDBRoles/roles` → 202. */
export function createCustomDbRole(client: Sender, projectId: string, body: CustomDbRoleBody): Promise<CustomDbRoleBody> {
  return client.send<CustomDbRoleBody>({
    method: "POST",
    path: apiPath`/api/atlas/v2/groups/${projectId}/customDBRoles/roles`,
    version: VERSION,
    body,
    returns: A_CUSTOM_ROLE,
  });
}

/** `GET /groups/{groupId}/customDBRoles/roles/{roleName}` → 200; 404 `ATLAS_CUSTOM_ROLE_NOT_FOUND`. */
export function getCustomDbRole(client: Sender, key: CustomDbRoleKey): Promise<CustomDbRoleBody> {
  return client.send<CustomDbRoleBody>({ method: "GET", path: rolePath(key), version: VERSION, returns: A_CUSTOM_ROLE });
}

/** `PATCH /groups/{groupId}/customDBRoles/roles/{roleName}` → 200. */
export function updateCustomDbRole(client: Sender, key: CustomDbRoleKey, body: CustomDbRoleUpdate): Promise<CustomDbRoleBody> {
  return client.send<CustomDbRoleBody>({ method: "PATCH", path: rolePath(key), version: VERSION, body, returns: A_CUSTOM_ROLE });
}

/** `DELETE /groups/{groupId}/customDBRoles/roles/{roleName}` → 204. */
export async function deleteCustomDbRole(client: Sender, key: CustomDbRoleKey): Promise<void> {
  await client.send<void>({ method: "DELETE", path: rolePath(key), version: VERSION });
}

function rolePath(key: CustomDbRoleKey): string {
  return apiPath`/api/atlas/v2/groups/${key.projectId}/customDBRoles/roles/${key.roleName}`;
}
