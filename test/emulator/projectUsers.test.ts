/**
 * Atlas v2 project users over real HTTP: a project user is an org member,
 * invited to the org when new, added directly when already active; GET,
 * DELETE, :addRole / :removeRole, the list, and the 500-per-project limit.
 */
import { specProblems, useIdentitySandbox, type ApiCaller, type ApiResponse } from "../support/atlasApi";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";

const V = "2025-02-19";
const USERS = "/api/atlas/v2/groups/{groupId}/users";
const USER = "/api/atlas/v2/groups/{groupId}/users/{userId}";

let emu: EmulatorHandle;
let call: ApiCaller;
let orgId: string;
let projectId: string;

useIdentitySandbox((sandbox) => ({ emu, call, orgId, projectId } = sandbox));

function addToProject(username: string, roles: unknown = ["GROUP_READ_ONLY"], groupId = projectId): Promise<ApiResponse> {
  return call({ method: "POST", path: `/api/atlas/v2/groups/${groupId}/users`, version: V, body: { username, roles } });
}

function orgUser(userId: string): Promise<ApiResponse> {
  return call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users/${userId}`, version: V });
}

function expectValid(method: string, template: string, res: ApiResponse): void {
  expect(specProblems(method, template, res)).toEqual([]);
}

describe("POST /groups/{groupId}/users", () => {
  it("invites a newcomer to the org as ORG_MEMBER with the project roles", async () => {
    const res = await addToProject("newcomer@example.com", ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]);
    expect(res.status).toBe(201);
    expect(res.contentType).toContain("application/vnd.atlas.2025-02-19+json");
    expectValid("POST", USERS, res);
    expect(res.body).toMatchObject({
      username: "newcomer@example.com",
      orgMembershipStatus: "PENDING",
      roles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"],
      inviterUsername: emu.clientId,
    });
    const member = await orgUser(res.body.id);
    expect(member.body).toMatchObject({
      orgMembershipStatus: "PENDING",
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] }] },
    });
  });

  it("adds an ACTIVE org member directly, keeping their org roles", async () => {
    const invited = await call({
      method: "POST",
      path: `/api/atlas/v2/orgs/${orgId}/users`,
      version: V,
      body: { username: "active@example.com", roles: { orgRoles: ["ORG_OWNER"] } },
    });
    await emulatorControl.acceptInvitation(emu, orgId, invited.body.id);
    const res = await addToProject("active@example.com", ["GROUP_OWNER"]);
    expect(res.status).toBe(201);
    expectValid("POST", USERS, res);
    expect(res.body).toMatchObject({ id: invited.body.id, orgMembershipStatus: "ACTIVE", roles: ["GROUP_OWNER"] });
    expect(res.body.createdAt).toBeDefined();
    expect((await orgUser(invited.body.id)).body.roles.orgRoles).toEqual(["ORG_OWNER"]);
  });

  it("answers 409 when the user already has roles in the project, and refuses bad input", async () => {
    expect((await addToProject("twice@example.com")).status).toBe(201);
    const again = await addToProject("Twice@example.com", ["GROUP_OWNER"]);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 409, errorCode: "USER_ALREADY_IN_GROUP" });

    const badRole = await addToProject("role@example.com", ["ORG_OWNER"]);
    expect(badRole.status).toBe(400);
    expect(badRole.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");

    const unknownProject = await addToProject("p@example.com", ["GROUP_READ_ONLY"], "0123456789abcdef01234567");
    expect(unknownProject.status).toBe(404);
    expect(unknownProject.body.errorCode).toBe("GROUP_NOT_FOUND");

    const noRoles = await addToProject("none@example.com", []);
    expect(noRoles.status).toBe(400);
  });
});

describe("GET and DELETE /groups/{groupId}/users/{userId}", () => {
  it("reads a project user; an org member without project roles is not in the project", async () => {
    const added = await addToProject("reader@example.com");
    const got = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users/${added.body.id}`, version: V });
    expect(got.status).toBe(200);
    expectValid("GET", USER, got);
    expect(got.body).toEqual(added.body);

    const orgOnly = await call({
      method: "POST",
      path: `/api/atlas/v2/orgs/${orgId}/users`,
      version: V,
      body: { username: "org-only@example.com", roles: { orgRoles: ["ORG_MEMBER"] } },
    });
    const missing = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users/${orgOnly.body.id}`, version: V });
    expect(missing.status).toBe(404);
    expect(missing.body.errorCode).toBe("USER_NOT_IN_GROUP");
  });

  it("DELETE withdraws a project-only invitation entirely, but keeps an active member in the org", async () => {
    const pending = await addToProject("withdrawn@example.com");
    const del = await call({ method: "DELETE", path: `/api/atlas/v2/groups/${projectId}/users/${pending.body.id}`, version: V });
    expect(del.status).toBe(204);
    expect((await orgUser(pending.body.id)).status).toBe(404);

    const active = await addToProject("stays@example.com");
    await emulatorControl.acceptInvitation(emu, orgId, active.body.id);
    const del2 = await call({ method: "DELETE", path: `/api/atlas/v2/groups/${projectId}/users/${active.body.id}`, version: "2023-01-01" });
    expect(del2.status).toBe(204);
    const still = await orgUser(active.body.id);
    expect(still.body).toMatchObject({ orgMembershipStatus: "ACTIVE", roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [] } });
    const account = await call({ method: "GET", path: `/api/atlas/v2/users/${active.body.id}`, version: "2023-01-01" });
    expect(account.body.roles).toEqual([{ orgId, roleName: "ORG_MEMBER" }]);
    expect((await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users/${active.body.id}`, version: V })).status).toBe(404);
  });
});

describe(":addRole and :removeRole", () => {
  const roleCall = (userId: string, action: string, groupRole: string) =>
    call({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/users/${userId}:${action}`, version: V, body: { groupRole } });

  it("adds and removes project roles, never the last one", async () => {
    const added = await addToProject("roles@example.com");
    const withOwner = await roleCall(added.body.id, "addRole", "GROUP_OWNER");
    expect(withOwner.status).toBe(200);
    expectValid("POST", `${USER}:addRole`, withOwner);
    expect(withOwner.body.roles).toEqual(["GROUP_READ_ONLY", "GROUP_OWNER"]);
    const removed = await roleCall(added.body.id, "removeRole", "GROUP_READ_ONLY");
    expect(removed.status).toBe(200);
    expectValid("POST", `${USER}:removeRole`, removed);
    expect(removed.body.roles).toEqual(["GROUP_OWNER"]);
    const last = await roleCall(added.body.id, "removeRole", "GROUP_OWNER");
    expect(last.status).toBe(400);
    expect(last.body.errorCode).toBe("CANNOT_REMOVE_LAST_ROLE");
    const bad = await roleCall(added.body.id, "addRole", "GROUP_EMPEROR");
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");
  });

  it("role changes on an active member show on the cloud user's roles", async () => {
    const added = await addToProject("mirror@example.com");
    await emulatorControl.acceptInvitation(emu, orgId, added.body.id);
    await roleCall(added.body.id, "addRole", "GROUP_CLUSTER_MANAGER");
    const account = await call({ method: "GET", path: `/api/atlas/v2/users/${added.body.id}`, version: "2023-01-01" });
    expect(account.body.roles).toEqual(
      expect.arrayContaining([
        { groupId: projectId, roleName: "GROUP_READ_ONLY" },
        { groupId: projectId, roleName: "GROUP_CLUSTER_MANAGER" },
      ]),
    );
  });
});

describe("PUT /groups/{groupId}/users/{userId}/roles (deprecated, 2023-01-01)", () => {
  it("replaces the user's roles in the project", async () => {
    const added = await addToProject("put@example.com");
    const res = await call({
      method: "PUT",
      path: `/api/atlas/v2/groups/${projectId}/users/${added.body.id}/roles`,
      version: "2023-01-01",
      body: { groupRoles: ["GROUP_OWNER", "GROUP_DATA_ACCESS_ADMIN"] },
    });
    expect(res.status).toBe(200);
    expectValid("PUT", `${USER}/roles`, res);
    expect(res.body.groupRoles).toEqual(["GROUP_OWNER", "GROUP_DATA_ACCESS_ADMIN"]);
    const got = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users/${added.body.id}`, version: V });
    expect(got.body.roles).toEqual(["GROUP_OWNER", "GROUP_DATA_ACCESS_ADMIN"]);
  });
});

describe("GET /groups/{groupId}/users and the project limit", () => {
  it("lists the project's users, filtered by username", async () => {
    await addToProject("one@example.com");
    await addToProject("two@example.com");
    const all = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users`, version: V });
    expect(all.status).toBe(200);
    expectValid("GET", USERS, all);
    expect(all.body.totalCount).toBe(2);
    const one = await call({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/users?username=one@example.com`, version: V });
    expect(one.body.results.map((u: { username: string }) => u.username)).toEqual(["one@example.com"]);
  });

  it("500 users per project", async () => {
    for (let i = 0; i < 500; i++) expect((await addToProject(`u${i}@example.com`)).status).toBe(201);
    const over = await addToProject("over@example.com");
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ error: 400, errorCode: "MAX_USERS_PER_GROUP_EXCEEDED", parameters: [500, projectId] });
    expect(over.body.detail).toContain("500");
  });
});
