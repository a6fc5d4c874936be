/**
 * Reading zod schemas: what a field is under its wrappers (`optional`,
 * `default`, pipes), its description and secret flag, whether it is optional.
 * The docs tables (`scripts/docs.ts`), the package schema of the provider
 * plugin (`scripts/schema.ts`) and the secret fields (`secretFields.ts`) all
 * read the schemas through these.
 */
import { z } from "zod";

type Schema = z.ZodType;

export interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  entries?: Record<string, string>;
  /** A union's members. */
  options?: Schema[];
  format?: string;
  defaultValue?: unknown;
  values?: unknown[];
}

export const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
export const metaOf = (schema: Schema): Record<string, unknown> | undefined => z.globalRegistry.get(schema);

/** The schema under `optional`, `default`, `nullable`, `readonly` and the input side of pipes. */
export function unwrap(schema: Schema): Schema {
  const def = defOf(schema);
  if (def.innerType && ["optional", "default", "nullable", "readonly", "prefault", "nonoptional"].includes(def.type)) return unwrap(def.innerType);
  if (def.type === "pipe" && def.in && defOf(def.in).type !== "transform") return unwrap(def.in);
  return schema;
}

/** The first description (and secret flag) met from the outside in. */
export function metaAlong(schema: Schema): { description?: string; secret: boolean } {
  let current: Schema | undefined = schema;
  let secret = false;
  let description: string | undefined;
  while (current) {
    const meta = metaOf(current);
    if (meta?.secret === true) secret = true;
    if (description === undefined && typeof meta?.description === "string") description = meta.description;
    const def = defOf(current);
    current = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  }
  return { description, secret };
}

export function isOptional(schema: Schema): boolean {
  // `optional` for .optional(), `defaulted` for .default(...).
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin !== undefined;
}

export function defaultOf(schema: Schema): unknown {
  let current: Schema | undefined = schema;
  while (current) {
    const def = defOf(current);
    if (def.type === "default") return def.defaultValue;
    current = def.innerType;
  }
  return undefined;
}

/** A string schema's format, looking through pipes (`z.string().trim().pipe(z.email())`). */
export function formatOf(schema: Schema): string | undefined {
  const def = defOf(schema);
  if (def.format) return def.format;
  if (def.type === "pipe" && def.out && defOf(def.out).type !== "transform") return formatOf(def.out);
  if (def.innerType) return formatOf(def.innerType);
  return undefined;
}

export function objectFields(schema: Schema): Record<string, Schema> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === "object" ? def.shape : undefined;
}

