/**
 * Layer 2: each resource's provider serialized exactly as
 * `pulumi.dynamic.Resource` does (the SDK's closure serializer, over the
 * built `dist/`), then loaded in a fresh node process the way the host loads
 * it, and run against the emulator. No Pulumi CLI needed.
 */
import { CONFIG_KEYS } from "../../provider/config";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";
import { runSerializedProvider, serializeBuiltProviders, type SerializedProvider } from "../support/serialize";

const IMPL = {
  DatabaseUser: "pulumi-atlas-users/internal/databaseUser/provider",
  OrgInvitation: "pulumi-atlas-users/internal/orgInvitation/provider",
  CloudUser: "pulumi-atlas-users/internal/cloudUser/provider",
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
  "%s: the serialized provider is under 2 KB, captures only its module name, and is the same text every time",
  async (type) => {
    const first = serialized[type]!;
    expect(first.containsSecrets).toBe(false);
    expect(first.text).toContain(JSON.stringify(IMPL[type]));
    // Everything a serialized function captures appears in its `with({...})`
    // block: only string literals and the serializer's own references may.
    const bindings = [...first.text.matchAll(/with\(\{ ([^}]*) \}\)/g)].flatMap((m) => m[1].split(", "));
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) expect(binding).toMatch(/^\w+: ("[^"]*"|__\w+|undefined)$/);
    // Captured objects become `var __x = {...};`: only the shim's own data, never a client, schema or secret.
    for (const declared of first.text.matchAll(/^var (__\w+) = (.*);$/gm)) {
      expect(declared[2]).not.toMatch(/Agent|Zod|privateKey|clientSecret|password|http/i);
    }
    // The bound: __provider is stored twice per resource.
    expect(first.text.length).toBeLessThan(2048);
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
