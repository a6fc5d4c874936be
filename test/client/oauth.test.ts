import { inspect } from "node:util";
import { AtlasClient } from "../../provider/client/client";
import { AtlasApiError } from "../../provider/client/errors";
import { sendJson, startTestServer, type TestServer } from "../support/httpServer";
import { rejectionOf } from "../support/rejection";

const CLIENT_ID = "mdb_sa_id_0123456789abcdef01234567";
const CLIENT_SECRET = "mdb_sa_sk_s3cr3t-value-that-must-not-leak";

interface OAuthPeer {
  server: TestServer;
  /** Token requests seen. */
  tokenRequests(): number;
  /** Tokens the API currently accepts. */
  valid: Set<string>;
  expiresIn: number;
  /** Delay before answering token requests (to make concurrent callers overlap). */
  tokenDelayMs: number;
  /** The API refuses every token (a service account that lost access). */
  refuseAll: boolean;
  /** The next this-many token requests get a 503. */
  tokenFailures: number;
}

/** A service-account token endpoint plus an API that checks bearer tokens. */
async function startOAuthPeer(): Promise<OAuthPeer> {
  let issued = 0;
  const peer: Partial<OAuthPeer> & { valid: Set<string>; expiresIn: number; tokenDelayMs: number; refuseAll: boolean; tokenFailures: number } = {
    valid: new Set<string>(),
    expiresIn: 3600,
    tokenDelayMs: 0,
    refuseAll: false,
    tokenFailures: 0,
  };
  peer.server = await startTestServer(async (req, res) => {
    if (req.url === "/api/oauth/token") {
      if (peer.tokenDelayMs) await new Promise((r) => setTimeout(r, peer.tokenDelayMs));
      if (peer.tokenFailures > 0) {
        peer.tokenFailures--;
        return sendJson(res, 503, { error: 503, errorCode: "SERVICE_UNAVAILABLE" });
      }
      const expected = "Basic " + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
      const formOk = req.method === "POST" && req.body === "grant_type=client_credentials" &&
        req.headers["content-type"] === "application/x-www-form-urlencoded";
      if (req.headers.authorization !== expected || !formOk) {
        // Like real servers do, echo what was received in the description.
        return sendJson(res, 401, { error: "invalid_client", error_description: `Invalid client: ${req.headers.authorization}` });
      }
      const token = `tok-${++issued}-${Math.random().toString(36).slice(2)}`;
      peer.valid.add(token);
      return sendJson(res, 200, { access_token: token, token_type: "Bearer", expires_in: peer.expiresIn });
    }
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (peer.refuseAll || !peer.valid.has(token)) return sendJson(res, 401, { error: 401, errorCode: "UNAUTHORIZED", detail: `bad token ${token}` });
    sendJson(res, 200, { ok: true });
  });
  peer.tokenRequests = () => peer.server!.requests.filter((r) => r.url === "/api/oauth/token").length;
  return peer as OAuthPeer;
}

function clientFor(peer: OAuthPeer, secret = CLIENT_SECRET) {
  return new AtlasClient({
    baseUrl: peer.server.url,
    credentials: { kind: "serviceAccount", clientId: CLIENT_ID, clientSecret: secret },
    retry: { maxAttempts: 2, baseDelayMs: 10 },
  });
}

const get = (client: AtlasClient, path = "/api/atlas/v2/orgs/o/users") => client.send({ method: "GET", path, version: "2025-02-19" });

describe("service account (OAuth 2 client credentials)", () => {
  let peer: OAuthPeer;
  let client: AtlasClient;
  beforeEach(async () => {
    peer = await startOAuthPeer();
    client = clientFor(peer);
  });
  afterEach(async () => {
    await client.close();
    await peer.server.close();
  });

  test("the token is fetched once and reused across calls, sent as a Bearer token", async () => {
    for (let i = 0; i < 5; i++) await expect(get(client)).resolves.toEqual({ ok: true });
    expect(peer.tokenRequests()).toBe(1);
    const apiCalls = peer.server.requests.filter((r) => r.url !== "/api/oauth/token");
    expect(apiCalls).toHaveLength(5);
    for (const r of apiCalls) expect(r.headers.authorization).toMatch(/^Bearer tok-1-/);
  });

  test("20 concurrent calls share one token request", async () => {
    peer.tokenDelayMs = 100;
    const results = await Promise.all(Array.from({ length: 20 }, () => get(client)));
    expect(results).toHaveLength(20);
    expect(peer.tokenRequests()).toBe(1);
  });

  test("the token is refreshed when it nears expiry", async () => {
    peer.expiresIn = 1; // refreshed after half its lifetime
    await get(client);
    await get(client);
    expect(peer.tokenRequests()).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    await get(client);
    expect(peer.tokenRequests()).toBe(2);
  });

  test("a 401 drops the token, fetches a new one and retries once", async () => {
    await get(client);
    peer.valid.clear(); // tokens revoked server-side
    await expect(get(client)).resolves.toEqual({ ok: true });
    expect(peer.tokenRequests()).toBe(2);
    // and when even the new token is refused, it stops after that one retry
    const before = peer.server.requests.length;
    peer.refuseAll = true;
    const err = await rejectionOf(get(client), AtlasApiError);
    expect(err.status).toBe(401);
    expect(err.message).toContain("access token was refused");
    // stale token refused, one new token, the retry refused: 3 requests, then stop
    expect(peer.server.requests.length - before).toBe(3);
    expect(JSON.stringify(err) + inspect(err) + err.stack).not.toMatch(/tok-\d/);
  });

  test("invalid_client is a clear error that never contains the secret", async () => {
    const wrongSecret = "mdb_sa_sk_wrong-secret-value-000000";
    const bad = clientFor(peer, wrongSecret);
    try {
      const err = await rejectionOf(get(bad), AtlasApiError);
      expect(err).toMatchObject({ status: 401, errorCode: "invalid_client", path: "/api/oauth/token" });
      expect(err.message).toContain("The service account was rejected");
      expect(err.message).toContain("mongodbatlas:clientSecret");
      const everything = [err.message, err.stack, JSON.stringify(err), inspect(err, { depth: 10, showHidden: true })].join("\n");
      const basic = Buffer.from(`${CLIENT_ID}:${wrongSecret}`).toString("base64");
      expect(everything).not.toContain(wrongSecret);
      expect(everything).not.toContain(basic);
      // a rejected client is not retried
      expect(peer.tokenRequests()).toBe(1);
    } finally {
      await bad.close();
    }
  });

  test("a failing token endpoint is retried like a GET, even for a POST that follows", async () => {
    peer.tokenFailures = 1;
    await expect(client.send({ method: "POST", path: "/api/atlas/v2/orgs/o/users", version: "2025-02-19", body: {} })).resolves.toEqual({ ok: true });
    expect(peer.tokenRequests()).toBe(2);
  });
});
