/**
 * A `pulumi up` killed (SIGKILL of the CLI and its provider host) while
 * CloudUser accounts are being created, on every platform, then the
 * documented recovery (`cancel`, `refresh --clear-pending-creates`,
 * `adopt: true` where the error says so, `up`), then `destroy`: nothing the
 * stack gave is left, although the killed run's creates came back as
 * "already exists" and had to be adopted. Counted as orphans: org memberships
 * (pending invitations included) left after destroy, and on Ops Manager
 * (where accounts can be deleted) the accounts themselves. Atlas and Cloud
 * Manager cannot delete an account: there it stays, with no membership.
 */
import { startEmulator } from "../../emulator";
import { CloudUser } from "../../provider/cloudUser";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { emulatorView, expectStateMatchesEmulator, requestsTo } from "../support/invariants";
import { killRunIn, removeTornCheckpointMetadata, waitFor } from "../support/processes";
import { PLATFORM, type Platform } from "../../provider/platform";
import path from "node:path";

const ACCOUNTS = 8;
/** How long the emulator holds each account POST: long enough to kill the run while creates are in flight. */
const HOLD_MS = 3000;
const USERS_POST: Record<Platform, RegExp> = {
  atlas: /^\/api\/atlas\/v2\/users$/,
  "atlas-v1": /^\/api\/atlas\/v1\.0\/users$/,
  "cloud-manager": /^\/api\/public\/v1\.0\/users$/,
  "ops-manager": /^\/api\/public\/v1\.0\/users$/,
};
const passwordOf = (username: string) => `pw-${username.length}-${username.slice(7, 9)}-Xk7q2v9z`;

describeEngine.each(["ops-manager", "atlas", "atlas-v1", "cloud-manager"] as const)("%s: destroy after recovering from a killed up", (platform) => {
  const usernames = Array.from({ length: ACCOUNTS }, (_, i) => `killed-${i}.${platform}@example.com`);
  let emu: EmulatorHandle;
  let stack: EngineStack;
  const adopting = new Set<string>();
  let output = "";

  const program = async () => {
    for (const username of usernames) {
      new CloudUser(username.split("@")[0]!, {
        username,
        password: passwordOf(username),
        firstName: "Killed",
        lastName: "Run",
        country: "US",
        ...(PLATFORM[platform].mobileNumberPattern ? { mobileNumber: "212-555-0100" } : {}),
        roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
        ...(adopting.has(username) ? { adopt: true } : {}),
      });
    }
  };

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, quiet: true });
    await emulatorControl.settings(emu, { publicApiFlavor: platform === "cloud-manager" ? "cloud-manager" : "ops-manager", bypassInviteForExistingUsers: false });
    stack = await createEngineStack({ emulator: emu, platform, program });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  const ours = (username: string) => usernames.includes(username.toLowerCase());

  test(`${ACCOUNTS} accounts, the run killed while they are created: after the recovery, destroy leaves no account and no invitation`, async () => {
    await emulatorControl.setFaults(emu, [{ method: "POST", path: USERS_POST[platform].source, delayMs: HOLD_MS }]);
    const running = stack.up().then(
      () => "",
      (err: Error) => err.message,
    );
    const posts = async () => requestsTo(await emulatorControl.requests(emu), "POST", USERS_POST[platform]).length;
    await waitFor("half the creates to arrive", async () => (await posts()) >= ACCOUNTS / 2);
    killRunIn(path.join(stack.dir, "work"));
    output += await running;
    // A kill mid-checkpoint may leave the backend's metadata file empty: the documented repair.
    removeTornCheckpointMetadata(path.join(stack.dir, "backend"));
    // A request the kernel had delivered before the kill can still be read after it (and is then held too):
    // the count is final once it has not grown for longer than the hold.
    let sent = await posts();
    for (let settled = false; !settled; ) {
      await new Promise((r) => setTimeout(r, HOLD_MS + 500));
      const now = await posts();
      settled = now === sent;
      sent = now;
    }
    // The server had those requests: their accounts appear, and Pulumi never heard of them.
    await waitFor("the held creates to land", async () => (await emulatorView(emu)).cloudUsers.filter((u) => ours(u.username)).length >= sent);
    await emulatorControl.clearFaults(emu);
    const landed = (await emulatorView(emu)).cloudUsers.filter((u) => ours(u.username)).length;
    expect(landed).toBeGreaterThan(0);

    // The documented recovery.
    await stack.stack.cancel();
    const refresh = await stack.stack.refresh({ clearPendingCreates: true, onOutput: (t) => (output += t) });
    expect(refresh.summary.result).toBe("succeeded");
    for (let attempt = 0; attempt <= ACCOUNTS; attempt++) {
      const message = await stack.up().then(
        () => "",
        (err: Error) => err.message,
      );
      output += message;
      if (message === "") break;
      const named = usernames.filter((u) => message.includes(`an account with username ${u} already exists`) && !adopting.has(u));
      expect(named.length).toBeGreaterThan(0); // else: an error the recovery does not cover
      named.forEach((u) => adopting.add(u));
    }
    expect(adopting.size).toBe(landed);
    await expectStateMatchesEmulator(stack, emu);

    await stack.destroy();
    const after = await emulatorView(emu);
    // Only where accounts can be deleted is an account left behind an orphan.
    const orphanAccounts = PLATFORM[platform].canDeleteAccounts ? after.cloudUsers.filter((u) => ours(u.username)).map((u) => u.username) : [];
    const orphanMemberships = after.orgMemberships.filter((m) => ours(m.username)).map((m) => `${m.username} ${m.status}`);
    // eslint-disable-next-line no-console
    console.log(`${platform}: killed run: ${landed} accounts landed unrecorded, ${adopting.size} adopted; after destroy: ${orphanAccounts.length} accounts, ${orphanMemberships.length} memberships left`);
    expect({ orphanAccounts, orphanMemberships }).toEqual({ orphanAccounts: [], orphanMemberships: [] });
    assertNoSecrets(stack.allOutput() + output, [emu.privateKey, ...usernames.map(passwordOf)]);
  });
});
