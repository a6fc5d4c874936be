/**
 * Interruptions through the real engine: the API server restarting (between
 * two `up`s, and in the middle of one), a `pulumi up` cancelled half-way
 * (SIGINT) followed by `refresh` + `up`, a service-account token expiring in
 * the middle of a run, and a service account revoked (a clear error, no
 * secret in it). After each: the emulator and the state agree, and the next
 * run converges.
 *
 * "Restart" here is what a user of the real API sees during a deployment or
 * an outage: the server goes away (in-flight connections reset, new ones
 * refused) and comes back on the same address with its data. The emulator is
 * in-memory, so the test carries its data over: it reads the state, closes
 * the server and starts a new one on the same port seeded with the same
 * organization, project, credentials and users (with the passwords the
 * test knows, since the emulator only keeps their hashes).
 */
import { killRunIn, processesIn, removeTornCheckpointMetadata, waitFor } from "../support/processes";
import path from "node:path";
import { startEmulator } from "../../emulator";
import { CONFIG_KEYS } from "../../provider/config";
import { DatabaseUser } from "../../provider/databaseUser";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { AUTH_HEADER_VALUE, emulatorView, expectStateMatchesEmulator, requestsTo } from "../support/invariants";

jest.setTimeout(300_000);

const DB_POST = /\/databaseUsers$/;
const PASSWORDS: Record<string, string> = {};
const passwordOf = (username: string) => (PASSWORDS[username] ??= `pw-${username}-${Math.random().toString(36).slice(2, 12)}`);

/** Closes the emulator and starts a new one on the same port with the same credentials, ids and database users. */
async function restartEmulator(old: EmulatorHandle, between?: () => Promise<void>): Promise<EmulatorHandle> {
  const view = await emulatorView(old);
  const port = Number(new URL(old.baseUrl).port);
  await old.close();
  await between?.();
  return startEmulator({
    port,
    quiet: true,
    seed: {
      orgs: [{ id: old.orgId }],
      projects: [{ id: old.projectId, orgId: old.orgId }],
      apiKeys: [{ publicKey: old.publicKey, privateKey: old.privateKey }],
      serviceAccounts: [{ clientId: old.clientId, clientSecret: old.clientSecret }],
      databaseUsers: view.databaseUsers.map((u) => ({ ...(u as object), username: u.username, groupId: u.groupId, password: passwordOf(u.username) })),
    },
  });
}

describeEngine("interruptions through the engine", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let usernames: string[] = [];
  let description = "v1";
  let adopting: string[] = [];
  let output = "";
  const record = (text: string) => {
    output += text;
  };

  const program = async () => {
    let previous: DatabaseUser | undefined;
    for (const username of usernames) {
      // A chain (each after the one before), so a run has a beginning, a middle and an end to interrupt.
      previous = new DatabaseUser(
        username,
        {
          projectId: emu.projectId,
          username,
          password: passwordOf(username),
          roles: [{ roleName: "read", databaseName: "app" }],
          description,
          ...(adopting.includes(username) ? { adopt: true } : {}),
        },
        previous ? { dependsOn: [previous] } : {},
      );
    }
  };

  const declare = (names: string[]) => {
    usernames = names;
  };

  async function expectConverged(): Promise<void> {
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
  }

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, quiet: true });
    stack = await createEngineStack({ emulator: emu, program });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("the API restarts between two ups (data kept): refresh and update go through, passwords intact", async () => {
    declare(["r-1", "r-2", "r-3"]);
    await stack.up();
    emu = await restartEmulator(emu);
    description = "v2";
    const up = await stack.up({ refresh: true });
    expect(up.summary).toMatchObject({ update: 3, create: 0, delete: 0 });
    expect(await emulatorControl.checkDatabaseUserPassword(emu, { projectId: emu.projectId, databaseName: "admin", username: "r-2", password: passwordOf("r-2") })).toEqual({ ok: true });
    await expectStateMatchesEmulator(stack, emu);
  });

  test("the API restarts in the middle of an up (in-flight create reset, then refused for a while): the up completes, nothing doubled", async () => {
    declare([...usernames, "m-1", "m-2", "m-3"]);
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, [{ method: "POST", path: DB_POST.source, delayMs: 1500, times: 1 }]);
    const running = stack.up();
    await waitFor("the first create to arrive", async () => (await emulatorControl.requests(emu)).some((r) => r.method === "POST"));
    // Down for a second: new connections are refused, which the client retries.
    emu = await restartEmulator(emu, () => new Promise((r) => setTimeout(r, 1000)));
    const up = await running;
    expect(up.summary).toMatchObject({ create: 3 });
    await expectStateMatchesEmulator(stack, emu);
    await expectConverged();
  });

  test("an up cancelled half-way (SIGINT): the engine finishes what is in flight; refresh + up then converge", async () => {
    declare([...usernames, "c-1", "c-2", "c-3", "c-4"]);
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, [{ method: "POST", path: DB_POST.source, delayMs: 2000 }]);
    const controller = new AbortController();
    const running = stack.stack.up({ signal: controller.signal, onOutput: record });
    await waitFor("the first create to arrive", async () => requestsTo(await emulatorControl.requests(emu), "POST", DB_POST).length > 0);
    controller.abort();
    let cancelled = "";
    await running.then(
      () => undefined,
      (err: Error) => {
        cancelled = err.message;
      },
    );
    record(cancelled);
    await emulatorControl.clearFaults(emu);
    expect(cancelled).not.toBe("");
    // Cancelled before the chain's end: some of the four were not created.
    const created = (await emulatorView(emu)).databaseUsers.filter((u) => u.username.startsWith("c-"));
    expect(created.length).toBeLessThan(4);
    await expectStateMatchesEmulator(stack, emu);
    const refresh = await stack.refresh();
    expect(refresh.summary.delete ?? 0).toBe(0);
    const up = await stack.up();
    expect(up.summary.create).toBe(4 - created.length);
    await expectStateMatchesEmulator(stack, emu);
    await expectConverged();
  });

  test("an up killed half-way (SIGKILL: no chance to finish): cancel + refresh --clear-pending-creates, the next up names the orphan, adopt: true recovers it", async () => {
    declare([...usernames, "k-1", "k-2"]);
    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, [{ method: "POST", path: DB_POST.source, delayMs: 2000, times: 1 }]);
    const running = stack.up().then(
      () => "",
      (err: Error) => err.message,
    );
    await waitFor("the first create to arrive", async () => requestsTo(await emulatorControl.requests(emu), "POST", DB_POST).length > 0);
    killRunIn(path.join(stack.dir, "work"));
    record(await running);
    removeTornCheckpointMetadata(path.join(stack.dir, "backend"));
    // The server had the request: k-1 exists, and Pulumi never heard of it.
    await waitFor("the held create to land", async () => (await emulatorView(emu)).databaseUsers.some((u) => u.username === "k-1"));
    await emulatorControl.clearFaults(emu);
    await stack.stack.cancel(); // removes the dead run's lock
    // Pulumi keeps the interrupted create as "pending": drop it (an interactive refresh would ask).
    const refresh = await stack.stack.refresh({ clearPendingCreates: true, onOutput: record });
    expect(refresh.summary.result).toBe("succeeded");
    expect((await stack.exportState()).deployment.pending_operations ?? []).toEqual([]);
    let message = "";
    await stack.up().catch((err: Error) => {
      message = err.message;
    });
    expect(message).toMatch(/creating database user k-1 .*already exists in Atlas \(USER_ALREADY_EXISTS\)\. To manage the existing user with this program, set adopt: true/);
    adopting = ["k-1"];
    const up = await stack.up();
    expect(up.summary.create).toBeGreaterThanOrEqual(1);
    const exported = await stack.exportState();
    expect(exported.deployment.pending_operations ?? []).toEqual([]);
    await expectStateMatchesEmulator(stack, emu);
    await expectConverged();
  });

  test("a service-account token expiring mid-run: a new token is fetched once, the run succeeds", async () => {
    await stack.stack.removeAllConfig([CONFIG_KEYS.publicKey, CONFIG_KEYS.privateKey]);
    await stack.setConfig(CONFIG_KEYS.clientId, emu.clientId);
    await stack.setConfig(CONFIG_KEYS.clientSecret, emu.clientSecret, true);
    declare([...usernames, "t-1", "t-2"]);
    await emulatorControl.clearRequests(emu);
    // The first create is held 1.5 s; meanwhile the emulator's clock passes the token's hour.
    await emulatorControl.setFaults(emu, [{ method: "POST", path: DB_POST.source, delayMs: 1500, times: 1 }]);
    const running = stack.up();
    await waitFor("the first create to arrive", async () => requestsTo(await emulatorControl.requests(emu), "POST", DB_POST).length > 0);
    await emulatorControl.advanceClock(emu, 3700);
    const up = await running;
    expect(up.summary).toMatchObject({ create: 2 });
    const log = await emulatorControl.requests(emu);
    expect(log.filter((r) => r.path === "/api/oauth/token").map((r) => r.status)).toEqual([200, 200]);
    // Exactly one request met the expired token, and it was repeated with the new one.
    expect(log.filter((r) => r.status === 401).map((r) => `${r.method} ${r.auth}`)).toEqual(["POST bearer"]);
    await expectStateMatchesEmulator(stack, emu);
  });

  test("a revoked service account: a clear error naming the settings, no secret in it, nothing changed", async () => {
    await emulatorControl.revokeServiceAccount(emu, emu.clientId);
    description = "v3";
    let message = "";
    await stack.up().catch((err: Error) => {
      message = err.message;
    });
    expect(message).toMatch(/HTTP 401 invalid_client.*The service account was rejected: check mongodbatlas:clientId and mongodbatlas:clientSecret/);
    assertNoSecrets(message, [emu.clientSecret]);
    const live = await emulatorView(emu);
    expect(live.databaseUsers.every((u) => (u as { description?: string }).description !== "v3")).toBe(true);
    await expectStateMatchesEmulator(stack, emu);
  });

  test("no password, key, client secret or token in the state or anything the engine printed", async () => {
    const secrets = [emu.privateKey, emu.clientSecret, ...Object.values(PASSWORDS)];
    assertNoSecrets(JSON.stringify(await stack.exportState()), secrets);
    assertNoSecrets(stack.allOutput() + output, secrets);
    expect(stack.allOutput() + output).not.toMatch(AUTH_HEADER_VALUE);
  });
});

describeEngine("the engine killed (SIGKILL) while the provider host is working", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  const DB_ANY = /\/databaseUsers/;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, quiet: true });
    stack = await createEngineStack({
      emulator: emu,
      program: async () => {
        new DatabaseUser("orphan", {
          projectId: emu.projectId,
          username: "orphan",
          password: passwordOf("orphan"),
          roles: [{ roleName: "read", databaseName: "app" }],
        });
      },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("the host exits with the engine: no request reaches the API after the kill", async () => {
    const work = path.join(stack.dir, "work");
    const hosts = () => processesIn(work).filter((p) => /cmd[\\/]dynamic-provider/.test(p.command));
    await emulatorControl.clearRequests(emu);
    // The create is held 3 s, then answered 503: a host still running would then read back and send it again.
    await emulatorControl.setFaults(emu, [{ method: "POST", path: DB_POST.source, delayMs: 3000, status: 503, times: 1 }]);
    const running = stack.up().then(
      () => "",
      (err: Error) => err.message,
    );
    try {
      await waitFor("the create to arrive", async () => requestsTo(await emulatorControl.requests(emu), "POST", DB_POST).length > 0);
      expect(hosts()).not.toEqual([]);
      const engines = processesIn(work).filter((p) => /\bpulumi up\b/.test(p.command));
      expect(engines).not.toEqual([]);
      for (const p of engines) process.kill(p.pid, "SIGKILL");
      await running;
      removeTornCheckpointMetadata(path.join(stack.dir, "backend"));
      // Past the held answer and the read-back and second POST a live host would send.
      await new Promise((r) => setTimeout(r, 6000));
      const log = await emulatorControl.requests(emu);
      // (The API key's digest challenge comes first and is not counted.)
      const sent = log.filter((r) => DB_ANY.test(r.path) && r.auth !== "digest-challenge").map((r) => `${r.method} ${r.path}`);
      expect(sent).toEqual([`POST /api/atlas/v2/groups/${emu.projectId}/databaseUsers`]);
      expect(hosts()).toEqual([]);
    } finally {
      // Only the hosts this test's run started (their cwd is its workspace).
      for (const p of hosts()) process.kill(p.pid, "SIGKILL");
      await emulatorControl.clearFaults(emu);
    }
  });
});
