/**
 * Small `node:http` servers on 127.0.0.1, port 0, for wire-level client tests.
 * They are the client's protocol peers (a digest server, an OAuth token
 * endpoint, a server that misbehaves), not stand-ins for our own code.
 */
import { createHash, randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** `performance.now()` when the request's headers arrived. */
  readonly at: number;
}

export type Handler = (
  req: RecordedRequest,
  res: http.ServerResponse,
  raw: http.IncomingMessage,
) => void | Promise<void>;

export interface TestServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server that records every request (with its body) and hands it to `handler`. */
export async function startTestServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((raw, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const req: RecordedRequest = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        headers: raw.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at,
      };
      requests.push(req);
      Promise.resolve(handler(req, res, raw)).catch((err) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** An Atlas-shaped error answer. */
export function sendAtlasError(res: http.ServerResponse, status: number, errorCode: string, detail: string, headers: http.OutgoingHttpHeaders = {}): void {
  sendJson(res, status, { error: status, errorCode, detail, reason: http.STATUS_CODES[status] }, headers);
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

export interface DigestServerOptions {
  readonly username: string;
  readonly password: string;
  readonly realm?: string;
  /** A nonce answers this many requests, then the next is refused with `stale=true`. */
  readonly nonceUses?: number;
  /** Answer for authenticated requests; default 200 `{ok: true, path}`. */
  readonly onAuthenticated?: Handler;
}

/** What the digest server saw, by kind. */
export interface DigestStats {
  /** Requests without Authorization (answered with a challenge). */
  challenged: number;
  /** Correctly authenticated requests. */
  authenticated: number;
  /** Requests with a wrong response, unknown nonce, replayed nc, or stale nonce. */
  refused: number;
  /** `nonce:nc` pairs seen, to check no nc is reused. */
  readonly seen: string[];
}

/**
 * An RFC 7616 digest server written independently of the client (MD5,
 * qop=auth, Atlas' realm): verifies each response, refuses replayed `nc`,
 * and can expire nonces (`stale=true`).
 */
export async function startDigestServer(
  opts: DigestServerOptions,
): Promise<TestServer & { stats: DigestStats; setPassword(password: string): void }> {
  let password = opts.password;
  const realm = opts.realm ?? "MMS Public API";
  const nonces = new Map<string, { uses: number; ncs: Set<string> }>();
  const stats: DigestStats = { challenged: 0, authenticated: 0, refused: 0, seen: [] };
  const challenge = (res: http.ServerResponse, stale: boolean) => {
    const nonce = randomBytes(16).toString("base64");
    nonces.set(nonce, { uses: 0, ncs: new Set() });
    res.writeHead(401, {
      "content-type": "application/json",
      "www-authenticate": `Digest realm="${realm}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`,
    });
    res.end(JSON.stringify({ error: 401, reason: "Unauthorized", detail: "You are not authorized for this resource." }));
  };
  const server = await startTestServer(async (req, res, raw) => {
    const auth = req.headers.authorization;
    if (!auth) {
      stats.challenged++;
      return challenge(res, false);
    }
    const p: Record<string, string> = {};
    for (const m of auth.replace(/^Digest\s+/i, "").matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) {
      p[m[1]] = (m[2] ?? m[3]).replace(/\\(.)/g, "$1");
    }
    const state = nonces.get(p.nonce);
    const ha1 = md5(`${opts.username}:${realm}:${password}`);
    const ha2 = md5(`${req.method}:${req.url}`);
    const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    const ok = state && p.username === opts.username && p.uri === req.url && p.qop === "auth" && p.response === expected;
    if (!ok || !state || state.ncs.has(p.nc)) {
      stats.refused++;
      return challenge(res, false);
    }
    if (opts.nonceUses !== undefined && state.uses >= opts.nonceUses) {
      stats.refused++;
      return challenge(res, true);
    }
    state.uses++;
    state.ncs.add(p.nc);
    stats.seen.push(`${p.nonce}:${p.nc}`);
    stats.authenticated++;
    if (opts.onAuthenticated) return opts.onAuthenticated(req, res, raw);
    sendJson(res, 200, { ok: true, path: req.url });
  });
  return Object.assign(server, {
    stats,
    /** Changes the key's secret server-side (a revoked or rotated key). */
    setPassword: (p: string) => {
      password = p;
    },
  });
}
