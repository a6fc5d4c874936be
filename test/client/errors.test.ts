import { inspect } from "node:util";
import { AtlasClient, type AtlasClientOptions } from "../../provider/client/client";
import { AtlasApiError, AtlasNetworkError, hasErrorCode, isConflict, isNotFound } from "../../provider/client/errors";
import { sendJson, startDigestServer, startTestServer, type Handler, type TestServer } from "../support/httpServer";
import { rejectionOf } from "../support/rejection";

const PRIVATE_KEY = "9f1c2d3e-priv-key-do-not-leak";
const PASSWORD = "Sup3r-S3cret-Passw0rd!";
const apiKey: AtlasClientOptions["credentials"] = { kind: "apiKey", publicKey: "PUBKEY01", privateKey: PRIVATE_KEY };

async function withServer<T>(handler: Handler, fn: (client: AtlasClient, server: TestServer) => Promise<T>, opts: Partial<AtlasClientOptions> = {}): Promise<T> {
  const server = await startTestServer(handler);
  const client = new AtlasClient({ baseUrl: server.url, credentials: apiKey, retry: { maxAttempts: 1 }, ...opts });
  try {
    return await fn(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

/** Every way an error can be shown or stored. */
function everything(err: unknown): string {
  const e = err as Error;
  return [String(e), e.message, e.stack, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })].join("\n");
}

/**
 * `text` as a reader could decode it: as is, percent- and form-decoded, and
 * every run of base64 or base64url characters decoded from each of its four
 * alignments (so an echo inside a longer encoded text is decoded too).
 */
function decodedViews(text: string): string[] {
  const views = [text];
  const tryDecode = (f: () => string) => {
    try {
      views.push(f());
    } catch {
      // not decodable this way
    }
  };
  tryDecode(() => decodeURIComponent(text));
  tryDecode(() => decodeURIComponent(text.replace(/\+/g, " ")));
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    for (let shift = 0; shift < 4; shift++) {
      const part = run.slice(shift);
      views.push(Buffer.from(part, "base64").toString("latin1"), Buffer.from(part, "base64url").toString("latin1"));
    }
  }
  return views;
}

const createUser = { method: "POST" as const, path: "/api/atlas/v2/groups/5f0c/databaseUsers", version: "2023-01-01" as const, body: { username: "app", password: PASSWORD, roles: [] } };

describe("Atlas error bodies", () => {
  test("status, errorCode, detail, reason, badRequestDetail, and a one-line message", async () => {
    await withServer(
      (_req, res) =>
        sendJson(res, 400, {
          error: 400,
          errorCode: "INVALID_ATTRIBUTE",
          detail: "Invalid attribute roles specified.",
          reason: "Bad Request",
          badRequestDetail: { fields: [{ field: "roles[0].roleName", description: "must not be blank" }] },
        }),
      async (client) => {
        const err = await rejectionOf(client.send(createUser), AtlasApiError);
        expect(err).toMatchObject({
          status: 400,
          errorCode: "INVALID_ATTRIBUTE",
          detail: "Invalid attribute roles specified.",
          reason: "Bad Request",
          method: "POST",
          path: "/api/atlas/v2/groups/5f0c/databaseUsers",
          badRequestDetail: [{ field: "roles[0].roleName", description: "must not be blank" }],
        });
        expect(err.message).toBe(
          "POST /api/atlas/v2/groups/5f0c/databaseUsers: HTTP 400 INVALID_ATTRIBUTE: Invalid attribute roles specified. (roles[0].roleName: must not be blank)",
        );
        expect(err.message).not.toContain("\n");
      },
    );
  });

  test("an HTML error page becomes a short, clear error", async () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{}</style></head><body>${"<p>filler</p>".repeat(5000)}</body></html>`;
    await withServer(
      (_req, res) => {
        res.writeHead(502, { "content-type": "text/html" });
        res.end(page);
      },
      async (client) => {
        const err = await rejectionOf(client.send({ method: "POST", path: "/x", version: null, body: {} }), AtlasApiError);
        expect(err.status).toBe(502);
        expect(err.errorCode).toBeUndefined();
        expect(err.message).toBe("POST /x: HTTP 502: unexpected answer (text/html): 502 Bad Gateway");
      },
    );
  });

  test("a huge error body is read only up to a cap and quoted briefly", async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("x".repeat(20 * 1024 * 1024));
      },
      async (client) => {
        const err = await rejectionOf(client.send({ method: "POST", path: "/x", version: null }), AtlasApiError);
        expect(err.message).toContain("cut off");
        expect(err.message.length).toBeLessThan(400);
      },
    );
  });

  test("a 2xx body beyond the size cap is refused, not buffered without end", async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 40 && res.write(chunk)) sent++;
          if (sent < 40) res.once("drain", pump);
          else res.end();
        };
        res.on("error", () => undefined);
        pump();
      },
      async (client) => {
        const err = await rejectionOf(client.send({ method: "GET", path: "/big", version: null }), AtlasApiError);
        expect(err.message).toBe("GET /big: HTTP 200: the answer is larger than the client reads (16777216 bytes read)");
      },
    );
  });

  test("a truncated JSON error body (connection closed mid-body) is a network error, not a hang", async () => {
    await withServer(
      (_req, res, raw) => {
        res.writeHead(500, { "content-type": "application/json", "content-length": "500" });
        res.write('{"error":500,"errorCo');
        setTimeout(() => raw.socket.destroy(), 20);
      },
      async (client) => {
        const err = await rejectionOf(client.send({ method: "GET", path: "/x", version: null }), AtlasNetworkError);
        expect(err.mayHaveBeenApplied).toBe(true);
      },
    );
  });

  test("an answer that never completes times out", async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write("[");
        // ...and nothing more, ever
      },
      async (client) => {
        const err = await rejectionOf(client.send({ method: "GET", path: "/x", version: null }), AtlasNetworkError);
        expect(err.code).toBe("TIMEOUT");
        expect(err.message).toContain("the answer (HTTP 200) did not complete within the request timeout");
      },
      { timeoutMs: 300 },
    );
  });

  test("a 2xx that is not JSON is a clear error", async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html><head><title>Login</title></head></html>");
      },
      async (client) => {
        await expect(client.send({ method: "GET", path: "/x", version: null })).rejects.toThrow("GET /x: HTTP 200: the answer is not JSON (text/html): Login");
      },
    );
  });

  test("204 and empty 200 resolve to undefined", async () => {
    let n = 0;
    await withServer(
      (_req, res) => {
        res.writeHead(n++ === 0 ? 204 : 200);
        res.end();
      },
      async (client) => {
        await expect(client.send({ method: "DELETE", path: "/x", version: null })).resolves.toBeUndefined();
        await expect(client.send({ method: "GET", path: "/x", version: null })).resolves.toBeUndefined();
      },
    );
  });
});

describe("no secret in any error, even when the server echoes the request", () => {
  /** Echoes the request's headers and body back in the error, in several encodings. */
  const echo: Handler = (req, res) =>
    sendJson(res, 400, {
      error: 400,
      errorCode: "INVALID_ATTRIBUTE",
      detail: `got headers ${JSON.stringify(req.headers)} body ${req.body} b64 ${Buffer.from(req.body).toString("base64")} url ${encodeURIComponent(req.body)}`,
      reason: req.body,
      badRequestDetail: { fields: [{ field: "password", description: `value ${PASSWORD} is common` }] },
    });

  test("API key (digest) and a password in the body, JSON echo", async () => {
    const server = await startDigestServer({ username: "PUBKEY01", password: PRIVATE_KEY, onAuthenticated: echo });
    const client = new AtlasClient({ baseUrl: server.url, credentials: apiKey });
    try {
      const err = await rejectionOf(client.send(createUser), AtlasApiError);
      expect(err.errorCode).toBe("INVALID_ATTRIBUTE");
      const text = everything(err);
      const authorization = String(server.requests.at(-1)!.headers.authorization);
      const digestResponse = /response="([^"]+)"/.exec(authorization)![1];
      for (const secret of [PASSWORD, PRIVATE_KEY, authorization, digestResponse, Buffer.from(PASSWORD).toString("base64")]) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain("[REDACTED]");
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("service account: client secret, token and Basic header, plain-text echo", async () => {
    const secret = "mdb_sa_sk_echo-secret-0123456789";
    let token = "";
    const server = await startTestServer((req, res) => {
      if (req.url === "/api/oauth/token") {
        token = `tok_${Math.random().toString(36).slice(2)}_abcdefgh`;
        return sendJson(res, 200, { access_token: token, expires_in: 3600 });
      }
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`echo: ${JSON.stringify(req.headers)} ${req.body}`);
    });
    const client = new AtlasClient({
      baseUrl: server.url,
      credentials: { kind: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret: secret },
      retry: { maxAttempts: 1 },
    });
    try {
      const err = await rejectionOf(client.send({ ...createUser, method: "PATCH" }), AtlasApiError);
      expect(err.status).toBe(500);
      const text = everything(err);
      const basic = String(server.requests[0].headers.authorization);
      for (const s of [secret, token, basic, PASSWORD]) expect(text).not.toContain(s);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test.each([
    ["JSON", "application/json"],
    ["plain text", "text/plain"],
  ])("a password with quotes, a backslash, two spaces, non-ASCII and a control character: %s echo", async (_kind, type) => {
    // Each fragment of the password is unique, so a leak of any escaped,
    // squeezed or partial form of it shows as one of them.
    const awkward = 'lead91"q\\w  \u00e9\u0007tail42';
    await withServer(
      (req, res) => {
        if (type === "application/json") return sendJson(res, 400, { error: 400, errorCode: "INVALID_ATTRIBUTE", detail: `body was ${req.body}`, reason: JSON.parse(req.body).password });
        res.writeHead(400, { "content-type": type });
        res.end(`body was ${req.body} / ${JSON.parse(req.body).password} / ${JSON.stringify(JSON.parse(req.body).password).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}`);
      },
      async (client) => {
        const err = await rejectionOf(client.send({ ...createUser, body: { ...createUser.body, password: awkward } }), AtlasApiError);
        const text = everything(err);
        expect(text).toContain("[REDACTED]");
        for (const fragment of ["lead91", "tail42"]) expect(text).not.toContain(fragment);
      },
    );
  });

  test.each([
    ["base64", (body: string) => Buffer.from(body).toString("base64")],
    ["base64url", (body: string) => Buffer.from(body).toString("base64url")],
    ["base64 after a prefix", (body: string) => Buffer.from(`request: ${body}`).toString("base64")],
    ["base64 of the body without its first byte", (body: string) => Buffer.from(body.slice(1)).toString("base64")],
    ["percent-encoded", (body: string) => encodeURIComponent(body)],
    ["form-encoded", (body: string) => new URLSearchParams({ body }).toString()],
  ])("the whole body echoed %s: no decoding of the error shows the password", async (_kind, encode) => {
    await withServer(
      (req, res) => sendJson(res, 400, { error: 400, errorCode: "INVALID_ATTRIBUTE", detail: `rejected: ${encode(req.body)}` }),
      async (client) => {
        const err = await rejectionOf(client.send(createUser), AtlasApiError);
        const text = everything(err);
        expect(text).toContain("[REDACTED]");
        for (const view of decodedViews(text)) expect(view).not.toContain(PASSWORD);
      },
    );
  });

  test("network errors on a request with a password carry no body", async () => {
    await withServer(
      (_req, _res, raw) => {
        raw.socket.destroy();
      },
      async (client) => {
        const err = await rejectionOf(client.send(createUser), AtlasNetworkError);
        const text = everything(err);
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(PRIVATE_KEY);
      },
    );
  });
});

describe("error helpers", () => {
  const err = (status: number, errorCode?: string) =>
    new AtlasApiError({ status, method: "GET", path: "/p", ...(errorCode ? { errorCode } : {}) });

  test("isNotFound: 404 with a not-found code, or a bare 404", () => {
    for (const code of ["USERNAME_NOT_FOUND", "USER_NOT_FOUND", "RESOURCE_NOT_FOUND", "GROUP_NOT_FOUND", "ORG_NOT_FOUND", "INVALID_GROUP_ID"]) {
      expect(isNotFound(err(404, code))).toBe(true);
    }
    expect(isNotFound(err(404))).toBe(true);
    expect(isNotFound(err(404, "ENDPOINT_NOT_SUPPORTED"))).toBe(false);
    expect(isNotFound(err(400, "USER_NOT_FOUND"))).toBe(false);
    expect(isNotFound(new Error("404"))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
  });

  test("isConflict and hasErrorCode", () => {
    expect(isConflict(err(409, "USER_ALREADY_EXISTS"))).toBe(true);
    expect(isConflict(err(409, "USER_ALREADY_EXISTS"), "USER_ALREADY_EXISTS")).toBe(true);
    expect(isConflict(err(409, "USER_ALREADY_EXISTS"), "OTHER")).toBe(false);
    expect(isConflict(err(400, "USER_ALREADY_EXISTS"))).toBe(false);
    expect(hasErrorCode(err(403, "GROUP_USERS_LIMIT_EXCEEDED"), "GROUP_USERS_LIMIT_EXCEEDED")).toBe(true);
    expect(hasErrorCode(err(403), "GROUP_USERS_LIMIT_EXCEEDED")).toBe(false);
    expect(hasErrorCode("GROUP_USERS_LIMIT_EXCEEDED", "GROUP_USERS_LIMIT_EXCEEDED")).toBe(false);
  });
});
