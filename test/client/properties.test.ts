import fc from "fast-check";
import { parseDigestChallenge } from "../../provider/client/digest";
import { Redactor } from "../../provider/client/redact";
import { retryDelay } from "../../provider/client/retry";

/** Quoted-string as a server writes it (RFC 9110 §5.6.4). */
const quoted = (s: string) => `"${s.replace(/(["\\])/g, "\\$1")}"`;

test("any realm, nonce and opaque survive quoting and parsing", () => {
  const value = fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(..."abcXYZ09 ,=/+\"\\:;'") });
  fc.assert(
    fc.property(value, value, value, fc.boolean(), (realm, nonce, opaque, stale) => {
      const header = `Digest realm=${quoted(realm)}, domain="", nonce=${quoted(nonce)}, opaque=${quoted(opaque)}, algorithm=MD5, qop="auth", stale=${stale}`;
      expect(parseDigestChallenge(header)).toEqual({ realm, nonce, opaque, algorithm: "MD5", qopAuth: true, stale });
    }),
  );
});

test("a redacted text never contains a known secret, however it is embedded", () => {
  // Alphanumeric secrets with a lowercase letter or digit cannot be spelt by the "[REDACTED]" marker.
  const secret = fc.stringMatching(/^[A-Za-z0-9]{4,24}$/).filter((s) => /[a-z0-9]/.test(s));
  fc.assert(
    fc.property(secret, fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }), (s, parts) => {
      const r = new Redactor([s]);
      const text = parts.join(s) + s + encodeURIComponent(s) + Buffer.from(s).toString("base64");
      const out = r.redact(text);
      expect(out).not.toContain(s);
      expect(out).not.toContain(Buffer.from(s).toString("base64"));
    }),
  );
});

test("a request's body secrets are redacted, and the parent's later secrets too", () => {
  const parent = new Redactor(["private-key-1"]);
  const child = parent.forRequest({ username: "u", password: "pw-123456", nested: [{ clientSecret: "cs-999999" }] });
  parent.add("token-learned-later");
  expect(child.redact("private-key-1 pw-123456 cs-999999 token-learned-later u")).toBe(
    "[REDACTED] [REDACTED] [REDACTED] [REDACTED] u",
  );
  // the parent does not learn the request's secrets
  expect(parent.redact("pw-123456")).toBe("pw-123456");
});

test("retry delays: never below Retry-After; without it, within the backoff cap", () => {
  const policy = fc.record({
    maxAttempts: fc.integer({ min: 1, max: 10 }),
    maxElapsedMs: fc.integer({ min: 0, max: 100_000 }),
    baseDelayMs: fc.integer({ min: 0, max: 5_000 }),
    maxDelayMs: fc.integer({ min: 0, max: 60_000 }),
  });
  fc.assert(
    fc.property(policy, fc.integer({ min: 1, max: 30 }), fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }), fc.double({ min: 0, max: 1, noNaN: true }), (p, n, retryAfter, rnd) => {
      const d = retryDelay(p, n, retryAfter, () => rnd);
      if (retryAfter !== undefined) expect(d).toBeGreaterThanOrEqual(retryAfter);
      expect(d).toBeLessThanOrEqual(Math.max(p.maxDelayMs, retryAfter ?? 0));
      expect(d).toBeGreaterThanOrEqual(0);
    }),
  );
});
