/**
 * Which properties of a resource are secrets, read off its schema: fields
 * marked `.meta({ secret: true })` (under `optional`, `default` or a pipe).
 * The review uses it to never print their values.
 */
import { z } from "zod";

interface Def {
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Whether the schema, or one it wraps, carries `secret: true` in its metadata. */
export function isSecretSchema(schema: z.ZodType): boolean {
  for (let s: z.ZodType | undefined = schema; s; ) {
    if (z.globalRegistry.get(s)?.secret === true) return true;
    const def = defOf(s);
    s = def.innerType ?? def.in;
  }
  return false;
}

/** The secret fields of an object schema. */
export function secretFieldsOf(schema: z.ZodType): string[] {
  const shape = defOf(schema).shape ?? {};
  return Object.keys(shape).filter((key) => isSecretSchema(shape[key]));
}
