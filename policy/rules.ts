/**
 * The rules, as plain functions of a resource's (or the stack's) properties
 * and the rule's settings: each returns the violations it finds, as messages
 * that say what is wrong and how to fix it. Values not known yet (a preview)
 * pass; the rule judges them when they are known. `index.ts` wires them into
 * the policy pack.
 */
import { parseDuration, parseInstant, formatDuration } from "../provider/common/dates";
import { authKindOf } from "../provider/databaseUser/schema";
import {
  addressesOf,
  isUnknown,
  knownItems,
  knownString,
  personOf,
  roleGrantsOf,
  type Kind,
} from "./resources";

// ---------------------------------------------------------------- settings

export interface PrivilegedRolesSettings {
  /** `roleName` (on any database) or `roleName@database`. */
  privilegedRoles: string[];
  /** Longest lifetime a user with a privileged role may have (a duration: `"24h"`, `"90m"`, `"2d"`). */
  maxLifetime: string;
}

export interface TemporaryLifetimeSettings {
  maxLifetime: string;
}

export interface EmailDomainsSettings {
  /** `example.com` (that domain only) or `*.example.com` (its subdomains too). Empty: no restriction. */
  allowedDomains: string[];
}

export interface OwnerRolesSettings {
  /** Owner role names. */
  ownerRoles: string[];
  /** The people (email addresses) who may hold them. Empty: anyone, up to `maxOwners`. */
  owners: string[];
  /** With no `owners` list: at most this many people hold owner roles through the stack's resources. */
  maxOwners: number;
}

export interface InvitedOwnersSettings {
  ownerRoles: string[];
  /** The people who may be invited with owner roles. Empty: nobody. */
  owners: string[];
}

export interface ScramScopesSettings {
  /** The clusters SCRAM users may be scoped to. Empty: the rule does not apply. */
  clusters: string[];
}

/** The defaults, by rule name (the names `--policy-pack-config` uses). */
export const DEFAULTS = {
  "privileged-database-roles": {
    privilegedRoles: [
      "atlasAdmin",
      "readWriteAnyDatabase",
      "readAnyDatabase",
      "dbAdminAnyDatabase",
      "userAdminAnyDatabase",
      "clusterAdmin",
      "clusterManager",
      "root",
      "dbOwner@admin",
      "userAdmin@admin",
    ],
    maxLifetime: "24h",
  } as PrivilegedRolesSettings,
  "temporary-user-lifetime": { maxLifetime: "7d" } as TemporaryLifetimeSettings,
  "allowed-email-domains": { allowedDomains: [] } as EmailDomainsSettings,
  "owner-roles": { ownerRoles: ["ORG_OWNER", "GROUP_OWNER", "GLOBAL_OWNER"], owners: [], maxOwners: 2 } as OwnerRolesSettings,
  "invited-owners-listed": { ownerRoles: ["ORG_OWNER", "GROUP_OWNER", "GLOBAL_OWNER"], owners: [] } as InvitedOwnersSettings,
  "scram-cluster-scopes": { clusters: [] } as ScramScopesSettings,
} as const;

/** A rule's settings: its defaults, overridden by what the policy config sets. */
export function settingsOf<N extends keyof typeof DEFAULTS>(name: N, config: object | undefined): (typeof DEFAULTS)[N] {
  return { ...DEFAULTS[name], ...(config ?? {}) } as (typeof DEFAULTS)[N];
}

const duration = (text: string, setting: string): number => {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`policy config ${setting}: "${text}" is not a duration such as "24h", "90m" or "7d"`);
  return ms;
};

// ---------------------------------------------------------------- lifetimes

/** How long a DatabaseUser lives, as far as its inputs say. */
export type Lifetime =
  | { kind: "permanent" }
  /** Temporary, but how long is not known yet (a preview) or not readable (check reports that). */
  | { kind: "unknown" }
  | { kind: "known"; ms: number; property: "expiresIn" | "deleteAfterDate"; text: string };

export function lifetimeOf(props: Record<string, unknown>, now: Date): Lifetime {
  const expiresIn = props.expiresIn;
  const deleteAfterDate = props.deleteAfterDate;
  if (isUnknown(expiresIn) || isUnknown(deleteAfterDate)) return { kind: "unknown" };
  if (typeof expiresIn === "string") {
    const ms = parseDuration(expiresIn);
    return ms === undefined ? { kind: "unknown" } : { kind: "known", ms, property: "expiresIn", text: expiresIn };
  }
  if (typeof deleteAfterDate === "string") {
    const at = parseInstant(deleteAfterDate);
    return at === undefined
      ? { kind: "unknown" }
      : { kind: "known", ms: at.getTime() - now.getTime(), property: "deleteAfterDate", text: deleteAfterDate };
  }
  return { kind: "permanent" };
}

function describeLifetime(l: Extract<Lifetime, { kind: "known" }>): string {
  return l.property === "expiresIn"
    ? `expiresIn "${l.text}"`
    : `deleteAfterDate ${l.text} (${formatDuration(l.ms)} from now)`;
}

// ---------------------------------------------------------------- database users

/** The privileged roles a DatabaseUser's known roles include, as `role@database`. */
export function privilegedRolesOf(props: Record<string, unknown>, privileged: readonly string[]): string[] {
  const out: string[] = [];
  for (const item of knownItems(props.roles)) {
    if (item === null || typeof item !== "object") continue;
    const r = item as Record<string, unknown>;
    const role = knownString(r.roleName);
    if (!role) continue;
    const db = knownString(r.databaseName);
    const hit = privileged.some((p) => {
      const [name, onDb] = p.split("@");
      return name === role && (onDb === undefined || onDb === db);
    });
    if (hit) out.push(`${role}@${db ?? "?"}`);
  }
  return out;
}

/** privileged-database-roles: privileged roles only on temporary users, for at most `maxLifetime`. */
export function checkPrivilegedRoles(props: Record<string, unknown>, s: PrivilegedRolesSettings, now: Date): string[] {
  const roles = privilegedRolesOf(props, s.privilegedRoles);
  if (roles.length === 0) return [];
  const max = duration(s.maxLifetime, "privileged-database-roles.maxLifetime");
  const lifetime = lifetimeOf(props, now);
  const what = `The database user "${knownString(props.username) ?? "?"}" has the privileged role${roles.length > 1 ? "s" : ""} ${roles.join(", ")}`;
  if (lifetime.kind === "permanent") {
    return [
      `${what} and is permanent. Fix: make it temporary with expiresIn (at most "${s.maxLifetime}", e.g. expiresIn: "${s.maxLifetime}"), or give it a narrower role such as readWrite on one database.`,
    ];
  }
  if (lifetime.kind === "known" && lifetime.ms > max) {
    return [
      `${what} for longer than ${s.maxLifetime}: ${describeLifetime(lifetime)}. Fix: shorten it to at most "${s.maxLifetime}", or give it a narrower role.`,
    ];
  }
  return [];
}

/** temporary-user-lifetime: no temporary user lives longer than `maxLifetime`. */
export function checkTemporaryLifetime(props: Record<string, unknown>, s: TemporaryLifetimeSettings, now: Date): string[] {
  const max = duration(s.maxLifetime, "temporary-user-lifetime.maxLifetime");
  const lifetime = lifetimeOf(props, now);
  if (lifetime.kind !== "known" || lifetime.ms <= max) return [];
  return [
    `The temporary database user "${knownString(props.username) ?? "?"}" lives longer than ${s.maxLifetime}: ${describeLifetime(lifetime)}. Fix: set ${lifetime.property} to at most ${s.maxLifetime} ahead.`,
  ];
}

/** scram-cluster-scopes: with `clusters` set, SCRAM users are scoped to those clusters. */
export function checkScramScopes(props: Record<string, unknown>, s: ScramScopesSettings): string[] {
  if (s.clusters.length === 0) return [];
  const authProps = ["awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type"] as const;
  if (authProps.some((p) => isUnknown(props[p]))) return [];
  if (authKindOf(props as Parameters<typeof authKindOf>[0]).kind !== "SCRAM") return [];
  if (isUnknown(props.scopes)) return [];
  const user = `The SCRAM user "${knownString(props.username) ?? "?"}"`;
  const allowed = s.clusters.join(", ");
  const scopes = knownItems(props.scopes);
  if (!Array.isArray(props.scopes) || props.scopes.length === 0) {
    return [
      `${user} has no scopes, so it can reach every cluster in the project. Fix: add scopes: [{ name: "<cluster>", type: "CLUSTER" }] naming one of: ${allowed}.`,
    ];
  }
  const out: string[] = [];
  for (const scope of scopes) {
    if (scope === null || typeof scope !== "object") continue;
    const sc = scope as Record<string, unknown>;
    const name = knownString(sc.name);
    if (name === undefined || isUnknown(sc.type) || sc.type !== "CLUSTER") continue;
    if (!s.clusters.includes(name)) {
      out.push(`${user} is scoped to the cluster "${name}", which is not one of the allowed clusters (${allowed}). Fix: scope it to an allowed cluster, or add "${name}" to scram-cluster-scopes.clusters.`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- passwords

/** The stack's configuration as the engine gives it to policy packs: values (decrypted) and which keys are secret. */
export interface StackConfig {
  values: Readonly<Record<string, string>>;
  secretKeys: ReadonlySet<string>;
}

/**
 * no-plain-config-passwords: a password equal to the value of a stack config
 * key that is not a secret came from plain config (or is also stored there in
 * clear text). The message names the key, never the value.
 */
export function checkPlainConfigPassword(props: Record<string, unknown>, config: StackConfig): string[] {
  const password = knownString(props.password);
  if (password === undefined) return [];
  const keys = Object.entries(config.values)
    .filter(([key, value]) => value === password && !config.secretKeys.has(key))
    .map(([key]) => key)
    .sort();
  if (keys.length === 0) return [];
  const key = keys[0];
  return [
    `The password comes from the plain (non-secret) stack config key ${keys.join(", ")}: it is stored in clear text in Pulumi.<stack>.yaml. Fix: \`pulumi config set --secret ${key.replace(/^[^:]*:/, "")} <password>\` (or \`pulumi config rm ${key}\` and set it again with --secret), and read it with config.requireSecret.`,
  ];
}

// ---------------------------------------------------------------- email domains

function domainAllowed(address: string, allowed: readonly string[]): boolean {
  const at = address.lastIndexOf("@");
  if (at < 0) return false;
  const domain = address.slice(at + 1).toLowerCase();
  return allowed.some((entry) => {
    const e = entry.toLowerCase().trim();
    if (e.startsWith("*.")) return domain === e.slice(2) || domain.endsWith(e.slice(1));
    return domain === e.replace(/^@/, "");
  });
}

/** allowed-email-domains: a person's addresses are in the allowed domains (none configured: no restriction). */
export function checkEmailDomains(kind: Kind, props: Record<string, unknown>, s: EmailDomainsSettings): string[] {
  if (s.allowedDomains.length === 0) return [];
  return addressesOf(kind, props)
    .filter(({ address }) => !domainAllowed(address, s.allowedDomains))
    .map(
      ({ property, address }) =>
        `The ${kind} ${property} "${address}" is not in an allowed domain (${s.allowedDomains.join(", ")}). Fix: use the person's address in an allowed domain, or add its domain to allowed-email-domains.allowedDomains.`,
    );
}

// ---------------------------------------------------------------- owners

/** A resource of the stack, as the stack rules see it. */
export interface StackResource {
  kind: Kind;
  /** The resource's name (the last part of its URN). */
  name: string;
  urn: string;
  props: Record<string, unknown>;
}

/** One violation of a stack rule, reported on a resource. */
export interface StackViolation {
  urn: string;
  message: string;
}

interface OwnerGrant {
  person: string;
  resource: StackResource;
  roles: string[];
}

/** People given owner roles, by resource; addresses compared case-insensitively. */
function ownerGrants(resources: readonly StackResource[], ownerRoles: readonly string[]): OwnerGrant[] {
  const out: OwnerGrant[] = [];
  for (const resource of resources) {
    const person = personOf(resource.kind, resource.props);
    if (!person) continue;
    const roles = roleGrantsOf(resource.kind, resource.props)
      .filter((g) => ownerRoles.includes(g.role))
      .map((g) => (g.where ? `${g.role} (${g.where})` : g.role));
    if (roles.length > 0) out.push({ person: person.toLowerCase(), resource, roles });
  }
  return out;
}

const listed = (person: string, owners: readonly string[]) => owners.some((o) => o.trim().toLowerCase() === person);

/**
 * owner-roles: owner roles only for the people in `owners`; with no list,
 * at most `maxOwners` people hold owner roles through this stack.
 */
export function checkOwnerRoles(resources: readonly StackResource[], s: OwnerRolesSettings): StackViolation[] {
  const grants = ownerGrants(resources, s.ownerRoles);
  if (s.owners.length > 0) {
    return grants
      .filter((g) => !listed(g.person, s.owners))
      .map((g) => ({
        urn: g.resource.urn,
        message: `${g.resource.kind} "${g.resource.name}" gives ${g.person} ${g.roles.join(", ")}, but ${g.person} is not in owner-roles.owners. Fix: give a narrower role (e.g. ORG_MEMBER, GROUP_READ_ONLY), or add ${g.person} to owner-roles.owners.`,
      }));
  }
  const people = [...new Set(grants.map((g) => g.person))].sort();
  if (people.length <= s.maxOwners) return [];
  return grants.map((g) => ({
    urn: g.resource.urn,
    message: `${people.length} people hold owner roles through this stack (${people.join(", ")}); at most ${s.maxOwners} may. ${g.resource.kind} "${g.resource.name}" gives ${g.person} ${g.roles.join(", ")}. Fix: give narrower roles, or list the owners in owner-roles.owners (or raise owner-roles.maxOwners).`,
  }));
}

/**
 * invited-owners-listed: nobody is invited (an OrgInvitation) and given an
 * owner role (by the invitation or any other resource of the stack) without
 * being listed in `owners`.
 */
export function checkInvitedOwners(resources: readonly StackResource[], s: InvitedOwnersSettings): StackViolation[] {
  const invited = new Set(
    resources
      .filter((r) => r.kind === "OrgInvitation")
      .map((r) => personOf(r.kind, r.props)?.toLowerCase())
      .filter((p): p is string => p !== undefined),
  );
  return ownerGrants(resources, s.ownerRoles)
    .filter((g) => invited.has(g.person) && !listed(g.person, s.owners))
    .map((g) => ({
      urn: g.resource.urn,
      message: `${g.person} is invited to the organization by this stack and ${g.resource.kind} "${g.resource.name}" gives them ${g.roles.join(", ")}, but they are not in invited-owners-listed.owners. Fix: invite them with a narrower role (e.g. ORG_MEMBER) and grant ownership once they have joined, or add ${g.person} to invited-owners-listed.owners.`,
    }));
}
