/**
 * The emulator's custom database roles, over HTTP, every answer checked
 * against the spec: the lifecycle, Atlas's documented rules and error codes,
 * database users holding custom roles, and deleting a role still in use.
 */
import { checkedClient, type CheckedCall } from "../support/checkedApi";
import { startTestEmulator, type EmulatorHandle } from "../support/emulator";

const V = "2023-01-01";
let emu: EmulatorHandle;
let call: CheckedCall;

beforeAll(async () => {
  emu = await startTestEmulator();
  call = await checkedClient(emu);
});
afterAll(() => emu.close());

const roles = () => `/api/atlas/v2/groups/${emu.projectId}/customDBRoles/roles`;
const role = (name: string) => `${roles()}/${encodeURIComponent(name)}`;
const ns = (db: string, collection = "") => ({ cluster: false, db, collection });
const CLUSTER = { cluster: true, db: "", collection: "" };

const createRole = (body: Record<string, unknown>) => call({ method: "POST", path: roles(), version: V, body });
const createUser = (username: string, userRoles: { roleName: string; databaseName: string }[]) =>
  call({
    method: "POST",
    path: `/api/atlas/v2/groups/${emu.projectId}/databaseUsers`,
    version: V,
    body: { groupId: emu.projectId, databaseName: "admin", username, password: "correct-horse-battery", roles: userRoles },
  });

describe("custom database roles", () => {
  test("create (202) → get → list → PATCH → delete (204) → 404 ATLAS_CUSTOM_ROLE_NOT_FOUND", async () => {
    const body = {
      roleName: "reportReader",
      actions: [{ action: "FIND", resources: [ns("reports")] }, { action: "LIST_DATABASES", resources: [CLUSTER] }],
      inheritedRoles: [{ role: "read", db: "audit" }],
    };
    const created = await createRole(body);
    expect(created.status).toBe(202);
    expect(created.body).toEqual(body);
    expect((await call({ method: "GET", path: role("reportReader"), version: V })).body).toEqual(body);
    const list = await call({ method: "GET", path: roles(), version: V });
    expect(list.body).toEqual(expect.arrayContaining([body]));

    const patched = await call({ method: "PATCH", path: role("reportReader"), version: V, body: { actions: [{ action: "FIND", resources: [ns("reports", "daily")] }] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ actions: [{ action: "FIND", resources: [ns("reports", "daily")] }], inheritedRoles: body.inheritedRoles });

    expect((await call({ method: "DELETE", path: role("reportReader"), version: V })).status).toBe(204);
    const gone = await call({ method: "GET", path: role("reportReader"), version: V });
    expect([gone.status, gone.body.errorCode]).toEqual([404, "ATLAS_CUSTOM_ROLE_NOT_FOUND"]);
  });

  test.each([
    ["an invalid name", { roleName: "bad name", actions: [{ action: "FIND", resources: [ns("a")] }] }, 400, "ATLAS_CUSTOM_ROLE_INVALID_NAME"],
    ["a built-in role's name", { roleName: "readWrite", actions: [{ action: "FIND", resources: [ns("a")] }] }, 400, "ATLAS_INVALID_CUSTOM_ROLE_RESTRICTED"],
    ["the reserved prefix", { roleName: "xgen-mine", actions: [{ action: "FIND", resources: [ns("a")] }] }, 400, "ATLAS_RESERVED_CUSTOM_ROLE_RESTRICTED"],
    ["no permissions", { roleName: "empty" }, 400, "ATLAS_CUSTOM_ROLE_HAS_NO_PERMISSIONS"],
    ["a duplicate action", { roleName: "dupA", actions: [{ action: "FIND", resources: [ns("a")] }, { action: "FIND", resources: [ns("b")] }] }, 400, "ATLAS_DUPLICATE_CUSTOM_ROLE_ACTION"],
    ["a duplicate resource", { roleName: "dupR", actions: [{ action: "FIND", resources: [ns("a"), ns("a")] }] }, 400, "ATLAS_DUPLICATE_CUSTOM_ROLE_RESOURCE"],
    ["a cluster action on a database", { roleName: "wrongR", actions: [{ action: "LIST_DATABASES", resources: [ns("a")] }] }, 400, "ATLAS_INVALID_RESOURCE"],
    ["a collection action on the cluster", { roleName: "wrongC", actions: [{ action: "FIND", resources: [CLUSTER] }] }, 400, "ATLAS_INVALID_RESOURCE"],
    ["an inherited role that does not exist", { roleName: "orphan", inheritedRoles: [{ role: "noSuchRole", db: "admin" }] }, 400, "ATLAS_INVALID_CUSTOM_ROLE_INHERITANCE"],
    ["itself inherited", { roleName: "selfish", inheritedRoles: [{ role: "selfish", db: "admin" }] }, 400, "ATLAS_INVALID_CUSTOM_ROLE_SELF_REFERENTIAL"],
    ["a resource without cluster/db/collection (the spec requires all three)", { roleName: "loose", actions: [{ action: "FIND", resources: [{ db: "a" }] }] }, 400, "MISSING_ATTRIBUTE"],
  ])("refuses %s", async (_what, body, status, code) => {
    const res = await createRole(body);
    expect([res.status, res.body.errorCode]).toEqual([status, code]);
  });

  test("409 ATLAS_CUSTOM_ROLE_NAME_ALREADY_EXISTS; an inheritance cycle is refused", async () => {
    expect((await createRole({ roleName: "base", actions: [{ action: "FIND", resources: [ns("a")] }] })).status).toBe(202);
    const again = await createRole({ roleName: "base", actions: [{ action: "INSERT", resources: [ns("a")] }] });
    expect([again.status, again.body.errorCode]).toEqual([409, "ATLAS_CUSTOM_ROLE_NAME_ALREADY_EXISTS"]);
    expect((await createRole({ roleName: "derived", inheritedRoles: [{ role: "base", db: "admin" }] })).status).toBe(202);
    const cycle = await call({ method: "PATCH", path: role("base"), version: V, body: { inheritedRoles: [{ role: "derived", db: "admin" }] } });
    expect([cycle.status, cycle.body.errorCode]).toEqual([400, "ATLAS_INVALID_CUSTOM_ROLE_CIRCULAR_DEPENDENCY"]);
  });

  test("database users hold custom roles that exist, on admin only; deleting a role a user holds alone fails with 409 ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS", async () => {
    const missing = await createUser("early", [{ roleName: "appRole", databaseName: "admin" }]);
    expect([missing.status, missing.body.errorCode]).toEqual([400, "ATLAS_INVALID_ROLE"]);
    expect((await createRole({ roleName: "appRole", actions: [{ action: "FIND", resources: [ns("app")] }] })).status).toBe(202);
    const elsewhere = await createUser("elsewhere", [{ roleName: "appRole", databaseName: "app" }]);
    expect([elsewhere.status, elsewhere.body.errorCode]).toEqual([400, "UNSUPPORTED_ROLE"]);
    expect((await createUser("only", [{ roleName: "appRole", databaseName: "admin" }])).status).toBe(201);
    expect((await createUser("also", [{ roleName: "appRole", databaseName: "admin" }, { roleName: "read", databaseName: "x" }])).status).toBe(201);

    const inUse = await call({ method: "DELETE", path: role("appRole"), version: V });
    expect([inUse.status, inUse.body.errorCode, inUse.body.parameters]).toEqual([409, "ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS", ["only"]]);

    const users = `/api/atlas/v2/groups/${emu.projectId}/databaseUsers/admin`;
    expect((await call({ method: "DELETE", path: `${users}/only`, version: V })).status).toBe(204);
    expect((await call({ method: "DELETE", path: role("appRole"), version: V })).status).toBe(204);
    // A user who kept another role loses only this one.
    expect((await call({ method: "GET", path: `${users}/also`, version: V })).body.roles).toEqual([{ roleName: "read", databaseName: "x" }]);
  });
});
