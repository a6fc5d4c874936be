/**
 * The DatabaseUser rules and constants that need no schema library: what
 * `model.ts` and the lifecycle methods other than `check` use. `schema.ts`
 * re-exports them; keeping them here lets a host that only reads, updates or
 * deletes users (a refresh, a destroy) run without loading zod and building
 * the input schema.
 */
import { DAY_MS } from "../common/dates";

/** Atlas only accepts a deletion date within a week of the request. */
export const MAX_EXPIRY_MS = 7 * DAY_MS;

export const AUTH_TYPE_PROPERTIES = ["awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type"] as const;
export type AuthTypeProperty = (typeof AUTH_TYPE_PROPERTIES)[number];

/**
 * The label the provider stamps on every database user it creates or adopts:
 * its value names the owning stack (`<project>/<stack>`, the `owner` input).
 * Reserved: a program cannot declare it, and it never shows in `labels`.
 */
export const OWNER_LABEL = "pulumi-atlas-users/owner";

/** `adopt: "takeover"`: adopt even a user whose ownership label names another stack. */
export const TAKEOVER = "takeover";

/** The auth type in effect: the one non-NONE auth property, or SCRAM. */
export type AuthKind =
  | { kind: "SCRAM" }
  | { kind: AuthTypeProperty; value: string };

/** Which auth type the (possibly partial) inputs declare; the first non-NONE one wins. */
export function authKindOf(args: Partial<Record<AuthTypeProperty, unknown>>): AuthKind {
  for (const property of AUTH_TYPE_PROPERTIES) {
    const value = args[property];
    if (typeof value === "string" && value !== "NONE") return { kind: property, value };
  }
  return { kind: "SCRAM" };
}

/**
 * The authentication databases Atlas accepts for an auth type. LDAP groups
 * live on `admin` (the spec's own LDAP group example in seed 004; MongoDB's
 * LDAP authorization keeps group roles there), although the spec's prose
 * lists LDAP among the `$external` types: that holds for LDAP users.
 */
export function allowedDatabaseNames(auth: AuthKind): readonly ("admin" | "$external")[] {
  if (auth.kind === "SCRAM") return ["admin"];
  if (auth.kind === "oidcAuthType" && auth.value === "IDP_GROUP") return ["admin"];
  if (auth.kind === "ldapAuthType" && auth.value === "GROUP") return ["admin"];
  return ["$external"];
}

/** The authentication database used when `databaseName` is omitted. */
export function defaultDatabaseName(auth: AuthKind): "admin" | "$external" {
  return allowedDatabaseNames(auth)[0];
}

/**
 * What an absent field of the stored state means (`common/storedState.ts`).
 * A SCRAM user's state then holds no `"NONE"` ×4, `[]` ×2 or
 * `temporary: false`: 124 bytes of about 2 KB, which the engine writes again
 * at every step of a run. The resource class reads them back into the
 * program; the state schema declares them as its defaults.
 */
export const STATE_DEFAULTS = {
  scopes: [] as never[],
  labels: [] as never[],
  awsIAMType: "NONE",
  ldapAuthType: "NONE",
  oidcAuthType: "NONE",
  x509Type: "NONE",
  temporary: false,
} as const;
