/**
 * The client against the local Atlas emulator over real HTTP: digest and
 * OAuth round trips as the emulator's request log records them.
 */
import { AtlasClient } from "../../provider/client/client";
import { AtlasApiError, isNotFound } from "../../provider/client/errors";
import { apiPath } from "../../provider/client/request";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { rejectionOf } from "../support/rejection";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emulatorControl.clearRequests(emu);
});

const listDatabaseUsers = () => ({
  method: "GET" as const,
  path: apiPath`/api/atlas/v2/groups/${emu.projectId}/databaseUsers`,
  version: "2023-01-01" as const,
});

const count = (log: { auth: string }[], auth: string) => log.filter((r) => r.auth === auth).length;

test("API key: N requests cost one challenge plus N digest requests", async () => {
  const client = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey } });
  try {
    const N = 8;
    for (let i = 0; i < N; i++) await client.send(listDatabaseUsers());
    const log = (await emulatorControl.requests(emu)).filter((r) => r.path.startsWith("/api/"));
    expect(count(log, "digest-challenge")).toBe(1);
    expect(log.filter((r) => r.auth === "digest" && r.status === 200)).toHaveLength(N);
    expect(log).toHaveLength(N + 1);
  } finally {
    await client.close();
  }
});

test("API key, naive mode: every request is challenged (2N)", async () => {
  const client = new AtlasClient({
    baseUrl: emu.baseUrl,
    credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey },
    preemptiveDigest: false,
  });
  try {
    for (let i = 0; i < 4; i++) await client.send(listDatabaseUsers());
    const log = (await emulatorControl.requests(emu)).filter((r) => r.path.startsWith("/api/"));
    expect(count(log, "digest-challenge")).toBe(4);
    expect(log).toHaveLength(8);
  } finally {
    await client.close();
  }
});

test("API key: a wrong private key is a clear 401 after one fresh challenge", async () => {
  const client = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: "not-the-key" } });
  try {
    const err = await rejectionOf(client.send(listDatabaseUsers()), AtlasApiError);
    expect(err.status).toBe(401);
    expect(err.message).toContain("The API key was rejected");
    const log = (await emulatorControl.requests(emu)).filter((r) => r.path.startsWith("/api/"));
    expect(log).toHaveLength(2);
  } finally {
    await client.close();
  }
});

test("service account: one token for many calls, Bearer on each", async () => {
  const client = new AtlasClient({
    baseUrl: emu.baseUrl,
    credentials: { kind: "serviceAccount", clientId: emu.clientId, clientSecret: emu.clientSecret },
  });
  try {
    await Promise.all(Array.from({ length: 10 }, () => client.send(listDatabaseUsers())));
    const log = await emulatorControl.requests(emu);
    expect(log.filter((r) => r.path === "/api/oauth/token")).toHaveLength(1);
    expect(log.filter((r) => r.path.startsWith("/api/atlas/") && r.auth === "bearer" && r.status === 200)).toHaveLength(10);
  } finally {
    await client.close();
  }
});

test("a missing database user is a typed not-found error", async () => {
  const client = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey } });
  try {
    const err = await rejectionOf(
      client.send({ method: "GET", path: apiPath`/api/atlas/v2/groups/${emu.projectId}/databaseUsers/${"admin"}/${"nobody"}`, version: "2023-01-01" }),
      AtlasApiError,
    );
    expect(err.status).toBe(404);
    expect(isNotFound(err)).toBe(true);
  } finally {
    await client.close();
  }
});
