/**
 * Lost answers: a request was sent and no usable answer came back, so it may
 * or may not have been applied.
 */
import { AtlasApiError, AtlasNetworkError } from "../client/errors";

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
