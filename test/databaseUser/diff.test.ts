/**
 * `diff`: normalised comparison, replace vs update, delete-before-replace, and
 * the expiry rules decided from the state's deleteAfterDate against the
 * provider's clock. `diff` sends no request.
 */
import { provider } from "../../provider/databaseUser/provider";
import type { DatabaseUserInputs, DatabaseUserState } from "../../provider/databaseUser/schema";

const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";
const hour = 3600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, "Z");

const state: DatabaseUserState = {
  projectId,
  username: "app-user",
  databaseName: "admin",
  password: "first-password",
  roles: [{ roleName: "read", databaseName: "a" }, { roleName: "readWrite", databaseName: "b" }],
  scopes: [],
  labels: [{ key: "env", value: "dev" }],
  awsIAMType: "NONE",
  ldapAuthType: "NONE",
  oidcAuthType: "NONE",
  x509Type: "NONE",
  temporary: false,
};
const inputs: DatabaseUserInputs = {
  projectId,
  username: "app-user",
  databaseName: "admin",
  password: "first-password",
  roles: [{ roleName: "read", databaseName: "a" }, { roleName: "readWrite", databaseName: "b" }],
  labels: [{ key: "env", value: "dev" }],
};
const tempState = (deleteAfterDate: string, extra: Partial<DatabaseUserState> = {}): DatabaseUserState => ({
  ...state,
  deleteAfterDate,
  temporary: true,
  ...extra,
});

async function diff(olds: DatabaseUserState, news: DatabaseUserInputs) {
  return provider.diff("id", { ...olds, __provider: "old text" } as DatabaseUserState, news);
}

describe("DatabaseUser diff", () => {
  test.each<[string, DatabaseUserState, DatabaseUserInputs]>([
    ["identical", state, inputs],
    ["roles reordered", state, { ...inputs, roles: [...inputs.roles].reverse() }],
    ["scopes omitted vs none", state, { ...inputs, scopes: [] }],
    ["auth types omitted vs NONE", state, { ...inputs, x509Type: "NONE" }],
    ["description absent vs empty", state, { ...inputs, description: "" }],
    ["same instant, other spelling", tempState("2030-01-01T10:00:00Z"), { ...inputs, deleteAfterDate: "2030-01-01T11:00:00+01:00" }],
    ["same instant with milliseconds", tempState("2030-01-01T10:00:00Z"), { ...inputs, deleteAfterDate: "2030-01-01T10:00:00.000Z" }],
    ["expiresIn same length, other spelling", tempState(iso(23 * hour), { expiresIn: "1d" }), { ...inputs, expiresIn: "24h" }],
    ["expiresIn unchanged an hour later (the resolved date is an output)", tempState(iso(23 * hour), { expiresIn: "24h" }), { ...inputs, expiresIn: "24h" }],
  ])("no change: %s", async (_name, olds, news) => {
    expect(await diff(olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each<[string, DatabaseUserState, DatabaseUserInputs]>([
    ["a role added", state, { ...inputs, roles: [...inputs.roles, { roleName: "dbAdmin", databaseName: "c" }] }],
    ["a scope added", state, { ...inputs, scopes: [{ name: "c0", type: "CLUSTER" }] }],
    ["labels removed", state, { ...inputs, labels: undefined }],
    ["description set", state, { ...inputs, description: "app" }],
    ["password changed", state, { ...inputs, password: "second-password" }],
    ["expiresIn changed", tempState(iso(hour), { expiresIn: "2h" }), { ...inputs, expiresIn: "48h" }],
    ["deleteAfterDate extended", tempState(iso(hour)), { ...inputs, deleteAfterDate: iso(48 * hour) }],
    ["deleteAfterDate shortened", tempState(iso(48 * hour)), { ...inputs, deleteAfterDate: iso(hour) }],
    ["absolute date becomes expiresIn", tempState(iso(hour)), { ...inputs, expiresIn: "24h" }],
    ["onExpiry declared", tempState(iso(hour), { expiresIn: "2h" }), { ...inputs, expiresIn: "2h", onExpiry: "fail" }],
    ["adopt declared", state, { ...inputs, adopt: true }],
  ])("update in place: %s", async (_name, olds, news) => {
    expect(await diff(olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test.each<[string, DatabaseUserState, DatabaseUserInputs, string[], boolean]>([
    ["projectId", state, { ...inputs, projectId: "aaaaaaaaaaaaaaaaaaaaaaaa" }, ["projectId"], false],
    ["username", state, { ...inputs, username: "other" }, ["username"], false],
    ["databaseName and auth type", state, { ...inputs, password: undefined, databaseName: "$external", x509Type: "MANAGED" }, ["databaseName", "x509Type"], false],
    ["auth type on the same key", state, { ...inputs, password: undefined, ldapAuthType: "GROUP" }, ["ldapAuthType"], true],
    ["a permanent user gains expiresIn", state, { ...inputs, expiresIn: "24h" }, ["expiresIn"], true],
    ["a permanent user gains a date", state, { ...inputs, deleteAfterDate: iso(hour) }, ["deleteAfterDate"], true],
    ["a temporary user loses its date", tempState(iso(hour)), inputs, ["deleteAfterDate"], true],
    ["a relative user loses its expiry", tempState(iso(hour), { expiresIn: "2h" }), inputs, ["expiresIn", "deleteAfterDate"], true],
  ])("replace: %s", async (_name, olds, news, replaces, deleteBeforeReplace) => {
    const result = await diff(olds, news);
    expect(result.changes).toBe(true);
    expect([...(result.replaces ?? [])].sort()).toEqual([...replaces].sort());
    expect(result.deleteBeforeReplace).toBe(deleteBeforeReplace);
  });
});

describe("DatabaseUser diff once the user has expired (provider clock)", () => {
  const expired = iso(-60_000);

  test("expiresIn, default onExpiry: replace (delete first) with a fresh window", async () => {
    expect(await diff(tempState(expired, { expiresIn: "24h" }), { ...inputs, expiresIn: "24h" }))
      .toEqual({ changes: true, replaces: ["expiresIn"], deleteBeforeReplace: true });
  });

  test("expiresIn with onExpiry fail: an error saying what to do", async () => {
    await expect(diff(tempState(expired, { expiresIn: "24h", onExpiry: "fail" }), { ...inputs, expiresIn: "24h", onExpiry: "fail" }))
      .rejects.toThrow(/expired at .*set a new deleteAfterDate, use expiresIn.*or remove the resource/);
  });

  test("absolute date, default onExpiry: an error naming the date", async () => {
    await expect(diff(tempState(expired), { ...inputs, deleteAfterDate: expired }))
      .rejects.toThrow(new RegExp(`app-user \\(admin\\) in project ${projectId} expired at ${expired}`));
  });

  test("absolute date with onExpiry recreate but no new date: an error asking for a future date", async () => {
    await expect(diff(tempState(expired, { onExpiry: "recreate" }), { ...inputs, deleteAfterDate: expired, onExpiry: "recreate" }))
      .rejects.toThrow(/needs a future date/);
  });

  test("absolute date moved after expiry: replace with the new date", async () => {
    expect(await diff(tempState(expired), { ...inputs, deleteAfterDate: iso(24 * hour) }))
      .toEqual({ changes: true, replaces: ["deleteAfterDate"], deleteBeforeReplace: true });
  });

  test("switching to expiresIn after expiry: replace", async () => {
    expect(await diff(tempState(expired), { ...inputs, expiresIn: "1h" }))
      .toEqual({ changes: true, replaces: ["expiresIn"], deleteBeforeReplace: true });
  });

  test("not yet expired: nothing", async () => {
    const soon = iso(60_000);
    expect(await diff(tempState(soon), { ...inputs, deleteAfterDate: soon }))
      .toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
});

describe("DatabaseUser check and diff in a preview, with inputs not known yet", () => {
  // What the engine sends for another resource's output that does not exist yet.
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

  test("check judges only what is known", async () => {
    const result = await provider.check({}, { ...inputs, projectId: UNKNOWN, password: UNKNOWN });
    expect(result.failures ?? []).toEqual([]);
    const roles = await provider.check({}, { ...inputs, projectId: UNKNOWN, roles: UNKNOWN });
    expect(roles.failures ?? []).toEqual([]);
    // What is known is still checked.
    const bad = await provider.check({}, { ...inputs, projectId: UNKNOWN, description: "d".repeat(101) });
    expect(bad.failures).toEqual([{ property: "description", reason: expect.stringMatching(/at most 100/) }]);
  });

  test("an unknown projectId is a replace; unknown roles an update; the auth database is derived, not a change", async () => {
    const { databaseName: _db, ...undeclared } = inputs;
    expect(await diff(state, { ...undeclared, projectId: UNKNOWN } as DatabaseUserInputs))
      .toEqual({ changes: true, replaces: ["projectId"], deleteBeforeReplace: true });
    expect(await diff(state, { ...undeclared, roles: UNKNOWN } as unknown as DatabaseUserInputs))
      .toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await diff(state, { ...undeclared, description: UNKNOWN } as DatabaseUserInputs))
      .toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("an expired user whose new date is not known yet: a replace, not the expiry error", async () => {
    expect(await diff(tempState(iso(-60_000)), { ...inputs, deleteAfterDate: UNKNOWN }))
      .toEqual({ changes: true, replaces: ["deleteAfterDate"], deleteBeforeReplace: true });
  });
});
