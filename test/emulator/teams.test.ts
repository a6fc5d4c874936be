/**
 * Atlas v2 teams over real HTTP: create (name unique in the org, 250 per
 * org), rename, delete; :addUser / :removeUser of pending and active members
 * (never of someone outside the org); a team's roles in a project (100 teams
 * per project); and where it all shows: org users' teamIds, the team's user
 * list, project users with flattenTeams, and `/__emulator/state`.
 */
import { specProblems, useIdentitySandbox, type ApiCaller, type ApiResponse } from "../support/atlasApi";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";

const V1 = "2023-01-01";
const V2 = "2025-02-19";

let emu: EmulatorHandle;
let call: ApiCaller;
let orgId: string;
let projectId: string;

useIdentitySandbox((sandbox) => ({ emu, call, orgId, projectId } = sandbox));

function expectValid(method: string, template: string, res: ApiResponse): void {
  expect(specProblems(method, template, res)).toEqual([]);
}

function createTeam(name: string, usernames: string[] = []): Promise<ApiResponse> {
  return call({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/teams`, version: V1, body: { name, usernames } });
}

async function invite(username: string): Promise<string> {
  const res = await call({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/users`, version: V2, body: { username, roles: { orgRoles: ["ORG_MEMBER"] } } });
  expect(res.status).toBe(201);
  return res.body.id;
}

function teamUser(teamId: string, action: "addUser" | "removeUser", id: string): Promise<ApiResponse> {
  return call({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}:${action}`, version: V2, body: { id } });
}

describe("teams of an organization", () => {
  it("creates, reads, renames and deletes a team; names are unique in the org", async () => {
    const created = await createTeam("platform");
    expect(created.status).toBe(200);
    expectValid("POST", "/api/atlas/v2/orgs/{orgId}/teams", created);
    const teamId = created.body.id as string;
    expect(teamId).toMatch(/^[a-f0-9]{24}$/);

    const got = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1 });
    expectValid("GET", "/api/atlas/v2/orgs/{orgId}/teams/{teamId}", got);
    expect(got.body).toMatchObject({ id: teamId, name: "platform" });

    const dup = await createTeam("Platform");
    expect(dup.status).toBe(409);
    expect(dup.body.errorCode).toBe("DUPLICATE_TEAM_NAME");

    const renamed = await call({ method: "PATCH", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1, body: { name: "platform-eng" } });
    expect(renamed.status).toBe(200);
    expectValid("PATCH", "/api/atlas/v2/orgs/{orgId}/teams/{teamId}", renamed);
    const byName = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/teams/byName/platform-eng`, version: V1 });
    expect(byName.body.id).toBe(teamId);

    const list = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/teams`, version: V1 });
    expectValid("GET", "/api/atlas/v2/orgs/{orgId}/teams", list);
    expect(list.body.results.map((t: { name: string }) => t.name)).toEqual(["platform-eng"]);

    const deleted = await call({ method: "DELETE", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1 });
    expect(deleted.status).toBe(204);
    const gone = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1 });
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe("TEAM_NOT_FOUND");
  });

  it("refuses a request body the spec does not allow (no usernames)", async () => {
    const res = await call({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/teams`, version: V1, body: { name: "x" } });
    expect(res.status).toBe(400);
  });

  it("limits an organization to 250 teams", async () => {
    for (let i = 0; i < 250; i++) expect((await createTeam(`t${i}`)).status).toBe(200);
    const over = await createTeam("one-too-many");
    expect(over.status).toBe(400);
    expect(over.body.errorCode).toBe("MAX_TEAMS_PER_ORG_EXCEEDED");
  });
});

describe("people in a team", () => {
  it("adds and removes pending and active members; the org users, the team's users and the state show it", async () => {
    const teamId = (await createTeam("readers")).body.id as string;
    const ada = await invite("ada@example.com");
    const added = await teamUser(teamId, "addUser", ada);
    expect(added.status).toBe(200);
    expectValid("POST", "/api/atlas/v2/orgs/{orgId}/teams/{teamId}:addUser", added);
    expect(added.body).toMatchObject({ id: ada, orgMembershipStatus: "PENDING", teamIds: [teamId] });
    // Repeating it changes nothing (safe to resend after a lost answer).
    expect((await teamUser(teamId, "addUser", ada)).body.teamIds).toEqual([teamId]);

    await emulatorControl.acceptInvitation(emu, orgId, ada);
    const orgUser = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users/${ada}`, version: V2 });
    expect(orgUser.body).toMatchObject({ orgMembershipStatus: "ACTIVE", teamIds: [teamId] });
    const users = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}/users`, version: V2 });
    expectValid("GET", "/api/atlas/v2/orgs/{orgId}/teams/{teamId}/users", users);
    expect(users.body.results.map((u: { username: string }) => u.username)).toEqual(["ada@example.com"]);
    const state = (await emulatorControl.state(emu)) as { teams: { id: string; name: string }[] };
    expect(state.teams).toEqual(expect.arrayContaining([expect.objectContaining({ id: teamId, name: "readers" })]));

    const removed = await teamUser(teamId, "removeUser", ada);
    expect(removed.status).toBe(200);
    expect(removed.body.teamIds).toEqual([]);
  });

  it("refuses someone who is not a live member of the org: USER_NOT_IN_ORG", async () => {
    const teamId = (await createTeam("x")).body.id as string;
    const res = await teamUser(teamId, "addUser", "0123456789abcdef01234567");
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe("USER_NOT_IN_ORG");
    const declined = await invite("no-thanks@example.com");
    await emulatorControl.rejectInvitation(emu, orgId, declined);
    const late = await teamUser(teamId, "addUser", declined);
    expect(late.body.errorCode).toBe("USER_NOT_IN_ORG");
  });
});

describe("a team's roles in a project", () => {
  it("adds, reads, changes and removes; project users with flattenTeams show the members with the team's roles", async () => {
    const teamId = (await createTeam("ops")).body.id as string;
    const grace = await invite("grace@example.com");
    await teamUser(teamId, "addUser", grace);

    const added = await call({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/teams`, version: V1, body: [{ teamId, roleNames: ["GROUP_READ_ONLY"] }] });
    expect(added.status).toBe(200);
    expectValid("POST", "/api/atlas/v2/groups/{groupId}/teams", added);
    expect(added.body.results).toMatchObject([{ teamId, roleNames: ["GROUP_READ_ONLY"] }]);

    const flat = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users?flattenTeams=true`, version: V2 });
    expect(flat.body.results).toMatchObject([{ id: grace, roles: ["GROUP_READ_ONLY"] }]);
    const direct = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users`, version: V2 });
    expect(direct.body.results).toEqual([]);

    const patched = await call({ method: "PATCH", path: `/api/atlas/v2/groups/${projectId}/teams/${teamId}`, version: V1, body: { teamId, roleNames: ["GROUP_OWNER"] } });
    expect(patched.status).toBe(200);
    expectValid("PATCH", "/api/atlas/v2/groups/{groupId}/teams/{teamId}", patched);
    const got = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/teams/${teamId}`, version: V1 });
    expectValid("GET", "/api/atlas/v2/groups/{groupId}/teams/{teamId}", got);
    expect(got.body).toMatchObject({ teamId, roleNames: ["GROUP_OWNER"] });

    const bad = await call({ method: "PATCH", path: `/api/atlas/v2/groups/${projectId}/teams/${teamId}`, version: V1, body: { teamId, roleNames: ["ORG_OWNER"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");

    expect((await call({ method: "DELETE", path: `/api/atlas/v2/groups/${projectId}/teams/${teamId}`, version: V1 })).status).toBe(204);
    const gone = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/teams/${teamId}`, version: V1 });
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe("TEAM_NOT_IN_GROUP");
  });

  it("limits a project to 100 teams", async () => {
    const body = [];
    for (let i = 0; i < 101; i++) body.push({ teamId: (await createTeam(`p${i}`)).body.id, roleNames: ["GROUP_READ_ONLY"] });
    const over = await call({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/teams`, version: V1, body });
    expect(over.status).toBe(400);
    expect(over.body.errorCode).toBe("MAX_TEAMS_PER_GROUP_EXCEEDED");
    const ok = await call({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/teams`, version: V1, body: body.slice(0, 100) });
    expect(ok.status).toBe(200);
  });
});
