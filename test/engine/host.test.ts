/**
 * Layer 3: the real dynamic-provider host process (what the engine runs as
 * `pulumi-resource-pulumi-nodejs`), driven over gRPC with the SDK's
 * `ResourceProviderClient`: Configure, Check, Create, Read, Diff, Update,
 * Delete for a DatabaseUser, with the serialized shim in `__provider`, against
 * the emulator. No Pulumi CLI needed.
 */
import { CONFIG_KEYS } from "../../provider/config";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";
import { dynamicUrn, startDynamicProviderHost, type DynamicProviderHost } from "../support/host";
import { serializeBuiltProvider } from "../support/serialize";

const PASSWORD = "host-password-Vd83nQz1";
const NEW_PASSWORD = "host-password-2-Lp40sWe9";

let emu: EmulatorHandle;
let host: DynamicProviderHost;
let providerText: string;
const urn = dynamicUrn("atlas-users:DatabaseUser", "host-user");

beforeAll(async () => {
  emu = await startTestEmulator();
  [host, { text: providerText }] = await Promise.all([
    startDynamicProviderHost(),
    serializeBuiltProvider("pulumi-atlas-users/p/databaseUser"),
  ]);
  await host.configure({
    [CONFIG_KEYS.baseUrl]: emu.baseUrl,
    [CONFIG_KEYS.allowInsecureHttp]: "true",
    [CONFIG_KEYS.publicKey]: emu.publicKey,
    [CONFIG_KEYS.privateKey]: emu.privateKey,
  });
});

afterAll(async () => {
  await host?.close();
  await emu?.close();
});

const passwordWorks = (password: string) =>
  emulatorControl
    .checkDatabaseUserPassword(emu, { projectId: emu.projectId, databaseName: "admin", username: "host-user", password })
    .then((r) => r.ok);

test("a DatabaseUser through the host: check, create, read, diff, update, delete", async () => {
  const news = {
    __provider: providerText,
    projectId: emu.projectId,
    username: "host-user",
    password: PASSWORD,
    roles: [{ roleName: "readWrite", databaseName: "app" }],
  };

  // Check: normalised inputs, with __provider kept by the host.
  const checked = await host.check(urn, {}, news);
  expect(checked.failures).toEqual([]);
  expect(checked.inputs).toMatchObject({ projectId: emu.projectId, username: "host-user", databaseName: "admin" });

  // A bad input fails in check, naming the property, before any request.
  await emulatorControl.clearRequests(emu);
  const bad = await host.check(urn, {}, { ...news, roles: [] });
  expect(bad.failures.map((f) => f.property)).toContain("roles");
  expect(await emulatorControl.requests(emu)).toEqual([]);

  // Create.
  const created = await host.create(urn, checked.inputs);
  expect(created.id).toBe(`${emu.projectId}/admin/host-user`);
  expect(created.properties.__provider).toBe(providerText);
  expect(await passwordWorks(PASSWORD)).toBe(true);

  // Read: same id, and no change against the inputs.
  const read = await host.read(urn, created.id, created.properties, checked.inputs);
  expect(read.id).toBe(created.id);
  expect(read.properties).toMatchObject({ username: "host-user", roles: [{ roleName: "readWrite", databaseName: "app" }] });
  const same = await host.diff(urn, created.id, read.properties, checked.inputs);
  expect(same).toMatchObject({ changes: false, replaces: [] });

  // Diff + update: a new password and role update in place.
  const changedInputs = (
    await host.check(urn, checked.inputs, { ...news, password: NEW_PASSWORD, roles: [{ roleName: "read", databaseName: "app" }] })
  ).inputs;
  const diff = await host.diff(urn, created.id, read.properties, changedInputs);
  expect(diff).toMatchObject({ changes: true, replaces: [] });
  const updated = await host.update(urn, created.id, read.properties, changedInputs);
  expect(updated.properties).toMatchObject({ roles: [{ roleName: "read", databaseName: "app" }] });
  expect(await passwordWorks(NEW_PASSWORD)).toBe(true);

  // A username change is a replacement.
  const renamed = (await host.check(urn, changedInputs, { ...news, username: "host-user-2" })).inputs;
  expect((await host.diff(urn, created.id, updated.properties, renamed)).replaces).toContain("username");

  // Delete, then read finds nothing (refresh would drop it).
  await host.delete(urn, created.id, updated.properties);
  const state = (await emulatorControl.state(emu)) as { databaseUsers: { username: string }[] };
  expect(state.databaseUsers.some((u) => u.username === "host-user")).toBe(false);
  const gone = await host.read(urn, created.id, updated.properties);
  expect(gone.id).toBe("");

  // Nothing the host printed carries a secret.
  assertNoSecrets(host.stderr(), [PASSWORD, NEW_PASSWORD, emu.privateKey]);
});

test("a provider error reaches the caller as a message without secrets", async () => {
  const news = {
    __provider: providerText,
    projectId: "0123456789abcdef01234567",
    username: "nowhere",
    password: PASSWORD,
    roles: [{ roleName: "read", databaseName: "app" }],
  };
  const { inputs } = await host.check(urn, {}, news);
  const error = await host.create(urn, inputs).then(
    () => undefined,
    (err: Error) => err,
  );
  expect(error?.message).toMatch(/create:/);
  assertNoSecrets(String(error?.message), [PASSWORD, emu.privateKey]);
});
