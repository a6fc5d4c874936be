import * as fs from "node:fs";
import * as path from "node:path";
import { atlasContract, MAX_BODY_BYTES, startEmulator } from "../../emulator";
import { routes } from "../../emulator/routes";
import { serviceAccountToken } from "../support/atlasApi";
import { assertSpecValid } from "../support/checkedApi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";

const V = "application/vnd.atlas.2023-01-01+json";
let emu: EmulatorHandle;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await serviceAccountToken(emu);
});
afterAll(() => emu.close());

interface Raw {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A request with full control of headers and the raw body. */
async function raw(method: string, p: string, init: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Raw> {
  const res = await fetch(`${emu.baseUrl}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const usersPath = () => `/api/atlas/v2/groups/${emu.projectId}/databaseUsers`;
const validUser = (username: string) => ({
  groupId: emu.projectId,
  databaseName: "admin",
  username,
  password: "long-enough-pw",
  roles: [{ roleName: "read", databaseName: "admin" }],
});

function expectAtlasError(r: Raw, status: number, errorCode: string): void {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toBe("application/json");
  expect(r.json).toMatchObject({ error: status, errorCode });
  expect(typeof r.json.detail).toBe("string");
  expect(typeof r.json.reason).toBe("string");
}

describe("routing", () => {
  test("unknown path → 404 RESOURCE_NOT_FOUND; known path, wrong method → 405 with Allow", async () => {
    expectAtlasError(await raw("GET", "/api/atlas/v2/nothing/here", { headers: { accept: V } }), 404, "RESOURCE_NOT_FOUND");
    expectAtlasError(await raw("GET", "/not-an-api"), 404, "RESOURCE_NOT_FOUND");
    const wrong = await raw("PUT", usersPath(), { headers: { accept: V } });
    expectAtlasError(wrong, 405, "METHOD_NOT_ALLOWED");
    expect(wrong.headers.get("allow")).toBe("GET, POST");
  });

  test("`{userId}:addRole` segments route to the action, not the plain item", async () => {
    const orgUser = `/api/atlas/v2/orgs/${emu.orgId}/users/${"a".repeat(24)}:addRole`;
    const r = await raw("GET", orgUser, { headers: { accept: "application/vnd.atlas.2025-02-19+json" } });
    expect(r.status).toBe(405); // only POST is defined for :addRole
    expect(r.headers.get("allow")).toBe("POST");
  });

  test("every Atlas v2 route is an operation of the bundled spec", () => {
    const contract = atlasContract();
    const missing = routes.filter((r) => r.platform === "atlas-v2" && !contract.operation(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });
});

describe("versioned media types", () => {
  test("missing, unversioned or too-old Accept → 406 INVALID_VERSION_DATE", async () => {
    for (const accept of [undefined, "application/json", "*/*", "application/vnd.atlas.2022-01-01+json", "application/vnd.atlas.preview+json"]) {
      const r = await raw("GET", usersPath(), { headers: accept ? { accept } : {} });
      expectAtlasError(r, 406, "INVALID_VERSION_DATE");
    }
  });

  test("a later date is served by the newest version on or before it, echoed in Content-Type", async () => {
    const r = await raw("GET", usersPath(), { headers: { accept: "application/vnd.atlas.2025-06-01+json" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe(V);
  });

  test("an operation without that version is 406 (org users create needs 2025-02-19)", async () => {
    const r = await raw("POST", `/api/atlas/v2/orgs/${emu.orgId}/users`, {
      headers: { accept: V, "content-type": V },
      body: JSON.stringify({ username: "a@example.com", roles: { orgRoles: ["ORG_MEMBER"] } }),
    });
    expectAtlasError(r, 406, "INVALID_VERSION_DATE");
  });

  test("a version past its sunset answers 410 VERSION_GONE, by the emulator clock", async () => {
    const list = `/api/atlas/v2/orgs/${emu.orgId}/users`;
    expect((await raw("GET", list, { headers: { accept: V } })).status).toBe(200);
    await emulatorControl.setClock(emu, "2027-07-02T00:00:00Z");
    try {
      token = await serviceAccountToken(emu);
      expectAtlasError(await raw("GET", list, { headers: { accept: V } }), 410, "VERSION_GONE");
      expect((await raw("GET", list, { headers: { accept: "application/vnd.atlas.2025-02-19+json" } })).status).toBe(200);
    } finally {
      await emulatorControl.setClock(emu, new Date().toISOString());
      token = await serviceAccountToken(emu);
    }
  });
});

describe("malformed input never crashes the emulator", () => {
  test("bad JSON → 400 INVALID_JSON", async () => {
    const r = await raw("POST", usersPath(), { headers: { accept: V, "content-type": V }, body: '{"username": "x",' });
    expectAtlasError(r, 400, "INVALID_JSON");
  });

  test("wrong or mismatched Content-Type → 415", async () => {
    const body = JSON.stringify(validUser("ct"));
    for (const ct of ["application/json", "text/plain", "application/vnd.atlas.2025-02-19+json"]) {
      expectAtlasError(await raw("POST", usersPath(), { headers: { accept: V, "content-type": ct }, body }), 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    // Parameters such as charset are fine.
    const ok = await raw("POST", usersPath(), { headers: { accept: V, "content-type": `${V}; charset=utf-8` }, body });
    expect(ok.status).toBe(201);
  });

  test("a body over the cap → 413 PAYLOAD_TOO_LARGE, and the emulator keeps serving", async () => {
    const huge = JSON.stringify({ ...validUser("big"), description: "x".repeat(MAX_BODY_BYTES) });
    expectAtlasError(await raw("POST", usersPath(), { headers: { accept: V, "content-type": V }, body: huge }), 413, "PAYLOAD_TOO_LARGE");
    expect((await raw("GET", usersPath(), { headers: { accept: V } })).status).toBe(200);
  });

  test("JSON that is not an object, unknown fields, wrong types → 400 with badRequestDetail", async () => {
    const send = (body: unknown) => raw("POST", usersPath(), { headers: { accept: V, "content-type": V }, body: JSON.stringify(body) });
    expectAtlasError(await send([1, 2]), 400, "VALIDATION_ERROR");
    expectAtlasError(await send("just a string"), 400, "VALIDATION_ERROR");
    const unknown = await send({ ...validUser("u"), extra: true });
    expectAtlasError(unknown, 400, "INVALID_ATTRIBUTE");
    expect(unknown.json.badRequestDetail.fields).toEqual([{ field: "extra", description: expect.any(String) }]);
    const wrongType = await send({ ...validUser("u"), roles: "read" });
    expectAtlasError(wrongType, 400, "VALIDATION_ERROR");
    expect(wrongType.json.badRequestDetail.fields[0].field).toBe("roles");
  });

  test("malformed path parameters and bad percent-encoding are answered, not thrown", async () => {
    expectAtlasError(await raw("GET", "/api/atlas/v2/groups/XYZ/databaseUsers", { headers: { accept: V } }), 404, "INVALID_GROUP_ID");
    const r = await raw("GET", `${usersPath()}/admin/%E0%A4%A`, { headers: { accept: V } });
    expectAtlasError(r, 404, "USERNAME_NOT_FOUND");
  });

  test("pretty and envelope query flags", async () => {
    const pretty = await raw("GET", `${usersPath()}?pretty=true`, { headers: { accept: V } });
    expect(pretty.text).toContain("\n  ");
    const env = await raw("GET", `${usersPath()}?envelope=true`, { headers: { accept: V } });
    expect(env.json.status).toBe(200);
    expect(Array.isArray(env.json.results)).toBe(true);
  });
});

describe("the response validator can fail", () => {
  const get = { method: "GET", path: "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}", status: 200, contentType: V };
  const good = { databaseName: "admin", username: "a", roles: [] };

  test("accepts a valid body and rejects a password, an unknown field, a wrong media type or an undeclared status", () => {
    const contract = atlasContract();
    expect(contract.validateResponse({ ...get, body: good })).toEqual([]);
    expect(contract.validateResponse({ ...get, body: { ...good, password: "secret12" } }).join()).toMatch(/password/);
    expect(contract.validateResponse({ ...get, body: { ...good, surprise: 1 } })).not.toEqual([]);
    expect(contract.validateResponse({ ...get, contentType: "application/json", body: good })).not.toEqual([]);
    expect(contract.validateResponse({ ...get, status: 201, body: good })).not.toEqual([]);
    expect(contract.validateResponse({ ...get, status: 404, contentType: "application/json", body: { error: 404 } })).not.toEqual([]);
  });

  test("assertSpecValid throws on a bad response", () => {
    const path = `/api/atlas/v2/groups/${"a".repeat(24)}/databaseUsers/admin/x`;
    expect(() => assertSpecValid("GET", path, { status: 200, contentType: V, body: { ...good, password: "p" } })).toThrow(/breaks the spec/);
  });

  test("the bundled spec keeps its info block (source and license)", () => {
    const copy = JSON.parse(fs.readFileSync(path.join(__dirname, "../../emulator/spec/atlas-admin-v2-users-subset.json"), "utf8"));
    expect(copy.info.license.name).toBe("CC BY-NC-SA 3.0 US");
    expect(copy.info["x-source"].officialRepo).toBe("mongodb/openapi");
  });
});

describe("startEmulator({seed})", () => {
  test("uses the given ids and credentials, fills in what is missing, and keeps them across reset", async () => {
    const orgId = "0123456789abcdef01234567";
    const projectId = "76543210fedcba9876543210";
    const custom = await startEmulator({
      port: 0,
      quiet: true,
      seed: { orgs: [{ id: orgId, name: "mine" }], projects: [{ id: projectId, orgId }], apiKeys: [{ publicKey: "pubkey01", privateKey: "private-1" }] },
    });
    try {
      expect(custom).toMatchObject({ orgId, projectId, publicKey: "pubkey01", privateKey: "private-1" });
      expect(custom.clientId).toMatch(/^mdb_sa_id_[a-f0-9]{24}$/); // no service account given: one is generated
      await emulatorControl.reset(custom);
      const state = (await emulatorControl.state(custom)) as { orgs: { id: string }[]; serviceAccounts: { clientId: string }[] };
      expect(state.orgs.map((o) => o.id)).toEqual([orgId]);
      expect(state.serviceAccounts.map((a) => a.clientId)).toEqual([custom.clientId]);
    } finally {
      await custom.close();
    }
  });
});
