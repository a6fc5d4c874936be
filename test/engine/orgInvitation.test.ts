/**
 * OrgInvitation through the real Pulumi engine, against the emulator: the
 * issue's scenario table as `pulumi up` / `preview` / `refresh` / `destroy`,
 * with emulator clock moves and invitee actions in between. Both the engine's
 * view (steps, outputs) and the emulator's (memberships, request log) are checked.
 */
import { randomBytes } from "node:crypto";
import { OrgInvitation } from "../../provider";
import { AtlasClient } from "../../provider/client/client";
import { removeOrgUser, updateOrgUser } from "../../provider/client/operations/orgUsers";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { createEngineStack, describeEngine, type EngineStack } from "../support/engine";

jest.setTimeout(180_000);

const DAY_MS = 24 * 60 * 60 * 1000;

interface Membership {
  userId: string;
  orgId: string;
  username: string;
  status: string;
  orgRoles: string[];
  groupRoleAssignments: { groupId: string; groupRoles: string[] }[];
}

async function memberships(emu: EmulatorHandle, orgId: string, username: string): Promise<Membership[]> {
  const state = (await emulatorControl.state(emu)) as { orgMemberships: Membership[] };
  return state.orgMemberships.filter((m) => m.orgId === orgId && m.username === username);
}

/** API requests (not digest challenges) logged since the log was cleared. */
async function apiRequests(emu: EmulatorHandle) {
  return (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge" && !r.path.startsWith("/api/oauth"));
}

async function newOrg(emu: EmulatorHandle): Promise<{ orgId: string; projectId: string }> {
  const orgId = randomBytes(12).toString("hex");
  const seeded = (await emulatorControl.seed(emu, { orgs: [{ id: orgId }], projects: [{ orgId, name: "app" }] })) as {
    projects: { id: string }[];
  };
  return { orgId, projectId: seeded.projects[0].id };
}

interface Args {
  roles?: string[];
  projectRoles?: { projectId: string; roles: string[] }[];
  reinvite?: "on-expiry" | "on-expiry-or-rejection" | "never";
  adopt?: boolean;
  /** Also read an existing membership with `OrgInvitation.get` (id `{orgId}/{userId}` or `{orgId}/{username}`). */
  getId?: string;
}

function invitationProgram(orgId: string, username: string, args: Args = {}) {
  return async () => {
    const inv = new OrgInvitation("ada", {
      orgId,
      username,
      roles: (args.roles ?? ["ORG_MEMBER"]) as never,
      projectRoles: args.projectRoles,
      reinvite: args.reinvite,
      adopt: args.adopt,
    });
    const seen = args.getId ? OrgInvitation.get("seen", args.getId) : undefined;
    return {
      ...(seen ? { seenUserId: seen.userId, seenStatus: seen.status, seenRoles: seen.roles, seenUsername: seen.username } : {}),
      id: inv.id,
      userId: inv.userId,
      status: inv.status,
      roles: inv.roles,
      // Not declared by the program (no teamIds key at all): still an output, the teams the API reports.
      teamIds: inv.teamIds,
      invitationExpiresAt: inv.invitationExpiresAt,
      firstName: inv.firstName,
    };
  };
}

describeEngine("OrgInvitation through the engine on Atlas: invite, accept, role changes, destroy", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let orgId: string;
  let projectId: string;
  let userId: string;
  const username = "ada.lovelace@example.com";

  beforeAll(async () => {
    emu = await startTestEmulator();
    ({ orgId, projectId } = await newOrg(emu));
    stack = await createEngineStack({
      emulator: emu,
      program: invitationProgram(orgId, username, { projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY"] }] }),
    });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("invite: PENDING, expiry = +30 days; a second preview shows no changes and sends no request", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 1 });
    userId = up.outputs.userId as string;
    expect(up.outputs).toMatchObject({ id: `${orgId}/${userId}`, status: "PENDING", roles: ["ORG_MEMBER"] });
    expect(Date.parse(up.outputs.invitationExpiresAt as string)).toBeGreaterThan(Date.now() + 29.9 * DAY_MS);
    expect(await memberships(emu, orgId, username)).toMatchObject([
      { userId, status: "PENDING", orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_READ_ONLY"] }] },
    ]);

    await emulatorControl.clearRequests(emu);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 1 });
    expect(await apiRequests(emu)).toEqual([]);
  });

  test("roles changed while PENDING: updated in place, never a re-invite", async () => {
    stack.setProgram(invitationProgram(orgId, username, { roles: ["ORG_MEMBER", "ORG_BILLING_ADMIN"], projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY"] }] }));
    await emulatorControl.clearRequests(emu);
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(up.outputs).toMatchObject({ userId, status: "PENDING", roles: ["ORG_BILLING_ADMIN", "ORG_MEMBER"] });
    const writes = (await apiRequests(emu)).filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /api/atlas/v2/orgs/${orgId}/users/${userId}`]);
  });

  test("invitee accepts, refresh: ACTIVE; preview shows no changes", async () => {
    await emulatorControl.acceptInvitation(emu, orgId, userId);
    const refresh = await stack.refresh();
    expect(refresh.summary).toMatchObject({ delete: 0 });
    const [resource] = await stack.resources();
    expect(resource.outputs).toMatchObject({ status: "ACTIVE", userId, firstName: "Ada", lastName: "Lovelace" });
    expect(resource.id).toBe(`${orgId}/${userId}`);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 1 });
  });

  test("roles changed while ACTIVE: updated in place; the member keeps ≥ 1 role throughout", async () => {
    stack.setProgram(invitationProgram(orgId, username, { roles: ["ORG_READ_ONLY"], projectRoles: [] }));
    await emulatorControl.clearRequests(emu);
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(up.outputs).toMatchObject({ userId, status: "ACTIVE", roles: ["ORG_READ_ONLY"] });
    const writes = (await apiRequests(emu)).filter((r) => r.method !== "GET");
    // One PATCH carries the whole new role set: never a moment without a role, never a removeRole.
    expect(writes.map((r) => r.method)).toEqual(["PATCH"]);
    expect(await memberships(emu, orgId, username)).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_READ_ONLY"] }]);
  });

  test("role drift: a role changed by hand shows after refresh, and up restores the declared one", async () => {
    // Someone changes the member's org role in the UI (the API's PATCH, as the UI does).
    const client = new AtlasClient({ baseUrl: emu.baseUrl, credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey }, allowInsecureHttp: true });
    try {
      await updateOrgUser(client, orgId, userId, { roles: { orgRoles: ["ORG_OWNER"] } });
    } finally {
      await client.close();
    }
    await stack.refresh();
    const [drifted] = await stack.resources();
    expect(drifted.outputs.roles).toEqual(["ORG_OWNER"]);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ update: 1, replace: 0 });

    await emulatorControl.clearRequests(emu);
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(up.outputs).toMatchObject({ userId, status: "ACTIVE", roles: ["ORG_READ_ONLY"] });
    expect(await memberships(emu, orgId, username)).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_READ_ONLY"] }]);
    const again = await stack.preview();
    expect(again.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 1 });
  });

  test("destroy while ACTIVE removes the member", async () => {
    const result = await stack.destroy();
    expect(result.summary).toMatchObject({ delete: 1 });
    expect(await memberships(emu, orgId, username)).toEqual([]);
  });
});

describeEngine("OrgInvitation through the engine: expiry and rejection", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let orgId: string;
  const username = "grace@example.com";

  beforeAll(async () => {
    emu = await startTestEmulator();
    ({ orgId } = await newOrg(emu));
    stack = await createEngineStack({ emulator: emu, program: invitationProgram(orgId, username) });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("clock +31 days, up without refresh: a new invitation (update in place, checked with the API first)", async () => {
    // Invited 31 days ago by the emulator's clock; its clock then back to now.
    await emulatorControl.setClock(emu, new Date(Date.now() - 31 * DAY_MS).toISOString());
    const first = await stack.up();
    await emulatorControl.setClock(emu, new Date().toISOString());
    expect(first.outputs.status).toBe("PENDING");
    expect(Date.parse(first.outputs.invitationExpiresAt as string)).toBeLessThan(Date.now());

    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(up.outputs.status).toBe("PENDING");
    expect(Date.parse(up.outputs.invitationExpiresAt as string)).toBeGreaterThan(Date.now() + 29 * DAY_MS);
    expect(await memberships(emu, orgId, username)).toMatchObject([{ status: "PENDING", userId: up.outputs.userId }]);
  });

  test("clock +31 days, refresh, up: INVITATION_EXPIRED, then a new invitation (replace) with a new expiry", async () => {
    const before = (await stack.resources())[0].outputs;
    await emulatorControl.advanceClock(emu, 31 * 86400);
    await stack.refresh();
    const [refreshed] = await stack.resources();
    expect(refreshed.outputs.status).toBe("INVITATION_EXPIRED");

    const up = await stack.up();
    expect(up.summary).toMatchObject({ replace: 1 });
    expect(up.outputs.status).toBe("PENDING");
    expect(Date.parse(up.outputs.invitationExpiresAt as string)).toBeGreaterThan(Date.parse(before.invitationExpiresAt) + 30 * DAY_MS);
    expect(await memberships(emu, orgId, username)).toMatchObject([{ status: "PENDING", userId: up.outputs.userId }]);
  });

  test("invitee rejects: no change by default; re-invited under on-expiry-or-rejection", async () => {
    const [current] = await stack.resources();
    await emulatorControl.rejectInvitation(emu, orgId, current.outputs.userId);
    await stack.refresh();
    const [rejected] = await stack.resources();
    expect(rejected.outputs.status).toBe("INVITATION_REJECTED");
    const up = await stack.up();
    expect(up.summary).toMatchObject({ same: 1, update: 0, replace: 0 });
    expect(up.outputs.status).toBe("INVITATION_REJECTED");

    stack.setProgram(invitationProgram(orgId, username, { reinvite: "on-expiry-or-rejection" }));
    const reinvited = await stack.up();
    expect(reinvited.summary).toMatchObject({ replace: 1 });
    expect(reinvited.outputs.status).toBe("PENDING");
    expect(await memberships(emu, orgId, username)).toMatchObject([{ status: "PENDING" }]);
  });

  test("destroy while PENDING cancels the invitation", async () => {
    const result = await stack.destroy();
    expect(result.summary).toMatchObject({ delete: 1 });
    expect(await memberships(emu, orgId, username)).toEqual([]);
  });
});

describeEngine("OrgInvitation through the engine: an existing member, adopt, out-of-band removal", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let orgId: string;
  const username = "existing.member@example.com";

  beforeAll(async () => {
    emu = await startTestEmulator();
    ({ orgId } = await newOrg(emu));
    await emulatorControl.seed(emu, { cloudUsers: [{ username, roles: [{ orgId, roleName: "ORG_READ_ONLY" }] }] });
    stack = await createEngineStack({ emulator: emu, program: invitationProgram(orgId, username) });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("username already an active member: up fails with a clear error saying how to adopt", async () => {
    await expect(stack.up()).rejects.toThrow(/is already a member of this organization \(ACTIVE\).*adopt: true/);
    expect(await memberships(emu, orgId, username)).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_READ_ONLY"] }]);
  });

  test("with adopt: adopted, roles brought to the declared ones, nothing duplicated; OrgInvitation.get by {orgId}/{username}", async () => {
    stack.setProgram(invitationProgram(orgId, username, { adopt: true, getId: `${orgId}/${username}` }));
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 1 });
    expect(up.outputs).toMatchObject({ status: "ACTIVE", roles: ["ORG_MEMBER"], teamIds: [] });
    expect(up.outputs.seenStatus).toBe("ACTIVE");
    expect(up.outputs.seenUserId).toBe(up.outputs.userId);
    // The got resource's inputs are outputs too (read while the adoption ran: its roles are the old or the new ones).
    expect(up.outputs.seenUsername).toBe(username);
    expect(up.outputs.seenRoles).toEqual(expect.arrayContaining([expect.stringMatching(/^ORG_(READ_ONLY|MEMBER)$/)]));
    expect(await memberships(emu, orgId, username)).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_MEMBER"] }]);
  });

  test("destroy after an out-of-band removal succeeds", async () => {
    const [resource] = await stack.resources();
    await removeOutOfBand(emu, orgId, resource.outputs.userId as string);
    expect(await memberships(emu, orgId, username)).toEqual([]);
    const result = await stack.destroy();
    expect(result.summary).toMatchObject({ delete: 1 });
  });
});

describeEngine("OrgInvitation through the engine on Cloud Manager: the invites endpoints", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let orgId: string;
  const username = "cm.person@example.com";

  beforeAll(async () => {
    emu = await startTestEmulator();
    ({ orgId } = await newOrg(emu));
    stack = await createEngineStack({ emulator: emu, platform: "cloud-manager", program: invitationProgram(orgId, username) });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("invite through /api/public/v1.0/orgs/{orgId}/invites; accept; refresh ACTIVE; no changes; destroy removes the member", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 1 });
    expect(up.outputs.status).toBe("PENDING");
    const invitationId = (up.outputs.id as string).split("/")[1];
    const posts = (await apiRequests(emu)).filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path)).toEqual([`/api/public/v1.0/orgs/${orgId}/invites`]);

    stack.setProgram(invitationProgram(orgId, username, { roles: ["ORG_MEMBER", "ORG_READ_ONLY"] }));
    const changed = await stack.up();
    expect(changed.summary).toMatchObject({ update: 1, replace: 0 });

    await emulatorControl.acceptInvitation(emu, orgId, invitationId);
    await stack.refresh();
    const [resource] = await stack.resources();
    expect(resource.outputs).toMatchObject({ status: "ACTIVE", roles: ["ORG_MEMBER", "ORG_READ_ONLY"] });
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 1 });

    const destroyed = await stack.destroy();
    expect(destroyed.summary).toMatchObject({ delete: 1 });
    expect(await memberships(emu, orgId, username)).toEqual([]);
  });
});

/** Removes the member through the API with the stack's own API key, as another tool would. */
async function removeOutOfBand(emu: EmulatorHandle, orgId: string, userId: string): Promise<void> {
  const client = new AtlasClient({
    baseUrl: emu.baseUrl,
    credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey },
  });
  try {
    await removeOrgUser(client, orgId, userId);
  } finally {
    await client.close();
  }
}
