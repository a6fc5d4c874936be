/**
 * What each change means, per resource type: {@link DESCRIBERS} maps a type
 * token to the function that turns a change into a section of the review.
 * A type with no entry (a resource newer than this table) still gets a
 * section from {@link describeGeneric}: its changed properties, with secrets
 * and unknown values handled the same way. Adding a resource = adding an entry.
 */
import { formatDuration } from "../provider/common/dates";
import { secretFieldsOf } from "../provider/common/secretFields";
import { isUnknown } from "../provider/common/unknowns";
import { CloudUserStateSchema } from "../provider/cloudUser/schema";
import { DatabaseUserStateSchema, authKindOf } from "../provider/databaseUser/schema";
import { OrgInvitationStateSchema } from "../provider/orgInvitation/schema";
import { lifetimeOf, privilegedRolesOf, type Lifetime } from "../policy/rules";
import { TYPE_PREFIX, type Change, type Props } from "./preview";
import {
  KNOWN_AFTER_APPLY,
  changedKeys,
  code,
  isSecretValue,
  listOf,
  setDiff,
  show,
  type DescribeContext,
  type Describer,
  type Fact,
  type Scope,
  type Section,
} from "./model";

const DAY_MS = 24 * 3600_000;

// ---------------------------------------------------------------- shared pieces

function scopeOf(kind: "project" | "organization", id: unknown): Scope {
  return typeof id === "string" && id !== "" ? { kind, id: isUnknown(id) ? KNOWN_AFTER_APPLY : id } : { kind: "cloud" };
}

function baseSection(c: Change, scope: Scope, title: string, verb: string, facts: Fact[]): Section {
  return { scope, title, verb, op: c.op, resource: { name: c.name, type: c.type }, facts };
}

/** The secret properties of a type, from its schema's `secret` metadata. */
const SECRETS: Readonly<Record<string, readonly string[]>> = {
  DatabaseUser: secretFieldsOf(DatabaseUserStateSchema),
  OrgInvitation: secretFieldsOf(OrgInvitationStateSchema),
  CloudUser: secretFieldsOf(CloudUserStateSchema),
};

function secretsOf(c: Change): string[] {
  const props = { ...c.olds, ...c.news };
  return [...new Set([...(SECRETS[c.kind] ?? []), ...Object.keys(props).filter((k) => isSecretValue(props[k]))])];
}

/**
 * Facts for secret properties: "set" on create, "changed" on an update that
 * changes nothing else visible (a masked preview shows secrets as equal
 * `[secret]`: an update with no other difference is a secret's change).
 */
function secretFacts(c: Change, otherChanges: number): Fact[] {
  const secrets = secretsOf(c);
  const present = secrets.filter((k) => c.news?.[k] !== undefined);
  if (c.op === "create" || c.op === "replace") return present.map((k) => ({ text: `${k}: set (secret)` }));
  if (c.op !== "update") return [];
  const visiblyChanged = secrets.filter((k) => JSON.stringify(c.olds?.[k]) !== JSON.stringify(c.news?.[k]));
  if (visiblyChanged.length > 0) return visiblyChanged.map((k) => ({ text: `${k}: ${c.news?.[k] === undefined ? "removed" : "changed"}` }));
  if (otherChanges === 0 && present.length > 0) return [{ text: `${present.join(", ")}: changed (secret)` }];
  return [];
}

/** `key: old → new` for properties no other fact covers. */
function otherFacts(c: Change, covered: readonly string[]): Fact[] {
  if (c.op !== "update" && c.op !== "replace") return [];
  const skip = [...covered, ...secretsOf(c)];
  return changedKeys(c.olds, c.news, skip).map((k) => ({ text: `${k}: ${show(c.olds?.[k])} → ${show(c.news?.[k])}` }));
}

// ---------------------------------------------------------------- DatabaseUser

interface DbRole {
  roleName: string;
  databaseName: string;
  collectionName?: string;
}

const roleKey = (r: DbRole) => `${show(r.roleName)}@${show(r.databaseName)}${r.collectionName ? `.${show(r.collectionName)}` : ""}`;
const roleText = (r: DbRole) => `${code(r.roleName)} on ${code(r.collectionName ? `${show(r.databaseName)}.${show(r.collectionName)}` : r.databaseName)}`;

function dbRoles(value: unknown): DbRole[] {
  return listOf(value).filter((r): r is DbRole => r !== null && typeof r === "object");
}

function authLabel(props: Props): string {
  const auth = authKindOf(props as Record<string, unknown>);
  if (auth.kind === "SCRAM") return "SCRAM password";
  const names: Record<string, string> = { x509Type: "X.509", awsIAMType: "AWS IAM", ldapAuthType: "LDAP", oidcAuthType: "OIDC" };
  return `${names[auth.kind]} ${auth.value}`;
}

function lifetimeText(l: Lifetime): string {
  switch (l.kind) {
    case "permanent":
      return "permanent (no expiry)";
    case "unknown":
      return `expiry ${KNOWN_AFTER_APPLY}`;
    case "known":
      return l.property === "expiresIn"
        ? `expires ${formatDuration(l.ms)} after apply (expiresIn ${code(l.text)})`
        : `expires ${code(l.text)} (${l.ms > 0 ? `in ${formatDuration(l.ms)}` : `already past, ${formatDuration(-l.ms)} ago`})`;
  }
}

/** The expiry facts of a database user change, and whether it expires within a day. */
function expiryFacts(c: Change, now: Date): { facts: Fact[]; soon: boolean; covered: string[] } {
  const covered = ["expiresIn", "deleteAfterDate", "temporary"];
  const after = c.news ? lifetimeOf(c.news, now) : undefined;
  const before = c.olds ? lifetimeOf(c.olds, now) : undefined;
  const soon = after?.kind === "known" && after.ms <= DAY_MS;
  const facts: Fact[] = [];
  const wasAt = typeof c.oldOutputs?.deleteAfterDate === "string" ? (c.oldOutputs.deleteAfterDate as string) : undefined;
  const expired = wasAt !== undefined && Date.parse(wasAt) <= now.getTime();
  if (c.op === "create" && after) facts.push({ text: `lifetime: ${lifetimeText(after)}` });
  if ((c.op === "update" || c.op === "replace") && before && after) {
    const windowReason = c.replaceReasons.some((r) => r === "expiresIn" || r === "deleteAfterDate");
    if (before.kind === "permanent" && after.kind !== "permanent") {
      facts.push({ text: `expiry set: ${lifetimeText(after)}; Atlas cannot make a permanent user temporary, so it is deleted and recreated` });
    } else if (before.kind !== "permanent" && after.kind === "permanent") {
      facts.push({ text: "expiry removed: permanent from now on; Atlas cannot make a temporary user permanent, so it is deleted and recreated" });
    } else if (c.op === "replace" && windowReason && expired) {
      facts.push({ text: `expired at ${code(wasAt)} and recreated: ${lifetimeText(after)}` });
    } else if (before.kind === "known" && after.kind === "known" && before.text !== after.text) {
      // Where each window ends: the new one from now (expiresIn counts from the apply), the old one as last seen.
      const newEnd = now.getTime() + after.ms;
      const oldEnd = wasAt ? Date.parse(wasAt) : now.getTime() + before.ms;
      const verb = newEnd > oldEnd ? "extended" : newEnd < oldEnd ? "shortened" : "changed";
      const from = before.property === after.property ? code(before.text) : `${before.property} ${code(before.text)}`;
      const to = before.property === after.property ? code(after.text) : `${after.property} ${code(after.text)}`;
      facts.push({ text: `expiry ${verb}: ${before.property === after.property ? `${after.property} ` : ""}${from} → ${to}${wasAt ? ` (was due ${code(wasAt)})` : ""}` });
    } else if (after.kind === "unknown" && before.kind !== "unknown") {
      facts.push({ text: `expiry: ${KNOWN_AFTER_APPLY}` });
    }
  }
  return { facts, soon, covered };
}

const describeDatabaseUser: Describer = (c, ctx) => {
  const props = c.news ?? c.olds ?? {};
  const scope = scopeOf("project", props.projectId);
  const title = `Database user ${code(props.username)} (${show(props.databaseName ?? "admin")}, ${authLabel(props)})`;
  const facts: Fact[] = [];
  const privileged = (r: DbRole) => privilegedRolesOf({ roles: [r] }, ctx.privilegedDatabaseRoles).length > 0;
  const roleFact = (prefix: string, r: DbRole, grant: boolean): Fact =>
    grant && privileged(r) ? { text: `${prefix}: ${roleText(r)} **privileged**`, privileged: true } : { text: `${prefix}: ${roleText(r)}` };
  const scopeText = (s: Props) => `${show(s.type).toLowerCase().replace("_", " ")} ${code(s.name)}`;
  let verb: string;
  const covered = ["projectId", "username", "databaseName", "roles", "scopes", "awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type"];
  const expiry = expiryFacts(c, ctx.now);
  covered.push(...expiry.covered);

  if (c.op === "create") {
    verb = "created";
    facts.push({ text: `authentication: ${authLabel(props)}` });
    if (isUnknown(props.roles)) facts.push({ text: `roles: ${KNOWN_AFTER_APPLY}` });
    for (const r of dbRoles(props.roles)) facts.push(roleFact("role", r, true));
    const scopes = listOf(props.scopes) as Props[];
    facts.push({ text: scopes.length === 0 ? "scope: every cluster and data lake of the project" : `scopes: ${scopes.map(scopeText).join(", ")}` });
  } else if (c.op === "delete") {
    verb = "deleted";
    for (const r of dbRoles(props.roles)) facts.push(roleFact("loses role", r, false));
  } else {
    verb = c.op === "replace" ? "replaced" : "updated";
    for (const reason of c.replaceReasons) {
      if (reason === "username") facts.push({ text: `renamed: ${code(c.olds?.username)} → ${code(c.news?.username)} (a new user; the old one is deleted)` });
      else if (reason === "projectId") facts.push({ text: `moved: project ${code(c.olds?.projectId)} → ${code(c.news?.projectId)}` });
      else if (reason === "databaseName" || reason.endsWith("Type")) facts.push({ text: `${reason}: ${show(c.olds?.[reason])} → ${show(c.news?.[reason])}` });
    }
    if (isUnknown(c.news?.roles)) facts.push({ text: `roles: ${KNOWN_AFTER_APPLY}` });
    else {
      const { added, removed } = setDiff(dbRoles(c.olds?.roles), dbRoles(c.news?.roles), roleKey);
      for (const r of added) facts.push(roleFact("role added", r, true));
      for (const r of removed) facts.push(roleFact("role removed", r, false));
      if (c.op === "replace") {
        const kept = dbRoles(c.news?.roles).filter((r) => !added.includes(r));
        for (const r of kept) facts.push(roleFact("role kept", r, false));
      }
    }
    const { added: sAdded, removed: sRemoved } = setDiff(listOf(c.olds?.scopes) as Props[], listOf(c.news?.scopes) as Props[], (s) => JSON.stringify(s));
    for (const s of sAdded) facts.push({ text: `scope added: ${scopeText(s)}` });
    for (const s of sRemoved) facts.push({ text: `scope removed: ${scopeText(s)}` });
  }
  facts.push(...expiry.facts);
  const others = otherFacts(c, covered);
  facts.push(...others);
  facts.push(...secretFacts(c, facts.length));
  const section = baseSection(c, scope, title, verb, facts);
  section.databaseUser = c.op === "create" ? "created" : c.op === "delete" ? "deleted" : "changed";
  if (c.op !== "delete" && expiry.soon) section.expiresWithinADay = true;
  return section;
};

// ---------------------------------------------------------------- people: OrgInvitation, CloudUser

function ownerFact(prefix: string, role: unknown, where: string, ctx: DescribeContext, grant: boolean): Fact {
  const text = `${prefix}: ${code(role)}${where}`;
  return grant && typeof role === "string" && ctx.ownerRoles.includes(role) ? { text: `${text} **privileged**`, privileged: true } : { text };
}

interface ProjectRoles {
  projectId: string;
  roles: string[];
}

function projectRolePairs(value: unknown): { projectId: string; role: string }[] {
  return (listOf(value) as ProjectRoles[]).flatMap((p) => listOf(p?.roles).map((role) => ({ projectId: p.projectId, role: role as string })));
}

/** Whether an invitation had expired (or was declined) by `now`, from the outputs the last `up`/`refresh` saw. */
function deadInvitation(outputs: Props | undefined, now: Date): string | undefined {
  if (!outputs) return undefined;
  if (outputs.status === "INVITATION_REJECTED") return "the invitation was declined";
  const at = typeof outputs.invitationExpiresAt === "string" ? outputs.invitationExpiresAt : undefined;
  if (outputs.status === "INVITATION_EXPIRED") return `the invitation expired${at ? ` at ${code(at)}` : ""}`;
  if (outputs.status === "PENDING" && at && Date.parse(at) <= now.getTime()) return `the invitation expired at ${code(at)}`;
  return undefined;
}

const describeOrgInvitation: Describer = (c, ctx) => {
  const props = c.news ?? c.olds ?? {};
  const scope = scopeOf("organization", props.orgId);
  const title = `Person ${code(props.username)}`;
  const facts: Fact[] = [];
  const inProject = (p: string) => ` in project ${code(p)}`;
  let verb: string;
  const covered = ["orgId", "username", "roles", "projectRoles", "teamIds"];
  let person: Section["person"];
  if (c.op === "create") {
    verb = "invited";
    person = { username: show(props.username), effect: "gains" };
    for (const r of listOf(props.roles)) facts.push(ownerFact("org role", r, "", ctx, true));
    for (const p of projectRolePairs(props.projectRoles)) facts.push(ownerFact("project role", p.role, inProject(p.projectId), ctx, true));
    for (const t of listOf(props.teamIds)) facts.push({ text: `team: ${code(t)}` });
  } else if (c.op === "delete") {
    const status = c.oldOutputs?.status;
    verb = status === "ACTIVE" ? "removed from the organization" : "invitation withdrawn";
    person = { username: show(props.username), effect: "loses" };
    for (const r of listOf(c.oldOutputs?.roles ?? props.roles)) facts.push(ownerFact("loses org role", r, "", ctx, false));
    for (const p of projectRolePairs(c.oldOutputs?.projectRoles ?? props.projectRoles)) facts.push(ownerFact("loses project role", p.role, inProject(p.projectId), ctx, false));
  } else {
    const dead = deadInvitation(c.oldOutputs, ctx.now);
    const reinvited = dead !== undefined && (c.replaceReasons.includes("status") || c.op === "update");
    verb = reinvited ? "re-invited" : c.op === "replace" ? "replaced" : "updated";
    if (reinvited) facts.push({ text: `re-invited: ${dead}; a new invitation is sent (valid 30 days)` });
    for (const reason of c.replaceReasons) {
      if (reason === "username") facts.push({ text: `person changed: ${code(c.olds?.username)} → ${code(c.news?.username)}` });
      if (reason === "orgId") facts.push({ text: `organization changed: ${code(c.olds?.orgId)} → ${code(c.news?.orgId)}` });
    }
    const roles = setDiff(listOf(c.olds?.roles), listOf(c.news?.roles), show);
    for (const r of roles.added) facts.push(ownerFact("org role added", r, "", ctx, true));
    for (const r of roles.removed) facts.push(ownerFact("org role removed", r, "", ctx, false));
    if (c.news?.projectRoles !== undefined) {
      const pr = setDiff(projectRolePairs(c.olds?.projectRoles), projectRolePairs(c.news?.projectRoles), (p) => `${p.projectId}/${p.role}`);
      for (const p of pr.added) facts.push(ownerFact("project role added", p.role, inProject(p.projectId), ctx, true));
      for (const p of pr.removed) facts.push(ownerFact("project role removed", p.role, inProject(p.projectId), ctx, false));
    }
    const teams = setDiff(listOf(c.olds?.teamIds), listOf(c.news?.teamIds), show);
    for (const t of teams.added) facts.push({ text: `joins team ${code(t)}` });
    for (const t of teams.removed) facts.push({ text: `leaves team ${code(t)}` });
  }
  facts.push(...otherFacts(c, covered));
  const section = baseSection(c, scope, title, verb, facts);
  if (person) section.person = person;
  return section;
};

interface AccountRole {
  orgId?: string;
  projectId?: string;
  roleName: string;
}

const accountRoleWhere = (r: AccountRole) =>
  r.projectId ? ` in project ${code(r.projectId)}` : r.orgId ? ` in organization ${code(r.orgId)}` : " (global)";
const accountRoleKey = (r: AccountRole) => `${show(r.orgId ?? "")}/${show(r.projectId ?? "")}/${show(r.roleName)}`;

const describeCloudUser: Describer = (c, ctx) => {
  const props = c.news ?? c.olds ?? {};
  const title = `Account ${code(props.username)}`;
  const facts: Fact[] = [];
  let verb: string;
  let person: Section["person"];
  const roles = (v: unknown) => listOf(v) as AccountRole[];
  const covered = ["username", "roles"];
  if (c.op === "create") {
    verb = "created";
    person = { username: show(props.username), effect: "gains" };
    for (const r of roles(props.roles)) facts.push(ownerFact("role", r.roleName, accountRoleWhere(r), ctx, true));
  } else if (c.op === "delete") {
    verb = "removed";
    person = { username: show(props.username), effect: "loses" };
    for (const r of roles(c.olds?.roles)) facts.push(ownerFact("loses role", r.roleName, accountRoleWhere(r), ctx, false));
  } else {
    verb = c.op === "replace" ? "replaced" : "updated";
    if (c.replaceReasons.includes("username")) facts.push({ text: `account changed: ${code(c.olds?.username)} → ${code(c.news?.username)}` });
    const d = setDiff(roles(c.olds?.roles), roles(c.news?.roles), accountRoleKey);
    for (const r of d.added) facts.push(ownerFact("role added", r.roleName, accountRoleWhere(r), ctx, true));
    for (const r of d.removed) facts.push(ownerFact("role removed", r.roleName, accountRoleWhere(r), ctx, false));
    const at = c.oldOutputs?.invitationsExpireAt;
    if (listOf(c.oldOutputs?.pendingRoles).length > 0 && typeof at === "string" && Date.parse(at) <= ctx.now.getTime()) {
      verb = d.added.length + d.removed.length === 0 ? "re-invited" : verb;
      facts.push({ text: `re-invited: the invitation for ${roles(c.oldOutputs?.pendingRoles).map((r) => `${code(r.roleName)}${accountRoleWhere(r)}`).join(", ")} expired at ${code(at)}` });
    }
  }
  facts.push(...otherFacts(c, covered));
  facts.push(...secretFacts(c, facts.length));
  const section = baseSection(c, { kind: "cloud" }, title, verb, facts);
  if (person) section.person = person;
  return section;
};

// ---------------------------------------------------------------- any other type of this package

/**
 * A resource type with no describer yet: its place (projectId, orgId), its
 * identity (username, name), and every changed property, roles marked
 * privileged by name. Secrets and unknown values as everywhere.
 */
export const describeGeneric: Describer = (c, ctx) => {
  const props = c.news ?? c.olds ?? {};
  const scope = props.projectId !== undefined ? scopeOf("project", props.projectId) : scopeOf("organization", props.orgId);
  const who = props.username ?? props.roleName ?? props.name ?? c.name;
  const title = `${c.kind} ${code(who)}`;
  const verb = { create: "created", update: "updated", replace: "replaced", delete: "deleted" }[c.op];
  const facts: Fact[] = [];
  const privilegedName = (v: unknown) =>
    typeof v === "string" && (ctx.ownerRoles.includes(v) || ctx.privilegedDatabaseRoles.some((p) => p.split("@")[0] === v));
  const secrets = secretsOf(c);
  const keys = c.op === "update" || c.op === "replace" ? changedKeys(c.olds, c.news) : Object.keys(props).sort();
  for (const k of keys) {
    if (secrets.includes(k)) continue;
    const before = c.op === "create" ? [] : listOf(c.olds?.[k]);
    const after = c.op === "delete" ? [] : listOf(c.news?.[k]);
    if (Array.isArray(c.olds?.[k]) || Array.isArray(c.news?.[k])) {
      const d = setDiff(before, after, (x) => JSON.stringify(x));
      const label = c.op === "create" ? k : `${k} added`;
      for (const x of d.added) {
        const name = typeof x === "object" && x !== null ? (x as Props).roleName : x;
        facts.push(privilegedName(name) ? { text: `${label}: ${code(x)} **privileged**`, privileged: true } : { text: `${label}: ${code(x)}` });
      }
      for (const x of d.removed) facts.push({ text: `${k} removed: ${code(x)}` });
    } else if (c.op === "update" || c.op === "replace") {
      facts.push({ text: `${k}: ${show(c.olds?.[k])} → ${show(c.news?.[k])}` });
    } else if (c.op === "create") {
      facts.push({ text: `${k}: ${show(props[k])}` });
    }
  }
  for (const reason of c.replaceReasons) facts.push({ text: `replaced because ${reason} changed` });
  facts.push(...secretFacts(c, facts.length));
  const section = baseSection(c, scope, title, verb, facts);
  if (typeof props.username === "string" && (c.op === "create" || c.op === "delete")) {
    section.person = { username: props.username, effect: c.op === "create" ? "gains" : "loses" };
  }
  return section;
};

/** The describers, by type token. */
export const DESCRIBERS: Readonly<Record<string, Describer>> = {
  [`${TYPE_PREFIX}DatabaseUser`]: describeDatabaseUser,
  [`${TYPE_PREFIX}OrgInvitation`]: describeOrgInvitation,
  [`${TYPE_PREFIX}CloudUser`]: describeCloudUser,
};

export function describeChange(c: Change, ctx: DescribeContext): Section {
  return (DESCRIBERS[c.type] ?? describeGeneric)(c, ctx);
}
