/**
 * `checkWith`'s rule for what a failure may name: the engine prints the
 * program's top-level input whose key equals a failure's `property`, in
 * plaintext (a dynamic provider is told nothing about secrets), so a failure
 * names a property only when no value, or a declared non-secret one, would be
 * printed; otherwise it carries the property at the start of its reason.
 */
import { z } from "zod";
import { checkWith } from "../../provider/common/check";

const schema = z.strictObject({
  name: z.string().min(3, { message: "name must be at least 3 characters long" }),
  password: z.string().min(8, { message: "must be at least 8 characters long" }).optional(),
  clientSecret: z.string().min(8, { message: "clientSecret must be at least 8 characters long" }).optional(),
  pin: z.string().regex(/^\d{4,}$/, { message: "must be at least 4 digits" }).optional(),
  nested: z.strictObject({ token: z.string().min(8) }).optional(),
});

const failures = (news: Record<string, unknown>, opts?: { secretInputs?: string[] }) => checkWith(schema, news, opts).failures ?? [];

describe("checkWith: failures the engine cannot print a secret from", () => {
  test("a declared non-secret input is named as the property", () => {
    expect(failures({ name: "ab" })).toEqual([{ property: "name", reason: "name must be at least 3 characters long" }]);
  });

  test.each([
    ["password", { name: "abc", password: "Shrt8pw" }, "password: must be at least 8 characters long"],
    ["clientSecret", { name: "abc", clientSecret: "s3cr3t" }, "clientSecret must be at least 8 characters long"],
  ])("a secret-named input (%s): empty property, its name leads the reason, no value anywhere", (_key, news, reason) => {
    const out = failures(news);
    expect(out).toEqual([{ property: "", reason }]);
    expect(JSON.stringify(out)).not.toContain(String(Object.values(news)[1]));
  });

  test("an input declared secret by the caller is treated like one named so", () => {
    expect(failures({ name: "abc", pin: "12x" })).toEqual([{ property: "pin", reason: "must be at least 4 digits" }]);
    expect(failures({ name: "abc", pin: "12x" }, { secretInputs: ["pin"] })).toEqual([{ property: "", reason: "pin: must be at least 4 digits" }]);
  });

  test("a misspelt top-level key (its value may be anything) is not named as the property", () => {
    expect(failures({ name: "abc", pasword: "misspelt-secret" })).toEqual([
      { property: "", reason: 'pasword: unknown property "pasword": check its spelling or remove it' },
    ]);
  });

  test("a nested path is named (the engine looks up top-level keys only)", () => {
    expect(failures({ name: "abc", nested: { token: "x", extra: 1 } }).map((f) => f.property)).toEqual(["nested.token", "nested.extra"]);
  });

  test("a failure whose path text equals another top-level key is not named as the property", () => {
    // ["nested", "token"] → "nested.token", and the program also passed a top-level key "nested.token".
    const out = failures({ name: "abc", nested: { token: "x" }, "nested.token": "v" });
    expect(out.find((f) => f.property === "nested.token")).toBeUndefined();
  });
});
