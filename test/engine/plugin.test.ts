/**
 * The provider plugin (`bin/pulumi-resource-atlas-users`, type tokens
 * `atlas-users:index:<Resource>`) driven by the `pulumi` CLI on the YAML
 * program of `examples/yaml`, against the emulator over real HTTP:
 *
 * - found through the project's `plugins: providers:` path: `up` creates the
 *   database user, the team and the invitation; `preview` plans nothing and
 *   sends no request; `refresh` finds nothing changed; `destroy` removes all;
 * - found on `PATH` (the `plugins:` block left out), credentials from the
 *   environment; and without either, the CLI says it has no such plugin;
 * - `pulumi import` of each resource made outside Pulumi, then `preview`.
 *
 * Credentials go to the plugin's own config (`atlas-users:*`, the private
 * key as a secret) or to the environment; never into this process's.
 */
import fs from "node:fs";
import path from "node:path";
import { apiClient, serviceAccountToken, type ApiCall, type ApiResponse } from "../support/atlasApi";
import { createCliProject, describeYaml } from "../support/cliProject";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, pluginConfig } from "../support/engine";
import { repoRoot } from "../support/workdir";

const template = path.join(repoRoot, "examples", "yaml");
const launcherDir = path.join(repoRoot, "bin");
const launcher = path.join(launcherDir, "pulumi-resource-atlas-users");
const token = (resource: string) => `atlas-users:index:${resource}`;
const APP_PASSWORD = "Yaml-Plugin-Pw-4e7c1a";

interface Store {
  teams: { id: string; orgId: string; name: string }[];
  orgMemberships: { userId: string; orgId: string; username: string; status: string; teamIds: string[] }[];
  databaseUsers: { groupId: string; databaseName: string; username: string; labels?: { key: string; value: string }[] }[];
}

/** The program's config: where its resources go, and the database user's password (secret). */
function programConfig(emu: EmulatorHandle): Record<string, { value: string; secret?: boolean }> {
  return {
    orgId: { value: emu.orgId },
    projectId: { value: emu.projectId },
    appPassword: { value: APP_PASSWORD, secret: true },
  };
}

/** examples/yaml/Pulumi.yaml without its `plugins:` block (and the comment above it). */
function projectWithoutPluginsBlock(): string {
  const text = fs.readFileSync(path.join(template, "Pulumi.yaml"), "utf8");
  const without = text.replace(/^(#.*\n)*plugins:\n(?:[ \t]+.*\n)*/m, "");
  if (without === text) throw new Error("examples/yaml/Pulumi.yaml has no plugins: block to leave out");
  return without;
}

describeYaml("the provider plugin from a YAML program (examples/yaml)", () => {
  let emu: EmulatorHandle;
  const store = async () => (await emulatorControl.state(emu)) as unknown as Store;
  const ours = async () => {
    const s = await store();
    return {
      teams: s.teams.filter((t) => t.orgId === emu.orgId).map((t) => t.name),
      members: s.orgMemberships.filter((m) => m.orgId === emu.orgId && m.username === "grace@example.com").map((m) => m.status),
      dbUsers: s.databaseUsers.filter((u) => u.groupId === emu.projectId).map((u) => `${u.databaseName}/${u.username}`),
    };
  };
  /** Whether the emulator accepts the program's password for the database user. */
  const appPasswordWorks = async () =>
    (
      await emulatorControl.checkDatabaseUserPassword(emu, {
        projectId: emu.projectId,
        databaseName: "admin",
        username: "orders-service",
        password: APP_PASSWORD,
      })
    ).ok;
  const apiRequests = async () =>
    (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge" && !r.path.startsWith("/api/oauth"));

  /** One API call as an administrator would make it (a fresh token), failing on an error status. */
  const byHand = async (c: ApiCall): Promise<ApiResponse> => {
    const res = await apiClient(emu, await serviceAccountToken(emu))(c);
    if (res.status >= 300) throw new Error(`${c.method} ${c.path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  /**
   * What a `preview --json` plans for the program's resources other than
   * `same`: each step's op and the inputs that differ. The SDK's provider
   * server (3.248.0) sends no property list with a diff, so they are read off
   * the step's old and new state.
   */
  type Step = { op: string; urn: string; oldState?: { inputs?: Record<string, unknown> }; newState?: { inputs?: Record<string, unknown> } };
  const plannedChanges = (preview: { steps?: Step[] }) =>
    (preview.steps ?? [])
      .filter((s) => s.op !== "same" && !/pulumi:(pulumi:Stack|providers:)/.test(s.urn))
      .map((s) => {
        const olds = s.oldState?.inputs ?? {};
        const news = s.newState?.inputs ?? {};
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])];
        return { op: s.op, name: s.urn.split("::").pop(), inputs: keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort() };
      });

  beforeAll(async () => {
    emu = await startTestEmulator();
  });

  afterAll(async () => {
    await emu?.close();
  });

  beforeEach(async () => {
    await emulatorControl.reset(emu);
  });

  test("the plugin launcher is in bin/ (what the example's plugins: path and PATH point at)", () => {
    expect(fs.existsSync(launcher)).toBe(true);
    fs.accessSync(launcher, fs.constants.X_OK);
  });

  test("plugins: path — up creates all three, preview plans nothing (no request), refresh changes nothing, destroy removes all", async () => {
    const project = await createCliProject({ template, config: { ...programConfig(emu), ...pluginConfig(emu) } });
    try {
      const up = await project.up();
      expect(up.summary).toMatchObject({ create: 3, update: 0, replace: 0, delete: 0 });
      expect(up.steps.map((s) => s.type).sort()).toEqual([token("DatabaseUser"), token("OrgInvitation"), token("Team")]);
      expect(await ours()).toEqual({ teams: ["analysts"], members: ["PENDING"], dbUsers: ["admin/orders-service"] });
      expect(await appPasswordWorks()).toBe(true);
      const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
      expect(outputs).toMatchObject({ appUserId: `${emu.projectId}/admin/orders-service`, invitationStatus: "PENDING" });
      expect(outputs.teamId).toMatch(/^[0-9a-f]{24}$/);

      await emulatorControl.clearRequests(emu);
      const preview = await project.previewNoChanges();
      expect({ code: preview.code, out: preview.code === 0 ? "" : preview.stdout + preview.stderr }).toEqual({ code: 0, out: "" });
      expect(await apiRequests()).toEqual([]);

      const refresh = await project.refresh();
      expect(refresh.summary).toMatchObject({ update: 0, delete: 0 });
      expect(refresh.steps).toHaveLength(3);
      expect((await project.previewNoChanges()).code).toBe(0);

      // The password is a secret in state; nothing the CLI printed holds it or the private key.
      const [user] = await project.resources(token("DatabaseUser"));
      expect(user.outputs.password).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
      assertNoSecrets(project.stateFileText() + project.allOutput() + fs.readFileSync(path.join(project.projectDir, "Pulumi.test.yaml"), "utf8"), [
        APP_PASSWORD,
        emu.privateKey,
      ]);

      const destroy = await project.destroy();
      expect(destroy.summary).toMatchObject({ delete: 3 });
      expect(await ours()).toEqual({ teams: [], members: [], dbUsers: [] });
    } finally {
      project.dispose();
    }
  });

  test("PATH — without a plugins: block the CLI finds the launcher on PATH (credentials from the environment), and fails without it", async () => {
    const files = { "Pulumi.yaml": projectWithoutPluginsBlock() };
    const missing = await createCliProject({ template, files, emulator: emu, credentialsIn: "environment", config: programConfig(emu) });
    try {
      const preview = await missing.run(["preview"]);
      expect(preview.code).not.toBe(0);
      expect(preview.stdout + preview.stderr).toMatch(/atlas-users/);
    } finally {
      missing.dispose();
    }

    const project = await createCliProject({
      template,
      files,
      emulator: emu,
      credentialsIn: "environment",
      config: programConfig(emu),
      pathDirs: [launcherDir],
    });
    try {
      const up = await project.up();
      expect(up.summary).toMatchObject({ create: 3 });
      expect((await project.previewNoChanges()).code).toBe(0);
      const destroy = await project.destroy();
      expect(destroy.summary).toMatchObject({ delete: 3 });
      expect(await ours()).toEqual({ teams: [], members: [], dbUsers: [] });
      assertNoSecrets(project.stateFileText() + project.allOutput(), [APP_PASSWORD, emu.privateKey]);
    } finally {
      project.dispose();
    }
  });

  test("the engine sends the plugin its own namespace only: credentials under mongodbatlas:* do not reach it", async () => {
    // emulator + credentialsIn "config": the key pair under mongodbatlas:*, as the dynamic resources read it.
    const project = await createCliProject({
      template,
      emulator: emu,
      credentialsIn: "config",
      config: { ...programConfig(emu), "atlas-users:baseUrl": { value: emu.baseUrl }, "atlas-users:allowInsecureHttp": { value: "true" } },
    });
    try {
      // A preview sends nothing (it needs no credentials); the first request needs them.
      const up = await project.run(["up", "--yes", "--skip-preview"]);
      expect(up.code).not.toBe(0);
      expect(up.stdout + up.stderr).toMatch(/No MongoDB Atlas credentials found\. Set a service account \(recommended\): `pulumi config set atlas-users:clientId/);
      assertNoSecrets(project.allOutput(), [emu.privateKey, APP_PASSWORD]);
    } finally {
      project.dispose();
    }
  });

  test("PULUMI_IGNORE_AMBIENT_PLUGINS turns the PATH lookup off", async () => {
    const files = { "Pulumi.yaml": projectWithoutPluginsBlock() };
    const project = await createCliProject({
      template,
      files,
      emulator: emu,
      credentialsIn: "environment",
      config: programConfig(emu),
      pathDirs: [launcherDir],
      env: { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" },
    });
    try {
      const preview = await project.run(["preview"]);
      expect(preview.code).not.toBe(0);
      expect(preview.stdout + preview.stderr).toContain("no resource plugin 'pulumi-resource-atlas-users' found in the workspace");
    } finally {
      project.dispose();
    }
  });

  test("pulumi import of each resource made outside Pulumi, then preview", async () => {
    // Made by hand, as an administrator would in the Atlas UI or with the API.
    const team = await byHand({ method: "POST", path: `/api/atlas/v2/orgs/${emu.orgId}/teams`, version: "2023-01-01", body: { name: "analysts", usernames: [] } });
    const teamId: string = team.body.id;
    const invited = await byHand({
      method: "POST",
      path: `/api/atlas/v2/orgs/${emu.orgId}/users`,
      version: "2025-02-19",
      body: { username: "grace@example.com", roles: { orgRoles: ["ORG_MEMBER"] }, teamIds: [teamId] },
    });
    await byHand({
      method: "POST",
      path: `/api/atlas/v2/groups/${emu.projectId}/databaseUsers`,
      version: "2023-01-01",
      body: {
        groupId: emu.projectId,
        databaseName: "admin",
        username: "orders-service",
        password: "Set-By-Hand-Pw-91b2",
        roles: [
          { roleName: "readWrite", databaseName: "orders" },
          { roleName: "read", databaseName: "reporting" },
        ],
      },
    });

    const project = await createCliProject({ template, config: { ...programConfig(emu), ...pluginConfig(emu) } });
    try {
      const imports: [string, string, string][] = [
        ["Team", "analysts", `${emu.orgId}/${teamId}`],
        ["OrgInvitation", "grace", `${emu.orgId}/${invited.body.id}`],
        ["DatabaseUser", "app", `${emu.projectId}/admin/orders-service`],
      ];
      for (const [resource, name, id] of imports) {
        const result = await project.import(token(resource), name, id, ["--protect=false"]);
        // The definition the CLI prints is YAML, in the project's language (the `index` module left out of the token).
        expect(result.stdout).toContain(`type: atlas-users:${resource}`);
      }
      expect((await project.resources()).map((r) => r.type).sort()).toEqual([token("DatabaseUser"), token("OrgInvitation"), token("Team")]);

      // The team and the invitation match the program as imported. The
      // database user's password cannot be read back (Atlas never returns it),
      // so the program's password is the one change planned: `up` sets it.
      const planned = plannedChanges(await project.previewJson());
      // `owner` differs too (the plugin's check takes the stack from the URN; a
      // user made by hand carries no ownership label), but alone it changes
      // nothing: the update caused by the password stamps it.
      expect(planned).toEqual([{ op: "update", name: "app", inputs: ["owner", "password"] }]);

      const up = await project.up();
      expect(up.summary).toMatchObject({ create: 0, update: 1, replace: 0, delete: 0, same: 2 });
      expect(await appPasswordWorks()).toBe(true);
      const [user] = (await store()).databaseUsers.filter((u) => u.groupId === emu.projectId);
      expect(user.labels).toEqual([{ key: "pulumi-atlas-users/owner", value: "atlas-users-yaml/test" }]);
      expect((await project.previewNoChanges()).code).toBe(0);
      assertNoSecrets(project.stateFileText() + project.allOutput(), [APP_PASSWORD, "Set-By-Hand-Pw-91b2", emu.privateKey]);

      const destroy = await project.destroy();
      expect(destroy.summary).toMatchObject({ delete: 3 });
      expect(await ours()).toEqual({ teams: [], members: [], dbUsers: [] });
    } finally {
      project.dispose();
    }
  });

  test("pulumi import of the other resource types made outside Pulumi, then preview; a certificate is refused", async () => {
    const teamId: string = (
      await byHand({ method: "POST", path: `/api/atlas/v2/orgs/${emu.orgId}/teams`, version: "2023-01-01", body: { name: "platform", usernames: [] } })
    ).body.id;
    await byHand({ method: "POST", path: `/api/atlas/v2/groups/${emu.projectId}/teams`, version: "2023-01-01", body: [{ teamId, roleNames: ["GROUP_READ_ONLY"] }] });
    const carol = await byHand({
      method: "POST",
      path: `/api/atlas/v2/groups/${emu.projectId}/users`,
      version: "2025-02-19",
      body: { username: "carol@example.com", roles: ["GROUP_DATA_ACCESS_READ_ONLY"] },
    });
    await byHand({ method: "POST", path: `/api/atlas/v2/orgs/${emu.orgId}/teams/${teamId}:addUser`, version: "2025-02-19", body: { id: carol.body.id } });
    await byHand({
      method: "POST",
      path: `/api/atlas/v2/groups/${emu.projectId}/customDBRoles/roles`,
      version: "2023-01-01",
      body: { roleName: "reportReader", actions: [{ action: "FIND", resources: [{ cluster: false, db: "reports", collection: "" }] }] },
    });
    const operator = await byHand({
      method: "POST",
      path: "/api/atlas/v2/users",
      version: "2023-01-01",
      body: {
        username: "operator@example.com",
        password: "Operator-Set-By-Hand-5d",
        firstName: "Ada",
        lastName: "Lovelace",
        country: "GB",
        mobileNumber: "212-555-0123",
        roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
      },
    });
    // A database user with Atlas-managed X.509 certificates (no password), and one of its certificates.
    await byHand({
      method: "POST",
      path: `/api/atlas/v2/groups/${emu.projectId}/databaseUsers`,
      version: "2023-01-01",
      body: { groupId: emu.projectId, databaseName: "$external", username: "etl", x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "reports" }] },
    });
    const certs = `/api/atlas/v2/groups/${emu.projectId}/databaseUsers/etl/certs`;
    const issued = await fetch(`${emu.baseUrl}${certs}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await serviceAccountToken(emu)}`,
        accept: "application/vnd.atlas.2023-01-01+json",
        "content-type": "application/vnd.atlas.2023-01-01+json",
      },
      body: JSON.stringify({ monthsUntilExpiration: 3 }),
    });
    expect(issued.status).toBe(201);
    const issuedPem = await issued.text();
    const serial: string = (await byHand({ method: "GET", path: certs, version: "2023-01-01" })).body.results[0]._id;
    // The person accepted: the account holds ORG_MEMBER (pending roles are not held, see docs/plugin.md).
    await emulatorControl.acceptInvitation(emu, emu.orgId, operator.body.id);

    const program = [
      "name: atlas-users-import",
      "runtime: yaml",
      "plugins:",
      "  providers:",
      "    - name: atlas-users",
      `      path: ${JSON.stringify(launcherDir)}`,
      "config:",
      "  orgId:",
      "    type: string",
      "  projectId:",
      "    type: string",
      "  operatorPassword:",
      "    type: string",
      "    secret: true",
      "resources:",
      "  platform:",
      `    type: ${token("Team")}`,
      "    properties: { orgId: '${orgId}', name: platform }",
      "  platform-app:",
      `    type: ${token("TeamProjectAccess")}`,
      "    properties: { projectId: '${projectId}', teamId: '${platform.teamId}', roles: [GROUP_READ_ONLY] }",
      "  carol-app:",
      `    type: ${token("ProjectMembership")}`,
      "    properties: { projectId: '${projectId}', username: carol@example.com, roles: [GROUP_DATA_ACCESS_READ_ONLY] }",
      "  carol-platform:",
      `    type: ${token("TeamMembership")}`,
      "    properties: { orgId: '${orgId}', teamId: '${platform.teamId}', username: carol@example.com }",
      "  report-reader:",
      `    type: ${token("CustomDbRole")}`,
      "    properties: { projectId: '${projectId}', roleName: reportReader, actions: [{ action: FIND, resources: [{ db: reports }] }] }",
      "  etl:",
      `    type: ${token("DatabaseUser")}`,
      "    properties: { projectId: '${projectId}', username: etl, x509Type: MANAGED, roles: [{ roleName: read, databaseName: reports }] }",
      "  operator:",
      `    type: ${token("CloudUser")}`,
      "    properties:",
      "      username: operator@example.com",
      "      password: ${operatorPassword}",
      "      firstName: Ada",
      "      lastName: Lovelace",
      "      country: GB",
      "      mobileNumber: 212-555-0123",
      "      roles: [{ orgId: '${orgId}', roleName: ORG_MEMBER }]",
      "",
    ].join("\n");
    const project = await createCliProject({
      files: { "Pulumi.yaml": program },
      config: {
        orgId: { value: emu.orgId },
        projectId: { value: emu.projectId },
        operatorPassword: { value: "Operator-Declared-Pw-3a", secret: true },
        ...pluginConfig(emu),
      },
    });
    try {
      const imports: [string, string, string][] = [
        ["Team", "platform", `${emu.orgId}/${teamId}`],
        ["TeamProjectAccess", "platform-app", `${emu.projectId}/${teamId}`],
        ["ProjectMembership", "carol-app", `${emu.projectId}/carol@example.com`],
        ["TeamMembership", "carol-platform", `${emu.orgId}/${teamId}/carol@example.com`],
        ["CustomDbRole", "report-reader", `${emu.projectId}/reportReader`],
        ["CloudUser", "operator", operator.body.id],
        ["DatabaseUser", "etl", `${emu.projectId}/$external/etl`],
      ];
      const failed: Record<string, string> = {};
      for (const [resource, name, id] of imports) {
        const result = await project.run(["import", token(resource), name, id, "--yes", "--protect=false"]);
        if (result.code !== 0) failed[resource] = (result.stdout + result.stderr).split("\n").filter((l) => /error/i.test(l)).join(" | ");
      }
      expect(failed).toEqual({});
      // A certificate cannot be: its private key was only in the answer that issued it.
      const cert = await project.run(["import", token("X509Certificate"), "etl-cert", `${emu.projectId}/etl/${serial}`, "--yes", "--protect=false"]);
      expect(cert.code).not.toBe(0);
      expect(cert.stdout + cert.stderr).toMatch(/an existing certificate cannot be imported/);
      // Each matches the program as imported: nothing to do.
      expect(plannedChanges(await project.previewJson())).toEqual([]);
      expect((await project.previewNoChanges()).code).toBe(0);
      // The account's inputs are what it holds (the definition the CLI printed carries its profile and roles).
      const [account] = await project.resources(token("CloudUser"));
      expect(account.inputs).toEqual({
        username: "operator@example.com",
        firstName: "Ada",
        lastName: "Lovelace",
        country: "GB",
        mobileNumber: "212-555-0123",
        roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
      });
      const privateKeyPem = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(issuedPem)?.[0] ?? "";
      assertNoSecrets(project.stateFileText() + project.allOutput(), ["Operator-Set-By-Hand-5d", "Operator-Declared-Pw-3a", emu.privateKey, privateKeyPem]);
    } finally {
      project.dispose();
    }
  });
});
