import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { isSecretFieldName } from "../client/redact";
import { PLATFORM, type Platform, type PlatformRecord } from "../platform";
import { containsUnknown, isUnknownAt } from "./unknowns";

export interface CheckOptions {
  /**
   * Top-level inputs that hold secrets although their names do not say so
   * (`password`, `clientSecret`, `apiKey`, ... are recognised by name).
   */
  secretInputs?: readonly string[];
}

/**
 * Runs a zod schema as a dynamic provider's `check`: valid input comes back
 * normalised (the schema's output), invalid input as one failure per issue,
 * each naming the property (`roles[1].databaseName`) and saying what to do.
 * Never throws: whatever the program passes, the user gets failures.
 * A failure never makes the engine print a secret: see {@link reportable}.
 */
export function checkWith<S extends z.ZodType>(
  schema: S,
  news: unknown,
  opts: CheckOptions = {},
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
      ? issue.keys.map((key) =>
          reportable(news, [...issue.path, key], `unknown property "${key}": check its spelling or remove it`, { declared: false, ...opts }),
        )
      : [reportable(news, issue.path, issue.message, { declared: true, ...opts })],
  );
  return { inputs: (news ?? {}) as Record<string, unknown>, failures };
}

/**
 * One failure, in a form the engine cannot turn into a leak. The engine
 * prints a failure with a property as `property <p> value <v> has a problem`,
 * where `v` is the program's top-level input whose key is exactly `p`, secret
 * or not (a dynamic provider accepts no secrets, so nothing here says which
 * inputs the program made secret). So a failure names its property to the
 * engine only when that lookup finds nothing (a nested path, a missing input)
 * or finds a declared input that is not secret. Otherwise (a secret input, a
 * misspelt key whose value may be anything) the property goes at the start of
 * the reason and the engine prints no value.
 */
function reportable(
  news: unknown,
  path: readonly PropertyKey[],
  reason: string,
  opts: CheckOptions & { declared: boolean },
): pulumi.dynamic.CheckFailure {
  const property = propertyPath(path);
  const top = path[0];
  const secret = typeof top === "string" && (isSecretFieldName(top) || (opts.secretInputs ?? []).includes(top));
  const valueShown = isRecord(news) && Object.prototype.hasOwnProperty.call(news, property);
  const shownIsDeclared = opts.declared && path.length === 1 && top === property;
  if (!secret && (!valueShown || shownIsDeclared)) return { property, reason };
  return { property: "", reason: reason.startsWith(`${property} `) ? reason : `${property}: ${reason}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
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

/** Capabilities a resource may need from its platform's record. */
export type Capability = "supportsTeams" | "supportsProjectMemberships";

/**
 * `checkWith`, then a failure on `platform` when the platform the resource
 * goes to (undefined: not known yet) cannot do what the resource needs, so
 * the preview says so before any request.
 */
export function checkOnPlatform<S extends z.ZodType>(
  schema: S,
  news: unknown,
  platform: Platform | undefined,
  capability: Capability,
  resource: string,
): pulumi.dynamic.CheckResult {
  const result = checkWith(schema, news);
  if (platform === undefined || PLATFORM[platform][capability]) return result;
  const record: PlatformRecord = PLATFORM[platform];
  const able = Object.values(PLATFORM).filter((p) => p[capability]).map((p) => `"${p.name}"`);
  const failure = {
    property: "platform",
    reason:
      `${resource} is not available on ${record.title}: this provider manages it through the Atlas Administration API v2 only. ` +
      `Set platform to ${able.join(" or ")} on this resource (or in the stack's atlasUsers:platform)`,
  };
  return { inputs: result.inputs, failures: [...(result.failures ?? []), failure] };
}
