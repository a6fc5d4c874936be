/**
 * CloudUser lifecycle against the emulator over real HTTP, on every platform:
 * create with org and project roles (pending), accept (refresh → active) with
 * no diff at any point, a role change in place, a platform-forbidden change
 * failing in diff, delete doing what the platform allows, 409 with and
 * without `adopt`, and a lost create response.
 */
import { provider } from "../../provider/cloudUser/provider";
import type { CloudUserOutputs } from "../../provider/cloudUser/model";
import type { CloudUserInputs } from "../../provider/cloudUser/schema";
import type { Platform as CloudUserPlatform } from "../../provider/platform";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { profile, useCloudUserEmulator, usePlatform as usePlatformIn } from "./support";

const env = useCloudUserEmulator();
let emu: EmulatorHandle;
let counter = 0;

beforeAll(() => {
  emu = env.emu;
});

const usePlatform = (platform: CloudUserPlatform, settings: Record<string, unknown> = {}) => usePlatformIn(emu, platform, settings);

function declared(platform: CloudUserPlatform, extra: Partial<CloudUserInputs> = {}): Record<string, unknown> {
  counter++;
  return {
    ...profile(platform, `user${counter}.${platform}@example.com`),
    roles: [
      { orgId: emu.orgId, roleName: "ORG_MEMBER" },
      { projectId: emu.projectId, roleName: "GROUP_READ_ONLY" },
    ],
    ...extra,
  };
}

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<CloudUserInputs> {
  const result = await provider.check(olds, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as CloudUserInputs;
}

async function created(inputs: CloudUserInputs): Promise<{ id: string; outs: CloudUserOutputs }> {
  const result = await provider.create(inputs);
  return { id: result.id, outs: result.outs as CloudUserOutputs };
}

async function refreshed(id: string, outs: CloudUserOutputs): Promise<CloudUserOutputs> {
  const result = await provider.read(id, outs);
  expect(result.id).toBe(id);
  return result.props as CloudUserOutputs;
}

const role = (r: { orgId?: string; projectId?: string; roleName: string }) => r;

describe.each<CloudUserPlatform>(["atlas", "atlas-v1", "cloud-manager", "ops-manager"])("CloudUser on %s", (platform) => {
  beforeEach(async () => usePlatform(platform));

  test("roles given at creation are pending, become active on refresh after accept, and never cause a diff", async () => {
    const inputs = await checked(declared(platform));
    const { id, outs } = await created(inputs);
    expect(id).toMatch(/^[a-f0-9]{24}$/);
    expect(outs.platform).toBe(platform);
    expect(outs.activeRoles).toEqual([]);
    expect(outs.pendingRoles).toEqual(inputs.roles);
    expect(outs.password).toBe(inputs.password);
    expect(await provider.diff(id, outs, inputs)).toMatchObject({ changes: false, replaces: [] });

    // Refresh before anyone accepted: still pending, still no diff.
    const before = await refreshed(id, outs);
    expect(before.pendingRoles).toEqual(inputs.roles);
    expect(await provider.diff(id, before, inputs)).toMatchObject({ changes: false });

    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const after = await refreshed(id, before);
    expect(after.activeRoles).toEqual(inputs.roles);
    expect(after.pendingRoles).toEqual([]);
    expect(after.password).toBe(inputs.password);
    expect(await provider.diff(id, after, inputs)).toMatchObject({ changes: false });
  });

  test("the password can never be changed in place: diff fails naming the field, the platform and the fix", async () => {
    const inputs = await checked(declared(platform));
    const { id, outs } = await created(inputs);
    const changed = await checked({ ...inputs, password: "An0ther passphrase!" }, inputs);
    await expect(provider.diff(id, outs, changed)).rejects.toThrow(
      new RegExp(`cannot change the password of cloud user ${inputs.username.replace(/\./g, "\\.")} on ${platform}.*ignoreChanges`),
    );
  });

  test("CloudUser.get: read with no prior state fills every output from the API", async () => {
    const inputs = await checked(declared(platform));
    const { id } = await created(inputs);
    const result = await provider.read(id, {});
    expect(result.id).toBe(id);
    expect(result.props).toMatchObject({ userId: id, username: inputs.username, firstName: "Jane", platform, roles: [], pendingRoles: [] });
    expect(result.props).not.toHaveProperty("password");
  });

  test("409: without adopt a clear error; with adopt the existing account is managed", async () => {
    const inputs = await checked(declared(platform));
    const first = await created(inputs);
    const conflict = await provider.create(inputs).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(conflict?.message).toMatch(new RegExp(`creating cloud user ${inputs.username.replace(/\./g, "\\.")} on ${platform}: .*already exists.*Set adopt: true.*Another Pulumi stack, tool or person may manage this account`));
    expect(conflict?.message).not.toContain(inputs.password);
    const adopted = await created({ ...inputs, adopt: true });
    expect(adopted.id).toBe(first.id);
    expect(adopted.outs.adopt).toBe(true);
  });
});

describe.each<CloudUserPlatform>(["atlas", "atlas-v1"])("CloudUser on %s: Atlas specifics", (platform) => {
  beforeEach(async () => usePlatform(platform));

  test("role change in place through the membership endpoints (add before remove), after accept", async () => {
    const inputs = await checked(declared(platform));
    const { id, outs } = await created(inputs);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = await refreshed(id, outs);

    const news = await checked(
      {
        ...inputs,
        roles: [role({ orgId: emu.orgId, roleName: "ORG_READ_ONLY" }), role({ projectId: emu.projectId, roleName: "GROUP_DATA_ACCESS_READ_ONLY" })],
      },
      inputs,
    );
    expect(await provider.diff(id, active, news)).toMatchObject({ changes: true, replaces: [] });
    await emulatorControl.clearRequests(emu);
    const updated = (await provider.update(id, active, news)).outs as CloudUserOutputs;
    expect(updated.roles).toEqual(news.roles);
    expect(updated.activeRoles).toEqual(news.roles);
    expect(updated.pendingRoles).toEqual([]);

    const calls = (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge" && r.method === "POST").map((r) => r.path);
    const addIdx = calls.findIndex((p) => p.endsWith(":addRole"));
    const removeIdx = calls.findIndex((p) => p.endsWith(":removeRole"));
    expect(addIdx).toBeGreaterThanOrEqual(0);
    expect(removeIdx).toBeGreaterThan(addIdx);
    expect(await provider.diff(id, updated, news)).toMatchObject({ changes: false });
  });

  test("a role change whose answers are lost (applied, then the connection reset) still completes once", async () => {
    const inputs = await checked(declared(platform));
    const { id, outs } = await created(inputs);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = await refreshed(id, outs);
    const news = await checked({ ...inputs, roles: [inputs.roles![0]!, role({ projectId: emu.projectId, roleName: "GROUP_OWNER" })] }, inputs);
    await emulatorControl.setFaults(emu, [
      { method: "POST", path: ":addRole$", reset: true, afterCommit: true, times: 1 },
      { method: "POST", path: ":removeRole$", reset: true, afterCommit: true, times: 1 },
    ]);
    const updated = (await provider.update(id, active, news)).outs as CloudUserOutputs;
    await emulatorControl.clearFaults(emu);
    expect(updated.activeRoles).toEqual(news.roles);
  });

  test.each(["firstName", "lastName", "country", "mobileNumber", "emailAddress"] as const)(
    "%s cannot be changed: diff fails with the field, the platform and what to do",
    async (field) => {
      const inputs = await checked(declared(platform, { mobileNumber: "212-555-0100" }));
      const { id, outs } = await created(inputs);
      // On atlas an email other than the username already fails in check (see schema.test.ts).
      if (field === "emailAddress" && platform === "atlas") return;
      const value = { country: "DE", emailAddress: "other@example.com", mobileNumber: "212-555-0199" }[field as string] ?? "Changed";
      const news = await checked({ ...inputs, [field]: value }, inputs);
      await expect(provider.diff(id, outs, news)).rejects.toThrow(
        new RegExp(`cannot change ${field} of cloud user .* on ${platform}: .*edit their profile.*ignoreChanges`),
      );
    },
  );

  test("leaving a profile field out of the program is not a change", async () => {
    const inputs = await checked(declared(platform, { mobileNumber: "212-555-0100" }));
    const { id, outs } = await created(inputs);
    const { mobileNumber: _dropped, ...rest } = inputs;
    expect(await provider.diff(id, outs, await checked(rest, inputs))).toMatchObject({ changes: false });
  });

  test("delete removes the user from the org and project; the account remains", async () => {
    const inputs = await checked(declared(platform));
    const { id, outs } = await created(inputs);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = await refreshed(id, outs);
    await provider.delete(id, active);

    const state = (await emulatorControl.state(emu)) as { orgMemberships: { userId: string }[]; cloudUsers: { id: string }[] };
    expect(state.orgMemberships.filter((m) => m.userId === id)).toEqual([]);
    expect(state.cloudUsers.map((u) => u.id)).toContain(id);
    const after = await refreshed(id, active);
    expect(after.activeRoles).toEqual([]);
    // Deleting again (e.g. after a partial failure) is fine.
    await provider.delete(id, active);
  });

  test("delete of pending invitations withdraws them", async () => {
    const inputs = await checked(declared(platform));
    const { id, outs } = await created(inputs);
    await provider.delete(id, outs);
    const state = (await emulatorControl.state(emu)) as { orgMemberships: { userId: string }[] };
    expect(state.orgMemberships.filter((m) => m.userId === id)).toEqual([]);
  });

  test("username change replaces the resource", async () => {
    const inputs = await checked(declared(platform));
    const { id, outs } = await created(inputs);
    const news = await checked({ ...inputs, username: `renamed.${inputs.username}` }, inputs);
    expect(await provider.diff(id, outs, news)).toMatchObject({ changes: true, replaces: ["username"] });
  });
});

describe("CloudUser on atlas: a lost create response", () => {
  beforeEach(async () => usePlatform("atlas"));

  test("the account created by the lost request is recognised as ours: no duplicate, no orphan", async () => {
    const inputs = await checked(declared("atlas"));
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "^/api/atlas/v2/users$", reset: true, afterCommit: true, times: 1 }]);
    await emulatorControl.clearRequests(emu);
    const { id, outs } = await created(inputs);
    await emulatorControl.clearFaults(emu);
    expect(outs.username).toBe(inputs.username);

    const state = (await emulatorControl.state(emu)) as { cloudUsers: { id: string; username: string }[] };
    expect(state.cloudUsers.filter((u) => u.username === inputs.username).map((u) => u.id)).toEqual([id]);
    const posts = (await emulatorControl.requests(emu)).filter((r) => r.method === "POST" && r.path === "/api/atlas/v2/users" && r.auth !== "digest-challenge");
    expect(posts).toHaveLength(1);
  });
});

describe("CloudUser on ops-manager: a create request lost before it was applied", () => {
  beforeEach(async () => usePlatform("ops-manager"));

  test("nothing exists by that name, so the POST is sent once more: one account", async () => {
    const inputs = await checked(declared("ops-manager"));
    await emulatorControl.setFaults(emu, [{ method: "POST", path: "^/api/public/v1.0/users$", reset: true, times: 1 }]);
    await emulatorControl.clearRequests(emu);
    const { id } = await created(inputs);
    await emulatorControl.clearFaults(emu);
    const state = (await emulatorControl.state(emu)) as { cloudUsers: { id: string; username: string }[] };
    expect(state.cloudUsers.filter((u) => u.username === inputs.username).map((u) => u.id)).toEqual([id]);
    const calls = (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge").map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c === "POST /api/public/v1.0/users")).toHaveLength(2);
    expect(calls).toContain(`GET /api/public/v1.0/users/byName/${encodeURIComponent(inputs.username)}`);
  });
});

describe("CloudUser check: the platform comes from the resource, else the stack", () => {
  beforeEach(async () => usePlatform("cloud-manager"));

  test("a role from another platform fails naming the property; the resource's platform input overrides the stack's", async () => {
    const news = declared("atlas", { roles: [{ orgId: emu.orgId, roleName: "ORG_MEMBER" }, { projectId: emu.projectId, roleName: "GROUP_CLUSTER_MANAGER" }] });
    const onStackPlatform = await provider.check({}, news);
    expect(onStackPlatform.failures).toEqual([
      { property: "roles[1].roleName", reason: expect.stringMatching(/GROUP_CLUSTER_MANAGER is not a role on cloud-manager \(it exists on atlas, atlas-v1\)/) },
    ]);
    const overridden = await provider.check({}, { ...news, platform: "atlas" });
    expect(overridden.failures ?? []).toEqual([]);
  });

  test("check sends no request", async () => {
    await emulatorControl.clearRequests(emu);
    await provider.check({}, declared("cloud-manager"));
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });
});

describe("CloudUser on atlas: membership limits", () => {
  beforeEach(async () => usePlatform("atlas"));

  test("a full organization (500 users) gives a readable error naming the account and the limit", async () => {
    const seeded = (await emulatorControl.seed(emu, {
      orgs: [{ name: "Full Org" }],
    })) as { orgs: { id: string }[] };
    const fullOrg = seeded.orgs[0]!.id;
    await emulatorControl.seed(emu, {
      cloudUsers: Array.from({ length: 500 }, (_, i) => ({
        username: `member${i}@full.example.com`,
        roles: [{ orgId: fullOrg, roleName: "ORG_MEMBER" }],
      })),
    });
    const inputs = await checked(declared("atlas", { roles: [{ orgId: fullOrg, roleName: "ORG_MEMBER" }] }));
    await expect(provider.create(inputs)).rejects.toThrow(
      new RegExp(`creating cloud user ${inputs.username.replace(/\./g, "\\.")} on atlas: .*MAX_USERS_PER_ORG_EXCEEDED.*500`),
    );
  });
});

describe("CloudUser on atlas: project membership limit", () => {
  beforeEach(async () => usePlatform("atlas"));

  test("a full project (500 users) gives a readable error naming the account and the limit", async () => {
    const seeded = (await emulatorControl.seed(emu, {
      orgs: [{ name: "Roomy Org" }],
    })) as { orgs: { id: string }[] };
    const org = seeded.orgs[0]!.id;
    const project = ((await emulatorControl.seed(emu, { projects: [{ name: "Full Project", orgId: org }] })) as { projects: { id: string }[] }).projects[0]!.id;
    await emulatorControl.seed(emu, {
      cloudUsers: Array.from({ length: 500 }, (_, i) => ({
        username: `member${i}@full-project.example.com`,
        roles: [{ groupId: project, roleName: "GROUP_READ_ONLY" }],
      })),
    });
    const inputs = await checked(
      declared("atlas", { roles: [{ orgId: org, roleName: "ORG_MEMBER" }, { projectId: project, roleName: "GROUP_READ_ONLY" }] }),
    );
    await expect(provider.create(inputs)).rejects.toThrow(
      new RegExp(`creating cloud user ${inputs.username.replace(/\./g, "\\.")} on atlas: .*MAX_USERS_PER_GROUP_EXCEEDED.*500`),
    );
  });
});

describe("CloudUser on cloud-manager: specifics", () => {
  beforeEach(async () => usePlatform("cloud-manager"));

  test("org role change in place while the invitation is pending; accept then shows the new role", async () => {
    const inputs = await checked(declared("cloud-manager"));
    const { id, outs } = await created(inputs);
    const news = await checked({ ...inputs, roles: [role({ orgId: emu.orgId, roleName: "ORG_READ_ONLY" }), inputs.roles![1]!] }, inputs);
    expect(await provider.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const updated = (await provider.update(id, outs, news)).outs as CloudUserOutputs;
    expect(updated.pendingRoles).toEqual(news.roles);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = await refreshed(id, updated);
    expect(active.activeRoles).toEqual(expect.arrayContaining([role({ orgId: emu.orgId, roleName: "ORG_READ_ONLY" })]));
    expect(active.activeRoles).not.toEqual(expect.arrayContaining([role({ orgId: emu.orgId, roleName: "ORG_MEMBER" })]));
  });

  test("project role changes and profile changes fail at preview with what to do", async () => {
    const inputs = await checked(declared("cloud-manager"));
    const { id, outs } = await created(inputs);
    const projectChange = await checked({ ...inputs, roles: [inputs.roles![0]!, role({ projectId: emu.projectId, roleName: "GROUP_OWNER" })] }, inputs);
    await expect(provider.diff(id, outs, projectChange)).rejects.toThrow(/project roles of cloud user .* on cloud-manager.*Cloud Manager UI.*ignoreChanges/);
    const nameChange = await checked({ ...inputs, lastName: "Smith" }, inputs);
    await expect(provider.diff(id, outs, nameChange)).rejects.toThrow(/cannot change lastName of cloud user .* on cloud-manager/);
  });

  test("the invitation's id is not the account's: pending check, role change and delete find it by username (any case)", async () => {
    const inputs = await checked(declared("cloud-manager", { username: `Mixed.Case${counter}@Example.com` }));
    const { id, outs } = await created(inputs);
    const invitation = async () => {
      const state = (await emulatorControl.state(emu)) as { orgMemberships: { orgId: string; username: string; userId: string; invitationId?: string; orgRoles: string[]; status: string }[] };
      return state.orgMemberships.find((m) => m.orgId === emu.orgId && m.username.toLowerCase() === inputs.username.toLowerCase());
    };
    const sent = (await invitation())!;
    expect(sent.userId).toBe(id);
    expect(sent.invitationId).toMatch(/^[a-f0-9]{24}$/);
    expect(sent.invitationId).not.toBe(id);

    // Pending check on refresh: the org role and (while the org invitation waits) the project role.
    const before = await refreshed(id, outs);
    expect(before.pendingRoles).toEqual(inputs.roles);

    // Role change: the same invitation is edited, not a second one sent, and no error.
    const news = await checked({ ...inputs, roles: [role({ orgId: emu.orgId, roleName: "ORG_READ_ONLY" }), inputs.roles![1]!] }, inputs);
    const updated = (await provider.update(id, before, news)).outs as CloudUserOutputs;
    expect(updated.pendingRoles).toEqual(news.roles);
    expect(await invitation()).toMatchObject({ invitationId: sent.invitationId, status: "PENDING", orgRoles: ["ORG_READ_ONLY"] });

    // Delete while pending withdraws the invitation.
    await provider.delete(id, updated);
    expect(await invitation()).toBeUndefined();
  });

  test("delete removes the user from the org (accepted); the account remains", async () => {
    const inputs = await checked(declared("cloud-manager"));
    const { id, outs } = await created(inputs);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = await refreshed(id, outs);
    await provider.delete(id, active);
    const after = await refreshed(id, active);
    expect(after.activeRoles).toEqual([]);
  });
});

describe("CloudUser on ops-manager: specifics", () => {
  beforeEach(async () => usePlatform("ops-manager"));

  test("names, email, mobile number and roles change in place with PATCH", async () => {
    const inputs = await checked(declared("ops-manager"));
    const { id, outs } = await created(inputs);
    await emulatorControl.acceptInvitation(emu, emu.orgId, id);
    const active = await refreshed(id, outs);
    const news = await checked(
      {
        ...inputs,
        firstName: "Janet",
        mobileNumber: "+1 212 555 0199",
        roles: [role({ orgId: emu.orgId, roleName: "ORG_MEMBER" }), role({ projectId: emu.projectId, roleName: "GROUP_OWNER" }), role({ roleName: "GLOBAL_READ_ONLY" })],
      },
      inputs,
    );
    expect(await provider.diff(id, active, news)).toMatchObject({ changes: true, replaces: [] });
    await emulatorControl.clearRequests(emu);
    const updated = (await provider.update(id, active, news)).outs as CloudUserOutputs;
    expect(updated.firstName).toBe("Janet");
    expect(updated.mobileNumber).toBe("+1 212 555 0199");
    expect(updated.activeRoles).toEqual(news.roles);
    const patches = (await emulatorControl.requests(emu)).filter((r) => r.method === "PATCH" && r.auth !== "digest-challenge");
    expect(patches.map((r) => r.path)).toEqual([`/api/public/v1.0/users/${id}`]);
    expect(await provider.diff(id, updated, news)).toMatchObject({ changes: false });
  });

  test("a PATCH whose answer is lost is sent once more (it sets absolute values)", async () => {
    const inputs = await checked(declared("ops-manager"));
    const { id, outs } = await created(inputs);
    const news = await checked({ ...inputs, lastName: "Dough" }, inputs);
    await emulatorControl.setFaults(emu, [{ method: "PATCH", path: "^/api/public/v1.0/users/", reset: true, afterCommit: true, times: 1 }]);
    await emulatorControl.clearRequests(emu);
    const updated = (await provider.update(id, outs, news)).outs as CloudUserOutputs;
    await emulatorControl.clearFaults(emu);
    expect(updated.lastName).toBe("Dough");
    const patches = (await emulatorControl.requests(emu)).filter((r) => r.method === "PATCH" && r.auth !== "digest-challenge");
    expect(patches).toHaveLength(2);
  });

  test("country cannot be changed: diff fails", async () => {
    const inputs = await checked(declared("ops-manager"));
    const { id, outs } = await created(inputs);
    await expect(provider.diff(id, outs, await checked({ ...inputs, country: "FR" }, inputs))).rejects.toThrow(
      /cannot change country of cloud user .* on ops-manager/,
    );
  });

  test("delete deletes the account; deleting again is fine; refresh drops it", async () => {
    const inputs = await checked(declared("ops-manager"));
    const { id, outs } = await created(inputs);
    await provider.delete(id, outs);
    const state = (await emulatorControl.state(emu)) as { cloudUsers: { id: string }[] };
    expect(state.cloudUsers.map((u) => u.id)).not.toContain(id);
    expect(await provider.read(id, outs)).toEqual({});
    await provider.delete(id, outs);
  });
});
