/**
 * Faults through the real engine, one stack against one emulator: 429 storms
 * (create, read, update, delete), 5xx on POST (read back before any retry) and on GET/DELETE
 * (retried), lost responses (applied, then the connection reset), and
 * answers slower than the request timeout; for a CloudUser, a lost account
 * create and 429 storms on the membership endpoints (role change, delete).
 * After each run: the emulator and Pulumi's state hold the same users,
 * accounts and memberships, each once, and the next run converges.
 * A second stack does the same for ProjectMembership, Team, TeamMembership,
 * TeamProjectAccess, CustomDbRole and X509Certificate (429 storms on create,
 * update and destroy; lost create answers), where the invariant also
 * compares custom roles with their privileges and certificates.
 */
import { CloudUser } from "../../provider/cloudUser";
import { CustomDbRole } from "../../provider/customDbRole";
import { DatabaseUser } from "../../provider/databaseUser";
import { OrgInvitation } from "../../provider/orgInvitation";
import { ProjectMembership } from "../../provider/projectMembership";
import { Team } from "../../provider/team";
import { TeamMembership } from "../../provider/teamMembership";
import { TeamProjectAccess } from "../../provider/teamProjectAccess";
import { X509Certificate } from "../../provider/x509Certificate";
import type { OrgRoleName } from "../../provider/orgInvitation/resource";
import { CONFIG_KEYS } from "../../provider/config";
import { emulatorControl, startTestEmulator, type EmulatorHandle, type LoggedRequest } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { AUTH_HEADER_VALUE, emulatorView, expectStateMatchesEmulator, requestsTo, statusCounts } from "../support/invariants";

jest.setTimeout(300_000);

const PASSWORDS: Record<string, string> = {};
const passwordOf = (username: string) => (PASSWORDS[username] ??= `pw-${username}-${Math.random().toString(36).slice(2, 12)}`);

interface DbDecl {
  username: string;
  description?: string;
}
interface InviteDecl {
  username: string;
  roles: OrgRoleName[];
}
interface CloudDecl {
  username: string;
  /** Role names in the emulator's org and project. */
  orgRole: string;
  projectRole: string;
}

const DB_POST = /\/groups\/[a-f0-9]{24}\/databaseUsers$/;
const DB_ONE = /\/groups\/[a-f0-9]{24}\/databaseUsers\/admin\/[^/]+$/;
const ORG_POST = /\/orgs\/[a-f0-9]{24}\/users$/;
const CLOUD_POST = /^\/api\/atlas\/v2\/users$/;
/** Atlas org and project membership endpoints (invite, read, :addRole, :removeRole, remove). */
const MEMBERSHIPS = /^\/api\/atlas\/v2\/(orgs|groups)\/[a-f0-9]{24}\/users(\/|$)/;

/** A fault rule's path is a regular expression source. */
const src = (re: RegExp) => re.source;

describeEngine("faults through the engine", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let dbUsers: DbDecl[] = [];
  let invites: InviteDecl[] = [];
  let cloudUsers: CloudDecl[] = [];
  /** What runs outside the harness's `up` printed (scanned for secrets too). */
  let extraOutput = "";

  const program = async () => {
    for (const d of dbUsers) {
      new DatabaseUser(d.username, {
        projectId: emu.projectId,
        username: d.username,
        password: passwordOf(d.username),
        roles: [{ roleName: "readWrite", databaseName: "app" }],
        ...(d.description !== undefined ? { description: d.description } : {}),
      });
    }
    for (const i of invites) {
      new OrgInvitation(i.username.split("@")[0], { orgId: emu.orgId, username: i.username, roles: i.roles });
    }
    for (const [n, c] of cloudUsers.entries()) {
      new CloudUser(`cloud-${c.username.split("@")[0]}`, {
        username: c.username,
        // Not derived from the username: Atlas refuses a password that contains it.
        password: passwordOf(`account-${n}`),
        firstName: "Carol",
        lastName: "Shaw",
        country: "US",
        mobileNumber: "212-555-0100",
        roles: [
          { orgId: emu.orgId, roleName: c.orgRole },
          { projectId: emu.projectId, roleName: c.projectRole },
        ],
      });
    }
  };

  const declare = (db: DbDecl[], inv: InviteDecl[] = invites, cloud: CloudDecl[] = cloudUsers) => {
    dbUsers = db;
    invites = inv;
    cloudUsers = cloud;
  };

  /** Runs `up` with these faults armed, returns this run's request log. */
  async function upWith(rules: Parameters<typeof emulatorControl.setFaults>[1], opts: { refresh?: boolean } = {}) {
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, rules);
    try {
      const up = await stack.up(opts);
      return { up, log: await emulatorControl.requests(emu) };
    } finally {
      await emulatorControl.clearFaults(emu);
    }
  }

  async function expectConverged(): Promise<void> {
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
  }

  beforeAll(async () => {
    emu = await startTestEmulator();
    stack = await createEngineStack({ emulator: emu, program });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("429 storm on create: every create is retried after Retry-After and succeeds, once", async () => {
    declare(
      ["rl-1", "rl-2", "rl-3", "rl-4"].map((username) => ({ username })),
      [{ username: "ada@example.com", roles: ["ORG_MEMBER"] }],
    );
    const { up, log } = await upWith([
      { method: "POST", path: src(DB_POST), status: 429, retryAfter: 1, times: 6 },
      { method: "POST", path: src(ORG_POST), status: 429, retryAfter: 1, times: 2 },
    ]);
    expect(up.summary).toMatchObject({ create: 5, update: 0, delete: 0 });
    expect(statusCounts(requestsTo(log, "POST", DB_POST))).toEqual({ 201: 4, 429: 6 });
    expect(statusCounts(requestsTo(log, "POST", ORG_POST))).toEqual({ 201: 1, 429: 2 });
    await expectStateMatchesEmulator(stack, emu);
  });

  test("429 on read, update and delete in one `up --refresh`: all retried, all applied", async () => {
    declare([{ username: "rl-1", description: "changed under a 429 storm" }, { username: "rl-2" }, { username: "rl-3" }]);
    const { up, log } = await upWith(
      [
        { method: "GET", path: src(DB_ONE), status: 429, retryAfter: 1, times: 3 },
        { method: "PATCH", path: src(DB_ONE), status: 429, retryAfter: 1, times: 2 },
        { method: "DELETE", path: src(DB_ONE), status: 429, retryAfter: 1, times: 2 },
      ],
      { refresh: true },
    );
    expect(up.summary).toMatchObject({ update: 1, delete: 1, create: 0 });
    expect(statusCounts(requestsTo(log, "PATCH", DB_ONE))).toEqual({ 200: 1, 429: 2 });
    expect(statusCounts(requestsTo(log, "DELETE", DB_ONE))).toEqual({ 204: 1, 429: 2 });
    expect(statusCounts(requestsTo(log, "GET", DB_ONE))[429]).toBe(3);
    // The one DELETE path: its retries came no earlier than Retry-After.
    expectSpacedByAtLeast(requestsTo(log, "DELETE", DB_ONE), 1000);
    const live = await emulatorView(emu);
    expect(live.databaseUsers.find((u) => u.username === "rl-1")).toMatchObject({ description: "changed under a 429 storm" });
    await expectStateMatchesEmulator(stack, emu);
  });

  test("5xx on POST is never retried blindly: the provider reads back first; a create applied before the 500 is kept, one that failed twice fails the up naming the user; the next up converges", async () => {
    declare(
      [...dbUsers, { username: "five-hundred" }],
      [...invites, { username: "grace@example.com", roles: ["ORG_MEMBER"] }],
    );
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, [
      { method: "POST", path: src(DB_POST), status: 503, times: 2 },
      { method: "POST", path: src(ORG_POST), status: 500, afterCommit: true, times: 1 },
    ]);
    let message = "";
    try {
      // --continue-on-error: one failed create does not stop the other from being tried.
      await stack.stack.up({ continueOnError: true, onOutput: (text) => (extraOutput += text) });
    } catch (err) {
      message = (err as Error).message;
      extraOutput += message;
    } finally {
      await emulatorControl.clearFaults(emu);
    }
    expect(message).toMatch(/creating database user .*five-hundred.*HTTP 503/);
    expect(message).not.toMatch(/inviting grace@example\.com/);
    const log = await emulatorControl.requests(emu);
    // Database user: POST 503, a read that finds nothing, one more POST 503.
    expect(statusCounts(requestsTo(log, "POST", DB_POST))).toEqual({ 503: 2 });
    // Invitation: applied, then answered 500; read back and kept, not sent again.
    expect(statusCounts(requestsTo(log, "POST", ORG_POST))).toEqual({ 500: 1 });
    const live = await expectStateMatchesEmulator(stack, emu);
    expect(live.orgMembers).toContain(`${emu.orgId}/grace@example.com`);

    // GET and DELETE failing with 5xx are retried; the failed creates go through now.
    declare(dbUsers.filter((d) => d.username !== "rl-3"));
    const { up, log: log2 } = await upWith(
      [
        { method: "GET", path: src(DB_ONE), status: 500, times: 2 },
        { method: "DELETE", path: src(DB_ONE), status: 503, times: 2 },
      ],
      { refresh: true },
    );
    expect(up.summary).toMatchObject({ create: 1, delete: 1 });
    expect(statusCounts(requestsTo(log2, "DELETE", DB_ONE))).toEqual({ 204: 1, 503: 2 });
    expect(statusCounts(requestsTo(log2, "GET", DB_ONE))[500]).toBe(2);
    await expectStateMatchesEmulator(stack, emu);
    await expectConverged();
  });

  test("lost responses (applied, then the connection reset) on create, PATCH and DELETE: no duplicate, no orphan, no failure", async () => {
    declare(
      [
        { username: "rl-1", description: "changed while the answer was lost" },
        ...dbUsers.filter((d) => d.username !== "rl-1" && d.username !== "rl-2"),
        { username: "lost-create" },
      ],
      [...invites, { username: "alan@example.com", roles: ["ORG_MEMBER"] }],
      [{ username: "carol@example.com", orgRole: "ORG_MEMBER", projectRole: "GROUP_READ_ONLY" }],
    );
    const { up, log } = await upWith([
      { method: "POST", path: src(DB_POST), reset: true, afterCommit: true, times: 1 },
      { method: "PATCH", path: src(DB_ONE), reset: true, afterCommit: true, times: 1 },
      { method: "DELETE", path: src(DB_ONE), reset: true, afterCommit: true, times: 1 },
      { method: "POST", path: src(ORG_POST), reset: true, afterCommit: true, times: 1 },
      { method: "POST", path: src(CLOUD_POST), reset: true, afterCommit: true, times: 1 },
    ]);
    expect(up.summary).toMatchObject({ create: 3, update: 1, delete: 1 });
    // Each create was sent once: the lost answer was recovered by reading back, not by a blind re-POST.
    expect(requestsTo(log, "POST", DB_POST)).toHaveLength(1);
    expect(requestsTo(log, "POST", ORG_POST)).toHaveLength(1);
    expect(requestsTo(log, "POST", CLOUD_POST)).toHaveLength(1);
    const live = await emulatorView(emu);
    expect(live.databaseUsers.find((u) => u.username === "rl-1")).toMatchObject({ description: "changed while the answer was lost" });
    const identities = await expectStateMatchesEmulator(stack, emu);
    expect(identities.cloudUsers).toEqual(["carol@example.com"]);
    expect(identities.orgMembers).toContain(`${emu.orgId}/carol@example.com`);
    expect(identities.projectMembers).toEqual([`${emu.projectId}/carol@example.com`]);
    await expectConverged();
  });

  test("429 storm on the membership endpoints while a CloudUser's roles change: every call retried after Retry-After, roles end as declared", async () => {
    // Carol accepted her invitation: the change goes through :addRole / :removeRole on live memberships.
    const carol = (await emulatorView(emu)).cloudUsers.find((u) => u.username === "carol@example.com")!;
    await emulatorControl.acceptInvitation(emu, emu.orgId, carol.id);
    declare(dbUsers, invites, [{ username: "carol@example.com", orgRole: "ORG_READ_ONLY", projectRole: "GROUP_DATA_ACCESS_READ_ONLY" }]);
    const { up, log } = await upWith([{ path: src(MEMBERSHIPS), status: 429, retryAfter: 1, times: 6 }]);
    expect(up.summary).toMatchObject({ update: 1, create: 0, delete: 0, replace: 0 });
    const calls = log.filter((r) => MEMBERSHIPS.test(r.path) && r.auth !== "digest-challenge");
    expect(statusCounts(calls)[429]).toBe(6);
    // Every 429 was followed by a successful repeat: nothing failed.
    expect(calls.filter((r) => r.status >= 400 && r.status !== 429 && r.status !== 404)).toEqual([]);
    const membership = (await emulatorView(emu)).orgMemberships.find((m) => m.userId === carol.id)! as unknown as {
      orgRoles: string[];
      groupRoleAssignments: { groupId: string; groupRoles: string[] }[];
    };
    expect(membership.orgRoles).toEqual(["ORG_READ_ONLY"]);
    expect(membership.groupRoleAssignments).toEqual([{ groupId: emu.projectId, groupRoles: ["GROUP_DATA_ACCESS_READ_ONLY"] }]);
    await expectStateMatchesEmulator(stack, emu);
    await expectConverged();
  });

  test("answers slower than the request timeout: a timed-out create is read back, the timed-out read is retried; nothing doubled", async () => {
    // Taken up by this up's provider (a refresh would still use the configuration recorded in state).
    await stack.setConfig(CONFIG_KEYS.requestTimeoutMs, "1500");
    try {
      declare([...dbUsers, { username: "slow-create" }]);
      const { up, log } = await upWith([
        { method: "POST", path: src(DB_POST), delayMs: 4000, times: 1 },
        { method: "GET", path: src(DB_ONE), delayMs: 4000, times: 1 },
      ]);
      expect(up.summary).toMatchObject({ create: 1 });
      const posts = requestsTo(log, "POST", DB_POST) as (LoggedRequest & { fault?: string })[];
      const reads = requestsTo(log, "GET", /\/databaseUsers\/admin\/slow-create$/) as (LoggedRequest & { fault?: string })[];
      // The POST timed out (held 4 s > 1.5 s), so the provider looked; that look timed out too and was repeated.
      expect(posts[0].fault).toBe("delay");
      expect(reads[0].fault).toBe("delay");
      expect(reads.length).toBeGreaterThanOrEqual(2);
      // The held POST lands after the provider gave up on it; give it time to land, then compare.
      await new Promise((r) => setTimeout(r, 4000));
      await expectStateMatchesEmulator(stack, emu);
      await expectConverged();
    } finally {
      await stack.stack.removeConfig(CONFIG_KEYS.requestTimeoutMs);
    }
  });

  test("no password, private key or token anywhere in the state or the engine's output", async () => {
    const secrets = [emu.privateKey, ...Object.values(PASSWORDS)];
    expect(Object.keys(PASSWORDS).length).toBeGreaterThan(5);
    assertNoSecrets(JSON.stringify(await stack.exportState()), secrets);
    assertNoSecrets(stack.stateFileText(), secrets);
    assertNoSecrets(stack.allOutput() + extraOutput, secrets);
    expect(stack.allOutput() + extraOutput).not.toMatch(AUTH_HEADER_VALUE);
    // __provider is the shim only: no credential, not even the public key or the address.
    const resources = await stack.resources();
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) {
      for (const text of [r.inputs.__provider, r.outputs.__provider] as string[]) {
        assertNoSecrets(text, [...secrets, emu.publicKey, emu.baseUrl]);
      }
    }
  });

  test("destroy under a 429 storm on the membership endpoints leaves nothing behind but the account Atlas cannot delete, without any membership", async () => {
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, [{ path: src(MEMBERSHIPS), status: 429, retryAfter: 1, times: 4 }]);
    try {
      const destroy = await stack.destroy();
      expect(destroy.summary.delete).toBeGreaterThan(0);
    } finally {
      await emulatorControl.clearFaults(emu);
    }
    const calls = (await emulatorControl.requests(emu)).filter((r) => MEMBERSHIPS.test(r.path) && r.auth !== "digest-challenge");
    expect(statusCounts(calls)[429]).toBe(4);
    // Atlas has no API to delete an account: Carol's stays, and must hold no membership.
    const live = await expectStateMatchesEmulator(stack, emu, { retainedAccounts: ["carol@example.com"] });
    expect(live).toEqual({ databaseUsers: [], cloudUsers: [], orgMembers: [], projectMembers: [], teams: [], teamMembers: [], teamProjects: [], customDbRoles: [], certificates: [] });
    expect((await emulatorView(emu)).cloudUsers.map((u) => u.username)).toEqual(["carol@example.com"]);
  });
});

/** Consecutive requests (to one path) arrived at least `ms` apart, by the emulator clock. */
function expectSpacedByAtLeast(requests: readonly LoggedRequest[], ms: number): void {
  expect(requests.length).toBeGreaterThan(1);
  for (let i = 1; i < requests.length; i++) {
    const gap = Date.parse(requests[i].at!) - Date.parse(requests[i - 1].at!);
    expect(gap).toBeGreaterThanOrEqual(ms);
  }
}

/**
 * The same faults on the access and database-access resources (ProjectMembership,
 * Team, TeamMembership, TeamProjectAccess, CustomDbRole, X509Certificate and the
 * managed X.509 user holding the custom role), on a stack of their own: 429
 * storms on create, update and destroy, and lost create answers. After each
 * run the invariant holds (emulator = state) and the next preview plans nothing.
 */
describeEngine("faults through the engine: access and database-access resources", () => {
  /** One set of the seven resources; `suffix` tells the sets apart. */
  interface AccessDecl {
    suffix: string;
    teamName: string;
    teamRoles: string[];
    /** Who the TeamMembership puts in the team (an active org member seeded outside the stack). */
    member: string;
    /** Who the ProjectMembership invites to the project. */
    person: string;
    personRoles: string[];
    roleName: string;
    actions: { action: string; resources: ({ db: string; collection?: string } | { cluster: true })[] }[];
    certMonths: number;
  }

  const SEEDED = ["ada@example.com", "bob@example.com"];
  const PM_POST = /^\/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/users$/;
  const TEAM_POST = /^\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/teams$/;
  const TEAM_ONE = /^\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/teams\/[a-f0-9]{24}$/;
  const TEAM_ADD = /^\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/teams\/[a-f0-9]{24}:addUser$/;
  const TEAM_REMOVE = /^\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/teams\/[a-f0-9]{24}:removeUser$/;
  const ACCESS_POST = /^\/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/teams$/;
  const ACCESS_ONE = /^\/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/teams\/[a-f0-9]{24}$/;
  const ROLE_POST = /^\/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/customDBRoles\/roles$/;
  const ROLE_ONE = /^\/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/customDBRoles\/roles\/[^/]+$/;
  const CERT_POST = /^\/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/databaseUsers\/[^/]+\/certs$/;
  const CREATES = { PM_POST, TEAM_POST, TEAM_ADD, ACCESS_POST, ROLE_POST, CERT_POST };

  let emu: EmulatorHandle;
  let stack: EngineStack;
  let decls: AccessDecl[] = [];
  /** Every certificate (with its key) the stack was handed: none may appear in plain text anywhere. */
  const pems = new Set<string>();
  const first: AccessDecl = {
    suffix: "",
    teamName: "platform",
    teamRoles: ["GROUP_READ_ONLY"],
    member: "ada@example.com",
    person: "dora@example.com",
    personRoles: ["GROUP_READ_ONLY"],
    roleName: "reportsReader",
    actions: [{ action: "FIND", resources: [{ db: "reports", collection: "daily" }] }],
    certMonths: 3,
  };

  const program = async () => {
    for (const d of decls) {
      const s = d.suffix;
      const team = new Team(`team${s}`, { orgId: emu.orgId, name: d.teamName });
      new TeamMembership(`member${s}`, { orgId: emu.orgId, teamId: team.teamId, username: d.member });
      new TeamProjectAccess(`access${s}`, { projectId: emu.projectId, teamId: team.teamId, roles: d.teamRoles as never });
      new ProjectMembership(`person${s}`, { projectId: emu.projectId, username: d.person, roles: d.personRoles as never });
      const role = new CustomDbRole(`role${s}`, {
        projectId: emu.projectId,
        roleName: d.roleName,
        actions: d.actions as never,
        inheritedRoles: [{ roleName: "read", databaseName: "archive" }],
      });
      // The user holds the custom role: created after it, deleted before it.
      const user = new DatabaseUser(`etl${s}`, { projectId: emu.projectId, username: `etl${s}`, x509Type: "MANAGED", roles: [{ roleName: role.roleName, databaseName: "admin" }] });
      new X509Certificate(`cert${s}`, { projectId: emu.projectId, username: user.username, monthsUntilExpiration: d.certMonths });
    }
  };

  async function upWith(rules: Parameters<typeof emulatorControl.setFaults>[1]) {
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, rules);
    try {
      const up = await stack.up();
      return { up, log: await emulatorControl.requests(emu) };
    } finally {
      await emulatorControl.clearFaults(emu);
    }
  }

  const invariant = (unheldCertificates?: Record<string, number>) =>
    expectStateMatchesEmulator(stack, emu, { outsideStack: SEEDED, ...(unheldCertificates ? { unheldCertificates } : {}) });

  async function expectConverged(): Promise<void> {
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
  }

  /** Keeps the certificates the state holds, to look for them in plain text later. */
  async function collectPems(): Promise<void> {
    const state = await stack.exportState({ showSecrets: true });
    for (const r of state.deployment.resources as { type: string; outputs?: { certificate?: string | { plaintext: string } } }[]) {
      const cert = r.type.endsWith(":X509Certificate") ? r.outputs?.certificate : undefined;
      // A decrypted secret is exported as `{<sig>, plaintext: <JSON text>}`.
      if (cert !== undefined) pems.add(typeof cert === "string" ? cert : (JSON.parse(cert.plaintext) as string));
    }
    for (const pem of pems) expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  }

  const sent = (log: readonly LoggedRequest[], method: string, path: RegExp) => statusCounts(requestsTo(log, method, path));
  const accepted = (counts: Record<number, number>) => Object.entries(counts).filter(([status]) => Number(status) < 300).reduce((n, [, c]) => n + c, 0);

  beforeAll(async () => {
    emu = await startTestEmulator();
    await emulatorControl.seed(emu, { cloudUsers: SEEDED.map((username) => ({ username, roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }] })) });
    stack = await createEngineStack({ emulator: emu, program });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("429 storm on every create: each create is retried after Retry-After and applied once (one certificate, one role, one team...)", async () => {
    decls = [first];
    const { up, log } = await upWith(Object.values(CREATES).map((re) => ({ method: "POST", path: src(re), status: 429, retryAfter: 1, times: 2 })));
    expect(up.summary).toMatchObject({ create: 7, update: 0, delete: 0 });
    for (const [name, re] of Object.entries(CREATES)) {
      const counts = sent(log, "POST", re);
      expect({ [name]: counts[429] }).toEqual({ [name]: 2 });
      expect({ [name]: accepted(counts) }).toEqual({ [name]: 1 });
    }
    const live = await invariant();
    expect(live.certificates).toHaveLength(1);
    expect(live.customDbRoles).toEqual([`${emu.projectId}/reportsReader actions=[FIND(reports.daily)] inherited=[read@archive]`]);
    expect(live.teamMembers).toHaveLength(1);
    expect(live.teamProjects).toHaveLength(1);
    expect(live.projectMembers).toEqual([`${emu.projectId}/dora@example.com`]);
    await collectPems();
    await expectConverged();
  });

  test("429 storm on every update (team renamed, team and person roles changed, custom role's privileges changed): all retried, all applied", async () => {
    decls = [
      {
        ...first,
        teamName: "platform-renamed",
        teamRoles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"],
        personRoles: ["GROUP_DATA_ACCESS_READ_ONLY"],
        actions: [
          { action: "FIND", resources: [{ db: "reports" }] },
          { action: "LIST_DATABASES", resources: [{ cluster: true }] },
        ],
        certMonths: 6,
      },
    ];
    const { up, log } = await upWith([
      { method: "PATCH", path: src(TEAM_ONE), status: 429, retryAfter: 1, times: 2 },
      { method: "PATCH", path: src(ACCESS_ONE), status: 429, retryAfter: 1, times: 2 },
      { method: "PATCH", path: src(ROLE_ONE), status: 429, retryAfter: 1, times: 2 },
      { path: src(MEMBERSHIPS), status: 429, retryAfter: 1, times: 3 },
    ]);
    // The certificate's monthsUntilExpiration is an update of the state only (it applies from the next certificate).
    expect(up.summary).toMatchObject({ update: 5, create: 0, delete: 0, replace: 0 });
    for (const re of [TEAM_ONE, ACCESS_ONE, ROLE_ONE]) expect(sent(log, "PATCH", re)).toEqual({ 200: 1, 429: 2 });
    const membershipCalls = log.filter((r) => MEMBERSHIPS.test(r.path) && r.auth !== "digest-challenge");
    expect(statusCounts(membershipCalls)[429]).toBe(3);
    expect(membershipCalls.filter((r) => r.status >= 400 && r.status !== 429 && r.status !== 404)).toEqual([]);
    expect(requestsTo(log, "POST", CERT_POST)).toEqual([]);

    const view = (await emulatorControl.state(emu)) as unknown as {
      teams: { name: string }[];
      teamProjectRoles: { roleNames: string[] }[];
      orgMemberships: { username: string; groupRoleAssignments: { groupId: string; groupRoles: string[] }[] }[];
    };
    expect(view.teams.map((t) => t.name)).toEqual(["platform-renamed"]);
    expect(view.teamProjectRoles.map((r) => [...r.roleNames].sort())).toEqual([["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]]);
    expect(view.orgMemberships.find((m) => m.username === "dora@example.com")?.groupRoleAssignments).toEqual([
      { groupId: emu.projectId, groupRoles: ["GROUP_DATA_ACCESS_READ_ONLY"] },
    ]);
    const live = await invariant();
    expect(live.customDbRoles).toEqual([`${emu.projectId}/reportsReader actions=[FIND(reports.) LIST_DATABASES(cluster)] inherited=[read@archive]`]);
    await expectConverged();
  });

  test("lost create answers (applied, then the connection reset): each sent once and kept; a lost certificate is asked for again, as documented, and the one Atlas issued unseen is the only extra", async () => {
    decls = [
      decls[0],
      { ...first, suffix: "-2", teamName: "lost", member: "bob@example.com", person: "erin@example.com", roleName: "lostReader" },
    ];
    const { up, log } = await upWith(Object.values(CREATES).map((re) => ({ method: "POST", path: src(re), reset: true, afterCommit: true, times: 1 })));
    expect(up.summary).toMatchObject({ create: 7, update: 0, delete: 0, replace: 0 });
    // Creates are read back, not sent again. Two exceptions: `:addUser` is resent (adding a member twice changes
    // nothing), and a certificate is asked for again (its key was only in the lost answer).
    const posts = Object.fromEntries(Object.entries(CREATES).map(([name, re]) => [name, requestsTo(log, "POST", re).length]));
    expect(posts).toEqual({ PM_POST: 1, TEAM_POST: 1, TEAM_ADD: 2, ACCESS_POST: 1, ROLE_POST: 1, CERT_POST: 2 });
    expect(stack.allOutput()).toMatch(/the answer issuing the X\.509 certificate of database user etl-2 in project [a-f0-9]{24} was lost; asking Atlas for another one/);
    // The certificate Atlas issued with the lost answer stays listed (Atlas cannot revoke one): the one extra.
    const live = await invariant({ [`${emu.projectId}/etl-2`]: 1 });
    expect(live.certificates.filter((c) => c.startsWith(`${emu.projectId}/etl-2/`))).toHaveLength(2);
    expect(live.teams).toHaveLength(2);
    expect(live.teamMembers).toHaveLength(2);
    expect(live.teamProjects).toHaveLength(2);
    expect(live.customDbRoles).toHaveLength(2);
    await collectPems();
    await expectConverged();
  });

  test("no certificate, private key or password in the state file or the engine's output", async () => {
    expect(pems.size).toBe(2);
    const lines = [...pems].flatMap((p) => p.split("\n").filter((l) => l.length > 40));
    expect(lines.length).toBeGreaterThan(4);
    for (const text of [stack.stateFileText(), JSON.stringify(await stack.exportState()), stack.allOutput()]) {
      assertNoSecrets(text, [emu.privateKey, ...lines]);
      expect(text).not.toMatch(/-----BEGIN (EC |RSA )?PRIVATE KEY-----/);
    }
  });

  test("destroy under a 429 storm on every delete: everything the stack created is gone (roles, certificates with their user, teams, memberships)", async () => {
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, [
      { method: "DELETE", path: "^/api/atlas/v2/", status: 429, retryAfter: 1, times: 8 },
      { method: "POST", path: src(TEAM_REMOVE), status: 429, retryAfter: 1, times: 2 },
    ]);
    try {
      const destroy = await stack.destroy();
      expect(destroy.summary.delete).toBe(14);
    } finally {
      await emulatorControl.clearFaults(emu);
    }
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(log.filter((r) => r.method === "DELETE"))[429]).toBe(8);
    expect(sent(log, "POST", TEAM_REMOVE)[429]).toBe(2);
    const live = await invariant();
    expect(live).toEqual({ databaseUsers: [], cloudUsers: [], orgMembers: [], projectMembers: [], teams: [], teamMembers: [], teamProjects: [], customDbRoles: [], certificates: [] });
    // Ada and Bob, seeded outside the stack, are still members: only their teams went.
    expect((await emulatorView(emu)).orgMemberships.map((m) => m.username).sort()).toEqual(SEEDED);
  });
});
