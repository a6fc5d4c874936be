/**
 * Certificates and private keys in answers: a PEM a server echoes (in an
 * error body, JSON-escaped or cut off, or as a 2xx body where JSON was
 * expected) never reaches an error's text; a text answer asked for as text
 * comes back whole.
 */
import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { AtlasClient } from "../../provider/client/client";
import { AtlasApiError } from "../../provider/client/errors";
import { redactPem } from "../../provider/client/redact";
import { sendJson, startTestServer, type Handler } from "../support/httpServer";
import { rejectionOf } from "../support/rejection";

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const KEY_PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
/** A line of the key's base64 body: what must never show. */
const KEY_LINE = KEY_PEM.split("\n")[1];

const certs = { method: "POST" as const, path: "/api/atlas/v2/groups/5f0c/databaseUsers/app/certs", version: "2023-01-01" as const, body: { monthsUntilExpiration: 3 } };

async function sendTo(handler: Handler, req: Parameters<AtlasClient["send"]>[0]) {
  const server = await startTestServer(handler);
  const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: "PUBKEY01", privateKey: "priv-0000-0000" }, retry: { maxAttempts: 1 } });
  try {
    return await client.send<unknown>(req).then((value) => ({ value, error: undefined }), (error: unknown) => ({ value: undefined, error }));
  } finally {
    await client.close();
    await server.close();
  }
}

const everything = (err: unknown) => [String(err), JSON.stringify(err), inspect(err, { depth: 10, showHidden: true })].join("\n");

test("redactPem masks whole, JSON-escaped and cut-off blocks", () => {
  const escaped = JSON.stringify(KEY_PEM).slice(1, -1);
  for (const text of [`x ${KEY_PEM} y`, `{"detail":"${escaped}"}`, `oops ${KEY_PEM.slice(0, 120)}`]) {
    expect(redactPem(text)).not.toContain(KEY_LINE.slice(0, 40));
    expect(redactPem(text)).toContain("[REDACTED]");
  }
});

test.each([
  ["an error body echoing the PEM", ((_req, res) => sendJson(res, 400, { error: 400, errorCode: "INVALID_ATTRIBUTE", detail: `bad cert ${KEY_PEM}` })) as Handler],
  ["a 2xx answer that is a PEM where JSON was expected", ((_req, res) => {
    res.writeHead(201, { "content-type": "application/vnd.atlas.2023-01-01+json" });
    res.end(KEY_PEM);
  }) as Handler],
])("%s: the error never quotes the key", async (_what, handler) => {
  const { error } = await sendTo(handler, { ...certs, returns: { what: "a certificate", fields: ["x"] } });
  const err = error as AtlasApiError;
  expect(err).toBeInstanceOf(AtlasApiError);
  expect(everything(err)).not.toContain(KEY_LINE.slice(0, 40));
});

test("returnsText: the PEM comes back whole, as a string", async () => {
  const { value } = await sendTo((_req, res) => {
    res.writeHead(201, { "content-type": "application/vnd.atlas.2023-01-01+json" });
    res.end(KEY_PEM);
  }, { ...certs, returnsText: true });
  expect(value).toBe(KEY_PEM);
});
