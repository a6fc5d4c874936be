/**
 * `audit` on the state of a stack the real engine deployed to the emulator,
 * with identities added and removed outside the stack (the emulator's control
 * API): more database users than one page holds, org and project members no
 * resource declares, a declared user deleted, users and invitations that
 * expire soon. Checks the findings, that only GETs reached the emulator, the
 * command's exit codes for `--fail-on`, and its errors for the wrong input.
 */
import * as pulumi from "@pulumi/pulumi";
import fs from "node:fs";
import path from "node:path";
import { audit, readState } from "../../audit";
import { DatabaseUser, OrgInvitation } from "../../provider";
import { AtlasClient } from "../../provider/client/client";
import { deleteDatabaseUser } from "../../provider/client/operations/databaseUsers";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { pickFindings as pick, runCli as run } from "../support/audit";

const DAY_MS = 24 * 3600_000;
const OUTSIDE = 505; // more than one page of 500



describeEngine("audit of a deployed stack against the emulator", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let projectId: string;
  let orgId: string;
  let stateFile: string;
  let stateText: string;
  let client: AtlasClient;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    emu = await startTestEmulator();
    const seeded = (await emulatorControl.seed(emu, { projects: [{ name: "audited" }] })) as { projects: { id: string; orgId: string }[] };
    ({ id: projectId, orgId } = seeded.projects[0]);
    stack = await createEngineStack({
      emulator: emu,
      program: async () => {
        const roles = [{ roleName: "readWrite", databaseName: "app" }];
        new DatabaseUser("app", { projectId, username: "app", password: pulumi.secret("Audit-Pass-app-1"), roles });
        new DatabaseUser("day", { projectId, username: "day-pass", password: pulumi.secret("Audit-Pass-day-1"), roles, expiresIn: "24h" });
        new DatabaseUser("kept", { projectId, username: "kept", password: pulumi.secret("Audit-Pass-kept-1"), roles });
        new OrgInvitation("ada", { orgId, username: "ada@example.com", roles: ["ORG_MEMBER"], projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY"] as never }] });
      },
    });
    await stack.up();
    stateText = JSON.stringify(await stack.exportState());
    stateFile = path.join(stack.dir, "state.json");
    fs.writeFileSync(stateFile, stateText);

    // Outside the stack: many database users (one temporary), an org owner, a project owner; a declared user deleted.
    const soon = new Date(Date.now() + 2 * DAY_MS).toISOString().replace(/\.\d+Z$/, "Z");
    await emulatorControl.seed(emu, {
      databaseUsers: Array.from({ length: OUTSIDE }, (_, i) => ({
        groupId: projectId,
        username: `outside-${String(i).padStart(3, "0")}`,
        password: "Outside-Pass-1",
        roles: [{ roleName: "read", databaseName: "app" }],
        ...(i === 0 ? { deleteAfterDate: soon } : {}),
      })),
      cloudUsers: [
        { username: "eve@example.com", roles: [{ orgId, roleName: "ORG_OWNER" }] },
        { username: "mallory@example.com", roles: [{ groupId: projectId, roleName: "GROUP_OWNER" }] },
      ],
    });
    client = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey } });
    await deleteDatabaseUser(client, { projectId, databaseName: "admin", username: "kept" });
    env = {
      MONGODB_ATLAS_BASE_URL: emu.baseUrl,
      MONGODB_ATLAS_PUBLIC_KEY: emu.publicKey,
      MONGODB_ATLAS_PRIVATE_KEY: emu.privateKey,
      ATLAS_USERS_ALLOW_INSECURE_HTTP: "true",
    };
  });

  afterAll(async () => {
    await client?.close();
    await stack?.dispose();
    await emu?.close();
  });

  test("unmanaged (all pages), missing and expiring identities, found with GET requests only", async () => {
    await emulatorControl.clearRequests(emu);
    const result = await audit(readState(stateText), client, { platform: "atlas" });
    const sent = await emulatorControl.requests(emu);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((r) => r.method))).toEqual(new Set(["GET"]));
    expect(result.gets).toBe(sent.length);
    // Two pages of database users (505 + 2 declared left), one of project users, one of org users.
    expect(sent.filter((r) => r.path.endsWith("/databaseUsers"))).toHaveLength(2);

    const f = result.findings;
    const outside = Array.from({ length: OUTSIDE }, (_, i) => `outside-${String(i).padStart(3, "0")}@admin`);
    expect(pick(f, "unmanaged", "database user")).toEqual(outside);
    expect(pick(f, "missing", "database user")).toEqual(["kept@admin"]);
    expect(pick(f, "expiring", "database user")).toEqual(["day-pass@admin", "outside-000@admin"]);
    expect(pick(f, "unmanaged", "organization member")).toEqual(["eve@example.com", "mallory@example.com"]);
    expect(pick(f, "unmanaged", "project member")).toEqual(["mallory@example.com"]);
    expect(pick(f, "missing", "organization member")).toEqual([]);
    expect(pick(f, "missing", "project member")).toEqual([]);
    expect(pick(f, "expiring", "organization member")).toEqual([]); // ada's invitation runs 30 days
    expect(result.counts).toEqual({ unmanaged: OUTSIDE + 3, missing: 1, expiring: 2 });

    const md = result.output.split("\n");
    expect(md).toContain(`Read-only: ${sent.length} GET requests to MongoDB Cloud, nothing else was sent. The stack's 4 resources of pulumi-atlas-users touch 1 project and 1 organization; as of ${md.find((l) => l.includes(" as of "))!.split(" as of ")[1]}`);
    expect(md).toContain(`**${OUTSIDE + 3} unmanaged identities, 1 declared but missing, 2 expiring within 7d.**`);
    expect(md).toContain("- organization member `eve@example.com`: ACTIVE (ORG_OWNER)");
    expect(md).toContain("- project member `mallory@example.com`: ACTIVE (GROUP_OWNER)");
    expect(md).toContain("- database user `kept@admin`: declared by `kept`");
    expect(md.find((l) => l.startsWith("- database user `day-pass@admin`: expires "))).toMatch(/, declared by `day`$/);
  });

  test("smaller pages give the same findings; --within 31d adds the pending invitation", async () => {
    const big = await audit(readState(stateText), client, { platform: "atlas", now: new Date() });
    const small = await audit(readState(stateText), client, { platform: "atlas", pageSize: 2 });
    expect(small.findings).toEqual(big.findings);
    expect(small.gets).toBeGreaterThan(big.gets + 250);
    const month = await audit(readState(stateText), client, { platform: "atlas", withinMs: 31 * DAY_MS });
    expect(pick(month.findings, "expiring", "organization member")).toEqual(["ada@example.com"]);
    expect(pick(month.findings, "expiring", "project member")).toEqual(["ada@example.com"]);
  });

  test("the command: credentials from the environment, --fail-on sets the exit status, JSON output, no secret printed", async () => {
    const plain = await run(["audit", stateFile], env);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("**508 unmanaged identities, 1 declared but missing, 2 expiring within 7d.**");
    const failing = await run(["audit", "--fail-on", "unmanaged,expiring", "--format", "json"], env, stateText);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("failing on unmanaged (508), expiring (2)");
    const json = JSON.parse(failing.stdout);
    expect(json.readOnly).toEqual({ getRequests: expect.any(Number), otherRequests: 0 });
    expect(json.summary).toMatchObject({ unmanaged: 508, missing: 1, expiring: 2 });
    const within = await run(["audit", stateFile, "--within", "1h", "--fail-on", "expiring"], env);
    expect(within.code).toBe(0);
    // The stack's own config keys instead (`pulumi config --json --show-secrets`, which getAllConfig runs), no environment.
    const configFile = path.join(stack.dir, "config.json");
    fs.writeFileSync(configFile, JSON.stringify(await stack.stack.getAllConfig()));
    expect(fs.readFileSync(configFile, "utf8")).toContain('"mongodbatlas:privateKey"');
    const fromConfig = await run(["audit", stateFile, "--config", configFile, "--format", "json"], {});
    expect(fromConfig.code).toBe(0);
    expect(JSON.parse(fromConfig.stdout).summary).toMatchObject({ unmanaged: 508, missing: 1, expiring: 2 });
    for (const out of [plain, failing, within, fromConfig]) assertNoSecrets(out.stdout + out.stderr, [emu.privateKey, "Audit-Pass-app-1", "Outside-Pass-1"]);
  });

  test("wrong input: a preview, a truncated state, another provider's state, no credentials: exit 2 or 3 with a clear message", async () => {
    const preview = await run(["audit"], env, JSON.stringify({ steps: [], changeSummary: {} }));
    expect(preview).toMatchObject({ code: 2 });
    expect(preview.stderr).toContain("the input is a preview (`pulumi preview --json`), not a stack's state");
    const truncated = await run(["audit"], env, stateText.slice(0, Math.floor(stateText.length / 2)));
    expect(truncated).toMatchObject({ code: 2 });
    expect(truncated.stderr).toContain("it looks truncated");
    const other = {
      version: 3,
      deployment: {
        manifest: {},
        resources: [
          { urn: "urn:pulumi:dev::web::pulumi:pulumi:Stack::web-dev", type: "pulumi:pulumi:Stack" },
          { urn: "urn:pulumi:dev::web::aws:s3/bucket:Bucket::site", type: "aws:s3/bucket:Bucket", inputs: {}, outputs: {} },
        ],
      },
    };
    const wrong = await run(["audit"], env, JSON.stringify(other));
    expect(wrong).toMatchObject({ code: 2 });
    expect(wrong.stderr).toContain("holds no resources of pulumi-atlas-users, only other providers' (aws:s3/bucket:Bucket): is this the right stack?");
    const review = await run(["review", stateFile], env);
    expect(review).toMatchObject({ code: 2 });
    expect(review.stderr).toContain("the input is a stack's state (`pulumi stack export`), not a preview");
    const noCredentials = await run(["audit", stateFile], { ATLAS_USERS_ALLOW_INSECURE_HTTP: "true" });
    expect(noCredentials.code).toBe(3);
    expect(noCredentials.stderr).toContain("No MongoDB Atlas credentials found");
  });
});
