/**
 * The one error a resource reports, and the one way to treat "not found".
 *
 * A `ResourceError` names the step and the object ("creating database user
 * alice on admin in project 5f…: "), keeps the typed API or network error as
 * its `cause` (not enumerable: JSON dumps show only safe fields), and carries
 * a stable `code` callers and tests can branch on. Every text in it comes from
 * this package or from the client's errors, which are already redacted: no
 * secret can reach it.
 */
import { AtlasApiError, AtlasNetworkError, isNotFound } from "../client/errors";

export interface ResourceErrorInit {
  /** What was being done, with its object: `creating database user alice on admin in project 5f…` (alone: the whole message). */
  readonly step: string;
  /** What went wrong; defaults to the cause's message. */
  readonly detail?: string;
  /** What to do about it, appended. */
  readonly hint?: string;
  /** A stable code; defaults to the cause's (the API's errorCode, the network failure's code). */
  readonly code?: string;
  readonly cause?: unknown;
}

export class ResourceError extends Error {
  override readonly name = "ResourceError";
  /** Stable: the API's `errorCode` (`USER_ALREADY_EXISTS`), `HTTP_<status>`, a network code (`TIMEOUT`), or one of ours (`ATLAS_USERS_*`). */
  readonly code: string;
  readonly step: string;
  override readonly cause: unknown;

  constructor(init: ResourceErrorInit) {
    // Without a detail or a cause, the step is the whole sentence.
    const detail = init.detail ?? (init.cause === undefined ? undefined : init.cause instanceof Error ? init.cause.message : String(init.cause));
    super(`${init.step}${detail === undefined ? "" : `: ${detail}`}${init.hint ? `. ${init.hint}` : ""}`);
    this.step = init.step;
    this.code = init.code ?? codeOf(init.cause);
    Object.defineProperty(this, "cause", { value: init.cause, enumerable: false, writable: false });
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/**
 * `err` as the user sees it, naming the step. An error that already names
 * its step (a `ResourceError`) is passed on unchanged.
 */
export function failure(step: string, err: unknown, hint?: string): ResourceError {
  if (err instanceof ResourceError) return err;
  return new ResourceError({ step, cause: err, hint });
}

function codeOf(cause: unknown): string {
  if (cause instanceof AtlasApiError) return cause.errorCode ?? `HTTP_${cause.status}`;
  if (cause instanceof AtlasNetworkError) return cause.code;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "ATLAS_USERS_FAILED";
}

/**
 * The answer of a read, or undefined when the object does not exist
 * (`gone` decides; by default a not-found answer).
 */
export async function orUndefined<T>(call: Promise<T>, gone: (err: unknown) => boolean = isNotFound): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (gone(err)) return undefined;
    throw err;
  }
}
