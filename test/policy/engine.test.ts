/**
 * The `atlas-users` policy pack through the real engine: `pulumi preview
 * --policy-pack <workspace>/node_modules/pulumi-atlas-users/policy` (the path
 * a user's CI gives), with `--policy-pack-config` files, on one stack whose
 * program changes between previews. Nothing is created: previews only, so
 * the emulator is there for the provider's configuration, not for requests.
 *
 * Four previews: a compliant program (clean), the default rules broken
 * (mandatory failures and one advisory warning), settings and levels changed
 * by config, and values not known in the preview (they pass).
 */
import fs from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, PolicyEvent } from "@pulumi/pulumi/automation";
import { DatabaseUser, OrgInvitation } from "../../provider";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineProgram, type EngineStack } from "../support/engine";

jest.setTimeout(600_000);

const PROJECT = "policy-engine-test";
const ORG_ID = "5f1a2b3c4d5e6f7a8b9c0d1e";
const SECRET_PASSWORD = "secret-config-password-1";
const PLAIN_PASSWORD = "plain-config-password-1";
const readWrite = [{ roleName: "readWrite", databaseName: "app" }];
const atlasAdmin = [{ roleName: "atlasAdmin", databaseName: "admin" }];

interface PolicyPreview {
  /** Whether the preview failed (a mandatory violation fails it). */
  failed: boolean;
  error?: string;
  events: PolicyEvent[];
  output: string;
}

describeEngine("the atlas-users policy pack in `pulumi preview`", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let projectId: string;
  let packDir: string;

  /** One preview with the pack (and optionally a policy config), collecting the policy events. */
  async function previewWithPack(program: EngineProgram, config?: Record<string, unknown>): Promise<PolicyPreview> {
    stack.setProgram(program);
    const events: PolicyEvent[] = [];
    let output = "";
    const policyPackConfigs: string[] = [];
    if (config) {
      const file = path.join(stack.dir, `policy-config-${Date.now()}.json`);
      fs.writeFileSync(file, JSON.stringify(config));
      policyPackConfigs.push(file);
    }
    try {
      const result = await stack.stack.preview({
        policyPacks: [packDir],
        policyPackConfigs,
        onOutput: (t) => (output += t),
        onEvent: (e: EngineEvent) => {
          if (e.policyEvent) events.push(e.policyEvent);
        },
      });
      return { failed: false, events, output: output + result.stderr };
    } catch (err) {
      return { failed: true, error: String((err as Error).message ?? err), events, output };
    }
  }

  const named = (events: PolicyEvent[], policy: string) => events.filter((e) => e.policyName === policy);
  /** The resource an event names; `stack` for the stack itself (where the stack rules report what concerns no one resource). */
  const resourceName = (e: PolicyEvent) =>
    e.resourceUrn?.includes("::pulumi:pulumi:Stack::") ? "stack" : e.resourceUrn?.split("::").pop();
  /** `policy@resource: level` for each event, sorted: the whole picture in one assertion. (The engine sends `advisory`, not the `warning` the SDK's type names.) */
  const summary = (events: PolicyEvent[]) =>
    events.map((e) => `${e.policyName}@${resourceName(e) ?? "stack"}: ${e.enforcementLevel}`).sort();

  beforeAll(async () => {
    emu = await startTestEmulator();
    const seeded = (await emulatorControl.seed(emu, { orgs: [{ id: ORG_ID }], projects: [{ orgId: ORG_ID, name: "app" }] })) as {
      projects: { id: string }[];
    };
    projectId = seeded.projects[0].id;
    stack = await createEngineStack({
      emulator: emu,
      projectName: PROJECT,
      program: async () => {},
      config: {
        dbPassword: { value: SECRET_PASSWORD, secret: true },
        plainPassword: { value: PLAIN_PASSWORD },
      },
    });
    // Where `npm install pulumi-atlas-users` puts the pack (the harness links the package there).
    packDir = path.join(stack.dir, "work", "node_modules", "pulumi-atlas-users", "policy");
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("a compliant program previews clean: no violation, no warning", async () => {
    const r = await previewWithPack(
      async () => {
        const cfg = new pulumi.Config();
        new DatabaseUser("app", { projectId, username: "app", password: cfg.requireSecret("dbPassword"), roles: readWrite });
        new DatabaseUser("break-glass", {
          projectId,
          username: "break-glass",
          password: cfg.requireSecret("dbPassword"),
          roles: atlasAdmin,
          expiresIn: "4h",
        });
        new OrgInvitation("ada", { orgId: ORG_ID, username: "ada@example.com", roles: ["ORG_OWNER"] });
        new OrgInvitation("bob", { orgId: ORG_ID, username: "bob@example.com", roles: ["ORG_MEMBER"] });
      },
      {
        "allowed-email-domains": { allowedDomains: ["example.com"] },
        "invited-owners-listed": { owners: ["ada@example.com"] },
      },
    );
    expect(r.error).toBeUndefined();
    expect(summary(r.events)).toEqual([]);
    assertNoSecrets(r.output, [SECRET_PASSWORD]);
  });

  test("the default rules broken: each mandatory one fails the preview and the unset domains warn, naming resource, rule and fix", async () => {
    const r = await previewWithPack(async () => {
      const cfg = new pulumi.Config();
      new DatabaseUser("dba", { projectId, username: "dba", password: cfg.requireSecret("dbPassword"), roles: atlasAdmin });
      new DatabaseUser("legacy", { projectId, username: "legacy", password: cfg.require("plainPassword"), roles: readWrite });
      for (const who of ["ada", "bob", "cy"]) {
        new OrgInvitation(who, { orgId: ORG_ID, username: `${who}@example.com`, roles: ["ORG_OWNER"] });
      }
    });
    expect(r.failed).toBe(true);
    expect(summary(r.events)).toEqual([
      "email-domains-unset@stack: advisory",
      ...["ada", "bob", "cy"].map((who) => `invited-owners-listed@${who}: mandatory`),
      "no-plain-config-passwords@legacy: mandatory",
      ...["ada", "bob", "cy"].map((who) => `owner-roles@${who}: mandatory`),
      "privileged-database-roles@dba: mandatory",
    ].sort());
    const [privileged] = named(r.events, "privileged-database-roles");
    expect(privileged.policyPackName).toBe("atlas-users");
    expect(privileged.message).toMatch(/"dba" has the privileged role atlasAdmin@admin and is permanent\. Fix: make it temporary with expiresIn/);
    expect(named(r.events, "no-plain-config-passwords")[0].message).toMatch(
      new RegExp(`stack config key ${PROJECT}:plainPassword.*Fix: \`pulumi config set --secret plainPassword`),
    );
    expect(named(r.events, "owner-roles")[0].message).toMatch(/3 people hold owner roles through this stack .*at most 2 may.*Fix:/);
    expect(named(r.events, "invited-owners-listed")[0].message).toMatch(/is invited to the organization by this stack .*ORG_OWNER.*Fix:/);
    expect(named(r.events, "email-domains-unset")[0].message).toMatch(
      /allowed-email-domains has no allowedDomains, so these were not checked: OrgInvitation "ada" \(ada@example.com\).*Fix: set allowed-email-domains.allowedDomains/,
    );
    // The CLI's own report names the rule, its level and the resource too; it never shows a password.
    expect(r.output).toMatch(/❌ atlas-users@v0\.1\.0[^\n]*\n(.*\n)*\s+- \[mandatory\]\s+privileged-database-roles\s+\(pulumi-nodejs:dynamic\/atlas-users:DatabaseUser: dba\)\n.*\n\s+The database user "dba" has the privileged role/);
    assertNoSecrets(r.output + (r.error ?? ""), [SECRET_PASSWORD, PLAIN_PASSWORD]);
  });

  test("policy config changes levels and settings", async () => {
    const r = await previewWithPack(
      async () => {
        const cfg = new pulumi.Config();
        const password = cfg.requireSecret("dbPassword");
        // Fine by default (4h ≤ 24h); over the configured 1h, and that rule is now advisory.
        new DatabaseUser("break-glass", { projectId, username: "break-glass", password, roles: atlasAdmin, expiresIn: "4h", scopes: [{ name: "prod-a", type: "CLUSTER" }] });
        // Fine by default (2d ≤ 7d); over the configured 1d.
        new DatabaseUser("contractor", { projectId, username: "contractor", password, roles: readWrite, expiresIn: "2d", scopes: [{ name: "prod-a", type: "CLUSTER" }] });
        // Unscoped: fine by default, not once clusters are set.
        new DatabaseUser("app", { projectId, username: "app", password, roles: readWrite });
        new OrgInvitation("eve", { orgId: ORG_ID, username: "eve@gmail.com", roles: ["ORG_OWNER"] });
      },
      {
        "privileged-database-roles": { enforcementLevel: "advisory", maxLifetime: "1h" },
        "temporary-user-lifetime": { maxLifetime: "1d" },
        "scram-cluster-scopes": { clusters: ["prod-a"] },
        "allowed-email-domains": { allowedDomains: ["example.com"] },
        "owner-roles": { owners: ["ada@example.com"] },
        "invited-owners-listed": { enforcementLevel: "disabled" },
      },
    );
    expect(r.failed).toBe(true);
    expect(summary(r.events)).toEqual([
      "allowed-email-domains@eve: mandatory",
      "owner-roles@eve: mandatory",
      "privileged-database-roles@break-glass: advisory",
      "scram-cluster-scopes@app: mandatory",
      "temporary-user-lifetime@contractor: mandatory",
    ]);
    expect(named(r.events, "privileged-database-roles")[0].message).toMatch(/for longer than 1h: expiresIn "4h"\. Fix: shorten it to at most "1h"/);
    expect(named(r.events, "temporary-user-lifetime")[0].message).toMatch(/"contractor" lives longer than 1d: expiresIn "2d"/);
    expect(named(r.events, "scram-cluster-scopes")[0].message).toMatch(/"app" has no scopes.*one of: prod-a/);
    expect(named(r.events, "allowed-email-domains")[0].message).toMatch(/"eve@gmail.com" is not in an allowed domain \(example.com\)/);
    expect(named(r.events, "owner-roles")[0].message).toMatch(/eve@gmail.com is not in owner-roles.owners/);
  });

  test("a setting its schema refuses stops the preview, naming the setting", async () => {
    const r = await previewWithPack(
      async () => {
        new DatabaseUser("app", { projectId, username: "app", password: new pulumi.Config().requireSecret("dbPassword"), roles: readWrite });
      },
      { "temporary-user-lifetime": { maxLifetime: "a week" } },
    );
    expect(r.failed).toBe(true);
    expect(r.error).toMatch(/validating policy config: atlas-users 0\.1\.0\s+temporary-user-lifetime: maxLifetime: Does not match pattern/);
    expect(r.events).toEqual([]);
  });

  test("values not known in the preview pass (and are checked once known)", async () => {
    const r = await previewWithPack(async () => {
      const cfg = new pulumi.Config();
      const password = cfg.requireSecret("dbPassword");
      const base = new DatabaseUser("base", { projectId, username: "base", password, roles: readWrite });
      // `base.id` is not known before `base` exists: every value below is unknown in this preview.
      const later = <T>(value: T) => base.id.apply(() => value);
      new DatabaseUser("admin-later", { projectId, username: "admin-later", password, roles: atlasAdmin, expiresIn: later("48h") });
      new DatabaseUser("roles-later", { projectId, username: "roles-later", password, roles: later(atlasAdmin) });
      new DatabaseUser("password-later", { projectId, username: "password-later", password: later(PLAIN_PASSWORD), roles: readWrite });
      new OrgInvitation("someone", { orgId: ORG_ID, username: later("someone@gmail.com"), roles: ["ORG_OWNER"] });
    }, { "allowed-email-domains": { allowedDomains: ["example.com"] } });
    expect(r.error).toBeUndefined();
    // No violation, and no "can't run policy during preview" advisory either.
    expect(summary(r.events)).toEqual([]);
  });
});
