/**
 * Lost answers: a request was sent and the connection failed before its
 * answer arrived, so it may or may not have been applied.
 */
import { AtlasNetworkError } from "../client/errors";

/** The request may have reached the server and been applied; only reading back (or repeating an idempotent request) tells. */
export function answerWasLost(err: unknown): err is AtlasNetworkError {
  return err instanceof AtlasNetworkError && err.mayHaveBeenApplied;
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
