/**
 * The DatabaseUser provider as the engine stores it: the shim serialized by
 * the SDK's own closure serializer (over the built `dist/`), loaded in a
 * fresh node process the way the dynamic-provider host loads it, then used
 * to create a temporary X.509 user against the emulator.
 */
import { CONFIG_KEYS } from "../../provider/config";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { runSerializedProvider, serializeBuiltProvider, type SerializedProvider } from "../support/serialize";

const IMPL = "pulumi-atlas-users/p/databaseUser";
let emu: EmulatorHandle;
let serialized: SerializedProvider;

beforeAll(async () => {
  emu = await startTestEmulator();
  serialized = await serializeBuiltProvider(IMPL);
});

afterAll(async () => {
  await emu?.close();
});

test("the DatabaseUser __provider text is under 128 bytes and holds no credential", () => {
  expect(Buffer.byteLength(serialized.text)).toBeLessThan(128);
  expect(serialized.containsSecrets).toBe(false);
  expect(serialized.text).toContain(JSON.stringify(IMPL));
  // Serialized before any configuration exists, it cannot hold one; check anyway.
  for (const secret of [emu.privateKey, emu.publicKey, emu.clientSecret, emu.clientId]) {
    expect(serialized.text).not.toContain(secret);
  }
  expect(serialized.text).not.toMatch(/MONGODB_ATLAS|privateKey|clientSecret|password/i);
});

test("loaded in a fresh process: configure, check, create a temporary X.509 user, delete — outputs hold no credential", async () => {
  const config = {
    [CONFIG_KEYS.baseUrl]: emu.baseUrl,
    [CONFIG_KEYS.allowInsecureHttp]: "true",
    [CONFIG_KEYS.clientId]: emu.clientId,
    [CONFIG_KEYS.clientSecret]: emu.clientSecret,
  };
  const news = {
    __provider: serialized.text,
    projectId: emu.projectId,
    username: "CN=serialized,OU=eng,O=acme",
    x509Type: "CUSTOMER",
    roles: [{ roleName: "read", databaseName: "app" }],
    expiresIn: "1h",
  };
  const [configured, checked] = await runSerializedProvider(serialized.text, [
    { method: "configure", config },
    { method: "check", args: [{}, news] },
  ]);
  expect(configured.ok).toBe(true);
  const inputs = (checked as { ok: true; value: { inputs: Record<string, unknown>; failures?: unknown[] } }).value;
  expect(inputs.failures ?? []).toEqual([]);
  expect(inputs.inputs).toMatchObject({ databaseName: "$external" });

  const outcomes = await runSerializedProvider(serialized.text, [
    { method: "configure", config },
    { method: "create", args: [inputs.inputs] },
  ]);
  expect(outcomes[1]).toMatchObject({
    ok: true,
    value: { id: `${emu.projectId}/$external/CN=serialized,OU=eng,O=acme`, outs: { temporary: true, x509Type: "CUSTOMER" } },
  });
  const created = (outcomes[1] as { value: { id: string; outs: Record<string, unknown> } }).value;
  expect(Date.parse(created.outs.deleteAfterDate as string)).toBeGreaterThan(Date.now() + 59 * 60_000);
  for (const secret of [emu.clientSecret, emu.privateKey]) expect(JSON.stringify(outcomes)).not.toContain(secret);

  const state = (await emulatorControl.state(emu)) as { databaseUsers: { username: string; deleteAfterDate?: string }[] };
  expect(state.databaseUsers.find((u) => u.username === "CN=serialized,OU=eng,O=acme")?.deleteAfterDate).toBeDefined();

  const deleted = await runSerializedProvider(serialized.text, [
    { method: "configure", config },
    { method: "delete", args: [created.id, created.outs] },
  ]);
  expect(deleted[1]).toEqual({ ok: true, value: null });
});
