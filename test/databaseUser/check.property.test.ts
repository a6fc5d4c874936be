/**
 * Property-based tests of `check`: whatever a program passes, `check` never
 * throws; every valid input is accepted and normalised for good; and a
 * rejected input always gets failures that each name a property and give a
 * reason.
 */
import fc from "fast-check";
import { propertyPath } from "../../provider/common/check";
import { provider } from "../../provider/databaseUser/provider";

const PROPERTIES = [
  "projectId", "username", "databaseName", "password", "roles", "scopes", "labels", "description",
  "awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type", "deleteAfterDate", "expiresIn", "onExpiry", "adopt",
];

const word = fc.string({ unit: fc.constantFrom(..."abcxyz019-"), minLength: 1, maxLength: 8 }).filter((s) => /^[a-z0-9]/.test(s));

/** The auth part of a valid user: auth type, matching username, password only for SCRAM. */
const validAuth = fc.oneof(
  word.map((u) => ({ username: u, password: `${u}-password` })),
  word.map((cn) => ({ x509Type: "CUSTOMER", username: `CN=${cn},OU=eng,O=acme` })),
  word.map((u) => ({ x509Type: "MANAGED", username: u })),
  fc.tuple(fc.constantFrom("USER", "ROLE"), word).map(([t, n]) => ({ awsIAMType: t, username: `arn:aws:iam::123456789012:${t.toLowerCase()}/${n}` })),
  fc.tuple(fc.constantFrom("USER", "GROUP"), word).map(([t, n]) => ({ ldapAuthType: t, username: `CN=${n},DC=example,DC=com` })),
  fc.tuple(fc.constantFrom("USER", "IDP_GROUP"), word).map(([t, n]) => ({ oidcAuthType: t, username: `idp/${n}` })),
);

const validExpiry = fc.oneof(
  fc.constant({}),
  fc.record({ expiresIn: fc.constantFrom("90m", "24h", "7d", "1h30m", "3s"), onExpiry: fc.constantFrom("recreate", "fail", undefined) }),
  fc.integer({ min: 1, max: 24 * 7 - 1 }).map((h) => ({ deleteAfterDate: new Date(Date.now() + h * 3600_000).toISOString() })),
);

const validArgs = fc
  .tuple(
    validAuth,
    validExpiry,
    fc.uniqueArray(fc.record({ roleName: fc.constantFrom("read", "readWrite", "dbAdmin"), databaseName: word }), {
      minLength: 1, maxLength: 4, selector: (r) => `${r.roleName}@${r.databaseName}`,
    }),
    fc.option(fc.uniqueArray(fc.record({ name: word, type: fc.constantFrom("CLUSTER", "DATA_LAKE", "STREAM") }), { maxLength: 3, selector: (s) => `${s.name}/${s.type}` }), { nil: undefined }),
    fc.option(fc.uniqueArray(fc.record({ key: word, value: word }), { maxLength: 3, selector: (l) => `${l.key}=${l.value}` }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
    fc.option(fc.boolean(), { nil: undefined }),
  )
  .map(([auth, expiry, roles, scopes, labels, description, adopt]) => {
    const args: Record<string, unknown> = { projectId: "5f1a2b3c4d5e6f7a8b9c0d1e", ...auth, ...expiry, roles, scopes, labels, description, adopt };
    for (const k of Object.keys(args)) if (args[k] === undefined) delete args[k];
    return args;
  });

/** A valid input with one property replaced by anything, removed, or an extra key added. */
const mutatedArgs = fc.tuple(validArgs, fc.constantFrom(...PROPERTIES, "extra", ". ", ""), fc.anything(), fc.boolean()).map(
  ([args, key, value, remove]) => {
    const out = { ...args };
    if (remove) delete out[key];
    else out[key] = value;
    return out;
  },
);

function assertFailuresNameProperties(news: unknown, failures: readonly { property: string; reason: string }[]) {
  const isObject = news !== null && typeof news === "object" && !Array.isArray(news);
  for (const f of failures) {
    expect(typeof f.reason).toBe("string");
    expect(f.reason.length).toBeGreaterThan(0);
    if (!isObject) continue;
    // Named: a known property (present or missing), or the unknown key as given.
    const known = PROPERTIES.some((p) => f.property === p || f.property.startsWith(`${p}[`) || f.property.startsWith(`${p}.`));
    const unknownKey = Object.keys(news as object).some((k) => f.property === propertyPath([k]));
    expect(known || unknownKey).toBe(true);
  }
}

describe("DatabaseUser check, property-based", () => {
  test("every valid input is accepted, and its normalised form checks to itself", async () => {
    await fc.assert(
      fc.asyncProperty(validArgs, async (news) => {
        const result = await provider.check({}, news);
        expect(result.failures ?? []).toEqual([]);
        const inputs = result.inputs as Record<string, unknown>;
        expect(["admin", "$external"]).toContain(inputs.databaseName);
        const again = await provider.check(inputs, inputs);
        expect(again.failures ?? []).toEqual([]);
        expect(again.inputs).toEqual(inputs);
      }),
      { numRuns: 300 },
    );
  });

  test("a mutated input is accepted or rejected with failures naming properties; never a throw", async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(mutatedArgs, async (news) => {
        const result = await provider.check({}, news);
        const failures = result.failures ?? [];
        if (failures.length > 0) rejected++;
        assertFailuresNameProperties(news, failures);
      }),
      { numRuns: 800 },
    );
    expect(rejected).toBeGreaterThan(0);
  });

  test("arbitrary input never throws, and failures name properties", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom(...PROPERTIES, "x"), fc.anything())), async (news) => {
        const result = await provider.check({}, news as Record<string, unknown>);
        assertFailuresNameProperties(news, result.failures ?? []);
      }),
      { numRuns: 800 },
    );
  });
});
