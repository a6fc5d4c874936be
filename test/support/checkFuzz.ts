/**
 * Rule-by-rule fuzzing of a resource's `check`: each family breaks one rule
 * on a random valid input and names the property its failure must name.
 * `fuzzCheckRules` asserts that every valid base input is accepted, that
 * every broken rule is rejected with a failure naming its property, that no
 * failure would make the engine print a secret or an undeclared key's value
 * (nor contains a secret input's value), and that `check` sends no request.
 */
import fc from "fast-check";
import { expectNoValueShownFor, namesProperty } from "./checkFailures";
import { emulatorControl, type EmulatorHandle } from "./emulator";

export type Args = Record<string, unknown>;
/** An input that breaks one rule, and the property its failure must name. */
export type Invalid = { property: string; args: Args };

export const word = fc.string({ unit: fc.constantFrom(..."abcxyz019"), minLength: 1, maxLength: 8 });
export const email = fc.tuple(word, word).map(([local, domain]) => `${local}@${domain}.example.com`);
export const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(word, { maxLength: 2 }), fc.dictionary(word, word, { maxKeys: 2 }));
/** C0 and C1 control characters (NUL, newline, tab, DEL, NEL...). */
export const controlChar = fc.oneof(
  fc.constantFrom("\u0000", "\n", "\r", "\t", "\u007f", "\u0085"),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
);
/** A well-formed address over 254 characters (RFC 5321's limit on a path, less its brackets): a long local part or domain. */
export const emailLongerThan254 = fc
  .tuple(fc.integer({ min: 255, max: 12_000 }), fc.boolean())
  .map(([n, longDomain]) => (longDomain ? `ada@${"d".repeat(n - "ada@.example.com".length)}.example.com` : `${"a".repeat(n - "@example.com".length)}@example.com`));

/** `text` with `c` inserted at a position strictly inside it (`at` taken modulo the room). */
export function insertedInside(text: string, at: number, c: string): string {
  const i = 1 + (at % Math.max(1, text.length - 1));
  return text.slice(0, i) + c + text.slice(i);
}

/** `rule(values, breakIt)`: a rule broken on a random valid base. */
export function ruleOn(validArgs: fc.Arbitrary<Args>) {
  return <T>(values: fc.Arbitrary<T>, breakIt: (base: Args, value: T) => Invalid): fc.Arbitrary<Invalid> =>
    fc.tuple(validArgs, values).map(([base, value]) => breakIt(base, value));
}

export interface RuleFuzzing {
  provider: { check(olds: Args, news: Args): Promise<{ failures?: { property: string; reason: string }[] }> };
  /** The emulator the provider is configured for (any request `check` sent would show there). */
  emu: () => EmulatorHandle;
  validArgs: fc.Arbitrary<Args>;
  invalid: Record<string, fc.Arbitrary<Invalid>>;
  /** Every property the resource declares, and those that hold secrets. */
  properties: readonly string[];
  secretInputs: readonly string[];
}

/** The tests; call inside a `describe`. */
export function fuzzCheckRules(f: RuleFuzzing): void {
  beforeEach(async () => {
    await emulatorControl.clearRequests(f.emu());
  });
  afterEach(async () => {
    expect(await emulatorControl.requests(f.emu())).toEqual([]);
  });

  test("every valid base input is accepted (so each rejection below is the rule's)", async () => {
    await fc.assert(
      fc.asyncProperty(f.validArgs, async (news) => {
        expect((await f.provider.check({}, news)).failures ?? []).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  test.each(Object.entries(f.invalid))("rule broken: %s → rejected, naming that property, never showing a secret", async (_rule, invalid) => {
    await fc.assert(
      fc.asyncProperty(invalid, async ({ property, args }) => {
        const failures = (await f.provider.check({}, args)).failures ?? [];
        expect(failures.filter((x) => namesProperty(x, property))).not.toEqual([]);
        expectNoValueShownFor(args, failures, f.properties, f.secretInputs);
        for (const key of f.secretInputs) {
          const value = args[key];
          if (typeof value === "string" && value.length > 0) expect(JSON.stringify(failures)).not.toContain(value);
        }
      }),
      { numRuns: 60 },
    );
  });
}

/**
 * The families of a `username` that must be an email address (CloudUser,
 * OrgInvitation): missing, not a string, not an address, over 254
 * characters, a control character inside.
 */
export function emailUsernameRules(rule: ReturnType<typeof ruleOn>): Record<string, fc.Arbitrary<Invalid>> {
  const username = (b: Args, v: unknown): Invalid => ({ property: "username", args: { ...b, username: v } });
  return {
    "username missing": rule(fc.constant(null), ({ username: _u, ...rest }) => ({ property: "username", args: rest })),
    "username not a string": rule(notAString, username),
    "username not an email address": rule(
      fc.oneof(word, word.map((w) => `${w}@`), word.map((w) => `@${w}.com`), fc.constantFrom("", "a b@example.com", "ada@@example.com")),
      username,
    ),
    "username over 254 characters": rule(emailLongerThan254, username),
    "username with a control character inside": rule(fc.tuple(fc.nat(), controlChar), (b, [at, c]) => username(b, insertedInside(b.username as string, at, c))),
  };
}
