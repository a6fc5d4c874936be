/**
 * The official OpenAPI subset (emulator/spec/) turned into validators.
 *
 * Requests on `/api/atlas/v2` are checked here before any route sees them:
 * the `Accept` version (406 / 410), the body's `Content-Type`, path and query
 * parameters, and the body schema. The same spec also checks the emulator's
 * own responses (`validateResponse`, used by the test suite).
 *
 * Decisions where OpenAPI 3.0 leaves room (documented in docs/readme/emulator.md):
 * - Unknown body fields are rejected (400 `INVALID_ATTRIBUTE`), as Atlas does.
 * - `readOnly` fields in a request body are rejected (400 `ATTRIBUTE_READ_ONLY`);
 *   `writeOnly` fields (passwords, `groupId`) never appear in a response.
 * - `required` applies to requests only for non-readOnly fields, and to
 *   responses only for non-writeOnly fields (OpenAPI 3.0 semantics).
 * - Defaults are not filled in by the validator: a PATCH that omits a field
 *   leaves it unchanged, so routes apply defaults themselves on create.
 * - Enums that list a placeholder such as `<a custom role name>` accept any string.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { EmulatorError } from "./types";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Mode = "request" | "response";

export const SPEC_FILE = path.join(__dirname, "spec", "atlas-admin-v2-users-subset.json");

const VERSIONED_MEDIA_TYPE = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2}|preview)\+json$/;

export interface ParameterSpec {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly validate: ValidateFunction;
  readonly type: string | undefined;
}

export interface OperationSpec {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  /** Every version the operation is served under, ascending (`2023-01-01`, ...). */
  readonly versions: readonly string[];
  /** Sunset date (YYYY-MM-DD) per version, when the spec gives one. */
  readonly sunsets: ReadonlyMap<string, string>;
  readonly parameters: readonly ParameterSpec[];
  readonly requestBodyRequired: boolean;
  /** Request-body validators by version. */
  readonly requestBodies: ReadonlyMap<string, ValidateFunction>;
}

export interface NegotiatedVersion {
  /** The version the response is served under (may be older than asked for). */
  readonly version: string;
  readonly mediaType: string;
}

/** Parse the media type of a header value, without parameters, lower-cased. */
export function baseMediaType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return header.split(";")[0].trim().toLowerCase();
}

export class AtlasContract {
  private readonly spec: Json;
  private readonly requestAjv: Ajv;
  private readonly responseAjv: Ajv;
  private readonly operations = new Map<string, OperationSpec>();
  private readonly responseValidators = new Map<string, ValidateFunction>();

  constructor(spec: Json) {
    this.spec = spec;
    this.requestAjv = makeAjv();
    this.responseAjv = makeAjv();
    this.requestAjv.addSchema(buildDocument(spec, "request"), "atlas-request");
    this.responseAjv.addSchema(buildDocument(spec, "response"), "atlas-response");
    for (const [template, item] of Object.entries<Json>(spec.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        if (!["get", "post", "patch", "put", "delete"].includes(method)) continue;
        this.operations.set(key(method, template), this.buildOperation(method.toUpperCase(), template, item, op));
      }
    }
  }

  static fromFile(file = SPEC_FILE): AtlasContract {
    return new AtlasContract(JSON.parse(fs.readFileSync(file, "utf8")));
  }

  /** The spec's `info` block (source, license). */
  get info(): Json {
    return this.spec.info;
  }

  operation(method: string, template: string): OperationSpec | undefined {
    return this.operations.get(key(method, template));
  }

  get allOperations(): readonly OperationSpec[] {
    return [...this.operations.values()];
  }

  /**
   * Pick the version to serve from the `Accept` header: the newest version of
   * the operation on or before the requested date. Missing, unversioned or too
   * old → 406 `INVALID_VERSION_DATE`; past its sunset by the emulator clock → 410.
   */
  negotiate(op: OperationSpec, accept: string | undefined, now: Date): NegotiatedVersion {
    const requested = requestedVersion(accept);
    const version = requested === undefined ? undefined : resolveVersion(op.versions, requested);
    if (version === undefined) {
      throw new EmulatorError(406, "INVALID_VERSION_DATE", "Invalid accept header or version date.", [], undefined);
    }
    const sunset = op.sunsets.get(version);
    if (sunset !== undefined && now.getTime() >= Date.parse(`${sunset}T00:00:00Z`)) {
      throw new EmulatorError(
        410,
        "VERSION_GONE",
        `The requested API version ${version} is past its sunset date ${sunset}.`,
        [version],
      );
    }
    return { version, mediaType: `application/vnd.atlas.${version}+json` };
  }

  /**
   * Check a request body's `Content-Type` against the operation: it must be
   * the same Atlas media type the client asked for in `Accept`, and one whose
   * version the operation accepts bodies in.
   */
  checkContentType(op: OperationSpec, contentType: string | undefined, accept: string | undefined, served: NegotiatedVersion): void {
    const base = baseMediaType(contentType);
    const m = VERSIONED_MEDIA_TYPE.exec(base ?? "");
    const bodyVersion = m ? resolveVersion([...op.requestBodies.keys()].sort(), m[1]) : undefined;
    const requested = requestedVersion(accept);
    if (!m || bodyVersion !== served.version || m[1] !== requested) {
      throw new EmulatorError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        `Content-Type ${base ?? "(none)"} is not supported here; send the media type of Accept (${requested ? `application/vnd.atlas.${requested}+json` : served.mediaType}).`,
        [base ?? ""],
      );
    }
  }

  /** Validate path and query parameters; throws the Atlas 400/404 error. */
  validateParameters(op: OperationSpec, params: Readonly<Record<string, string>>, query: URLSearchParams): void {
    for (const p of op.parameters) {
      if (p.in === "path") {
        const value = params[p.name];
        if (value === undefined || !p.validate(value)) {
          if (p.name === "groupId") {
            throw new EmulatorError(404, "INVALID_GROUP_ID", `An invalid group ID ${value} was specified.`, [value]);
          }
          throw new EmulatorError(400, "INVALID_PATH_PARAMETER", `Invalid path parameter ${p.name} specified.`, [p.name], {
            fields: [{ field: p.name, description: describeErrors(p.validate.errors) }],
          });
        }
      } else if (p.in === "query") {
        const raw = query.get(p.name);
        if (raw === null) continue;
        // An array parameter is sent repeated (`?s=A&s=B`): validate every value.
        const value = p.type === "array" ? query.getAll(p.name) : coerce(raw, p.type);
        if (!p.validate(value)) {
          throw new EmulatorError(400, "INVALID_QUERY_PARAMETER", `Invalid query parameter ${p.name} specified.`, [p.name], {
            fields: [{ field: p.name, description: describeErrors(p.validate.errors) }],
          });
        }
      }
    }
  }

  /** Validate a parsed JSON body against the request schema for `version`. */
  validateBody(op: OperationSpec, version: string, body: unknown): void {
    const validate = op.requestBodies.get(version);
    if (!validate) return;
    if (body === undefined) {
      if (op.requestBodyRequired) {
        throw new EmulatorError(400, "MISSING_ATTRIBUTE", "The request body is required.", ["body"]);
      }
      return;
    }
    if (validate(body)) return;
    throw bodyError(validate.errors ?? []);
  }

  /**
   * Check one response against the spec: the status is declared, the
   * `Content-Type` is the declared one for that status, and the body matches
   * its schema (no `writeOnly` field such as a password). Returns the problems
   * found (empty when valid).
   */
  validateResponse(r: {
    method: string;
    path: string;
    status: number;
    contentType: string | undefined;
    body: unknown;
  }): string[] {
    const item = this.spec.paths[r.path];
    const op = item?.[r.method.toLowerCase()];
    if (!op) return [`${r.method} ${r.path} is not in the spec`];
    let declared = op.responses[String(r.status)];
    // Statuses every operation can produce (400 for a bad query parameter on a
    // list, 405, 406, 410, 413, 415) are not always listed per operation: they
    // must still be the Atlas error body, served as application/json.
    if (!declared && r.status >= 400) declared = { $ref: "#/components/responses/badRequest" };
    if (!declared) return [`status ${r.status} is not declared for ${op.operationId}`];
    const response = deref(this.spec, declared);
    const content: Json = response.content ?? {};
    const types = Object.keys(content);
    if (r.status === 204) {
      return r.body === undefined || r.body === "" ? [] : [`204 from ${op.operationId} has a body`];
    }
    const base = baseMediaType(r.contentType);
    if (!base || !types.includes(base)) {
      return [`Content-Type ${base} is not one of ${types.join(", ")} for ${op.operationId} ${r.status}`];
    }
    const cacheKey = `${r.method} ${r.path} ${r.status} ${base}`;
    let validate = this.responseValidators.get(cacheKey);
    if (!validate) {
      validate = this.responseAjv.compile(convert(this.spec, content[base].schema ?? {}, "response"));
      this.responseValidators.set(cacheKey, validate);
    }
    if (validate(r.body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
  }

  private buildOperation(method: string, template: string, item: Json, op: Json): OperationSpec {
    const versions = new Set<string>();
    const sunsets = new Map<string, string>();
    for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
      if (!status.startsWith("2")) continue;
      for (const [type, media] of Object.entries<Json>(deref(this.spec, response).content ?? {})) {
        const m = VERSIONED_MEDIA_TYPE.exec(type);
        if (!m) continue;
        versions.add(m[1]);
        if (media["x-sunset"]) sunsets.set(m[1], media["x-sunset"]);
      }
    }
    const requestBodies = new Map<string, ValidateFunction>();
    const body = op.requestBody ? deref(this.spec, op.requestBody) : undefined;
    for (const [type, media] of Object.entries<Json>(body?.content ?? {})) {
      const m = VERSIONED_MEDIA_TYPE.exec(type);
      if (!m) continue;
      versions.add(m[1]);
      const schema = withRequestOverride(this.spec, key(method, template), media.schema ?? {});
      requestBodies.set(m[1], this.requestAjv.compile(convert(this.spec, schema, "request")));
    }
    const parameters: ParameterSpec[] = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((raw: Json) => {
      const p = deref(this.spec, raw);
      const schema = convert(this.spec, p.schema ?? {}, "request");
      return {
        name: p.name,
        in: p.in,
        required: p.required === true,
        type: p.schema?.type,
        validate: this.requestAjv.compile(schema),
      };
    });
    return {
      operationId: op.operationId,
      method,
      path: template,
      versions: [...versions].sort(),
      sunsets,
      parameters,
      requestBodyRequired: body?.required === true,
      requestBodies,
    };
  }
}

/**
 * Where the spec's request schema and Atlas's documented behaviour disagree,
 * the emulator follows Atlas (each one is listed under "Deviations from the
 * spec" in the emulator's docs):
 * - `optional`: PATCH is "send only the fields you change", but the spec
 *   reuses the create schema, which requires `roles`;
 * - `writable`: the SDK's `CreateUser` (and MongoDB's CLI) always send
 *   CloudAppUser's read-only `emailAddress` (still optional: it is the username);
 *   `roles` is optional there, as in the spec the SDK (v20250312006) was built from;
 * - `emptyAllowed`: the SDK always sends `mobileNumber`, empty when not set,
 *   which the spec's (North American) pattern refuses.
 */
const REQUEST_OVERRIDES: Readonly<Record<string, { optional?: string[]; writable?: string[]; emptyAllowed?: string[] }>> = {
  "PATCH /api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}": { optional: ["roles"] },
  "POST /api/atlas/v2/users": { writable: ["emailAddress"], optional: ["emailAddress", "roles"], emptyAllowed: ["mobileNumber"] },
};

/** The request body schema of one operation with its entry of {@link REQUEST_OVERRIDES} applied. */
function withRequestOverride(spec: Json, operation: string, schema: Json): Json {
  const override = REQUEST_OVERRIDES[operation];
  if (!override) return schema;
  const target = deref(spec, schema);
  const properties: Record<string, Json> = { ...target.properties };
  for (const name of override.writable ?? []) properties[name] = { ...deref(spec, properties[name]), readOnly: false };
  for (const name of override.emptyAllowed ?? []) properties[name] = { anyOf: [properties[name], { type: "string", maxLength: 0 }] };
  const optional = new Set(override.optional ?? []);
  return { ...target, properties, required: (target.required ?? []).filter((r: string) => !optional.has(r)) };
}

let shared: AtlasContract | undefined;

/** The contract loaded from the bundled spec (loaded once per process). */
export function atlasContract(): AtlasContract {
  shared ??= AtlasContract.fromFile();
  return shared;
}

function key(method: string, template: string): string {
  return `${method.toUpperCase()} ${template}`;
}

/** The version date (or `preview`) of the first Atlas media type in `Accept`. */
export function requestedVersion(accept: string | undefined): string | undefined {
  return (accept ?? "")
    .split(",")
    .map((part) => VERSIONED_MEDIA_TYPE.exec(baseMediaType(part) ?? ""))
    .find((m) => m !== null)?.[1];
}

/** Newest version on or before the requested date (`preview` only exactly). */
function resolveVersion(versions: readonly string[], requested: string): string | undefined {
  if (requested === "preview") return versions.includes("preview") ? "preview" : undefined;
  let best: string | undefined;
  for (const v of versions) {
    if (v !== "preview" && v <= requested && (best === undefined || v > best)) best = v;
  }
  return best;
}

function coerce(raw: string, type: string | undefined): unknown {
  if (type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  if (type === "integer" || type === "number") return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  return raw;
}

function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("password", true);
  // Marks a property that must not appear: readOnly in requests, writeOnly in responses.
  ajv.addKeyword({ keyword: "x-forbidden", schemaType: "string", validate: () => false, errors: false });
  return ajv;
}

function deref(spec: Json, node: Json): Json {
  let current = node;
  while (current && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce((acc: Json, part: string) => acc?.[part], spec);
  }
  return current;
}

/** All component schemas converted for one mode, as one ajv document. */
function buildDocument(spec: Json, mode: Mode): Json {
  const definitions: Record<string, Json> = {};
  for (const [name, schema] of Object.entries<Json>(spec.components?.schemas ?? {})) {
    definitions[name] = convertComponent(spec, name, schema, mode);
  }
  // Known gap between the spec and the live API: the spec types ApiError.parameters
  // items as objects, but Atlas sends strings and numbers (["<groupId>"]). The
  // emulator sends what Atlas sends, so clients must not rely on either.
  const apiError = definitions.ApiError;
  if (apiError?.properties?.parameters?.items) apiError.properties.parameters.items = {};
  return { $id: `atlas-${mode}`, definitions };
}

function convertComponent(spec: Json, name: string, schema: Json, mode: Mode): Json {
  if (schema.oneOf && schema.discriminator) {
    // Members `allOf` back to this parent (a cycle in the source spec): check the
    // discriminator value here and dispatch to the member it maps to.
    const prop = schema.discriminator.propertyName as string;
    const mapping: Record<string, string> = schema.discriminator.mapping ?? {};
    return {
      type: "object",
      required: [prop],
      properties: { [prop]: { enum: Object.keys(mapping) } },
      allOf: Object.entries(mapping).map(([value, ref]) => ({
        if: { properties: { [prop]: { const: value } }, required: [prop] },
        then: { $ref: rewriteRef(ref, mode) },
      })),
    };
  }
  return convert(spec, schema, mode, name);
}

function rewriteRef(ref: string, mode: Mode): string {
  return `atlas-${mode}#/definitions/${ref.split("/").pop()}`;
}

const DROPPED_KEYS = new Set(["example", "examples", "externalDocs", "discriminator", "xml", "deprecated", "nullable"]);

/** OpenAPI 3.0 schema → JSON Schema (draft-07, as ajv's default) for one mode. */
function convert(spec: Json, schema: Json, mode: Mode, selfName?: string): Json {
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map((s) => convert(spec, s, mode));
  if (typeof schema.$ref === "string") return { $ref: rewriteRef(schema.$ref, mode) };
  const source = schema.allOf ? flattenAllOf(spec, schema, selfName) : schema;
  const out: Json = {};
  for (const [k, v] of Object.entries<Json>(source)) {
    if (DROPPED_KEYS.has(k) || k.startsWith("x-")) continue;
    out[k] = v;
  }
  if (Array.isArray(out.enum) && out.enum.some((e: unknown) => typeof e === "string" && /^<.*>$/.test(e))) {
    delete out.enum; // a placeholder such as "<a custom role name>": any value is allowed
  }
  if (typeof out.pattern === "string") {
    // Known spec defect: every mobileNumber pattern (CloudAppUser, Org/GroupActiveUserResponse)
    // is escaped twice (`\\\\+?1\\\\s*` in the JSON), so as written it only matches text
    // holding literal backslashes. Un-double it: the North American number pattern meant.
    out.pattern = out.pattern.replace(/\\\\/g, "\\");
  }
  if (source.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  if (out.items) out.items = convert(spec, out.items, mode);
  if (out.additionalProperties && typeof out.additionalProperties === "object") {
    out.additionalProperties = convert(spec, out.additionalProperties, mode);
  }
  for (const k of ["oneOf", "anyOf"]) if (out[k]) out[k] = out[k].map((s: Json) => convert(spec, s, mode));
  if (out.not) out.not = convert(spec, out.not, mode);
  if (out.properties) {
    const forbiddenFlag = mode === "request" ? "readOnly" : "writeOnly";
    const forbidden = new Set<string>();
    const properties: Record<string, Json> = {};
    for (const [name, prop] of Object.entries<Json>(out.properties)) {
      if (deref(spec, prop)?.[forbiddenFlag] === true || prop[forbiddenFlag] === true) {
        forbidden.add(name);
        properties[name] = { "x-forbidden": forbiddenFlag };
      } else {
        properties[name] = convert(spec, prop, mode);
      }
    }
    out.properties = properties;
    if (Array.isArray(out.required)) {
      out.required = out.required.filter((r: string) => !forbidden.has(r));
      if (out.required.length === 0) delete out.required;
    }
    if (out.additionalProperties === undefined && !out.oneOf && !out.anyOf) out.additionalProperties = false;
  }
  return out;
}

/** Merge `allOf` members (properties, required) into one object schema. */
function flattenAllOf(spec: Json, schema: Json, selfName?: string): Json {
  const merged: Json = { type: "object", properties: {}, required: [] as string[] };
  const parts: Json[] = [...schema.allOf, { ...schema, allOf: undefined }];
  for (const part of parts) {
    let member = deref(spec, part);
    if (!member || member === schema) continue;
    if (member.allOf && member !== schema) member = flattenAllOf(spec, member, selfName);
    Object.assign(merged.properties, member.properties ?? {});
    merged.required.push(...(member.required ?? []));
    for (const [k, v] of Object.entries<Json>(member)) {
      if (["properties", "required", "allOf", "oneOf", "discriminator", "type"].includes(k)) continue;
      merged[k] ??= v;
    }
  }
  merged.required = [...new Set(merged.required)];
  if (merged.required.length === 0) delete merged.required;
  delete merged.allOf;
  return merged;
}

/** `/roles/1/databaseName` + missing `x` → `roles[1].databaseName.x`. */
function fieldPath(e: ErrorObject): string {
  const parts = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const extra =
    e.keyword === "required"
      ? (e.params as { missingProperty: string }).missingProperty
      : e.keyword === "additionalProperties"
        ? (e.params as { additionalProperty: string }).additionalProperty
        : undefined;
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case "required":
      return "The attribute is required.";
    case "additionalProperties":
      return "The attribute is not part of this request's schema.";
    case "x-forbidden":
      return "The attribute is read-only and cannot be set.";
    case "enum":
      return `Must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}.`;
    default:
      return `Must ${e.message ?? "match the schema"}.`.replace(/^Must must/, "Must");
  }
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map(describe).join(" ") || "Invalid value.";
}

/** Map ajv errors to the Atlas 400 with `badRequestDetail.fields`. */
function bodyError(errors: ErrorObject[]): EmulatorError {
  // `if`/`then` and composition keywords repeat their members' errors; keep the leaves.
  const leaves = errors.filter((e) => !["if", "allOf", "anyOf", "oneOf"].includes(e.keyword));
  const list = leaves.length > 0 ? leaves : errors;
  const fields = dedupe(list.map((e) => ({ field: fieldPath(e) || "body", description: describe(e) })));
  const first = list[0];
  const field = fields[0].field;
  switch (first?.keyword) {
    case "additionalProperties":
      return new EmulatorError(400, "INVALID_ATTRIBUTE", `Invalid attribute ${field} specified.`, [field], { fields });
    case "required":
      return new EmulatorError(400, "MISSING_ATTRIBUTE", `The required attribute ${field} was not specified.`, [field], {
        fields,
      });
    case "x-forbidden":
      return new EmulatorError(
        400,
        "ATTRIBUTE_READ_ONLY",
        `The attribute ${field} is read-only and cannot be changed by the user.`,
        [field],
        { fields },
      );
    default:
      return new EmulatorError(
        400,
        "VALIDATION_ERROR",
        `The request body is invalid: ${fields.map((f) => `${f.field}: ${f.description}`).join("; ")}`,
        [],
        { fields },
      );
  }
}

function dedupe(fields: { field: string; description: string }[]): { field: string; description: string }[] {
  const seen = new Set<string>();
  return fields.filter((f) => {
    const k = `${f.field}\u0000${f.description}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
