/**
 * DatabaseUser lifecycle against the emulator over real HTTP: every
 * authentication type (with usernames that need URL encoding), updates that
 * send only what changed, drift, adopt, the 100-user limit, and a create
 * whose response is lost after Atlas committed it.
 */
import { provider } from "../../provider/databaseUser/provider";
import type { DatabaseUserState } from "../../provider/databaseUser/schema";
import { apiClient, serviceAccountToken } from "../support/atlasApi";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { atlasRequests, checked, create, emulatorUser as findUser, useEmulatorForProvider } from "./support";

const env = useEmulatorForProvider();
let emu: EmulatorHandle;
let projectId: string;
beforeAll(() => ({ emu, projectId } = env));

beforeEach(async () => {
  await emulatorControl.clearFaults(emu);
  await emulatorControl.clearRequests(emu);
});

const emulatorUser = (databaseName: string, username: string) => findUser(emu, projectId, username, databaseName);
const apiRequests = () => atlasRequests(emu);

async function passwordMatches(databaseName: string, username: string, password: string): Promise<boolean> {
  return (await emulatorControl.checkDatabaseUserPassword(emu, { projectId, databaseName, username, password })).ok;
}

/** Out of band: what someone does in the Atlas UI, with its own credentials. */
async function atlasUi() {
  return apiClient(emu, await serviceAccountToken(emu));
}

const roles = [{ roleName: "readWrite", databaseName: "app" }];

describe("each authentication type, end to end", () => {
  test.each<[string, Record<string, unknown>, string, string]>([
    ["SCRAM", { username: "app-user", password: "first-Password-1" }, "admin", "app-user"],
    ["X.509 CUSTOMER", { username: "CN=app,OU=eng,O=acme", x509Type: "CUSTOMER" }, "$external", "CN%3Dapp%2COU%3Deng%2CO%3Dacme"],
    ["X.509 MANAGED", { username: "managed-app", x509Type: "MANAGED" }, "$external", "managed-app"],
    ["AWS IAM ROLE", { username: "arn:aws:iam::123456789012:role/app", awsIAMType: "ROLE" }, "$external", "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp"],
    ["AWS IAM USER", { username: "arn:aws:iam::123456789012:user/ops/alice", awsIAMType: "USER" }, "$external", "arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Fops%2Falice"],
    ["OIDC USER", { username: "idp/name", oidcAuthType: "USER" }, "$external", "idp%2Fname"],
    ["OIDC IDP_GROUP", { username: "5dd7496c7a3e5a648454341c/analysts", oidcAuthType: "IDP_GROUP" }, "admin", "5dd7496c7a3e5a648454341c%2Fanalysts"],
    ["LDAP USER", { username: "CN=alice,OU=people,DC=example,DC=com", ldapAuthType: "USER" }, "$external", "CN%3Dalice%2COU%3Dpeople%2CDC%3Dexample%2CDC%3Dcom"],
    ["LDAP GROUP", { username: "CN=analysts,OU=groups,DC=example,DC=com", ldapAuthType: "GROUP" }, "admin", "CN%3Danalysts%2COU%3Dgroups%2CDC%3Dexample%2CDC%3Dcom"],
  ])("%s: create, read, update, delete", async (_name, auth, databaseName, encodedUsername) => {
    const username = auth.username as string;
    const { id, inputs, state } = await create({ projectId, roles, ...auth });
    expect(id).toBe(`${projectId}/${databaseName}/${username}`);
    expect(state).toMatchObject({ projectId, username, databaseName, roles });
    // A permanent user's `temporary: false` is the stored state's default: not stored.
    expect(state).not.toHaveProperty("temporary");
    expect(await emulatorUser(databaseName, username)).toMatchObject({ username, databaseName, roles });
    if (auth.password) expect(await passwordMatches(databaseName, username, auth.password as string)).toBe(true);

    // The path carries the auth database and the username as one encoded segment each.
    const itemPath = `/api/atlas/v2/groups/${projectId}/databaseUsers/${encodeURIComponent(databaseName)}/${encodedUsername}`;
    const read = await provider.read(id, state);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(state);

    const newRoles = [...roles, { roleName: "read", databaseName: "reporting" }];
    const news = await checked({ projectId, roles: newRoles, ...auth }, inputs as Record<string, unknown>);
    const diff = await provider.diff(id, state, news);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs } = await provider.update(id, state, news);
    expect((outs as DatabaseUserState).roles).toEqual([...roles, { roleName: "read", databaseName: "reporting" }]);

    await provider.delete(id, outs);
    expect(await emulatorUser(databaseName, username)).toBeUndefined();
    const sent = (await apiRequests()).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(sent).toEqual([
      `POST /api/atlas/v2/groups/${projectId}/databaseUsers 201`,
      `GET ${itemPath} 200`,
      `PATCH ${itemPath} 200`,
      `DELETE ${itemPath} 204`,
    ]);
  });
});

describe("updates send only what changed", () => {
  test("a roles-only change is one PATCH without the password, and the old password still works", async () => {
    const { id, inputs, state } = await create({ projectId, username: "roles-only", password: "first-Password-1", roles });
    await emulatorControl.clearRequests(emu);
    const news = await checked({ ...inputs, roles: [{ roleName: "read", databaseName: "app" }] }, inputs as Record<string, unknown>);
    const { outs } = await provider.update(id, state, news);
    const sent = await apiRequests();
    expect(sent.map((r) => r.method)).toEqual(["PATCH"]);
    expect(sent[0].bodyFields).toEqual(["databaseName", "groupId", "roles", "username"]);
    expect(await passwordMatches("admin", "roles-only", "first-Password-1")).toBe(true);
    expect(outs).toMatchObject({ roles: [{ roleName: "read", databaseName: "app" }], password: "first-Password-1" });
  });

  test("a password change lands", async () => {
    const { id, inputs, state } = await create({ projectId, username: "rotating", password: "first-Password-1", roles });
    await emulatorControl.clearRequests(emu);
    const news = await checked({ ...inputs, password: "second-Password-2" }, inputs as Record<string, unknown>);
    expect(await provider.diff(id, state, news)).toMatchObject({ changes: true, replaces: [] });
    const { outs } = await provider.update(id, state, news);
    const sent = await apiRequests();
    expect(sent.map((r) => r.method)).toEqual(["PATCH"]);
    expect(sent[0].bodyFields).toContain("password");
    expect(await passwordMatches("admin", "rotating", "second-Password-2")).toBe(true);
    expect(await passwordMatches("admin", "rotating", "first-Password-1")).toBe(false);
    expect(outs).toMatchObject({ password: "second-Password-2" });
  });

  test("an unchanged program: check and diff send nothing", async () => {
    const { id, inputs, state } = await create({ projectId, username: "steady", password: "first-Password-1", roles, expiresIn: "24h" });
    await emulatorControl.clearRequests(emu);
    const news = await checked({ projectId, username: "steady", password: "first-Password-1", roles, expiresIn: "24h" }, inputs as Record<string, unknown>);
    expect(await provider.diff(id, state, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await apiRequests()).toEqual([]);
  });

  test("only onExpiry changed: no request, outputs updated", async () => {
    const { id, inputs, state } = await create({ projectId, username: "policy-only", password: "first-Password-1", roles, expiresIn: "1h" });
    await emulatorControl.clearRequests(emu);
    const news = await checked({ ...inputs, onExpiry: "fail" }, inputs as Record<string, unknown>);
    const { outs } = await provider.update(id, state, news);
    expect(await apiRequests()).toEqual([]);
    expect(outs).toEqual({ ...state, onExpiry: "fail" });
  });
});

describe("drift", () => {
  test("roles changed in the Atlas UI: refresh reports them as inputs, the next up restores the declared roles", async () => {
    const { id, inputs, state } = await create({ projectId, username: "drifting", password: "first-Password-1", roles, labels: [{ key: "env", value: "dev" }] });
    const ui = await atlasUi();
    const patched = await ui({
      method: "PATCH",
      path: `/api/atlas/v2/groups/${projectId}/databaseUsers/admin/drifting`,
      version: "2023-01-01",
      body: { groupId: projectId, databaseName: "admin", username: "drifting", roles: [{ roleName: "read", databaseName: "other" }], description: "edited in the UI" },
    });
    expect(patched.status).toBe(200);

    const read = await provider.read(id, state);
    expect(read.props).toMatchObject({ roles: [{ roleName: "read", databaseName: "other" }], description: "edited in the UI", password: "first-Password-1" });
    expect(read.inputs).toMatchObject({ roles: [{ roleName: "read", databaseName: "other" }], description: "edited in the UI", labels: [{ key: "env", value: "dev" }] });

    const news = await checked({ ...inputs }, read.inputs as unknown as Record<string, unknown>);
    expect(await provider.diff(id, read.props as DatabaseUserState, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs } = await provider.update(id, read.props as DatabaseUserState, news);
    expect(outs).toMatchObject({ roles, labels: [{ key: "env", value: "dev" }] });
    expect(outs).not.toHaveProperty("description");
    expect(await emulatorUser("admin", "drifting")).toMatchObject({ roles, description: "" });
  });

  test("deleted in the Atlas UI: refresh drops it, delete of a missing user succeeds", async () => {
    const { id, state } = await create({ projectId, username: "vanishing", password: "first-Password-1", roles });
    const ui = await atlasUi();
    expect((await ui({ method: "DELETE", path: `/api/atlas/v2/groups/${projectId}/databaseUsers/admin/vanishing`, version: "2023-01-01" })).status).toBe(204);
    expect(await provider.read(id, state)).toEqual({});
    await expect(provider.delete(id, state)).resolves.toBeUndefined();
  });

  test("DatabaseUser.get: read by id alone", async () => {
    await emulatorControl.seed(emu, {
      databaseUsers: [{ groupId: projectId, databaseName: "$external", username: "CN=legacy,O=acme", x509Type: "CUSTOMER", roles }],
    });
    const id = `${projectId}/$external/CN=legacy,O=acme`;
    const read = await provider.read(id, {});
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ username: "CN=legacy,O=acme", databaseName: "$external", x509Type: "CUSTOMER", roles });
    expect(read.props).not.toHaveProperty("temporary");
    expect(read.inputs).toEqual({ projectId, username: "CN=legacy,O=acme", databaseName: "$external", x509Type: "CUSTOMER", roles });
  });

  test("refresh keeps the stored form: state from an earlier release (every field stored) reads back whole, the short form stays short", async () => {
    await emulatorControl.seed(emu, { databaseUsers: [{ groupId: projectId, databaseName: "admin", username: "old-form", password: "old-Form-Pw-1", roles }] });
    const id = `${projectId}/admin/old-form`;
    const oldForm: DatabaseUserState = {
      projectId, username: "old-form", databaseName: "admin", roles, scopes: [], labels: [],
      awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE", x509Type: "NONE", temporary: false,
    };
    const whole = await provider.read(id, oldForm);
    expect(whole.props).toEqual(oldForm);
    const short = await provider.read(id, { projectId, username: "old-form", databaseName: "admin", roles });
    expect(short.props).toEqual({ projectId, username: "old-form", databaseName: "admin", roles });
  });
});

describe("adopt instead of import", () => {
  beforeEach(async () => {
    await emulatorControl.seed(emu, {
      databaseUsers: [{ groupId: projectId, databaseName: "admin", username: `existing-${++seq}`, password: "old-Password-0", roles: [{ roleName: "read", databaseName: "legacy" }] }],
    });
  });
  let seq = 0;

  test("without adopt: an error naming the user and saying how to adopt", async () => {
    const inputs = await checked({ projectId, username: `existing-${seq}`, password: "new-Password-1", roles });
    await expect(provider.create(inputs)).rejects.toThrow(
      new RegExp(`creating database user existing-${seq} \\(admin\\) in project ${projectId}: a user with this name already exists.*set adopt: true`),
    );
    expect(await emulatorUser("admin", `existing-${seq}`)).toMatchObject({ roles: [{ roleName: "read", databaseName: "legacy" }] });
  });

  test("with adopt: brought to the declared state (roles, password) and managed", async () => {
    const { id, state } = await create({ projectId, username: `existing-${seq}`, password: "new-Password-1", roles, adopt: true });
    expect(id).toBe(`${projectId}/admin/existing-${seq}`);
    expect(state).toMatchObject({ roles, adopt: true, password: "new-Password-1" });
    expect(await emulatorUser("admin", `existing-${seq}`)).toMatchObject({ roles });
    expect(await passwordMatches("admin", `existing-${seq}`, "new-Password-1")).toBe(true);
    const methods = (await apiRequests()).map((r) => `${r.method} ${r.status}`);
    expect(methods).toEqual(["POST 409", "GET 200", "PATCH 200"]);
  });

  test("with adopt, a permanent user declared temporary is recreated as temporary", async () => {
    const { state } = await create({ projectId, username: `existing-${seq}`, password: "new-Password-1", roles, adopt: true, expiresIn: "1h" });
    expect(state.temporary).toBe(true);
    expect((await emulatorUser("admin", `existing-${seq}`))?.deleteAfterDate).toBeDefined();
  });
});

describe("errors", () => {
  test("the 100-user limit surfaces GROUP_USERS_LIMIT_EXCEEDED readably", async () => {
    const project = (await emulatorControl.seed(emu, { projects: [{ name: "full" }] })) as { projects: { id: string }[] };
    const fullProject = project.projects[0].id;
    await emulatorControl.seed(emu, {
      databaseUsers: Array.from({ length: 100 }, (_, i) => ({ groupId: fullProject, username: `user-${i}`, password: "pass-Word-123", roles })),
    });
    const inputs = await checked({ projectId: fullProject, username: "one-too-many", password: "pass-Word-123", roles });
    const err = await provider.create(inputs).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(new RegExp(`^creating database user one-too-many \\(admin\\) in project ${fullProject}: .*403 GROUP_USERS_LIMIT_EXCEEDED`));
    expect(err?.message).toMatch(/maximum of 100 database users: delete users it no longer needs/);
    expect(err?.message).not.toContain("pass-Word-123");
  });

  test("an update of a user deleted out of band says to refresh", async () => {
    const { id, inputs, state } = await create({ projectId, username: "gone-before-update", password: "first-Password-1", roles });
    const ui = await atlasUi();
    await ui({ method: "DELETE", path: `/api/atlas/v2/groups/${projectId}/databaseUsers/admin/gone-before-update`, version: "2023-01-01" });
    const news = await checked({ ...inputs, description: "x" }, inputs as Record<string, unknown>);
    await expect(provider.update(id, state, news)).rejects.toThrow(/updating database user gone-before-update .*USERNAME_NOT_FOUND.*run `pulumi refresh`/);
  });

  test("no error carries the password", async () => {
    const inputs = await checked({ projectId, username: "common", password: "password1", roles });
    const err = await provider.create(inputs).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/COMMON_PASSWORD/);
    expect(err?.message).not.toContain("password1");
  });
});

describe("a create whose response is lost", () => {
  test("committed, then the connection reset: read back, recognised as ours, no second POST", async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", reset: true, afterCommit: true, times: 1 }]);
    const { id, state } = await create({ projectId, username: "lost-answer", password: "first-Password-1", roles });
    expect(id).toBe(`${projectId}/admin/lost-answer`);
    expect(state).toMatchObject({ username: "lost-answer", roles });
    const sent = (await apiRequests()).map((r) => `${r.method} ${r.fault ?? r.status}`);
    expect(sent).toEqual(["POST reset-after-commit", "GET 200"]);
    expect(await passwordMatches("admin", "lost-answer", "first-Password-1")).toBe(true);
  });

  test("reset before anything was applied: read back finds nothing, POSTs once more", async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", reset: true, times: 1 }]);
    const { state } = await create({ projectId, username: "lost-request", password: "first-Password-1", roles });
    expect(state).toMatchObject({ username: "lost-request" });
    const sent = (await apiRequests()).map((r) => `${r.method} ${r.fault ?? r.status}`);
    expect(sent).toEqual(["POST reset", "GET 404", "POST 201"]);
  });

  test("committed, then a 502 from a proxy: read back, recognised as ours, no second POST", async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", status: 502, afterCommit: true, times: 1 }]);
    const { state } = await create({ projectId, username: "proxy-gave-up", password: "first-Password-1", roles });
    expect(state).toMatchObject({ username: "proxy-gave-up", roles });
    const sent = (await apiRequests()).map((r) => `${r.method} ${r.fault ?? r.status}`);
    expect(sent).toEqual(["POST status-after-commit", "GET 200"]);
  });

  test("a 503 before anything was applied: read back finds nothing, POSTs once more; a second 503 is the error", async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", status: 503, times: 1 }]);
    await create({ projectId, username: "unavailable-once", password: "first-Password-1", roles });
    expect((await apiRequests()).map((r) => `${r.method} ${r.fault ?? r.status}`)).toEqual(["POST status", "GET 404", "POST 201"]);

    await emulatorControl.clearRequests(emu);
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "/databaseUsers$", status: 503, times: 2 }]);
    const inputs = await checked({ projectId, username: "unavailable-twice", password: "first-Password-1", roles });
    await expect(provider.create(inputs)).rejects.toThrow(/creating database user unavailable-twice.*HTTP 503/);
    expect((await apiRequests()).map((r) => `${r.method} ${r.fault ?? r.status}`)).toEqual(["POST status", "GET 404", "POST status"]);
  });
});
