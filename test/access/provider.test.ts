/**
 * The four access resources' providers against the emulator over real HTTP
 * (no engine): `check` names the property before any request (a platform
 * without the API included), lost answers to creates end in one object made
 * by one request, limits and "not in the organization" come back as the
 * API's named errors with what to do, and the pure diff rules.
 */
import { inspect } from "node:util";
import { ResourceError } from "../../provider/common/errors";
import { resetContextsForTests as resetRuntimeForTests } from "../../provider/context";
import { planDiff as projectMembershipDiff, roleChange } from "../../provider/projectMembership/model";
import { provider as projectMembershipProvider } from "../../provider/projectMembership/provider";
import { provider as teamProvider } from "../../provider/team/provider";
import { provider as teamMembershipProvider } from "../../provider/teamMembership/provider";
import { provider as teamProjectAccessProvider } from "../../provider/teamProjectAccess/provider";
import { apiClient, seedOrgAndProject, serviceAccountToken } from "../support/atlasApi";
import { emulatorControl, startTestEmulator, type EmulatorHandle, type FaultRule } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";
import { requestsTo } from "../support/invariants";
import { configureForEmulator } from "../support/provider";
import { rejectionOf } from "../support/rejection";

jest.setTimeout(60_000);

let emu: EmulatorHandle;
let orgId: string;
let projectId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  for (const p of [teamProvider, teamMembershipProvider, teamProjectAccessProvider, projectMembershipProvider]) await configureForEmulator(p, emu);
});

beforeEach(async () => {
  ({ orgId, projectId } = await seedOrgAndProject(emu));
});

afterEach(async () => {
  await emulatorControl.clearFaults(emu);
  await emulatorControl.clearRequests(emu);
});

afterAll(async () => {
  await resetRuntimeForTests();
  await emu?.close();
});

type Checking = { check(o: unknown, n: unknown): Promise<{ inputs?: unknown; failures?: { property: string; reason: string }[] }> };

async function checked<T>(p: Checking, news: Record<string, unknown>): Promise<T> {
  const result = await p.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as T;
}

const lost = (method: string, path: RegExp): FaultRule => ({ method, path: path.source, reset: true, afterCommit: true, times: 1 });

async function store() {
  return (await emulatorControl.state(emu)) as unknown as {
    teams: { id: string; orgId: string; name: string }[];
    teamProjectRoles: { teamId: string; groupId: string; roleNames: string[] }[];
    orgMemberships: { orgId: string; username: string; status: string; teamIds: string[]; groupRoleAssignments: { groupId: string; groupRoles: string[] }[] }[];
  };
}

async function invite(username: string): Promise<string> {
  const call = apiClient(emu, await serviceAccountToken(emu));
  const res = await call({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/users`, version: "2025-02-19", body: { username, roles: { orgRoles: ["ORG_MEMBER"] } } });
  return res.body.id as string;
}

function expectNoSecretsIn(err: Error): void {
  const printed = [err.message, err.stack ?? "", JSON.stringify(err), inspect(err, { depth: 10 })].join("\n");
  assertNoSecrets(printed, [emu.privateKey, emu.clientSecret]);
}

describe("check: bad input is refused before any request, naming the property", () => {
  test.each([
    ["Team", teamProvider as Checking, () => ({ orgId: "nope", name: "" }), ["orgId", "name"]],
    ["TeamMembership", teamMembershipProvider as Checking, () => ({ orgId, teamId: "x", username: "not-an-email" }), ["teamId", "username"]],
    ["TeamProjectAccess", teamProjectAccessProvider as Checking, () => ({ projectId, teamId: "a".repeat(24), roles: ["ORG_OWNER"] }), ["roles[0]"]],
    ["ProjectMembership", projectMembershipProvider as Checking, () => ({ projectId, username: "ada@example.com", roles: [], reinvite: "always" }), ["roles", "reinvite"]],
  ])("%s", async (_name, p, news, properties) => {
    const result = await p.check({}, news());
    expect((result.failures ?? []).map((f) => f.property).sort()).toEqual([...properties].sort());
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });

  test("a platform without the teams and project-users API fails on platform, saying which to use", async () => {
    for (const [p, news] of [
      [teamProvider, { orgId, name: "x", platform: "cloud-manager" }],
      [teamMembershipProvider, { orgId, teamId: "a".repeat(24), username: "ada@example.com", platform: "ops-manager" }],
      [teamProjectAccessProvider, { projectId, teamId: "a".repeat(24), roles: ["GROUP_OWNER"], platform: "cloud-manager" }],
      [projectMembershipProvider, { projectId, username: "ada@example.com", roles: ["GROUP_OWNER"], platform: "ops-manager" }],
    ] as const) {
      const result = await (p as Checking).check({}, news);
      expect(result.failures).toEqual([{ property: "platform", reason: expect.stringMatching(/not available on (Cloud|Ops) Manager.*"atlas" or "atlas-v1"/) }]);
    }
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });
});

describe("lost answers to creates: one request applied, one object, recognised as ours", () => {
  test("Team: the team found by name after a lost POST is ours", async () => {
    await emulatorControl.setFaults(emu, [lost("POST", /\/orgs\/[a-f0-9]{24}\/teams$/)]);
    const created = await teamProvider.create(await checked(teamProvider, { orgId, name: "platform" }));
    expect(created.outs).toMatchObject({ orgId, name: "platform" });
    expect((await store()).teams.filter((t) => t.orgId === orgId)).toEqual([{ id: created.outs!.teamId, orgId, name: "platform" }]);
    expect(requestsTo(await emulatorControl.requests(emu), "POST", /\/teams$/)).toHaveLength(1);
  });

  test("TeamProjectAccess: the access found after a lost POST holds the declared roles: ours", async () => {
    const team = await teamProvider.create(await checked(teamProvider, { orgId, name: "ops" }));
    await emulatorControl.setFaults(emu, [lost("POST", /\/groups\/[a-f0-9]{24}\/teams$/)]);
    const created = await teamProjectAccessProvider.create(await checked(teamProjectAccessProvider, { projectId, teamId: team.outs!.teamId, roles: ["GROUP_OWNER"] }));
    expect(created.id).toBe(`${projectId}/${team.outs!.teamId}`);
    expect((await store()).teamProjectRoles.filter((r) => r.groupId === projectId)).toEqual([{ teamId: team.outs!.teamId, groupId: projectId, roleNames: ["GROUP_OWNER"] }]);
    expect(requestsTo(await emulatorControl.requests(emu), "POST", /\/groups\/[a-f0-9]{24}\/teams$/)).toHaveLength(1);
  });

  test("ProjectMembership: the pending membership found after a lost POST is ours", async () => {
    await emulatorControl.setFaults(emu, [lost("POST", /\/groups\/[a-f0-9]{24}\/users$/)]);
    const created = await projectMembershipProvider.create(await checked(projectMembershipProvider, { projectId, username: "lin@example.com", roles: ["GROUP_READ_ONLY"] }));
    expect(created.outs).toMatchObject({ status: "PENDING", roles: ["GROUP_READ_ONLY"], rolesBefore: [] });
    expect((await store()).orgMemberships.filter((m) => m.orgId === orgId && m.username === "lin@example.com")).toHaveLength(1);
    expect(requestsTo(await emulatorControl.requests(emu), "POST", /\/groups\/[a-f0-9]{24}\/users$/)).toHaveLength(1);
  });

  test("TeamMembership: a lost :addUser is sent once more (it is safe to repeat)", async () => {
    const team = await teamProvider.create(await checked(teamProvider, { orgId, name: "readers" }));
    await invite("max@example.com");
    await emulatorControl.setFaults(emu, [lost("POST", /:addUser$/)]);
    const created = await teamMembershipProvider.create(await checked(teamMembershipProvider, { orgId, teamId: team.outs!.teamId, username: "max@example.com" }));
    expect(created.outs).toMatchObject({ status: "PENDING", teamId: team.outs!.teamId });
    expect((await store()).orgMemberships.find((m) => m.orgId === orgId && m.username === "max@example.com")?.teamIds).toEqual([team.outs!.teamId]);
  });
});

describe("rate limits and server errors on the team and project endpoints: the core's retries, nothing twice", () => {
  test("429 storms on every create, and 503s on the reads, end in one team, one access, one member, one project membership", async () => {
    const storm = (method: string, path: RegExp): FaultRule => ({ method, path: path.source, status: 429, retryAfter: 0, times: 2 });
    await emulatorControl.setFaults(emu, [
      storm("POST", /\/orgs\/[a-f0-9]{24}\/teams$/),
      storm("POST", /\/groups\/[a-f0-9]{24}\/teams$/),
      storm("POST", /:addUser$/),
      storm("POST", /\/groups\/[a-f0-9]{24}\/users$/),
      { method: "GET", path: /\/groups\/[a-f0-9]{24}\/teams\/[a-f0-9]{24}$/.source, status: 503, times: 1 },
    ]);
    const team = await teamProvider.create(await checked(teamProvider, { orgId, name: "stormy" }));
    const teamId = team.outs!.teamId;
    await teamProjectAccessProvider.create(await checked(teamProjectAccessProvider, { projectId, teamId, roles: ["GROUP_READ_ONLY"] }));
    await invite("rae@example.com");
    await teamMembershipProvider.create(await checked(teamMembershipProvider, { orgId, teamId, username: "rae@example.com" }));
    await projectMembershipProvider.create(await checked(projectMembershipProvider, { projectId, username: "sam@example.com", roles: ["GROUP_READ_ONLY"] }));

    const s = await store();
    expect(s.teams.filter((t) => t.orgId === orgId)).toHaveLength(1);
    expect(s.teamProjectRoles.filter((r) => r.groupId === projectId)).toEqual([{ teamId, groupId: projectId, roleNames: ["GROUP_READ_ONLY"] }]);
    expect(s.orgMemberships.find((m) => m.orgId === orgId && m.username === "rae@example.com")?.teamIds).toEqual([teamId]);
    expect(s.orgMemberships.filter((m) => m.orgId === orgId && m.username === "sam@example.com")).toHaveLength(1);
    const log = await emulatorControl.requests(emu);
    expect(requestsTo(log, "POST", /\/orgs\/[a-f0-9]{24}\/teams$/).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(requestsTo(log, "POST", /\/groups\/[a-f0-9]{24}\/users$/).map((r) => r.status)).toEqual([429, 429, 201]);
  });
});

describe("the API's named errors, explained", () => {
  test("TeamMembership of someone outside the organization: USER_NOT_IN_ORG, invite them first", async () => {
    const team = await teamProvider.create(await checked(teamProvider, { orgId, name: "outsiders" }));
    const err = await rejectionOf(teamMembershipProvider.create(await checked(teamMembershipProvider, { orgId, teamId: team.outs!.teamId, username: "stranger@example.com" })), ResourceError);
    expect(err.code).toBe("USER_NOT_IN_ORG");
    expect(err.message).toMatch(/stranger@example\.com is not a member of organization.*OrgInvitation.*dependsOn/);
    expectNoSecretsIn(err);
  });

  test("a second team with the same name: refused, naming adopt; with adopt it is taken over", async () => {
    await teamProvider.create(await checked(teamProvider, { orgId, name: "dup" }));
    const err = await rejectionOf(teamProvider.create(await checked(teamProvider, { orgId, name: "dup" })), ResourceError);
    expect(err.code).toBe("ATLAS_USERS_ALREADY_EXISTS");
    expect(err.message).toMatch(/adopt: true/);
    const adopted = await teamProvider.create(await checked(teamProvider, { orgId, name: "dup", adopt: true }));
    expect((await store()).teams.filter((t) => t.orgId === orgId).map((t) => t.id)).toEqual([adopted.outs!.teamId]);
  });

  test("the 251st team of an organization: MAX_TEAMS_PER_ORG_EXCEEDED, with the limit and what to do", async () => {
    const call = apiClient(emu, await serviceAccountToken(emu));
    for (let i = 0; i < 250; i++) await call({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/teams`, version: "2023-01-01", body: { name: `t${i}`, usernames: [] } });
    const err = await rejectionOf(teamProvider.create(await checked(teamProvider, { orgId, name: "one-too-many" })), ResourceError);
    expect(err.code).toBe("MAX_TEAMS_PER_ORG_EXCEEDED");
    expect(err.message).toMatch(/at most 250 teams/);
  });

  test("a person already in the project: refused naming adopt; adopted, the declared role is added and destroy leaves the earlier one", async () => {
    await projectMembershipProvider.create(await checked(projectMembershipProvider, { projectId, username: "kim@example.com", roles: ["GROUP_OWNER"] }));
    const news = { projectId, username: "kim@example.com", roles: ["GROUP_READ_ONLY"] };
    const err = await rejectionOf(projectMembershipProvider.create(await checked(projectMembershipProvider, news)), ResourceError);
    expect(err.code).toBe("ATLAS_USERS_ALREADY_MEMBER");
    const adopted = await projectMembershipProvider.create(await checked(projectMembershipProvider, { ...news, adopt: true }));
    expect(adopted.outs).toMatchObject({ roles: ["GROUP_READ_ONLY"], heldRoles: ["GROUP_OWNER", "GROUP_READ_ONLY"], rolesBefore: ["GROUP_OWNER"] });
    await projectMembershipProvider.delete(adopted.id, adopted.outs!);
    const kim = (await store()).orgMemberships.find((m) => m.orgId === orgId && m.username === "kim@example.com");
    expect(kim?.groupRoleAssignments).toEqual([{ groupId: projectId, groupRoles: ["GROUP_OWNER"] }]);
  });
});

describe("ProjectMembership's invitation lifecycle", () => {
  test("declined: left as it is by default (status tells), invited again under on-expiry-or-rejection", async () => {
    const news = await checked<Record<string, unknown>>(projectMembershipProvider, { projectId, username: "noor@example.com", roles: ["GROUP_READ_ONLY"] });
    const created = await projectMembershipProvider.create(news as never);
    await emulatorControl.rejectInvitation(emu, orgId, created.outs!.userId);
    const read = await projectMembershipProvider.read(created.id, created.outs!);
    expect(read.props).toMatchObject({ status: "INVITATION_REJECTED", roles: ["GROUP_READ_ONLY"] });
    expect(await projectMembershipProvider.diff(created.id, read.props!, news as never)).toMatchObject({ changes: false });

    await emulatorControl.clearRequests(emu);
    const kept = await projectMembershipProvider.update(created.id, read.props!, news as never);
    expect(kept.outs).toMatchObject({ status: "INVITATION_REJECTED" });
    expect((await emulatorControl.requests(emu)).filter((r) => r.method !== "GET" && r.auth !== "digest-challenge")).toEqual([]);

    const again = { ...news, reinvite: "on-expiry-or-rejection" };
    expect(await projectMembershipProvider.diff(created.id, read.props!, again as never)).toMatchObject({ changes: true, replaces: [] });
    const reinvited = await projectMembershipProvider.update(created.id, read.props!, again as never);
    expect(reinvited.outs).toMatchObject({ status: "PENDING", roles: ["GROUP_READ_ONLY"] });
    expect((await store()).orgMemberships.filter((m) => m.orgId === orgId && m.username === "noor@example.com")).toMatchObject([{ status: "PENDING" }]);
  });
});

describe("ProjectMembership's diff rule (pure)", () => {
  const now = new Date("2026-06-01T00:00:00Z");
  const olds = {
    projectId: "6a7b8c9d0e1f5f1b2c3d4e5f",
    username: "Ada@Example.com",
    roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] as never,
    reinvite: "on-expiry" as const,
    adopt: false,
    userId: "5f1b2c3d4e5f6a7b8c9d0e1f",
    status: "PENDING" as const,
    invitationExpiresAt: "2026-06-20T00:00:00Z",
    heldRoles: ["GROUP_OWNER", "GROUP_READ_ONLY"],
    rolesBefore: [],
  };
  const news = { projectId: olds.projectId, username: "ada@example.com", roles: ["GROUP_READ_ONLY", "GROUP_OWNER"] as never, reinvite: "on-expiry" as const, adopt: false };

  test("reordered roles, a username's letter case and acceptance are not changes", () => {
    expect(projectMembershipDiff(olds, news, now)).toMatchObject({ changes: false, replaces: [] });
    expect(projectMembershipDiff({ ...olds, status: "ACTIVE" }, news, now)).toMatchObject({ changes: false });
  });

  test("another project or person replaces; other roles update in place", () => {
    expect(projectMembershipDiff(olds, { ...news, projectId: "0".repeat(24) }, now)).toMatchObject({ changes: true, replaces: ["projectId"] });
    expect(projectMembershipDiff(olds, { ...news, roles: ["GROUP_OWNER"] as never }, now)).toMatchObject({ changes: true, replaces: [] });
  });

  test("an expired invitation is a change under on-expiry, not under never; a pending one past its stored expiry too", () => {
    expect(projectMembershipDiff({ ...olds, status: "INVITATION_EXPIRED" }, news, now)).toMatchObject({ changes: true, replaces: [] });
    expect(projectMembershipDiff({ ...olds, status: "INVITATION_EXPIRED", reinvite: "never" }, { ...news, reinvite: "never" }, now)).toMatchObject({ changes: false });
    expect(projectMembershipDiff(olds, news, new Date("2026-07-01T00:00:00Z"))).toMatchObject({ changes: true, replaces: [] });
  });

  test("role changes are the difference: roles others gave and roles held before adoption stay", () => {
    const held = ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_SEARCH_INDEX_EDITOR"];
    expect(roleChange({ roles: ["GROUP_OWNER", "GROUP_READ_ONLY"], rolesBefore: [] }, { roles: ["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"] as never }, held)).toEqual({
      add: ["GROUP_CLUSTER_MANAGER"],
      remove: ["GROUP_OWNER"],
    });
    expect(roleChange({ roles: ["GROUP_OWNER", "GROUP_READ_ONLY"], rolesBefore: ["GROUP_OWNER"] }, { roles: ["GROUP_READ_ONLY"] as never }, held)).toEqual({ add: [], remove: [] });
  });
});
