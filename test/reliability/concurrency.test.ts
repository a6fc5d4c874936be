/**
 * Concurrency through the real engine: 50 resources of the three types with
 * `--parallel 50` against the rate-limited emulator. With an API key, every
 * request shares one digest challenge and no nonce is ever refused; with a
 * service account, one OAuth token serves the whole run; and with a tiny
 * rate-limit bucket every request still gets through, each retry waiting at
 * least the Retry-After it was given.
 */
import { NONCE_MAX_USES } from "../../emulator/auth";
import * as pulumi from "@pulumi/pulumi";
import { CloudUser } from "../../provider/cloudUser";
import { CONFIG_KEYS } from "../../provider/config";
import { DatabaseUser } from "../../provider/databaseUser";
import { OrgInvitation } from "../../provider/orgInvitation";
import { emulatorControl, startTestEmulator, type EmulatorHandle, type LoggedRequest } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { AUTH_HEADER_VALUE, expectStateMatchesEmulator, statusCounts } from "../support/invariants";

jest.setTimeout(300_000);

const DB_USERS = 30;
const INVITATIONS = 12;
const CLOUD_USERS = 8;
const TOTAL = DB_USERS + INVITATIONS + CLOUD_USERS;
const DB_PASSWORD = "concurrency-db-password-3Jq9";
const CLOUD_PASSWORD = "Concurrency passphrase 8Wd";

const cloudUsername = (i: number) => `cloud-${i}@example.com`;
const cloudUsernames = Array.from({ length: CLOUD_USERS }, (_, i) => cloudUsername(i));

describeEngine("50 resources with --parallel 50 against a rate-limited emulator", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let description = "first";
  let output = "";
  const record = (text: string) => {
    output += text;
  };

  const program = async () => {
    const cfg = new pulumi.Config();
    for (let i = 0; i < DB_USERS; i++) {
      new DatabaseUser(`db-${i}`, {
        projectId: emu.projectId,
        username: `app-${i}`,
        password: cfg.requireSecret("dbPassword"),
        roles: [{ roleName: "readWrite", databaseName: `db${i % 3}` }],
        description,
      });
    }
    for (let i = 0; i < INVITATIONS; i++) {
      new OrgInvitation(`invite-${i}`, { orgId: emu.orgId, username: `person-${i}@example.com`, roles: ["ORG_MEMBER"] });
    }
    for (let i = 0; i < CLOUD_USERS; i++) {
      new CloudUser(`cloud-${i}`, {
        username: cloudUsername(i),
        password: cfg.requireSecret("cloudPassword"),
        firstName: "Test",
        lastName: `Person ${i}`,
        country: "US",
        mobileNumber: "212-555-0100",
        roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
      });
    }
  };

  beforeAll(async () => {
    emu = await startTestEmulator();
    stack = await createEngineStack({
      emulator: emu,
      program,
      config: {
        dbPassword: { value: DB_PASSWORD, secret: true },
        cloudPassword: { value: CLOUD_PASSWORD, secret: true },
      },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  const apiRequests = (log: readonly LoggedRequest[]) => log.filter((r) => r.path.startsWith("/api/atlas/"));

  test("API key: all 50 created; one digest challenge for the whole run, no nonce refused", async () => {
    // Capacity 10 refilling one token a second: 30 database-user creates in
    // one bucket cannot all fit, however slowly the engine issues them (at 10
    // a second, a quiet machine sometimes never emptied the bucket).
    await emulatorControl.setRateLimit(emu, 10, 60);
    await emulatorControl.clearRequests(emu);
    const up = await stack.stack.up({ parallel: 50, onOutput: record });
    // The engine's counts include the stack itself.
    expect(up.summary.resourceChanges).toMatchObject({ create: TOTAL + 1 });
    const log = apiRequests(await emulatorControl.requests(emu));
    // The rate limiter was in play, and was waited out.
    expect(statusCounts(log)[429]).toBeGreaterThan(0);
    // One unauthenticated probe for the challenge; every other request answered it (no stale or replayed nonce).
    expect(log.filter((r) => r.auth === "digest-challenge")).toHaveLength(1);
    // A nonce answers at most NONCE_MAX_USES requests, then the emulator calls it stale (401, stale=true) and the
    // client takes the fresh one: at most one such 401 per NONCE_MAX_USES signed requests, and nothing else refused.
    const signed = log.filter((r) => r.auth === "digest").length;
    expect(log.filter((r) => r.status === 401 && r.auth !== "digest-challenge").length).toBeLessThanOrEqual(Math.floor(signed / NONCE_MAX_USES));
    const live = await expectStateMatchesEmulator(stack, emu);
    expect(live.databaseUsers).toHaveLength(DB_USERS);
    // Each cloud user holds one (pending) membership of the org, as its ORG_MEMBER role implies.
    expect(live.orgMembers).toHaveLength(INVITATIONS + CLOUD_USERS);
    expect(live.cloudUsers).toEqual([...cloudUsernames].sort());
  });

  test("service account, tiny bucket (2 per scope, 2/s): 30 updates all succeed, one token, Retry-After honoured", async () => {
    await stack.stack.removeAllConfig([CONFIG_KEYS.publicKey, CONFIG_KEYS.privateKey]);
    await stack.setConfig(CONFIG_KEYS.clientId, emu.clientId);
    await stack.setConfig(CONFIG_KEYS.clientSecret, emu.clientSecret, true);
    await emulatorControl.setRateLimit(emu, 2, 120);
    await emulatorControl.clearRequests(emu);
    description = "second";
    // No --refresh: a refresh runs with the provider configuration recorded in state (the
    // previous credentials and retry settings) until an up has recorded the new one.
    const up = await stack.stack.up({ parallel: 50, onOutput: record });
    expect(up.summary.resourceChanges).toMatchObject({ update: DB_USERS });
    const all = await emulatorControl.requests(emu);
    expect(all.filter((r) => r.path === "/api/oauth/token")).toHaveLength(1);
    const log = apiRequests(all);
    expect(log.filter((r) => r.status === 401)).toEqual([]);
    expect(statusCounts(log)[429]).toBeGreaterThan(DB_USERS);
    // Per path: a request after a 429 came no earlier than its Retry-After (1 s here).
    const byPath = new Map<string, LoggedRequest[]>();
    for (const r of log) byPath.set(`${r.method} ${r.path}`, [...(byPath.get(`${r.method} ${r.path}`) ?? []), r]);
    let checkedGaps = 0;
    for (const requests of byPath.values()) {
      for (let i = 1; i < requests.length; i++) {
        if (requests[i - 1].status !== 429) continue;
        expect(Date.parse(requests[i].at!) - Date.parse(requests[i - 1].at!)).toBeGreaterThanOrEqual(1000);
        checkedGaps++;
      }
    }
    expect(checkedGaps).toBeGreaterThan(0);
    const state = (await emulatorControl.state(emu)) as { databaseUsers: { description?: string }[] };
    expect(state.databaseUsers.every((u) => u.description === "second")).toBe(true);
    await expectStateMatchesEmulator(stack, emu);
  });

  test("destroy with --parallel 50: one token, everything removed", async () => {
    await emulatorControl.setRateLimit(emu, 10, 600);
    await emulatorControl.clearRequests(emu);
    const destroy = await stack.stack.destroy({ parallel: 50, onOutput: record });
    expect(destroy.summary.resourceChanges).toMatchObject({ delete: TOTAL + 1 });
    const all = await emulatorControl.requests(emu);
    expect(all.filter((r) => r.path === "/api/oauth/token")).toHaveLength(1);
    // Atlas has no API to delete an account: the accounts stay, without any membership.
    const live = await expectStateMatchesEmulator(stack, emu, { retainedAccounts: cloudUsernames });
    expect(live).toEqual({ databaseUsers: [], cloudUsers: [], orgMembers: [], projectMembers: [], teams: [], teamMembers: [], teamProjects: [], customDbRoles: [], certificates: [] });
  });

  test("no secret in the engine's output or the exported state", async () => {
    const secrets = [DB_PASSWORD, CLOUD_PASSWORD, emu.privateKey, emu.clientSecret];
    assertNoSecrets(output, secrets);
    expect(output).not.toMatch(AUTH_HEADER_VALUE);
    assertNoSecrets(JSON.stringify(await stack.exportState()), secrets);
  });
});
