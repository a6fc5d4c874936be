/**
 * Names past what Atlas documents are refused at preview, through the real
 * engine, before any request: an email username over 254 characters
 * (CloudUser, OrgInvitation; a 10 KB one used to pass and make a read-back
 * URL too long), and a database username with NUL or a newline.
 */
import { CloudUser } from "../../provider/cloudUser";
import { DatabaseUser } from "../../provider/databaseUser";
import { OrgInvitation } from "../../provider/orgInvitation";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { createEngineStack, describeEngine, type EngineStack } from "../support/engine";

const longEmail = `${"j".repeat(10_000)}@example.com`;

const CASES: Record<string, { shows: RegExp; declare: (emu: EmulatorHandle) => void }> = {
  "CloudUser with a 10 KB email username": {
    shows: /username must be at most 254 characters/,
    declare: (emu) =>
      new CloudUser("person", {
        username: longEmail,
        password: "a fine passphrase",
        firstName: "Jane",
        lastName: "Doe",
        country: "US",
        mobileNumber: "212-555-0100",
        roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
      }),
  },
  "OrgInvitation with a 255-character email username": {
    shows: /must be at most 254 characters/,
    declare: (emu) => new OrgInvitation("invite", { orgId: emu.orgId, username: `${"a".repeat(243)}@example.com`, roles: ["ORG_MEMBER"] }),
  },
  "DatabaseUser named with a NUL": {
    shows: /username must not contain control characters/,
    declare: (emu) => new DatabaseUser("db-nul", { projectId: emu.projectId, username: "admin\u0000", password: "long-enough-pw", roles: [{ roleName: "read", databaseName: "app" }] }),
  },
  "DatabaseUser named with a newline": {
    shows: /username must not contain control characters/,
    declare: (emu) => new DatabaseUser("db-nl", { projectId: emu.projectId, username: "app\nuser", password: "long-enough-pw", roles: [{ roleName: "read", databaseName: "app" }] }),
  },
};

describeEngine("names past the documented limits are refused at preview", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;

  beforeAll(async () => {
    emu = await startTestEmulator();
    stack = await createEngineStack({ emulator: emu, program: async () => {} });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test.each(Object.entries(CASES))("%s: preview fails saying why, and no request is sent", async (_name, c) => {
    await emulatorControl.clearRequests(emu);
    const before = stack.allOutput().length;
    await expect(stack.preview({ program: async () => c.declare(emu) })).rejects.toThrow();
    expect(stack.allOutput().slice(before)).toMatch(c.shows);
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });
});
