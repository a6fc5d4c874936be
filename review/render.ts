/**
 * The review as Markdown (a pull-request comment) or JSON: a summary line,
 * then one heading per project / organization, one section per change.
 */
import type { Scope, Section } from "./model";

export interface Summary {
  text: string;
  changes: number;
  peopleGainingAccess: number;
  peopleLosingAccess: number;
  databaseUsers: { created: number; deleted: number; changed: number };
  privilegedGrants: number;
  expiringWithin24h: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function summarize(sections: readonly Section[]): Summary {
  const people = (effect: "gains" | "loses") =>
    new Set(sections.filter((s) => s.person?.effect === effect).map((s) => s.person!.username.toLowerCase())).size;
  const db = (what: "created" | "deleted" | "changed") => sections.filter((s) => s.databaseUser === what).length;
  const summary: Omit<Summary, "text"> = {
    changes: sections.length,
    peopleGainingAccess: people("gains"),
    peopleLosingAccess: people("loses"),
    databaseUsers: { created: db("created"), deleted: db("deleted"), changed: db("changed") },
    privilegedGrants: sections.reduce((n, s) => n + s.facts.filter((f) => f.privileged).length, 0),
    expiringWithin24h: sections.filter((s) => s.expiresWithinADay).length,
  };
  const parts: string[] = [];
  if (summary.peopleGainingAccess) parts.push(`${plural(summary.peopleGainingAccess, "person gains", "people gain")} access`);
  if (summary.peopleLosingAccess) {
    const n = summary.peopleLosingAccess;
    parts.push(summary.peopleGainingAccess ? `${n} ${n === 1 ? "loses" : "lose"} it` : `${plural(n, "person loses", "people lose")} access`);
  }
  const d = summary.databaseUsers;
  const dbParts = ([
    [d.created, "created"],
    [d.deleted, "deleted"],
    [d.changed, "changed"],
  ] as const).filter(([n]) => n > 0);
  // "2 database users created, 1 deleted": the noun once, on the first count.
  dbParts.forEach(([n, what], i) => parts.push(i === 0 ? `${plural(n, "database user", "database users")} ${what}` : `${n} ${what}`));
  const others = sections.length - sections.filter((s) => s.databaseUser || s.person).length;
  if (others) parts.push(plural(others, "other identity change", "other identity changes"));
  if (summary.privilegedGrants) parts.push(plural(summary.privilegedGrants, "privileged grant", "privileged grants"));
  if (summary.expiringWithin24h) parts.push(`${summary.expiringWithin24h} expiring within 24 h`);
  return { ...summary, text: sections.length === 0 ? "No identity changes." : `${parts.join(", ")}.` };
}

function scopeKey(s: Scope): string {
  return s.kind === "cloud" ? "cloud" : `${s.kind}:${s.id}`;
}

export function scopeTitle(s: Scope): string {
  if (s.kind === "cloud") return "MongoDB Cloud accounts";
  return `${s.kind === "project" ? "Project" : "Organization"} \`${s.id}\``;
}

/** Sections grouped by scope: projects first, then organizations, then accounts; each in preview order. */
export function groupByScope(sections: readonly Section[]): { scope: Scope; sections: Section[] }[] {
  const groups = new Map<string, { scope: Scope; sections: Section[] }>();
  for (const s of sections) {
    const key = scopeKey(s.scope);
    if (!groups.has(key)) groups.set(key, { scope: s.scope, sections: [] });
    groups.get(key)!.sections.push(s);
  }
  const rank = { project: 0, organization: 1, cloud: 2 } as const;
  return [...groups.values()].sort((a, b) => rank[a.scope.kind] - rank[b.scope.kind]);
}

const FOOTER = "<sub>pulumi-atlas-users review: secrets are never shown; values not known until apply read “(known after apply)”.</sub>";

/**
 * The review in Markdown. With `maxChars` (a PR comment holds at most 65,536),
 * whole sections are left out from the end once the text would exceed it,
 * and a line says how many (the summary still counts them all).
 */
export function renderMarkdown(sections: readonly Section[], summary: Summary, maxChars = Infinity): string {
  const head = ["## Access review", "", `**${summary.text}**`];
  const body: string[] = [];
  let length = [...head, FOOTER].join("\n").length + 200;
  let shown = 0;
  outer: for (const group of groupByScope(sections)) {
    const heading = ["", `### ${scopeTitle(group.scope)}`];
    let headed = false;
    for (const s of group.sections) {
      const lines = ["", `#### ${s.title}: ${s.verb}`, ...(s.facts.length === 0 ? ["- no change to access"] : s.facts.map((f) => `- ${f.text}`))];
      const added = [...(headed ? [] : heading), ...lines].join("\n").length + 1;
      if (length + added > maxChars) break outer;
      if (!headed) body.push(...heading);
      headed = true;
      body.push(...lines);
      length += added;
      shown++;
    }
  }
  const left = sections.length - shown;
  if (left > 0) body.push("", `**${left} more ${left === 1 ? "change" : "changes"} not shown** (the review is longer than ${maxChars} characters): run \`pulumi-atlas-users review\` on the preview for all of it.`);
  return [...head, ...body, "", FOOTER, ""].join("\n");
}

/** Markdown markup out of a fact or title, for JSON. */
const plain = (text: string) => text.replace(/ \*\*privileged\*\*/g, "").replace(/`/g, "");

export function renderJson(sections: readonly Section[], summary: Summary): string {
  return `${JSON.stringify(
    {
      summary,
      groups: groupByScope(sections).map((g) => ({
        scope: g.scope,
        sections: g.sections.map((s) => ({
          title: plain(s.title),
          verb: s.verb,
          op: s.op,
          resource: s.resource,
          ...(s.person ? { person: s.person } : {}),
          ...(s.expiresWithinADay ? { expiresWithin24h: true } : {}),
          facts: s.facts.map((f) => ({ text: plain(f.text), ...(f.privileged ? { privileged: true } : {}) })),
        })),
      })),
    },
    null,
    2,
  )}\n`;
}
