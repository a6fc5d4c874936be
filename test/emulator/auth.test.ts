import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { NONCE_MAX_USES, NONCE_TTL_SECONDS } from "../../emulator/auth";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";

const execFileAsync = promisify(execFile);
const V = "application/vnd.atlas.2023-01-01+json";
let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
afterEach(async () => {
  await emulatorControl.setClock(emu, new Date().toISOString());
});

const usersPath = () => `/api/atlas/v2/groups/${emu.projectId}/databaseUsers`;
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

function parseChallenge(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (header ?? "").matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

/** A hand-rolled RFC 7616 answer, so tests can choose the nonce and nc. */
function digestHeader(o: { user: string; pass: string; method: string; uri: string; nonce: string; nc: string; realm?: string }): string {
  const realm = o.realm ?? "MMS Public API";
  const cnonce = randomBytes(8).toString("hex");
  const ha1 = md5(`${o.user}:${realm}:${o.pass}`);
  const ha2 = md5(`${o.method}:${o.uri}`);
  const response = md5(`${ha1}:${o.nonce}:${o.nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${o.user}", realm="${realm}", nonce="${o.nonce}", uri="${o.uri}", qop=auth, nc=${o.nc}, cnonce="${cnonce}", response="${response}", algorithm=MD5`;
}

async function challenge(): Promise<Record<string, string>> {
  const res = await fetch(`${emu.baseUrl}${usersPath()}`, { headers: { accept: V } });
  expect(res.status).toBe(401);
  return parseChallenge(res.headers.get("www-authenticate"));
}

const getWithDigest = (authorization: string) =>
  fetch(`${emu.baseUrl}${usersPath()}`, { headers: { accept: V, authorization } });

describe("HTTP Digest (API keys)", () => {
  test("curl --digest -u PUB:PRIV works end to end (an independent client)", async () => {
    let curl: string | undefined;
    try {
      curl = (await execFileAsync("which", ["curl"])).stdout.trim() || undefined;
    } catch {
      curl = undefined;
    }
    if (!curl) {
      // Under CI=true a missing curl fails, as a missing Pulumi CLI does: CI never skips.
      if (process.env.CI === "true") throw new Error("curl is not installed; CI=true never skips the curl --digest test");
      console.warn("!!! curl is not installed: SKIPPING the curl --digest end-to-end test !!!");
      return;
    }
    const body = JSON.stringify({
      groupId: emu.projectId,
      databaseName: "admin",
      username: "curl-user",
      password: "curl-password-1",
      roles: [{ roleName: "read", databaseName: "admin" }],
    });
    const { stdout } = await execFileAsync(curl, [
      "--silent",
      "--show-error",
      "--digest",
      "--user",
      `${emu.publicKey}:${emu.privateKey}`,
      "--header",
      `Accept: ${V}`,
      "--header",
      `Content-Type: ${V}`,
      "--data",
      body,
      "--write-out",
      "\n%{http_code} %{content_type}",
      `${emu.baseUrl}${usersPath()}`,
    ]);
    const [json, statusLine] = stdout.split("\n");
    expect(statusLine).toBe(`201 ${V}`);
    expect(JSON.parse(json)).toMatchObject({ username: "curl-user", databaseName: "admin" });
    const log = await emulatorControl.requests(emu);
    const curlRequests = log.filter((r) => r.path === usersPath() && r.method === "POST").slice(-2);
    expect(curlRequests.map((r) => [r.status, r.auth])).toEqual([
      [401, "digest-challenge"],
      [201, "digest"],
    ]);
  });

  test("the challenge is MD5, qop=auth, realm MMS Public API, with the Atlas 401 body", async () => {
    const res = await fetch(`${emu.baseUrl}${usersPath()}`, { headers: { accept: V } });
    expect(res.status).toBe(401);
    const c = parseChallenge(res.headers.get("www-authenticate"));
    expect(res.headers.get("www-authenticate")).toMatch(/^Digest /);
    expect(c).toMatchObject({ realm: "MMS Public API", qop: "auth", algorithm: "MD5", stale: "false" });
    expect(await res.json()).toMatchObject({ error: 401, errorCode: "USER_UNAUTHORIZED", reason: "Unauthorized" });
  });

  test("a wrong private key, an unknown public key, a wrong realm or a wrong uri are 401 with stale=false", async () => {
    const uri = usersPath();
    for (const variant of [
      { user: emu.publicKey, pass: "wrong" },
      { user: "nobody", pass: emu.privateKey },
      { user: emu.publicKey, pass: emu.privateKey, realm: "Other" },
      { user: emu.publicKey, pass: emu.privateKey, uri: "/api/atlas/v2/somewhere-else" },
    ]) {
      const { nonce } = await challenge();
      const res = await getWithDigest(digestHeader({ method: "GET", uri, nonce, nc: "00000001", ...variant }));
      expect(res.status).toBe(401);
      expect(parseChallenge(res.headers.get("www-authenticate")).stale).toBe("false");
      expect(await res.json()).toMatchObject({ errorCode: "USER_UNAUTHORIZED" });
    }
  });

  test("a nonce is reusable with increasing nc; replaying the same nc is refused", async () => {
    const { nonce } = await challenge();
    const auth = (nc: string) => digestHeader({ user: emu.publicKey, pass: emu.privateKey, method: "GET", uri: usersPath(), nonce, nc });
    expect((await getWithDigest(auth("00000001"))).status).toBe(200);
    expect((await getWithDigest(auth("00000002"))).status).toBe(200);
    expect((await getWithDigest(auth("00000002"))).status).toBe(401);
  });

  test("a nonce expires by the emulator clock: right credentials then get stale=true", async () => {
    const { nonce } = await challenge();
    const auth = (nc: string) => digestHeader({ user: emu.publicKey, pass: emu.privateKey, method: "GET", uri: usersPath(), nonce, nc });
    expect((await getWithDigest(auth("00000001"))).status).toBe(200);
    await emulatorControl.advanceClock(emu, NONCE_TTL_SECONDS + 1);
    const stale = await getWithDigest(auth("00000002"));
    expect(stale.status).toBe(401);
    const fresh = parseChallenge(stale.headers.get("www-authenticate"));
    expect(fresh.stale).toBe("true");
    expect(fresh.nonce).not.toBe(nonce);
    const retried = digestHeader({ user: emu.publicKey, pass: emu.privateKey, method: "GET", uri: usersPath(), nonce: fresh.nonce, nc: "00000001" });
    expect((await getWithDigest(retried)).status).toBe(200);
  });

  test(`a nonce is stale after ${NONCE_MAX_USES} uses`, async () => {
    const { nonce } = await challenge();
    const auth = (n: number) =>
      digestHeader({ user: emu.publicKey, pass: emu.privateKey, method: "GET", uri: usersPath(), nonce, nc: n.toString(16).padStart(8, "0") });
    for (let n = 1; n <= NONCE_MAX_USES; n++) {
      const res = await getWithDigest(auth(n));
      if (res.status !== 200) throw new Error(`use ${n} of the nonce was refused: ${res.status}`);
      await res.arrayBuffer();
    }
    const stale = await getWithDigest(auth(NONCE_MAX_USES + 1));
    expect(stale.status).toBe(401);
    expect(parseChallenge(stale.headers.get("www-authenticate")).stale).toBe("true");
  });
});

describe("OAuth service accounts", () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  const tokenRequest = (authorization: string, body = "grant_type=client_credentials", contentType = "application/x-www-form-urlencoded") =>
    fetch(`${emu.baseUrl}/api/oauth/token`, { method: "POST", headers: { authorization, "content-type": contentType }, body });
  const listWith = (token: string) => fetch(`${emu.baseUrl}${usersPath()}`, { headers: { accept: V, authorization: `Bearer ${token}` } });

  test("client credentials → a Bearer token that works until it expires by the emulator clock", async () => {
    const res = await tokenRequest(basic(emu.clientId, emu.clientSecret));
    expect(res.status).toBe(200);
    const token = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(token).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect((await listWith(token.access_token)).status).toBe(200);
    await emulatorControl.advanceClock(emu, 3500);
    expect((await listWith(token.access_token)).status).toBe(200);
    await emulatorControl.advanceClock(emu, 101);
    const expired = await listWith(token.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain('Bearer error="invalid_token"');
    expect(await expired.json()).toMatchObject({ errorCode: "USER_UNAUTHORIZED" });
    const log = await emulatorControl.requests(emu);
    expect(log.filter((r) => r.path === usersPath()).slice(-3).map((r) => [r.status, r.auth])).toEqual([
      [200, "bearer"],
      [200, "bearer"],
      [401, "bearer"],
    ]);
  });

  test("revoke makes the token unusable", async () => {
    const { access_token } = (await (await tokenRequest(basic(emu.clientId, emu.clientSecret))).json()) as { access_token: string };
    const revoke = await fetch(`${emu.baseUrl}/api/oauth/revoke`, {
      method: "POST",
      headers: { authorization: basic(emu.clientId, emu.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: `token=${access_token}&token_type_hint=access_token`,
    });
    expect(revoke.status).toBe(200);
    expect((await listWith(access_token)).status).toBe(401);
  });

  test("wrong secret → 401 invalid_client; wrong grant or content type → 400 OAuth errors", async () => {
    const bad = await tokenRequest(basic(emu.clientId, "nope"));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: "invalid_client" });
    const grant = await tokenRequest(basic(emu.clientId, emu.clientSecret), "grant_type=password");
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });
    const type = await tokenRequest(basic(emu.clientId, emu.clientSecret), '{"grant_type":"client_credentials"}', "application/json");
    expect(type.status).toBe(400);
    expect(await type.json()).toMatchObject({ error: "invalid_request" });
    expect((await listWith("made-up-token")).status).toBe(401);
  });

  test("the client secret never appears in the request log or state", async () => {
    await tokenRequest(basic(emu.clientId, emu.clientSecret));
    const dump = JSON.stringify([await emulatorControl.requests(emu), await emulatorControl.state(emu)]);
    expect(dump).not.toContain(emu.clientSecret);
    expect(dump).not.toContain(emu.privateKey);
  });
});
