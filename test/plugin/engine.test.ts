/**
 * The provider plugin under the real engine: an inline Automation API program
 * registers `atlas-users:index:*` resources, and the CLI finds
 * `pulumi-resource-atlas-users` (the launcher in bin/) on PATH or through
 * `plugins.providers` in Pulumi.yaml, starts it, and drives it against the
 * emulator. What the engine sends the plugin as config, and the PATH lookup
 * turned off, are run from a YAML program (test/engine/plugin.test.ts): a
 * run that fails before the program ends leaves the inline program's last
 * RPC to reject after jest's test, failing the file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { seedOrgAndProject } from "../support/atlasApi";
import { assertNoSecrets, createEngineStack, describeEngine, engine, pluginConfig, type EngineStack } from "../support/engine";
import { repoRoot } from "../support/workdir";
import { AtlasUsersProvider } from "../../provider/plugin/provider";

const PASSWORD = "engine-Plugin-Pw-1";
const PASSWORD_2 = "engine-Plugin-Pw-2";

/** A resource of the plugin's package, registered by type token as any language's SDK would. */
class PluginResource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

/** A directory holding only the launcher, to put first on PATH. */
function launcherDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-plugin-path-"));
  fs.symlinkSync(path.join(repoRoot, "bin", "pulumi-resource-atlas-users"), path.join(dir, "pulumi-resource-atlas-users"));
  return dir;
}

/** The PATH the CLI runs with: the launcher's directory, the CLI's, then the rest (node among it). */
const pathWith = (dir: string) => [dir, path.join(engine.root ?? "", "bin"), process.env.PATH].join(path.delimiter);

const userProps = (projectId: string, roleName: string, password: string) => ({
  projectId,
  username: "engine-plugin-app",
  password: pulumi.secret(password),
  roles: [{ roleName, databaseName: "app" }],
  // Declared so the engine hands the outputs back to the program.
  owner: undefined,
  databaseName: undefined,
});

describeEngine("the provider plugin under the engine", () => {
  let emu: EmulatorHandle;
  let dir: string;
  let ids: { orgId: string; projectId: string };
  const env = { ...process.env };

  beforeAll(async () => {
    emu = await startTestEmulator();
    dir = launcherDir();
    // Credentials reach the plugin through its config only, never the environment.
    for (const name of Object.keys(process.env)) if (/^(MONGODB_ATLAS_|MCLI_)/.test(name)) delete process.env[name];
  });
  beforeEach(async () => {
    ids = await seedOrgAndProject(emu);
  });
  afterAll(async () => {
    process.env = env;
    fs.rmSync(dir, { recursive: true, force: true });
    await emu?.close();
  });

  test("found on PATH: up, unchanged preview with no requests, update, refresh, destroy; secrets stay secret", async () => {
    const { orgId, projectId } = ids;
    const program = (roleName: string, password: string) => async () => {
      const user = new PluginResource("atlas-users:index:DatabaseUser", "app", userProps(projectId, roleName, password));
      const team = new PluginResource("atlas-users:index:Team", "platform", { orgId, name: "platform", teamId: undefined });
      const access = new PluginResource("atlas-users:index:TeamProjectAccess", "access", {
        projectId,
        teamId: (team as unknown as { teamId: pulumi.Output<string> }).teamId,
        roles: ["GROUP_READ_ONLY"],
      });
      const out = user as unknown as Record<string, pulumi.Output<unknown>>;
      return { userId: user.id, owner: out.owner, databaseName: out.databaseName, accessId: access.id };
    };
    const stack: EngineStack = await createEngineStack({
      emulator: emu,
      projectName: "plugin-proj",
      stackName: "dev",
      config: pluginConfig(emu),
      envVars: { PATH: pathWith(dir) },
      program: program("read", PASSWORD),
    });
    try {
      const up = await stack.up();
      expect(up.summary).toMatchObject({ create: 3 });
      expect(up.outputs).toMatchObject({ userId: `${projectId}/admin/engine-plugin-app`, owner: "plugin-proj/dev", databaseName: "admin" });
      expect((await emulatorControl.checkDatabaseUserPassword(emu, { projectId, databaseName: "admin", username: "engine-plugin-app", password: PASSWORD })).ok).toBe(true);

      // One implementation, real type tokens, no __provider, the password encrypted in the state.
      const state = await stack.exportState();
      const resources = state.deployment.resources as any[];
      const user = resources.find((r) => r.type === "atlas-users:index:DatabaseUser");
      expect(user.inputs.__provider).toBeUndefined();
      expect(user.outputs.__provider).toBeUndefined();
      expect(user.outputs.password).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
      expect(user.inputs.password).toMatchObject({ ciphertext: expect.any(String) });
      const provider = resources.find((r) => r.type === "pulumi:providers:atlas-users");
      // The default provider holds (and the plugin is configured with) the atlas-users:* keys only.
      expect(Object.keys(provider.inputs).sort()).toEqual(["allowInsecureHttp", "baseUrl", "privateKey", "publicKey"]);
      expect(provider.inputs.privateKey).toMatchObject({ ciphertext: expect.any(String) });

      await emulatorControl.clearRequests(emu);
      expect((await stack.preview()).changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 3 });
      expect(await emulatorControl.requests(emu)).toEqual([]);

      const updated = await stack.up({ program: program("readWrite", PASSWORD_2) });
      expect(updated.summary).toMatchObject({ update: 1, same: 2, replace: 0 });
      expect((await emulatorControl.checkDatabaseUserPassword(emu, { projectId, databaseName: "admin", username: "engine-plugin-app", password: PASSWORD_2 })).ok).toBe(true);

      expect((await stack.refresh()).summary).toMatchObject({ update: 0, delete: 0 });
      await stack.destroy();
      const store = (await emulatorControl.state(emu)) as { databaseUsers?: { username: string }[]; teams?: { name: string; orgId: string }[] };
      expect((store.databaseUsers ?? []).filter((u) => u.username === "engine-plugin-app")).toEqual([]);
      expect((store.teams ?? []).filter((t) => t.orgId === orgId)).toEqual([]);

      assertNoSecrets(stack.stateFileText() + stack.allOutput() + JSON.stringify(state), [PASSWORD, PASSWORD_2, emu.privateKey]);
    } finally {
      await stack.dispose();
    }
  });

  test("import: an existing database user comes into the stack (the `import` option) through the plugin's read", async () => {
    const { projectId } = ids;
    // Created out of band (the plugin object in this process), then imported by id.
    const outOfBand = new AtlasUsersProvider(repoRoot);
    await outOfBand.configure({ baseUrl: emu.baseUrl, allowInsecureHttp: "true", publicKey: emu.publicKey, privateKey: emu.privateKey });
    const declared = { projectId, username: "to-import", x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "app" }] };
    const urn = "urn:pulumi:other::elsewhere::atlas-users:index:DatabaseUser::x";
    const made = await outOfBand.check(urn, {}, { ...declared, owner: "plugin-import/test" });
    const { id } = await outOfBand.create(urn, made.inputs);
    // `pulumi import` needs the project's language host (none here for nodejs): the resource option does the same import.
    const stack = await createEngineStack({
      emulator: emu,
      projectName: "plugin-import",
      config: pluginConfig(emu),
      envVars: { PATH: pathWith(dir) },
      program: async () => {
        new PluginResource("atlas-users:index:DatabaseUser", "imported", declared, { import: id });
      },
    });
    try {
      const up = await stack.up();
      expect(up.steps.map((s) => s.op)).toEqual(["import"]);
      const [imported] = await stack.resources("atlas-users:index:DatabaseUser");
      expect(imported.id).toBe(id);
      expect(imported.outputs).toMatchObject({ ...declared, databaseName: "$external" });
      expect((await stack.preview()).changeSummary).toMatchObject({ same: 1, update: 0, replace: 0 });
      // A change of the provider's config (the SDK's server leaves DiffConfig unimplemented: the engine
      // then updates the provider in place) replaces no resource.
      await stack.setConfig("atlas-users:requestTimeoutMs", "20000");
      expect((await stack.up()).summary).toMatchObject({ same: 1, update: 0, replace: 0, delete: 0 });
    } finally {
      await stack.dispose();
    }
  });

  test("found through plugins.providers in Pulumi.yaml, a path relative to the project (nothing on PATH)", async () => {
    // createEngineStack's project directory is <tmp>/atlas-engine-XXXXXX/work: the same depth whatever the Xs.
    const relative = path.relative(path.join(os.tmpdir(), "atlas-engine-XXXXXX", "work"), path.join(repoRoot, "bin"));
    expect(path.isAbsolute(relative)).toBe(false);
    const stack = await createEngineStack({
      emulator: emu,
      config: pluginConfig(emu),
      plugins: { providers: [{ name: "atlas-users", path: relative }] },
      program: async () => {
        const team = new PluginResource("atlas-users:index:Team", "t", { orgId: ids.orgId, name: "via-yaml", teamId: undefined });
        return { teamId: (team as unknown as { teamId: pulumi.Output<string> }).teamId };
      },
    });
    try {
      const up = await stack.up();
      expect(up.outputs.teamId).toMatch(/^[0-9a-f]{24}$/);
      await stack.destroy();
    } finally {
      await stack.dispose();
    }
  });
});
