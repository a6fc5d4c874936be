import { withDefaults, withoutDefaults } from "../../provider/common/storedState";

interface State {
  name: string;
  tags: string[];
  kind: "NONE" | "USER";
  temporary: boolean;
  note?: string;
}
const DEFAULTS = { tags: [] as string[], kind: "NONE" as const, temporary: false };

test("withoutDefaults leaves out the fields equal to their default and keeps every other", () => {
  expect(withoutDefaults<State>({ name: "a", tags: [], kind: "NONE", temporary: false }, DEFAULTS)).toEqual({ name: "a" });
  const full: State = { name: "b", tags: ["x"], kind: "USER", temporary: true, note: "n" };
  expect(withoutDefaults(full, DEFAULTS)).toEqual(full);
  // undefined fields are not stored either
  expect(Object.keys(withoutDefaults<State>({ name: "c", tags: [], kind: "NONE", temporary: false, note: undefined }, DEFAULTS))).toEqual(["name"]);
});

test("withDefaults fills the absent fields, keeps stored ones (an earlier release stored every field), and never shares a default list", () => {
  const a = withDefaults<State>({ name: "a" }, DEFAULTS);
  expect(a).toEqual({ name: "a", tags: [], kind: "NONE", temporary: false });
  a.tags.push("mutated");
  expect(withDefaults<State>({ name: "b" }, DEFAULTS).tags).toEqual([]);
  expect(DEFAULTS.tags).toEqual([]);
  const old: State = { name: "old", tags: [], kind: "NONE", temporary: false };
  expect(withDefaults(old, DEFAULTS)).toEqual(old);
  const full: State = { name: "b", tags: ["x"], kind: "USER", temporary: true };
  expect(withDefaults(withoutDefaults(full, DEFAULTS), DEFAULTS)).toEqual(full);
});
