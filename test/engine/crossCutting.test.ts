/**
 * Checks that hold for every resource, through the real engine: no plaintext
 * secret anywhere in state or output, a small `__provider` identical across
 * resources of a type, a preview of an unchanged stack that sends no request,
 * and an edited implementation that does not make existing resources change.
 */
import * as pulumi from "@pulumi/pulumi";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CloudUser } from "../../provider/cloudUser";
import { DatabaseUser } from "../../provider/databaseUser";
import { OrgInvitation } from "../../provider/orgInvitation";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, atlasType, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { repoRoot } from "../support/workdir";

const DB_PASSWORD_A = "db-password-a-5Qx81vLr";
const DB_PASSWORD_B = "db-password-b-Zt30pWe7";
const CLOUD_PASSWORD = "Cloud passphrase 9Hd!";

/**
 * A copy of the package (package.json + dist, dependencies linked) that the
 * stack's host loads, so a test can edit "the installed implementation"
 * without touching the shared working tree.
 */
function copyPackage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-package-copy-"));
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(dir, "package.json"));
  fs.cpSync(path.join(repoRoot, "dist"), path.join(dir, "dist"), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

describeEngine("cross-cutting engine checks", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let packageCopy: string;
  const marker = path.join(os.tmpdir(), `atlas-edited-impl-${process.pid}.log`);

  const program = async () => {
    const cfg = new pulumi.Config();
    const a = new DatabaseUser("db-a", {
      projectId: emu.projectId,
      username: "app-a",
      password: cfg.requireSecret("dbPasswordA"),
      roles: [{ roleName: "readWrite", databaseName: "app" }],
    });
    const b = new DatabaseUser("db-b", {
      projectId: emu.projectId,
      username: "app-b",
      password: cfg.requireSecret("dbPasswordB"),
      roles: [{ roleName: "read", databaseName: "app" }],
      expiresIn: "24h",
    });
    const invite = new OrgInvitation("invite", {
      orgId: emu.orgId,
      username: "grace@example.com",
      roles: ["ORG_MEMBER"],
      projectRoles: [{ projectId: emu.projectId, roles: ["GROUP_READ_ONLY"] }],
    });
    const invite2 = new OrgInvitation("invite-2", {
      orgId: emu.orgId,
      username: "alan@example.com",
      roles: ["ORG_MEMBER"],
    });
    const person = new CloudUser("person", {
      username: "katherine@example.com",
      password: cfg.requireSecret("cloudPassword"),
      firstName: "Katherine",
      lastName: "Johnson",
      country: "US",
      mobileNumber: "212-555-0100",
      roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
    });
    return {
      dbA: a.id,
      dbB: b.id,
      dbAPassword: a.password,
      invitation: invite.id,
      invitation2: invite2.id,
      cloudUser: person.id,
    };
  };

  beforeAll(async () => {
    emu = await startTestEmulator();
    packageCopy = copyPackage();
    stack = await createEngineStack({
      emulator: emu,
      program,
      packageRoot: packageCopy,
      config: {
        dbPasswordA: { value: DB_PASSWORD_A, secret: true },
        dbPasswordB: { value: DB_PASSWORD_B, secret: true },
        cloudPassword: { value: CLOUD_PASSWORD, secret: true },
      },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
    if (packageCopy) fs.rmSync(packageCopy, { recursive: true, force: true });
    fs.rmSync(marker, { force: true });
  });

  const secrets = () => [DB_PASSWORD_A, DB_PASSWORD_B, CLOUD_PASSWORD, emu.privateKey, emu.clientSecret];

  test("up creates every resource; a password output is a secret", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 5, update: 0, replace: 0, delete: 0 });
    expect(up.secretOutputs).toContain("dbAPassword");
    expect(up.outputs.dbAPassword).toBe(DB_PASSWORD_A);
    const state = (await emulatorControl.state(emu)) as { databaseUsers: { username: string }[] };
    expect(state.databaseUsers.map((u) => u.username).sort()).toEqual(expect.arrayContaining(["app-a", "app-b"]));
  });

  test("no plaintext password, private key or client secret in the exported state, the state file or the engine's output", async () => {
    const exported = JSON.stringify(await stack.exportState());
    // The scan can fail: the secrets are there when shown on purpose.
    expect(JSON.stringify(await stack.exportState({ showSecrets: true }))).toContain(DB_PASSWORD_A);
    assertNoSecrets(exported, secrets());
    assertNoSecrets(stack.stateFileText(), secrets());
    assertNoSecrets(stack.allOutput(), secrets());
    assertNoSecrets(fs.readFileSync(path.join(stack.dir, "work", "Pulumi.test.yaml"), "utf8"), secrets());
  });

  test("__provider is small, holds no captured state, and is identical across resources of a type", async () => {
    const sizes: Record<string, number> = {};
    for (const type of ["DatabaseUser", "OrgInvitation", "CloudUser"] as const) {
      const resources = await stack.resources(atlasType(type));
      expect(resources.length).toBeGreaterThan(0);
      const texts = new Set(resources.flatMap((r) => [r.inputs.__provider, r.outputs.__provider]));
      expect(texts.size).toBe(1);
      const [text] = [...texts] as string[];
      sizes[type] = text.length;
      expect(text).toContain(`pulumi-atlas-users/p/${type.charAt(0).toLowerCase()}${type.slice(1)}`);
      // Stored twice per resource; anything captured (a schema, an agent,
      // credentials) would add far more.
      expect(text.length).toBeLessThan(128);
      assertNoSecrets(text, secrets());
      expect(text).not.toContain(emu.baseUrl);
      expect(text).not.toContain(emu.publicKey);
    }
    // eslint-disable-next-line no-console
    console.log(`__provider sizes (characters): ${JSON.stringify(sizes)}`);
  });

  test("a preview of the unchanged stack reports no changes and sends zero requests to the emulator", async () => {
    await emulatorControl.clearRequests(emu);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 5 });
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });

  test("an edited implementation runs on the next preview, and existing resources show no change", async () => {
    // Edit the installed implementation the way an upgrade would: same module
    // names, different code (here it also leaves a trace that it ran).
    for (const type of ["databaseUser", "orgInvitation", "cloudUser"]) {
      const file = path.join(packageCopy, "dist", "provider", type, "provider.js");
      fs.appendFileSync(
        file,
        `\n;(() => { const diff = exports.provider.diff; exports.provider.diff = async function (...args) {` +
          ` require("node:fs").appendFileSync(${JSON.stringify(marker)}, ${JSON.stringify(type)} + "\\n");` +
          ` return diff.apply(this, args); }; })();\n`,
      );
    }
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 5 });
    const ran = fs.readFileSync(marker, "utf8").trim().split("\n").sort();
    expect(new Set(ran)).toEqual(new Set(["cloudUser", "databaseUser", "orgInvitation"]));
  });

  test("destroy removes everything from the emulator and the state", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.delete).toBe(5);
    expect(await stack.resources()).toEqual([]);
    const state = (await emulatorControl.state(emu)) as { databaseUsers: { username: string }[] };
    expect(state.databaseUsers.filter((u) => u.username.startsWith("app-"))).toEqual([]);
    assertNoSecrets(stack.allOutput(), secrets());
  });
});

describeEngine("cross-cutting engine checks with a service account", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;

  beforeAll(async () => {
    emu = await startTestEmulator();
    stack = await createEngineStack({
      emulator: emu,
      useServiceAccount: true,
      config: { dbPassword: { value: DB_PASSWORD_A, secret: true } },
      program: async () => {
        const user = new DatabaseUser("db-sa", {
          projectId: emu.projectId,
          username: "app-sa",
          password: new pulumi.Config().requireSecret("dbPassword"),
          roles: [{ roleName: "read", databaseName: "app" }],
        });
        return { id: user.id };
      },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("no client secret, bearer token or Authorization header in state or output, through up and destroy", async () => {
    const up = await stack.up();
    expect(up.summary.create).toBe(1);
    // The provider really authenticated with OAuth: the emulator saw bearer requests.
    expect((await emulatorControl.requests(emu)).some((r) => r.auth === "bearer")).toBe(true);
    const texts = [JSON.stringify(await stack.exportState()), stack.stateFileText(), stack.allOutput()];
    await stack.destroy();
    texts.push(stack.allOutput());
    for (const text of texts) {
      assertNoSecrets(text, [emu.clientSecret, DB_PASSWORD_A]);
      expect(text).not.toMatch(/access_token|Bearer\s+[A-Za-z0-9_-]{16,}|Digest\s+username=|authorization:/i);
    }
  });
});
