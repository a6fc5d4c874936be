/**
 * Layer 2: each resource's `__provider` text as the built `dist/` writes it,
 * loaded in a fresh node process the way the host loads it
 * (require-from-string, `handler()`), and run against the emulator. No
 * Pulumi CLI needed.
 */
import { CONFIG_KEYS } from "../../provider/config";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";
import { runSerializedProvider, serializeBuiltProviders, type SerializedProvider } from "../support/serialize";

const IMPL = {
  DatabaseUser: "pulumi-atlas-users/p/databaseUser",
  OrgInvitation: "pulumi-atlas-users/p/orgInvitation",
  CloudUser: "pulumi-atlas-users/p/cloudUser",
} as const;

const PASSWORD = "serialized-pw-Hq72kLm0";

let emu: EmulatorHandle;
const serialized: Partial<Record<keyof typeof IMPL, SerializedProvider>> = {};
const again: Partial<Record<keyof typeof IMPL, SerializedProvider>> = {};

beforeAll(async () => {
  emu = await startTestEmulator();
  // Twice in one fresh process: the text must not depend on anything but the module name.
  const types = Object.keys(IMPL) as (keyof typeof IMPL)[];
  const texts = await serializeBuiltProviders([...types, ...types].map((t) => IMPL[t]));
  types.forEach((type, i) => {
    serialized[type] = texts[i];
    again[type] = texts[i + types.length];
  });
});

afterAll(async () => {
  await emu?.close();
});

const stackConfig = () => ({
  [CONFIG_KEYS.baseUrl]: emu.baseUrl,
  [CONFIG_KEYS.allowInsecureHttp]: "true",
  [CONFIG_KEYS.publicKey]: emu.publicKey,
  [CONFIG_KEYS.privateKey]: emu.privateKey,
});

test.each(Object.keys(IMPL) as (keyof typeof IMPL)[])(
  "%s: the __provider text names only its module, is under 128 bytes, and is the same text every time",
  async (type) => {
    const first = serialized[type]!;
    expect(first.containsSecrets).toBe(false);
    // One statement, the module name its only value: nothing captured, no client, schema or secret.
    expect(first.text).toBe(`exports.handler=()=>require(${JSON.stringify(IMPL[type])}).provider`);
    // The bound: __provider is stored twice per resource (it was ~1.95 KB as a serialized shim object).
    expect(Buffer.byteLength(first.text)).toBeLessThan(128);
    expect(again[type]!.text).toBe(first.text);
  },
);

test("DatabaseUser: loaded in a fresh process, it configures from stack config and runs check → create → read → diff → delete against the emulator", async () => {
  const { text } = serialized.DatabaseUser!;
  const news = {
    __provider: text,
    projectId: emu.projectId,
    username: "serialized-user",
    password: PASSWORD,
    roles: [{ roleName: "read", databaseName: "app" }],
  };
  await emulatorControl.clearRequests(emu);
  const [configured, checked] = await runSerializedProvider(text, [
    { method: "configure", config: stackConfig() },
    { method: "check", args: [{}, news] },
  ]);
  expect(configured).toEqual({ ok: true, value: null });
  expect(checked.ok).toBe(true);
  const inputs = (checked as { value: { inputs: Record<string, unknown>; failures?: unknown[] } }).value;
  expect(inputs.failures ?? []).toEqual([]);
  // check sends nothing.
  expect(await emulatorControl.requests(emu)).toEqual([]);

  const outcomes = await runSerializedProvider(text, [
    { method: "configure", config: stackConfig() },
    { method: "create", args: [inputs.inputs] },
  ]);
  expect(outcomes[1]).toMatchObject({ ok: true, value: { id: `${emu.projectId}/admin/serialized-user` } });
  const created = (outcomes[1] as { value: { id: string; outs: Record<string, unknown> } }).value;
  expect(
    await emulatorControl.checkDatabaseUserPassword(emu, {
      projectId: emu.projectId,
      databaseName: "admin",
      username: "serialized-user",
      password: PASSWORD,
    }),
  ).toMatchObject({ ok: true });

  const rest = await runSerializedProvider(text, [
    { method: "configure", config: stackConfig() },
    { method: "read", args: [created.id, created.outs] },
    { method: "diff", args: [created.id, created.outs, inputs.inputs] },
    { method: "delete", args: [created.id, created.outs] },
    { method: "read", args: [created.id, created.outs] },
  ]);
  expect(rest[1]).toMatchObject({ ok: true, value: { id: created.id } });
  expect(rest[2]).toMatchObject({ ok: true, value: { changes: false } });
  expect(rest[3]).toEqual({ ok: true, value: null });
  // Gone: read returns no id, so refresh would drop it from state.
  expect((rest[4] as { value: { id?: string } }).value.id).toBeUndefined();
  const state = (await emulatorControl.state(emu)) as { databaseUsers: { username: string }[] };
  expect(state.databaseUsers.some((u) => u.username === "serialized-user")).toBe(false);
});

test("a provider loaded without credentials fails at its first call with an error naming the config keys, and no secret", async () => {
  const { text } = serialized.OrgInvitation!;
  const outcomes = await runSerializedProvider(
    text,
    [
      { method: "configure", config: { [CONFIG_KEYS.baseUrl]: emu.baseUrl, [CONFIG_KEYS.allowInsecureHttp]: "true" } },
      {
        method: "create",
        args: [{ orgId: emu.orgId, username: "nobody@example.com", roles: ["ORG_MEMBER"] }],
      },
    ],
    // No credential variables from the developer's shell either.
    { env: { PATH: process.env.PATH, HOME: process.env.HOME } },
  );
  const failure = outcomes.find((o) => !o.ok) as { error: string } | undefined;
  expect(failure?.error).toMatch(/mongodbatlas:(publicKey|clientId)/);
  assertNoSecrets(JSON.stringify(outcomes), [emu.privateKey, emu.clientSecret]);
});
