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

const collection = () => `/api/atlas/v2/groups/${emu.projectId}/databaseUsers`;
const item = (db: string, username: string, groupId = emu.projectId) =>
  `/api/atlas/v2/groups/${groupId}/databaseUsers/${encodeURIComponent(db)}/${encodeURIComponent(username)}`;

function scramUser(username: string, extra: Record<string, unknown> = {}) {
  return {
    groupId: emu.projectId,
    databaseName: "admin",
    username,
    password: "correct-horse-battery",
    roles: [{ roleName: "readWrite", databaseName: "sales" }],
    ...extra,
  };
}

const create = (body: Record<string, unknown>, path = collection()) => call({ method: "POST", path, version: V, body });

describe("database users: happy paths", () => {
  test("create → get → list → patch → delete, with the password never returned", async () => {
    const created = await create(
      scramUser("alice", {
        description: "app user",
        labels: [{ key: "team", value: "data" }],
        scopes: [{ name: "Cluster0", type: "CLUSTER" }],
      }),
    );
    expect(created.status).toBe(201);
    expect(created.contentType).toBe(`application/vnd.atlas.${V}+json`);
    expect(created.body).toMatchObject({
      username: "alice",
      databaseName: "admin",
      awsIAMType: "NONE",
      ldapAuthType: "NONE",
      oidcAuthType: "NONE",
      x509Type: "NONE",
      description: "app user",
      labels: [{ key: "team", value: "data" }],
      scopes: [{ name: "Cluster0", type: "CLUSTER" }],
      roles: [{ roleName: "readWrite", databaseName: "sales" }],
    });
    expect(created.body).not.toHaveProperty("password");

    const got = await call({ method: "GET", path: item("admin", "alice"), version: V });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const list = await call({ method: "GET", path: collection(), version: V });
    expect(list.status).toBe(200);
    expect(list.body.results.map((u: { username: string }) => u.username)).toContain("alice");
    expect(list.body.totalCount).toBe(list.body.results.length);

    const patched = await call({
      method: "PATCH",
      path: item("admin", "alice"),
      version: V,
      body: { ...scramUser("alice"), password: "a-new-password-1", roles: [{ roleName: "read", databaseName: "sales" }] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.roles).toEqual([{ roleName: "read", databaseName: "sales" }]);
    // Fields left out of a PATCH keep their value.
    expect(patched.body.description).toBe("app user");
    expect(patched.body.labels).toEqual([{ key: "team", value: "data" }]);

    const q = { projectId: emu.projectId, databaseName: "admin", username: "alice" };
    expect(await emulatorControl.checkDatabaseUserPassword(emu, { ...q, password: "a-new-password-1" })).toEqual({ ok: true });
    expect(await emulatorControl.checkDatabaseUserPassword(emu, { ...q, password: "correct-horse-battery" })).toEqual({ ok: false });

    const state = JSON.stringify(await emulatorControl.state(emu));
    expect(state).not.toContain("a-new-password-1");
    expect(state).toContain("[redacted]");

    const deleted = await call({ method: "DELETE", path: item("admin", "alice"), version: V });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = await call({ method: "GET", path: item("admin", "alice"), version: V });
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe("USERNAME_NOT_FOUND");
  });

  test.each([
    ["X.509 (DN with commas and =)", { x509Type: "CUSTOMER" }, "$external", "CN=Dylan Bloggs,OU=Sales,DC=example,DC=com"],
    ["AWS IAM role (ARN with / and :)", { awsIAMType: "ROLE" }, "$external", "arn:aws:iam::123456789012:role/sales/app"],
    ["LDAP user", { ldapAuthType: "USER" }, "$external", "CN=ldap user,OU=people,DC=example,DC=com"],
    ["LDAP group", { ldapAuthType: "GROUP" }, "admin", "CN=marketing,OU=groups,DC=example,DC=com"],
    ["OIDC workforce group (idp/name)", { oidcAuthType: "IDP_GROUP" }, "admin", "5dd7496c7a3e5a648454341c/sales"],
    ["OIDC workload user", { oidcAuthType: "USER" }, "$external", "5dd7496c7a3e5a648454341c/app"],
  ])("%s: created and found again by its URL-encoded path", async (_label, authType, db, username) => {
    const body = { groupId: emu.projectId, databaseName: db, username, roles: [{ roleName: "read", databaseName: "sales" }], ...authType };
    const created = await create(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username, databaseName: db, ...authType });
    const got = await call({ method: "GET", path: item(db, username), version: V });
    expect(got.status).toBe(200);
    expect(got.body.username).toBe(username);
    expect((await call({ method: "DELETE", path: item(db, username), version: V })).status).toBe(204);
  });

  test("list pagination: itemsPerPage, pageNum, includeCount=false", async () => {
    const [extra] = (await emulatorControl.seed(emu, { projects: [{ orgId: emu.orgId, name: "paging" }] })).projects as { id: string }[];
    for (let i = 0; i < 3; i++) {
      expect((await create({ ...scramUser(`p${i}`), groupId: extra.id }, `/api/atlas/v2/groups/${extra.id}/databaseUsers`)).status).toBe(201);
    }
    const page2 = await call({ method: "GET", path: `/api/atlas/v2/groups/${extra.id}/databaseUsers?itemsPerPage=2&pageNum=2`, version: V });
    expect(page2.body.results.map((u: { username: string }) => u.username)).toEqual(["p2"]);
    expect(page2.body.totalCount).toBe(3);
    const noCount = await call({ method: "GET", path: `/api/atlas/v2/groups/${extra.id}/databaseUsers?includeCount=false`, version: V });
    expect(noCount.body).not.toHaveProperty("totalCount");
    const bad = await call({ method: "GET", path: `/api/atlas/v2/groups/${extra.id}/databaseUsers?itemsPerPage=501`, version: V });
    expect(bad.status).toBe(400);
  });
});

describe("database users: documented errors", () => {
  test.each([
    ["unknown project", () => ({ path: `/api/atlas/v2/groups/${"0".repeat(24)}/databaseUsers`, body: { ...scramUser("x"), groupId: "0".repeat(24) } }), 404, "GROUP_NOT_FOUND"],
    ["malformed project id", () => ({ path: "/api/atlas/v2/groups/not-an-id/databaseUsers", body: scramUser("x") }), 404, "INVALID_GROUP_ID"],
    ["two auth types", () => ({ body: { ...scramUser("x"), password: undefined, x509Type: "MANAGED", awsIAMType: "USER", databaseName: "$external" } }), 400, "ATLAS_INVALID_AUTH_SETTINGS"],
    ["SCRAM user on $external", () => ({ body: scramUser("x", { databaseName: "$external" }) }), 400, "DATABASE_NAME_INVALID_ADMIN"],
    ["X.509 user on admin", () => ({ body: { ...scramUser("CN=x"), password: undefined, x509Type: "MANAGED" } }), 400, "DATABASE_NAME_INVALID_EXTERNAL"],
    ["password on an external user", () => ({ body: { ...scramUser("CN=x"), databaseName: "$external", x509Type: "MANAGED" } }), 400, "INVALID_ATTRIBUTE"],
    ["SCRAM user without password", () => ({ body: { ...scramUser("x"), password: undefined } }), 400, "MISSING_ATTRIBUTE"],
    ["password shorter than 8", () => ({ body: scramUser("x", { password: "short" }) }), 400, "VALIDATION_ERROR"],
    ["common password", () => ({ body: scramUser("x", { password: "password1" }) }), 400, "COMMON_PASSWORD"],
    ["AWS IAM user that is not an ARN", () => ({ body: { ...scramUser("bob"), password: undefined, databaseName: "$external", awsIAMType: "USER" } }), 400, "ATLAS_INVALID_USERNAME"],
    ["OIDC name without IdP id", () => ({ body: { ...scramUser("bob"), password: undefined, oidcAuthType: "IDP_GROUP" } }), 400, "ATLAS_INVALID_USERNAME"],
    ["duplicate role", () => ({ body: scramUser("x", { roles: [{ roleName: "read", databaseName: "a" }, { roleName: "read", databaseName: "a" }] }) }), 400, "DUPLICATE_DATABASE_ROLES"],
    ["admin-only role elsewhere", () => ({ body: scramUser("x", { roles: [{ roleName: "readAnyDatabase", databaseName: "sales" }] }) }), 400, "ATLAS_INVALID_ROLE_DATABASE"],
    // Not a built-in role, so a custom role: it must exist in the project (the emulator's projects have none).
    ["made-up role on admin", () => ({ body: scramUser("x", { roles: [{ roleName: "notARole", databaseName: "admin" }] }) }), 400, "ATLAS_INVALID_ROLE"],
    ["custom role on another database", () => ({ body: scramUser("x", { roles: [{ roleName: "myCustomRole", databaseName: "sales" }] }) }), 400, "ATLAS_INVALID_ROLE"],
    ["unknown field", () => ({ body: scramUser("x", { passwrod: "typo-typo" }) }), 400, "INVALID_ATTRIBUTE"],
    ["read-only field", () => ({ body: scramUser("x", { links: [] }) }), 400, "ATTRIBUTE_READ_ONLY"],
    ["missing roles", () => ({ body: { ...scramUser("x"), roles: undefined } }), 400, "MISSING_ATTRIBUTE"],
    ["bad scope type", () => ({ body: scramUser("x", { scopes: [{ name: "c", type: "SERVER" }] }) }), 400, "VALIDATION_ERROR"],
    ["groupId differs from the path", () => ({ body: scramUser("x", { groupId: "1".repeat(24) }) }), 400, "INVALID_ATTRIBUTE"],
  ])("%s", async (_label, make, status, errorCode) => {
    const { path, body } = make() as { path?: string; body: Record<string, unknown> };
    const res = await create(JSON.parse(JSON.stringify(body)), path ?? collection());
    expect(res.status).toBe(status);
    expect(res.contentType).toBe("application/json");
    expect(res.body).toMatchObject({ error: status, errorCode });
    expect(typeof res.body.detail).toBe("string");
  });

  test("validation errors name the field in badRequestDetail", async () => {
    const res = await create(scramUser("x", { roles: [{ roleName: "read" }], passwrod: "x" }));
    expect(res.status).toBe(400);
    const fields = res.body.badRequestDetail.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["roles[0].databaseName", "passwrod"]));
  });

  test("409 USER_ALREADY_EXISTS for the same auth database and username", async () => {
    expect((await create(scramUser("dup"))).status).toBe(201);
    const again = await create(scramUser("dup"));
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe("USER_ALREADY_EXISTS");
  });

  test("PATCH sends only the fields it changes: without roles they are kept; roles sent are checked like on create", async () => {
    expect((await create(scramUser("partial"))).status).toBe(201);
    const patch = (body: Record<string, unknown>) => call({ method: "PATCH", path: item("admin", "partial"), version: V, body });
    const described = await patch({ groupId: emu.projectId, databaseName: "admin", username: "partial", description: "only this" });
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ description: "only this", roles: [{ roleName: "readWrite", databaseName: "sales" }] });
    const custom = await patch({ groupId: emu.projectId, databaseName: "admin", username: "partial", roles: [{ roleName: "myCustomRole", databaseName: "sales" }] });
    expect([custom.status, custom.body.errorCode]).toEqual([400, "ATLAS_INVALID_ROLE"]);
  });

  test("PATCH cannot change username, auth database or auth type (409)", async () => {
    expect((await create(scramUser("fixed"))).status).toBe(201);
    const patch = (body: Record<string, unknown>) => call({ method: "PATCH", path: item("admin", "fixed"), version: V, body });
    const rename = await patch({ ...scramUser("renamed"), password: undefined });
    expect([rename.status, rename.body.errorCode]).toEqual([409, "DATABASE_USERNAME_CANNOT_BE_CHANGED"]);
    const moveDb = await patch({ ...scramUser("fixed"), password: undefined, databaseName: "$external" });
    expect([moveDb.status, moveDb.body.errorCode]).toEqual([409, "DATABASE_NAME_CANNOT_BE_CHANGED"]);
    const auth = await patch({ ...scramUser("fixed"), password: undefined, x509Type: "MANAGED" });
    expect([auth.status, auth.body.errorCode]).toEqual([409, "AUTH_TYPE_CANNOT_BE_CHANGED"]);
    const missing = await call({ method: "PATCH", path: item("admin", "nobody"), version: V, body: scramUser("nobody") });
    expect([missing.status, missing.body.errorCode]).toEqual([404, "USERNAME_NOT_FOUND"]);
    const del = await call({ method: "DELETE", path: item("admin", "nobody"), version: V });
    expect([del.status, del.body.errorCode]).toEqual([404, "USERNAME_NOT_FOUND"]);
  });

  test("at most 100 database users per project: the 101st is 403 GROUP_USERS_LIMIT_EXCEEDED", async () => {
    const [project] = (await emulatorControl.seed(emu, { projects: [{ orgId: emu.orgId, name: "full" }] })).projects as { id: string }[];
    const users = Array.from({ length: 100 }, (_, i) => ({ groupId: project.id, username: `u${i}`, roles: [] }));
    await emulatorControl.seed(emu, { databaseUsers: users });
    const res = await create({ ...scramUser("one-too-many"), groupId: project.id }, `/api/atlas/v2/groups/${project.id}/databaseUsers`);
    expect(res.status).toBe(403);
    expect(res.body.errorCode).toBe("GROUP_USERS_LIMIT_EXCEEDED");
    // Making room lets the next one in.
    expect((await call({ method: "DELETE", path: item("admin", "u0", project.id), version: V })).status).toBe(204);
    const retry = await create({ ...scramUser("one-too-many"), groupId: project.id }, `/api/atlas/v2/groups/${project.id}/databaseUsers`);
    expect(retry.status).toBe(201);
  });
});

describe("temporary database users (deleteAfterDate)", () => {
  const inSeconds = async (s: number) => new Date(Date.parse((await emulatorControl.now(emu)).now) + s * 1000).toISOString();

  test("the window is now < d ≤ now + 7 days at request time", async () => {
    const past = await create(scramUser("t-past", { deleteAfterDate: await inSeconds(-60) }));
    expect([past.status, past.body.errorCode]).toEqual([400, "EXPIRATION_DATE_IN_PAST"]);
    const far = await create(scramUser("t-far", { deleteAfterDate: await inSeconds(7 * 86400 + 3600) }));
    expect([far.status, far.body.errorCode]).toEqual([400, "EXPIRATION_DATE_EXCEEDS_MAX"]);
    const ok = await create(scramUser("t-ok", { deleteAfterDate: await inSeconds(7 * 86400 - 3600) }));
    expect(ok.status).toBe(201);
    expect(ok.body.deleteAfterDate).toMatch(/Z$/);
    const notDate = await create(scramUser("t-bad", { deleteAfterDate: "next tuesday" }));
    expect([notDate.status, notDate.body.errorCode]).toEqual([400, "VALIDATION_ERROR"]);
  });

  test("a temporary user disappears at its deleteAfterDate and not before", async () => {
    const expiry = await inSeconds(3 * 86400);
    expect((await create(scramUser("t-sweep", { deleteAfterDate: expiry }))).status).toBe(201);
    await emulatorControl.setClock(emu, new Date(Date.parse(expiry) - 60_000).toISOString());
    call = await checkedClient(emu); // moving the clock days ahead expires the old token
    expect((await call({ method: "GET", path: item("admin", "t-sweep"), version: V })).status).toBe(200);
    await emulatorControl.setClock(emu, new Date(Date.parse(expiry) + 1000).toISOString());
    const gone = await call({ method: "GET", path: item("admin", "t-sweep"), version: V });
    expect([gone.status, gone.body.errorCode]).toEqual([404, "USERNAME_NOT_FOUND"]);
    // Back to real time for the rest of the file.
    await emulatorControl.setClock(emu, new Date().toISOString());
    call = await checkedClient(emu);
  });

  test("PATCH moves a temporary user's date; a permanent user cannot be made temporary", async () => {
    expect((await create(scramUser("t-move", { deleteAfterDate: await inSeconds(3600) }))).status).toBe(201);
    const later = await inSeconds(2 * 86400);
    const moved = await call({ method: "PATCH", path: item("admin", "t-move"), version: V, body: { ...scramUser("t-move"), password: undefined, deleteAfterDate: later } });
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.deleteAfterDate)).toBe(Date.parse(later));
    // Leaving the date out keeps it (PATCH semantics).
    const kept = await call({ method: "PATCH", path: item("admin", "t-move"), version: V, body: { ...scramUser("t-move"), password: undefined } });
    expect(Date.parse(kept.body.deleteAfterDate)).toBe(Date.parse(later));

    expect((await create(scramUser("perm"))).status).toBe(201);
    const res = await call({ method: "PATCH", path: item("admin", "perm"), version: V, body: { ...scramUser("perm"), password: undefined, deleteAfterDate: later } });
    expect([res.status, res.body.errorCode]).toEqual([400, "PERMANENT_ENTITY_CANNOT_BE_MADE_TEMPORARY"]);
  });
});
