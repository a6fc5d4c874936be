import { canonicalKey, canonicalSet, duplicateIndexes, sameSet } from "../../provider/common/sets";

describe("sets", () => {
  test("canonicalKey ignores key order and undefined fields", () => {
    expect(canonicalKey({ b: 1, a: 2, c: undefined })).toBe(canonicalKey({ a: 2, b: 1 }));
    expect(canonicalKey({ a: 1 })).not.toBe(canonicalKey({ a: 2 }));
  });

  test("canonicalSet sorts without mutating", () => {
    const input = [{ roleName: "read", databaseName: "b" }, { roleName: "read", databaseName: "a" }];
    expect(canonicalSet(input)).toEqual([input[1], input[0]]);
    expect(input[0].databaseName).toBe("b");
    expect(canonicalSet(undefined)).toEqual([]);
  });

  test("sameSet ignores order; absent equals empty", () => {
    expect(sameSet([{ k: 1 }, { k: 2 }], [{ k: 2 }, { k: 1 }])).toBe(true);
    expect(sameSet([{ k: 1 }], [{ k: 1 }, { k: 2 }])).toBe(false);
    expect(sameSet(undefined, [])).toBe(true);
    expect(sameSet(undefined, [{ k: 1 }])).toBe(false);
  });

  test("duplicateIndexes", () => {
    expect(duplicateIndexes([{ a: 1 }, { a: 2 }, { a: 1 }])).toEqual([2]);
    expect(duplicateIndexes(["x", "X"], (s) => s.toLowerCase())).toEqual([1]);
  });
});
