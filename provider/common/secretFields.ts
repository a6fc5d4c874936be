/**
 * Which properties of a resource are secrets, read off its schema: fields
 * marked `.meta({ secret: true })` (under `optional`, `default` or a pipe).
 * The review uses it to never print their values; the provider plugin, to
 * return them as secrets.
 */
import type { z } from "zod";
import { metaAlong, objectFields } from "./schemaWalk";

/** Whether the schema, or one it wraps, carries `secret: true` in its metadata. */
export function isSecretSchema(schema: z.ZodType): boolean {
  return metaAlong(schema).secret;
}

/** The secret fields of an object schema (also under refinements and transforms). */
export function secretFieldsOf(schema: z.ZodType): string[] {
  const shape = objectFields(schema) ?? {};
  return Object.keys(shape).filter((key) => isSecretSchema(shape[key]));
}
