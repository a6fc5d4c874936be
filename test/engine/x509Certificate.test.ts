/**
 * X509Certificate through the real Pulumi engine, against the emulator: a
 * managed X.509 user and its certificate in one up; the certificate a secret
 * (never in plain text in the state file, the engine's output or errors);
 * renewal once the provider's clock passes notAfter − renewBefore (the
 * certificate is issued with the emulator clock set back, so it is old from
 * the start), as a create-before-delete replacement with a note; nothing
 * planned while valid; a certificate Atlas no longer lists issued again;
 * destroy forgets it with a warning.
 */
import { X509Certificate as ParsedCertificate } from "node:crypto";
import { DatabaseUser, X509Certificate } from "../../provider";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { atlasRequests } from "../databaseUser/support";

jest.setTimeout(240_000);

const DAY = 86_400;
const TYPE = "pulumi-nodejs:dynamic/atlas-users:X509Certificate";

function program(projectId: string) {
  return async () => {
    const user = new DatabaseUser("etl", { projectId, username: "reports-etl", x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "reports" }] });
    const cert = new X509Certificate("etl-cert", { projectId, username: user.username, monthsUntilExpiration: 3, renewBefore: "30d" });
    return { certificate: cert.certificate, serialNumber: cert.serialNumber, notAfter: cert.notAfter, id: cert.id };
  };
}

describeEngine("X509Certificate through the engine: issued as a secret, renewed before it ends, issued again when gone, destroy forgets", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  const pems: string[] = [];
  const keyLines = () => pems.flatMap((p) => p.split("\n").filter((l) => l.length > 40));

  beforeAll(async () => {
    emu = await startTestEmulator();
    stack = await createEngineStack({ emulator: emu, program: program(emu.projectId) });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("one up creates the user, then its certificate: a PEM for CN=<username> with its key, a secret output", async () => {
    // Issued 70 days ago by Atlas's clock: it ends in about 20 days, inside renewBefore.
    const now = Date.parse((await emulatorControl.now(emu)).now);
    await emulatorControl.setClock(emu, new Date(now - 70 * DAY * 1000).toISOString());
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 2 });
    const pem = up.outputs.certificate as string;
    pems.push(pem);
    expect(up.secretOutputs).toContain("certificate");
    expect(new ParsedCertificate(pem).subject).toBe("CN=reports-etl");
    expect(pem).toContain("-----BEGIN PRIVATE KEY-----");
    expect(up.outputs.id).toBe(`${emu.projectId}/reports-etl/${up.outputs.serialNumber}`);
    await emulatorControl.setClock(emu, new Date(now).toISOString());
  });

  test("past notAfter − renewBefore: the preview plans a replace and says why, without a request; up issues the new certificate before forgetting the old", async () => {
    const before = (await atlasRequests(emu)).length;
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ replace: 1, create: 0, delete: 0 });
    expect(preview.steps.find((s) => s.name === "etl-cert")?.keys).toEqual(["notAfter"]);
    expect(stack.allOutput()).toMatch(/X\.509 certificate \d+ of database user reports-etl .* pulumi up issues a new certificate first, then forgets this one/);
    expect((await atlasRequests(emu)).length).toBe(before);

    const old = (await stack.exportState({ showSecrets: true })).deployment.resources.find((r: { type: string }) => r.type === TYPE).outputs;
    const up = await stack.up();
    expect(up.summary).toMatchObject({ replace: 1 });
    const ops = up.steps.filter((s) => s.name === "etl-cert").map((s) => s.op);
    expect(ops.indexOf("create-replacement")).toBeLessThan(ops.indexOf("delete-replaced"));
    expect(up.outputs.serialNumber).not.toBe(old.serialNumber);
    expect(Date.parse(up.outputs.notAfter as string) - Date.now()).toBeGreaterThan(80 * DAY * 1000);
    expect(stack.allOutput()).toMatch(/forgetting X\.509 certificate \d+ of database user reports-etl .*Atlas has no call that revokes one certificate/);
    pems.push(up.outputs.certificate as string);
  });

  test("while valid, a preview plans nothing", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
  });

  test("a certificate Atlas no longer lists (its user recreated): refresh drops it, up issues a new one", async () => {
    const user = `/api/atlas/v2/groups/${emu.projectId}/databaseUsers/${encodeURIComponent("$external")}/reports-etl`;
    const state = (await emulatorControl.state(emu)) as { databaseUsers: Record<string, unknown>[] };
    const record = state.databaseUsers.find((u) => u.username === "reports-etl")!;
    // Recreated by hand: same user, no certificates.
    await fetchAsAdmin(emu, "DELETE", user);
    await emulatorControl.seed(emu, { databaseUsers: [{ ...record, password: undefined }] });
    const refresh = await stack.refresh();
    expect(refresh.summary).toMatchObject({ delete: 1 });
    expect(stack.allOutput()).toMatch(/is no longer listed by Atlas .* the next pulumi up issues a new one/);
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 1 });
    pems.push(up.outputs.certificate as string);
  });

  test("destroy forgets the certificate (with the warning) and deletes the user; no PEM line was ever in plain text", async () => {
    const result = await stack.destroy();
    expect(result.summary).toMatchObject({ delete: 2 });
    assertNoSecrets(stack.stateFileText() + stack.allOutput(), keyLines());
    const providerTexts = JSON.stringify((await stack.exportState()).deployment.resources ?? []);
    assertNoSecrets(providerTexts, keyLines());
  });
});

async function fetchAsAdmin(emu: EmulatorHandle, method: string, path: string) {
  const token = await (await import("../support/atlasApi")).serviceAccountToken(emu);
  const res = await fetch(`${emu.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, accept: "application/vnd.atlas.2023-01-01+json" } });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status}`);
}
