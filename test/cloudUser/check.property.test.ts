/**
 * Rule-by-rule fuzzing of CloudUser's `check` for its name and secret
 * inputs (`username`, `password`), on every platform: each family breaks one
 * rule on a random valid input and must be rejected with a failure naming
 * that property, never containing the password, and never one next to which
 * the engine would print it (see test/support/checkFuzz.ts).
 */
import fc from "fast-check";
import { provider } from "../../provider/cloudUser/provider";
import { email, emailUsernameRules, fuzzCheckRules, notAString, ruleOn, type Args, type Invalid } from "../support/checkFuzz";
import { configureForEmulator, useProviderEmulator } from "../support/provider";

const env = useProviderEmulator((emu) => configureForEmulator(provider, emu));

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const PLATFORMS = ["atlas", "atlas-v1", "cloud-manager", "ops-manager"];

/** Password characters that occur in no reason text, so a password found in a failure is a leak, not a coincidence. */
const secretUnit = fc.constantFrom(..."#%&~^§QZ7");
const password = fc.string({ unit: secretUnit, minLength: 8, maxLength: 30 });

const validArgs = fc
  .tuple(email, password, fc.constantFrom(...PLATFORMS))
  .map(([username, pw, platform]): Args => ({
    username,
    password: pw,
    firstName: "Jane",
    lastName: "Doe",
    country: "US",
    mobileNumber: "212-555-0100",
    roles: [{ orgId: ORG, roleName: "ORG_MEMBER" }],
    platform,
  }));
const rule = ruleOn(validArgs);

/** A random re-casing of `text`. */
const recased = (text: string, flips: readonly boolean[]) => [...text].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join("");

const INVALID: Record<string, fc.Arbitrary<Invalid>> = {
  // username: required, an email address, at most 254 characters, no control characters.
  ...emailUsernameRules(rule),

  // password: required, a string of at least 8 characters, not containing the username.
  "password missing": rule(fc.constant(null), ({ password: _p, ...rest }) => ({ property: "password", args: rest })),
  "password not a string": rule(notAString, (b, v) => ({ property: "password", args: { ...b, password: v } })),
  "password shorter than 8 characters": rule(fc.string({ unit: secretUnit, maxLength: 7 }), (b, v) => ({ property: "password", args: { ...b, password: v } })),
  "password containing the username, in any case": rule(
    fc.tuple(fc.string({ unit: secretUnit, maxLength: 6 }), fc.string({ unit: secretUnit, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 })),
    (b, [before, after, flips]) => ({ property: "password", args: { ...b, password: before + recased(b.username as string, flips) + after } }),
  ),
};

describe("CloudUser check, rule by rule, for its name and secret inputs", () => {
  fuzzCheckRules({
    provider: provider as never,
    emu: () => env.emu,
    validArgs,
    invalid: INVALID,
    properties: ["username", "password", "emailAddress", "firstName", "lastName", "mobileNumber", "country", "roles", "adopt", "platform"],
    secretInputs: ["password"],
  });
});
