/**
 * Values not known yet. During a preview, an input that comes from another
 * resource's output (`projectId: project.id` for a project created in the
 * same program) reaches `check` and `diff` as this placeholder string
 * (`unknownValue` in the SDK's `runtime/rpc`); `create` and `update` always
 * get real values.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Whether the value, or anything inside it, is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Whether the value at `path`, or at any step on the way to it, is not known yet. */
export function isUnknownAt(root: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = root;
  for (const key of path) {
    if (isUnknown(current)) return true;
    if (current === null || typeof current !== "object") return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return isUnknown(current);
}
