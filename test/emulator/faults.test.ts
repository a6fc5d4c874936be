import { checkedClient, type CheckedCall } from "../support/checkedApi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";

const V = "2023-01-01";
let emu: EmulatorHandle;
let call: CheckedCall;

beforeAll(async () => {
  emu = await startTestEmulator();
  call = await checkedClient(emu);
});
afterAll(() => emu.close());
afterEach(async () => {
  await emulatorControl.clearFaults(emu);
  await emulatorControl.clearRateLimit(emu);
});

const usersPath = (groupId = emu.projectId) => `/api/atlas/v2/groups/${groupId}/databaseUsers`;
const userPath = (username: string) => `${usersPath()}/admin/${encodeURIComponent(username)}`;
const body = (username: string) => ({
  groupId: emu.projectId,
  databaseName: "admin",
  username,
  password: "long-enough-pw",
  roles: [{ roleName: "read", databaseName: "admin" }],
});
const list = () => call({ method: "GET", path: usersPath(), version: V });

/** A request made with raw fetch (with a fresh token), to see headers and transport errors. */
async function rawRequest(method: string, path: string, payload?: unknown): Promise<Response> {
  const tokenRes = await fetch(`${emu.baseUrl}/api/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const mt = `application/vnd.atlas.${V}+json`;
  return fetch(`${emu.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${access_token}`, accept: mt, ...(payload ? { "content-type": mt } : {}) },
    body: payload ? JSON.stringify(payload) : undefined,
  });
}

describe("fault injection", () => {
  test("status + retryAfter for `times` matching requests, then normal service", async () => {
    await emulatorControl.setFaults(emu, [{ method: "GET", path: "/databaseUsers$", status: 503, retryAfter: 2, times: 2 }]);
    for (let i = 0; i < 2; i++) {
      const r = await rawRequest("GET", usersPath());
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("2");
      expect(await r.json()).toMatchObject({ error: 503, errorCode: "SERVICE_UNAVAILABLE" });
    }
    expect((await list()).status).toBe(200);
    // The method filter: a POST to the same path is untouched even while the rule is live.
    await emulatorControl.setFaults(emu, [{ method: "GET", path: "/databaseUsers$", status: 500 }]);
    expect((await call({ method: "POST", path: usersPath(), version: V, body: body("f-method") })).status).toBe(201);
    const log = await emulatorControl.requests(emu);
    expect(log.filter((r) => r.fault === "status").length).toBeGreaterThanOrEqual(2);
  });

  test("a raw misbehaving body: an HTML 502 page, truncated JSON", async () => {
    await emulatorControl.setFaults(emu, [
      { path: "/databaseUsers$", status: 502, body: "<html><body>Bad Gateway</body></html>", contentType: "text/html", times: 1 },
    ]);
    const html = await rawRequest("GET", usersPath());
    expect(html.status).toBe(502);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(await html.text()).toContain("Bad Gateway");

    await emulatorControl.setFaults(emu, [{ path: "/databaseUsers$", status: 200, body: '{"results": [', contentType: "application/json", times: 1 }]);
    const truncated = await rawRequest("GET", usersPath());
    expect(truncated.status).toBe(200);
    await expect(truncated.json()).rejects.toThrow();
  });

  test("reset before the change: the connection drops and nothing was created", async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", reset: true, times: 1 }]);
    await expect(rawRequest("POST", usersPath(), body("f-before"))).rejects.toThrow();
    expect((await call({ method: "GET", path: userPath("f-before"), version: V })).status).toBe(404);
    const log = await emulatorControl.requests(emu);
    expect(log.find((r) => r.method === "POST" && r.fault === "reset")).toMatchObject({ status: 0 });
  });

  test("reset after commit: the connection drops but the user exists (the lost response)", async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", reset: true, afterCommit: true, times: 1 }]);
    await expect(rawRequest("POST", usersPath(), body("f-after"))).rejects.toThrow();
    expect((await call({ method: "GET", path: userPath("f-after"), version: V })).status).toBe(200);
    // A retry of the create now meets the committed user.
    const retry = await call({ method: "POST", path: usersPath(), version: V, body: body("f-after") });
    expect([retry.status, retry.body.errorCode]).toEqual([409, "USER_ALREADY_EXISTS"]);
  });

  test("a status after commit: the user exists although the answer is a 502 (a proxy gave up on a slow server)", async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", status: 502, afterCommit: true, times: 1 }]);
    const answer = await call({ method: "POST", path: usersPath(), version: V, body: body("f-502") });
    expect(answer.status).toBe(502);
    expect((await call({ method: "GET", path: userPath("f-502"), version: V })).status).toBe(200);
    const log = await emulatorControl.requests(emu);
    expect(log.find((r) => r.method === "POST" && r.fault === "status-after-commit")).toMatchObject({ status: 502 });
  });

  test("an after-commit rule is not used up by a request the route refused", async () => {
    await call({ method: "POST", path: usersPath(), version: V, body: body("f-taken") });
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", reset: true, afterCommit: true, times: 1 }]);
    // A 409 applies nothing, so the rule waits for the next create that does.
    const conflict = await call({ method: "POST", path: usersPath(), version: V, body: body("f-taken") });
    expect(conflict.status).toBe(409);
    await expect(rawRequest("POST", usersPath(), body("f-later"))).rejects.toThrow();
    expect((await call({ method: "GET", path: userPath("f-later"), version: V })).status).toBe(200);
    expect((await call({ method: "POST", path: usersPath(), version: V, body: body("f-third") })).status).toBe(201);
  });

  test("delayMs adds at least that much latency", async () => {
    await emulatorControl.setFaults(emu, [{ path: "/databaseUsers$", delayMs: 300, times: 1 }]);
    const started = performance.now();
    expect((await list()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  test("faults apply to the OAuth token endpoint too; DELETE clears them", async () => {
    const tokenRequest = () =>
      fetch(`${emu.baseUrl}/api/oauth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
    await emulatorControl.setFaults(emu, [{ path: "^/api/oauth/token$", status: 500 }]);
    expect((await tokenRequest()).status).toBe(500);
    await emulatorControl.clearFaults(emu);
    expect((await tokenRequest()).status).toBe(200);
  });

  test("bad rules are refused with a message naming the field", async () => {
    await expect(emulatorControl.setFaults(emu, [{ path: "(" }])).rejects.toThrow(/rules\[0\]\.path/);
    await expect(emulatorControl.setFaults(emu, [{ path: "x", afterCommit: true } as never])).rejects.toThrow(/rules\[0\]/);
    await expect(emulatorControl.setFaults(emu, [{ path: "x", stauts: 500 } as never])).rejects.toThrow(/stauts/);
  });
});

describe("rate limiting", () => {
  test("a token bucket per endpoint set and project, with RateLimit-* headers and Retry-After on 429", async () => {
    await emulatorControl.setRateLimit(emu, 2, 6); // one token every 10 s
    const first = await rawRequest("GET", usersPath());
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("2");
    expect(first.headers.get("ratelimit-remaining")).toBe("1");
    expect((await rawRequest("GET", usersPath())).headers.get("ratelimit-remaining")).toBe("0");
    const limited = await rawRequest("GET", usersPath());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(9);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(10);
    expect(await limited.json()).toMatchObject({ error: 429, errorCode: "RATE_LIMITED" });
    // The checked client validates the 429 against the spec.
    expect((await list()).status).toBe(429);

    // Another project is another scope: its own bucket.
    const [other] = (await emulatorControl.seed(emu, { projects: [{ orgId: emu.orgId, name: "other" }] })).projects as { id: string }[];
    expect((await rawRequest("GET", usersPath(other.id))).status).toBe(200);

    // Tokens come back as the emulator clock moves.
    await emulatorControl.advanceClock(emu, 10);
    expect((await rawRequest("GET", usersPath())).status).toBe(200);
    await emulatorControl.setClock(emu, new Date().toISOString());
  });

  test("turning it off removes the headers", async () => {
    await emulatorControl.setRateLimit(emu, 5, 5);
    expect((await rawRequest("GET", usersPath())).headers.get("ratelimit-limit")).toBe("5");
    await emulatorControl.clearRateLimit(emu);
    expect((await rawRequest("GET", usersPath())).headers.get("ratelimit-limit")).toBeNull();
  });
});

describe("control API", () => {
  test("clock: advanceSeconds adds, now sets (even in the past), and time keeps running", async () => {
    const before = Date.parse((await emulatorControl.now(emu)).now);
    const advanced = Date.parse((await emulatorControl.advanceClock(emu, 86400)).now);
    expect(advanced - before).toBeGreaterThanOrEqual(86400_000);
    const past = (await emulatorControl.setClock(emu, "2020-01-01T00:00:00Z")).now;
    expect(past.startsWith("2020-01-01T00:00:0")).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(Date.parse((await emulatorControl.now(emu)).now)).toBeGreaterThan(Date.parse("2020-01-01T00:00:00Z"));
    await emulatorControl.setClock(emu, new Date().toISOString());
    await expect(emulatorControl.setClock(emu, "not a date")).rejects.toThrow(/now must be/);
  });

  test("settings, state, seed of existing cloud users with passwords, check-password for cloud users", async () => {
    expect(await emulatorControl.settings(emu, { publicApiFlavor: "ops-manager", bypassInviteForExistingUsers: true })).toEqual({
      publicApiFlavor: "ops-manager",
      bypassInviteForExistingUsers: true,
    });
    await expect(emulatorControl.settings(emu, { publicApiFlavor: "atlas" })).rejects.toThrow(/publicApiFlavor/);
    const seeded = await emulatorControl.seed(emu, {
      teams: [{ name: "t" }],
      cloudUsers: [{ username: "existing@example.com", password: "Very-Secret-1", roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }] }],
      apiKeys: [{}],
    });
    const user = (seeded.cloudUsers as { id: string }[])[0];
    expect(await emulatorControl.checkCloudUserPassword(emu, { userId: user.id, password: "Very-Secret-1" })).toEqual({ ok: true });
    expect(await emulatorControl.checkCloudUserPassword(emu, { userId: user.id, password: "nope-nope" })).toEqual({ ok: false });
    const state = (await emulatorControl.state(emu)) as { orgMemberships: { username: string; status: string }[] };
    expect(state.orgMemberships).toContainEqual(expect.objectContaining({ username: "existing@example.com", status: "ACTIVE" }));
    expect(JSON.stringify(state)).not.toContain("Very-Secret-1");
    await expect(emulatorControl.seed(emu, { projects: [{ orgId: "f".repeat(24) }] })).rejects.toThrow(/does not exist/);
  });

  test("reset restores the initial seed: same credentials, everything else gone", async () => {
    expect((await call({ method: "POST", path: usersPath(), version: V, body: body("before-reset") })).status).toBe(201);
    await emulatorControl.reset(emu);
    call = await checkedClient(emu); // tokens do not survive a reset; the credentials do
    expect((await call({ method: "GET", path: userPath("before-reset"), version: V })).status).toBe(404);
    expect(await emulatorControl.requests(emu)).toHaveLength(2); // the token request and the GET
    const state = (await emulatorControl.state(emu)) as { projects: { id: string }[]; settings: unknown };
    expect(state.projects.map((p) => p.id)).toEqual([emu.projectId]);
    expect(state.settings).toEqual({ bypassInviteForExistingUsers: false, publicApiFlavor: "cloud-manager" });
  });

  test("unknown control endpoints and wrong methods are clear errors", async () => {
    const r = await fetch(`${emu.baseUrl}/__emulator/nope`);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ detail: expect.stringMatching(/Unknown control endpoint/) });
    expect((await fetch(`${emu.baseUrl}/__emulator/clock`)).status).toBe(405);
  });
});
