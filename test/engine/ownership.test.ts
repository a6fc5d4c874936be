/**
 * Two stacks, one database user, through the real engine: the first stack's
 * user carries its ownership label; the second stack's plain `adopt: true` is
 * refused naming the owner, and changes nothing; its `adopt: "takeover"`
 * takes the user (label, roles, description, password); the first stack sees
 * that at its refresh (`ownedBy`, a note), is refused any change to the user,
 * and its destroy leaves the user to the new owner.
 */
import { DatabaseUser, type DatabaseUserArgs } from "../../provider";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { emulatorUser } from "../databaseUser/support";

const PROJECT = "atlas-users-engine-test";
const OWNER_LABEL = "pulumi-atlas-users/owner";
const PASSWORDS = { alpha: "alpha-Pa55word-1", beta: "beta-Pa55word-22" };

describeEngine("two stacks, one database user: ownership is visible and taking it over is explicit", () => {
  let emu: EmulatorHandle;
  let alpha: EngineStack;
  let beta: EngineStack;
  const declared = (stack: "alpha" | "beta", extra: Partial<DatabaseUserArgs> = {}) => async () => {
    const user = new DatabaseUser("shared", {
      projectId: emu.projectId,
      username: "shared-user",
      password: PASSWORDS[stack],
      roles: [{ roleName: stack === "alpha" ? "read" : "readWrite", databaseName: "app" }],
      description: `managed by ${stack}`,
      ...extra,
    });
    return { owner: user.owner, ownedBy: user.ownedBy, labels: user.labels };
  };
  const label = async () => ((await emulatorUser(emu, emu.projectId, "shared-user")) as { labels?: { key: string; value: string }[] } | undefined)?.labels;
  const failure = (run: Promise<unknown>) =>
    run.then(
      () => "",
      (err: Error) => err.message,
    );

  beforeAll(async () => {
    emu = await startTestEmulator();
    alpha = await createEngineStack({ emulator: emu, program: declared("alpha"), projectName: PROJECT, stackName: "alpha" });
    beta = await createEngineStack({ emulator: emu, program: declared("beta", { adopt: true }), projectName: PROJECT, stackName: "beta" });
  });

  afterAll(async () => {
    await alpha?.dispose();
    await beta?.dispose();
    await emu?.close();
  });

  test("the first stack's user carries its ownership label, outside the declared labels", async () => {
    const up = await alpha.up();
    expect(up.outputs).toMatchObject({ owner: `${PROJECT}/alpha`, ownedBy: `${PROJECT}/alpha`, labels: [] });
    expect(await label()).toEqual([{ key: OWNER_LABEL, value: `${PROJECT}/alpha` }]);
    expect((await alpha.preview()).changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
  });

  test("the second stack's adopt: true is refused, naming the owner, and changes nothing", async () => {
    await emulatorControl.clearRequests(emu);
    const message = await failure(beta.up());
    expect(message).toMatch(new RegExp(`adopting database user shared-user .*owned by stack ${PROJECT}/alpha .*adopt: "takeover"`));
    const log = await emulatorControl.requests(emu);
    expect(log.filter((r) => r.method === "PATCH" || r.method === "DELETE")).toEqual([]);
    expect(await emulatorUser(emu, emu.projectId, "shared-user")).toMatchObject({ description: "managed by alpha" });
  });

  test("without adopt, the already-exists message names the owner too", async () => {
    const message = await failure(beta.up({ program: declared("beta") }));
    expect(message).toMatch(/already exists in Atlas \(USER_ALREADY_EXISTS\)\. To manage the existing user with this program, set adopt: true/);
    expect(message).toContain(`its label ${OWNER_LABEL} names stack ${PROJECT}/alpha`);
  });

  test('adopt: "takeover" takes it: label, roles, description and password are the second stack\'s', async () => {
    const up = await beta.up({ program: declared("beta", { adopt: "takeover" }) });
    expect(up.summary.create).toBe(1);
    expect(up.outputs).toMatchObject({ owner: `${PROJECT}/beta`, ownedBy: `${PROJECT}/beta` });
    expect(await label()).toEqual([{ key: OWNER_LABEL, value: `${PROJECT}/beta` }]);
    expect(await emulatorUser(emu, emu.projectId, "shared-user")).toMatchObject({ description: "managed by beta" });
    const check = (password: string) => emulatorControl.checkDatabaseUserPassword(emu, { projectId: emu.projectId, databaseName: "admin", username: "shared-user", password });
    expect(await check(PASSWORDS.beta)).toEqual({ ok: true });
  });

  test("before any refresh, the first stack's up that would change the user is refused (its label is read first), and sends no PATCH", async () => {
    await emulatorControl.clearRequests(emu);
    const message = await failure(alpha.up({ program: declared("alpha", { description: "alpha again" }) }));
    expect(message).toMatch(new RegExp(`updating database user shared-user .*stack ${PROJECT}/beta has taken it over`));
    expect((await emulatorControl.requests(emu)).filter((r) => r.method === "PATCH")).toEqual([]);
    alpha.setProgram(declared("alpha"));
  });

  test("the first stack sees it at refresh, is refused any change to it, and its destroy leaves it to the new owner", async () => {
    await alpha.refresh();
    expect(alpha.allOutput()).toContain(`now carries stack ${PROJECT}/beta's ownership label`);
    const [resource] = await alpha.resources();
    expect(resource.outputs).toMatchObject({ owner: `${PROJECT}/alpha`, ownedBy: `${PROJECT}/beta`, description: "managed by beta" });

    await emulatorControl.clearRequests(emu);
    const message = await failure(alpha.up());
    expect(message).toMatch(new RegExp(`updating database user shared-user .*stack ${PROJECT}/beta has taken it over`));
    expect((await emulatorControl.requests(emu)).filter((r) => r.method === "PATCH")).toEqual([]);

    await alpha.destroy();
    expect(await emulatorUser(emu, emu.projectId, "shared-user")).toMatchObject({ description: "managed by beta" });
    expect(await label()).toEqual([{ key: OWNER_LABEL, value: `${PROJECT}/beta` }]);
    expect(alpha.allOutput()).toContain(`stack ${PROJECT}/beta has taken it over`);

    await beta.destroy();
    expect(await emulatorUser(emu, emu.projectId, "shared-user")).toBeUndefined();
  });

  test("taken over with no refresh in between: the first stack's destroy reads the label and leaves the user", async () => {
    await alpha.up({ program: declared("alpha") });
    await beta.up({ program: declared("beta", { adopt: "takeover" }) });
    await alpha.destroy();
    expect(await label()).toEqual([{ key: OWNER_LABEL, value: `${PROJECT}/beta` }]);
    await beta.destroy();
    expect(await emulatorUser(emu, emu.projectId, "shared-user")).toBeUndefined();
    assertNoSecrets(alpha.allOutput() + beta.allOutput() + JSON.stringify(await alpha.exportState()), [...Object.values(PASSWORDS), emu.privateKey]);
  });
});
