/**
 * `pulumi-atlas-users audit`: for every project and organization a stack
 * touches, who has access that no resource of the stack declares, what the
 * stack declares that MongoDB Cloud does not have, and what expires soon.
 * Reads the stack's state and MongoDB Cloud; sends GET requests only.
 */
import { formatDuration } from "../provider/common/dates";
import type { RequestSender } from "../provider/client/operations/orgUsers";
import { isLive } from "../provider/memberships/status";
import type { Platform } from "../provider/platform";
import { readLive, ReadOnlySender, type Live } from "./live";
import type { Declared } from "./state";

export { readState, DECLARES } from "./state";
export { ReadOnlySender } from "./live";

export type FindingKind = "database user" | "organization member" | "project member" | "team member" | "certificate";
export type Category = "unmanaged" | "missing" | "expiring";
export const CATEGORIES: readonly Category[] = ["unmanaged", "missing", "expiring"];

export interface Finding {
  category: Category;
  kind: FindingKind;
  scope: { kind: "project" | "organization"; id: string };
  /** The username (for database users with `@authDatabase`; for team members with ` in team <name>`; for certificates with ` #<serial number>`). */
  identity: string;
  /** The membership status, the expiry, the resource that declares it. */
  detail: string;
  expiresAt?: string;
  resource?: string;
}

export interface AuditOptions {
  platform: Platform;
  /** Expiring within this many milliseconds (default 7 days). */
  withinMs?: number;
  now?: Date;
  format?: "markdown" | "json";
  /** Items per page of the list requests (1-500; default 500). */
  pageSize?: number;
}

export interface AuditResult {
  findings: Finding[];
  counts: Record<Category, number>;
  gets: number;
  output: string;
}

const DEFAULT_WITHIN_MS = 7 * 24 * 3600_000;

/** Audits what the state declares against what MongoDB Cloud holds, through `client` (GET only). */
export async function audit(declared: Declared, client: RequestSender, opts: AuditOptions): Promise<AuditResult> {
  const now = opts.now ?? new Date();
  const withinMs = opts.withinMs ?? DEFAULT_WITHIN_MS;
  const readOnly = new ReadOnlySender(client);
  const projects = [...declared.projects].sort();
  const orgs = [...declared.orgs].sort();
  const certificateUsers = new Map<string, string[]>();
  for (const c of declared.certificates) certificateUsers.set(c.projectId, [...(certificateUsers.get(c.projectId) ?? []), c.username]);
  const live = await readLive(readOnly, opts.platform, { projects, orgs, certificateUsers }, now, opts.pageSize);
  const findings = compare(declared, live, now, withinMs);
  const counts = { unmanaged: 0, missing: 0, expiring: 0 };
  for (const f of findings) counts[f.category]++;
  const header = {
    gets: readOnly.gets,
    resources: declared.resources,
    projects,
    orgs,
    within: formatDuration(withinMs),
    notListed: live.notListed,
    now: now.toISOString(),
  };
  const output = opts.format === "json" ? renderJson(header, counts, findings) : renderMarkdown(header, counts, findings);
  return { findings, counts, gets: readOnly.gets, output };
}

const lower = (s: string) => s.toLowerCase();

export function compare(declared: Declared, live: Live, now: Date, withinMs: number): Finding[] {
  const out: Finding[] = [];
  const dbKey = (u: { projectId: string; databaseName: string; username: string }) => `${u.projectId}/${u.databaseName}/${u.username}`;
  const declaredDb = new Map(declared.databaseUsers.map((u) => [dbKey(u), u]));
  const liveDb = new Set(live.databaseUsers.map(dbKey));
  const listedProjects = new Set(live.notListed.length > 0 ? [] : declared.projects);
  const soon = (at: string | undefined) => at !== undefined && Date.parse(at) - now.getTime() <= withinMs;

  for (const u of live.databaseUsers) {
    const mine = declaredDb.get(dbKey(u));
    const scope = { kind: "project" as const, id: u.projectId };
    const identity = `${u.username}@${u.databaseName}`;
    if (!mine) out.push({ category: "unmanaged", kind: "database user", scope, identity, detail: u.deleteAfterDate ? `temporary, until ${u.deleteAfterDate}` : "permanent" });
    if (soon(u.deleteAfterDate)) {
      out.push({
        category: "expiring",
        kind: "database user",
        scope,
        identity,
        expiresAt: u.deleteAfterDate,
        detail: `expires ${u.deleteAfterDate}${mine ? `, declared by \`${mine.resource}\`` : ", unmanaged"}`,
        ...(mine ? { resource: mine.resource } : {}),
      });
    }
  }
  for (const u of declared.databaseUsers) {
    if (listedProjects.has(u.projectId) && !liveDb.has(dbKey(u))) {
      out.push({ category: "missing", kind: "database user", scope: { kind: "project", id: u.projectId }, identity: `${u.username}@${u.databaseName}`, detail: `declared by \`${u.resource}\``, resource: u.resource });
    }
  }

  // People: a person is declared in an organization by a resource naming them there, or with a role in any project
  // (a project member is a member of the project's organization).
  const declaredProjectPeople = new Set(declared.projectMembers.map((m) => lower(m.username)));
  const members = (kind: FindingKind, scopeKind: "project" | "organization", liveList: Live["orgMembers"], declaredList: Declared["orgMembers"], inScope: ReadonlySet<string>) => {
    const key = (where: string, username: string) => `${where}/${lower(username)}`;
    const mine = new Map(declaredList.map((m) => [key(m.where, m.username), m]));
    const seen = new Map(liveList.map((m) => [key(m.where, m.username), m]));
    for (const m of liveList) {
      const scope = { kind: scopeKind, id: m.where };
      const d = mine.get(key(m.where, m.username)) ?? (scopeKind === "organization" && declaredProjectPeople.has(lower(m.username)) ? { resource: "a project role in the stack" } : undefined);
      const roles = m.roles.length > 0 ? ` (${m.roles.join(", ")})` : "";
      if (!d && isLive(m.status)) out.push({ category: "unmanaged", kind, scope, identity: m.username, detail: `${m.status}${roles}` });
      if (m.status === "PENDING" && soon(m.expiresAt)) {
        out.push({ category: "expiring", kind, scope, identity: m.username, expiresAt: m.expiresAt, detail: `invitation expires ${m.expiresAt}${d ? `, declared by ${d.resource.includes(" ") ? d.resource : `\`${d.resource}\``}` : ", unmanaged"}` });
      }
    }
    for (const d of declaredList) {
      if (!inScope.has(d.where)) continue;
      const m = seen.get(key(d.where, d.username));
      if (!m || !isLive(m.status)) {
        out.push({ category: "missing", kind, scope: { kind: scopeKind, id: d.where }, identity: d.username, detail: `${m ? m.status : "not a member"}, declared by \`${d.resource}\``, resource: d.resource });
      }
    }
  };
  members("organization member", "organization", live.orgMembers, declared.orgMembers, declared.orgs);
  members("project member", "project", live.projectMembers, declared.projectMembers, listedProjects);
  out.push(...compareTeamMembers(declared, live, live.teamsListed ? declared.orgs : new Set()));
  out.push(...compareCertificates(declared, live, listedProjects, soon));
  return out;
}

/** People in a team that no TeamMembership declares, and declared ones not in their team. Scope: the team's organization. */
function compareTeamMembers(declared: Declared, live: Live, inScope: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const key = (m: { teamId: string; username: string }) => `${m.teamId}/${lower(m.username)}`;
  const mine = new Map(declared.teamMembers.map((m) => [key(m), m]));
  const seen = new Set(live.teamMembers.map(key));
  const teamNames = new Map(live.teamMembers.map((m) => [m.teamId, m.teamName]));
  for (const m of live.teamMembers) {
    if (mine.has(key(m))) continue;
    out.push({ category: "unmanaged", kind: "team member", scope: { kind: "organization", id: m.orgId }, identity: `${m.username} in team ${m.teamName}`, detail: `${m.status}, team ${m.teamId}` });
  }
  for (const d of declared.teamMembers) {
    if (!inScope.has(d.orgId) || seen.has(key(d))) continue;
    const team = teamNames.get(d.teamId);
    out.push({
      category: "missing",
      kind: "team member",
      scope: { kind: "organization", id: d.orgId },
      identity: `${d.username} in team ${team ?? d.teamId}`,
      detail: `not in the team${team ? "" : " (no team of the organization has this id, or it has no members)"}, declared by \`${d.resource}\``,
      resource: d.resource,
    });
  }
  return out;
}

/**
 * Certificates Atlas lists that no X509Certificate holds (issued outside the
 * stack, or forgotten by a renewal or a destroy: Atlas cannot revoke one, so
 * each still lets its holder in until it ends), declared ones Atlas no
 * longer lists, and any that end within the window.
 */
function compareCertificates(declared: Declared, live: Live, inScope: ReadonlySet<string>, soon: (at: string | undefined) => boolean): Finding[] {
  const out: Finding[] = [];
  const key = (c: { projectId: string; username: string; serialNumber: string }) => `${c.projectId}/${c.username}/${c.serialNumber}`;
  const mine = new Map(declared.certificates.map((c) => [key(c), c]));
  const seen = new Set(live.certificates.map(key));
  for (const c of live.certificates) {
    const d = mine.get(key(c));
    const scope = { kind: "project" as const, id: c.projectId };
    const identity = `${c.username} #${c.serialNumber}`;
    const until = c.notAfter ? `valid until ${c.notAfter}` : "valid";
    if (!d) out.push({ category: "unmanaged", kind: "certificate", scope, identity, detail: `${until}, held by no X509Certificate of the stack (Atlas cannot revoke one certificate)` });
    if (soon(c.notAfter)) {
      out.push({ category: "expiring", kind: "certificate", scope, identity, expiresAt: c.notAfter, detail: `ends ${c.notAfter}${d ? `, declared by \`${d.resource}\`` : ", unmanaged"}`, ...(d ? { resource: d.resource } : {}) });
    }
  }
  for (const d of declared.certificates) {
    if (!inScope.has(d.projectId) || seen.has(key(d))) continue;
    out.push({
      category: "missing",
      kind: "certificate",
      scope: { kind: "project", id: d.projectId },
      identity: `${d.username} #${d.serialNumber}`,
      detail: `no longer listed by Atlas (expired, or its user deleted or recreated), declared by \`${d.resource}\``,
      resource: d.resource,
    });
  }
  return out;
}

interface Header {
  gets: number;
  resources: number;
  projects: string[];
  orgs: string[];
  within: string;
  notListed: string[];
  now: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summaryText(counts: Record<Category, number>, within: string): string {
  return `${plural(counts.unmanaged, "unmanaged identity", "unmanaged identities")}, ${counts.missing} declared but missing, ${counts.expiring} expiring within ${within}.`;
}

function renderMarkdown(h: Header, counts: Record<Category, number>, findings: Finding[]): string {
  const lines = [
    "## Access audit",
    "",
    `Read-only: ${plural(h.gets, "GET request")} to MongoDB Cloud, nothing else was sent. ` +
      `The stack's ${plural(h.resources, "resource")} of pulumi-atlas-users touch ${plural(h.projects.length, "project")} and ${plural(h.orgs.length, "organization")}; as of ${h.now}.`,
    "",
    `**${summaryText(counts, h.within)}**`,
  ];
  for (const n of h.notListed) lines.push("", `Not audited: ${n}.`);
  const scopes = [...h.projects.map((id) => ({ kind: "project" as const, id })), ...h.orgs.map((id) => ({ kind: "organization" as const, id }))];
  const titles: Record<Category, string> = { unmanaged: "In MongoDB Cloud, declared by no resource", missing: "Declared, but not in MongoDB Cloud", expiring: `Expiring within ${h.within}` };
  for (const scope of scopes) {
    const here = findings.filter((f) => f.scope.kind === scope.kind && f.scope.id === scope.id);
    lines.push("", `### ${scope.kind === "project" ? "Project" : "Organization"} \`${scope.id}\``);
    if (here.length === 0) lines.push("", "Nothing to report.");
    for (const category of CATEGORIES) {
      const items = here.filter((f) => f.category === category);
      if (items.length === 0) continue;
      lines.push("", `${titles[category]} (${items.length}):`, "");
      for (const f of items) lines.push(`- ${f.kind} \`${f.identity}\`: ${f.detail}`);
    }
  }
  lines.push("");
  return lines.join("\n");
}

function renderJson(h: Header, counts: Record<Category, number>, findings: Finding[]): string {
  return `${JSON.stringify({ readOnly: { getRequests: h.gets, otherRequests: 0 }, ...h, summary: { ...counts, text: summaryText(counts, h.within) }, findings }, null, 2)}\n`;
}
