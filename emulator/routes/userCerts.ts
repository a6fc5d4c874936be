/**
 * Atlas-managed X.509 certificates of database users (`2023-01-01`):
 * `POST /groups/{groupId}/databaseUsers/{username}/certs` issues one and
 * answers 201 with a PEM file (the certificate and its private key, as text,
 * not JSON: the official SDK reads it as a string), `GET` lists the user's
 * unexpired certificates. Validity runs on the emulator clock, so moving the
 * clock past `notAfter` drops a certificate from the list. Only users with
 * `x509Type: "MANAGED"` (on `$external`) get certificates.
 */
import { issueCertificate } from "../x509";
import { paginate } from "./paging";
import { requireProject } from "./memberships";
import type { UserCertRecord } from "../store";
import { EmulatorError, type EmulatorContext, type Route, type RouteRequest, type RouteResponse } from "../types";

const CERTS = "/api/atlas/v2/groups/{groupId}/databaseUsers/{username}/certs";

export const routes: readonly Route[] = [
  { method: "POST", path: CERTS, platform: "atlas-v2", handle: createCert },
  { method: "GET", path: CERTS, platform: "atlas-v2", handle: listCerts },
];

function managedUser(req: RouteRequest, ctx: EmulatorContext): { groupId: string; username: string } {
  const groupId = requireProject(ctx, req.params.groupId).id;
  const { username } = req.params;
  const user = ctx.store.databaseUsers.find((u) => u.groupId === groupId && u.databaseName === "$external" && u.username === username)
    ?? ctx.store.databaseUsers.find((u) => u.groupId === groupId && u.username === username);
  if (!user) throw new EmulatorError(404, "USERNAME_NOT_FOUND", `No user with username ${username} exists.`, [username]);
  if (user.x509Type !== "MANAGED") {
    throw new EmulatorError(400, "ATLAS_INVALID_AUTH_SETTINGS", `Invalid authentication settings. User ${username} does not use Atlas-managed X.509 authentication.`, [username]);
  }
  return { groupId, username };
}

function createCert(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const { groupId, username } = managedUser(req, ctx);
  const months = (req.body as { monthsUntilExpiration?: number } | undefined)?.monthsUntilExpiration ?? 3;
  if (months < 1) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", "Invalid attribute monthsUntilExpiration specified.", ["monthsUntilExpiration"], {
      fields: [{ field: "monthsUntilExpiration", description: "Must be between 1 and 24." }],
    });
  }
  // Whole seconds: what an X.509 validity can hold.
  const now = new Date(Math.floor(ctx.now().getTime() / 1000) * 1000);
  const notAfter = new Date(now);
  notAfter.setUTCMonth(notAfter.getUTCMonth() + months);
  const id = nextSerial(ctx);
  const record: UserCertRecord = { groupId, username, id, createdAt: now.toISOString(), notAfter: notAfter.toISOString() };
  ctx.store.userCerts.push(record);
  return { status: 201, text: issueCertificate(username, BigInt(id), now, notAfter).pem };
}

function listCerts(req: RouteRequest, ctx: EmulatorContext): RouteResponse {
  const { groupId, username } = managedUser(req, ctx);
  const now = ctx.now().getTime();
  const valid = ctx.store.userCerts.filter((c) => c.groupId === groupId && c.username === username && Date.parse(c.notAfter) > now);
  const page = paginate(valid, req.query, `${ctx.baseUrl ?? ""}${req.rawPath}`);
  // No `subject`: the spec's pattern for it wants a DC component, and a managed user's subject is `CN=<username>`.
  return { status: 200, body: { ...page, results: page.results.map((c) => ({ _id: c.id, createdAt: c.createdAt, groupId: c.groupId, notAfter: c.notAfter })) } };
}

let lastSerial = 1_000_000;

/** Serial numbers: never reused while the emulator runs (also across resets), safe as JSON numbers. */
function nextSerial(ctx: EmulatorContext): number {
  lastSerial = Math.max(lastSerial, ...ctx.store.userCerts.map((c) => c.id)) + 1;
  return lastSerial;
}
