/**
 * The diff rule most resources share: some inputs replace the resource, the
 * others update it in place. Lists are sets (order does not matter), emails
 * compare without letter case, a default counts as given, and an input not
 * known yet (a preview) counts as changed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { sameSet } from "./sets";
import { isUnknown } from "./unknowns";

export interface DiffRule<K extends string> {
  readonly replace: readonly K[];
  readonly update: readonly K[];
  /** Values an omitted input stands for (`adopt: false`). */
  readonly defaults?: Partial<Record<K, unknown>>;
  /** Inputs compared without letter case (usernames are emails). */
  readonly caseInsensitive?: readonly K[];
}

export function sameValue(a: unknown, b: unknown, ignoreCase = false): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return sameSet(a as unknown[] | undefined, b as unknown[] | undefined);
  if (ignoreCase && typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Whether any key changed, and which of them replace, per `rule`. */
export function changedKeys<K extends string>(
  olds: Partial<Record<K, unknown>>,
  news: Partial<Record<K, unknown>>,
  rule: DiffRule<K>,
): pulumi.dynamic.DiffResult {
  const differs = (key: K) => {
    if (isUnknown(news[key])) return true;
    const d = rule.defaults?.[key];
    return !sameValue(olds[key] ?? d, news[key] ?? d, rule.caseInsensitive?.includes(key));
  };
  const replaces = rule.replace.filter(differs);
  const changed = [...replaces, ...rule.update.filter(differs)];
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
}

/** The parts of an id `a/b/…` when it has exactly `count` non-empty parts; else undefined. */
export function splitId(id: string, count: number): string[] | undefined {
  const parts = id.split("/");
  return parts.length === count && parts.every((p) => p !== "") ? parts : undefined;
}
