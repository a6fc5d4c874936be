/**
 * Lost answers for CustomDbRole and X509Certificate, against the emulator:
 * the server applies a request and the connection drops before the answer.
 * A role is created once (read back, kept as ours), a lost PATCH or DELETE
 * ends in the declared state; a certificate whose answer was lost is asked
 * for again (the key exists only in the answer), and the one kept is one
 * Atlas lists.
 */
import { resetContextsForTests } from "../../provider/context";
import { provider as roleProvider } from "../../provider/customDbRole/provider";
import type { CustomDbRoleInputs } from "../../provider/customDbRole/schema";
import { provider as certProvider } from "../../provider/x509Certificate/provider";
import type { X509CertificateInputs } from "../../provider/x509Certificate/schema";
import { emulatorControl, startTestEmulator, type EmulatorHandle, type FaultRule } from "../support/emulator";
import { configureForEmulator } from "../support/provider";

jest.setTimeout(60_000);

let emu: EmulatorHandle;
const lost = (method: string, path: RegExp): FaultRule => ({ method, path: path.source, reset: true, afterCommit: true, times: 1 });

beforeAll(async () => {
  emu = await startTestEmulator();
  await configureForEmulator(roleProvider, emu);
  await configureForEmulator(certProvider, emu);
});
afterAll(async () => {
  await resetContextsForTests();
  await emu?.close();
});
afterEach(() => emulatorControl.clearFaults(emu));

async function checked<T>(p: { check(o: object, n: Record<string, unknown>): Promise<{ inputs?: unknown; failures?: unknown[] }> }, news: Record<string, unknown>): Promise<T> {
  const r = await p.check({}, news);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as T;
}

const rolesIn = async (projectId: string) =>
  ((await emulatorControl.state(emu)) as { customDbRoles: { groupId: string; roleName: string; actions: { action: string }[] }[] }).customDbRoles.filter((r) => r.groupId === projectId);

test("custom role: a lost create is read back and kept (one role); a lost PATCH and a lost DELETE end as declared", async () => {
  const inputs = await checked<CustomDbRoleInputs>(roleProvider, { projectId: emu.projectId, roleName: "lostOnce", actions: [{ action: "FIND", resources: [{ db: "a" }] }] });
  await emulatorControl.setFaults(emu, [lost("POST", /\/customDBRoles\/roles$/)]);
  const { id, outs } = await roleProvider.create(inputs);
  expect(id).toBe(`${emu.projectId}/lostOnce`);
  expect((await rolesIn(emu.projectId)).map((r) => r.roleName)).toEqual(["lostOnce"]);

  const changed = { ...inputs, actions: [{ action: "INSERT" as const, resources: [{ db: "a" }] }] };
  await emulatorControl.setFaults(emu, [lost("PATCH", /\/customDBRoles\/roles\/lostOnce$/)]);
  const { outs: updated } = await roleProvider.update(id, outs, changed);
  expect(updated.actions).toEqual([{ action: "INSERT", resources: [{ db: "a" }] }]);
  expect((await rolesIn(emu.projectId))[0].actions.map((a) => a.action)).toEqual(["INSERT"]);

  await emulatorControl.setFaults(emu, [lost("DELETE", /\/customDBRoles\/roles\/lostOnce$/)]);
  await roleProvider.delete(id, updated);
  expect(await rolesIn(emu.projectId)).toEqual([]);
});

test("certificate: a lost POST is asked again; the certificate kept is one Atlas lists", async () => {
  await emulatorControl.seed(emu, {
    databaseUsers: [{ groupId: emu.projectId, databaseName: "$external", username: "etl", x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "a" }] }],
  });
  const inputs = await checked<X509CertificateInputs>(certProvider, { projectId: emu.projectId, username: "etl" });
  await emulatorControl.setFaults(emu, [lost("POST", /\/databaseUsers\/etl\/certs$/)]);
  const { id, outs } = await certProvider.create(inputs);
  expect(outs.certificate).toContain("-----BEGIN CERTIFICATE-----");
  const read = await certProvider.read(id, outs);
  expect(read.id).toBe(id);
});
