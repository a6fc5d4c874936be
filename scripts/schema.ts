/**
 * `npm run schema`: writes `schema.json`, the Pulumi package schema the
 * provider plugin serves (`GetSchema`) and that `pulumi package gen-sdk`
 * reads. Everything in it comes from the zod schemas, through the same
 * walker and resource list as the docs tables (`scripts/docs.ts`): inputs
 * and their descriptions, secrets (`.meta({ secret: true })`), outputs from
 * each `XxxStateSchema`. `test/plugin/schema.test.ts` fails when the
 * committed file differs from what this writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { CONFIG_KEYS, ENV_VARS } from "../provider/config";
import { defOf, isOptional, metaAlong, metaOf, objectFields, unwrap } from "../provider/common/schemaWalk";
import { PACKAGE, RESOURCES, tokenOf } from "../provider/plugin/resources";
import { repositoryRoot, requiredText, RESOURCE_DOCS, type ResourceDoc } from "./docs";

type Schema = z.ZodType;
type Spec = Record<string, unknown>;

/** The provider's settings: `atlas-users:<key>`, the same key names as the dynamic path's `mongodbatlas:*` / `atlasUsers:*`. */
const SETTINGS: Record<keyof typeof CONFIG_KEYS, { type: "string" | "boolean" | "integer"; description: string; secret?: boolean }> = {
  publicKey: { type: "string", description: "The public part of an API key (HTTP Digest)." },
  privateKey: { type: "string", description: "The private part of an API key.", secret: true },
  clientId: { type: "string", description: "A service account's client ID (OAuth 2 client credentials), the recommended credential." },
  clientSecret: { type: "string", description: "A service account's client secret.", secret: true },
  baseUrl: { type: "string", description: "The server root: Atlas (the default, https://cloud.mongodb.com) or a Cloud Manager / Ops Manager host." },
  platform: { type: "string", description: 'The platform: "atlas" (default), "atlas-v1", "cloud-manager" or "ops-manager".' },
  allowInsecureHttp: { type: "boolean", description: "Allow a plain http:// baseUrl (credentials and passwords then travel unencrypted)." },
  requestTimeoutMs: { type: "integer", description: "Per-request timeout in milliseconds." },
  maxRetries: { type: "integer", description: "How many times a retryable request is retried." },
  retryTimeoutMs: { type: "integer", description: "How long, in milliseconds, retries of one request may take in all." },
};

const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const singular = (text: string) => (text.endsWith("s") ? text.slice(0, -1) : text);

/** Builds the `types` section while it describes properties. */
class TypeCollector {
  readonly types: Record<string, Spec> = {};

  /** The type spec of a field; `name` names an object or enum type defined for it. */
  spec(schema: Schema, name: string): Spec {
    const inner = unwrap(schema);
    const def = defOf(inner);
    switch (def.type) {
      case "string":
        return { type: "string" };
      case "boolean":
        return { type: "boolean" };
      case "number":
        return { type: "number" };
      case "literal": {
        const values = (def.values ?? []) as unknown[];
        return this.enumOrPrimitive(values, name, schema);
      }
      case "enum":
        return this.enumOrPrimitive(Object.values(def.entries ?? {}), name, schema);
      case "array":
        return { type: "array", items: this.spec(def.element as Schema, singular(name)) };
      case "object":
        return { $ref: `#/types/${this.object(inner, name)}` };
      case "union": {
        const members = (def.options ?? []).map((option) => this.spec(option, name));
        const distinct = [...new Map(members.map((m) => [JSON.stringify(m), m])).values()];
        return distinct.length === 1 ? distinct[0] : { oneOf: distinct };
      }
      default:
        throw new Error(`schema: no Pulumi type for a zod ${def.type} (${name})`);
    }
  }

  /** Strings of a fixed set become an enum type; anything else, its primitive type. */
  private enumOrPrimitive(values: unknown[], name: string, schema: Schema): Spec {
    if (values.length > 0 && values.every((v) => typeof v === "string")) {
      const token = tokenOf(name);
      const description = metaAlong(schema).description;
      this.types[token] = { type: "string", ...(description ? { description } : {}), enum: (values as string[]).map((value) => ({ value })) };
      return { $ref: `#/types/${token}` };
    }
    const kind = typeof values[0];
    return { type: kind === "boolean" ? "boolean" : kind === "number" ? "number" : "string" };
  }

  private object(schema: Schema, name: string): string {
    const token = tokenOf(name);
    const fields = objectFields(schema) ?? {};
    const properties: Record<string, Spec> = {};
    for (const [field, fieldSchema] of Object.entries(fields)) properties[field] = this.property(fieldSchema, `${name}${pascal(field)}`);
    const required = Object.entries(fields).filter(([, s]) => !isOptional(s)).map(([f]) => f);
    this.types[token] = { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
    return token;
  }

  /** A property: its type, description and secret flag. */
  property(schema: Schema, typeName: string): Spec {
    const meta = metaAlong(schema);
    return {
      ...this.spec(schema, typeName),
      ...(meta.description ? { description: meta.description } : {}),
      ...(meta.secret ? { secret: true } : {}),
    };
  }
}

function resourceSpec(doc: ResourceDoc, types: TypeCollector): Spec {
  const inputs = objectFields(doc.variants[0].schema);
  if (!inputs) throw new Error(`schema: the ${doc.resource} inputs schema is not an object`);
  const inputProperties: Record<string, Spec> = {};
  for (const [field, schema] of Object.entries(inputs)) inputProperties[field] = types.property(schema, `${doc.resource}${pascal(field)}`);
  const properties: Record<string, Spec> = {};
  for (const [field, schema] of Object.entries(doc.outputs.shape as Record<string, Schema>)) {
    // An output of the same name as an input shares its type (and enum).
    const typeName = `${doc.resource}${pascal(field)}`;
    properties[field] = types.property(field in inputs ? inputs[field] : schema, typeName);
    const own = metaAlong(schema);
    if (own.description) properties[field].description = own.description;
    if (own.secret) properties[field].secret = true;
  }
  // Required in every variant, at creation and after (the docs' "yes").
  const requiredInputs = Object.entries(inputs).filter(([field, s]) => requiredText(doc, field, s) === "yes").map(([f]) => f);
  const required = Object.entries(doc.outputs.shape as Record<string, Schema>).filter(([, s]) => !isOptional(s)).map(([f]) => f);
  const description = metaOf(doc.variants[0].schema)?.description;
  return {
    ...(typeof description === "string" ? { description } : {}),
    properties,
    required,
    inputProperties,
    requiredInputs,
  };
}

/** The package schema, as a JSON document. */
export function packageSchema(root: string): Spec {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const types = new TypeCollector();
  const resources: Record<string, Spec> = {};
  for (const doc of RESOURCE_DOCS) {
    if (!RESOURCES[doc.resource]) throw new Error(`schema: the plugin serves no ${doc.resource}`);
    resources[tokenOf(doc.resource)] = resourceSpec(doc, types);
  }
  const missing = Object.keys(RESOURCES).filter((name) => !RESOURCE_DOCS.some((doc) => doc.resource === name));
  if (missing.length > 0) throw new Error(`schema: no RESOURCE_DOCS entry for ${missing.join(", ")}`);
  const variables: Record<string, Spec> = {};
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const env = ENV_VARS[name as keyof typeof CONFIG_KEYS];
    variables[name] = {
      type: setting.type,
      description: `${setting.description} Unset: the environment variable ${env.join(" or ")}.`,
      ...(setting.secret ? { secret: true } : {}),
    };
  }
  return {
    name: PACKAGE,
    displayName: "MongoDB Cloud users",
    version,
    description: "MongoDB Cloud identities: database users, organization invitations, cloud users, teams and their access, on Atlas, Cloud Manager and Ops Manager.",
    license: "Apache-2.0",
    keywords: ["pulumi", "mongodb", "atlas", "category/database"],
    config: { variables },
    provider: { description: "The atlas-users provider: where and how to reach MongoDB Cloud.", inputProperties: variables },
    types: Object.fromEntries(Object.entries(types.types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    resources,
  };
}

export function schemaText(root: string): string {
  return `${JSON.stringify(packageSchema(root), null, 2)}\n`;
}

if (require.main === module) {
  const root = repositoryRoot();
  const file = path.join(root, "schema.json");
  const text = schemaText(root);
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (before !== text) fs.writeFileSync(file, text);
  process.stdout.write(before === text ? "schema: schema.json is up to date\n" : `schema: wrote schema.json (${text.length} bytes)\n`);
}
