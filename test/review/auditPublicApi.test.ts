/**
 * `audit` on Cloud Manager and Ops Manager (the emulator's v1.0 public API,
 * `publicApiFlavor`), through the command as a CI job runs it: org members
 * and pending invitations no resource declares, a declared invitation that
 * is gone, an invitation that expires soon, and what these platforms cannot
 * list (project members, database users, certificates, team members) said in
 * the report. Only GETs reach the emulator, and only v1.0 paths.
 */
import { AtlasClient } from "../../provider/client/client";
import { createOrgInvitationV1 } from "../../provider/client/operations/orgUsers";
import type { Finding } from "../../audit";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";
import { pickFindings as pick, runCli as run } from "../support/audit";

jest.setTimeout(60_000);

const DAY_MS = 24 * 3600_000;
const TYPE = "pulumi-nodejs:dynamic/atlas-users:";


/** A `pulumi stack export` document holding these resources of this package. */
function stateOf(resources: { type: string; name: string; inputs: Record<string, unknown>; outputs?: Record<string, unknown> }[]): string {
  return JSON.stringify({
    version: 3,
    deployment: {
      manifest: {},
      resources: [
        { urn: "urn:pulumi:dev::people::pulumi:pulumi:Stack::people-dev", type: "pulumi:pulumi:Stack" },
        ...resources.map((r) => ({
          urn: `urn:pulumi:dev::people::${TYPE}${r.type}::${r.name}`,
          type: `${TYPE}${r.type}`,
          inputs: r.inputs,
          outputs: r.outputs ?? r.inputs,
        })),
      ],
    },
  });
}


describe.each(["cloud-manager", "ops-manager"] as const)("audit on %s", (platform) => {
  let emu: EmulatorHandle;
  let env: NodeJS.ProcessEnv;
  let state: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    await emulatorControl.settings(emu, { publicApiFlavor: platform });
    const orgId = emu.orgId;
    await emulatorControl.seed(emu, {
      cloudUsers: [
        { username: "ada@example.com", roles: [{ orgId, roleName: "ORG_MEMBER" }] },
        { username: "eve@example.com", roles: [{ orgId, roleName: "ORG_OWNER" }] },
      ],
    });
    // Invited outside the stack 28 days ago: the invitation ends within the default 7 days.
    const client = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey } });
    const now = Date.parse((await emulatorControl.now(emu)).now);
    await emulatorControl.setClock(emu, new Date(now - 28 * DAY_MS).toISOString());
    try {
      await createOrgInvitationV1(client, orgId, { username: "ivan@example.com", roles: ["ORG_MEMBER"] });
    } finally {
      await emulatorControl.setClock(emu, new Date(now).toISOString());
      await client.close();
    }
    state = stateOf([
      { type: "OrgInvitation", name: "ada", inputs: { orgId, username: "ada@example.com", roles: ["ORG_MEMBER"] } },
      { type: "OrgInvitation", name: "ghost", inputs: { orgId, username: "ghost@example.com", roles: ["ORG_MEMBER"] } },
      { type: "DatabaseUser", name: "app", inputs: { projectId: emu.projectId, username: "app", roles: [{ roleName: "read", databaseName: "app" }] } },
    ]);
    env = {
      MONGODB_ATLAS_BASE_URL: emu.baseUrl,
      MONGODB_ATLAS_PUBLIC_KEY: emu.publicKey,
      MONGODB_ATLAS_PRIVATE_KEY: emu.privateKey,
      ATLAS_USERS_PLATFORM: platform,
      ATLAS_USERS_ALLOW_INSECURE_HTTP: "true",
    };
  });

  afterAll(async () => {
    await emu?.close();
  });

  test("unmanaged members and invitations, a missing one, an expiring invitation; what the platform cannot list is said; GETs to v1.0 only", async () => {
    await emulatorControl.clearRequests(emu);
    const out = await run(["audit", "--format", "json", "--fail-on", "unmanaged"], env, state);
    const sent = (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge");
    expect(out.stderr).toContain("failing on unmanaged (2)");
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as { findings: Finding[]; summary: Record<string, number>; notListed: string[]; readOnly: { getRequests: number; otherRequests: number } };

    expect(pick(report.findings, "unmanaged", "organization member")).toEqual(["eve@example.com", "ivan@example.com"]);
    expect(pick(report.findings, "missing", "organization member")).toEqual(["ghost@example.com"]);
    expect(pick(report.findings, "expiring", "organization member")).toEqual(["ivan@example.com"]);
    expect(report.findings.find((f) => f.identity === "ivan@example.com" && f.category === "expiring")?.detail).toMatch(/^invitation expires .*, unmanaged$/);
    expect(report.summary).toMatchObject({ unmanaged: 2, missing: 1, expiring: 1 });
    // Nothing is claimed about what these platforms cannot list: it is named instead.
    expect(report.findings.filter((f) => f.kind !== "organization member")).toEqual([]);
    expect(report.notListed).toEqual([
      expect.stringMatching(/^project members, database users and certificates \((Cloud|Ops) Manager has no such lists/),
      expect.stringMatching(/^team members \((Cloud|Ops) Manager has no teams/),
    ]);

    // Read-only, and the v1.0 API only: no Atlas v2 path was tried.
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((r) => r.method))).toEqual(new Set(["GET"]));
    expect(sent.every((r) => r.path.startsWith(`/api/public/v1.0/orgs/${emu.orgId}/`))).toBe(true);
    expect(report.readOnly).toEqual({ getRequests: sent.length, otherRequests: 0 });
    assertNoSecrets(out.stdout + out.stderr, [emu.privateKey]);
  });

  test("Markdown: the findings per organization, and the lists the platform lacks", async () => {
    const out = await run(["audit"], env, state);
    expect(out.code).toBe(0);
    const md = out.stdout.split("\n");
    expect(md).toContain("**2 unmanaged identities, 1 declared but missing, 1 expiring within 7d.**");
    expect(md).toContain("- organization member `eve@example.com`: ACTIVE (ORG_OWNER)");
    expect(md).toContain("- organization member `ghost@example.com`: not a member, declared by `ghost`");
    expect(md.filter((l) => l.startsWith("Not audited: "))).toHaveLength(2);
  });
});
