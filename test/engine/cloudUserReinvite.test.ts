/**
 * CloudUser through the real engine: an invitation that expires unaccepted is
 * sent again by the next `up`, on atlas, atlas-v1 and cloud-manager (the
 * `reinvite` policy's default, as on OrgInvitation); outputs never report an
 * expired role as pending; a second `up` plans nothing.
 *
 * The accounts are created 31 days ago by the emulator's clock, which is then
 * brought back to now: their invitations have expired for both sides.
 */
import { CloudUser } from "../../provider";
import type { Platform } from "../../provider/platform";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { createEngineStack, describeEngine, type EngineStack } from "../support/engine";

jest.setTimeout(300_000);

const DAY_MS = 24 * 60 * 60 * 1000;
const PASSWORD = "Reinvite passphrase 4c1e";

type Role = { orgId?: string; projectId?: string; roleName: string };

interface Membership {
  userId: string;
  username: string;
  status: string;
  invitationExpiresAt?: string;
}

const ACCOUNTS: { name: string; platform: Platform; username: string; roles: (emu: EmulatorHandle) => Role[] }[] = [
  {
    name: "on-atlas",
    platform: "atlas",
    username: "reinvite.atlas@example.com",
    roles: (emu) => [
      { orgId: emu.orgId, roleName: "ORG_MEMBER" },
      { projectId: emu.projectId, roleName: "GROUP_READ_ONLY" },
    ],
  },
  {
    name: "on-atlas-v1",
    platform: "atlas-v1",
    username: "reinvite.atlas-v1@example.com",
    roles: (emu) => [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
  },
  {
    name: "on-cloud-manager",
    platform: "cloud-manager",
    username: "reinvite.cloud-manager@example.com",
    roles: (emu) => [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
  },
];

describeEngine("CloudUser: expired invitations are sent again by the next up", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;

  const program = () => async () => {
    const out: Record<string, unknown> = {};
    for (const a of ACCOUNTS) {
      const user = new CloudUser(a.name, {
        username: a.username,
        password: PASSWORD,
        firstName: "Ria",
        lastName: "Invite",
        country: "US",
        ...(a.platform === "atlas" ? { mobileNumber: "212-555-0100" } : {}),
        roles: a.roles(emu),
        platform: a.platform,
      });
      out[a.name] = { roles: user.roles, pendingRoles: user.pendingRoles, invitationsExpireAt: user.invitationsExpireAt };
    }
    return out;
  };

  async function memberships(): Promise<Membership[]> {
    const state = (await emulatorControl.state(emu)) as unknown as { orgMemberships: Membership[] };
    return state.orgMemberships.filter((m) => ACCOUNTS.some((a) => a.username === m.username));
  }

  beforeAll(async () => {
    emu = await startTestEmulator();
    await emulatorControl.settings(emu, { publicApiFlavor: "cloud-manager", bypassInviteForExistingUsers: false });
    stack = await createEngineStack({ emulator: emu, platform: "cloud-manager", program: program() });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("created 31 days ago: every role pending, with an expiry that has now passed", async () => {
    await emulatorControl.setClock(emu, new Date(Date.now() - 31 * DAY_MS).toISOString());
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 3 });
    await emulatorControl.setClock(emu, new Date().toISOString());
    for (const a of ACCOUNTS) {
      const out = up.outputs[a.name] as { pendingRoles: Role[]; invitationsExpireAt?: string };
      expect([a.name, out.pendingRoles]).toEqual([a.name, a.roles(emu)]);
      expect([a.name, Date.parse(out.invitationsExpireAt ?? "") < Date.now()]).toEqual([a.name, true]);
    }
    // The emulator's view: nothing pending any more.
    expect((await memberships()).filter((m) => m.status === "PENDING")).toEqual([]);
  });

  test("up without a refresh re-sends each expired invitation; outputs say pending again, with a new expiry", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 3, create: 0, replace: 0, delete: 0 });
    for (const a of ACCOUNTS) {
      const out = up.outputs[a.name] as { roles: Role[]; pendingRoles: Role[]; invitationsExpireAt?: string };
      expect([a.name, out.roles]).toEqual([a.name, a.roles(emu)]);
      expect([a.name, out.pendingRoles]).toEqual([a.name, a.roles(emu)]);
      expect([a.name, Date.parse(out.invitationsExpireAt ?? "") > Date.now() + 29 * DAY_MS]).toEqual([a.name, true]);
    }
    const live = await memberships();
    for (const a of ACCOUNTS) {
      const mine = live.filter((m) => m.username === a.username);
      expect([a.name, mine.map((m) => m.status)]).toEqual([a.name, ["PENDING"]]);
    }
  });

  test("a second up plans nothing, and a refresh then preview shows no change", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 3 });
    await stack.refresh();
    const again = await stack.preview();
    expect(again.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 3 });
  });

  test("atlas, atlas-v1: expired again, then refresh: the expired roles are not reported pending, and up re-sends them", async () => {
    // Age the new invitations past their expiry by moving the emulator's clock (Atlas reports the status; Cloud
    // Manager's expiry is judged by the provider's own clock, which stays), then look.
    const atlasAccounts = ACCOUNTS.filter((a) => a.platform !== "cloud-manager");
    await emulatorControl.setClock(emu, new Date(Date.now() + 31 * DAY_MS).toISOString());
    await stack.refresh();
    const after = await stack.exportState();
    const outputs = (after.deployment.resources as { urn: string; outputs: Record<string, unknown> }[]).filter((r) =>
      atlasAccounts.some((a) => r.urn.endsWith(`::${a.name}`)),
    );
    expect(outputs).toHaveLength(2);
    for (const r of outputs) expect([r.urn, r.outputs.pendingRoles]).toEqual([r.urn, []]);
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 2 });
    const live = await memberships();
    for (const a of atlasAccounts) expect([a.name, live.filter((m) => m.username === a.username).map((m) => m.status)]).toEqual([a.name, ["PENDING"]]);
  });
});
