/**
 * CustomDbRole through the real Pulumi engine, against the emulator: a role
 * with actions and inherited roles and a DatabaseUser that holds it, created
 * in the right order by one `up`; a preview that plans nothing; drift (a role
 * changed and a role deleted outside the program); an update in place; a
 * delete Atlas refuses (the role still held by a user outside the program),
 * explained; destroy in dependency order.
 */
import { CustomDbRole, DatabaseUser, type CustomDbRoleArgs } from "../../provider";
import { apiClient, serviceAccountToken, type ApiCaller } from "../support/atlasApi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { atlasRequests, emulatorUser } from "../databaseUser/support";

jest.setTimeout(240_000);

const V = "2023-01-01";
const TYPE = "pulumi-nodejs:dynamic/atlas-users:CustomDbRole";

interface Declared {
  roles: Record<string, Omit<CustomDbRoleArgs, "projectId">>;
  /** username → the resource name of the role it holds */
  users: Record<string, string>;
}

function program(projectId: string, declared: Declared) {
  return async () => {
    const out: Record<string, unknown> = {};
    const made: Record<string, CustomDbRole> = {};
    for (const [name, args] of Object.entries(declared.roles)) {
      // "@base" names the role declared as `base` through its output: a dependency.
      const inheritedRoles = args.inheritedRoles as { roleName: string; databaseName: string }[] | undefined;
      const inherits = inheritedRoles?.map((r) => (r.roleName.startsWith("@") ? { ...r, roleName: made[r.roleName.slice(1)].roleName } : r));
      made[name] = new CustomDbRole(name, { projectId, ...args, inheritedRoles: inherits });
      out[name] = { id: made[name].id, actions: made[name].actions, inheritedRoles: made[name].inheritedRoles };
    }
    for (const [username, role] of Object.entries(declared.users)) {
      new DatabaseUser(username, {
        projectId,
        username,
        password: `${username}-Password-1`,
        roles: [{ roleName: made[role].roleName, databaseName: "admin" }],
      });
    }
    return out;
  };
}

const FIND_REPORTS = { action: "FIND" as const, resources: [{ db: "reports" }] };
const STATUS = { action: "SERVER_STATUS" as const, resources: [{ cluster: true as const }] };

describeEngine("CustomDbRole through the engine: create with its user in one up, drift, update, an in-use delete, destroy order", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let projectId: string;
  let ui: ApiCaller;
  let declared: Declared;
  const rolePath = (name: string) => `/api/atlas/v2/groups/${projectId}/customDBRoles/roles/${name}`;

  beforeAll(async () => {
    emu = await startTestEmulator();
    projectId = emu.projectId;
    ui = apiClient(emu, await serviceAccountToken(emu));
    declared = {
      roles: {
        base: { roleName: "auditBase", actions: [{ action: "LIST_COLLECTIONS", resources: [{ db: "audit" }] }] },
        reader: {
          roleName: "reportReader",
          // Out of order on purpose: the state holds them sorted.
          actions: [STATUS, { action: "FIND", resources: [{ db: "reports", collection: "daily" }, { db: "archive" }] }],
          inheritedRoles: [{ roleName: "read", databaseName: "audit" }],
        },
      },
      users: { "reports-app": "reader" },
    };
    stack = await createEngineStack({ emulator: emu, program: program(projectId, declared) });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("one up creates the roles, then the user that holds one (Atlas refuses a user whose custom role does not exist yet)", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 3, update: 0, replace: 0, delete: 0 });
    expect(up.outputs.reader).toEqual({
      id: `${projectId}/reportReader`,
      actions: [
        { action: "FIND", resources: [{ collection: "daily", db: "reports" }, { db: "archive" }] },
        { action: "SERVER_STATUS", resources: [{ cluster: true }] },
      ],
      inheritedRoles: [{ roleName: "read", databaseName: "audit" }],
    });
    const writes = (await atlasRequests(emu)).filter((r) => r.method === "POST").map((r) => r.path);
    expect(writes.indexOf(`/api/atlas/v2/groups/${projectId}/customDBRoles/roles`)).toBeGreaterThanOrEqual(0);
    expect(writes.lastIndexOf(`/api/atlas/v2/groups/${projectId}/customDBRoles/roles`)).toBeLessThan(writes.indexOf(`/api/atlas/v2/groups/${projectId}/databaseUsers`));
    expect(await emulatorUser(emu, projectId, "reports-app")).toMatchObject({ roles: [{ roleName: "reportReader", databaseName: "admin" }] });
    // The API holds every resource in full form.
    expect((await ui({ method: "GET", path: rolePath("reportReader"), version: V })).body.actions).toContainEqual({
      action: "SERVER_STATUS",
      resources: [{ cluster: true, db: "", collection: "" }],
    });
  });

  test("a preview with nothing changed plans nothing and sends no request", async () => {
    const before = (await atlasRequests(emu)).length;
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect((await atlasRequests(emu)).length).toBe(before);
  });

  test("drift: a role changed and a role deleted outside the program; refresh sees both, up restores them", async () => {
    const patched = await ui({ method: "PATCH", path: rolePath("reportReader"), version: V, body: { actions: [{ action: "INSERT", resources: [{ cluster: false, db: "reports", collection: "" }] }] } });
    expect(patched.status).toBe(200);
    expect((await ui({ method: "DELETE", path: rolePath("auditBase"), version: V })).status).toBe(204);

    const refresh = await stack.refresh();
    expect(refresh.summary).toMatchObject({ update: 1, delete: 1 });
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, create: 1, replace: 0, delete: 0 });
    expect((await ui({ method: "GET", path: rolePath("reportReader"), version: V })).body.actions.map((a: { action: string }) => a.action)).toEqual(["FIND", "SERVER_STATUS"]);
    expect((await ui({ method: "GET", path: rolePath("auditBase"), version: V })).status).toBe(200);
  });

  test("changing actions and inherited roles updates in place with one PATCH (no replace, the user untouched)", async () => {
    declared.roles.reader = { ...declared.roles.reader, actions: [FIND_REPORTS], inheritedRoles: [{ roleName: "@base", databaseName: "admin" }] };
    stack.setProgram(program(projectId, declared));
    const before = (await atlasRequests(emu)).length;
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, create: 0, replace: 0, delete: 0 });
    const sent = (await atlasRequests(emu)).slice(before).filter((r) => r.method !== "GET");
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH ${rolePath("reportReader")}`]);
    expect((await ui({ method: "GET", path: rolePath("reportReader"), version: V })).body).toMatchObject({
      actions: [{ action: "FIND", resources: [{ cluster: false, db: "reports", collection: "" }] }],
      inheritedRoles: [{ role: "auditBase", db: "admin" }],
    });
  });

  test("a role still held by a user outside the program: up fails with Atlas's error, explained; once the user is gone, up deletes it", async () => {
    declared.roles.loner = { roleName: "lonerRole", actions: [FIND_REPORTS] };
    stack.setProgram(program(projectId, declared));
    await stack.up();
    await emulatorControl.seed(emu, {
      databaseUsers: [{ groupId: projectId, username: "hand-made", password: "hand-Password-1", roles: [{ roleName: "lonerRole", databaseName: "admin" }] }],
    });
    delete declared.roles.loner;
    stack.setProgram(program(projectId, declared));
    const err = await stack.up().then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(new RegExp(`deleting custom role lonerRole in project ${projectId}: .*409 ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS.*hand-made`));
    expect(err?.message).toContain("Give those users another role or delete them first");
    expect((await stack.resources(TYPE)).map((r) => r.id)).toContain(`${projectId}/lonerRole`);

    expect((await ui({ method: "DELETE", path: `/api/atlas/v2/groups/${projectId}/databaseUsers/admin/hand-made`, version: V })).status).toBe(204);
    const up = await stack.up();
    expect(up.summary).toMatchObject({ delete: 1 });
  });

  test("destroy deletes the user before the role it holds, and the role it inherits last", async () => {
    const before = (await atlasRequests(emu)).length;
    const result = await stack.destroy();
    expect(result.summary).toMatchObject({ delete: 3 });
    const deletes = (await atlasRequests(emu)).slice(before).filter((r) => r.method === "DELETE").map((r) => r.path);
    expect(deletes).toEqual([
      `/api/atlas/v2/groups/${projectId}/databaseUsers/admin/reports-app`,
      rolePath("reportReader"),
      rolePath("auditBase"),
    ]);
    expect((await ui({ method: "GET", path: `/api/atlas/v2/groups/${projectId}/customDBRoles/roles`, version: V })).body).toEqual([]);
  });
});
