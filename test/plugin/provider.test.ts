/**
 * The provider plugin through its `Provider` interface (what the SDK's gRPC
 * server calls), against the emulator over real HTTP: the same
 * implementations as the dynamic resources, reached by type token, with
 * secrets wrapped on the way out, the provider's own config, and unknowns
 * in a preview handled as on the dynamic path.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { resetContextsForTests } from "../../provider/context";
import { UNKNOWN } from "../../provider/common/unknowns";
import { provider as dynamicDatabaseUser } from "../../provider/databaseUser/provider";
import { AtlasUsersProvider, asSecret, isSecretValue } from "../../provider/plugin/provider";
import { seedOrgAndProject } from "../support/atlasApi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, "../..");
const urn = (resource: string, name = "r") => `urn:pulumi:dev::proj::atlas-users:index:${resource}::${name}`;
const PASSWORD = "plugin-Password-1";
const PASSWORD_2 = "plugin-Password-2";

let emu: EmulatorHandle;
let orgId: string;
let projectId: string;
let plugin: AtlasUsersProvider;

/** The provider config the engine sends in `ConfigureRequest.args` (secrets wrapped, as it sends them). */
function pluginArgs(e: EmulatorHandle): Record<string, unknown> {
  return { baseUrl: e.baseUrl, allowInsecureHttp: "true", publicKey: e.publicKey, privateKey: asSecret(e.privateKey) };
}

/** What a value shows with every secret wrapper replaced: what the engine would store or print in plain text. */
function plainText(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (isSecretValue(v) ? "[secret]" : v)) ?? "";
}

beforeAll(async () => {
  emu = await startTestEmulator();
  await resetContextsForTests();
  plugin = new AtlasUsersProvider(ROOT);
  await plugin.configure(pluginArgs(emu));
});

beforeEach(async () => {
  ({ orgId, projectId } = await seedOrgAndProject(emu));
});

afterAll(async () => {
  await resetContextsForTests();
  await emu?.close();
});

describe("DatabaseUser through the plugin", () => {
  test("check, create, read, diff, update, delete; the password only ever as a secret", async () => {
    const u = urn("DatabaseUser", "app");
    const news = { projectId, username: "plugin-app", password: asSecret(PASSWORD), roles: [{ roleName: "read", databaseName: "app" }] };
    const checked = await plugin.check(u, {}, news);
    expect(checked.failures ?? []).toEqual([]);
    // The owner the DatabaseUser class sets on the dynamic path comes from the URN: <project>/<stack>.
    expect(checked.inputs.owner).toBe("proj/dev");
    expect(checked.inputs.password).toEqual({ [specialSigKey]: specialSecretSig, value: PASSWORD });

    const created = await plugin.create(u, checked.inputs);
    expect(created.id).toBe(`${projectId}/admin/plugin-app`);
    expect(created.outs).toMatchObject({ projectId, username: "plugin-app", databaseName: "admin", owner: "proj/dev" });
    // Outputs equal to their defaults are not stored (the schema lists them as optional).
    expect(created.outs).not.toHaveProperty("temporary");
    expect(created.outs).not.toHaveProperty("x509Type");
    expect(isSecretValue(created.outs.password)).toBe(true);
    expect((await emulatorControl.checkDatabaseUserPassword(emu, { projectId, databaseName: "admin", username: "plugin-app", password: PASSWORD })).ok).toBe(true);

    const read = await plugin.read(created.id, u, created.outs);
    expect(read.id).toBe(created.id);
    expect(read.props).toEqual(created.outs);

    // No change, an in-place change, a change that replaces: the dynamic provider's answers, unchanged.
    expect((await plugin.diff(created.id, u, created.outs, checked.inputs)).changes).toBe(false);
    const newRoles = { ...checked.inputs, roles: [{ roleName: "readWrite", databaseName: "app" }], password: asSecret(PASSWORD_2) };
    const inPlace = await plugin.diff(created.id, u, created.outs, newRoles);
    expect(inPlace).toMatchObject({ changes: true });
    expect(inPlace.replaces ?? []).toEqual([]);
    const renamed = await plugin.diff(created.id, u, created.outs, { ...checked.inputs, username: "plugin-other" });
    expect(renamed.changes).toBe(true);
    expect(renamed.replaces).toContain("username");

    const recheck = await plugin.check(u, checked.inputs, newRoles);
    const updated = await plugin.update(created.id, u, created.outs, recheck.inputs);
    expect(updated.outs).toMatchObject({ roles: [{ roleName: "readWrite", databaseName: "app" }] });
    expect(isSecretValue(updated.outs.password)).toBe(true);
    expect((await emulatorControl.checkDatabaseUserPassword(emu, { projectId, databaseName: "admin", username: "plugin-app", password: PASSWORD_2 })).ok).toBe(true);

    await plugin.delete(created.id, u, updated.outs);
    const gone = await plugin.read(created.id, u, updated.outs);
    expect(gone.id ?? "").toBe("");

    assertNoSecrets(plainText([checked, created, read, inPlace, recheck, updated]), [PASSWORD, PASSWORD_2, emu.privateKey]);
  });

  test("a secret nested in an input (one label's value) keeps its whole property secret in check, create and read", async () => {
    const u = urn("DatabaseUser", "labelled");
    const secretLabel = "nested-Secret-Label-7c1d";
    const news = {
      projectId,
      username: "plugin-labelled",
      password: asSecret(PASSWORD),
      roles: [{ roleName: "read", databaseName: "app" }],
      labels: [{ key: "team", value: asSecret(secretLabel) }],
    };
    const checked = await plugin.check(u, {}, news);
    expect(isSecretValue(checked.inputs.labels)).toBe(true);
    const created = await plugin.create(u, checked.inputs);
    expect(isSecretValue(created.outs.labels)).toBe(true);
    const read = await plugin.read(created.id, u, created.outs);
    expect(isSecretValue(read.props?.labels)).toBe(true);
    assertNoSecrets(plainText([checked, created, read]), [secretLabel, PASSWORD]);
    await plugin.delete(created.id, u, created.outs);
  });

  test("check's failures come back per property, as the dynamic provider names them", async () => {
    const news = { projectId: "not-an-id", username: "", password: asSecret("short"), roles: [] };
    const viaPlugin = await plugin.check(urn("DatabaseUser"), {}, news);
    const direct = await dynamicDatabaseUser.check({}, { projectId: "not-an-id", username: "", password: "short", roles: [], owner: "proj/dev" });
    expect(viaPlugin.failures?.map((f) => f.property).sort()).toEqual(direct.failures?.map((f) => f.property).sort());
    expect(viaPlugin.failures?.length).toBeGreaterThan(0);
    assertNoSecrets(plainText(viaPlugin), ["short"]);
  });

  test("unknown values in a preview: check and diff answer as on the dynamic path, and send nothing", async () => {
    await emulatorControl.clearRequests(emu);
    const news = { projectId: UNKNOWN, username: "later", password: asSecret(UNKNOWN), roles: [{ roleName: "read", databaseName: UNKNOWN }] };
    const viaPlugin = await plugin.check(urn("DatabaseUser"), {}, news);
    const direct = await dynamicDatabaseUser.check({}, { ...news, password: UNKNOWN, owner: "proj/dev" });
    expect(viaPlugin.failures ?? []).toEqual(direct.failures ?? []);
    expect(viaPlugin.inputs.projectId).toBe(UNKNOWN);

    const olds = { projectId, username: "later", databaseName: "admin", roles: [{ roleName: "read", databaseName: "app" }], owner: "proj/dev", temporary: false, scopes: [], labels: [], awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE", x509Type: "NONE" };
    const diffNews = { ...olds, roles: [{ roleName: "read", databaseName: UNKNOWN }] };
    expect(await plugin.diff("x", urn("DatabaseUser"), olds, diffNews)).toEqual(await dynamicDatabaseUser.diff("x", olds as never, diffNews as never));
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });
});

describe("access resources through the plugin", () => {
  test("Team and TeamProjectAccess: create, read, update, delete", async () => {
    const teamUrn = urn("Team", "platform");
    const team = await plugin.check(teamUrn, {}, { orgId, name: "platform" });
    expect(team.failures ?? []).toEqual([]);
    expect(team.inputs.owner).toBeUndefined();
    const teamCreated = await plugin.create(teamUrn, team.inputs);
    expect(teamCreated.outs).toMatchObject({ orgId, name: "platform" });
    const teamId = teamCreated.outs.teamId as string;
    expect(teamId).toMatch(/^[0-9a-f]{24}$/);

    const accessUrn = urn("TeamProjectAccess", "access");
    const access = await plugin.check(accessUrn, {}, { projectId, teamId, roles: ["GROUP_READ_ONLY"] });
    expect(access.failures ?? []).toEqual([]);
    const accessCreated = await plugin.create(accessUrn, access.inputs);
    expect(accessCreated.outs).toMatchObject({ projectId, teamId, roles: ["GROUP_READ_ONLY"] });
    expect((await plugin.read(accessCreated.id, accessUrn, accessCreated.outs)).props).toEqual(accessCreated.outs);

    const more = await plugin.check(accessUrn, access.inputs, { projectId, teamId, roles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] });
    const diff = await plugin.diff(accessCreated.id, accessUrn, accessCreated.outs, more.inputs);
    expect(diff.changes).toBe(true);
    expect(diff.replaces ?? []).toEqual([]);
    const updated = await plugin.update(accessCreated.id, accessUrn, accessCreated.outs, more.inputs);
    expect([...(updated.outs.roles as string[])].sort()).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);

    const renamed = await plugin.check(teamUrn, team.inputs, { orgId, name: "platform-2" });
    const teamUpdated = await plugin.update(teamCreated.id, teamUrn, teamCreated.outs, renamed.inputs);
    expect(teamUpdated.outs).toMatchObject({ name: "platform-2", teamId });

    await plugin.delete(accessCreated.id, accessUrn, updated.outs);
    expect((await plugin.read(accessCreated.id, accessUrn, updated.outs)).id ?? "").toBe("");
    await plugin.delete(teamCreated.id, teamUrn, teamUpdated.outs);
    expect((await plugin.read(teamCreated.id, teamUrn, teamUpdated.outs)).id ?? "").toBe("");
  });

  test("an unknown type token is refused by name", async () => {
    await expect(plugin.check("urn:pulumi:dev::proj::atlas-users:index:Nope::x", {}, {})).rejects.toThrow("unknown resource type atlas-users:index:Nope");
    await expect(plugin.check("urn:pulumi:dev::proj::other:index:Team::x", {}, {})).rejects.toThrow("unknown resource type other:index:Team");
  });
});

describe("configuration", () => {
  test("without atlas-users credentials or environment variables, a create fails saying what to set, echoing no secret", async () => {
    const bare = new AtlasUsersProvider(ROOT);
    await bare.configure({ baseUrl: emu.baseUrl, allowInsecureHttp: true });
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (/^(MONGODB_ATLAS_|MCLI_)/.test(name)) delete process.env[name];
    try {
      const team = await bare.check(urn("Team"), {}, { orgId, name: "no-creds" });
      const error = await bare.create(urn("Team"), team.inputs).then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(/No MongoDB Atlas credentials found/);
      // It names the plugin's keys, not the dynamic path's stack keys, which never reach the plugin.
      expect(error?.message).toContain("pulumi config set --secret atlas-users:privateKey");
      expect(error?.message).not.toContain("mongodbatlas:");
    } finally {
      process.env = saved;
    }
  });

  test("half a key pair is refused naming the plugin's missing key", async () => {
    const half = new AtlasUsersProvider(ROOT);
    await half.configure({ baseUrl: emu.baseUrl, allowInsecureHttp: "true", publicKey: emu.publicKey });
    const team = await half.check(urn("Team"), {}, { orgId, name: "half" });
    await expect(half.create(urn("Team"), team.inputs)).rejects.toThrow("atlas-users:publicKey is set but atlas-users:privateKey is not");
  });

  test("unset settings fall back to the environment variables", async () => {
    const fromEnv = new AtlasUsersProvider(ROOT);
    await fromEnv.configure({ baseUrl: emu.baseUrl, allowInsecureHttp: "true" });
    const saved = { ...process.env };
    process.env.MONGODB_ATLAS_PUBLIC_KEY = emu.publicKey;
    process.env.MONGODB_ATLAS_PRIVATE_KEY = emu.privateKey;
    try {
      const team = await fromEnv.check(urn("Team"), {}, { orgId, name: "from-env" });
      const created = await fromEnv.create(urn("Team"), team.inputs);
      expect(created.outs).toMatchObject({ name: "from-env" });
    } finally {
      process.env = saved;
    }
  });

  test("a wrong private key fails without echoing it", async () => {
    const wrong = new AtlasUsersProvider(ROOT);
    const badKey = "wrong-private-key-0123456789";
    await wrong.configure({ ...pluginArgs(emu), privateKey: asSecret(badKey), maxRetries: 0 });
    const team = await wrong.check(urn("Team"), {}, { orgId, name: "bad-key" });
    const error = await wrong.create(urn("Team"), team.inputs).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    assertNoSecrets(`${(error as Error).message}\n${(error as Error).stack}`, [badKey]);
  });
});

describe("schema and version", () => {
  test("getSchema serves schema.json; the version is package.json's", async () => {
    const schema = JSON.parse(await plugin.getSchema());
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(plugin.version).toBe(pkg.version);
    expect(schema.version).toBe(pkg.version);
    expect(schema.name).toBe("atlas-users");
    expect(Object.keys(schema.resources).sort()).toEqual(
      ["CloudUser", "CustomDbRole", "DatabaseUser", "OrgInvitation", "ProjectMembership", "Team", "TeamMembership", "TeamProjectAccess", "X509Certificate"].map((r) => `atlas-users:index:${r}`),
    );
  });
});
