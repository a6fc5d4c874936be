import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { containsUnknown, isUnknownAt } from "./unknowns";

/**
 * Runs a zod schema as a dynamic provider's `check`: valid input comes back
 * normalised (the schema's output), invalid input as one failure per issue,
 * each naming the property (`roles[1].databaseName`) and saying what to do.
 * Never throws: whatever the program passes, the user gets failures.
 */
export function checkWith<S extends z.ZodType>(
  schema: S,
  news: unknown,
): pulumi.dynamic.CheckResult {
  let parsed: ReturnType<S["safeParse"]>;
  try {
    parsed = schema.safeParse(stripProviderProps(news)) as ReturnType<S["safeParse"]>;
  } catch (err) {
    return { inputs: {}, failures: [{ property: "", reason: `invalid input: ${String(err)}` }] };
  }
  if (parsed.success) {
    return { inputs: parsed.data as Record<string, unknown> };
  }
  // In a preview, inputs from other resources' outputs may not be known yet:
  // judge only what is known. Rules across properties (custom issues) wait
  // for `up`, when every value is known and `check` runs again.
  const previewing = containsUnknown(news);
  const issues = previewing
    ? parsed.error.issues.filter((issue) => issue.code !== "custom" && !isUnknownAt(news, issue.path))
    : parsed.error.issues;
  if (issues.length === 0) return { inputs: (news ?? {}) as Record<string, unknown> };
  const failures = issues.flatMap((issue) =>
    // A misspelt property is reported under its own name, one failure per key.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          property: propertyPath([...issue.path, key]),
          reason: `unknown property "${key}": check its spelling or remove it`,
        }))
      : [{ property: propertyPath(issue.path), reason: issue.message }],
  );
  return { inputs: (news ?? {}) as Record<string, unknown>, failures };
}

/**
 * `["roles", 1, "databaseName"]` → `roles[1].databaseName`; a key that is not
 * a plain name is quoted the way Pulumi writes property paths: `tags["a.b"]`.
 */
export function propertyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (!/^[A-Za-z_$][\w$]*$/.test(String(part))) out += `[${JSON.stringify(String(part))}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Inputs carry the engine's own `__provider`; schemas see only the user's. */
function stripProviderProps(news: unknown): unknown {
  if (news === null || typeof news !== "object" || Array.isArray(news)) return news;
  // fromEntries defines own properties: an own `__proto__` key stays a key
  // (reported as unknown) instead of becoming the copy's prototype.
  return Object.fromEntries(Object.entries(news).filter(([key]) => key !== "__provider"));
}
