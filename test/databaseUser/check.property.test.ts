/**
 * Property-based tests of `check`: whatever a program passes, `check` never
 * throws and sends no request; every valid input is accepted and normalised
 * for good; every input that breaks one of the schema's rules is rejected
 * with a failure naming the property that rule is about; and a rejected input
 * always gets failures that each name a property and give a reason.
 */
import fc from "fast-check";
import { propertyPath } from "../../provider/common/check";
import { provider } from "../../provider/databaseUser/provider";
import { expectNoValueShownFor, namesProperty } from "../support/checkFailures";
import { controlChar } from "../support/checkFuzz";
import { emulatorControl } from "../support/emulator";
import { atlasRequests, useEmulatorForProvider } from "./support";

// The provider is configured for an emulator so that any request check sent would be seen.
const env = useEmulatorForProvider();

const PROJECT_ID = "5f1a2b3c4d5e6f7a8b9c0d1e";
const AUTH_PROPERTIES = ["awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type"] as const;
/** Inputs whose values are secrets: a failure about one must not make the engine print it. */
const SECRET_INPUTS = ["password"];
const PROPERTIES = [
  "projectId", "username", "databaseName", "password", "roles", "scopes", "labels", "description",
  ...AUTH_PROPERTIES, "deleteAfterDate", "expiresIn", "onExpiry", "adopt", "owner",
];
/** Built-in roles that exist only on the admin database (Atlas: ATLAS_INVALID_ROLE_DATABASE). */
const ADMIN_ONLY_ROLES = ["atlasAdmin", "backup", "clusterMonitor", "dbAdminAnyDatabase", "enableSharding", "readAnyDatabase", "readWriteAnyDatabase"];
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

type Args = Record<string, unknown>;

const word = fc.string({ unit: fc.constantFrom(..."abcxyz019-"), minLength: 1, maxLength: 8 }).filter((s) => /^[a-z0-9]/.test(s));

/** The auth part of a valid user: auth type, matching username, password only for SCRAM. */
const scramAuth = word.map((u) => ({ username: u, password: `${u}-password` }));
const nonScramAuth = fc.oneof(
  word.map((cn) => ({ x509Type: "CUSTOMER", username: `CN=${cn},OU=eng,O=acme` })),
  word.map((u) => ({ x509Type: "MANAGED", username: u })),
  fc.tuple(fc.constantFrom("USER", "ROLE"), word).map(([t, n]) => ({ awsIAMType: t, username: `arn:aws:iam::123456789012:${t.toLowerCase()}/${n}` })),
  fc.tuple(fc.constantFrom("USER", "GROUP"), word).map(([t, n]) => ({ ldapAuthType: t, username: `CN=${n},DC=example,DC=com` })),
  fc.tuple(fc.constantFrom("USER", "IDP_GROUP"), word).map(([t, n]) => ({ oidcAuthType: t, username: `idp/${n}` })),
);

/** The auth type in effect, written out here rather than taken from the schema. */
function authOf(args: Args): { property: (typeof AUTH_PROPERTIES)[number]; value: string } | undefined {
  for (const property of AUTH_PROPERTIES) {
    const value = args[property];
    if (typeof value === "string" && value !== "NONE") return { property, value };
  }
  return undefined;
}

/** The authentication database of an auth type (seed 004): admin for SCRAM, LDAP groups and OIDC workforce groups. */
function authDatabase(args: Args): "admin" | "$external" {
  const auth = authOf(args);
  if (auth === undefined) return "admin";
  if (auth.property === "ldapAuthType" && auth.value === "GROUP") return "admin";
  if (auth.property === "oidcAuthType" && auth.value === "IDP_GROUP") return "admin";
  return "$external";
}

/** A valid auth part, sometimes with the other auth types spelled "NONE" and the auth database given explicitly. */
const validAuth = fc
  .tuple(fc.oneof(scramAuth, nonScramAuth), fc.subarray([...AUTH_PROPERTIES]), fc.boolean())
  .map(([auth, nones, explicitDatabase]) => {
    const out: Args = { ...auth };
    for (const p of nones) if (!(p in out)) out[p] = "NONE";
    if (explicitDatabase) out.databaseName = authDatabase(out);
    return out;
  });

const validExpiry = fc.oneof(
  fc.constant({}),
  fc.record({ expiresIn: fc.constantFrom("90m", "24h", "7d", "1h30m", "3s", "1s", "168h", "6d23h59m59s"), onExpiry: fc.constantFrom("recreate", "fail", undefined) }),
  fc.record({
    deleteAfterDate: fc.integer({ min: 1, max: 24 * 7 - 1 }).map((h) => new Date(Date.now() + h * HOUR_MS).toISOString()),
    onExpiry: fc.constantFrom("recreate", "fail", undefined),
  }),
);

const validRole = fc.oneof(
  fc.record({ roleName: fc.constantFrom("read", "readWrite", "dbAdmin"), databaseName: word, collectionName: fc.option(word, { nil: undefined }) }),
  fc.record({ roleName: fc.constantFrom(...ADMIN_ONLY_ROLES), databaseName: fc.constant("admin") }),
);
const validScope = fc.record({ name: word, type: fc.constantFrom("CLUSTER", "DATA_LAKE", "STREAM") });
const validLabel = fc.record({ key: word, value: word });

const validArgs = fc
  .tuple(
    validAuth,
    validExpiry,
    fc.uniqueArray(validRole, { minLength: 1, maxLength: 4, selector: (r) => `${r.roleName}@${r.databaseName}/${"collectionName" in r ? r.collectionName : ""}` }),
    fc.option(fc.uniqueArray(validScope, { maxLength: 3, selector: (s) => `${s.name}/${s.type}` }), { nil: undefined }),
    fc.option(fc.uniqueArray(validLabel, { maxLength: 3, selector: (l) => `${l.key}=${l.value}` }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
    fc.option(fc.constantFrom(true, false, "takeover"), { nil: undefined }),
    fc.option(fc.tuple(word, word).map(([project, stack]) => `${project}/${stack}`), { nil: undefined }),
  )
  .map(([auth, expiry, roles, scopes, labels, description, adopt, owner]): Args =>
    dropUndefined<Args>({ projectId: PROJECT_ID, ...auth, ...expiry, roles: roles.map(dropUndefined), scopes, labels, description, adopt, owner }),
  );

function dropUndefined<T extends object>(obj: T): T {
  const out = { ...obj } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as T;
}

/** A valid input with one property replaced by anything, removed, or an extra key added. */
const mutatedArgs = fc.tuple(validArgs, fc.constantFrom(...PROPERTIES, "extra", ". ", ""), fc.anything(), fc.boolean()).map(
  ([args, key, value, remove]) => {
    const out = { ...args };
    if (remove) delete out[key];
    else out[key] = value;
    return out;
  },
);

/** An input that breaks one rule, and the property its failure must name. */
type Invalid = { property: string; args: Args };

/** `base` without the `remove`d properties, with `changes` applied. */
function edit(base: Args, changes: Args = {}, remove: readonly string[] = []): Args {
  const out = { ...base };
  for (const key of remove) delete out[key];
  return { ...out, ...changes };
}
const AUTH_FIELDS = ["username", "password", "databaseName", ...AUTH_PROPERTIES];
const EXPIRY_FIELDS = ["deleteAfterDate", "expiresIn", "onExpiry"];

/** A rule broken on a random valid base. */
function rule<T>(values: fc.Arbitrary<T>, breakIt: (base: Args, value: T) => Invalid): fc.Arbitrary<Invalid> {
  return fc.tuple(validArgs, values).map(([base, value]) => breakIt(base, value));
}

/** Element `at` (modulo the length) of `base[list]`, made non-empty with `fallback`, replaced by `change(element)`. */
function editElement(base: Args, list: string, at: number, fallback: Args, change: (element: Args) => unknown): { args: Args; path: string } {
  const items: unknown[] = [...((base[list] as Args[] | undefined) ?? [])];
  if (items.length === 0) items.push(fallback);
  const i = at % items.length;
  items[i] = change({ ...(items[i] as Args) });
  return { args: edit(base, { [list]: items }), path: `${list}[${i}]` };
}

/** `base[list]` (made non-empty with `fallback`) with a copy of one element inserted after it, keys reordered when `reorder`. */
function duplicateElement(base: Args, list: string, [a, b, reorder]: [number, number, boolean], fallback: Args): Invalid {
  const items = [...((base[list] as Args[] | undefined) ?? [])];
  if (items.length === 0) items.push(fallback);
  const i = a % items.length;
  const j = i + 1 + (b % (items.length - i));
  const copy = reorder ? Object.fromEntries(Object.entries(items[i]).reverse()) : { ...items[i] };
  items.splice(j, 0, copy);
  return { property: `${list}[${j}]`, args: edit(base, { [list]: items }) };
}

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(word, { maxLength: 2 }), fc.dictionary(word, word, { maxKeys: 2 }));
const notAnArray = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), word, fc.dictionary(word, word, { maxKeys: 2 }));
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), word, fc.array(word, { maxLength: 2 }));
const notABoolean = fc.oneof(fc.integer(), fc.constant(null), fc.constantFrom("true", "false", "yes"), fc.array(fc.boolean(), { maxLength: 1 }));
const position = fc.nat({ max: 1000 });
const duplicatePositions = fc.tuple(position, position, fc.boolean());
/** Text over `max` characters, often exactly one over. */
const textLongerThan = (max: number) =>
  fc.oneof(fc.constant(max + 1), fc.integer({ min: max + 2, max: max + 300 })).map((n) => "x".repeat(n));

/** Within-window expiry without onExpiry. */
const temporary = fc.oneof(
  fc.constantFrom("90m", "24h", "7d").map((expiresIn) => ({ expiresIn })),
  fc.integer({ min: 1, max: 167 }).map((h) => ({ deleteAfterDate: new Date(Date.now() + h * HOUR_MS).toISOString() })),
);

const AUTH_VALUES: Record<(typeof AUTH_PROPERTIES)[number], string[]> = {
  awsIAMType: ["NONE", "USER", "ROLE"],
  ldapAuthType: ["NONE", "GROUP", "USER"],
  oidcAuthType: ["NONE", "IDP_GROUP", "USER"],
  x509Type: ["NONE", "CUSTOMER", "MANAGED"],
};
const AUTH_VALUE_CANDIDATES = ["NONE", "USER", "ROLE", "GROUP", "IDP_GROUP", "CUSTOMER", "MANAGED", "user", "none", "SCRAM", "", "Managed"];

/** One family of known-invalid inputs per rule of the schema (and of check's date window). */
const INVALID: Record<string, fc.Arbitrary<Invalid>> = {
  // projectId: required, a string, 24 lowercase hexadecimal digits.
  "projectId missing": rule(fc.constant(null), (b) => ({ property: "projectId", args: edit(b, {}, ["projectId"]) })),
  "projectId not a string": rule(notAString, (b, v) => ({ property: "projectId", args: edit(b, { projectId: v }) })),
  "projectId not 24 lowercase hex digits": rule(
    fc.oneof(
      fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), maxLength: 40 }).filter((s) => s.length !== 24),
      fc.constantFrom(PROJECT_ID.slice(1), `${PROJECT_ID}0`),
      fc.tuple(fc.nat({ max: 23 }), fc.constantFrom(..."ABCDEFgz-_ ")).map(([i, c]) => PROJECT_ID.slice(0, i) + c + PROJECT_ID.slice(i + 1)),
      fc.constantFrom(` ${PROJECT_ID}`, `${PROJECT_ID}\n`),
    ),
    (b, v) => ({ property: "projectId", args: edit(b, { projectId: v }) }),
  ),

  // username: required, a non-empty string of at most 1024 characters, no control characters, shaped by the auth type.
  "username missing": rule(fc.constant(null), (b) => ({ property: "username", args: edit(b, {}, ["username"]) })),
  "username not a string": rule(notAString, (b, v) => ({ property: "username", args: edit(b, { username: v }) })),
  "username empty": rule(fc.constant(""), (b, v) => ({ property: "username", args: edit(b, { username: v }) })),
  "username over 1024 characters": rule(
    fc.tuple(textLongerThan(1024), fc.constantFrom<Args>({ password: "long-enough" }, { x509Type: "MANAGED" })),
    (b, [name, auth]) => ({ property: "username", args: edit(b, { ...auth, username: name }, AUTH_FIELDS) }),
  ),
  "username with a control character (NUL, newline, tab...)": rule(
    fc.tuple(controlChar, fc.nat()),
    (b, [c, at]) => {
      const name = b.username as string;
      const i = at % (name.length + 1);
      return { property: "username", args: edit(b, { username: name.slice(0, i) + c + name.slice(i) }) };
    },
  ),
  "username not shaped for its auth type": rule(
    fc.oneof(
      word.map((n) => ({ awsIAMType: "USER", username: `arn:aws:iam::123456789012:role/${n}` })),
      word.map((n) => ({ awsIAMType: "ROLE", username: `arn:aws:iam::123456789012:user/${n}` })),
      fc.tuple(fc.constantFrom("USER", "ROLE"), word).map(([t, n]) => ({ awsIAMType: t, username: n })),
      fc.tuple(fc.constantFrom("USER", "ROLE"), word).map(([t, n]) => ({ awsIAMType: t, username: `arn:aws:iam::12345678901:${t.toLowerCase()}/${n}` })),
      word.map((n) => ({ x509Type: "CUSTOMER", username: n })),
      word.map((n) => ({ x509Type: "CUSTOMER", username: `OU=${n},O=acme` })),
      fc.tuple(fc.constantFrom("USER", "GROUP"), word).map(([t, n]) => ({ ldapAuthType: t, username: n })),
      fc.tuple(fc.constantFrom("USER", "IDP_GROUP"), word).map(([t, n]) => ({ oidcAuthType: t, username: n })),
      fc.tuple(fc.constantFrom("USER", "IDP_GROUP"), word).map(([t, n]) => ({ oidcAuthType: t, username: `${n}/` })),
      fc.tuple(fc.constantFrom("USER", "IDP_GROUP"), word).map(([t, n]) => ({ oidcAuthType: t, username: `/${n}` })),
    ),
    (b, auth) => ({ property: "username", args: edit(b, auth, AUTH_FIELDS) }),
  ),

  // databaseName: "admin" or "$external", and the one the auth type uses.
  "databaseName not admin or $external": rule(
    fc.oneof(word, fc.constantFrom("Admin", "external", "$EXTERNAL", "", "local"), notAString),
    (b, v) => ({ property: "databaseName", args: edit(b, { databaseName: v }) }),
  ),
  "databaseName not the auth type's": rule(fc.constant(null), (b) => ({
    property: "databaseName",
    args: edit(b, { databaseName: authDatabase(b) === "admin" ? "$external" : "admin" }),
  })),

  // password: required for SCRAM, at least 8 characters, and for SCRAM only.
  "password missing on a SCRAM user": rule(word, (b, name) => ({ property: "password", args: edit(b, { username: name }, AUTH_FIELDS) })),
  "password shorter than 8 characters or not a string": rule(
    fc.tuple(word, fc.oneof(fc.string({ maxLength: 7 }), notAString)),
    (b, [name, password]) => ({ property: "password", args: edit(b, { username: name, password }, AUTH_FIELDS) }),
  ),
  "password on a user of another auth type": rule(
    fc.tuple(nonScramAuth, fc.string({ minLength: 8, maxLength: 30 })),
    (b, [auth, password]) => ({ property: "password", args: edit(b, { ...auth, password }, AUTH_FIELDS) }),
  ),

  // roles: required, a list of at least one {roleName, databaseName, collectionName?}, no duplicates,
  // admin-only roles on admin.
  "roles missing": rule(fc.constant(null), (b) => ({ property: "roles", args: edit(b, {}, ["roles"]) })),
  "roles not a list": rule(notAnArray, (b, v) => ({ property: "roles", args: edit(b, { roles: v }) })),
  "roles empty": rule(fc.constant([]), (b, v) => ({ property: "roles", args: edit(b, { roles: v }) })),
  "a role not an object": rule(fc.tuple(position, notAnObject), (b, [at, v]) => {
    const { args, path } = editElement(b, "roles", at, {}, () => v);
    return { property: path, args };
  }),
  "a role's roleName or databaseName missing, empty or not a string": rule(
    fc.tuple(position, fc.constantFrom("roleName", "databaseName"), fc.oneof(fc.constant(undefined), fc.constant(""), notAString)),
    (b, [at, field, v]) => {
      const { args, path } = editElement(b, "roles", at, {}, (role) => dropUndefined({ ...role, [field]: v }));
      return { property: `${path}.${field}`, args };
    },
  ),
  "a role's collectionName empty or not a string": rule(fc.tuple(position, fc.oneof(fc.constant(""), notAString)), (b, [at, v]) => {
    const { args, path } = editElement(b, "roles", at, {}, (role) => ({ ...role, collectionName: v }));
    return { property: `${path}.collectionName`, args };
  }),
  "a role with an unknown key": rule(fc.tuple(position, fc.constantFrom("db", "role", "collection", "name")), (b, [at, key]) => {
    const { args, path } = editElement(b, "roles", at, {}, (role) => ({ ...role, [key]: "x" }));
    return { property: `${path}.${key}`, args };
  }),
  "an admin-only role on another database": rule(fc.tuple(position, fc.constantFrom(...ADMIN_ONLY_ROLES), word), (b, [at, roleName, db]) => {
    const { args, path } = editElement(b, "roles", at, {}, () => ({ roleName, databaseName: db }));
    return { property: `${path}.databaseName`, args };
  }),
  "a custom role (not a built-in name) on a database other than admin": rule(fc.tuple(position, word, word), (b, [at, name, db]) => {
    const { args, path } = editElement(b, "roles", at, {}, () => ({ roleName: `custom${name}`, databaseName: db }));
    return { property: `${path}.databaseName`, args };
  }),
  "a role listed twice": rule(duplicatePositions, (b, p) => duplicateElement(b, "roles", p, {})),

  // scopes: a list of {name, type}; name letters, digits and hyphens, not starting with a hyphen;
  // type CLUSTER, DATA_LAKE or STREAM; no duplicates.
  "scopes not a list": rule(notAnArray, (b, v) => ({ property: "scopes", args: edit(b, { scopes: v }) })),
  "a scope not an object": rule(fc.tuple(position, validScope, notAnObject), (b, [at, fallback, v]) => {
    const { args, path } = editElement(b, "scopes", at, fallback, () => v);
    return { property: path, args };
  }),
  "a scope's name missing or malformed": rule(
    fc.tuple(position, validScope, fc.oneof(
      fc.constant(undefined), notAString, fc.constantFrom("", "a_b", "a b", "a.b", "ü", " a", "a/b"), word.map((w) => `-${w}`), word.map((w) => `${w}_`),
    )),
    (b, [at, fallback, v]) => {
      const { args, path } = editElement(b, "scopes", at, fallback, (scope) => dropUndefined({ ...scope, name: v }));
      return { property: `${path}.name`, args };
    },
  ),
  "a scope's type missing or not CLUSTER, DATA_LAKE or STREAM": rule(
    fc.tuple(position, validScope, fc.oneof(fc.constant(undefined), notAString, fc.constantFrom("cluster", "SERVERLESS", "DATA-LAKE", "", "STREAMS"))),
    (b, [at, fallback, v]) => {
      const { args, path } = editElement(b, "scopes", at, fallback, (scope) => dropUndefined({ ...scope, type: v }));
      return { property: `${path}.type`, args };
    },
  ),
  "a scope with an unknown key": rule(fc.tuple(position, validScope, fc.constantFrom("id", "kind", "cluster")), (b, [at, fallback, key]) => {
    const { args, path } = editElement(b, "scopes", at, fallback, (scope) => ({ ...scope, [key]: "x" }));
    return { property: `${path}.${key}`, args };
  }),
  "a scope listed twice": rule(fc.tuple(duplicatePositions, validScope), (b, [p, fallback]) => duplicateElement(b, "scopes", p, fallback)),

  // labels: a list of {key, value}, each 1 to 255 characters; no duplicates.
  "labels not a list": rule(notAnArray, (b, v) => ({ property: "labels", args: edit(b, { labels: v }) })),
  "a label not an object": rule(fc.tuple(position, validLabel, notAnObject), (b, [at, fallback, v]) => {
    const { args, path } = editElement(b, "labels", at, fallback, () => v);
    return { property: path, args };
  }),
  "a label's key or value missing, empty, over 255 characters or not a string": rule(
    fc.tuple(position, validLabel, fc.constantFrom("key", "value"), fc.oneof(fc.constant(undefined), fc.constant(""), textLongerThan(255), notAString)),
    (b, [at, fallback, field, v]) => {
      const { args, path } = editElement(b, "labels", at, fallback, (label) => dropUndefined({ ...label, [field]: v }));
      return { property: `${path}.${field}`, args };
    },
  ),
  "a label with an unknown key": rule(fc.tuple(position, validLabel, fc.constantFrom("name", "val", "tag")), (b, [at, fallback, key]) => {
    const { args, path } = editElement(b, "labels", at, fallback, (label) => ({ ...label, [key]: "x" }));
    return { property: `${path}.${key}`, args };
  }),
  "a label listed twice": rule(fc.tuple(duplicatePositions, validLabel), (b, [p, fallback]) => duplicateElement(b, "labels", p, fallback)),
  "a label with the reserved ownership key": rule(fc.tuple(position, validLabel), (b, [at, fallback]) => {
    const { args, path } = editElement(b, "labels", at, fallback, (label) => ({ ...label, key: "pulumi-atlas-users/owner" }));
    return { property: `${path}.key`, args };
  }),

  // description: a string of at most 100 characters.
  "description over 100 characters or not a string": rule(
    fc.oneof(fc.string({ minLength: 101, maxLength: 300 }), textLongerThan(100), notAString),
    (b, v) => ({ property: "description", args: edit(b, { description: v }) }),
  ),

  // Auth types: each one of its own values; at most one not NONE.
  "an auth type with a value it does not take": rule(
    fc.constantFrom(...AUTH_PROPERTIES).chain((p) =>
      fc.tuple(fc.constant(p), fc.oneof(fc.constantFrom(...AUTH_VALUE_CANDIDATES.filter((v) => !AUTH_VALUES[p].includes(v))), notAString)),
    ),
    (b, [p, v]) => ({ property: p, args: edit(b, { [p]: v }) }),
  ),
  "two auth types set": rule(
    fc.tuple(nonScramAuth, fc.constantFrom(...AUTH_PROPERTIES), fc.nat({ max: 1 })),
    (b, [auth, other, pick]) => {
      const first = authOf(auth)!.property;
      const second = other === first ? AUTH_PROPERTIES[(AUTH_PROPERTIES.indexOf(other) + 1) % AUTH_PROPERTIES.length] : other;
      const value = AUTH_VALUES[second][1 + pick];
      // The later of the two in the schema's order is the one reported as extra.
      const later = AUTH_PROPERTIES.indexOf(first) > AUTH_PROPERTIES.indexOf(second) ? first : second;
      return { property: later, args: edit(b, { ...auth, [second]: value }, AUTH_FIELDS) };
    },
  ),

  // deleteAfterDate: an ISO 8601 date-time with a zone, in the future, at most 7 days ahead;
  // not together with expiresIn.
  "deleteAfterDate not a string": rule(notAString, (b, v) => ({ property: "deleteAfterDate", args: edit(b, { deleteAfterDate: v }, ["expiresIn"]) })),
  "deleteAfterDate not a date-time with a zone": rule(
    fc.oneof(
      fc.constantFrom("2030-01-01", "2030-02-30T00:00:00Z", "2030-01-01T24:00:00Z", "2030-13-01T00:00:00Z", "2030-01-01T00:00:00+25:00", "tomorrow", "", "1735689600"),
      fc.integer({ min: 1, max: 167 }).map((h) => new Date(Date.now() + h * HOUR_MS).toISOString().replace("Z", "")),
    ),
    (b, v) => ({ property: "deleteAfterDate", args: edit(b, { deleteAfterDate: v }, ["expiresIn"]) }),
  ),
  "deleteAfterDate in the past": rule(
    fc.integer({ min: 1000, max: 365 * DAY_MS }),
    (b, ago) => ({ property: "deleteAfterDate", args: edit(b, { deleteAfterDate: new Date(Date.now() - ago).toISOString() }, ["expiresIn"]) }),
  ),
  "deleteAfterDate more than 7 days ahead": rule(
    // At least a minute beyond the window, so the time between generating and checking cannot bring it back in.
    fc.integer({ min: 60_000, max: 365 * DAY_MS }),
    (b, beyond) => ({
      property: "deleteAfterDate",
      args: edit(b, { deleteAfterDate: new Date(Date.now() + 7 * DAY_MS + beyond).toISOString() }, ["expiresIn"]),
    }),
  ),
  "deleteAfterDate and expiresIn together": rule(
    fc.tuple(fc.integer({ min: 1, max: 167 }), fc.constantFrom("90m", "24h", "7d")),
    (b, [h, expiresIn]) => ({
      property: "expiresIn",
      args: edit(b, { deleteAfterDate: new Date(Date.now() + h * HOUR_MS).toISOString(), expiresIn }, ["deleteAfterDate", "expiresIn"]),
    }),
  ),

  // expiresIn: whole numbers with units d, h, m, s; at least 1s, at most 7 days.
  "expiresIn not a duration": rule(
    fc.oneof(fc.constantFrom("1 day", "1.5h", "", "h", "-1h", "24", "1w", "P1D", "7 d", "1h 30m"), notAString),
    (b, v) => ({ property: "expiresIn", args: edit(b, { expiresIn: v }, ["deleteAfterDate"]) }),
  ),
  "expiresIn zero": rule(fc.constantFrom("0s", "0m", "0h0m", "0d", "00s"), (b, v) => ({ property: "expiresIn", args: edit(b, { expiresIn: v }, ["deleteAfterDate"]) })),
  "expiresIn over 7 days": rule(
    fc.oneof(
      fc.constantFrom("7d1s", "168h1s", "604801s", "10081m", "169h", "8d", "6d24h1s"),
      fc.integer({ min: 7 * 86400 + 1, max: 1e8 }).map((s) => `${s}s`),
      fc.integer({ min: 7 * 24 * 60 + 1, max: 1e7 }).map((m) => `${m}m`),
      fc.integer({ min: 7 * 24 + 1, max: 1e6 }).map((h) => `${h}h`),
      fc.integer({ min: 8, max: 1e5 }).map((d) => `${d}d`),
      fc.integer({ min: 1, max: 86400 }).map((s) => `7d${s}s`),
    ),
    (b, v) => ({ property: "expiresIn", args: edit(b, { expiresIn: v }, ["deleteAfterDate"]) }),
  ),

  // onExpiry: "recreate" or "fail", and only on a temporary user.
  "onExpiry not recreate or fail": rule(
    fc.tuple(temporary, fc.oneof(fc.constantFrom("Recreate", "FAIL", "delete", "", "keep"), notAString)),
    (b, [expiry, v]) => ({ property: "onExpiry", args: edit(b, { ...expiry, onExpiry: v }, EXPIRY_FIELDS) }),
  ),
  "onExpiry on a permanent user": rule(fc.constantFrom("recreate", "fail"), (b, v) => ({ property: "onExpiry", args: edit(b, { onExpiry: v }, EXPIRY_FIELDS) })),

  // adopt: a boolean or "takeover".
  "adopt not a boolean nor \"takeover\"": rule(fc.oneof(notABoolean, fc.constantFrom("Takeover", "take-over", "")), (b, v) => ({ property: "adopt", args: edit(b, { adopt: v }) })),

  // owner: 1 to 255 characters (a label value).
  "owner empty, over 255 characters or not a string": rule(
    fc.oneof(fc.constant(""), textLongerThan(255), notAString),
    (b, v) => ({ property: "owner", args: edit(b, { owner: v }) }),
  ),

  // No other property.
  "an unknown property": rule(
    fc.tuple(fc.constantFrom("passwd", "userName", "groupId", "roleName", "expiry", "ProjectId", "tags", "scope", "authDatabase"), fc.jsonValue()),
    (b, [key, v]) => ({ property: key, args: edit(b, { [key]: v }) }),
  ),
};

function assertFailuresNameProperties(news: unknown, failures: readonly { property: string; reason: string }[]) {
  const isObject = news !== null && typeof news === "object" && !Array.isArray(news);
  for (const f of failures) {
    expect(typeof f.reason).toBe("string");
    expect(f.reason.length).toBeGreaterThan(0);
    if (!isObject) continue;
    // Named, as the property or at the start of the reason: a known property
    // (present or missing, maybe a path below it), or the unknown key as given.
    const named = f.property !== "" ? f.property : f.reason;
    const known = PROPERTIES.some((p) => named === p || [`${p}[`, `${p}.`].some((start) => named.startsWith(start)) || namesProperty(f, p));
    const unknownKey = Object.keys(news as object).some((k) => namesProperty(f, propertyPath([k])));
    expect(known || unknownKey).toBe(true);
  }
  // Never a failure next to which the engine would print the password or an undeclared key's value.
  expectNoValueShownFor(news, failures, PROPERTIES, SECRET_INPUTS);
}

// check never calls Atlas, whatever it is given.
beforeEach(async () => {
  await emulatorControl.clearRequests(env.emu);
});
afterEach(async () => {
  expect(await atlasRequests(env.emu)).toEqual([]);
});

describe("DatabaseUser check, property-based", () => {
  test("every valid input is accepted, and its normalised form checks to itself", async () => {
    await fc.assert(
      fc.asyncProperty(validArgs, async (news) => {
        const result = await provider.check({}, news);
        expect(result.failures ?? []).toEqual([]);
        const inputs = result.inputs as Record<string, unknown>;
        expect(inputs.databaseName).toBe(authDatabase(news));
        const again = await provider.check(inputs, inputs);
        expect(again.failures ?? []).toEqual([]);
        expect(again.inputs).toEqual(inputs);
      }),
      { numRuns: 300 },
    );
  });

  test.each(Object.entries(INVALID))("rule broken: %s → rejected, naming that property", async (_rule, invalid) => {
    await fc.assert(
      fc.asyncProperty(invalid, async ({ property, args }) => {
        const result = await provider.check({}, args);
        const failures = result.failures ?? [];
        expect(failures.length).toBeGreaterThan(0);
        expect(failures.filter((f) => namesProperty(f, property))).not.toEqual([]);
        assertFailuresNameProperties(args, failures);
      }),
      { numRuns: 60 },
    );
  });

  test("a mutated input is accepted or rejected with failures naming properties; never a throw", async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(mutatedArgs, async (news) => {
        const result = await provider.check({}, news);
        const failures = result.failures ?? [];
        if (failures.length > 0) rejected++;
        assertFailuresNameProperties(news, failures);
      }),
      { numRuns: 800 },
    );
    expect(rejected).toBeGreaterThan(0);
  });

  test("arbitrary input never throws, and failures name properties", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom(...PROPERTIES, "x"), fc.anything())), async (news) => {
        const result = await provider.check({}, news as Record<string, unknown>);
        assertFailuresNameProperties(news, result.failures ?? []);
      }),
      { numRuns: 800 },
    );
  });
});
