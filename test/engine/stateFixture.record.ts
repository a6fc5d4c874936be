/**
 * Records the 0.1.0 state fixture (not part of the suite: run by hand in a
 * checkout of the release, see test/fixtures/state-0.1.0/README.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { FIXTURE_ORG, FIXTURE_PROJECT, FIXTURE_PUBLIC_KEY, PLACEHOLDERS, fixtureProgram, substitute } from "./stateFixture";

jest.setTimeout(300_000);

const OUT = process.env.RECORD_STATE_FIXTURE_OUT ?? path.join(__dirname, "..", "fixtures", "state-0.1.0", "state.json");
const PRIVATE_KEY = "recording-private-key-0001";
const PASSWORD = "Recording passphrase 1f2e";

describeEngine("record the state fixture", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  test("up, accept, refresh, export", async () => {
    emu = await startTestEmulator();
    await emulatorControl.seed(emu, {
      orgs: [{ id: FIXTURE_ORG, name: "fixture" }],
      projects: [{ id: FIXTURE_PROJECT, orgId: FIXTURE_ORG, name: "fixture" }],
      apiKeys: [{ publicKey: FIXTURE_PUBLIC_KEY, privateKey: PRIVATE_KEY }],
    });
    stack = await createEngineStack({
      emulator: emu,
      program: fixtureProgram(PASSWORD),
      config: { "mongodbatlas:publicKey": { value: FIXTURE_PUBLIC_KEY }, "mongodbatlas:privateKey": { value: PRIVATE_KEY, secret: true } },
    });
    const up = await stack.up();
    await emulatorControl.acceptInvitation(emu, FIXTURE_ORG, up.outputs.invUserId as string);
    await emulatorControl.acceptInvitation(emu, FIXTURE_ORG, up.outputs.acct as string);
    await stack.refresh();
    const deployment = await stack.exportState({ showSecrets: true });
    const text = substitute(JSON.stringify(deployment, null, 1), [
      [emu.baseUrl, PLACEHOLDERS.baseUrl],
      [PRIVATE_KEY, PLACEHOLDERS.privateKey],
      [PASSWORD, PLACEHOLDERS.password],
    ]);
    const state = (await emulatorControl.state(emu)) as { cloudUsers: { id: string; username: string }[] };
    const fixture = {
      recordedWith: JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")).version,
      ids: { inv: up.outputs.invUserId, acct: up.outputs.acct, accounts: state.cloudUsers.map((u) => ({ id: u.id, username: u.username })) },
      deployment: JSON.parse(text),
    };
    fs.writeFileSync(OUT, JSON.stringify(fixture, null, 1) + "\n");
    await stack.dispose();
    await emu.close();
  });
});
