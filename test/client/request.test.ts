import { posix } from "node:path";
import { Agent } from "undici";
import { AtlasClient, type AtlasClientOptions } from "../../provider/client/client";
import { InvalidOptionError } from "../../provider/client/errors";
import { apiPath, mediaType } from "../../provider/client/request";
import { sendJson, startTestServer, type TestServer } from "../support/httpServer";

const credentials: AtlasClientOptions["credentials"] = { kind: "apiKey", publicKey: "pub", privateKey: "private-key-xyz" };

describe("what goes on the wire", () => {
  let server: TestServer;
  let client: AtlasClient;
  beforeAll(async () => {
    server = await startTestServer((req, res) => {
      if (req.method === "DELETE") res.writeHead(204).end();
      else sendJson(res, 200, { ok: 1 });
    });
    client = new AtlasClient({ baseUrl: server.url, credentials, userAgent: "test-agent/1" });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  test.each([
    ["2023-01-01", "application/vnd.atlas.2023-01-01+json"],
    ["2025-02-19", "application/vnd.atlas.2025-02-19+json"],
    [null, "application/json"],
  ] as const)("version %s: Accept and Content-Type %s", async (version, media) => {
    await client.send({ method: "POST", path: "/api/x", version, body: { a: 1 } });
    const req = server.requests.at(-1)!;
    expect(req.headers.accept).toBe(media);
    expect(req.headers["content-type"]).toBe(media);
    expect(req.body).toBe('{"a":1}');
    expect(req.headers["user-agent"]).toBe("test-agent/1");
  });

  test("no Content-Type without a body", async () => {
    await client.send({ method: "GET", path: "/api/x", version: "2023-01-01" });
    expect(server.requests.at(-1)!.headers["content-type"]).toBeUndefined();
    expect(server.requests.at(-1)!.body).toBe("");
  });

  test("query: encoded, arrays repeated, undefined skipped", async () => {
    await client.send({
      method: "GET",
      path: "/api/atlas/v2/orgs/o/users",
      version: "2025-02-19",
      query: { username: "a+b@example.com", orgMembershipStatuses: ["PENDING", "ACTIVE"], includeCount: true, pageNum: 2, skip: undefined },
    });
    expect(server.requests.at(-1)!.url).toBe(
      "/api/atlas/v2/orgs/o/users?username=a%2Bb%40example.com&orgMembershipStatuses=PENDING&orgMembershipStatuses=ACTIVE&includeCount=true&pageNum=2",
    );
  });

  test("apiPath keeps awkward names in one segment", async () => {
    const path = apiPath`/api/atlas/v2/groups/${"g1"}/databaseUsers/${"$external"}/${"CN=app,OU=x/y"}`;
    expect(path).toBe("/api/atlas/v2/groups/g1/databaseUsers/%24external/CN%3Dapp%2COU%3Dx%2Fy");
    await client.send({ method: "GET", path, version: "2023-01-01" });
    expect(server.requests.at(-1)!.url).toBe(path);
  });

  test.each([
    ["..", "%2E%2E"],
    [".", "%2E"],
  ])("apiPath encodes the dot segment %j, so a proxy that resolves dot segments keeps it a name", async (name, encoded) => {
    const path = apiPath`/api/atlas/v2/groups/${"g1"}/databaseUsers/${"admin"}/${name}`;
    expect(path).toBe(`/api/atlas/v2/groups/g1/databaseUsers/admin/${encoded}`);
    await client.send({ method: "GET", path, version: "2023-01-01" });
    const sent = server.requests.at(-1)!.url;
    expect(sent).toBe(path);
    // A proxy resolving dot segments (RFC 3986 5.2.4) on the path as sent.
    expect(posix.normalize(sent)).toBe(path);
    expect(decodeURIComponent(sent.split("/").pop()!)).toBe(name);
  });

  test("apiPath leaves dots that make no dot segment as they are", () => {
    expect(apiPath`/u/${"..."}/${"a..b"}/${"jane.doe@example.com"}/${".x"}`).toBe("/u/.../a..b/jane.doe%40example.com/.x");
  });

  test("204 resolves to undefined", async () => {
    await expect(client.send({ method: "DELETE", path: "/api/x", version: null })).resolves.toBeUndefined();
  });

  test("mediaType", () => {
    expect(mediaType("2023-01-01")).toBe("application/vnd.atlas.2023-01-01+json");
    expect(mediaType(null)).toBe("application/json");
  });

  test("a base URL with a path prefix is kept", async () => {
    const prefixed = new AtlasClient({ baseUrl: `${server.url}/prefix/`, credentials });
    try {
      await prefixed.send({ method: "GET", path: "/api/public/v1.0/users/u", version: null });
      expect(server.requests.at(-1)!.url).toBe("/prefix/api/public/v1.0/users/u");
    } finally {
      await prefixed.close();
    }
  });

  test("an injected dispatcher is used, and left open by close()", async () => {
    const agent = new Agent();
    let dispatched = 0;
    const counting = agent.compose((dispatch) => (opts, handler) => {
      dispatched++;
      return dispatch(opts, handler);
    });
    const injected = new AtlasClient({ baseUrl: server.url, credentials, dispatcher: counting });
    try {
      await injected.send({ method: "GET", path: "/api/x", version: null });
      expect(dispatched).toBe(1);
      await injected.close();
      await expect(injected.send({ method: "GET", path: "/api/x", version: null })).rejects.toThrow("AtlasClient.send called after close()");
      const res = await agent.request({ origin: server.url, path: "/api/y", method: "GET" });
      expect(res.statusCode).toBe(200);
      await res.body.text();
    } finally {
      await agent.close();
    }
  });

  test("a bad request description is refused before sending", async () => {
    const before = server.requests.length;
    await expect(client.send({ method: "GET", path: "api/x", version: null })).rejects.toThrow('Invalid request.path: must start with "/"');
    await expect(client.send({ method: "GET", path: "/api/x?y=1", version: null })).rejects.toThrow(InvalidOptionError);
    await expect(client.send({ method: "HEAD" as "GET", path: "/api/x", version: null })).rejects.toThrow("Invalid request.method");
    expect(server.requests.length).toBe(before);
  });
});

describe("options are validated once, up front", () => {
  const make = (o: Partial<AtlasClientOptions>) => () => new AtlasClient({ baseUrl: "https://cloud.mongodb.com", credentials, ...o });

  test("https:// anywhere, http:// only to loopback", () => {
    for (const url of ["https://cloud.mongodb.com", "https://om.example.com:8443", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"]) {
      expect(make({ baseUrl: url })).not.toThrow();
    }
    expect(make({ baseUrl: "http://om.internal:8080" })).toThrow(
      'Invalid baseUrl: "http://om.internal:8080" uses plain http:// to a non-loopback host, which would send credentials unencrypted; use https://, or set atlasUsers:allowInsecureHttp to true if you really mean it',
    );
    expect(make({ baseUrl: "http://om.internal:8080", allowInsecureHttp: true })).not.toThrow();
  });

  test("malformed base URLs", () => {
    expect(make({ baseUrl: "cloud.mongodb.com" })).toThrow('Invalid baseUrl: "cloud.mongodb.com" is not an absolute URL');
    expect(make({ baseUrl: "ftp://cloud.mongodb.com" })).toThrow("must use https://");
    expect(make({ baseUrl: "https://u:p@cloud.mongodb.com" })).toThrow("must not contain a user name or password");
    expect(make({ baseUrl: "https://cloud.mongodb.com/api/atlas/v2" })).toThrow("must be the server root without /api/...");
    expect(make({ baseUrl: "https://cloud.mongodb.com/?x=1" })).toThrow("must not contain a query or fragment");
  });

  test("credentials and numbers", () => {
    expect(make({ credentials: { kind: "apiKey", publicKey: "p", privateKey: "" } })).toThrow("Invalid credentials.privateKey: must be a non-empty string");
    expect(make({ credentials: { kind: "serviceAccount", clientId: " ", clientSecret: "s" } })).toThrow("Invalid credentials.clientId");
    expect(make({ credentials: { kind: "password" } as never })).toThrow('Invalid credentials.kind: must be "apiKey" or "serviceAccount", got "password"');
    expect(make({ timeoutMs: 0 })).toThrow("Invalid timeoutMs: must be an integer ≥ 1, got 0");
    expect(make({ timeoutMs: 1.5 })).toThrow("Invalid timeoutMs");
    expect(make({ retry: { maxAttempts: 0 } })).toThrow("Invalid retry.maxAttempts: must be an integer ≥ 1, got 0");
    expect(make({ retry: { maxDelayMs: -1 } })).toThrow("Invalid retry.maxDelayMs: must be an integer ≥ 0, got -1");
  });

  test("the error type carries the option name", () => {
    try {
      make({ timeoutMs: -5 })();
      throw new Error("should have thrown");
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect(err).toMatchObject({ option: "timeoutMs", code: "ATLAS_USERS_INVALID_OPTION" });
    }
  });
});
