/**
 * Rule-by-rule fuzzing of OrgInvitation's `check` for its name input
 * (`username`, the invited person's email address; the resource takes no
 * secret): each family breaks one rule on a random valid input and must be
 * rejected with a failure naming `username` (see test/support/checkFuzz.ts).
 */
import fc from "fast-check";
import { provider } from "../../provider/orgInvitation/provider";
import { email, emailUsernameRules, fuzzCheckRules, ruleOn, type Args } from "../support/checkFuzz";
import { configureForEmulator, useProviderEmulator } from "../support/provider";

const env = useProviderEmulator((emu) => configureForEmulator(provider, emu));

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";

const validArgs = fc
  .tuple(email, fc.constantFrom("atlas", "atlas-v1", "cloud-manager", "ops-manager", undefined))
  .map(([username, platform]): Args => ({ orgId: ORG, username, roles: ["ORG_MEMBER"], ...(platform ? { platform } : {}) }));

describe("OrgInvitation check, rule by rule, for its name input", () => {
  fuzzCheckRules({
    provider: provider as never,
    emu: () => env.emu,
    validArgs,
    // username: required, an email address (surrounding spaces trimmed), at most 254 characters, no control characters.
    invalid: emailUsernameRules(ruleOn(validArgs)),
    properties: ["orgId", "username", "roles", "projectRoles", "teamIds", "reinvite", "adopt", "platform"],
    secretInputs: [],
  });
});
