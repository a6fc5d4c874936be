/**
 * The emulator's Atlas-managed X.509 certificates over HTTP: POST answers a
 * PEM (a certificate whose subject is the username, and its key) that parses
 * as X.509; GET lists the unexpired ones (checked against the spec) with the
 * serial number and expiry; the clock moves expiry; only MANAGED users.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { checkedClient, type CheckedCall } from "../support/checkedApi";
import { serviceAccountToken } from "../support/atlasApi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";

const V = "2023-01-01";
let emu: EmulatorHandle;
let call: CheckedCall;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  call = await checkedClient(emu);
  token = await serviceAccountToken(emu);
  await emulatorControl.seed(emu, {
    databaseUsers: [
      { groupId: emu.projectId, databaseName: "$external", username: "etl", x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "a" }] },
      { groupId: emu.projectId, databaseName: "admin", username: "scram", password: "scram-Password-1", roles: [{ roleName: "read", databaseName: "a" }] },
    ],
  });
});
afterAll(() => emu.close());

const certs = (username: string) => `/api/atlas/v2/groups/${emu.projectId}/databaseUsers/${username}/certs`;

async function issue(username: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${emu.baseUrl}${certs(username)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, accept: `application/vnd.atlas.${V}+json`, "content-type": `application/vnd.atlas.${V}+json` },
    body: JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

test("refused: a user that is not MANAGED X.509, an unknown user, more than 24 months", async () => {
  expect((await issue("scram")).status).toBe(400);
  expect(JSON.parse((await issue("scram")).text).errorCode).toBe("ATLAS_INVALID_AUTH_SETTINGS");
  expect(JSON.parse((await issue("nobody")).text).errorCode).toBe("USERNAME_NOT_FOUND");
  expect((await issue("etl", { monthsUntilExpiration: 25 })).status).toBe(400);
});

test("deleting the user deletes its certificates", async () => {
  await issue("etl");
  expect((await call({ method: "GET", path: certs("etl"), version: V })).body.results.length).toBeGreaterThan(0);
  expect((await call({ method: "DELETE", path: `/api/atlas/v2/groups/${emu.projectId}/databaseUsers/${encodeURIComponent("$external")}/etl`, version: V })).status).toBe(204);
  await emulatorControl.seed(emu, { databaseUsers: [{ groupId: emu.projectId, databaseName: "$external", username: "etl", x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "a" }] }] });
  expect((await call({ method: "GET", path: certs("etl"), version: V })).body.results).toEqual([]);
});

test("(last: it moves the clock) POST answers 201 with a PEM: an X.509 certificate for CN=<username> and its private key; GET lists it until the clock passes notAfter", async () => {
  const issued = await issue("etl", { monthsUntilExpiration: 2 });
  expect([issued.status, issued.contentType]).toEqual([201, `application/vnd.atlas.${V}+json`]);
  const cert = new X509Certificate(issued.text);
  expect(cert.subject).toBe("CN=etl");
  expect(createPrivateKey(issued.text.slice(issued.text.indexOf("-----BEGIN PRIVATE KEY-----"))).asymmetricKeyType).toBe("ec");
  const now = Date.parse((await emulatorControl.now(emu)).now);
  const days = (Date.parse(cert.validTo) - now) / 86_400_000;
  expect(days).toBeGreaterThan(58);
  expect(days).toBeLessThan(63);

  const list = await call({ method: "GET", path: certs("etl"), version: V });
  expect(list.status).toBe(200);
  expect(list.body.results).toHaveLength(1);
  const listed = list.body.results[0];
  expect(BigInt(listed._id)).toBe(BigInt(`0x${cert.serialNumber}`));
  expect(Date.parse(listed.notAfter)).toBe(Date.parse(cert.validTo));

  await emulatorControl.advanceClock(emu, 63 * 86_400);
  call = await checkedClient(emu); // the credentials' tokens expired with the clock
  expect((await call({ method: "GET", path: certs("etl"), version: V })).body.results).toEqual([]);
});
