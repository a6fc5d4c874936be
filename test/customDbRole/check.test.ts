/**
 * CustomDbRole's `check`: the privilege actions are exactly the spec's enum,
 * Atlas's rules are refused before any request (each naming the property),
 * inputs come back normalised, and a stack on a platform without custom
 * roles is refused. No network: the platform comes from the stack config.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PRIVILEGE_ACTIONS } from "../../provider/customDbRole/actions";
import { provider } from "../../provider/customDbRole/provider";
import { CONFIG_KEYS } from "../../provider/config";
import { resetContextsForTests } from "../../provider/context";

const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";
const FIND = { action: "FIND", resources: [{ db: "app" }] };

async function configure(platform?: string) {
  await resetContextsForTests();
  const config: Record<string, string> = {
    [CONFIG_KEYS.publicKey]: "pubkey00",
    [CONFIG_KEYS.privateKey]: "00000000-0000-0000-0000-000000000000",
    ...(platform ? { [CONFIG_KEYS.platform]: platform } : {}),
    ...(platform === "ops-manager" ? { [CONFIG_KEYS.baseUrl]: "https://ops.example.com" } : {}),
  };
  await provider.configure({ config: { get: (key: string) => config[key] } } as never);
}

const failuresOf = async (news: Record<string, unknown>) =>
  ((await provider.check({}, { projectId, roleName: "app", ...news })).failures ?? []).map((f) => `${f.property}: ${f.reason}`);

beforeAll(() => configure());
afterAll(() => resetContextsForTests());

test("the provider's privilege actions are the official spec's DatabasePrivilegeAction enum, in full", () => {
  const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "../../emulator/spec/atlas-admin-v2-users-subset.json"), "utf8"));
  const enumValues: string[] = spec.components.schemas.DatabasePrivilegeAction.properties.action.enum;
  expect(Object.keys(PRIVILEGE_ACTIONS).sort()).toEqual([...enumValues].sort());
});

test("valid inputs come back sorted: actions by name, resources and inherited roles as sets", async () => {
  const result = await provider.check({}, {
    projectId,
    roleName: "app",
    actions: [{ action: "SERVER_STATUS", resources: [{ cluster: true }] }, { action: "FIND", resources: [{ db: "b" }, { db: "a", collection: "c" }] }],
    inheritedRoles: [{ roleName: "readWrite", databaseName: "z" }, { roleName: "read", databaseName: "a" }],
  });
  expect(result.failures ?? []).toEqual([]);
  expect(result.inputs).toEqual({
    projectId,
    roleName: "app",
    actions: [{ action: "FIND", resources: [{ collection: "c", db: "a" }, { db: "b" }] }, { action: "SERVER_STATUS", resources: [{ cluster: true }] }],
    inheritedRoles: [{ roleName: "read", databaseName: "a" }, { roleName: "readWrite", databaseName: "z" }],
  });
});

test.each([
  ["an unknown action", { actions: [{ action: "DROP_EVERYTHING", resources: [{ db: "a" }] }] }, /^actions\[0\]\.action: action must be one of Atlas's privilege actions/],
  ["a cluster action on a database", { actions: [{ action: "LIST_DATABASES", resources: [{ db: "a" }] }] }, /^actions\[0\]\.resources\[0\]: LIST_DATABASES is a cluster-wide action/],
  ["a database action on the cluster", { actions: [{ action: "FIND", resources: [{ cluster: true }] }] }, /^actions\[0\]\.resources\[0\]: FIND applies to a database or collection/],
  ["a resource with neither db nor cluster", { actions: [{ action: "FIND", resources: [{ collection: "c" }] }] }, /needs db .* or cluster: true/],
  ["a resource with both", { actions: [{ action: "ENABLE_SHARDING", resources: [{ cluster: true, db: "a" }] }] }, /either \{cluster: true\} or \{db, collection\?\}/],
  ["an action listed twice", { actions: [FIND, { action: "FIND", resources: [{ db: "b" }] }] }, /^actions\[1\]\.action: FIND is listed twice/],
  ["a resource listed twice", { actions: [{ action: "FIND", resources: [{ db: "a" }, { db: "a" }] }] }, /^actions\[0\]\.resources\[1\]: this resource is listed twice/],
  ["no permissions", {}, /^actions: a custom role needs at least one action or inherited role/],
  ["a built-in role's name", { roleName: "readWrite", actions: [FIND] }, /^roleName: readWrite is a built-in role/],
  ["the reserved prefix", { roleName: "xgen-app", actions: [FIND] }, /^roleName: the prefix "xgen-" is reserved/],
  ["a name with a space", { roleName: "my role", actions: [FIND] }, /^roleName: roleName may hold only ASCII letters/],
  ["itself inherited", { inheritedRoles: [{ roleName: "app", databaseName: "admin" }] }, /inherit from itself/],
  ["a custom role inherited on another database", { inheritedRoles: [{ roleName: "otherCustom", databaseName: "app" }] }, /^inheritedRoles\[0\]\.databaseName: otherCustom is not a built-in role/],
])("refuses %s", async (_what, news, message) => {
  const failures = await failuresOf(news);
  expect(failures.some((f) => message.test(f))).toBe(true);
});

test.each(["cloud-manager", "ops-manager"])("a stack on %s is refused at check: custom roles exist only on Atlas", async (platform) => {
  await configure(platform);
  try {
    expect(await failuresOf({ actions: [FIND] })).toEqual([
      expect.stringMatching(/^projectId: custom database roles exist only on Atlas, and this stack's platform is (Cloud|Ops) Manager/),
    ]);
  } finally {
    await configure();
  }
});
