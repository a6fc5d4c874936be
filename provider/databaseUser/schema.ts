/**
 * DatabaseUser inputs: one zod schema that enforces every rule Atlas applies
 * to a database user (seed 004, `atlas-api/NOTES.md`), and normalises what it
 * accepts (sorted roles, scopes and labels; canonical UTC dates; the auth
 * database derived from the auth type) so previews show only real changes.
 * The TypeScript types are inferred from it.
 *
 * Clock-dependent rules (a `deleteAfterDate` must lie in the next 7 days) are
 * not here: they depend on the old state too, see `provider.ts`.
 */
import { z } from "zod";
import { DAY_MS, canonicalInstantText, formatDuration, parseDuration } from "../common/dates";
import { ADMIN_ONLY_ROLES, ANY_DATABASE_ROLES } from "../common/databaseRoles";
import { canonicalSet, duplicateIndexes } from "../common/sets";
import type { SameKeys } from "../common/types";
import { allowedDatabaseNames, AUTH_TYPE_PROPERTIES, authKindOf, defaultDatabaseName, MAX_EXPIRY_MS, OWNER_LABEL, STATE_DEFAULTS, TAKEOVER, type AuthKind } from "./rules";

export { allowedDatabaseNames, AUTH_TYPE_PROPERTIES, authKindOf, defaultDatabaseName, MAX_EXPIRY_MS, OWNER_LABEL, TAKEOVER };
export type { AuthKind, AuthTypeProperty } from "./rules";

const PROJECT_ID = /^[a-f0-9]{24}$/;
const SCOPE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
// arn:<partition>:iam::<12-digit account>:<user|role>/<optional path/>name
const IAM_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/\S+$/;
// RFC 2253: attribute=value pairs separated by commas; at least one pair.
const DISTINGUISHED_NAME = /^[A-Za-z][A-Za-z0-9.-]*=[^,]+(,\s*[A-Za-z][A-Za-z0-9.-]*=[^,]+)*$/;
const HAS_COMMON_NAME = /(^|,)\s*CN=[^,]+/i;
const OIDC_NAME = /^[^/]+\/.+$/;
/**
 * No control character (NUL, newline, tab, DEL, C1) anywhere. The spec's
 * only length limit on a database username is `maxLength: 1024`, for every
 * auth type (CloudDatabaseUser.username in atlas-admin-v2; seed 004); the
 * per-type rules it documents are formats (ARN, RFC 2253 DN, `<IdP id>/<name>`).
 */
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

function enumOf<const T extends readonly [string, ...string[]]>(property: string, values: T) {
  return z.enum(values, { error: `${property} must be one of ${values.map((v) => `"${v}"`).join(", ")}` });
}

function text(property: string, opts: { min?: number; max?: number; what?: string } = {}) {
  const min = opts.min ?? 1;
  let schema = z.string({ error: `${property} must be a string${opts.what ? ` (${opts.what})` : ""}` });
  schema = schema.min(min, {
    error: min === 1 ? `${property} must not be empty` : `${property} must be at least ${min} characters long`,
  });
  if (opts.max !== undefined) {
    schema = schema.max(opts.max, { error: `${property} must be at most ${opts.max} characters long` });
  }
  return schema;
}

/** One role on one database (optionally one collection). */
export const DatabaseUserRoleSchema = z.strictObject({
  /** A built-in role (`read`, `readWrite`, `atlasAdmin`, ...) or a custom role's name. */
  roleName: text("roleName", { what: 'a built-in role such as "readWrite" or a custom role name' })
    .describe("A built-in role (`read`, `readWrite`, `dbAdmin`, `atlasAdmin`, ...) or a custom role's name."),
  /** The database the role applies to (`admin` for `atlasAdmin`, `readAnyDatabase`, ...). */
  databaseName: text("databaseName", { what: "the database the role applies to" })
    .describe("The database the role applies to (`admin` for roles that exist only there, such as `readAnyDatabase`)."),
  /** Restricts the role to one collection. */
  collectionName: text("collectionName").optional().describe("Restricts the role to this collection."),
});

/** A cluster, data lake or stream instance the user may access. */
export const DatabaseUserScopeSchema = z.strictObject({
  name: text("name").regex(SCOPE_NAME, {
    error: "scope name must start with a letter or digit and contain only letters, digits and hyphens",
  }).describe("The cluster's, data lake's or stream instance's name: letters, digits and hyphens."),
  type: enumOf("scope type", ["CLUSTER", "DATA_LAKE", "STREAM"]).describe("What `name` names."),
});

/** A key-value tag (not shown in the Atlas console). */
export const DatabaseUserLabelSchema = z.strictObject({
  key: text("label key", { max: 255 }).describe("1-255 characters."),
  value: text("label value", { max: 255 }).describe("1-255 characters."),
});

const DatabaseUserInputsShape = z.strictObject({
  /** The project (the API's `groupId`): 24 hexadecimal digits. Changing it replaces the user. */
  projectId: z
    .string({ error: "projectId must be a string: the project's 24-hexadecimal-digit id" })
    .regex(PROJECT_ID, { error: 'projectId must be the project\'s id: 24 lowercase hexadecimal digits, e.g. "5f1a2b3c4d5e6f7a8b9c0d1e"' })
    .describe("The project's id (the API's `groupId`), 24 hexadecimal digits. Changing it replaces the user."),
  /** The name the user logs in with; its format depends on the auth type. Changing it replaces the user. */
  username: text("username", { max: 1024 })
    .regex(NO_CONTROL_CHARACTERS, { error: "username must not contain control characters (NUL, newline, tab, ...)" })
    .describe("The login name, at most 1024 characters and no control characters; its form depends on the authentication type. Changing it replaces the user."),
  /**
   * The authentication database: `admin` (SCRAM, OIDC workforce groups) or
   * `$external` (X.509, AWS IAM, LDAP, OIDC workload users). Derived from the
   * auth type when omitted. Changing it replaces the user.
   */
  databaseName: enumOf("databaseName", ["admin", "$external"]).optional()
    .describe("The authentication database. Derived from the authentication type when omitted; if given, it must match it. Changing it replaces the user."),
  /** SCRAM password (at least 8 characters); required for SCRAM users, not allowed for any other auth type. */
  password: text("password", { min: 8 }).optional().meta({
    description: "SCRAM password, at least 8 characters. Required for SCRAM users, rejected for every other type. Sent on update only when it changed.",
    secret: true,
  }),
  /** At least one role. Compared as a set. */
  roles: z.array(DatabaseUserRoleSchema, { error: "roles must be a list of {roleName, databaseName, collectionName?}" })
    .min(1, { error: "roles must contain at least one role, e.g. {roleName: \"readWrite\", databaseName: \"app\"}" })
    .describe("At least one role, each once; order does not matter. Updated in place."),
  /** Clusters, data lakes and stream instances the user may access; omitted means all in the project. */
  scopes: z.array(DatabaseUserScopeSchema, { error: "scopes must be a list of {name, type}" }).optional()
    .describe("The clusters, data lakes or stream instances the user may reach; omitted means all in the project. Updated in place."),
  /** Key-value tags. Compared as a set. */
  labels: z.array(DatabaseUserLabelSchema, { error: "labels must be a list of {key, value}" }).optional()
    .describe("Key-value tags (not shown in the Atlas console), each once. Updated in place."),
  /** Free text, at most 100 characters. */
  description: z.string({ error: "description must be a string" })
    .max(100, { error: "description must be at most 100 characters long" }).optional()
    .describe("Free text, at most 100 characters. Updated in place."),
  /** AWS IAM authentication: `USER` or `ROLE` (username = the ARN). */
  awsIAMType: enumOf("awsIAMType", ["NONE", "USER", "ROLE"]).optional()
    .describe("AWS IAM authentication; the username is the IAM user's or role's ARN."),
  /** LDAP authentication: `USER` or `GROUP` (username = the DN). */
  ldapAuthType: enumOf("ldapAuthType", ["NONE", "GROUP", "USER"]).optional()
    .describe("LDAP authentication (`USER`) or authorization (`GROUP`); the username is a distinguished name."),
  /** OIDC: `IDP_GROUP` (workforce) or `USER` (workload); username = `<IdP id>/<name>`. */
  oidcAuthType: enumOf("oidcAuthType", ["NONE", "IDP_GROUP", "USER"]).optional()
    .describe("OIDC workload user (`USER`) or workforce group (`IDP_GROUP`); the username is `<IdP id>/<name>`."),
  /** X.509: `MANAGED` (Atlas-issued certificates) or `CUSTOMER` (your CA; username = a DN with a CN). */
  x509Type: enumOf("x509Type", ["NONE", "CUSTOMER", "MANAGED"]).optional()
    .describe("X.509 with Atlas-managed (`MANAGED`) or your own (`CUSTOMER`) certificates."),
  /**
   * When Atlas deletes the user: an ISO 8601 date-time with a zone, in the
   * future and at most 7 days ahead when set. Makes the user temporary.
   */
  deleteAfterDate: z.string({ error: "deleteAfterDate must be an ISO 8601 date-time string" }).optional()
    .describe("Makes the user temporary: Atlas deletes it at this ISO 8601 date-time with a zone, in the future and at most 7 days ahead when set. Not with `expiresIn`."),
  /**
   * A lifetime such as `"90m"`, `"24h"` or `"7d"` (units d, h, m, s; at most
   * 7 days), counted from creation. Makes the user temporary.
   */
  expiresIn: z.string({ error: 'expiresIn must be a duration string such as "24h"' }).optional()
    .describe("Makes the user temporary for this long (`90m`, `24h`, `7d`, `1h30m`; at most 7 days), counted from creation. Not with `deleteAfterDate`."),
  /**
   * What `pulumi up` does once the user has expired: `"recreate"` (a fresh
   * user with a new window; default with `expiresIn`) or `"fail"` (default
   * with `deleteAfterDate`).
   */
  onExpiry: enumOf("onExpiry", ["recreate", "fail"]).optional()
    .describe("What `pulumi up` does once a temporary user has expired. Default: `recreate` with `expiresIn`, `fail` with `deleteAfterDate`."),
  /** On create, take over a user that already exists instead of failing; `"takeover"` even one another stack owns. */
  adopt: z.union([z.boolean(), z.literal(TAKEOVER)], { error: 'adopt must be true, false or "takeover"' }).optional()
    .describe(
      "On create, take over an existing user with this project, auth database and username instead of failing. `true` refuses a user " +
        `whose \`${OWNER_LABEL}\` label names another stack; \`"takeover"\` takes that one too (and takes it back at an update, should the other stack take it again).`,
    ),
  /** The owning stack, stamped as the `pulumi-atlas-users/owner` label; the resource class sets it. */
  owner: text("owner", { max: 255, what: "the owning stack, <project>/<stack>" }).optional()
    .describe(
      `The stack that owns the user, stamped on it as the label \`${OWNER_LABEL}\`. Set by the \`DatabaseUser\` class to ` +
        "`<project>/<stack>` of the program; leave it out.",
    ),
});

type RawInputs = z.output<typeof DatabaseUserInputsShape>;

function describeAuth(auth: AuthKind): string {
  return auth.kind === "SCRAM" ? "SCRAM (password) users" : `${auth.kind} ${auth.value} users`;
}

type Issue = { path: (string | number)[]; message: string };

/** The cross-field rules a single property's schema cannot express. */
function crossFieldIssues(args: RawInputs): Issue[] {
  const issues: Issue[] = [];
  const setAuth = AUTH_TYPE_PROPERTIES.filter((p) => args[p] !== undefined && args[p] !== "NONE");
  for (const extra of setAuth.slice(1)) {
    issues.push({
      path: [extra],
      message: `only one authentication type can be set, and ${setAuth[0]} is already ${args[setAuth[0]]}: remove ${extra} or set it to "NONE"`,
    });
  }
  const auth = authKindOf(args);
  const allowedDbs = allowedDatabaseNames(auth);
  if (args.databaseName !== undefined && !allowedDbs.includes(args.databaseName)) {
    issues.push({
      path: ["databaseName"],
      message: `${describeAuth(auth)} authenticate against "${allowedDbs[0]}", not "${args.databaseName}": set databaseName to "${allowedDbs[0]}" or omit it`,
    });
  }
  if (auth.kind === "SCRAM" && args.password === undefined) {
    issues.push({
      path: ["password"],
      message: "password is required for SCRAM users (no awsIAMType, ldapAuthType, oidcAuthType or x509Type set): set a password of at least 8 characters, or set an authentication type",
    });
  }
  if (auth.kind !== "SCRAM" && args.password !== undefined) {
    issues.push({
      path: ["password"],
      message: `password is only for SCRAM users; ${auth.kind} ${auth.value} users authenticate without one: remove password`,
    });
  }
  const usernameIssue = usernameRule(auth, args.username);
  if (usernameIssue) issues.push({ path: ["username"], message: usernameIssue });

  args.roles.forEach((role, i) => {
    if (ADMIN_ONLY_ROLES.has(role.roleName) && role.databaseName !== "admin") {
      issues.push({
        path: ["roles", i, "databaseName"],
        message: `${role.roleName} exists only on the admin database: set databaseName to "admin"`,
      });
    } else if (!ADMIN_ONLY_ROLES.has(role.roleName) && !ANY_DATABASE_ROLES.includes(role.roleName) && role.databaseName !== "admin") {
      // Atlas: `ATLAS_INVALID_ROLE` ("The specified role <r>@<db> does not exist").
      issues.push({
        path: ["roles", i, "databaseName"],
        message:
          `${role.roleName} is not a built-in role, so it is a custom role, and custom roles are granted on the admin database: ` +
          `set databaseName to "admin" (the custom role itself says which databases it covers), or use a built-in role (${ANY_DATABASE_ROLES.join(", ")} on any database)`,
      });
    }
  });
  for (const i of duplicateIndexes(args.roles)) {
    issues.push({ path: ["roles", i], message: "this role is listed twice: remove the duplicate" });
  }
  for (const i of duplicateIndexes(args.scopes ?? [])) {
    issues.push({ path: ["scopes", i], message: "this scope is listed twice: remove the duplicate" });
  }
  for (const i of duplicateIndexes(args.labels ?? [])) {
    issues.push({ path: ["labels", i], message: "this label is listed twice: remove the duplicate" });
  }
  (args.labels ?? []).forEach((label, i) => {
    if (label.key === OWNER_LABEL) {
      issues.push({
        path: ["labels", i, "key"],
        message: `the label key ${OWNER_LABEL} is reserved: the provider stamps it with the stack that owns the user (the owner input); remove this label`,
      });
    }
  });

  if (args.deleteAfterDate !== undefined && args.expiresIn !== undefined) {
    issues.push({
      path: ["expiresIn"],
      message: "set either deleteAfterDate (an absolute date) or expiresIn (a lifetime), not both",
    });
  }
  if (args.deleteAfterDate !== undefined && canonicalInstantText(args.deleteAfterDate) === undefined) {
    issues.push({
      path: ["deleteAfterDate"],
      message: `"${args.deleteAfterDate}" is not an ISO 8601 date-time with a zone: write it like "2025-05-04T09:42:00Z" or "2025-05-04T11:42:00+02:00"`,
    });
  }
  if (args.expiresIn !== undefined) {
    const ms = parseDuration(args.expiresIn);
    if (ms === undefined) {
      issues.push({
        path: ["expiresIn"],
        message: `"${args.expiresIn}" is not a duration: write whole numbers with units d, h, m or s, e.g. "90m", "24h", "7d" or "1h30m"`,
      });
    } else if (ms < 1000) {
      issues.push({ path: ["expiresIn"], message: "expiresIn must be at least 1s" });
    } else if (ms > MAX_EXPIRY_MS) {
      issues.push({
        path: ["expiresIn"],
        message: `expiresIn is ${formatDuration(ms)}, but Atlas deletes temporary users at most 7 days after the request: use "7d" or less`,
      });
    }
  }
  if (args.onExpiry !== undefined && args.deleteAfterDate === undefined && args.expiresIn === undefined) {
    issues.push({
      path: ["onExpiry"],
      message: "onExpiry only applies to temporary users: set deleteAfterDate or expiresIn, or remove onExpiry",
    });
  }
  return issues;
}

function usernameRule(auth: AuthKind, username: string): string | undefined {
  switch (auth.kind) {
    case "awsIAMType": {
      const m = IAM_ARN.exec(username);
      const want = auth.value === "ROLE" ? "role" : "user";
      if (!m || m[1] !== want) {
        return `awsIAMType ${auth.value} users are named by the IAM ${want}'s ARN, e.g. "arn:aws:iam::123456789012:${want}/app"`;
      }
      return undefined;
    }
    case "x509Type":
      if (auth.value === "CUSTOMER" && !(DISTINGUISHED_NAME.test(username) && HAS_COMMON_NAME.test(username))) {
        return 'x509Type CUSTOMER users are named by the certificate subject, an RFC 2253 distinguished name with a CN, e.g. "CN=app,OU=eng,O=acme"';
      }
      return undefined;
    case "ldapAuthType":
      if (!DISTINGUISHED_NAME.test(username)) {
        return `ldapAuthType ${auth.value} users are named by their LDAP distinguished name (RFC 2253), e.g. "CN=analysts,OU=groups,DC=example,DC=com"`;
      }
      return undefined;
    case "oidcAuthType":
      if (!OIDC_NAME.test(username)) {
        return `oidcAuthType ${auth.value} users are named "<IdP id>/<${auth.value === "USER" ? "user" : "group"} name>", e.g. "5dd7496c7a3e5a648454341c/analysts"`;
      }
      return undefined;
    case "SCRAM":
      return undefined;
  }
}

/**
 * The schema `check` runs: every rule, then normalisation. Its output is what
 * the engine stores as the resource's inputs.
 */
export const DatabaseUserInputsSchema = DatabaseUserInputsShape.superRefine((args, ctx) => {
  for (const issue of crossFieldIssues(args)) ctx.addIssue({ code: "custom", ...issue });
}).transform((args) => {
  const out: RawInputs & { databaseName: "admin" | "$external" } = {
    ...args,
    databaseName: args.databaseName ?? defaultDatabaseName(authKindOf(args)),
    roles: canonicalSet(args.roles),
  };
  if (args.scopes !== undefined) out.scopes = canonicalSet(args.scopes);
  if (args.labels !== undefined) out.labels = canonicalSet(args.labels);
  if (args.deleteAfterDate !== undefined) out.deleteAfterDate = canonicalInstantText(args.deleteAfterDate);
  if (args.expiresIn !== undefined) out.expiresIn = args.expiresIn.trim();
  return out;
});

/** The normalised inputs `check` returns and the other hooks receive (what state holds). */
export type DatabaseUserInputs = z.output<typeof DatabaseUserInputsSchema>;
/** What a program passes to `new DatabaseUser(...)` (before normalisation). */
export type DatabaseUserInputsIn = z.input<typeof DatabaseUserInputsSchema>;
export type DatabaseUserRole = z.output<typeof DatabaseUserRoleSchema>;
export type DatabaseUserScope = z.output<typeof DatabaseUserScopeSchema>;
export type DatabaseUserLabel = z.output<typeof DatabaseUserLabelSchema>;

/**
 * The resource's outputs (its state): the normalised inputs as Atlas holds
 * them, with every auth type spelled out, the resolved `deleteAfterDate`,
 * and whether the user is temporary.
 */
export interface DatabaseUserState {
  projectId: string;
  username: string;
  databaseName: "admin" | "$external";
  password?: string;
  roles: DatabaseUserRole[];
  scopes: DatabaseUserScope[];
  labels: DatabaseUserLabel[];
  description?: string;
  awsIAMType: "NONE" | "USER" | "ROLE";
  ldapAuthType: "NONE" | "GROUP" | "USER";
  oidcAuthType: "NONE" | "IDP_GROUP" | "USER";
  x509Type: "NONE" | "CUSTOMER" | "MANAGED";
  /** When Atlas deletes the user (canonical UTC); absent for a permanent user. */
  deleteAfterDate?: string;
  /** The declared lifetime, when the window is relative. */
  expiresIn?: string;
  onExpiry?: "recreate" | "fail";
  adopt?: boolean | typeof TAKEOVER;
  /** This stack, as declared (the `owner` input); absent in state written before it existed. */
  owner?: string;
  /** The stack the user's `pulumi-atlas-users/owner` label names, as Atlas holds it; absent when it carries none. */
  ownedBy?: string;
  /** Whether Atlas will delete the user at `deleteAfterDate`. */
  temporary: boolean;
}

/**
 * The outputs (state) as a schema: the source of the outputs table in
 * `docs/resources/database-user.md`. A field without a description is an
 * input echoed back as Atlas holds it. Its keys are `DatabaseUserState`'s
 * (checked below).
 */
export const DatabaseUserStateSchema = z.object({
  projectId: z.string(),
  username: z.string(),
  databaseName: z.enum(["admin", "$external"]),
  password: z.string().optional().meta({
    description: "The last password set (Atlas never returns one); encrypted in the state, `[secret]` in previews and outputs.",
    secret: true,
  }),
  roles: z.array(DatabaseUserRoleSchema).describe("As Atlas holds them, sorted."),
  scopes: z.array(DatabaseUserScopeSchema).default(STATE_DEFAULTS.scopes)
    .describe("As Atlas holds them, sorted; `[]` when none (every cluster, data lake and stream instance)."),
  labels: z.array(DatabaseUserLabelSchema).default(STATE_DEFAULTS.labels).describe("As Atlas holds them, sorted; `[]` when none."),
  description: z.string().optional(),
  awsIAMType: z.enum(["NONE", "USER", "ROLE"]).default(STATE_DEFAULTS.awsIAMType).describe("`NONE` unless this is the authentication type."),
  ldapAuthType: z.enum(["NONE", "GROUP", "USER"]).default(STATE_DEFAULTS.ldapAuthType).describe("`NONE` unless this is the authentication type."),
  oidcAuthType: z.enum(["NONE", "IDP_GROUP", "USER"]).default(STATE_DEFAULTS.oidcAuthType).describe("`NONE` unless this is the authentication type."),
  x509Type: z.enum(["NONE", "CUSTOMER", "MANAGED"]).default(STATE_DEFAULTS.x509Type).describe("`NONE` unless this is the authentication type."),
  deleteAfterDate: z.string().optional()
    .describe("When Atlas deletes the user, in UTC (`2025-05-04T09:42:00Z`), resolved from `expiresIn` when the lifetime is relative. Absent for a permanent user."),
  expiresIn: z.string().optional(),
  onExpiry: z.enum(["recreate", "fail"]).optional(),
  adopt: z.union([z.boolean(), z.literal(TAKEOVER)]).optional(),
  owner: z.string().optional().describe("The owning stack as declared (`<project>/<stack>`); absent in state written by release 0.1.0."),
  ownedBy: z.string().optional()
    .describe(`The stack the user's \`${OWNER_LABEL}\` label names, as Atlas holds it (absent when it carries none). A value other than \`owner\` means another stack took the user over: this stack then neither changes nor deletes it.`),
  temporary: z.boolean().default(STATE_DEFAULTS.temporary).describe("`true` when Atlas will delete the user at `deleteAfterDate`."),
});

// The schema and the state interface name the same fields.
const stateSchemaMatchesState: SameKeys<z.output<typeof DatabaseUserStateSchema>, DatabaseUserState> = true;
void stateSchemaMatchesState;
