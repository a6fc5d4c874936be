import { containsUnknown, isUnknown, isUnknownAt, UNKNOWN } from "../../provider/common/unknowns";

describe("values not known yet (previews)", () => {
  test("the placeholder is the SDK's own", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(UNKNOWN).toBe(require("@pulumi/pulumi/runtime/rpc").unknownValue);
    expect(isUnknown(UNKNOWN)).toBe(true);
    expect(isUnknown("04da6b54")).toBe(false);
  });

  test("containsUnknown looks inside lists and objects", () => {
    expect(containsUnknown({ a: [{ b: UNKNOWN }] })).toBe(true);
    expect(containsUnknown({ a: [{ b: "x" }], c: null })).toBe(false);
  });

  test("isUnknownAt: the value at the path, or a step on the way, is unknown", () => {
    const value = { roles: [{ roleName: UNKNOWN }], scopes: UNKNOWN, name: "x" };
    expect(isUnknownAt(value, ["roles", 0, "roleName"])).toBe(true);
    expect(isUnknownAt(value, ["scopes", 0, "name"])).toBe(true);
    expect(isUnknownAt(value, ["roles", 0])).toBe(false);
    expect(isUnknownAt(value, ["name"])).toBe(false);
    expect(isUnknownAt(value, ["missing", "deeper"])).toBe(false);
  });
});
