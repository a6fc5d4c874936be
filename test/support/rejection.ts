/**
 * Typed access to the error a call rejects with: asserts the error's class
 * (the `expect(err).toBeInstanceOf(...)` the tests would write anyway) and
 * hands it back as that class, so its fields can be asserted without casts.
 */
import { inspect } from "node:util";

/** Awaits `promise`, expects it to reject with an instance of `type`, and returns that error. */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const outcome = await promise.then(
    (value) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) {
    throw new Error(`expected a rejection with ${type.name}, but the call resolved with ${inspect(outcome.value, { depth: 3 })}`);
  }
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as E;
}
