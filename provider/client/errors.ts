/**
 * Errors the Atlas client throws. Callers branch on `status` and `errorCode`
 * (through the helpers below), never on message text.
 *
 * Every string stored on these errors has been through the client's redactor:
 * no password, private key, client secret, token or Authorization header can
 * reach a `pulumi up` error line, a log or a JSON dump of the error.
 */

/** One field-level problem from a 400 response's `badRequestDetail`. */
export interface BadRequestField {
  readonly field: string;
  readonly description: string;
}

export interface AtlasApiErrorInit {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly errorCode?: string;
  readonly detail?: string;
  readonly reason?: string;
  readonly badRequestDetail?: readonly BadRequestField[];
  /** What to do about it, appended to the message. */
  readonly hint?: string;
  /** Attempts made, when more than one. */
  readonly attempts?: number;
}

/**
 * The API answered with an error status (or an answer the client cannot use).
 * The message reads as one line: `POST /api/atlas/v2/groups/…/databaseUsers: HTTP 409 USER_ALREADY_EXISTS: …`.
 */
export class AtlasApiError extends Error {
  override readonly name = "AtlasApiError";
  /** HTTP status code. */
  readonly status: number;
  /** Atlas `errorCode` (e.g. `USERNAME_NOT_FOUND`), or the OAuth `error` for token requests. */
  readonly errorCode?: string;
  /** Atlas `detail`: the human-readable explanation. */
  readonly detail?: string;
  /** Atlas `reason`: usually the HTTP reason phrase. */
  readonly reason?: string;
  readonly method: string;
  /** Request path (ids included, query excluded). */
  readonly path: string;
  readonly badRequestDetail?: readonly BadRequestField[];

  constructor(init: AtlasApiErrorInit) {
    super(formatApiErrorMessage(init));
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    if (init.errorCode !== undefined) this.errorCode = init.errorCode;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.reason !== undefined) this.reason = init.reason;
    if (init.badRequestDetail !== undefined) this.badRequestDetail = init.badRequestDetail;
  }

  /** What `JSON.stringify(err)` shows: the same safe fields, plus the message. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      errorCode: this.errorCode,
      detail: this.detail,
      reason: this.reason,
      method: this.method,
      path: this.path,
      badRequestDetail: this.badRequestDetail,
    };
  }
}

function formatApiErrorMessage(init: AtlasApiErrorInit): string {
  let msg = `${init.method} ${init.path}: HTTP ${init.status}`;
  if (init.errorCode) msg += ` ${init.errorCode}`;
  const text = init.detail ?? init.reason;
  if (text) msg += `: ${text}`;
  if (init.badRequestDetail && init.badRequestDetail.length > 0) {
    msg += ` (${init.badRequestDetail.map((f) => `${f.field}: ${f.description}`).join("; ")})`;
  }
  if (init.attempts !== undefined && init.attempts > 1) msg += ` (after ${init.attempts} attempts)`;
  if (init.hint) msg += `. ${init.hint}`;
  return msg;
}

/**
 * A request whose outcome is unknown: it was sent, and the connection failed or
 * timed out before an answer. For a non-idempotent request (POST) the change
 * MAY have been applied; resources use this to read back by natural key before
 * retrying (never blindly re-POST).
 *
 * `mayHaveBeenApplied` is false only when the connection was never made
 * (refused, unresolvable host), so the server cannot have seen the request.
 */
export class AtlasNetworkError extends Error {
  override readonly name = "AtlasNetworkError";
  readonly method: string;
  readonly path: string;
  readonly mayHaveBeenApplied: boolean;
  /** Stable code of the underlying failure: `TIMEOUT`, or the socket error code (`ECONNRESET`, `UND_ERR_SOCKET`, …). */
  readonly code: string;
  /** What went wrong, without the method and path. */
  readonly detail: string;
  override readonly cause: unknown;

  constructor(init: {
    method: string;
    path: string;
    mayHaveBeenApplied: boolean;
    code: string;
    detail: string;
    cause?: unknown;
    /** Attempts made, when more than one. */
    attempts?: number;
  }) {
    super(
      `${init.method} ${init.path}: ${init.detail}` +
        (init.attempts !== undefined && init.attempts > 1 ? ` (after ${init.attempts} attempts)` : "") +
        (init.mayHaveBeenApplied
          ? "; no answer was received, so the request may or may not have been applied"
          : "; the request was not sent"),
    );
    this.method = init.method;
    this.path = init.path;
    this.mayHaveBeenApplied = init.mayHaveBeenApplied;
    this.code = init.code;
    this.detail = init.detail;
    // Not enumerable: keeps JSON dumps to our own, safe fields.
    Object.defineProperty(this, "cause", { value: init.cause, enumerable: false, writable: false });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      method: this.method,
      path: this.path,
      code: this.code,
      mayHaveBeenApplied: this.mayHaveBeenApplied,
    };
  }
}

/** Bad client options or settings, found before any request is sent. */
export class InvalidOptionError extends Error {
  override readonly name = "InvalidOptionError";
  readonly code = "ATLAS_USERS_INVALID_OPTION";
  /** The option at fault, e.g. `baseUrl` or `retry.maxAttempts`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(`Invalid ${option}: ${message}`);
    this.option = option;
  }
}

const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  "USERNAME_NOT_FOUND",
  "USER_NOT_FOUND",
  "RESOURCE_NOT_FOUND",
  "GROUP_NOT_FOUND",
  "ORG_NOT_FOUND",
  "INVITATION_NOT_FOUND",
  "INVALID_GROUP_ID",
  "INVALID_ORG_ID",
  "NOT_FOUND",
]);

/**
 * The object does not exist: a 404 with one of Atlas' not-found codes, or a
 * bare 404 (no `errorCode`). A 404 with another code (say an unknown API path)
 * is not "not found" in this sense.
 */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof AtlasApiError) || err.status !== 404) return false;
  return err.errorCode === undefined || NOT_FOUND_CODES.has(err.errorCode) || err.errorCode.endsWith("_NOT_FOUND");
}

/** A 409 conflict, optionally with that `errorCode`. */
export function isConflict(err: unknown, code?: string): boolean {
  return err instanceof AtlasApiError && err.status === 409 && (code === undefined || err.errorCode === code);
}

/** An API error carrying that `errorCode`, whatever the status. */
export function hasErrorCode(err: unknown, code: string): boolean {
  return err instanceof AtlasApiError && err.errorCode === code;
}
