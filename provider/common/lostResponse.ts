/**
 * Lost answers: a request was sent and no usable answer came back, so it may
 * or may not have been applied.
 */
import { AtlasApiError, AtlasNetworkError, isConflict } from "../client/errors";

/**
 * Server errors after which a change may still have been applied: a proxy in
 * front of Atlas answers 502/504 when Atlas is slow, and a server that fails
 * after its commit answers 500/503. (429 and 4xx mean nothing was applied.)
 */
const MAY_HAVE_BEEN_APPLIED = new Set([500, 502, 503, 504]);

/**
 * The request may have reached the server and been applied; only reading
 * back (or repeating an idempotent request) tells. True for a connection lost
 * after sending, and for a server error to a request that changes something
 * (the client has already retried the idempotent ones as far as it may).
 */
export function answerWasLost(err: unknown): err is AtlasNetworkError | AtlasApiError {
  if (err instanceof AtlasNetworkError) return err.mayHaveBeenApplied;
  return err instanceof AtlasApiError && err.method !== "GET" && MAY_HAVE_BEEN_APPLIED.has(err.status);
}

/**
 * Runs `send`, and once more if its answer was lost. Only for requests whose
 * body sets absolute values (a PATCH of declared fields): applying one twice
 * leaves the same result as applying it once, so repeating it is safe and
 * tells us the outcome. The client never repeats a PATCH by itself, because
 * it cannot know that of every PATCH.
 */
export async function resendIfAnswerLost<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!answerWasLost(err)) throw err;
    return send();
  }
}

/** How to create one object exactly once; see {@link createOnce}. */
export interface CreateOnce<T> {
  /** Sends the create request. */
  readonly send: () => Promise<T>;
  /** Looks the object up by its natural key (username, …); undefined when absent. */
  readonly lookUp: () => Promise<T | undefined>;
  /** Whether a found object is the one our request made (it matches what was sent). */
  readonly isOurs: (found: T) => boolean;
  /** The object exists and is not ours: adopt it, or fail saying why. `found` is undefined when the lookup saw nothing. */
  readonly onConflict: (found: T | undefined, err: unknown) => Promise<T>;
  /** Which errors mean "it already exists"; by default any 409. */
  readonly isConflict?: (err: unknown) => boolean;
}

/**
 * Creates an object once, whatever happens to the answers:
 * - a conflict goes to `onConflict` with what the lookup finds;
 * - a lost answer (or a 5xx to the create) is followed by a lookup: the
 *   object found is kept if it is ours, handed to `onConflict` if not, and
 *   only when nothing was applied is the request sent once more;
 * - a conflict to that second request means the first one may have landed
 *   after the lookup (a slow server, a stale read): ours if it matches.
 */
export async function createOnce<T>(how: CreateOnce<T>): Promise<T> {
  const conflict = how.isConflict ?? ((err: unknown) => isConflict(err));
  try {
    return await how.send();
  } catch (err) {
    if (conflict(err)) return how.onConflict(await how.lookUp(), err);
    if (!answerWasLost(err)) throw err;
    const found = await how.lookUp();
    if (found !== undefined) return how.isOurs(found) ? found : how.onConflict(found, err);
  }
  try {
    return await how.send();
  } catch (err) {
    if (!conflict(err)) throw err;
    const landed = await how.lookUp();
    if (landed !== undefined && how.isOurs(landed)) return landed;
    return how.onConflict(landed, err);
  }
}
