/**
 * What the policy pack sees of a resource: which of this package's resources
 * it is, its properties with unknown values as plain markers, and the people
 * and roles it names. No `@pulumi/policy` here: the rule functions stay plain
 * and unit-testable.
 */

/** This package's resources (ProjectMembership and TeamMembership: resources to come, checked when they exist). */
export const KINDS = ["DatabaseUser", "OrgInvitation", "CloudUser", "ProjectMembership", "TeamMembership"] as const;
export type Kind = (typeof KINDS)[number];

/** The resources that name a person by email address (their MongoDB Cloud username). */
export const PERSON_KINDS: readonly Kind[] = ["OrgInvitation", "CloudUser", "ProjectMembership", "TeamMembership"];

/**
 * The SDK gives our resources the type `pulumi-nodejs:dynamic/atlas-users:<class>`
 * (the `module` and `type` arguments of `pulumi.dynamic.Resource`, in the SDK
 * since 3.52; the package needs 3.140 or later). A dynamic resource built on
 * one of our providers by hand has the generic `pulumi-nodejs:dynamic:Resource`.
 * Policy packs do not see `__provider`, the one input naming the
 * implementation module: the engine leaves out keys that start with `__`
 * (`SkipInternalKeys` in the Pulumi SDK's analyzer_plugin.go). So a generic
 * dynamic resource is recognised by the shape of its inputs, as our `check`
 * normalises them.
 */
export const TYPE_PREFIX = "pulumi-nodejs:dynamic/atlas-users:";
const GENERIC_DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";

/** Which of this package's resources a resource of this type and these properties is; undefined for any other. */
export function kindOf(type: string, props: Record<string, unknown>): Kind | undefined {
  if (type.startsWith(TYPE_PREFIX)) return asKind(type.slice(TYPE_PREFIX.length));
  return type === GENERIC_DYNAMIC_TYPE ? kindByShape(props) : undefined;
}

/**
 * DatabaseUser: `projectId`, `username`, `roles` and the auth database
 * (`check` always fills in `databaseName`); OrgInvitation: `orgId`,
 * `username`, `roles`; CloudUser: `username` and `password` and neither id.
 */
export function kindByShape(props: Record<string, unknown>): Kind | undefined {
  const has = (...keys: string[]) => keys.every((k) => props[k] !== undefined);
  if (has("projectId", "username", "roles", "databaseName")) return "DatabaseUser";
  if (has("orgId", "username", "roles")) return "OrgInvitation";
  if (has("username", "password") && !has("projectId") && !has("orgId")) return "CloudUser";
  return undefined;
}

function asKind(name: string): Kind | undefined {
  return (KINDS as readonly string[]).includes(name) ? (name as Kind) : undefined;
}

/**
 * The sentinels `@pulumi/policy` (and the SDK, for strings) put where a value
 * is not known during a preview (`@pulumi/policy/proxy`).
 */
const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set(unknownSentinels());

function unknownSentinels(): unknown[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
    const found = Object.entries(proxy)
      .filter(([k, v]) => /^unknown[A-Z]\w*Value$/.test(k) && typeof v === "string")
      .map(([, v]) => v);
    if (found.length > 0) return found;
  } catch {
    // not installed (unit tests of the rules alone): the string sentinel below still works
  }
  return ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"];
}

/** Whether a value is not known yet (a preview of a value that comes from another resource's output). */
export function isUnknown(value: unknown): boolean {
  return UNKNOWN_SENTINELS.has(value);
}

/**
 * `@pulumi/policy` hands rules their properties behind a proxy that throws on
 * reading an unknown value, which it turns into an advisory "can't run policy
 * during preview" for the whole rule. Our rules judge what is known and let
 * unknown values pass, so they read the object behind the proxy.
 */
export function rawProps(props: Record<string, unknown>): Record<string, unknown> {
  const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
  return target !== null && typeof target === "object" ? (target as Record<string, unknown>) : props;
}

/** A known, non-empty string, or undefined. */
export function knownString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && !isUnknown(value) ? value : undefined;
}

/** The known elements of a list (none when the list itself is unknown or absent). */
export function knownItems(value: unknown): unknown[] {
  return Array.isArray(value) ? value.filter((v) => !isUnknown(v)) : [];
}

/** One role a resource gives a person, and where (for messages). */
export interface RoleGrant {
  role: string;
  /** `organization 5f1a…`, `project 5f1a…`, or `` when the resource does not say. */
  where: string;
}

/** The person (email address, as written) a resource names, when known. */
export function personOf(kind: Kind, props: Record<string, unknown>): string | undefined {
  if (!PERSON_KINDS.includes(kind)) return undefined;
  return knownString(props.username);
}

/** Every address a resource names: the username, and a CloudUser's contact `emailAddress`. */
export function addressesOf(kind: Kind, props: Record<string, unknown>): { property: string; address: string }[] {
  if (!PERSON_KINDS.includes(kind)) return [];
  const out: { property: string; address: string }[] = [];
  for (const property of ["username", "emailAddress"]) {
    const address = knownString(props[property]);
    if (address !== undefined) out.push({ property, address });
  }
  return out;
}

function roleName(value: unknown): string | undefined {
  if (typeof value === "string") return knownString(value);
  if (value !== null && typeof value === "object") return knownString((value as Record<string, unknown>).roleName);
  return undefined;
}

function scopeOf(value: unknown): string {
  if (value === null || typeof value !== "object") return "";
  const r = value as Record<string, unknown>;
  const project = knownString(r.projectId);
  if (project) return `project ${project}`;
  const org = knownString(r.orgId);
  return org ? `organization ${org}` : "";
}

/**
 * The roles a resource gives its person: an OrgInvitation's `roles`
 * (organization) and `projectRoles[].roles`; a CloudUser's `roles[]`
 * (`{orgId | projectId, roleName}`); a membership's `roles` (names or
 * `{roleName}`). Unknown values are left out.
 */
export function roleGrantsOf(kind: Kind, props: Record<string, unknown>): RoleGrant[] {
  if (!PERSON_KINDS.includes(kind)) return [];
  const grants: RoleGrant[] = [];
  const defaultWhere =
    kind === "OrgInvitation"
      ? scopeOf({ orgId: props.orgId })
      : kind === "ProjectMembership"
        ? scopeOf({ projectId: props.projectId })
        : "";
  for (const item of knownItems(props.roles)) {
    const role = roleName(item);
    if (role) grants.push({ role, where: scopeOf(item) || defaultWhere });
  }
  for (const entry of knownItems(props.projectRoles)) {
    if (entry === null || typeof entry !== "object") continue;
    const e = entry as Record<string, unknown>;
    for (const item of knownItems(e.roles)) {
      const role = roleName(item);
      if (role) grants.push({ role, where: scopeOf({ projectId: e.projectId }) });
    }
  }
  return grants;
}
