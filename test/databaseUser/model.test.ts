/** The pure mappers, table-driven (no client, no clock). */
import {
  apiMatchesCreateBody,
  changedProperties,
  createBodyFromInputs,
  idOf,
  inputsFromState,
  keyFromId,
  resolveDeleteAfterDate,
  stateFromApi,
  updateBodyFromChanges,
} from "../../provider/databaseUser/model";
import type { DatabaseUserInputs, DatabaseUserState } from "../../provider/databaseUser/schema";

const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";

describe("ids", () => {
  test.each([
    ["admin", "app-user"],
    ["$external", "CN=app,OU=eng,O=acme"],
    ["$external", "arn:aws:iam::123456789012:role/app"],
    ["$external", "idp/name/with/slashes"],
  ])("%s/%s round-trips (split on the first two slashes)", (databaseName, username) => {
    const key = { projectId, databaseName, username };
    expect(idOf(key)).toBe(`${projectId}/${databaseName}/${username}`);
    expect(keyFromId(idOf(key))).toEqual(key);
  });

  test.each(["", "nope", `${projectId}/admin`, `${projectId}/local/u`, `XYZ/admin/u`, `${projectId}/admin/`])("%j is not an id", (id) => {
    expect(() => keyFromId(id)).toThrow(/expected "\{projectId\}\/\{databaseName\}\/\{username\}"/);
  });
});

describe("stateFromApi", () => {
  test("a minimal response: defaults spelled out, permanent", () => {
    expect(stateFromApi({ groupId: projectId, databaseName: "admin", username: "u" }, projectId, {})).toEqual({
      projectId, username: "u", databaseName: "admin", roles: [], scopes: [], labels: [],
      awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE", x509Type: "NONE", temporary: false,
    });
  });

  test("a full response: sets sorted, date canonical, carry-over kept", () => {
    const state = stateFromApi(
      {
        groupId: projectId, databaseName: "$external", username: "CN=a", x509Type: "CUSTOMER",
        roles: [{ roleName: "read", databaseName: "z" }, { roleName: "read", databaseName: "a", collectionName: "" }],
        scopes: [{ name: "c1", type: "CLUSTER" }, { name: "c0", type: "CLUSTER" }],
        labels: [{ key: "b", value: "1" }, { key: "a", value: "2" }],
        description: "d", deleteAfterDate: "2030-01-01T11:00:00.000+01:00",
      },
      projectId,
      { expiresIn: "24h", onExpiry: "recreate", adopt: true },
    );
    expect(state).toMatchObject({
      roles: [{ roleName: "read", databaseName: "a" }, { roleName: "read", databaseName: "z" }],
      scopes: [{ name: "c0", type: "CLUSTER" }, { name: "c1", type: "CLUSTER" }],
      labels: [{ key: "a", value: "2" }, { key: "b", value: "1" }],
      description: "d", x509Type: "CUSTOMER", deleteAfterDate: "2030-01-01T10:00:00Z", temporary: true,
      expiresIn: "24h", onExpiry: "recreate", adopt: true,
    });
    expect(state).not.toHaveProperty("password");
  });
});

const inputs: DatabaseUserInputs = {
  projectId, username: "u", databaseName: "admin", password: "pass-word-1",
  roles: [{ roleName: "read", databaseName: "a" }],
};
const state: DatabaseUserState = {
  projectId, username: "u", databaseName: "admin", password: "pass-word-1",
  roles: [{ roleName: "read", databaseName: "a" }], scopes: [], labels: [],
  awsIAMType: "NONE", ldapAuthType: "NONE", oidcAuthType: "NONE", x509Type: "NONE", temporary: false,
};

describe("createBodyFromInputs", () => {
  test("SCRAM: only what is set; NONE auth types and empty lists left out", () => {
    expect(createBodyFromInputs({ ...inputs, scopes: [], x509Type: "NONE", description: "" }, undefined)).toEqual({
      groupId: projectId, databaseName: "admin", username: "u", password: "pass-word-1", roles: inputs.roles,
    });
  });

  test("external auth and a resolved date", () => {
    const body = createBodyFromInputs(
      { projectId, username: "arn:aws:iam::123456789012:role/app", databaseName: "$external", awsIAMType: "ROLE", roles: inputs.roles, expiresIn: "1h" },
      "2030-01-01T10:00:00Z",
    );
    expect(body).toEqual({
      groupId: projectId, databaseName: "$external", username: "arn:aws:iam::123456789012:role/app", awsIAMType: "ROLE",
      roles: inputs.roles, deleteAfterDate: "2030-01-01T10:00:00Z",
    });
  });
});

describe("updateBodyFromChanges", () => {
  // The spec requires groupId, databaseName, username and roles in every PATCH body.
  const required = { groupId: projectId, databaseName: "admin", username: "u", roles: [{ roleName: "read", databaseName: "a" }] };
  test.each<[string, Partial<DatabaseUserInputs>, string | undefined, Record<string, unknown> | undefined]>([
    ["nothing changed", {}, undefined, undefined],
    ["only onExpiry/adopt changed", { adopt: true }, undefined, undefined],
    ["roles only (no password: it did not change)", { roles: [{ roleName: "readWrite", databaseName: "a" }] }, undefined,
      { ...required, roles: [{ roleName: "readWrite", databaseName: "a" }] }],
    ["password only", { password: "pass-word-2" }, undefined, { ...required, password: "pass-word-2" }],
    ["description set", { description: "x" }, undefined, { ...required, description: "x" }],
    ["window moved", {}, "2030-01-01T10:00:00Z", { ...required, deleteAfterDate: "2030-01-01T10:00:00Z" }],
  ])("%s", (_name, change, date, expected) => {
    expect(updateBodyFromChanges(state, { ...inputs, ...change }, date)).toEqual(expected);
  });

  test("removed scopes and labels are sent as empty lists, a removed description as empty text", () => {
    const from = { ...state, scopes: [{ name: "c0", type: "CLUSTER" as const }], labels: [{ key: "k", value: "v" }], description: "d" };
    expect(updateBodyFromChanges(from, inputs, undefined)).toEqual({ ...required, scopes: [], labels: [], description: "" });
  });
});

describe("resolveDeleteAfterDate", () => {
  const now = new Date("2030-01-01T10:00:00.750Z");
  test("expiresIn counts from now, in whole seconds", () => {
    expect(resolveDeleteAfterDate({ expiresIn: "24h" }, now)).toBe("2030-01-02T10:00:00Z");
    expect(resolveDeleteAfterDate({ expiresIn: "90m" }, now)).toBe("2030-01-01T11:30:00Z");
  });
  test("an absolute date is made canonical; none means permanent", () => {
    expect(resolveDeleteAfterDate({ deleteAfterDate: "2030-01-02T12:00:00+02:00" }, now)).toBe("2030-01-02T10:00:00Z");
    expect(resolveDeleteAfterDate({}, now)).toBeUndefined();
  });
});

describe("inputsFromState (what refresh reports as inputs)", () => {
  test("keeps the declared form: expiresIn stays relative, NONE and empty lists omitted", () => {
    expect(inputsFromState({ ...state, deleteAfterDate: "2030-01-01T10:00:00Z", temporary: true, expiresIn: "24h" })).toEqual({
      projectId, username: "u", databaseName: "admin", password: "pass-word-1", roles: state.roles, expiresIn: "24h",
    });
    expect(inputsFromState({ ...state, password: undefined, x509Type: "MANAGED", databaseName: "$external", deleteAfterDate: "2030-01-01T10:00:00Z", temporary: true }))
      .toEqual({ projectId, username: "u", databaseName: "$external", roles: state.roles, x509Type: "MANAGED", deleteAfterDate: "2030-01-01T10:00:00Z" });
  });
});

describe("apiMatchesCreateBody (after a lost POST response)", () => {
  const body = createBodyFromInputs({ ...inputs, labels: [{ key: "k", value: "v" }] }, "2030-01-01T10:00:00Z");
  test("the same user, in another order and spelling, matches", () => {
    expect(apiMatchesCreateBody({ ...body, password: undefined, deleteAfterDate: "2030-01-01T10:00:00.000Z", awsIAMType: "NONE" } as never, body)).toBe(true);
  });
  test.each<[string, Record<string, unknown>]>([
    ["other roles", { roles: [{ roleName: "readWrite", databaseName: "a" }] }],
    ["permanent", { deleteAfterDate: undefined }],
    ["other labels", { labels: [] }],
    ["other auth type", { ldapAuthType: "GROUP" }],
  ])("%s does not match", (_name, change) => {
    expect(apiMatchesCreateBody({ ...body, ...change } as never, body)).toBe(false);
  });
});

describe("the ownership label (pulumi-atlas-users/owner)", () => {
  const OWNER = { key: "pulumi-atlas-users/owner", value: "proj/alpha" };
  const owned = { ...inputs, owner: "proj/alpha", labels: [{ key: "team", value: "x" }] };
  const required = { groupId: projectId, databaseName: "admin", username: "u", roles: inputs.roles };

  test("create stamps it next to the declared labels; the state shows it as ownedBy, never in labels, nor in refreshed inputs", () => {
    const body = createBodyFromInputs(owned, undefined);
    expect(body.labels).toEqual([{ key: "pulumi-atlas-users/owner", value: "proj/alpha" }, { key: "team", value: "x" }]);
    const after = stateFromApi(body, projectId, { owner: "proj/alpha" });
    expect(after).toMatchObject({ labels: [{ key: "team", value: "x" }], owner: "proj/alpha", ownedBy: "proj/alpha" });
    expect(inputsFromState(after)).toMatchObject({ labels: [{ key: "team", value: "x" }], owner: "proj/alpha" });
    expect(inputsFromState(after)).not.toHaveProperty("ownedBy");
  });

  test("no owner (a provider called without the resource class): no label", () => {
    expect(createBodyFromInputs(inputs, undefined).labels).toBeUndefined();
  });

  test("update: a missing stamp is added, another stack's is replaced, a label change keeps the stamp", () => {
    expect(updateBodyFromChanges(state, { ...inputs, owner: "proj/alpha" }, undefined)).toEqual({ ...required, labels: [OWNER] });
    expect(updateBodyFromChanges({ ...state, owner: "proj/alpha", ownedBy: "proj/beta" }, { ...inputs, owner: "proj/alpha" }, undefined))
      .toEqual({ ...required, labels: [OWNER] });
    expect(updateBodyFromChanges({ ...state, owner: "proj/alpha", ownedBy: "proj/alpha" }, { ...inputs, owner: "proj/alpha" }, undefined)).toBeUndefined();
    // Without an owner input, labels sent keep the stamp the user carries.
    expect(updateBodyFromChanges({ ...state, ownedBy: "proj/alpha" }, { ...inputs, labels: [{ key: "team", value: "x" }] }, undefined)?.labels)
      .toEqual([OWNER, { key: "team", value: "x" }]);
  });

  test("after a lost POST, a user carrying another stack's label is not ours", () => {
    const body = createBodyFromInputs(owned, undefined);
    expect(apiMatchesCreateBody(body as never, body)).toBe(true);
    const other = { ...body, labels: [{ key: "pulumi-atlas-users/owner", value: "proj/beta" }, { key: "team", value: "x" }] };
    expect(apiMatchesCreateBody(other as never, body)).toBe(false);
  });
});

describe("changedProperties: the owner", () => {
  test("a renamed stack is a change; state written before owner existed is not", () => {
    expect(changedProperties({ ...state, owner: "proj/old" }, { ...inputs, owner: "proj/new" })).toEqual(["owner"]);
    expect(changedProperties(state, { ...inputs, owner: "proj/new" })).toEqual([]);
  });
});
