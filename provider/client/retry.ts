/**
 * The retry layer: bounded attempts and total time, exponential backoff with
 * jitter, and never sooner than the server's `Retry-After`.
 *
 * Which failures are retryable is decided by the caller (the client knows the
 * method and status); this module only schedules.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retries). */
  readonly maxAttempts: number;
  /** No retry starts if it would begin later than this after the first attempt. */
  readonly maxElapsedMs: number;
  /** Backoff before the 2nd attempt; doubles each time. */
  readonly baseDelayMs: number;
  /** Cap on the backoff (not on `Retry-After`, which is always honoured). */
  readonly maxDelayMs: number;
}

/** One attempt's outcome as the retry loop sees it. */
export type AttemptOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly error: Error;
      readonly retryable: boolean;
      /** From `Retry-After`: wait at least this long. */
      readonly retryAfterMs?: number;
      /**
       * The server asked to slow down (429): the request was not processed. Such an
       * attempt is not counted against `maxAttempts` (only `maxElapsedMs` bounds
       * the waiting), so a busy rate limit delays requests instead of failing
       * them. With a `Retry-After` the wait is what the server asked for; without
       * one the backoff grows with each 429 in a row, so a server that only ever
       * answers 429 gets a few requests, not hundreds.
       */
      readonly throttled?: boolean;
    };

export interface RetryHooks {
  /** Injectable for tests of the scheduling itself. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * Runs `attempt` (given its 1-based number) until it succeeds, fails for good,
 * or the policy's attempts (throttled ones not counted) or time run out; then
 * throws the last error.
 */
export async function retrying<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<AttemptOutcome<T>>,
  hooks: RetryHooks = {},
): Promise<T> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? defaultSleep;
  const started = now();
  let failures = 0; // attempts that count against maxAttempts
  let unguidedThrottles = 0; // 429s without Retry-After: they grow the backoff
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.ok) return outcome.value;
    if (!outcome.throttled) failures += 1;
    else if (outcome.retryAfterMs === undefined) unguidedThrottles += 1;
    // maxAttempts 1 means no retries at all, throttled or not.
    if (!outcome.retryable || policy.maxAttempts <= 1 || failures >= policy.maxAttempts) throw outcome.error;
    const step = !outcome.throttled ? failures : outcome.retryAfterMs === undefined ? unguidedThrottles : 1;
    const delay = retryDelay(policy, step, outcome.retryAfterMs, hooks.random);
    if (now() + delay - started > policy.maxElapsedMs) throw outcome.error;
    await sleep(delay);
  }
}

/**
 * Delay before attempt `failedAttempt + 1`: "equal jitter" backoff (half fixed,
 * half random, so it never collapses to zero), raised to `Retry-After` when the
 * server asked for more.
 */
export function retryDelay(
  policy: RetryPolicy,
  failedAttempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  const backoff = exp / 2 + random() * (exp / 2);
  return Math.ceil(Math.max(backoff, retryAfterMs ?? 0));
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Sleeps at least `ms` (timers may fire a little early; "at least Retry-After" must hold). */
async function defaultSleep(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}
