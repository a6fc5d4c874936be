/**
 * `audit` of team members and certificates, on the state of a stack the real
 * engine deployed to the emulator (Atlas): people in a team that no
 * TeamMembership declares (in the stack's team and in a team made outside
 * it), a declared member taken out of the team, a certificate issued outside
 * the stack, a declared certificate Atlas no longer lists (its user deleted),
 * and certificates that end within `--within`. Only GETs reach the emulator,
 * and no certificate text appears in the report.
 */
import { randomBytes } from "node:crypto";
import { audit, readState } from "../../audit";
import { DatabaseUser, Team, TeamMembership, X509Certificate } from "../../provider";
import { AtlasClient } from "../../provider/client/client";
import { deleteDatabaseUser } from "../../provider/client/operations/databaseUsers";
import { changeTeamUser } from "../../provider/client/operations/teams";
import { createUserCert } from "../../provider/client/operations/x509";
import { pickFindings as pick } from "../support/audit";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";

jest.setTimeout(240_000);

const DAY_MS = 24 * 3600_000;


describeEngine("audit of team members and certificates against the emulator", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let client: AtlasClient;
  let stateText: string;
  let ids: Record<string, string>;
  let teamId: string;
  let outsidePem: string;
  let outsideSerial: string;
  let declaredSerial: string;
  let goneSerial: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    const { orgId, projectId } = emu;
    const shadowId = randomBytes(12).toString("hex");
    const seeded = (await emulatorControl.seed(emu, {
      teams: [{ id: shadowId, orgId, name: "shadow" }],
      cloudUsers: ["ada", "bob", "carol", "dave"].map((n) => ({
        username: `${n}@example.com`,
        roles: [{ orgId, roleName: "ORG_MEMBER" }],
        ...(n === "carol" ? { teamIds: [shadowId] } : {}),
      })),
    })) as { cloudUsers: { id: string; username: string }[] };
    ids = Object.fromEntries(seeded.cloudUsers.map((u) => [u.username, u.id]));
    stack = await createEngineStack({
      emulator: emu,
      program: async () => {
        const team = new Team("platform", { orgId, name: "platform" });
        new TeamMembership("ada", { orgId, teamId: team.teamId, username: "ada@example.com" });
        new TeamMembership("dave", { orgId, teamId: team.teamId, username: "dave@example.com" });
        for (const name of ["etl", "etl-gone"]) {
          const user = new DatabaseUser(name, { projectId, username: name, x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "reports" }] });
          new X509Certificate(`${name}-cert`, { projectId, username: user.username, monthsUntilExpiration: 1, renewBefore: "7d" });
        }
        return { teamId: team.teamId };
      },
    });
    const up = await stack.up();
    teamId = up.outputs.teamId as string;
    stateText = JSON.stringify(await stack.exportState());
    const certs = (await stack.resources()).filter((r) => r.type.endsWith(":X509Certificate"));
    declaredSerial = String(certs.find((r) => r.outputs.username === "etl")!.outputs.serialNumber);
    goneSerial = String(certs.find((r) => r.outputs.username === "etl-gone")!.outputs.serialNumber);

    // Outside the stack: bob joins the stack's team, dave leaves it, etl-gone is deleted,
    // and a certificate for etl is issued 85 days ago for 3 months (it ends within a week).
    client = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey } });
    await changeTeamUser(client, orgId, teamId, "addUser", ids["bob@example.com"]);
    await changeTeamUser(client, orgId, teamId, "removeUser", ids["dave@example.com"]);
    await deleteDatabaseUser(client, { projectId, databaseName: "$external", username: "etl-gone" });
    const now = Date.parse((await emulatorControl.now(emu)).now);
    await emulatorControl.setClock(emu, new Date(now - 85 * DAY_MS).toISOString());
    try {
      outsidePem = await createUserCert(client, { projectId, username: "etl" }, 3);
    } finally {
      await emulatorControl.setClock(emu, new Date(now).toISOString());
    }
    const listed = ((await emulatorControl.state(emu)) as { userCerts: { username: string; id: number }[] }).userCerts.filter((c) => c.username === "etl");
    outsideSerial = String(listed.find((c) => String(c.id) !== declaredSerial)!.id);
  });

  afterAll(async () => {
    await client?.close();
    await stack?.dispose();
    await emu?.close();
  });

  test("team members no TeamMembership declares (every team of the org), a declared one missing; certificates unmanaged, missing and expiring; GETs only", async () => {
    // A fresh client, as the command has: the setup's one holds a digest nonce gone stale while the clock moved.
    const fresh = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey } });
    await emulatorControl.clearRequests(emu);
    const result = await audit(readState(stateText), fresh, { platform: "atlas" }).finally(() => fresh.close());
    const sent = (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge");
    expect(new Set(sent.map((r) => r.method))).toEqual(new Set(["GET"]));
    expect(result.gets).toBe(sent.length);
    // The org's teams, each team's members, and the certificates of each managed user (and of each declared certificate's user).
    expect(sent.filter((r) => r.path === `/api/atlas/v2/orgs/${emu.orgId}/teams`)).toHaveLength(1);
    expect(sent.filter((r) => /\/teams\/[a-f0-9]{24}\/users$/.test(r.path))).toHaveLength(2);
    expect(sent.filter((r) => r.path.endsWith("/certs")).map((r) => r.path.split("/")[7]).sort()).toEqual(["etl", "etl-gone"]);

    const f = result.findings;
    expect(pick(f, "unmanaged", "team member")).toEqual(["bob@example.com in team platform", "carol@example.com in team shadow"]);
    expect(pick(f, "missing", "team member")).toEqual(["dave@example.com in team platform"]);
    expect(pick(f, "unmanaged", "certificate")).toEqual([`etl #${outsideSerial}`]);
    expect(pick(f, "missing", "certificate")).toEqual([`etl-gone #${goneSerial}`]);
    expect(pick(f, "expiring", "certificate")).toEqual([`etl #${outsideSerial}`]);
    expect(pick(f, "missing", "database user")).toEqual(["etl-gone@$external"]);
    expect(pick(f, "unmanaged", "database user")).toEqual([]);
    // Team members are reported in their team's organization, certificates in their project.
    expect(new Set(f.filter((x) => x.kind === "team member").map((x) => `${x.scope.kind} ${x.scope.id}`))).toEqual(new Set([`organization ${emu.orgId}`]));
    expect(new Set(f.filter((x) => x.kind === "certificate").map((x) => `${x.scope.kind} ${x.scope.id}`))).toEqual(new Set([`project ${emu.projectId}`]));

    const md = result.output.split("\n");
    expect(md).toContain(`- team member \`bob@example.com in team platform\`: ACTIVE, team ${teamId}`);
    expect(md).toContain(`- team member \`dave@example.com in team platform\`: not in the team, declared by \`dave\``);
    expect(md).toContain(`- certificate \`etl-gone #${goneSerial}\`: no longer listed by Atlas (expired, or its user deleted or recreated), declared by \`etl-gone-cert\``);
    expect(md.find((l) => l.startsWith(`- certificate \`etl #${outsideSerial}\`: ends `))).toMatch(/, unmanaged$/);
    // Serial numbers and dates only: never a certificate or a key.
    assertNoSecrets(result.output, outsidePem.split("\n").filter((l) => l.length > 40));
    expect(result.output).not.toContain("-----BEGIN");
  });

  test("--within 40d adds the declared certificate (a month long) as expiring, declared by its resource", async () => {
    const month = await audit(readState(stateText), client, { platform: "atlas", withinMs: 40 * DAY_MS, format: "json" });
    expect(pick(month.findings, "expiring", "certificate")).toEqual([`etl #${declaredSerial}`, `etl #${outsideSerial}`].sort());
    expect(month.findings.find((x) => x.identity === `etl #${declaredSerial}`)).toMatchObject({ category: "expiring", resource: "etl-cert" });
    expect(JSON.parse(month.output).summary.expiring).toBe(2);
  });
});
