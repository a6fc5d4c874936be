/**
 * Atlas v2 org users (seed 003) over real HTTP: invitations with their 30-day
 * expiry, the 409 rule, PATCH / addRole / removeRole, list filters and paging,
 * the invitee's accept / reject, and the org and team limits.
 */
import fc from "fast-check";
import { apiClient, seedOrgAndProject, serviceAccountToken, specProblems, useIdentitySandbox, type ApiCaller, type ApiResponse } from "../support/atlasApi";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";

const V = "2025-02-19";
const USERS = "/api/atlas/v2/orgs/{orgId}/users";
const USER = "/api/atlas/v2/orgs/{orgId}/users/{userId}";
const DAY_MS = 24 * 60 * 60 * 1000;

let emu: EmulatorHandle;
let call: ApiCaller;
/** Each test gets its own org and project, so tests never see each other's users. */
let orgId: string;
let projectId: string;

useIdentitySandbox((sandbox) => ({ emu, call, orgId, projectId } = sandbox));

async function renewToken(): Promise<void> {
  // Tokens expire by the emulator clock; after moving it, get a fresh one.
  call = apiClient(emu, await serviceAccountToken(emu));
}

function invite(username: string, extra: Record<string, unknown> = {}, inOrg = orgId): Promise<ApiResponse> {
  return call({
    method: "POST",
    path: `/api/atlas/v2/orgs/${inOrg}/users`,
    version: V,
    body: { username, roles: { orgRoles: ["ORG_MEMBER"] }, ...extra },
  });
}

function getUser(userId: string): Promise<ApiResponse> {
  return call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users/${userId}`, version: V });
}

function expectValid(method: string, template: string, res: ApiResponse): void {
  expect(specProblems(method, template, res)).toEqual([]);
}

describe("POST /orgs/{orgId}/users", () => {
  it("creates a PENDING invitation that expires 30 days later, valid against the spec", async () => {
    const { now } = await emulatorControl.now(emu);
    const res = await invite("jane.doe@example.com", { teamIds: [] });
    expect(res.status).toBe(201);
    expect(res.contentType).toContain("application/vnd.atlas.2025-02-19+json");
    expectValid("POST", USERS, res);
    expect(res.body).toMatchObject({
      username: "jane.doe@example.com",
      orgMembershipStatus: "PENDING",
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [] },
      teamIds: [],
      inviterUsername: emu.clientId,
    });
    expect(res.body.id).toMatch(/^[a-f0-9]{24}$/);
    const created = Date.parse(res.body.invitationCreatedAt);
    expect(Math.abs(created - Date.parse(now))).toBeLessThan(60_000);
    expect(Date.parse(res.body.invitationExpiresAt) - created).toBe(30 * DAY_MS);
    // Pending users carry invitation fields, not account fields.
    expect(res.body).not.toHaveProperty("createdAt");
    expect(res.body).not.toHaveProperty("firstName");
  });

  it("answers 409 while a PENDING invitation exists for the username (case-insensitive)", async () => {
    expect((await invite("dup@example.com")).status).toBe(201);
    const again = await invite("DUP@example.com");
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 409, errorCode: "USER_ALREADY_IN_ORG" });
  });

  it("answers 409 for an ACTIVE member", async () => {
    const first = await invite("member@example.com");
    await emulatorControl.acceptInvitation(emu, orgId, first.body.id);
    expect((await invite("member@example.com")).status).toBe(409);
  });

  it("replaces a rejected invitation", async () => {
    const first = await invite("rejecter@example.com");
    await emulatorControl.rejectInvitation(emu, orgId, first.body.id);
    const rejected = await getUser(first.body.id);
    expect(rejected.body.orgMembershipStatus).toBe("INVITATION_REJECTED");
    // The spec: invitationExpiresAt is "null for rejected invitations".
    expect(rejected.body.invitationExpiresAt).toBeNull();
    expectValid("GET", USER, rejected);
    const second = await invite("rejecter@example.com", { roles: { orgRoles: ["ORG_READ_ONLY"] } });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ orgMembershipStatus: "PENDING", roles: { orgRoles: ["ORG_READ_ONLY"] } });
    const list = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users?username=rejecter@example.com`, version: V });
    expect(list.body.results).toHaveLength(1);
  });

  it("replaces an expired invitation", async () => {
    const first = await invite("late@example.com");
    await emulatorControl.advanceClock(emu, 31 * 24 * 3600);
    await renewToken();
    expect((await getUser(first.body.id)).body.orgMembershipStatus).toBe("INVITATION_EXPIRED");
    const second = await invite("late@example.com");
    expect(second.status).toBe(201);
    expect(second.body.orgMembershipStatus).toBe("PENDING");
  });

  it("assigns project roles and teams of this org, refusing others", async () => {
    const seeded = await emulatorControl.seed(emu, {
      orgs: [{ name: "Other" }],
      teams: [{ orgId: orgId, name: "Ours" }],
    });
    const otherOrg = (seeded.orgs as { id: string }[])[0]!.id;
    const otherSeed = await emulatorControl.seed(emu, { projects: [{ orgId: otherOrg, name: "Theirs" }], teams: [{ orgId: otherOrg }] });
    const team = (seeded.teams as { id: string }[])[0]!.id;
    const foreignProject = (otherSeed.projects as { id: string }[])[0]!.id;
    const foreignTeam = (otherSeed.teams as { id: string }[])[0]!.id;

    const ok = await invite("full@example.com", {
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_READ_ONLY"] }] },
      teamIds: [team],
    });
    expect(ok.status).toBe(201);
    expectValid("POST", USERS, ok);
    expect(ok.body.roles.groupRoleAssignments).toEqual([{ groupId: projectId, groupRoles: ["GROUP_READ_ONLY"] }]);
    expect(ok.body.teamIds).toEqual([team]);

    const badProject = await invite("p@example.com", {
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: foreignProject, groupRoles: ["GROUP_READ_ONLY"] }] },
    });
    expect(badProject.status).toBe(404);
    expect(badProject.body.errorCode).toBe("GROUP_NOT_FOUND");

    const badRole = await invite("r@example.com", {
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_EMPEROR"] }] },
    });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errorCode).toBe("INVALID_ROLE_FOR_GROUP");

    const badTeam = await invite("t@example.com", { teamIds: [foreignTeam] });
    expect(badTeam.status).toBe(404);
    expect(badTeam.body.errorCode).toBe("TEAM_NOT_IN_ORG");
  });

  it("rejects an unknown org, a non-email username and an unknown org role before storing anything", async () => {
    const unknownOrg = await invite("x@example.com", {}, "0123456789abcdef01234567");
    expect(unknownOrg.status).toBe(404);
    expect(unknownOrg.body.errorCode).toBe("ORG_NOT_FOUND");
    const notEmail = await invite("not-an-email");
    expect(notEmail.status).toBe(400);
    const badOrgRole = await invite("y@example.com", { roles: { orgRoles: ["ORG_EMPEROR"] } });
    expect(badOrgRole.status).toBe(400);
    const list = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users`, version: V });
    expect(list.body.results).toEqual([]);
  });
});

describe("GET, PATCH, DELETE /orgs/{orgId}/users/{userId}", () => {
  it("reads one user and answers USER_NOT_FOUND for an unknown id", async () => {
    const created = await invite("reader@example.com");
    const got = await getUser(created.body.id);
    expect(got.status).toBe(200);
    expectValid("GET", USER, got);
    expect(got.body).toEqual(created.body);
    const missing = await getUser("0123456789abcdef01234567");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 404, errorCode: "USER_NOT_FOUND" });
  });

  it("PATCH replaces roles and teams", async () => {
    const seeded = await emulatorControl.seed(emu, { teams: [{ orgId: orgId }] });
    const team = (seeded.teams as { id: string }[])[0]!.id;
    const created = await invite("patch@example.com");
    const patched = await call({
      method: "PATCH",
      path: `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}`,
      version: V,
      body: {
        roles: { orgRoles: ["ORG_OWNER"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_OWNER"] }] },
        teamIds: [team],
      },
    });
    expect(patched.status).toBe(200);
    expectValid("PATCH", USER, patched);
    expect(patched.body).toMatchObject({
      orgMembershipStatus: "PENDING",
      roles: { orgRoles: ["ORG_OWNER"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_OWNER"] }] },
      teamIds: [team],
    });
    // Only the fields sent change.
    const teamsOnly = await call({
      method: "PATCH",
      path: `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}`,
      version: V,
      body: { teamIds: [] },
    });
    expect(teamsOnly.body.roles.orgRoles).toEqual(["ORG_OWNER"]);
    expect(teamsOnly.body.teamIds).toEqual([]);
  });

  it("PATCH of an expired invitation is refused", async () => {
    const created = await invite("expired-patch@example.com");
    await emulatorControl.advanceClock(emu, 30 * 24 * 3600 + 1);
    await renewToken();
    const patched = await call({
      method: "PATCH",
      path: `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}`,
      version: V,
      body: { teamIds: [] },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.errorCode).toBe("ALREADY_EXPIRED");
  });

  it("DELETE removes the user (2025-02-19 and 2023-01-01), then 404", async () => {
    for (const version of ["2025-02-19", "2023-01-01"]) {
      const created = await invite(`gone-${version}@example.com`);
      const path = `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}`;
      const deleted = await call({ method: "DELETE", path, version });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect((await getUser(created.body.id)).status).toBe(404);
      expect((await call({ method: "DELETE", path, version })).status).toBe(404);
    }
  });
});

describe(":addRole and :removeRole", () => {
  const roleCall = (userId: string, action: "addRole" | "removeRole", orgRole: string) =>
    call({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/users/${userId}:${action}`, version: V, body: { orgRole } });

  it("adds and removes org roles; adding a held role changes nothing", async () => {
    const created = await invite("roles@example.com");
    const added = await roleCall(created.body.id, "addRole", "ORG_BILLING_ADMIN");
    expect(added.status).toBe(200);
    expectValid("POST", `${USER}:addRole`, added);
    expect(added.body.roles.orgRoles).toEqual(["ORG_MEMBER", "ORG_BILLING_ADMIN"]);
    expect((await roleCall(created.body.id, "addRole", "ORG_BILLING_ADMIN")).body.roles.orgRoles).toEqual([
      "ORG_MEMBER",
      "ORG_BILLING_ADMIN",
    ]);
    const removed = await roleCall(created.body.id, "removeRole", "ORG_MEMBER");
    expect(removed.status).toBe(200);
    expectValid("POST", `${USER}:removeRole`, removed);
    expect(removed.body.roles.orgRoles).toEqual(["ORG_BILLING_ADMIN"]);
  });

  it("refuses to remove the last org role", async () => {
    const created = await invite("last@example.com");
    const res = await roleCall(created.body.id, "removeRole", "ORG_MEMBER");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 400, errorCode: "CANNOT_REMOVE_LAST_ROLE" });
    expect(res.body.detail).toContain("Add the new role first");
    expect((await getUser(created.body.id)).body.roles.orgRoles).toEqual(["ORG_MEMBER"]);
  });

  it("answers USER_NOT_FOUND for an unknown user", async () => {
    const res = await roleCall("0123456789abcdef01234567", "addRole", "ORG_MEMBER");
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe("USER_NOT_FOUND");
  });
});

describe("PUT /orgs/{orgId}/users/{userId}/roles (deprecated, 2023-01-01)", () => {
  it("replaces the org roles", async () => {
    const created = await invite("put-roles@example.com");
    const res = await call({
      method: "PUT",
      path: `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}/roles`,
      version: "2023-01-01",
      body: { orgRoles: ["ORG_OWNER", "ORG_BILLING_ADMIN"] },
    });
    expect(res.status).toBe(200);
    expectValid("PUT", `${USER}/roles`, res);
    expect(res.body.orgRoles).toEqual(["ORG_OWNER", "ORG_BILLING_ADMIN"]);
    expect((await getUser(created.body.id)).body.roles.orgRoles).toEqual(["ORG_OWNER", "ORG_BILLING_ADMIN"]);
    const empty = await call({
      method: "PUT",
      path: `/api/atlas/v2/orgs/${orgId}/users/${created.body.id}/roles`,
      version: "2023-01-01",
      body: { orgRoles: [] },
    });
    expect(empty.status).toBe(400);
  });
});

describe("GET /orgs/{orgId}/users (list)", () => {
  it("filters by username and orgMembershipStatuses, and pages", async () => {
    const a = await invite("a@example.com");
    await invite("b@example.com");
    const c = await invite("c@example.com");
    await emulatorControl.acceptInvitation(emu, orgId, a.body.id);
    await emulatorControl.rejectInvitation(emu, orgId, c.body.id);
    const base = `/api/atlas/v2/orgs/${orgId}/users`;

    const all = await call({ method: "GET", path: base, version: V });
    expect(all.status).toBe(200);
    expectValid("GET", USERS, all);
    expect(all.body.totalCount).toBe(3);

    const byName = await call({ method: "GET", path: `${base}?username=B@example.com`, version: V });
    expect(byName.body.results.map((u: { username: string }) => u.username)).toEqual(["b@example.com"]);

    const byStatus = await call({ method: "GET", path: `${base}?orgMembershipStatuses=ACTIVE&orgMembershipStatuses=INVITATION_REJECTED`, version: V });
    expect(byStatus.body.results.map((u: { username: string }) => u.username).sort()).toEqual(["a@example.com", "c@example.com"]);

    const page2 = await call({ method: "GET", path: `${base}?itemsPerPage=2&pageNum=2`, version: V });
    expect(page2.body.totalCount).toBe(3);
    expect(page2.body.results).toHaveLength(1);
    const page1 = await call({ method: "GET", path: `${base}?itemsPerPage=2&pageNum=1`, version: V });
    expect(page1.body.links.map((l: { rel: string }) => l.rel)).toContain("next");
  });

  it("the 2023-01-01 version lists active accounts", async () => {
    const a = await invite("old-api@example.com");
    await invite("still-pending@example.com");
    await emulatorControl.acceptInvitation(emu, orgId, a.body.id);
    const res = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users`, version: "2023-01-01" });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.results[0]).toMatchObject({ id: a.body.id, username: "old-api@example.com", roles: [{ orgId: orgId, roleName: "ORG_MEMBER" }] });
    expect(res.body.results[0]).not.toHaveProperty("password");
  });
});

describe("the invitee's accept and reject (control API)", () => {
  it("accepting makes the roles active on a new account with the same id", async () => {
    const created = await invite("accept@example.com", {
      roles: { orgRoles: ["ORG_READ_ONLY"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_READ_ONLY"] }] },
    });
    await emulatorControl.acceptInvitation(emu, orgId, created.body.id);
    const got = await getUser(created.body.id);
    expectValid("GET", USER, got);
    expect(got.body).toMatchObject({ id: created.body.id, orgMembershipStatus: "ACTIVE", firstName: "Accept", lastName: "User" });
    expect(got.body.createdAt).toBeDefined();
    expect(got.body).not.toHaveProperty("invitationExpiresAt");
    expect(got.body).not.toHaveProperty("inviterUsername");
    const account = await call({ method: "GET", path: `/api/atlas/v2/users/${created.body.id}`, version: "2023-01-01" });
    expect(account.status).toBe(200);
    expect(account.body.roles).toEqual(
      expect.arrayContaining([
        { orgId: orgId, roleName: "ORG_READ_ONLY" },
        { groupId: projectId, roleName: "GROUP_READ_ONLY" },
      ]),
    );
  });

  it("an invitation expires after 30 days by the emulator clock, not before, and then cannot be accepted", async () => {
    const created = await invite("clock@example.com");
    await emulatorControl.advanceClock(emu, 30 * 24 * 3600 - 120);
    await renewToken();
    expect((await getUser(created.body.id)).body.orgMembershipStatus).toBe("PENDING");
    await emulatorControl.advanceClock(emu, 240);
    await renewToken();
    const expired = await getUser(created.body.id);
    expect(expired.body.orgMembershipStatus).toBe("INVITATION_EXPIRED");
    expectValid("GET", USER, expired);
    const res = await fetch(`${emu.baseUrl}/__emulator/orgs/${orgId}/users/${created.body.id}:accept`, { method: "POST" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("INVITATION_EXPIRED");
  });

  it("rejecting leaves an INVITATION_REJECTED record that cannot then be accepted", async () => {
    const created = await invite("no-thanks@example.com");
    await emulatorControl.rejectInvitation(emu, orgId, created.body.id);
    const got = await getUser(created.body.id);
    expect(got.body.orgMembershipStatus).toBe("INVITATION_REJECTED");
    expectValid("GET", USER, got);
    const res = await fetch(`${emu.baseUrl}/__emulator/orgs/${orgId}/users/${created.body.id}:accept`, { method: "POST" });
    expect(res.status).toBe(409);
  });
});

describe("limits", () => {
  it("250 users per team and 500 per org", async () => {
    const seeded = await emulatorControl.seed(emu, { teams: [{ orgId: orgId }] });
    const team = (seeded.teams as { id: string }[])[0]!.id;
    for (let i = 0; i < 250; i++) expect((await invite(`team${i}@example.com`, { teamIds: [team] })).status).toBe(201);
    const overTeam = await invite("team-over@example.com", { teamIds: [team] });
    expect(overTeam.status).toBe(400);
    expect(overTeam.body).toMatchObject({ errorCode: "MAX_USERS_PER_TEAM_EXCEEDED", parameters: [250, team] });

    for (let i = 250; i < 500; i++) expect((await invite(`org${i}@example.com`)).status).toBe(201);
    const overOrg = await invite("org-over@example.com");
    expect(overOrg.status).toBe(400);
    expect(overOrg.body).toMatchObject({ errorCode: "MAX_USERS_PER_ORG_EXCEEDED", parameters: [500, orgId] });

    // Expired and rejected invitations do not count.
    const list = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users?itemsPerPage=1`, version: V });
    expect(list.body.totalCount).toBe(500);
    const first = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users?username=org499@example.com`, version: V });
    await emulatorControl.rejectInvitation(emu, orgId, first.body.results[0].id);
    expect((await invite("org-over@example.com")).status).toBe(201);
  });
});

describe("invariants under arbitrary sequences (property)", () => {
  const USERNAMES = ["p1@example.com", "p2@example.com", "p3@example.com"];
  const ORG_ROLES = ["ORG_MEMBER", "ORG_READ_ONLY", "ORG_OWNER"];
  type Op =
    | { kind: "invite"; who: number; role: number; withProject: boolean }
    | { kind: "projectInvite"; who: number }
    | { kind: "accept" | "reject" | "delete"; who: number }
    | { kind: "addRole" | "removeRole"; who: number; role: number }
    | { kind: "advanceDays"; days: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("invite" as const), who: fc.nat(2), role: fc.nat(2), withProject: fc.boolean() }),
    fc.record({ kind: fc.constant("projectInvite" as const), who: fc.nat(2) }),
    fc.record({ kind: fc.constantFrom("accept" as const, "reject" as const, "delete" as const), who: fc.nat(2) }),
    fc.record({ kind: fc.constantFrom("addRole" as const, "removeRole" as const), who: fc.nat(2), role: fc.nat(2) }),
    fc.record({ kind: fc.constant("advanceDays" as const), days: fc.constantFrom(1, 10, 29) }),
  );

  async function findId(username: string): Promise<string | undefined> {
    const res = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users?username=${username}`, version: V });
    return res.body.results[0]?.id;
  }

  it("one record per username, no 5xx, spec-valid answers, and accounts' roles equal their active memberships", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        // Back to real time each run, or the clock would pass the 2023-01-01 sunset (410) after many runs.
        await emulatorControl.setClock(emu, new Date().toISOString());
        ({ orgId, projectId } = await seedOrgAndProject(emu));
        await renewToken();
        for (const o of ops) {
          let res: ApiResponse | undefined;
          let template = USER;
          if (o.kind === "advanceDays") {
            await emulatorControl.advanceClock(emu, o.days * 24 * 3600);
            await renewToken();
            continue;
          }
          const username = USERNAMES[o.who]!;
          if (o.kind === "invite") {
            const roles: Record<string, unknown> = { orgRoles: [ORG_ROLES[o.role]!] };
            if (o.withProject) roles.groupRoleAssignments = [{ groupId: projectId, groupRoles: ["GROUP_READ_ONLY"] }];
            res = await invite(username, { roles });
            template = USERS;
          } else if (o.kind === "projectInvite") {
            res = await call({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/users`, version: V, body: { username, roles: ["GROUP_OWNER"] } });
            template = "/api/atlas/v2/groups/{groupId}/users";
          } else {
            const id = await findId(username);
            if (!id) continue;
            if (o.kind === "accept" || o.kind === "reject") {
              const r = await fetch(`${emu.baseUrl}/__emulator/orgs/${orgId}/users/${id}:${o.kind}`, { method: "POST" });
              expect(r.status).toBeLessThan(500);
              continue;
            }
            if (o.kind === "delete") {
              res = await call({ method: "DELETE", path: `/api/atlas/v2/orgs/${orgId}/users/${id}`, version: V });
            } else if (o.kind === "addRole" || o.kind === "removeRole") {
              res = await call({
                method: "POST",
                path: `/api/atlas/v2/orgs/${orgId}/users/${id}:${o.kind}`,
                version: V,
                body: { orgRole: ORG_ROLES[o.role] },
              });
              template = `${USER}:${o.kind}`;
            }
          }
          if (!res) continue;
          expect(res.status).toBeLessThan(500);
          if (res.status < 300) expect(specProblems(o.kind === "delete" ? "DELETE" : "POST", template, res)).toEqual([]);
        }
        const all = await call({ method: "GET", path: `/api/atlas/v2/orgs/${orgId}/users`, version: V });
        expectValid("GET", USERS, all);
        const names = all.body.results.map((u: { username: string }) => u.username);
        expect(new Set(names).size).toBe(names.length);
        for (const member of all.body.results.filter((u: { orgMembershipStatus: string }) => u.orgMembershipStatus === "ACTIVE")) {
          const account = await call({ method: "GET", path: `/api/atlas/v2/users/${member.id}`, version: "2023-01-01" });
          expect(account.status).toBe(200);
          const inThisOrg = (account.body.roles as { orgId?: string; groupId?: string; roleName: string }[])
            .filter((r) => r.orgId === orgId || r.groupId === projectId)
            .map((r) => `${r.orgId ?? r.groupId}:${r.roleName}`)
            .sort();
          const expected = [
            ...member.roles.orgRoles.map((r: string) => `${orgId}:${r}`),
            ...member.roles.groupRoleAssignments.flatMap((a: { groupId: string; groupRoles: string[] }) => a.groupRoles.map((r) => `${a.groupId}:${r}`)),
          ].sort();
          expect(inThisOrg).toEqual(expected);
          expect(member.roles.orgRoles.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 25 },
    );
  });
});
