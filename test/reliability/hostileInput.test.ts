/**
 * Hostile and malformed input through `check`, for all three resources:
 * unicode, control characters, very long strings, `../` and `%2F` in names,
 * `$` databases, prototype-pollution keys (`__proto__`, `constructor`) and
 * values of every type. `check` never throws, every failure names a
 * property and says what to do, nothing leaks onto `Object.prototype`, and
 * no request reaches the API. Then the names that `check` accepts but look
 * like paths go through a real create/read/delete and stay names.
 */
import fc from "fast-check";
import { propertyPath } from "../../provider/common/check";
import { resetContextsForTests as resetRuntimeForTests } from "../../provider/context";
import { provider as cloudUserProvider } from "../../provider/cloudUser/provider";
import { provider as databaseUserProvider } from "../../provider/databaseUser/provider";
import { provider as orgInvitationProvider } from "../../provider/orgInvitation/provider";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { expectNoValueShownFor, namesProperty } from "../support/checkFailures";
import { configureForEmulator } from "../support/provider";

jest.setTimeout(120_000);

const HEX = "5f1a2b3c4d5e6f7a8b9c0d1e";

interface Subject {
  name: string;
  provider: { check(olds: unknown, news: unknown): Promise<{ inputs?: unknown; failures?: { property: string; reason: string }[] }> };
  /** Every property the resource declares. */
  properties: readonly string[];
  /** The declared properties that hold secrets. */
  secretInputs: readonly string[];
  valid: () => Record<string, unknown>;
  /** Paths (into `valid()`) whose values the hostile generators replace. */
  paths: readonly (readonly (string | number)[])[];
}

const subjects: Subject[] = [
  {
    name: "DatabaseUser",
    provider: databaseUserProvider as Subject["provider"],
    properties: [
      "projectId", "username", "databaseName", "password", "roles", "scopes", "labels", "description", "awsIAMType",
      "ldapAuthType", "oidcAuthType", "x509Type", "deleteAfterDate", "expiresIn", "onExpiry", "adopt",
    ],
    secretInputs: ["password"],
    valid: () => ({
      projectId: HEX,
      username: "app-user",
      password: "a-long-enough-password",
      roles: [{ roleName: "readWrite", databaseName: "app", collectionName: "orders" }],
      scopes: [{ name: "Cluster0", type: "CLUSTER" }],
      labels: [{ key: "team", value: "payments" }],
      description: "service account for the app",
    }),
    paths: [
      ["projectId"], ["username"], ["databaseName"], ["password"], ["description"], ["expiresIn"], ["deleteAfterDate"],
      ["roles", 0, "roleName"], ["roles", 0, "databaseName"], ["roles", 0, "collectionName"],
      ["scopes", 0, "name"], ["labels", 0, "key"], ["labels", 0, "value"],
    ],
  },
  {
    name: "OrgInvitation",
    provider: orgInvitationProvider as Subject["provider"],
    properties: ["orgId", "username", "roles", "projectRoles", "teamIds", "reinvite", "adopt", "platform"],
    secretInputs: [],
    valid: () => ({
      orgId: HEX,
      username: "ada@example.com",
      roles: ["ORG_MEMBER"],
      projectRoles: [{ projectId: HEX, roles: ["GROUP_READ_ONLY"] }],
      teamIds: [HEX],
    }),
    paths: [["orgId"], ["username"], ["roles", 0], ["projectRoles", 0, "projectId"], ["projectRoles", 0, "roles", 0], ["teamIds", 0], ["reinvite"], ["platform"]],
  },
  {
    name: "CloudUser",
    provider: cloudUserProvider as Subject["provider"],
    properties: ["username", "password", "emailAddress", "firstName", "lastName", "mobileNumber", "country", "roles", "adopt", "platform"],
    secretInputs: ["password"],
    valid: () => ({
      username: "ada@example.com",
      password: "A long passphrase 42",
      firstName: "Ada",
      lastName: "Lovelace",
      country: "GB",
      mobileNumber: "+1 212 555 0100",
      roles: [{ orgId: HEX, roleName: "ORG_MEMBER" }],
    }),
    paths: [["username"], ["password"], ["firstName"], ["lastName"], ["country"], ["mobileNumber"], ["roles", 0, "roleName"], ["roles", 0, "orgId"], ["platform"]],
  },
];

/** Strings that have hurt path builders, parsers and loggers elsewhere. */
const NASTY = [
  "../", "../../admin", "..%2F..%2Fadmin", "a%2Fb", "%2e%2e%2f", "a/b", "a\\b", "?x=1&y=2", "#frag", "$external", "$where",
  "$", "admin\u0000", "\u202eevil", "💥🚀", "名前", "Ω≈ç√", "\ud800", "__proto__", "constructor", "prototype", "", " ", "\t\n",
  "null", "undefined", "NaN", "{}", "[]", "<script>alert(1)</script>", "'; DROP TABLE users; --", "%s%s%n", "${7*7}",
];

const hostileString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.tuple(fc.constantFrom("x", "é", "💥", "/", "%2F"), fc.integer({ min: 1_000, max: 200_000 })).map(([s, n]) => s.repeat(n)),
  fc.tuple(fc.constantFrom(...NASTY), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
);

const hostileValue = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.anything({ withNullPrototype: true, withObjectString: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }) },
);

/** Keys that pollute prototypes when a parser assigns them naively. */
const pollutingKey = fc.constantFrom("__proto__", "constructor", "prototype", "__defineGetter__", "hasOwnProperty", "toString");

/** Sets an own property, even for `__proto__` (a plain assignment would change the prototype instead). */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

function setPath(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== "object") return;
    node = node[part] as Record<string | number, unknown>;
  }
  defineOwn(node as Record<string, unknown>, String(path[path.length - 1]), value);
}

/** A valid input with 1-3 values made hostile and maybe a polluting key added (top level or in roles[0]). */
function hostileArgs(subject: Subject) {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...subject.paths), hostileValue), { minLength: 1, maxLength: 3 }),
      fc.option(fc.tuple(pollutingKey, fc.constantFrom("top", "nested"), fc.oneof(fc.constant({ polluted: "yes", adopt: true }), hostileValue)), { nil: undefined }),
    )
    .map(([changes, pollution]) => {
      const args = subject.valid();
      for (const [path, value] of changes) setPath(args, path, value);
      if (pollution) {
        const [key, where, value] = pollution;
        const roles = args.roles as unknown[] | undefined;
        const target = where === "nested" && roles && roles[0] !== null && typeof roles[0] === "object" ? (roles[0] as Record<string, unknown>) : args;
        defineOwn(target, key, value);
      }
      return args;
    });
}

/**
 * A failure names (as its property, or at the start of its reason) a declared
 * property (or a nested path under one), or the unknown key as given; and
 * never makes the engine print a secret or an undeclared key's value.
 */
function expectFailuresNameProperties(subject: Subject, news: unknown, failures: readonly { property: string; reason: string }[]): void {
  for (const f of failures) {
    expect(typeof f.reason).toBe("string");
    expect(f.reason.trim().length).toBeGreaterThan(3);
    expect(typeof f.property).toBe("string");
    if (news === null || typeof news !== "object" || Array.isArray(news)) continue;
    const named = f.property !== "" ? f.property : f.reason;
    const declared = subject.properties.some((p) => namesProperty(f, p) || named.startsWith(`${p}[`) || named.startsWith(`${p}.`));
    const unknownKey = Object.keys(news).some((k) => namesProperty(f, propertyPath([k])));
    if (!declared && !unknownKey) throw new Error(`${subject.name}: failure names no property: ${JSON.stringify(f)}`);
  }
  expectNoValueShownFor(news, failures, subject.properties, subject.secretInputs);
}

function expectPrototypesClean(): void {
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(probe.adopt).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
}

let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await startTestEmulator();
  // The host configures each resource type's provider (each keeps the run context configure built).
  for (const provider of [databaseUserProvider, orgInvitationProvider, cloudUserProvider]) await configureForEmulator(provider, emu);
});

afterAll(async () => {
  await resetRuntimeForTests();
  await emu?.close();
});

describe.each(subjects)("$name check with hostile input", (subject) => {
  test("the valid base input is accepted (so rejections below are about the hostile parts)", async () => {
    const result = await subject.provider.check({}, subject.valid());
    expect(result.failures ?? []).toEqual([]);
  });

  test("never throws; failures name properties; accepted inputs keep plain prototypes", async () => {
    await emulatorControl.clearRequests(emu);
    let rejected = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(hostileArgs(subject), async (news) => {
        const result = await subject.provider.check({}, news);
        const failures = result.failures ?? [];
        if (failures.length > 0) {
          rejected++;
          expectFailuresNameProperties(subject, news, failures);
        } else {
          accepted++;
          const inputs = result.inputs as Record<string, unknown>;
          expect(Object.getPrototypeOf(inputs)).toBe(Object.prototype);
          // Only declared properties come through, never a polluting key.
          for (const key of Object.keys(inputs)) expect(subject.properties).toContain(key);
        }
        expectPrototypesClean();
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(0);
    expect(accepted + rejected).toBe(300);
    // check is decided locally: not one request reached the API.
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });

  test("a polluting key, as JSON.parse produces it, is refused by name and changes nothing", async () => {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const news = { ...subject.valid(), ...JSON.parse(`{"${key}": {"adopt": true, "polluted": "yes"}}`) };
      expect(Object.prototype.hasOwnProperty.call(news, key)).toBe(true);
      const result = await subject.provider.check({}, news);
      expect((result.failures ?? []).filter((f) => namesProperty(f, propertyPath([key])))).not.toEqual([]);
      expectPrototypesClean();
    }
  });

  test("arbitrary values anywhere (not even an object) never throw", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, fc.dictionary(fc.oneof(fc.constantFrom(...subject.properties), pollutingKey, hostileString), hostileValue)),
        async (news) => {
          const result = await subject.provider.check({}, news);
          expectFailuresNameProperties(subject, news, result.failures ?? []);
          expectPrototypesClean();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("names that look like paths stay names, end to end", () => {
  const names = ["../../orgs", "a%2Fb", "..%2F..", "x/y/../z", "ünï😀/../%", "$external", "..", "."];
  /** How the name must appear in the path: one segment, and never a dot segment (`.`/`..` spelt %2E). */
  const segment = (name: string) => (name === "." || name === ".." ? name.replace(/\./g, "%2E") : encodeURIComponent(name));

  test.each(names)("database user %j: created, read and deleted under exactly that name", async (username) => {
    const checked = await databaseUserProvider.check({}, {
      projectId: emu.projectId,
      username,
      password: "a-long-enough-password",
      roles: [{ roleName: "read", databaseName: "app" }],
    });
    expect(checked.failures ?? []).toEqual([]);
    const created = await databaseUserProvider.create(checked.inputs as never);
    const state = (await emulatorControl.state(emu)) as { databaseUsers: { username: string; databaseName: string }[] };
    expect(state.databaseUsers.map((u) => u.username)).toEqual([username]);
    const read = await databaseUserProvider.read(created.id, created.outs as never);
    expect(read.props).toMatchObject({ username, databaseName: "admin" });
    await databaseUserProvider.delete(created.id, created.outs as never);
    const after = (await emulatorControl.state(emu)) as { databaseUsers: unknown[] };
    expect(after.databaseUsers).toEqual([]);
    // Every request addressed the collection or that one user, encoded; none escaped it.
    const log = await emulatorControl.requests(emu);
    const userPaths = log.filter((r) => r.path.includes("/databaseUsers/")).map((r) => r.path);
    expect(userPaths.length).toBeGreaterThan(0);
    for (const p of userPaths) {
      expect(p).toBe(`/api/atlas/v2/groups/${emu.projectId}/databaseUsers/admin/${segment(username)}`);
    }
    await emulatorControl.clearRequests(emu);
  });
});
