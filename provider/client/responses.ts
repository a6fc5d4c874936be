/**
 * The error layer: turns an answer into a value or a typed, redacted
 * {@link AtlasApiError}. Copes with whatever a server or proxy sends back —
 * Atlas error JSON, OAuth error JSON, HTML pages, truncated or binary bodies —
 * quoting at most a short, cleaned-up excerpt.
 */
import { AtlasApiError, type BadRequestField } from "./errors";
import type { Redactor } from "./redact";
import type { ExpectedAnswer } from "./request";
import type { Exchange, RawResponse } from "./transport";

/** Longest excerpt of an unexpected body quoted in an error. */
const MAX_QUOTE = 200;
/** Longest Atlas `detail` kept. */
const MAX_DETAIL = 1000;

/**
 * Parsed JSON of a 2xx answer; `undefined` for 204 or an empty body, unless
 * `returns` says which object it must be.
 */
export function parseSuccessBody<T>(response: RawResponse, ex: Exchange, redactor: Redactor, returns?: ExpectedAnswer, text?: true): T {
  if (text) return successText(response, ex) as T;
  const value = parseJsonBody<T>(response, ex, redactor);
  if (returns === undefined) return value;
  const problem = shapeProblem(value, returns.fields);
  if (problem !== undefined) {
    // The body is described, not quoted: a broken server may echo what we sent (a password).
    throw new AtlasApiError({
      status: response.status,
      method: ex.method,
      path: ex.path,
      detail: `the answer is not ${returns.what}: ${problem} (${contentType(response)})`,
    });
  }
  return value;
}

function shapeProblem(value: unknown, fields: readonly string[]): string | undefined {
  if (value === undefined) return "it is empty";
  if (value === null) return "it is null";
  if (Array.isArray(value)) return "it is a list";
  if (typeof value !== "object") return `it is a ${typeof value}`;
  const missing = fields.filter((f) => (value as Record<string, unknown>)[f] === undefined || (value as Record<string, unknown>)[f] === null);
  return missing.length > 0 ? `it has no ${missing.join(", ")}` : undefined;
}

/** A 2xx text answer, whole: described (never quoted) when it is not. */
function successText(response: RawResponse, ex: Exchange): string {
  refuseTruncated(response, ex);
  const text = response.body.toString("utf8");
  if (text.trim() === "") {
    throw new AtlasApiError({ status: response.status, method: ex.method, path: ex.path, detail: `the answer is empty (${contentType(response)})` });
  }
  return text;
}

function refuseTruncated(response: RawResponse, ex: Exchange): void {
  if (response.truncated) {
    throw new AtlasApiError({
      status: response.status,
      method: ex.method,
      path: ex.path,
      detail: `the answer is larger than the client reads (${response.body.length} bytes read)`,
    });
  }
}

function parseJsonBody<T>(response: RawResponse, ex: Exchange, redactor: Redactor): T {
  refuseTruncated(response, ex);
  if (response.status === 204 || response.body.length === 0) return undefined as T;
  const text = response.body.toString("utf8");
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new AtlasApiError({
      status: response.status,
      method: ex.method,
      path: ex.path,
      detail: `the answer is not JSON (${contentType(response)}): ${quote(text, redactor)}`,
    });
  }
}

export interface ErrorContext {
  readonly attempt?: number;
  readonly hint?: string;
}

/** An {@link AtlasApiError} for a non-2xx answer. */
export function apiErrorFromResponse(response: RawResponse, ex: Exchange, redactor: Redactor, ctx: ErrorContext = {}): AtlasApiError {
  const text = response.body.toString("utf8");
  const json = tryParseObject(text);
  const base = {
    status: response.status,
    method: ex.method,
    path: ex.path,
    ...(ctx.attempt !== undefined ? { attempts: ctx.attempt } : {}),
    ...(ctx.hint !== undefined ? { hint: ctx.hint } : {}),
  };
  if (json) {
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? clip(redactor.redact(v), MAX_DETAIL) : undefined);
    // Atlas: {error: <status>, errorCode, detail, reason}; OAuth: {error: "invalid_client", error_description}.
    const errorCode = str(json.errorCode) ?? str(json.error);
    const detail = str(json.detail) ?? str(json.error_description);
    const reason = str(json.reason);
    const fields = badRequestFields(json.badRequestDetail, redactor);
    return new AtlasApiError({
      ...base,
      ...(errorCode !== undefined ? { errorCode } : {}),
      ...(detail !== undefined ? { detail } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(fields ? { badRequestDetail: fields } : {}),
    });
  }
  const excerpt = quote(text, redactor);
  return new AtlasApiError({
    ...base,
    detail:
      excerpt === ""
        ? `empty answer (${contentType(response)})`
        : `unexpected answer (${contentType(response)}${response.truncated ? ", cut off" : ""}): ${excerpt}`,
  });
}

function tryParseObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function badRequestFields(value: unknown, redactor: Redactor): BadRequestField[] | undefined {
  const fields = (value as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields)) return undefined;
  const out: BadRequestField[] = [];
  for (const f of fields.slice(0, 20)) {
    if (f && typeof f === "object") {
      const { field, description } = f as Record<string, unknown>;
      out.push({
        field: clip(redactor.redact(String(field ?? "")), 200),
        description: clip(redactor.redact(String(description ?? "")), 500),
      });
    }
  }
  return out.length > 0 ? out : undefined;
}

function contentType(response: RawResponse): string {
  const ct = response.headers["content-type"];
  const value = (Array.isArray(ct) ? ct[0] : ct)?.split(";")[0].trim();
  return value ? value : "no content type";
}

/** A short, single-line, printable, redacted excerpt; an HTML page is reduced to its title or text. */
function quote(text: string, redactor: Redactor): string {
  // Redacted before anything is squeezed out of it, or a secret with a
  // control character or two spaces in a row would no longer match.
  let t = redactor.redact(text.slice(0, 16 * 1024));
  if (/<html|<!doctype/i.test(t)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(t)?.[1];
    t = title ?? t.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ").replace(/<[^>]*>/g, " ");
  }
  t = t.replace(/[^\x20-\x7e\u00a0-\uffff]+/g, " ").replace(/\s+/g, " ").trim();
  return clip(redactor.redact(t), MAX_QUOTE);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
