/**
 * `check` failures through the real engine.
 *
 * A failure on a secret input reaches the user without the secret. The
 * engine prints a failure that names a property as `property <p> value <v>
 * has a problem`, with `v` the program's input in plaintext (secret or not);
 * so for every secret input of every resource (and a misspelt key holding a
 * secret) a failing preview and a failing up must show the failure, and
 * nowhere in the engine's output (stdout, stderr, the error) the value.
 *
 * Names past what Atlas documents are refused at preview, before any
 * request: an email username over 254 characters (CloudUser, OrgInvitation;
 * a 10 KB one used to pass and make a read-back URL too long), and a
 * database username with NUL or a newline.
 */
import * as pulumi from "@pulumi/pulumi";
import { CloudUser, type CloudUserArgs } from "../../provider/cloudUser";
import { DatabaseUser, type DatabaseUserArgs } from "../../provider/databaseUser";
import { OrgInvitation, type OrgInvitationArgs } from "../../provider/orgInvitation";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";

type Case = {
  /** The secret the output must not contain (distinctive, so a hit is a leak). */
  secret: string;
  /** What the output must contain: the failure reached the user. */
  shows: RegExp;
  /** Declares the failing resource. */
  declare: (emu: EmulatorHandle, secret: pulumi.Output<string>) => void;
};

const roles = [{ roleName: "readWrite", databaseName: "app" }];

const databaseUser = (name: string, args: Partial<DatabaseUserArgs> & Record<string, unknown>) => (emu: EmulatorHandle) =>
  new DatabaseUser(name, { projectId: emu.projectId, username: "app", roles, ...args } as DatabaseUserArgs);

function cloudUser(emu: EmulatorHandle, args: Partial<CloudUserArgs> & Record<string, unknown>) {
  return new CloudUser("person", {
    username: "katherine@example.com",
    firstName: "Katherine",
    lastName: "Johnson",
    country: "US",
    mobileNumber: "212-555-0100",
    roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
    ...args,
  } as CloudUserArgs);
}

const CASES: Record<string, Case> = {
  "DatabaseUser password too short": {
    secret: "Shrt8pw",
    shows: /password must be at least 8 characters/,
    declare: (emu, secret) => databaseUser("db", { password: secret })(emu),
  },
  "DatabaseUser password on an X.509 user": {
    secret: "x509-has-no-Pw-4kQz",
    shows: /password is only for SCRAM users/,
    declare: (emu, secret) => databaseUser("db", { password: secret, x509Type: "MANAGED" })(emu),
  },
  "DatabaseUser misspelt password key": {
    secret: "misspelt-Pw-8fJq2",
    shows: /unknown property "pasword"/,
    declare: (emu, secret) => databaseUser("db", { password: "long-enough-pw", pasword: secret })(emu),
  },
  "CloudUser password too short": {
    secret: "Cl0ud7!",
    shows: /password must be at least 8 characters/,
    declare: (emu, secret) => cloudUser(emu, { password: secret }),
  },
  "CloudUser password containing the username": {
    secret: "xkatherine@example.com-Qz7",
    shows: /password must not contain the username/,
    declare: (emu, secret) => cloudUser(emu, { password: secret }),
  },
  "CloudUser misspelt password key": {
    secret: "misspelt-cloud-Pw-3Lr",
    shows: /unknown property "passwrd"/,
    declare: (emu, secret) => cloudUser(emu, { password: "a fine passphrase", passwrd: secret }),
  },
  "OrgInvitation: a secret under a key it does not take": {
    secret: "invite-token-Zq81mX",
    shows: /unknown property "inviteToken"/,
    declare: (emu, secret) =>
      new OrgInvitation("invite", {
        orgId: emu.orgId,
        username: "grace@example.com",
        roles: ["ORG_MEMBER"],
        inviteToken: secret,
      } as OrgInvitationArgs),
  },
};

const longEmail = `${"j".repeat(10_000)}@example.com`;

const LIMITS: Record<string, { shows: RegExp; declare: (emu: EmulatorHandle) => void }> = {
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

describeEngine("check failures through the engine", () => {
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

  test.each(Object.entries(CASES))("a secret input: %s: preview and up fail naming the problem, without the value", async (_name, c) => {
    const program = async () => {
      c.declare(emu, pulumi.secret(c.secret));
    };
    const before = stack.allOutput().length;
    await expect(stack.preview({ program })).rejects.toThrow();
    await expect(stack.up({ program })).rejects.toThrow();
    const output = stack.allOutput().slice(before);
    expect(output).toMatch(c.shows);
    assertNoSecrets(output, [c.secret]);
  });

  test.each(Object.entries(LIMITS))("a name past the limits: %s: preview fails saying why, and no request is sent", async (_name, c) => {
    await emulatorControl.clearRequests(emu);
    const before = stack.allOutput().length;
    await expect(stack.preview({ program: async () => c.declare(emu) })).rejects.toThrow();
    expect(stack.allOutput().slice(before)).toMatch(c.shows);
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });
});
