/**
 * States written by release 0.1.0 keep working: a state recorded with 0.1.0
 * (a DatabaseUser, an accepted OrgInvitation, a CloudUser on Atlas whose
 * invitations were accepted; `test/fixtures/state-0.1.0/`) is loaded into a
 * stack run by this code, against an emulator holding the same identities. It
 * refreshes, previews without changes, updates in place and destroys.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { FIXTURE_ORG, FIXTURE_PROJECT, FIXTURE_PUBLIC_KEY, PLACEHOLDERS, fixtureProgram, substitute } from "./stateFixture";

jest.setTimeout(300_000);

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "state-0.1.0", "state.json"), "utf8")) as {
  recordedWith: string;
  ids: { inv: string; acct: string };
  deployment: { version: number; deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
};

interface EmulatorState {
  databaseUsers: { username: string; roles: { roleName: string }[] }[];
  orgMemberships: { userId: string; orgId: string; status: string; orgRoles: string[] }[];
}

describeEngine("a state written by 0.1.0, run by this code", () => {
  const privateKey = randomBytes(12).toString("hex");
  const password = `Fixture ${randomBytes(6).toString("hex")} pass`;
  let emu: EmulatorHandle;
  let stack: EngineStack;

  beforeAll(async () => {
    emu = await startTestEmulator();
    await emulatorControl.seed(emu, {
      orgs: [{ id: FIXTURE_ORG, name: "fixture" }],
      projects: [{ id: FIXTURE_PROJECT, orgId: FIXTURE_ORG, name: "fixture" }],
      apiKeys: [{ publicKey: FIXTURE_PUBLIC_KEY, privateKey }],
      cloudUsers: [
        {
          id: FIXTURE.ids.acct,
          username: "jane.fixture@example.com",
          firstName: "Jane",
          lastName: "Doe",
          country: "US",
          mobileNumber: "212-555-0100",
          roles: [
            { orgId: FIXTURE_ORG, roleName: "ORG_MEMBER" },
            { groupId: FIXTURE_PROJECT, roleName: "GROUP_READ_ONLY" },
          ],
        },
        { id: FIXTURE.ids.inv, username: "ada.fixture@example.com", firstName: "Ada", lastName: "Fixture", roles: [{ orgId: FIXTURE_ORG, roleName: "ORG_MEMBER" }] },
      ],
      databaseUsers: [{ groupId: FIXTURE_PROJECT, databaseName: "admin", username: "fixture-app", password, roles: [{ roleName: "readWrite", databaseName: "app" }] }],
    });
    stack = await createEngineStack({
      emulator: emu,
      program: fixtureProgram(password),
      config: { "mongodbatlas:publicKey": { value: FIXTURE_PUBLIC_KEY }, "mongodbatlas:privateKey": { value: privateKey, secret: true } },
    });
    const text = substitute(JSON.stringify(FIXTURE.deployment), [
      [PLACEHOLDERS.baseUrl, emu.baseUrl],
      [PLACEHOLDERS.privateKey, privateKey],
      [PLACEHOLDERS.password, password],
    ]);
    await stack.stack.importStack(JSON.parse(text));
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("the fixture was recorded by 0.1.0 and holds no secret", () => {
    expect(FIXTURE.recordedWith).toBe("0.1.0");
    const types = FIXTURE.deployment.deployment.resources.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(["pulumi-nodejs:dynamic/atlas-users:CloudUser", "pulumi-nodejs:dynamic/atlas-users:OrgInvitation", "pulumi-nodejs:dynamic/atlas-users:DatabaseUser"]));
    // Every secret was replaced by a placeholder when it was recorded.
    expect(JSON.stringify(FIXTURE)).not.toMatch(/ciphertext/);
  });

  test("refresh reads each resource back, and the preview after it shows no change", async () => {
    const refresh = await stack.refresh();
    expect(refresh.summary).toMatchObject({ delete: 0 });
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 3 });
  });

  test("a role change on each is an update in place", async () => {
    stack.setProgram(fixtureProgram(password, true));
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 3, create: 0, replace: 0, delete: 0 });
    const state = (await emulatorControl.state(emu)) as unknown as EmulatorState;
    expect(state.databaseUsers.find((u) => u.username === "fixture-app")?.roles.map((r) => r.roleName)).toEqual(["read"]);
    expect(state.orgMemberships.find((m) => m.userId === FIXTURE.ids.inv)).toMatchObject({ status: "ACTIVE", orgRoles: ["ORG_READ_ONLY"] });
    const again = await stack.preview();
    expect(again.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 3 });
    assertNoSecrets(stack.stateFileText(), [password, privateKey]);
  });

  test("destroy removes the database user and the memberships", async () => {
    const destroyed = await stack.destroy();
    expect(destroyed.summary.delete).toBeGreaterThanOrEqual(3);
    const state = (await emulatorControl.state(emu)) as unknown as EmulatorState;
    expect(state.databaseUsers.filter((u) => u.username === "fixture-app")).toEqual([]);
    expect(state.orgMemberships.filter((m) => m.userId === FIXTURE.ids.inv || m.userId === FIXTURE.ids.acct)).toEqual([]);
  });
});
