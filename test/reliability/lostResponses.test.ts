/**
 * Lost answers, resource by resource, against the emulator: the server
 * applies a request and the connection drops before the answer (`reset` with
 * `afterCommit`). For a create the provider must find out whether it
 * happened, including the hard case where its look-up is stale (Atlas reads
 * can lag a write) and the create it then sends again conflicts with its own
 * first one. For PATCH and DELETE it must end in the declared state. Never a
 * duplicate, never an orphan, never an error that a re-run cannot get past.
 */
import { inspect } from "node:util";
import { resetContextsForTests as resetRuntimeForTests } from "../../provider/context";
import { provider as cloudUserProvider } from "../../provider/cloudUser/provider";
import { provider as databaseUserProvider } from "../../provider/databaseUser/provider";
import { provider as orgInvitationProvider } from "../../provider/orgInvitation/provider";
import { emulatorControl, startTestEmulator, type EmulatorHandle, type FaultRule } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";
import { emulatorView, requestsTo, statusCounts } from "../support/invariants";
import { configureForEmulator } from "../support/provider";
import { rejectionOf } from "../support/rejection";

jest.setTimeout(60_000);

let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await startTestEmulator();
  // The host configures each resource type's provider (each keeps the run context configure built).
  for (const provider of [databaseUserProvider, orgInvitationProvider, cloudUserProvider]) await configureForEmulator(provider, emu);
});

afterAll(async () => {
  await resetRuntimeForTests();
  await emu?.close();
});

afterEach(async () => {
  await emulatorControl.clearFaults(emu);
  await emulatorControl.clearRequests(emu);
});

const DB_POST = /\/databaseUsers$/;
const DB_ONE = /\/databaseUsers\/admin\/[^/]+$/;
const ORG_USERS = /\/orgs\/[a-f0-9]{24}\/users$/;
const ORG_USER = /\/orgs\/[a-f0-9]{24}\/users\/[a-f0-9]{24}$/;
const CLOUD_POST = /^\/api\/atlas\/v2\/users$/;
const CLOUD_BY_NAME = /\/users\/byName\//;

const DB_PASSWORD = "a-long-enough-password";
const THEIR_PASSWORD = "their-own-Password-77";
const CLOUD_PASSWORD = "A long passphrase 42";

/**
 * Everything a caller could print of an error (message, stack, JSON, and the
 * inspected object with its cause and fields) holds no password and no credential.
 */
function expectNoSecretsIn(err: Error): void {
  const printed = [err.message, err.stack ?? "", JSON.stringify(err), inspect(err, { depth: 10 })].join("\n");
  assertNoSecrets(printed, [DB_PASSWORD, THEIR_PASSWORD, CLOUD_PASSWORD, emu.privateKey, emu.clientSecret]);
}

const lost = (method: string, path: RegExp): FaultRule => ({ method, path: path.source, reset: true, afterCommit: true, times: 1 });

async function checked<T>(p: { check(o: unknown, n: unknown): Promise<{ inputs?: unknown; failures?: unknown[] }> }, news: Record<string, unknown>): Promise<T> {
  const result = await p.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as T;
}

describe("DatabaseUser", () => {
  const args = (username: string) => ({
    projectId: emu.projectId,
    username,
    password: DB_PASSWORD,
    roles: [{ roleName: "read", databaseName: "app" }],
  });

  test("a lost create answer is recovered by reading back: one POST, one user", async () => {
    await emulatorControl.setFaults(emu, [lost("POST", DB_POST)]);
    const created = await databaseUserProvider.create(await checked(databaseUserProvider, args("lost-1")));
    expect(created.id).toContain("lost-1");
    const log = await emulatorControl.requests(emu);
    expect(requestsTo(log, "POST", DB_POST)).toHaveLength(1);
    expect((await emulatorView(emu)).databaseUsers.filter((u) => u.username === "lost-1")).toHaveLength(1);
  });

  test("a stale read after a lost answer: the second POST conflicts with our own first one, which is recognised", async () => {
    await emulatorControl.setFaults(emu, [lost("POST", DB_POST), { method: "GET", path: DB_ONE.source, status: 404, times: 1 }]);
    const created = await databaseUserProvider.create(await checked(databaseUserProvider, args("lost-2")));
    expect(created.outs).toMatchObject({ username: "lost-2" });
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(requestsTo(log, "POST", DB_POST))).toEqual({ 0: 1, 409: 1 });
    expect((await emulatorView(emu)).databaseUsers.filter((u) => u.username === "lost-2")).toHaveLength(1);
  });

  test("someone else's user with that name is still refused after a lost answer (no silent takeover), and the error holds no secret", async () => {
    await emulatorControl.seed(emu, {
      databaseUsers: [{ groupId: emu.projectId, username: "theirs", password: THEIR_PASSWORD, roles: [{ roleName: "dbAdmin", databaseName: "other" }] }],
    });
    // The look-up finds nothing (stale), the second POST conflicts, and the user found then is not ours.
    await emulatorControl.setFaults(emu, [
      { method: "POST", path: DB_POST.source, reset: true, times: 1 },
      { method: "GET", path: DB_ONE.source, status: 404, times: 1 },
    ]);
    const err = await rejectionOf(databaseUserProvider.create(await checked(databaseUserProvider, args("theirs"))), Error);
    expect(err.message).toMatch(/already exists in Atlas \(USER_ALREADY_EXISTS\).*adopt: true/);
    expectNoSecretsIn(err);
  });

  test("a lost PATCH answer: the update is sent again and succeeds", async () => {
    const inputs = await checked<Record<string, unknown>>(databaseUserProvider, args("lost-1"));
    const current = await databaseUserProvider.read(`${emu.projectId}/admin/lost-1`, inputs as never);
    await emulatorControl.setFaults(emu, [lost("PATCH", DB_ONE)]);
    const news = await checked<Record<string, unknown>>(databaseUserProvider, { ...args("lost-1"), description: "after a lost PATCH" });
    const updated = await databaseUserProvider.update(current.id!, current.props as never, news as never);
    expect(updated.outs).toMatchObject({ description: "after a lost PATCH" });
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(requestsTo(log, "PATCH", DB_ONE))).toEqual({ 0: 1, 200: 1 });
  });

  test("a lost DELETE answer: retried, the 404 that follows counts as deleted", async () => {
    await emulatorControl.setFaults(emu, [lost("DELETE", DB_ONE)]);
    const inputs = await checked<Record<string, unknown>>(databaseUserProvider, args("lost-2"));
    await databaseUserProvider.delete(`${emu.projectId}/admin/lost-2`, inputs as never);
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(requestsTo(log, "DELETE", DB_ONE))).toEqual({ 0: 1, 404: 1 });
    expect((await emulatorView(emu)).databaseUsers.filter((u) => u.username === "lost-2")).toEqual([]);
  });
});

describe("OrgInvitation", () => {
  const args = (username: string, roles = ["ORG_MEMBER"]) => ({ orgId: emu.orgId, username, roles });
  const staleEmptyList: FaultRule = {
    method: "GET",
    path: ORG_USERS.source,
    status: 200,
    body: JSON.stringify({ results: [], totalCount: 0, links: [] }),
    contentType: "application/vnd.atlas.2025-02-19+json",
    times: 1,
  };

  test("a lost invitation answer, then a stale list: the conflicting re-POST is recognised as ours", async () => {
    await emulatorControl.setFaults(emu, [lost("POST", ORG_USERS), staleEmptyList]);
    const created = await orgInvitationProvider.create(await checked(orgInvitationProvider, args("lin@example.com")));
    expect(created.outs).toMatchObject({ username: "lin@example.com", status: "PENDING" });
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(requestsTo(log, "POST", ORG_USERS))).toEqual({ 0: 1, 409: 1 });
    const members = (await emulatorView(emu)).orgMemberships.filter((m) => m.username === "lin@example.com");
    expect(members).toHaveLength(1);
    expect(created.id).toBe(`${emu.orgId}/${members[0].userId}`);
  });

  test("a lost PATCH of roles: sent again, roles end as declared", async () => {
    const inputs = await checked<Record<string, unknown>>(orgInvitationProvider, args("lin@example.com"));
    const id = `${emu.orgId}/${(await emulatorView(emu)).orgMemberships.find((m) => m.username === "lin@example.com")!.userId}`;
    const current = await orgInvitationProvider.read(id, inputs as never);
    await emulatorControl.setFaults(emu, [lost("PATCH", ORG_USER)]);
    const news = await checked<Record<string, unknown>>(orgInvitationProvider, args("lin@example.com", ["ORG_BILLING_ADMIN", "ORG_MEMBER"]));
    const updated = await orgInvitationProvider.update(current.id!, current.props as never, news as never);
    expect(updated.outs).toMatchObject({ roles: ["ORG_BILLING_ADMIN", "ORG_MEMBER"] });
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(requestsTo(log, "PATCH", ORG_USER))).toEqual({ 0: 1, 200: 1 });
  });
});

describe("CloudUser (Atlas)", () => {
  test("a lost create answer, then a stale look-up: the conflicting re-POST is recognised as ours", async () => {
    const inputs = await checked<Record<string, unknown>>(cloudUserProvider, {
      username: "mary@example.com",
      password: CLOUD_PASSWORD,
      firstName: "Mary",
      lastName: "Jackson",
      country: "US",
      mobileNumber: "212-555-0100",
      roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
    });
    await emulatorControl.setFaults(emu, [lost("POST", CLOUD_POST), { method: "GET", path: CLOUD_BY_NAME.source, status: 404, times: 1 }]);
    const created = await cloudUserProvider.create(inputs as never);
    const accounts = (await emulatorView(emu)).cloudUsers.filter((u) => u.username === "mary@example.com");
    expect(accounts).toHaveLength(1);
    expect(created.id).toBe(accounts[0].id);
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(requestsTo(log, "POST", CLOUD_POST))).toEqual({ 0: 1, 409: 1 });
  });

  test("someone else's account with that username is still refused after a lost answer (no silent takeover), and the error holds no secret", async () => {
    await emulatorControl.seed(emu, {
      cloudUsers: [{ username: "katherine@example.com", password: THEIR_PASSWORD, firstName: "Katherine", lastName: "Johnson", country: "US" }],
    });
    const inputs = await checked<Record<string, unknown>>(cloudUserProvider, {
      username: "katherine@example.com",
      password: CLOUD_PASSWORD,
      firstName: "Kate",
      lastName: "Other",
      country: "US",
      mobileNumber: "212-555-0100",
      roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
    });
    // The POST never arrives, the look-up is stale, the second POST conflicts, and the account found then is not ours.
    await emulatorControl.setFaults(emu, [
      { method: "POST", path: CLOUD_POST.source, reset: true, times: 1 },
      { method: "GET", path: CLOUD_BY_NAME.source, status: 404, times: 1 },
    ]);
    const err = await rejectionOf(cloudUserProvider.create(inputs as never), Error);
    expect(err.message).toMatch(/already exists.*adopt: true/s);
    expectNoSecretsIn(err);
    const log = await emulatorControl.requests(emu);
    expect(statusCounts(requestsTo(log, "POST", CLOUD_POST))).toEqual({ 0: 1, 409: 1 });
    expect((await emulatorView(emu)).orgMemberships.filter((m) => m.username === "katherine@example.com")).toEqual([]);
  });
});

describe("not a lost answer: a refused token, then a token endpoint that keeps failing (service account)", () => {
  beforeAll(() => configureForEmulator(databaseUserProvider, emu, { useServiceAccount: true }));
  afterAll(() => configureForEmulator(databaseUserProvider, emu));

  const args = (username: string) => ({ projectId: emu.projectId, username, password: DB_PASSWORD, roles: [{ roleName: "read", databaseName: "app" }] });

  test("is reported as an access-token failure, not as a create to check after a lost response: no read-back, no second POST", async () => {
    await databaseUserProvider.create(await checked(databaseUserProvider, args("token-1")));
    // The provider's token expires on the emulator's clock: the next call gets a 401, and every new token request a 500.
    await emulatorControl.advanceClock(emu, 2 * 3600);
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "^/api/oauth/token$", status: 500 }]);
    await emulatorControl.clearRequests(emu);
    const err = await rejectionOf(databaseUserProvider.create(await checked(databaseUserProvider, args("token-2"))), Error);
    expect(err.message).not.toMatch(/lost response|may or may not have been applied/);
    expect(err.message).toMatch(/could not get an access token: HTTP 500/);
    const log = await emulatorControl.requests(emu);
    // The create was refused (401) and never sent again; nothing was read back.
    expect(statusCounts(requestsTo(log, "POST", DB_POST))).toEqual({ 401: 1 });
    expect(requestsTo(log, "GET", DB_ONE)).toEqual([]);
    expect((await emulatorView(emu)).databaseUsers.filter((u) => u.username === "token-2")).toEqual([]);
    expectNoSecretsIn(err);
  });
});
