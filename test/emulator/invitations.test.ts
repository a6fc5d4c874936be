/**
 * Legacy invitations over real HTTP: Atlas v2 `/orgs/{orgId}/invites` and
 * `/groups/{groupId}/invites` (deprecated, 2023-01-01) and Cloud / Ops Manager
 * `/api/public/v1.0/orgs/{orgId}/invites`. An invitation is a pending org
 * membership with its own id (never the person's user id, as on the real
 * APIs); `/__emulator/orgs/{orgId}/users/{userId or invitationId}:accept`
 * accepts it, after which the invitee is a member and the invitation is gone.
 */
import { apiClient, serviceAccountToken, specProblems, useIdentitySandbox, type ApiCaller, type ApiResponse } from "../support/atlasApi";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";

const LEGACY = "2023-01-01";
const ORG_INVITES = "/api/atlas/v2/orgs/{orgId}/invites";
const ORG_INVITE = "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}";
const GROUP_INVITES = "/api/atlas/v2/groups/{groupId}/invites";
const GROUP_INVITE = "/api/atlas/v2/groups/{groupId}/invites/{invitationId}";
const DAY_MS = 24 * 60 * 60 * 1000;

let emu: EmulatorHandle;
let call: ApiCaller;
let orgId: string;
let projectId: string;

useIdentitySandbox((sandbox) => ({ emu, call, orgId, projectId } = sandbox));

const atlas = (method: string, path: string, body?: unknown) => call({ method, path: `/api/atlas/v2${path}`, version: LEGACY, body });
const pub = (method: string, path: string, body?: unknown) => call({ method, path: `/api/public/v1.0${path}`, body });

function expectValid(method: string, template: string, res: ApiResponse): void {
  expect(specProblems(method, template, res)).toEqual([]);
}

async function accept(invitationId: string, inOrg = orgId): Promise<void> {
  await emulatorControl.acceptInvitation(emu, inOrg, invitationId);
}

/** The org user id of `username` in the org (from the state dump): an invitation's id is another one. */
async function userIdOf(username: string, inOrg = orgId): Promise<string> {
  const state = (await emulatorControl.state(emu)) as { orgMemberships: { orgId: string; username: string; userId: string }[] };
  const m = state.orgMemberships.find((x) => x.orgId === inOrg && x.username.toLowerCase() === username.toLowerCase());
  if (!m) throw new Error(`no membership of ${username} in ${inOrg}`);
  return m.userId;
}

describe("Atlas v2 /orgs/{orgId}/invites (deprecated)", () => {
  it("POST answers 200 with the invitation, which is also a pending org user", async () => {
    const res = await atlas("POST", `/orgs/${orgId}/invites`, {
      username: "invitee@example.com",
      roles: ["ORG_MEMBER"],
      groupRoleAssignments: [{ groupId: projectId, roles: ["GROUP_READ_ONLY"] }],
    });
    expect(res.status).toBe(200);
    expect(res.contentType).toContain("application/vnd.atlas.2023-01-01+json");
    expectValid("POST", ORG_INVITES, res);
    expect(res.body).toMatchObject({
      orgId,
      username: "invitee@example.com",
      roles: ["ORG_MEMBER"],
      groupRoleAssignments: [{ groupId: projectId, groupRole: "GROUP_READ_ONLY" }],
      inviterUsername: emu.clientId,
    });
    expect(res.body.orgName).toMatch(/^org-/);
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(30 * DAY_MS);
    const userId = await userIdOf("invitee@example.com");
    expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body.id).not.toBe(userId);
    const orgUser = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users/${userId}`, version: "2025-02-19" });
    expect(orgUser.body).toMatchObject({ orgMembershipStatus: "PENDING", username: "invitee@example.com" });
  });

  it("GET lists (filtered by username) and reads one; PATCH by id and by username; DELETE withdraws", async () => {
    const a = await atlas("POST", `/orgs/${orgId}/invites`, { username: "a@example.com", roles: ["ORG_MEMBER"] });
    await atlas("POST", `/orgs/${orgId}/invites`, { username: "b@example.com", roles: ["ORG_READ_ONLY"] });

    const list = await atlas("GET", `/orgs/${orgId}/invites`);
    expect(list.status).toBe(200);
    expectValid("GET", ORG_INVITES, list);
    expect(list.body.map((i: { username: string }) => i.username).sort()).toEqual(["a@example.com", "b@example.com"]);
    const filtered = await atlas("GET", `/orgs/${orgId}/invites?username=b@example.com`);
    expect(filtered.body.map((i: { username: string }) => i.username)).toEqual(["b@example.com"]);

    const one = await atlas("GET", `/orgs/${orgId}/invites/${a.body.id}`);
    expect(one.status).toBe(200);
    expectValid("GET", ORG_INVITE, one);
    expect(one.body).toEqual(a.body);

    const byId = await atlas("PATCH", `/orgs/${orgId}/invites/${a.body.id}`, { roles: ["ORG_OWNER"] });
    expect(byId.status).toBe(200);
    expectValid("PATCH", ORG_INVITE, byId);
    expect(byId.body.roles).toEqual(["ORG_OWNER"]);
    const byName = await atlas("PATCH", `/orgs/${orgId}/invites`, { username: "b@example.com", roles: ["ORG_BILLING_ADMIN"] });
    expect(byName.status).toBe(200);
    expectValid("PATCH", ORG_INVITES, byName);
    expect(byName.body.roles).toEqual(["ORG_BILLING_ADMIN"]);

    const deleted = await atlas("DELETE", `/orgs/${orgId}/invites/${a.body.id}`);
    expect(deleted.status).toBe(204);
    expect((await atlas("GET", `/orgs/${orgId}/invites/${a.body.id}`)).status).toBe(404);
    const again = await atlas("DELETE", `/orgs/${orgId}/invites/${a.body.id}`);
    expect(again.status).toBe(400);
    expect(again.body.errorCode).toBe("INVALID_INVITATION_ID");
  });

  it("accepting makes the invitee a member and the invitation disappears", async () => {
    const inv = await atlas("POST", `/orgs/${orgId}/invites`, { username: "joiner@example.com", roles: ["ORG_READ_ONLY"] });
    await accept(inv.body.id);
    expect((await atlas("GET", `/orgs/${orgId}/invites/${inv.body.id}`)).status).toBe(404);
    expect((await atlas("GET", `/orgs/${orgId}/invites`)).body).toEqual([]);
    const userId = await userIdOf("joiner@example.com");
    const member = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users/${userId}`, version: "2025-02-19" });
    expect(member.body).toMatchObject({ orgMembershipStatus: "ACTIVE", roles: { orgRoles: ["ORG_READ_ONLY"] } });
    const account = await atlas("GET", `/users/${userId}`);
    expect(account.body.roles).toEqual([{ orgId, roleName: "ORG_READ_ONLY" }]);
    expect((await atlas("DELETE", `/orgs/${orgId}/invites/${inv.body.id}`)).body.errorCode).toBe("INVALID_INVITATION_ID");
  });

  it("409 for a pending or active username; bad roles, teams and emails are refused", async () => {
    await atlas("POST", `/orgs/${orgId}/invites`, { username: "dup@example.com", roles: ["ORG_MEMBER"] });
    const dup = await atlas("POST", `/orgs/${orgId}/invites`, { username: "dup@example.com", roles: ["ORG_MEMBER"] });
    expect(dup.status).toBe(409);
    expect(dup.body.errorCode).toBe("USER_ALREADY_IN_ORG");
    const noRoles = await atlas("POST", `/orgs/${orgId}/invites`, { username: "nr@example.com", roles: [] });
    expect(noRoles.body.errorCode).toBe("MISSING_ATTRIBUTE");
    const badTeam = await atlas("POST", `/orgs/${orgId}/invites`, { username: "t@example.com", roles: ["ORG_MEMBER"], teamIds: ["0123456789abcdef01234567"] });
    expect(badTeam.status).toBe(404);
    expect(badTeam.body.errorCode).toBe("TEAM_NOT_FOUND");
    const badGroupRole = await atlas("POST", `/orgs/${orgId}/invites`, {
      username: "g@example.com",
      roles: ["ORG_MEMBER"],
      groupRoleAssignments: [{ groupId: projectId, roles: ["ORG_OWNER"] }],
    });
    expect(badGroupRole.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");
  });

  it("an expired invitation stays listed with its past expiresAt, cannot be edited or accepted, and is replaced by a new one", async () => {
    const inv = await atlas("POST", `/orgs/${orgId}/invites`, { username: "slow@example.com", roles: ["ORG_MEMBER"] });
    await emulatorControl.advanceClock(emu, 30 * 24 * 3600 + 60);
    call = apiClient(emu, await serviceAccountToken(emu));
    const { now } = await emulatorControl.now(emu);
    const listed = await atlas("GET", `/orgs/${orgId}/invites/${inv.body.id}`);
    expect(Date.parse(listed.body.expiresAt)).toBeLessThan(Date.parse(now));
    const patched = await atlas("PATCH", `/orgs/${orgId}/invites/${inv.body.id}`, { roles: ["ORG_OWNER"] });
    expect(patched.body.errorCode).toBe("ALREADY_EXPIRED");
    await expect(accept(inv.body.id)).rejects.toThrow(/INVITATION_EXPIRED/);
    const fresh = await atlas("POST", `/orgs/${orgId}/invites`, { username: "slow@example.com", roles: ["ORG_MEMBER"] });
    expect(fresh.status).toBe(200);
    expect(Date.parse(fresh.body.expiresAt)).toBeGreaterThan(Date.parse(now));
  });
});

describe("Atlas v2 /groups/{groupId}/invites (deprecated)", () => {
  it("POST, GET, PATCH (by id and by username), and accept into the project", async () => {
    const inv = await atlas("POST", `/groups/${projectId}/invites`, { username: "proj@example.com", roles: ["GROUP_READ_ONLY"] });
    expect(inv.status).toBe(200);
    expectValid("POST", GROUP_INVITES, inv);
    expect(inv.body).toMatchObject({ groupId: projectId, username: "proj@example.com", roles: ["GROUP_READ_ONLY"] });
    expect(inv.body.groupName).toMatch(/^project-/);

    const list = await atlas("GET", `/groups/${projectId}/invites`);
    expectValid("GET", GROUP_INVITES, list);
    expect(list.body.map((i: { id: string }) => i.id)).toEqual([inv.body.id]);
    const one = await atlas("GET", `/groups/${projectId}/invites/${inv.body.id}`);
    expectValid("GET", GROUP_INVITE, one);

    const byId = await atlas("PATCH", `/groups/${projectId}/invites/${inv.body.id}`, { roles: ["GROUP_OWNER"] });
    expectValid("PATCH", GROUP_INVITE, byId);
    expect(byId.body.roles).toEqual(["GROUP_OWNER"]);
    const byName = await atlas("PATCH", `/groups/${projectId}/invites`, { username: "proj@example.com", roles: ["GROUP_CLUSTER_MANAGER"] });
    expect(byName.body.roles).toEqual(["GROUP_CLUSTER_MANAGER"]);

    await accept(inv.body.id);
    expect((await atlas("GET", `/groups/${projectId}/invites/${inv.body.id}`)).status).toBe(404);
    const projectUser = await call({
      method: "GET",
      path: `/api/atlas/v2/groups/${projectId}/users/${await userIdOf("proj@example.com")}`,
      version: "2025-02-19",
    });
    expect(projectUser.body).toMatchObject({ orgMembershipStatus: "ACTIVE", roles: ["GROUP_CLUSTER_MANAGER"] });
  });

  it("each kind of invitation is deleted through its own path", async () => {
    const groupInv = await atlas("POST", `/groups/${projectId}/invites`, { username: "g@example.com", roles: ["GROUP_READ_ONLY"] });
    const orgInv = await atlas("POST", `/orgs/${orgId}/invites`, {
      username: "o@example.com",
      roles: ["ORG_MEMBER"],
      groupRoleAssignments: [{ groupId: projectId, roles: ["GROUP_READ_ONLY"] }],
    });
    const wrong1 = await atlas("DELETE", `/orgs/${orgId}/invites/${groupInv.body.id}`);
    expect(wrong1.status).toBe(400);
    expect(wrong1.body.errorCode).toBe("CANNOT_DELETE_GROUP_INVITATION");
    const wrong2 = await atlas("DELETE", `/groups/${projectId}/invites/${orgInv.body.id}`);
    expect(wrong2.status).toBe(400);
    expect(wrong2.body.errorCode).toBe("CANNOT_DELETE_ORG_INVITATION");
    expect((await atlas("DELETE", `/groups/${projectId}/invites/${groupInv.body.id}`)).status).toBe(204);
    expect((await atlas("GET", `/groups/${projectId}/invites`)).body.map((i: { id: string }) => i.id)).toEqual([orgInv.body.id]);
    expect((await atlas("DELETE", `/orgs/${orgId}/invites/${orgInv.body.id}`)).status).toBe(204);
    expect((await atlas("GET", `/groups/${projectId}/invites`)).body).toEqual([]);
  });

  it("a project invitation for an active org member is a conflict; bad roles are refused", async () => {
    const inv = await atlas("POST", `/orgs/${orgId}/invites`, { username: "member@example.com", roles: ["ORG_MEMBER"] });
    await accept(inv.body.id);
    const res = await atlas("POST", `/groups/${projectId}/invites`, { username: "member@example.com", roles: ["GROUP_READ_ONLY"] });
    expect(res.status).toBe(409);
    const bad = await atlas("POST", `/groups/${projectId}/invites`, { username: "x@example.com", roles: ["GROUP_EMPEROR"] });
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");
  });
});

describe("Cloud / Ops Manager /api/public/v1.0/orgs/{orgId}/invites", () => {
  afterEach(async () => {
    await emulatorControl.settings(emu, { publicApiFlavor: "cloud-manager" });
  });

  it("POST answers 201 with the documented fields; GET, PATCH (by id and by username), DELETE", async () => {
    const created = await pub("POST", `/orgs/${orgId}/invites`, { username: "cm@example.com", roles: ["ORG_MEMBER"], teamIds: [] });
    expect(created.status).toBe(201);
    expect(created.contentType).toContain("application/json");
    expect(Object.keys(created.body).sort()).toEqual(
      ["createdAt", "expiresAt", "id", "inviterUsername", "links", "orgId", "orgName", "roles", "teamIds", "username"].sort(),
    );
    expect(created.body).toMatchObject({ orgId, username: "cm@example.com", roles: ["ORG_MEMBER"], teamIds: [], inviterUsername: emu.clientId });

    expect((await pub("GET", `/orgs/${orgId}/invites`)).body.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
    expect((await pub("GET", `/orgs/${orgId}/invites/${created.body.id}`)).body).toEqual(created.body);
    const byId = await pub("PATCH", `/orgs/${orgId}/invites/${created.body.id}`, { roles: ["ORG_OWNER"] });
    expect(byId.status).toBe(200);
    expect(byId.body.roles).toEqual(["ORG_OWNER"]);
    const byName = await pub("PATCH", `/orgs/${orgId}/invites`, { username: "cm@example.com", roles: ["ORG_READ_ONLY"] });
    expect(byName.body.roles).toEqual(["ORG_READ_ONLY"]);
    expect((await pub("DELETE", `/orgs/${orgId}/invites/${created.body.id}`)).status).toBe(204);
    const gone = await pub("GET", `/orgs/${orgId}/invites/${created.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: 404, errorCode: "RESOURCE_NOT_FOUND" });
  });

  it("validates bodies with Atlas-shaped errors and the product's role list", async () => {
    const unknown = await pub("POST", `/orgs/${orgId}/invites`, { username: "u@example.com", roles: ["ORG_MEMBER"], groupRoleAssignments: [] });
    expect(unknown.body).toMatchObject({ error: 400, errorCode: "INVALID_ATTRIBUTE", parameters: ["groupRoleAssignments"] });
    const missing = await pub("POST", `/orgs/${orgId}/invites`, { username: "u@example.com" });
    expect(missing.body).toMatchObject({ errorCode: "MISSING_ATTRIBUTE", parameters: ["roles"] });
    const wrongType = await pub("POST", `/orgs/${orgId}/invites`, { username: "u@example.com", roles: "ORG_MEMBER" });
    expect(wrongType.body.errorCode).toBe("INVALID_JSON_ATTRIBUTE");
    // ORG_BILLING_READ_ONLY is an Atlas role, not a Cloud Manager one.
    const atlasOnly = await pub("POST", `/orgs/${orgId}/invites`, { username: "u@example.com", roles: ["ORG_BILLING_READ_ONLY"] });
    expect(atlasOnly.body.errorCode).toBe("INVALID_ROLE_FOR_ORG");
    const notEmail = await pub("POST", `/orgs/${orgId}/invites`, { username: "u", roles: ["ORG_MEMBER"] });
    expect(notEmail.body.errorCode).toBe("INVALID_USERNAME");
    const unknownOrg = await pub("POST", `/orgs/0123456789abcdef01234567/invites`, { username: "u@example.com", roles: ["ORG_MEMBER"] });
    expect(unknownOrg.body.errorCode).toBe("ORG_NOT_FOUND");
  });

  it("accepting (Ops Manager) adds the user to the org's members, which can then be removed", async () => {
    await emulatorControl.settings(emu, { publicApiFlavor: "ops-manager" });
    const created = await pub("POST", `/orgs/${orgId}/invites`, { username: "om@example.com", roles: ["ORG_GROUP_CREATOR"] });
    expect((await pub("GET", `/orgs/${orgId}/users`)).body.results).toEqual([]);
    await accept(created.body.id);
    expect((await pub("GET", `/orgs/${orgId}/invites/${created.body.id}`)).status).toBe(404);
    const members = await pub("GET", `/orgs/${orgId}/users`);
    expect(members.body.totalCount).toBe(1);
    const userId = await userIdOf("om@example.com");
    expect(members.body.results[0]).toMatchObject({ id: userId, username: "om@example.com", roles: [{ orgId, roleName: "ORG_GROUP_CREATOR" }] });
    expect((await pub("DELETE", `/orgs/${orgId}/users/${userId}`)).status).toBe(204);
    expect((await pub("GET", `/orgs/${orgId}/users`)).body.results).toEqual([]);
    const again = await pub("DELETE", `/orgs/${orgId}/users/${userId}`);
    expect(again.status).toBe(404);
    expect(again.body.errorCode).toBe("USER_NOT_FOUND");
  });

  it("an invitation's id is its own, never the account's: the routes answer only to it; the control API accepts or rejects by either", async () => {
    await emulatorControl.seed(emu, { cloudUsers: [{ username: "existing@example.com", roles: [] }] });
    const account = (await pub("GET", `/users/byName/existing@example.com`)).body as { id: string };
    const inv = await pub("POST", `/orgs/${orgId}/invites`, { username: "Existing@example.com", roles: ["ORG_MEMBER"] });
    expect(inv.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(inv.body.id).not.toBe(account.id);
    expect(await userIdOf("existing@example.com")).toBe(account.id);
    expect((await pub("GET", `/orgs/${orgId}/invites/${account.id}`)).status).toBe(404);
    expect((await pub("PATCH", `/orgs/${orgId}/invites/${account.id}`, { roles: ["ORG_OWNER"] })).status).toBe(404);
    expect((await pub("DELETE", `/orgs/${orgId}/invites/${account.id}`)).body.errorCode).toBe("INVALID_INVITATION_ID");
    expect((await pub("GET", `/orgs/${orgId}/invites?username=existing@example.com`)).body.map((i: { id: string }) => i.id)).toEqual([inv.body.id]);
    // Accept by the invitation id ...
    await accept(inv.body.id);
    expect((await pub("GET", `/orgs/${orgId}/users`)).body.results.map((u: { id: string }) => u.id)).toEqual([account.id]);

    // ... or by the user id; reject likewise by the invitation id.
    const other = await pub("POST", `/orgs/${orgId}/invites`, { username: "other@example.com", roles: ["ORG_MEMBER"] });
    const otherUserId = await userIdOf("other@example.com");
    expect(otherUserId).not.toBe(other.body.id);
    await accept(otherUserId);
    expect((await pub("GET", `/orgs/${orgId}/invites`)).body).toEqual([]);
    const third = await pub("POST", `/orgs/${orgId}/invites`, { username: "third@example.com", roles: ["ORG_MEMBER"] });
    await emulatorControl.rejectInvitation(emu, orgId, third.body.id);
    const state = (await emulatorControl.state(emu)) as { orgMemberships: { username: string; status: string }[] };
    expect(state.orgMemberships.find((m) => m.username === "third@example.com")!.status).toBe("INVITATION_REJECTED");
  });
});
