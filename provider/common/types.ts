/** Compile-time helpers: types only, nothing here exists at run time. */

/**
 * `true` when `A` and `B` have exactly the same keys (optional or not);
 * otherwise an object naming the keys only one of them has, so that
 * `const x: SameKeys<A, B> = true` fails to compile, and says why, as soon as
 * one of them gains or loses a key.
 */
export type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : { onlyInFirst: Exclude<keyof A, keyof B>; onlyInSecond: Exclude<keyof B, keyof A> };
