/**
 * What the review says about one change: a section (a title, a verb, and one
 * fact a line), placed under the project or organization it concerns. The
 * per-resource describers (describers.ts) produce them; render.ts prints them.
 */
import { isUnknown } from "../provider/common/unknowns";
import type { Change, Props } from "./preview";

export interface Fact {
  text: string;
  /** A privileged role (the policy pack's lists) granted by this fact. */
  privileged?: boolean;
}

/** Where a change applies: its project, its organization, or (accounts with no single place) MongoDB Cloud. */
export type Scope = { kind: "project"; id: string } | { kind: "organization"; id: string } | { kind: "cloud" };

export interface Section {
  scope: Scope;
  /** `Database user \`app\` (admin)` */
  title: string;
  /** `created`, `roles changed`, `replaced`, `invited`, … */
  verb: string;
  op: Change["op"];
  resource: { name: string; type: string };
  facts: Fact[];
  /** A person (email address) who gains access with this change, or loses it. */
  person?: { username: string; effect: "gains" | "loses" };
  /** A database user created or deleted (for the summary). */
  databaseUser?: "created" | "deleted" | "changed";
  /** Temporary, and gone within 24 hours of the review. */
  expiresWithinADay?: boolean;
}

export interface DescribeContext {
  now: Date;
  /** Privileged database roles: `role` (any database) or `role@database` (policy pack: privileged-database-roles). */
  privilegedDatabaseRoles: readonly string[];
  /** Owner roles (policy pack: owner-roles). */
  ownerRoles: readonly string[];
}

/** Describes one change of a resource type: data in {@link DESCRIBERS}, keyed by type token. */
export type Describer = (change: Change, ctx: DescribeContext) => Section;

/** The engine's mask for a secret in a preview, and the marker of one in a state file. */
const SECRET_MASK = "[secret]";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function isSecretValue(value: unknown): boolean {
  return value === SECRET_MASK || (value !== null && typeof value === "object" && SECRET_SIG in (value as object));
}

export const KNOWN_AFTER_APPLY = "(known after apply)";

/** A value as the review prints it (never for secret properties: see {@link secretChange}). */
export function show(value: unknown): string {
  if (isUnknown(value)) return KNOWN_AFTER_APPLY;
  if (isSecretValue(value)) return "(secret)";
  if (typeof value === "string") return value;
  if (value === undefined) return "(none)";
  return JSON.stringify(value, (_k, v) => (isUnknown(v) ? KNOWN_AFTER_APPLY : isSecretValue(v) ? "(secret)" : v));
}

/** `code` spans for Markdown; the text is left as is in JSON output (render.ts strips the backticks). */
export const code = (value: unknown): string => `\`${show(value).replace(/`/g, "'")}\``;

/** The items of a list property that may be unknown (a list or its items). */
export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Items added to and removed from a list compared as a set of keys.
 * Unknown items are kept apart (the list is incomplete until apply).
 */
export function setDiff<T>(before: readonly T[], after: readonly T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  return { added: after.filter((x) => !was.has(key(x))), removed: before.filter((x) => !is.has(key(x))) };
}

/** Top-level properties whose values differ (secrets compare as their masks: see the review's doc). */
export function changedKeys(olds: Props | undefined, news: Props | undefined, ignore: readonly string[] = []): string[] {
  const keys = new Set([...Object.keys(olds ?? {}), ...Object.keys(news ?? {})]);
  return [...keys].filter((k) => !ignore.includes(k) && JSON.stringify(olds?.[k]) !== JSON.stringify(news?.[k])).sort();
}
