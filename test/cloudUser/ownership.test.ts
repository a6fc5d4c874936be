/**
 * CloudUser against the emulator: delete takes away only what the resource
 * gave (an adopted account keeps its earlier memberships and roles), refresh
 * tells a pending invitation from a revoked role, adopting on Cloud Manager
 * with project roles it cannot grant fails before any change, and an update
 * that changes only `adopt` or `platform` sends no request.
 */
import { provider } from "../../provider/cloudUser/provider";
import type { CloudUserOutputs } from "../../provider/cloudUser/model";
import type { CloudUserInputs } from "../../provider/cloudUser/schema";
import { emulatorClient } from "../support/provider";
import { accountRolesFor } from "../../provider/memberships";
import type { Platform as CloudUserPlatform } from "../../provider/platform";
import { removeProjectUser } from "../../provider/client/operations/projectUsers";
import { removeOrgMemberV1 } from "../../provider/client/operations/orgUsers";
import { updateOpsManagerUser } from "../../provider/client/operations/cloudUsers";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { profile, useCloudUserEmulator, usePlatform as usePlatformIn } from "./support";

const env = useCloudUserEmulator();
let emu: EmulatorHandle;
let counter = 0;

beforeAll(() => {
  emu = env.emu;
});

const usePlatform = (platform: CloudUserPlatform) => usePlatformIn(emu, platform);

type Role = { orgId?: string; projectId?: string; roleName: string };

async function checked(platform: CloudUserPlatform, roles: Role[], extra: Record<string, unknown> = {}, username?: string): Promise<CloudUserInputs> {
  const result = await provider.check(
    {},
    { ...profile(platform, username ?? `owned${++counter}.${platform}@example.com`), roles, ...extra },
  );
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as CloudUserInputs;
}

async function memberships(id: string): Promise<{ orgId: string; status: string; orgRoles: string[]; groupRoleAssignments: { groupId: string; groupRoles: string[] }[] }[]> {
  const state = (await emulatorControl.state(emu)) as { orgMemberships: { userId: string; orgId: string; status: string; orgRoles: string[]; groupRoleAssignments: { groupId: string; groupRoles: string[] }[] }[] };
  return state.orgMemberships.filter((m) => m.userId === id);
}

/** The Ops Manager account as the emulator holds it (roles spelt as the API does). */
async function account(id: string): Promise<{ id: string; roles: { orgId?: string; groupId?: string; roleName: string }[] } | undefined> {
  const state = (await emulatorControl.state(emu)) as { cloudUsers: { id: string; roles: { orgId?: string; groupId?: string; roleName: string }[] }[] };
  return state.cloudUsers.find((u) => u.id === id);
}

/** An account someone else made: org owner and project owner, accepted. */
async function existingOwner(platform: CloudUserPlatform): Promise<{ username: string; id: string }> {
  const inputs = await checked(platform, [
    { orgId: emu.orgId, roleName: "ORG_OWNER" },
    { projectId: emu.projectId, roleName: "GROUP_OWNER" },
  ]);
  const { id } = await provider.create(inputs);
  await emulatorControl.acceptInvitation(emu, emu.orgId, id);
  return { username: inputs.username, id };
}

describe.each<CloudUserPlatform>(["atlas", "atlas-v1"])("CloudUser on %s: delete of an adopted account", (platform) => {
  beforeEach(async () => usePlatform(platform));

  test("takes away only the role it added: the earlier membership and roles stay", async () => {
    const { username, id } = await existingOwner(platform);
    const inputs = await checked(platform, [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }], { adopt: true }, username);
    const adopted = await provider.create(inputs);
    expect(adopted.id).toBe(id);
    const outs = adopted.outs as CloudUserOutputs;
    expect(outs.preexistingRoles).toEqual([
      { orgId: emu.orgId, roleName: "ORG_OWNER" },
      { projectId: emu.projectId, roleName: "GROUP_OWNER" },
    ]);
    expect((await memberships(id))[0]!.orgRoles).toContain("ORG_MEMBER");

    await provider.delete(id, (await provider.read(id, outs)).props as CloudUserOutputs);
    const [after] = await memberships(id);
    expect(after).toMatchObject({ status: "ACTIVE", orgRoles: ["ORG_OWNER"], groupRoleAssignments: [{ groupId: emu.projectId, groupRoles: ["GROUP_OWNER"] }] });
  });

  test("a membership the adoption created is removed whole; one that existed keeps its roles", async () => {
    const seeded = (await emulatorControl.seed(emu, { orgs: [{ name: `Second ${++counter}` }] })) as { orgs: { id: string }[] };
    const otherOrg = seeded.orgs[0]!.id;
    const { username, id } = await existingOwner(platform);
    const inputs = await checked(platform, [{ orgId: emu.orgId, roleName: "ORG_OWNER" }, { orgId: otherOrg, roleName: "ORG_READ_ONLY" }], { adopt: true }, username);
    const { outs } = await provider.create(inputs);
    expect((await memberships(id)).map((m) => m.orgId).sort()).toEqual([emu.orgId, otherOrg].sort());
    await provider.delete(id, outs as CloudUserOutputs);
    const after = await memberships(id);
    expect(after.map((m) => m.orgId)).toEqual([emu.orgId]);
    expect(after[0]!.orgRoles).toEqual(["ORG_OWNER"]);
  });

  test("an earlier org role the program later took away: delete takes the rest, keeping the org membership the earlier project role needs", async () => {
    const { username, id } = await existingOwner(platform);
    const inputs = await checked(platform, [{ orgId: emu.orgId, roleName: "ORG_OWNER" }, { orgId: emu.orgId, roleName: "ORG_READ_ONLY" }], { adopt: true }, username);
    const { outs } = await provider.create(inputs);
    const news = await checked(platform, [{ orgId: emu.orgId, roleName: "ORG_READ_ONLY" }], { adopt: true }, username);
    const updated = (await provider.update(id, outs as CloudUserOutputs, news)).outs as CloudUserOutputs;
    expect((await memberships(id))[0]!.orgRoles).toEqual(["ORG_READ_ONLY"]);
    await provider.delete(id, updated);
    // The project role held before adoption keeps the person in the org, as ORG_MEMBER.
    expect(await memberships(id)).toMatchObject([{ orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: emu.projectId, groupRoles: ["GROUP_OWNER"] }] }]);
  });

  test("state written before the record: an adopted resource takes nothing away, a created one removes its memberships", async () => {
    const { username, id } = await existingOwner(platform);
    const inputs = await checked(platform, [{ orgId: emu.orgId, roleName: "ORG_OWNER" }], { adopt: true }, username);
    const { preexistingRoles: _dropped, ...oldState } = (await provider.create(inputs)).outs as CloudUserOutputs;
    await provider.delete(id, oldState);
    expect(await memberships(id)).toHaveLength(1);
    await provider.delete(id, { ...oldState, adopt: undefined });
    expect(await memberships(id)).toEqual([]);
  });
});

describe("CloudUser on ops-manager: delete of an adopted account", () => {
  beforeEach(async () => usePlatform("ops-manager"));

  /** Runs `fn`, returning the provider's notes (stderr lines) written meanwhile. */
  async function notesDuring(fn: () => Promise<unknown>): Promise<string[]> {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await fn();
    } finally {
      spy.mockRestore();
    }
    return lines.filter((l) => l.startsWith("pulumi-atlas-users:"));
  }

  test("the account is kept: destroy removes only the declared roles it did not hold before, and says so", async () => {
    const { username, id } = await existingOwner("ops-manager");
    const inputs = await checked(
      "ops-manager",
      [{ orgId: emu.orgId, roleName: "ORG_OWNER" }, { projectId: emu.projectId, roleName: "GROUP_OWNER" }, { orgId: emu.orgId, roleName: "ORG_READ_ONLY" }],
      { adopt: true },
      username,
    );
    const adopted = await provider.create(inputs);
    expect(adopted.id).toBe(id);
    expect(adopted.outs).toMatchObject({ adoptedExisting: true });
    expect((await account(id))!.roles).toContainEqual({ orgId: emu.orgId, roleName: "ORG_READ_ONLY" });

    const notes = await notesDuring(() => provider.delete(id, adopted.outs as CloudUserOutputs));
    const after = await account(id);
    expect(after).toBeDefined();
    expect(after!.roles).toEqual(
      expect.arrayContaining([
        { orgId: emu.orgId, roleName: "ORG_OWNER" },
        { groupId: emu.projectId, roleName: "GROUP_OWNER" },
      ]),
    );
    expect(after!.roles).toHaveLength(2);
    expect(notes).toEqual([expect.stringMatching(new RegExp(`kept Ops Manager account ${username.replace(/\./g, "\\.")}: it existed before.*ORG_READ_ONLY`))]);
    // Deleting again (the roles already gone) is fine and keeps the account.
    await notesDuring(() => provider.delete(id, adopted.outs as CloudUserOutputs));
    expect(await account(id)).toBeDefined();
  });

  test("an adopted account that held no role is kept too; state from before the record (adopt: true) keeps it and its roles", async () => {
    const bare = await checked("ops-manager", []);
    const { id } = await provider.create(bare);
    const inputs = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }], { adopt: true }, bare.username);
    const adopted = (await provider.create(inputs)).outs as CloudUserOutputs;
    expect(adopted.preexistingRoles).toEqual([]);
    await notesDuring(() => provider.delete(id, adopted));
    expect(await account(id)).toMatchObject({ id, roles: [] });

    const { username, id: ownerId } = await existingOwner("ops-manager");
    const owner = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_OWNER" }, { projectId: emu.projectId, roleName: "GROUP_OWNER" }], { adopt: true }, username);
    const { preexistingRoles: _p, adoptedExisting: _a, ...oldState } = (await provider.create(owner)).outs as CloudUserOutputs;
    await notesDuring(() => provider.delete(ownerId, oldState));
    expect((await account(ownerId))!.roles).toHaveLength(2);
  });

  test("an account the resource created is deleted, adopt: true or not", async () => {
    const inputs = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }], { adopt: true });
    const { id, outs } = await provider.create(inputs);
    expect(outs!.adoptedExisting).toBeUndefined();
    await provider.delete(id, outs as CloudUserOutputs);
    expect(await account(id)).toBeUndefined();
  });

  /** An account this resource created whose creation the stack never recorded (a killed run): what the emulator holds after the POST. */
  async function createdUnrecorded(roles: Role[]): Promise<{ inputs: CloudUserInputs; id: string }> {
    const inputs = await checked("ops-manager", roles);
    const { id } = await provider.create(inputs);
    return { inputs, id };
  }

  test("an account this resource created but never recorded (killed run): adopt: true takes it as its own, says so, and destroy deletes it", async () => {
    const roles = [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { roleName: "GLOBAL_READ_ONLY" }];
    const { inputs, id } = await createdUnrecorded(roles);
    let outs: CloudUserOutputs | undefined;
    const notes = await notesDuring(async () => {
      outs = (await provider.create({ ...inputs, adopt: true })).outs as CloudUserOutputs;
    });
    expect(outs).toMatchObject({ userId: id, preexistingRoles: [], pendingRoles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }] });
    expect(outs!.adoptedExisting).toBeUndefined();
    expect(notes).toEqual([expect.stringMatching(/adopted Ops Manager account .* as this stack's own: .*Destroy will delete it/)]);
    await notesDuring(() => provider.delete(id, outs!));
    expect(await account(id)).toBeUndefined();
    expect(await memberships(id)).toEqual([]);
  });

  test.each<[string, (inputs: CloudUserInputs, id: string) => Promise<unknown>]>([
    ["it was logged into (an invitation accepted)", (_inputs, id) => emulatorControl.acceptInvitation(emu, emu.orgId, id)],
    ["it holds a role the program does not declare", (_inputs, id) =>
      updateOpsManagerUser(emulatorClient(emu, "ops-manager"), id, { roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { roleName: "GLOBAL_READ_ONLY" }] })],
    ["its profile differs from the declared one", (_inputs, id) => updateOpsManagerUser(emulatorClient(emu, "ops-manager"), id, { lastName: "Someone-Else" })],
  ])("not taken as its own, and kept at destroy, when %s", async (_what, change) => {
    const { inputs, id } = await createdUnrecorded([{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    await change(inputs, id);
    let outs: CloudUserOutputs | undefined;
    await notesDuring(async () => {
      outs = (await provider.create({ ...inputs, adopt: true })).outs as CloudUserOutputs;
    });
    expect(outs!.adoptedExisting).toBe(true);
    await notesDuring(() => provider.delete(id, outs!));
    expect(await account(id)).toBeDefined();
  });

  test("destroy's note says what it did: a role already taken away by hand is not claimed removed, an invitation not waiting is not claimed withdrawn", async () => {
    const { username, id } = await existingOwner("ops-manager");
    const inputs = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_OWNER" }, { roleName: "GLOBAL_READ_ONLY" }], { adopt: true }, username);
    const adopted = (await provider.create(inputs)).outs as CloudUserOutputs;
    // The added global role is taken away by hand before destroy.
    await updateOpsManagerUser(emulatorClient(emu, "ops-manager"), id, { roles: [{ orgId: emu.orgId, roleName: "ORG_OWNER" }, { groupId: emu.projectId, roleName: "GROUP_OWNER" }] });
    const notes = await notesDuring(() => provider.delete(id, adopted));
    expect(notes).toEqual([expect.stringMatching(/kept Ops Manager account .*: it existed before .* removed the roles the resource added that the account held \(none\) and withdrew the invitations to no organization/)]);
    expect(await account(id)).toBeDefined();
  });
});

describe.each<CloudUserPlatform>(["atlas", "cloud-manager", "ops-manager"])("memberships on %s: the roles a person's invitations carry", (platform) => {
  beforeEach(async () => usePlatform(platform));

  test("a waiting invitation's org roles; nothing once accepted, nothing in another org", async () => {
    const inputs = await checked(platform, [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    const { id } = await provider.create(inputs);
    const roles = accountRolesFor(platform);
    const client = emulatorClient(emu, platform);
    expect(await roles.invitedRoles(client, inputs.username, [emu.orgId])).toEqual([{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    const seeded = (await emulatorControl.seed(emu, { orgs: [{ name: `Elsewhere ${++counter}` }] })) as { orgs: { id: string }[] };
    expect(await roles.invitedRoles(client, inputs.username, [seeded.orgs[0]!.id])).toEqual([]);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    expect(await roles.invitedRoles(client, inputs.username, [emu.orgId])).toEqual([]);
  });
});

describe("CloudUser on cloud-manager: adoption", () => {
  beforeEach(async () => usePlatform("cloud-manager"));

  test("delete leaves an org the account was already in", async () => {
    const { username, id } = await existingOwner("cloud-manager");
    const inputs = await checked("cloud-manager", [{ orgId: emu.orgId, roleName: "ORG_OWNER" }], { adopt: true }, username);
    const { outs } = await provider.create(inputs);
    await provider.delete(id, outs as CloudUserOutputs);
    expect(await memberships(id)).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_OWNER"] }]);
  });

  test("declared project roles the account lacks fail with what to do, before any change is sent", async () => {
    const existing = await checked("cloud-manager", [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    const { id } = await provider.create(existing);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const inputs = await checked(
      "cloud-manager",
      [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { projectId: emu.projectId, roleName: "GROUP_READ_ONLY" }],
      { adopt: true },
      existing.username,
    );
    await emulatorControl.clearRequests(emu);
    await expect(provider.create(inputs)).rejects.toThrow(/adopting existing cloud user .* on cloud-manager: cannot change the project roles .*GROUP_READ_ONLY in project/);
    const sent = (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge");
    expect(sent.map((r) => r.method).filter((m) => m !== "GET")).toEqual(["POST"]); // only the create that met the 409
  });
});

describe("CloudUser on atlas: a role revoked by hand after acceptance", () => {
  beforeEach(async () => usePlatform("atlas"));

  test("refresh does not call it pending; the diff shows it and the update grants it again", async () => {
    const inputs = await checked("atlas", [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { projectId: emu.projectId, roleName: "GROUP_READ_ONLY" }]);
    const { id, outs } = await provider.create(inputs);
    // While the invitation waits, refresh keeps every role pending (and asks the memberships).
    const waiting = (await provider.read(id, outs)).props as CloudUserOutputs;
    expect(waiting.pendingRoles).toEqual(inputs.roles);
    expect(await provider.diff(id, waiting, inputs)).toMatchObject({ changes: false });

    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = (await provider.read(id, waiting)).props as CloudUserOutputs;
    await removeProjectUser(emulatorClient(emu, "atlas"), emu.projectId, id);

    const refreshed = await provider.read(id, active);
    const after = refreshed.props as CloudUserOutputs;
    expect(after.pendingRoles).toEqual([]);
    expect(after.roles).toEqual([{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    expect(refreshed.inputs?.roles).toEqual([{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    expect(await provider.diff(id, after, inputs)).toMatchObject({ changes: true, replaces: [] });

    const updated = (await provider.update(id, after, inputs)).outs as CloudUserOutputs;
    expect(updated.activeRoles).toEqual(inputs.roles);
    expect(updated.roles).toEqual(inputs.roles);
  });
});

describe.each<CloudUserPlatform>(["atlas", "ops-manager"])("CloudUser on %s: changing only adopt or platform", (platform) => {
  beforeEach(async () => usePlatform(platform));

  test("updates in place with no request", async () => {
    const inputs = await checked(platform, [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    const { id, outs } = await provider.create(inputs);
    const news = { ...inputs, adopt: true, ...(platform === "atlas" ? { platform: "atlas-v1" as const } : {}) };
    expect(await provider.diff(id, outs as CloudUserOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    await emulatorControl.clearRequests(emu);
    const updated = (await provider.update(id, outs as CloudUserOutputs, news)).outs as CloudUserOutputs;
    expect(await emulatorControl.requests(emu)).toEqual([]);
    expect(updated).toEqual({ ...outs, adopt: true, platform: platform === "atlas" ? "atlas-v1" : platform });
  });
});

describe("CloudUser on cloud-manager: removed from the org by hand after acceptance", () => {
  beforeEach(async () => usePlatform("cloud-manager"));

  test("refresh drops the org role instead of calling it pending; the update invites again", async () => {
    const inputs = await checked("cloud-manager", [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    const { id, outs } = await provider.create(inputs);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = (await provider.read(id, outs as CloudUserOutputs)).props as CloudUserOutputs;
    expect(active.activeRoles).toEqual(inputs.roles);
    await removeOrgMemberV1(emulatorClient(emu, "cloud-manager"), emu.orgId, id);

    const after = (await provider.read(id, active)).props as CloudUserOutputs;
    expect(after).toMatchObject({ activeRoles: [], pendingRoles: [], roles: [] });
    expect(await provider.diff(id, after, inputs)).toMatchObject({ changes: true, replaces: [] });
    const updated = (await provider.update(id, after, inputs)).outs as CloudUserOutputs;
    expect(updated.pendingRoles).toEqual(inputs.roles);
    expect(await memberships(id)).toMatchObject([{ status: "PENDING", orgRoles: ["ORG_MEMBER"] }]);
  });
});

describe("CloudUser on ops-manager: only the declared roles are managed (PATCH keeps the others)", () => {
  beforeEach(async () => usePlatform("ops-manager"));

  const orgOwner = () => ({ orgId: emu.orgId, roleName: "ORG_OWNER" });
  const groupOwner = () => ({ groupId: emu.projectId, roleName: "GROUP_OWNER" });
  const sorted = (roles: { orgId?: string; groupId?: string; roleName: string }[]) =>
    [...roles].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  async function patchesDuring(fn: () => Promise<unknown>): Promise<{ path: string }[]> {
    await emulatorControl.clearRequests(emu);
    await fn();
    return (await emulatorControl.requests(emu)).filter((r) => r.method === "PATCH" && r.auth !== "digest-challenge");
  }

  test("adopting with a subset of roles adds the declared one and keeps the roles the account held", async () => {
    const { username, id } = await existingOwner("ops-manager");
    const inputs = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_READ_ONLY" }], { adopt: true }, username);
    const adopted = (await provider.create(inputs)).outs as CloudUserOutputs;
    expect(sorted((await account(id))!.roles)).toEqual(sorted([orgOwner(), groupOwner(), { orgId: emu.orgId, roleName: "ORG_READ_ONLY" }]));
    expect(adopted.preexistingRoles).toHaveLength(2);
  });

  test("adopting an account that already holds every declared role (same profile) sends no PATCH", async () => {
    const { username, id } = await existingOwner("ops-manager");
    const inputs = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_OWNER" }], { adopt: true }, username);
    const patches = await patchesDuring(() => provider.create(inputs));
    expect(patches).toEqual([]);
    expect(sorted((await account(id))!.roles)).toEqual(sorted([orgOwner(), groupOwner()]));
  });

  test("removing a declared role removes only it; roles never declared stay", async () => {
    const { username, id } = await existingOwner("ops-manager");
    const declared = [
      { orgId: emu.orgId, roleName: "ORG_READ_ONLY" },
      { projectId: emu.projectId, roleName: "GROUP_READ_ONLY" },
    ];
    const inputs = await checked("ops-manager", declared, { adopt: true }, username);
    const adopted = (await provider.create(inputs)).outs as CloudUserOutputs;
    const news = await checked("ops-manager", [declared[0]!], { adopt: true }, username);
    const patches = await patchesDuring(() => provider.update(id, adopted, news));
    expect(patches.map((r) => r.path)).toEqual([`/api/public/v1.0/users/${id}`]);
    expect(sorted((await account(id))!.roles)).toEqual(sorted([orgOwner(), groupOwner(), { orgId: emu.orgId, roleName: "ORG_READ_ONLY" }]));
  });

  test("a role given in the UI that was never declared survives an update of the declared roles", async () => {
    const inputs = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }]);
    const { id, outs } = await provider.create(inputs);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = (await provider.read(id, outs as CloudUserOutputs)).props as CloudUserOutputs;
    // Someone else (the UI, another tool) grants a global role.
    await updateOpsManagerUser(emulatorClient(emu, "ops-manager"), id, {
      roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { roleName: "GLOBAL_READ_ONLY" }],
    });
    const news = await checked("ops-manager", [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { projectId: emu.projectId, roleName: "GROUP_READ_ONLY" }], {}, inputs.username);
    const updated = (await provider.update(id, active, news)).outs as CloudUserOutputs;
    expect(sorted((await account(id))!.roles)).toEqual(
      sorted([{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { groupId: emu.projectId, roleName: "GROUP_READ_ONLY" }, { roleName: "GLOBAL_READ_ONLY" }]),
    );
    expect(updated.roles).toEqual(news.roles);
    expect(await provider.diff(id, updated, news)).toMatchObject({ changes: false });
  });

  test("adopt, change the declared roles, destroy: the account is left with exactly its pre-adoption roles", async () => {
    const { username, id } = await existingOwner("ops-manager");
    const inputs = await checked(
      "ops-manager",
      [{ orgId: emu.orgId, roleName: "ORG_READ_ONLY" }, { projectId: emu.projectId, roleName: "GROUP_OWNER" }],
      { adopt: true },
      username,
    );
    const adopted = (await provider.create(inputs)).outs as CloudUserOutputs;
    const news = await checked(
      "ops-manager",
      [{ orgId: emu.orgId, roleName: "ORG_READ_ONLY" }, { projectId: emu.projectId, roleName: "GROUP_OWNER" }, { roleName: "GLOBAL_READ_ONLY" }],
      { adopt: true },
      username,
    );
    const updated = (await provider.update(id, adopted, news)).outs as CloudUserOutputs;
    jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await provider.delete(id, updated);
    } finally {
      jest.restoreAllMocks();
    }
    expect(sorted((await account(id))!.roles)).toEqual(sorted([orgOwner(), groupOwner()]));
  });
});
