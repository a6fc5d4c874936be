import { note } from "../../provider/common/notes";

test("a note is one prefixed stderr line (the engine shows provider stderr lines as diagnostics)", () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    note("database user u expired\n  and was removed");
  } finally {
    spy.mockRestore();
  }
  expect(written).toEqual(["pulumi-atlas-users: database user u expired and was removed\n"]);
});
