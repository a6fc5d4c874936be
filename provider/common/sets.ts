/**
 * Lists that Atlas treats as sets (roles, scopes, labels, team ids): compared
 * and stored in one canonical order, so reordering a list in a program is not
 * a change and previews show only real differences.
 */

/**
 * A stable text key for a plain JSON value: object keys sorted, undefined
 * fields dropped. Two values with the same key are the same set element.
 */
export function canonicalKey(value: unknown): string {
  return JSON.stringify(canonicalValue(value));
}

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalValue(v);
    }
    return out;
  }
  return value;
}

/** A sorted copy (by {@link canonicalKey}); duplicates are kept, so callers can report them. */
export function canonicalSet<T>(items: readonly T[] | undefined): T[] {
  return [...(items ?? [])].sort((a, b) => compareText(canonicalKey(a), canonicalKey(b)));
}

/** Set equality; an absent list equals an empty one. Duplicates count once. */
export function sameSet<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  const ka = new Set((a ?? []).map(canonicalKey));
  const kb = new Set((b ?? []).map(canonicalKey));
  if (ka.size !== kb.size) return false;
  for (const k of ka) if (!kb.has(k)) return false;
  return true;
}

/** Indexes of elements equal to an earlier element (by `key`, default {@link canonicalKey}). */
export function duplicateIndexes<T>(items: readonly T[], key: (item: T) => string = canonicalKey): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) out.push(i);
    else seen.add(k);
  });
  return out;
}

// Code-unit order, independent of the process locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
