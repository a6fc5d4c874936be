import { AtlasClient } from "../../provider/client/client";
import { digestAuthorization, digestResponse, parseDigestChallenge, type DigestChallenge } from "../../provider/client/digest";
import { AtlasApiError } from "../../provider/client/errors";
import { startDigestServer, startTestServer, sendJson } from "../support/httpServer";
import { rejectionOf } from "../support/rejection";

const PUBLIC_KEY = "abcdefgh";
const PRIVATE_KEY = "0b3c7a4e-5e6f-4a1b-9c2d-private-key";

describe("digest response (published vectors)", () => {
  test("RFC 2617 §3.5 (Mufasa, MD5, qop=auth)", () => {
    const challenge: DigestChallenge = {
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      algorithm: "MD5",
      qopAuth: true,
      stale: false,
    };
    const input = {
      username: "Mufasa",
      password: "Circle Of Life",
      method: "GET",
      uri: "/dir/index.html",
      challenge,
      nc: 1,
      cnonce: "0a4f113b",
    };
    expect(digestResponse(input)).toBe("6629fae49393a05397450978507c4ef1");
    const header = digestAuthorization(input);
    expect(header).toMatch(/^Digest /);
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain("nc=00000001");
    expect(header).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  const rfc7616 = (algorithm: "MD5" | "SHA-256") => ({
    username: "Mufasa",
    password: "Circle of Life",
    method: "GET",
    uri: "/dir/index.html",
    challenge: {
      realm: "http-auth@example.org",
      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
      opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
      algorithm,
      qopAuth: true,
      stale: false,
    },
    nc: 1,
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  });

  test("RFC 7616 §3.9.1, MD5", () => {
    expect(digestResponse(rfc7616("MD5"))).toBe("8ca523f5e9506fed4657c9700eebdbec");
  });

  test("RFC 7616 §3.9.1, SHA-256", () => {
    expect(digestResponse(rfc7616("SHA-256"))).toBe("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  });
});

describe("parseDigestChallenge", () => {
  test("Atlas' challenge", () => {
    const c = parseDigestChallenge('Digest realm="MMS Public API", domain="", nonce="abc/+=", algorithm=MD5, qop="auth", stale=false');
    expect(c).toEqual({ realm: "MMS Public API", nonce: "abc/+=", algorithm: "MD5", qopAuth: true, stale: false });
  });

  test("stale=true, qop list, several schemes and escaped quotes", () => {
    const c = parseDigestChallenge([
      'Bearer realm="x"',
      'Basic realm="a, b", Digest realm="r \\"q\\"", nonce="n1", qop="auth-int, auth", stale=TRUE, opaque="o"',
    ]);
    expect(c).toEqual({ realm: 'r "q"', nonce: "n1", opaque: "o", algorithm: "MD5", qopAuth: true, stale: true });
  });

  test("unusable challenges are ignored", () => {
    expect(parseDigestChallenge(undefined)).toBeUndefined();
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x"')).toBeUndefined(); // no nonce
    expect(parseDigestChallenge('Digest realm="x", nonce="n", algorithm=SHA-512-256')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x", nonce="n", qop="auth-int"')).toBeUndefined();
  });
});

describe("digest over the wire", () => {
  test("pre-authenticated reuse: N sequential requests cost N+1 round trips, each nc distinct", async () => {
    const server = await startDigestServer({ username: PUBLIC_KEY, password: PRIVATE_KEY });
    const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY } });
    try {
      const N = 10;
      for (let i = 0; i < N; i++) {
        await expect(client.send({ method: "GET", path: `/api/atlas/v2/things/${i}`, version: "2023-01-01" })).resolves.toEqual({
          ok: true,
          path: `/api/atlas/v2/things/${i}`,
        });
      }
      expect(server.requests).toHaveLength(N + 1);
      expect(server.stats).toMatchObject({ challenged: 1, authenticated: N, refused: 0 });
      expect(new Set(server.stats.seen).size).toBe(N);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("20 concurrent first requests share one challenge, each with its own nc", async () => {
    const server = await startDigestServer({ username: PUBLIC_KEY, password: PRIVATE_KEY });
    const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY } });
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => client.send({ method: "GET", path: `/p/${i}`, version: null })),
      );
      expect(results).toHaveLength(20);
      expect(server.stats).toMatchObject({ challenged: 1, authenticated: 20, refused: 0 });
      expect(server.requests).toHaveLength(21);
      expect(new Set(server.stats.seen).size).toBe(20);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a POST body survives the challenge round trip", async () => {
    const server = await startDigestServer({
      username: PUBLIC_KEY,
      password: PRIVATE_KEY,
      onAuthenticated: (req, res) => sendJson(res, 201, { received: JSON.parse(req.body) }),
    });
    const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY } });
    try {
      const out = await client.send({ method: "POST", path: "/api/atlas/v2/groups/g/databaseUsers", version: "2023-01-01", body: { username: "u" } });
      expect(out).toEqual({ received: { username: "u" } });
      expect(server.requests.map((r) => r.body)).toEqual(['{"username":"u"}', '{"username":"u"}']);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("stale=true: the client takes the new nonce and carries on", async () => {
    const server = await startDigestServer({ username: PUBLIC_KEY, password: PRIVATE_KEY, nonceUses: 3 });
    const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY } });
    try {
      for (let i = 0; i < 7; i++) await client.send({ method: "GET", path: "/x", version: null });
      // 1 challenge; 3 uses per nonce: requests 4 and 7 are refused as stale and repeated once each.
      expect(server.stats).toMatchObject({ challenged: 1, authenticated: 7, refused: 2 });
      expect(server.requests).toHaveLength(1 + 7 + 2);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a wrong private key fails with a clear 401 after exactly one fresh challenge", async () => {
    const server = await startDigestServer({ username: PUBLIC_KEY, password: PRIVATE_KEY });
    const wrong = "wrong-private-key-0000";
    const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: wrong } });
    try {
      const err = await rejectionOf(client.send({ method: "GET", path: "/api/atlas/v2/orgs", version: "2023-01-01" }), AtlasApiError);
      expect(err.status).toBe(401);
      expect(err.message).toContain("GET /api/atlas/v2/orgs: HTTP 401");
      expect(err.message).toContain("The API key was rejected");
      expect(err.message).not.toContain(wrong);
      expect(server.requests).toHaveLength(2); // challenge + one answered attempt, no loop
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a cached challenge that stops working gets one fresh challenge, then a clear error", async () => {
    const server = await startDigestServer({ username: PUBLIC_KEY, password: PRIVATE_KEY });
    const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY } });
    try {
      await client.send({ method: "GET", path: "/a", version: null });
      expect(server.requests).toHaveLength(2);
      server.setPassword("the-key-was-rotated"); // revoked server-side
      const err = await rejectionOf(client.send({ method: "GET", path: "/b", version: null }), AtlasApiError);
      expect(err.status).toBe(401);
      expect(err.message).toContain("The API key was rejected");
      // pre-authenticated attempt refused, one fresh try refused, then stop
      expect(server.requests).toHaveLength(4);
      // the key works again: the client recovers with a fresh challenge
      server.setPassword(PRIVATE_KEY);
      await expect(client.send({ method: "GET", path: "/c", version: null })).resolves.toEqual({ ok: true, path: "/c" });
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("preemptiveDigest: false answers every challenge from scratch (2N round trips)", async () => {
    const server = await startDigestServer({ username: PUBLIC_KEY, password: PRIVATE_KEY });
    const client = new AtlasClient({
      baseUrl: server.url,
      credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY },
      preemptiveDigest: false,
    });
    try {
      await Promise.all(Array.from({ length: 5 }, () => client.send({ method: "GET", path: "/x", version: null })));
      for (let i = 0; i < 5; i++) await client.send({ method: "GET", path: "/y", version: null });
      expect(server.stats).toMatchObject({ challenged: 10, authenticated: 10, refused: 0 });
      expect(server.requests).toHaveLength(20);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test("a 401 without a digest challenge is Atlas refusing access, passed through with its code", async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, 401, { error: 401, errorCode: "NOT_IN_GROUP", detail: "Not in group.", reason: "Unauthorized" }),
    );
    const client = new AtlasClient({ baseUrl: server.url, credentials: { kind: "apiKey", publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY } });
    try {
      const err = await client.send({ method: "GET", path: "/g", version: null }).catch((e) => e);
      expect(err).toMatchObject({ status: 401, errorCode: "NOT_IN_GROUP" });
      expect(server.requests).toHaveLength(1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
