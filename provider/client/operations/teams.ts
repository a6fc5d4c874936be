/**
 * Teams (Atlas v2): an organization's teams (`/orgs/{orgId}/teams`, served
 * under `2023-01-01`), one person in or out of a team (`:addUser` /
 * `:removeUser`, `2025-02-19`, answering the org user), and a team's roles in
 * a project (`/groups/{groupId}/teams`, `2023-01-01`).
 */
import { apiPath, type ExpectedAnswer } from "../request";
import { pageRequest, type OrgUserResponse, type Paginated, type RequestSender } from "./orgUsers";

const V1 = "2023-01-01" as const;
const V2 = "2025-02-19" as const;
const A_TEAM: ExpectedAnswer = { what: "a team", fields: ["id", "name"] };
const TEAM_ROLES: ExpectedAnswer = { what: "a page of team project roles", fields: ["results"] };

/** TeamResponse. */
export interface TeamResponse {
  id: string;
  name: string;
}

/** TeamRole: a team's roles in one project. */
export interface TeamRoleResponse {
  teamId: string;
  roleNames: string[];
}

/** `POST /orgs/{orgId}/teams` (Team: `usernames` is required; `[]` creates an empty team). */
export function createTeam(client: RequestSender, orgId: string, body: { name: string; usernames: string[] }): Promise<TeamResponse> {
  return client.send({ method: "POST", path: apiPath`/api/atlas/v2/orgs/${orgId}/teams`, version: V1, body, returns: A_TEAM });
}

export function getTeam(client: RequestSender, orgId: string, teamId: string): Promise<TeamResponse> {
  return client.send({ method: "GET", path: apiPath`/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1, returns: A_TEAM });
}

export function getTeamByName(client: RequestSender, orgId: string, name: string): Promise<TeamResponse> {
  return client.send({ method: "GET", path: apiPath`/api/atlas/v2/orgs/${orgId}/teams/byName/${name}`, version: V1, returns: A_TEAM });
}

/** One page of the organization's teams. */
export function listTeams(client: RequestSender, orgId: string, page: { itemsPerPage?: number; pageNum?: number } = {}): Promise<Paginated<TeamResponse>> {
  return client.send(pageRequest(apiPath`/api/atlas/v2/orgs/${orgId}/teams`, V1, "a page of teams", page));
}

/** One page of a team's members (org users, pending or active; served under `2025-02-19`). */
export function listTeamUsers(
  client: RequestSender,
  orgId: string,
  teamId: string,
  page: { itemsPerPage?: number; pageNum?: number } = {},
): Promise<Paginated<OrgUserResponse>> {
  return client.send(pageRequest(apiPath`/api/atlas/v2/orgs/${orgId}/teams/${teamId}/users`, V2, "a page of team members", page));
}

export function renameTeam(client: RequestSender, orgId: string, teamId: string, name: string): Promise<TeamResponse> {
  return client.send({ method: "PATCH", path: apiPath`/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1, body: { name }, returns: A_TEAM });
}

export async function deleteTeam(client: RequestSender, orgId: string, teamId: string): Promise<void> {
  await client.send({ method: "DELETE", path: apiPath`/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1 });
}

/** `:addUser` or `:removeUser` of one org member (pending or active), by user id. */
export function changeTeamUser(client: RequestSender, orgId: string, teamId: string, action: "addUser" | "removeUser", userId: string): Promise<OrgUserResponse> {
  return client.send({
    method: "POST",
    path: apiPath`/api/atlas/v2/orgs/${orgId}/teams/${teamId}` + `:${action}`,
    version: V2,
    body: { id: userId },
    returns: { what: "an organization user", fields: ["id", "username"] },
  });
}

/** `POST /groups/{groupId}/teams` with one team. */
export function addProjectTeam(client: RequestSender, groupId: string, teamId: string, roleNames: readonly string[]): Promise<Paginated<TeamRoleResponse>> {
  return client.send({ method: "POST", path: apiPath`/api/atlas/v2/groups/${groupId}/teams`, version: V1, body: [{ teamId, roleNames: [...roleNames] }], returns: TEAM_ROLES });
}

export function getProjectTeam(client: RequestSender, groupId: string, teamId: string): Promise<TeamRoleResponse> {
  return client.send({
    method: "GET",
    path: apiPath`/api/atlas/v2/groups/${groupId}/teams/${teamId}`,
    version: V1,
    returns: { what: "a team's project roles", fields: ["teamId", "roleNames"] },
  });
}

/** Replaces the team's roles in the project (the body names every role). */
export function updateProjectTeam(client: RequestSender, groupId: string, teamId: string, roleNames: readonly string[]): Promise<Paginated<TeamRoleResponse>> {
  return client.send({
    method: "PATCH",
    path: apiPath`/api/atlas/v2/groups/${groupId}/teams/${teamId}`,
    version: V1,
    body: { teamId, roleNames: [...roleNames] },
    returns: TEAM_ROLES,
  });
}

export async function removeProjectTeam(client: RequestSender, groupId: string, teamId: string): Promise<void> {
  await client.send({ method: "DELETE", path: apiPath`/api/atlas/v2/groups/${groupId}/teams/${teamId}`, version: V1 });
}
