/**
 * The temporary-user table (docs/resources/database-user.md#temporary-users), one test per row, against the emulator.
 *
 * Time: `diff` decides "expired" from the state's deleteAfterDate and the
 * provider's real clock (it sends no request), while Atlas (the emulator)
 * deletes users on its own clock. The rows where a user expires therefore use
 * short real windows (`expiresIn: "3s"`, then wait until both clocks have
 * passed the date); the rows where time only has to pass for Atlas move the
 * emulator clock, and put it back afterwards.
 */
import { provider } from "../../provider/databaseUser/provider";
import type { DatabaseUserInputs, DatabaseUserState } from "../../provider/databaseUser/schema";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { atlasRequests, checked, create, emulatorUser as findUser, useEmulatorForProvider } from "./support";

const env = useEmulatorForProvider();
let emu: EmulatorHandle;
let projectId: string;
beforeAll(() => ({ emu, projectId } = env));

beforeEach(() => emulatorControl.clearRequests(emu));
// Rows that move the emulator clock put it back to real time.
afterEach(() => emulatorControl.setClock(emu, new Date().toISOString()));

const HOUR = 3600_000;
const roles = [{ roleName: "readWrite", databaseName: "app" }];
const base = (username: string) => ({ projectId, username, password: "pass-Word-123", roles });
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const apiRequests = () => atlasRequests(emu);
const emulatorUser = (username: string) => findUser(emu, projectId, username);

/** Replace as the engine does it for a delete-before-replace diff. */
async function replace(id: string, state: DatabaseUserState, news: DatabaseUserInputs) {
  await provider.delete(id, state);
  return provider.create(news);
}

/** Waits (real time) until an instant has passed on both clocks, by a margin. */
async function waitUntilPassed(instantMs: number): Promise<void> {
  const wait = instantMs + 250 - Date.now();
  if (wait > 0) await sleep(wait);
}

describe("temporary users: one test per row of the table in docs/resources/database-user.md", () => {
  test.each([
    ["in the past", isoIn(-HOUR), /in the past/],
    ["more than 7 days ahead", isoIn(7 * 24 * HOUR + HOUR), /more than 7 days ahead/],
  ])("new user, deleteAfterDate %s: an error on deleteAfterDate saying which limit; nothing sent", async (_name, date, reason) => {
    const result = await provider.check({}, { ...base("never-created"), deleteAfterDate: date });
    expect(result.failures).toEqual([{ property: "deleteAfterDate", reason: expect.stringMatching(reason) }]);
    expect(await apiRequests()).toEqual([]);
  });

  test('new user, expiresIn "24h": created with deleteAfterDate = now + 24 h (an output)', async () => {
    const before = Date.now();
    const { state } = await create({ ...base("day-pass"), expiresIn: "24h" });
    const after = Date.now();
    const at = Date.parse(state.deleteAfterDate!);
    expect(at).toBeGreaterThanOrEqual(Math.floor((before + 24 * HOUR) / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(after + 24 * HOUR);
    expect(state).toMatchObject({ temporary: true, expiresIn: "24h" });
    expect(Date.parse((await emulatorUser("day-pass"))!.deleteAfterDate as string)).toBe(at);
  });

  test("unchanged program, run again an hour later (and refreshed): no changes, the window does not move", async () => {
    const { id, inputs, state } = await create({ ...base("steady-window"), expiresIn: "24h" });
    await emulatorControl.advanceClock(emu, 3600);
    const read = await provider.read(id, state);
    expect((read.props as DatabaseUserState).deleteAfterDate).toBe(state.deleteAfterDate);
    await emulatorControl.clearRequests(emu);
    const news = await checked({ ...base("steady-window"), expiresIn: "24h" }, read.inputs as unknown as Record<string, unknown>);
    expect(await provider.diff(id, read.props as DatabaseUserState, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await apiRequests()).toEqual([]);
    expect(inputs.expiresIn).toBe(news.expiresIn);
  });

  test("expiresIn changed: one PATCH of deleteAfterDate, in place", async () => {
    const { id, inputs, state } = await create({ ...base("longer-window"), expiresIn: "2h" });
    await emulatorControl.clearRequests(emu);
    const news = await checked({ ...inputs, expiresIn: "48h" }, inputs as Record<string, unknown>);
    expect(await provider.diff(id, state, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const before = Date.now();
    const { outs } = await provider.update(id, state, news);
    const sent = await apiRequests();
    expect(sent.map((r) => r.method)).toEqual(["PATCH"]);
    expect(sent[0].bodyFields).toContain("deleteAfterDate");
    expect(sent[0].bodyFields).not.toContain("password");
    const at = Date.parse((outs as DatabaseUserState).deleteAfterDate!);
    expect(at).toBeGreaterThanOrEqual(Math.floor((before + 48 * HOUR) / 1000) * 1000);
    expect(Date.parse((await emulatorUser("longer-window"))!.deleteAfterDate as string)).toBe(at);
  });

  test.each([
    ["extended", 2 * HOUR, 72 * HOUR],
    ["shortened", 72 * HOUR, 2 * HOUR],
  ])("deleteAfterDate %s: one PATCH of deleteAfterDate, in place", async (name, from, to) => {
    const username = `moved-${name}`;
    const { id, inputs, state } = await create({ ...base(username), deleteAfterDate: isoIn(from) });
    await emulatorControl.clearRequests(emu);
    const target = new Date(Math.floor((Date.now() + to) / 1000) * 1000).toISOString();
    const news = await checked({ ...inputs, deleteAfterDate: target }, inputs as Record<string, unknown>);
    expect(await provider.diff(id, state, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs } = await provider.update(id, state, news);
    expect((await apiRequests()).map((r) => r.method)).toEqual(["PATCH"]);
    expect(Date.parse((outs as DatabaseUserState).deleteAfterDate!)).toBe(Date.parse(target));
    expect(Date.parse((await emulatorUser(username))!.deleteAfterDate as string)).toBe(Date.parse(target));
  });

  test("a permanent user gains an expiry: replace, delete first, recreated temporary", async () => {
    const { id, inputs, state } = await create(base("becomes-temporary"));
    const news = await checked({ ...inputs, expiresIn: "24h" }, inputs as Record<string, unknown>);
    expect(await provider.diff(id, state, news)).toEqual({ changes: true, replaces: ["expiresIn"], deleteBeforeReplace: true });
    const { outs } = await replace(id, state, news);
    expect(outs).toMatchObject({ temporary: true });
    expect((await emulatorUser("becomes-temporary"))?.deleteAfterDate).toBeDefined();
    expect((await apiRequests()).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 201", "DELETE 204", "POST 201"]);
  });

  test("a temporary user loses its expiry: replace, delete first, recreated permanent", async () => {
    const { id, inputs, state } = await create({ ...base("becomes-permanent"), deleteAfterDate: isoIn(HOUR) });
    const { deleteAfterDate: _drop, ...permanent } = inputs;
    const news = await checked(permanent, inputs as Record<string, unknown>);
    expect(await provider.diff(id, state, news)).toEqual({ changes: true, replaces: ["deleteAfterDate"], deleteBeforeReplace: true });
    const { outs } = await replace(id, state, news);
    // Permanent now: no deletion date, and `temporary: false` (the stored state's default) is not stored.
    expect(outs).not.toHaveProperty("temporary");
    expect(outs).not.toHaveProperty("deleteAfterDate");
    expect(await emulatorUser("becomes-permanent")).toBeDefined();
    expect((await emulatorUser("becomes-permanent"))?.deleteAfterDate).toBeUndefined();
  });

  describe("once the user has expired (real short windows)", () => {
    const users: Record<string, { id: string; inputs: DatabaseUserInputs; state: DatabaseUserState }> = {};

    beforeAll(async () => {
      users.refreshed = await create({ ...base("expired-refreshed"), expiresIn: "3s" });
      users.recreated = await create({ ...base("expired-recreated"), expiresIn: "3s" });
      users.absolute = await create({ ...base("expired-absolute"), deleteAfterDate: isoIn(3000) });
      await waitUntilPassed(Math.max(...Object.values(users).map((u) => Date.parse(u.state.deleteAfterDate!))));
    });

    test("then pulumi refresh: removed from state, with a note that it expired", async () => {
      const { id, state } = users.refreshed;
      const written: string[] = [];
      const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      try {
        expect(await provider.read(id, state)).toEqual({});
      } finally {
        spy.mockRestore();
      }
      expect(written.join("")).toContain(`database user expired-refreshed (admin) in project ${projectId} expired at ${state.deleteAfterDate}`);
      expect(await emulatorUser("expired-refreshed")).toBeUndefined();
    });

    test("then pulumi up without refresh, expiresIn form (onExpiry recreate by default): replace, a fresh user with a new window", async () => {
      const { id, inputs, state } = users.recreated;
      await emulatorControl.clearRequests(emu);
      const news = await checked({ ...base("expired-recreated"), expiresIn: "3s" }, inputs as Record<string, unknown>);
      expect(await provider.diff(id, state, news)).toEqual({ changes: true, replaces: ["expiresIn"], deleteBeforeReplace: true });
      expect(await apiRequests()).toEqual([]); // diff decided from state and the clock alone
      const { id: newId, outs } = await replace(id, state, news);
      expect(newId).toBe(id);
      expect(Date.parse((outs as DatabaseUserState).deleteAfterDate!)).toBeGreaterThan(Date.parse(state.deleteAfterDate!));
      expect(await emulatorUser("expired-recreated")).toBeDefined();
      // The delete of the user Atlas already removed is a success (404), then a fresh POST.
      expect((await apiRequests()).map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 404", "POST 201"]);
    });

    test("absolute deleteAfterDate (onExpiry fail by default): an error naming the date and what to do; nothing sent", async () => {
      const { id, inputs, state } = users.absolute;
      await emulatorControl.clearRequests(emu);
      const news = await checked({ ...base("expired-absolute"), deleteAfterDate: inputs.deleteAfterDate }, inputs as Record<string, unknown>);
      await expect(provider.diff(id, state, news)).rejects.toThrow(
        `database user expired-absolute (admin) in project ${projectId} expired at ${state.deleteAfterDate} (Atlas deletes temporary users at their deleteAfterDate): set a new deleteAfterDate, use expiresIn`,
      );
      expect(await apiRequests()).toEqual([]);
    });
  });
});
