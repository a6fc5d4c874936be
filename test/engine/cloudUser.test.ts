/**
 * CloudUser through the real Pulumi engine, against the emulator, on every
 * platform: up (roles pending) → a second preview with no changes → the user
 * accepts → refresh (roles active) → still no changes → a role change in
 * place → a platform-forbidden change failing at preview with its message →
 * destroy doing what the platform allows. Both the engine's view and the
 * emulator's (state, request log) are checked.
 *
 * To keep engine time down, one stack holds three accounts on three
 * platforms (atlas and atlas-v1 via the per-resource `platform` input, the
 * stack set to ops-manager) plus one with `retainOnDelete`; Cloud Manager, which the emulator serves on the
 * same `/api/public/v1.0` paths as Ops Manager, gets a second stack.
 */
import { CloudUser } from "../../provider";
import type { Platform as CloudUserPlatform } from "../../provider/platform";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { configureForEmulator } from "../support/provider";
import { provider } from "../../provider/cloudUser/provider";
import { toApiRole } from "../../provider/cloudUser/model";
import { resetContextsForTests as resetRuntimeForTests } from "../../provider/context";
import { emulatorClient } from "../support/provider";
import { updateOpsManagerUser } from "../../provider/client/operations/cloudUsers";

jest.setTimeout(300_000);

const PASSWORD = "Engine-test passphrase 7f3a";
const TYPE = "pulumi-nodejs:dynamic/atlas-users:CloudUser";

type Role = { orgId?: string; projectId?: string; roleName: string };

interface Account {
  name: string;
  platform: CloudUserPlatform;
  username: string;
  /** Roles at creation, and after the in-place change. */
  roles: (emu: EmulatorHandle) => Role[];
  changedRoles: (emu: EmulatorHandle) => Role[];
  /** A change the platform refuses, and the message preview must show. */
  forbidden: Record<string, string>;
  forbiddenMessage: RegExp;
}

const orgAndProject = (orgRole: string, projectRole: string) => (emu: EmulatorHandle): Role[] => [
  { orgId: emu.orgId, roleName: orgRole },
  { projectId: emu.projectId, roleName: projectRole },
];

function declare(account: Account, emu: EmulatorHandle, roles: Role[], extra: Record<string, string> = {}): CloudUser {
  return new CloudUser(account.name, {
    username: account.username,
    password: PASSWORD,
    firstName: "Jane",
    lastName: "Doe",
    country: "US",
    ...(account.platform === "atlas" ? { mobileNumber: "212-555-0100" } : {}),
    roles,
    platform: account.platform,
    ...extra,
  });
}

async function stateOf(stack: EngineStack, name: string): Promise<Record<string, any>> {
  const resources = await stack.resources(TYPE);
  const found = resources.find((r) => String(r.urn).endsWith(`::${name}`));
  if (!found) throw new Error(`no ${name} in state`);
  return found.outputs;
}

interface CloudState {
  cloudUsers: { id: string; username: string }[];
  orgMemberships: { userId: string; status: string; invitationId?: string }[];
}

describeEngine("CloudUser through the engine: atlas, atlas-v1 and ops-manager in one stack", () => {
  const accounts: Account[] = [
    {
      name: "on-atlas",
      platform: "atlas",
      username: "engine.atlas@example.com",
      roles: orgAndProject("ORG_MEMBER", "GROUP_READ_ONLY"),
      changedRoles: orgAndProject("ORG_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"),
      forbidden: { lastName: "Smith" },
      forbiddenMessage: /cannot change lastName of cloud user engine\.atlas@example\.com on atlas: .*edit their profile.*ignoreChanges/,
    },
    {
      name: "on-atlas-v1",
      platform: "atlas-v1",
      username: "engine.atlas-v1@example.com",
      roles: orgAndProject("ORG_MEMBER", "GROUP_READ_ONLY"),
      changedRoles: orgAndProject("ORG_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"),
      forbidden: { country: "DE" },
      forbiddenMessage: /cannot change country of cloud user engine\.atlas-v1@example\.com on atlas-v1: .*ignoreChanges/,
    },
    {
      name: "on-ops-manager",
      platform: "ops-manager",
      username: "engine.ops-manager@example.com",
      roles: orgAndProject("ORG_MEMBER", "GROUP_READ_ONLY"),
      changedRoles: (emu) => [...orgAndProject("ORG_READ_ONLY", "GROUP_OWNER")(emu), { roleName: "GLOBAL_READ_ONLY" }],
      forbidden: { password: "A different passphrase 99" },
      forbiddenMessage: /cannot change the password of cloud user engine\.ops-manager@example\.com on ops-manager: .*ignoreChanges/,
    },
  ];
  let emu: EmulatorHandle;
  let stack: EngineStack;
  const ids: Record<string, string> = {};

  const program = (which: "roles" | "changedRoles", forbiddenFor?: string) => async () => {
    const out: Record<string, unknown> = {};
    for (const a of accounts) {
      const user = declare(a, emu, a[which](emu), a.name === forbiddenFor ? a.forbidden : {});
      out[a.name] = { id: user.id, activeRoles: user.activeRoles, pendingRoles: user.pendingRoles, platform: user.platform };
    }
    // An Ops Manager account the stack must never delete: retainOnDelete.
    const kept = new CloudUser(
      "kept",
      { username: "engine.kept@example.com", password: PASSWORD, firstName: "Kim", lastName: "Kept", roles: [{ roleName: "GLOBAL_READ_ONLY" }] },
      { retainOnDelete: true },
    );
    out.kept = kept.id;
    return out;
  };

  beforeAll(async () => {
    emu = await startTestEmulator();
    await emulatorControl.settings(emu, { publicApiFlavor: "ops-manager", bypassInviteForExistingUsers: false });
    stack = await createEngineStack({ emulator: emu, platform: "ops-manager", program: program("roles") });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("up creates the accounts, each on its own platform, with every role pending; the password is a secret", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 4 });
    for (const a of accounts) {
      const out = up.outputs[a.name] as { id: string; activeRoles: Role[]; pendingRoles: Role[]; platform: string };
      expect(out.platform).toBe(a.platform);
      expect(out.activeRoles).toEqual([]);
      expect(out.pendingRoles).toEqual(a.roles(emu));
      ids[a.name] = out.id;
    }
    const state = (await emulatorControl.state(emu)) as unknown as CloudState;
    for (const a of accounts) {
      expect(state.cloudUsers.filter((u) => u.username === a.username).map((u) => u.id)).toEqual([ids[a.name]]);
    }
    const requests = await emulatorControl.requests(emu);
    const creates = requests.filter((r) => r.method === "POST" && /\/users$/.test(r.path) && r.auth !== "digest-challenge");
    // One POST per account, each to its platform's API (two on Ops Manager: on-ops-manager and kept).
    expect(creates.map((r) => r.path).sort()).toEqual([
      "/api/atlas/v1.0/users",
      "/api/atlas/v2/users",
      "/api/public/v1.0/users",
      "/api/public/v1.0/users",
    ]);
    expect((await stateOf(stack, "on-atlas")).password).toMatchObject({ ciphertext: expect.any(String) });
    assertNoSecrets(stack.stateFileText(), [PASSWORD]);
  });

  test("a second preview shows no changes while the roles are pending, and sends no request", async () => {
    await emulatorControl.clearRequests(emu);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 4 });
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });

  test("after the users accept, refresh moves the roles to active, and preview still shows no changes", async () => {
    for (const a of accounts) await emulatorControl.acceptInvitation(emu, emu.orgId, ids[a.name]!);
    await stack.refresh();
    for (const a of accounts) {
      const outs = await stateOf(stack, a.name);
      expect(outs.activeRoles).toEqual(a.roles(emu));
      expect(outs.pendingRoles).toEqual([]);
    }
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 4 });
  });

  test("role changes are updates in place, active at once for members", async () => {
    stack.setProgram(program("changedRoles"));
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 3, replace: 0, create: 0, delete: 0 });
    for (const a of accounts) {
      const out = up.outputs[a.name] as { activeRoles: Role[]; pendingRoles: Role[] };
      expect(out.activeRoles).toEqual(expect.arrayContaining(a.changedRoles(emu)));
      expect(out.activeRoles).toHaveLength(a.changedRoles(emu).length);
      expect(out.pendingRoles).toEqual([]);
    }
  });

  test("ops-manager: a role given outside the program (the UI) survives an up that changes the declared roles", async () => {
    // Someone grants a role in the Ops Manager UI: PATCH /users/{id} with the account's roles plus one.
    await configureForEmulator(provider, emu, { platform: "ops-manager" });
    const id = ids["on-ops-manager"]!;
    const ui = { roleName: "GLOBAL_MONITORING_ADMIN" };
    await updateOpsManagerUser(emulatorClient(emu, "ops-manager"), id, { roles: [...accounts[2]!.changedRoles(emu).map(toApiRole), ui] });
    await resetRuntimeForTests();

    stack.setProgram(program("roles"));
    const up = await stack.up();
    const out = up.outputs["on-ops-manager"] as { activeRoles: Role[] };
    expect(out.activeRoles).toEqual(expect.arrayContaining([...accounts[2]!.roles(emu), ui]));
    expect(out.activeRoles).toHaveLength(accounts[2]!.roles(emu).length + 1);
  });

  test.each(["on-atlas", "on-atlas-v1", "on-ops-manager"])(
    "%s: a change the platform cannot make fails at preview with the field, the platform and what to do",
    async (name) => {
      const account = accounts.find((a) => a.name === name)!;
      await emulatorControl.clearRequests(emu);
      stack.setProgram(program("changedRoles", name));
      await expect(stack.preview()).rejects.toThrow(account.forbiddenMessage);
      expect((await emulatorControl.requests(emu)).filter((r) => r.method !== "GET")).toEqual([]);
      stack.setProgram(program("changedRoles"));
    },
  );

  test("destroy: Atlas accounts leave the org and project but remain; the Ops Manager account is deleted", async () => {
    await emulatorControl.clearRequests(emu);
    const result = await stack.destroy();
    expect(result.summary.delete).toBeGreaterThanOrEqual(3);
    const state = (await emulatorControl.state(emu)) as unknown as CloudState;
    const remaining = state.cloudUsers.map((u) => u.id);
    for (const a of accounts) expect(state.orgMemberships.filter((m) => m.userId === ids[a.name])).toEqual([]);
    expect(remaining).toContain(ids["on-atlas"]);
    expect(remaining).toContain(ids["on-atlas-v1"]);
    expect(remaining).not.toContain(ids["on-ops-manager"]);
  });

  test("retainOnDelete: destroy left that account untouched", async () => {
    const state = (await emulatorControl.state(emu)) as unknown as CloudState;
    expect(state.cloudUsers.map((u) => u.username)).toContain("engine.kept@example.com");
    // The only account DELETE was the Ops Manager one without retainOnDelete (a
    // digest challenge, when the host's first request is a DELETE, is not a delete).
    const deletes = (await emulatorControl.requests(emu)).filter(
      (r) => r.method === "DELETE" && r.path.startsWith("/api/public/v1.0/users/") && r.auth !== "digest-challenge",
    );
    expect(deletes.map((r) => r.path)).toEqual([`/api/public/v1.0/users/${ids["on-ops-manager"]}`]);
  });
});

describeEngine("CloudUser through the engine: cloud-manager", () => {
  const account: Account = {
    name: "on-cloud-manager",
    platform: "cloud-manager",
    username: "engine.cloud-manager@example.com",
    roles: orgAndProject("ORG_MEMBER", "GROUP_READ_ONLY"),
    changedRoles: orgAndProject("ORG_READ_ONLY", "GROUP_READ_ONLY"),
    forbidden: { firstName: "Janet" },
    forbiddenMessage: /cannot change firstName of cloud user engine\.cloud-manager@example\.com on cloud-manager: .*ignoreChanges/,
  };
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let userId = "";

  const program = (roles: "roles" | "changedRoles", extra: Record<string, string> = {}, lookUp?: string) => async () => {
    const user = declare({ ...account }, emu, account[roles](emu), extra);
    // CloudUser.get: read-only, by id.
    const seen = lookUp ? CloudUser.get("seen", lookUp) : undefined;
    return { id: user.id, activeRoles: user.activeRoles, pendingRoles: user.pendingRoles, seen: seen?.username };
  };

  beforeAll(async () => {
    emu = await startTestEmulator();
    await emulatorControl.settings(emu, { publicApiFlavor: "cloud-manager" });
    stack = await createEngineStack({ emulator: emu, platform: "cloud-manager", program: program("roles") });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("up creates the account with its roles pending; a second preview shows no changes", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 1 });
    userId = up.outputs.id as string;
    expect(up.outputs.activeRoles).toEqual([]);
    expect(up.outputs.pendingRoles).toEqual(account.roles(emu));
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 1 });
  });

  test("an org-role change is an update in place through the pending invitation; CloudUser.get reads the account", async () => {
    stack.setProgram(program("changedRoles", {}, userId));
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, replace: 0 });
    expect(up.outputs.pendingRoles).toEqual(account.changedRoles(emu));
    expect(up.outputs.seen).toBe(account.username);
    stack.setProgram(program("changedRoles"));
    const requests = await emulatorControl.requests(emu);
    // The invitation has its own id, not the account's: the provider found it by username.
    const state = (await emulatorControl.state(emu)) as unknown as CloudState;
    const invitationId = state.orgMemberships.find((m) => m.userId === userId)!.invitationId!;
    expect(invitationId).not.toBe(userId);
    expect(requests.some((r) => r.method === "PATCH" && r.path === `/api/public/v1.0/orgs/${emu.orgId}/invites/${invitationId}`)).toBe(true);
  });

  test("after the user accepts, refresh shows the new roles active, and preview shows no changes", async () => {
    await emulatorControl.acceptInvitation(emu, emu.orgId, userId);
    await stack.refresh();
    const outs = await stateOf(stack, account.name);
    expect(outs.activeRoles).toEqual(account.changedRoles(emu));
    expect(outs.pendingRoles).toEqual([]);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ update: 0, replace: 0, same: 1 });
  });

  test("a profile change fails at preview with the field, the platform and what to do", async () => {
    stack.setProgram(program("changedRoles", account.forbidden));
    await expect(stack.preview()).rejects.toThrow(account.forbiddenMessage);
    stack.setProgram(program("changedRoles"));
  });

  test("destroy removes the user from the org; the account remains", async () => {
    const result = await stack.destroy();
    expect(result.summary).toMatchObject({ delete: 1 });
    const state = (await emulatorControl.state(emu)) as unknown as CloudState;
    expect(state.orgMemberships.filter((m) => m.userId === userId)).toEqual([]);
    expect(state.cloudUsers.map((u) => u.id)).toContain(userId);
  });
});

describeEngine("CloudUser through the engine: an adopted account on atlas", () => {
  const username = "engine.adopted@example.com";
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let existingId = "";

  const program = () => async () => {
    const user = new CloudUser("adopted", {
      username,
      password: PASSWORD,
      firstName: "Ada",
      lastName: "Owner",
      country: "US",
      mobileNumber: "212-555-0100",
      roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }],
      adopt: true,
    });
    return { id: user.id, preexistingRoles: user.preexistingRoles };
  };

  interface Membership {
    userId: string;
    status: string;
    orgRoles: string[];
    groupRoleAssignments: { groupId: string; groupRoles: string[] }[];
  }
  const membershipsOf = async (id: string) =>
    ((await emulatorControl.state(emu)) as unknown as { orgMemberships: Membership[] }).orgMemberships.filter((m) => m.userId === id);

  beforeAll(async () => {
    emu = await startTestEmulator();
    // Someone else's account, already org owner and project owner.
    const seeded = (await emulatorControl.seed(emu, {
      cloudUsers: [
        {
          username,
          roles: [
            { orgId: emu.orgId, roleName: "ORG_OWNER" },
            { groupId: emu.projectId, roleName: "GROUP_OWNER" },
          ],
        },
      ],
    })) as { cloudUsers: { id: string }[] };
    existingId = seeded.cloudUsers[0]!.id;
    stack = await createEngineStack({ emulator: emu, platform: "atlas", program: program() });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("up adopts the account, adds the declared role and records what it held before", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 1 });
    expect(up.outputs.id).toBe(existingId);
    expect(up.outputs.preexistingRoles).toEqual([
      { orgId: emu.orgId, roleName: "ORG_OWNER" },
      { projectId: emu.projectId, roleName: "GROUP_OWNER" },
    ]);
    expect((await membershipsOf(existingId))[0]!.orgRoles.sort()).toEqual(["ORG_MEMBER", "ORG_OWNER"]);
  });

  test("destroy takes away only the role it added: the org and project roles held before stay", async () => {
    const result = await stack.destroy();
    expect(result.summary).toMatchObject({ delete: 1 });
    expect(await membershipsOf(existingId)).toMatchObject([
      { status: "ACTIVE", orgRoles: ["ORG_OWNER"], groupRoleAssignments: [{ groupId: emu.projectId, groupRoles: ["GROUP_OWNER"] }] },
    ]);
  });
});
