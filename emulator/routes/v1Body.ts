/**
 * Body rules for the unversioned v1.0 paths (`/api/atlas/v1.0`, Cloud/Ops
 * Manager `/api/public/v1.0`), which the OpenAPI subset does not cover.
 * Errors use the codes of MongoDB's API error table: unknown field →
 * `INVALID_ATTRIBUTE`, wrong type → `INVALID_JSON_ATTRIBUTE`, missing →
 * `MISSING_ATTRIBUTE`, not writable → `ATTRIBUTE_READ_ONLY`, not an object →
 * `INVALID_JSON`; each names the field in `parameters` and `badRequestDetail`.
 * A field sent as `null` counts as not sent.
 */
import { EmulatorError } from "../types";

export type V1FieldType = "string" | "stringArray" | "roleArray";

export interface V1FieldRule {
  readonly type: V1FieldType;
  readonly required?: boolean;
  /** Known to the API but not accepted in this request (password on PATCH, ...). */
  readonly readOnly?: boolean;
}

/** A role assignment in a v1.0 user body: `{orgId | groupId, roleName}`. */
export interface V1Role {
  orgId?: string;
  groupId?: string;
  roleName: string;
}

const ROLE_FIELDS = ["orgId", "groupId", "roleName"];

export function checkV1Body(body: unknown, rules: Readonly<Record<string, V1FieldRule>>): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new EmulatorError(400, "INVALID_JSON", "Received JSON does not match expected format.");
  }
  // `null` means not given: the v1.0 Go client sends `"roles": null` for a user without roles.
  const fields = Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([, value]) => value !== null));
  for (const [name, value] of Object.entries(fields)) {
    const rule = rules[name];
    if (!rule) throw fieldError("INVALID_ATTRIBUTE", name, `Invalid attribute ${name} specified.`);
    if (rule.readOnly) {
      throw fieldError("ATTRIBUTE_READ_ONLY", name, `The attribute ${name} is read-only and cannot be changed by the user.`);
    }
    checkType(name, value, rule.type);
  }
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.required && fields[name] === undefined) {
      throw fieldError("MISSING_ATTRIBUTE", name, `The required attribute ${name} was not specified.`);
    }
  }
  return fields;
}

function checkType(name: string, value: unknown, type: V1FieldType): void {
  const wrong = () => fieldError("INVALID_JSON_ATTRIBUTE", name, `Received JSON for the ${name} attribute does not match expected format.`);
  switch (type) {
    case "string":
      if (typeof value !== "string") throw wrong();
      return;
    case "stringArray":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw wrong();
      return;
    case "roleArray":
      if (!Array.isArray(value)) throw wrong();
      value.forEach((role, i) => {
        const at = `${name}[${i}]`;
        if (role === null || typeof role !== "object" || Array.isArray(role)) {
          throw fieldError("INVALID_JSON_ATTRIBUTE", at, `Received JSON for the ${at} attribute does not match expected format.`);
        }
        for (const [key, v] of Object.entries(role as Record<string, unknown>)) {
          if (!ROLE_FIELDS.includes(key)) throw fieldError("INVALID_ATTRIBUTE", `${at}.${key}`, `Invalid attribute ${at}.${key} specified.`);
          if (typeof v !== "string") {
            throw fieldError("INVALID_JSON_ATTRIBUTE", `${at}.${key}`, `Received JSON for the ${at}.${key} attribute does not match expected format.`);
          }
        }
        if ((role as Record<string, unknown>).roleName === undefined) {
          throw fieldError("MISSING_ATTRIBUTE", `${at}.roleName`, `The required attribute ${at}.roleName was not specified.`);
        }
      });
      return;
  }
}

function fieldError(code: string, field: string, detail: string): EmulatorError {
  return new EmulatorError(400, code, detail, [field], { fields: [{ field, description: detail }] });
}
