/**
 * How a `check` failure names its property. A failure on a declared,
 * non-secret input carries it as `property` (the engine then prints the
 * input's value next to it); a failure on a secret input or a misspelt
 * top-level key carries an empty `property` and starts its reason with the
 * property's path, so the engine prints no value.
 */
export interface CheckFailureLike {
  property: string;
  reason: string;
}

/** Whether `failure` is about `property`, in either form. */
export function namesProperty(failure: CheckFailureLike, property: string): boolean {
  if (failure.property === property) return true;
  return failure.property === "" && (failure.reason.startsWith(`${property} `) || failure.reason.startsWith(`${property}: `));
}

/** The first failure about `property`, if any. */
export function failureNaming<F extends CheckFailureLike>(failures: readonly F[] | undefined, property: string): F | undefined {
  return (failures ?? []).find((f) => namesProperty(f, property));
}

/**
 * The engine prints, next to a failure's `property`, the program's top-level
 * input with exactly that key. Fails when that would print a secret input
 * (`secretInputs`) or a key the resource does not declare (its value may be
 * anything), i.e. when a failure names one of those as its property.
 */
export function expectNoValueShownFor(
  news: unknown,
  failures: readonly CheckFailureLike[],
  declared: readonly string[],
  secretInputs: readonly string[],
): void {
  if (news === null || typeof news !== "object" || Array.isArray(news)) return;
  for (const f of failures) {
    // An empty property prints no value at all.
    if (f.property === "" || !Object.prototype.hasOwnProperty.call(news, f.property)) continue;
    expect({ property: f.property, secret: secretInputs.includes(f.property) }).toEqual({ property: f.property, secret: false });
    expect({ property: f.property, declared: declared.includes(f.property) }).toEqual({ property: f.property, declared: true });
  }
}
