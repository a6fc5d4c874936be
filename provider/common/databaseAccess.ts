/**
 * What CustomDbRole and X509Certificate share: they exist only where the
 * platform record says the Atlas v2 database-access endpoints do.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { RunContext } from "../context";
import { PLATFORM } from "../platform";
import { checkWith } from "./check";

/**
 * `checkWith`, then a failure when the stack's platform has no database-access
 * API. Settings not complete yet are not this check's business: `up` says what to set.
 */
export function checkOnDatabaseAccessPlatform(schema: z.ZodType, news: unknown, context: RunContext, what: string): pulumi.dynamic.CheckResult {
  const result = checkWith(schema, news);
  if (result.failures && result.failures.length > 0) return result;
  let platform;
  try {
    platform = context.settings().platform;
  } catch {
    return result;
  }
  const record = PLATFORM[platform];
  if (record.databaseAccessApi) return result;
  return {
    inputs: result.inputs,
    failures: [{ property: "projectId", reason: `${what} exist only on Atlas, and this stack's platform is ${record.title} (atlasUsers:platform): manage them in a stack for Atlas` }],
  };
}
