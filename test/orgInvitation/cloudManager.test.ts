/**
 * The same scenario table with the provider configured for Cloud Manager
 * (`atlasUsers:platform`), and Ops Manager where they differ: the v1.0
 * `/orgs/{orgId}/invites` endpoints, acceptance seen in the org's member list.
 */
import { removeOrgMemberV1 } from "../../provider/client/operations/orgUsers";
import { provider } from "../../provider/orgInvitation/provider";
import type { OrgInvitationState } from "../../provider/orgInvitation/schema";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { configureForEmulator, emulatorClient, useProviderEmulator } from "../support/provider";
import * as h from "./harness";

let emu: EmulatorHandle;
let orgId: string;
let teamId: string;

const memberships = (username?: string) => h.memberships(emu, orgId, username);
const requestsSince = (mark: number) => h.requestsSince(emu, mark);
const checked = (news: Record<string, unknown>) => h.checked(orgId, news);
const create = (news: Record<string, unknown>) => h.create(orgId, news);
const { refresh, up, DAY_MS } = h;

const env = useProviderEmulator();
beforeAll(() => {
  emu = env.emu;
});

beforeEach(async () => {
  ({ orgId, teamId } = await h.freshOrg(emu));
  await emulatorControl.settings(emu, { publicApiFlavor: "cloud-manager" });
  await configureForEmulator(provider, emu, { platform: "cloud-manager" });
});

/** Invite as if 31 days ago, then bring the emulator's clock back to now. */
async function createExpired(news: Record<string, unknown>) {
  await emulatorControl.setClock(emu, new Date(Date.now() - 31 * DAY_MS).toISOString());
  const created = await create(news);
  await emulatorControl.setClock(emu, new Date().toISOString());
  return created;
}

test("invite: the v1.0 invites endpoint, PENDING with a 30-day expiry; no change afterwards", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"], teamIds: [teamId] });
  expect(id).toBe(`${orgId}/${outs.invitationId}`);
  expect(outs).toMatchObject({ status: "PENDING", roles: ["ORG_MEMBER"], teamIds: [teamId], inviterUsername: emu.publicKey });
  expect(Date.parse(outs.invitationExpiresAt!) - Date.parse(outs.invitationCreatedAt!)).toBe(30 * DAY_MS);
  const sent = await requestsSince(0);
  expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /api/public/v1.0/orgs/${orgId}/invites`]);

  const read = await refresh(id, outs);
  expect(read.props).toEqual(outs);
  expect(await provider.diff(id, read.props!, read.inputs!)).toEqual({ changes: false, replaces: [] });
  expect(await provider.diff(id, outs, await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"], teamIds: [teamId] }))).toEqual({
    changes: false,
    replaces: [],
  });
});

test("project roles are refused by check, before any request", async () => {
  const result = await provider.check({}, { orgId, username: "ada@example.com", roles: ["ORG_MEMBER"], projectRoles: [{ projectId: emu.projectId, roles: ["GROUP_READ_ONLY"] }] });
  expect(result.failures).toEqual([{ property: "projectRoles", reason: expect.stringMatching(/Cloud Manager organization invitations cannot carry project roles/) }]);
});

test("invitee accepts, refresh: ACTIVE (seen in the member list), same id; no change", async () => {
  const { id, outs } = await create({ username: "grace.hopper@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, outs.invitationId!);
  const read = await refresh(id, outs);
  expect(read.id).toBe(id);
  expect(read.props).toMatchObject({ status: "ACTIVE", invitationId: outs.invitationId, firstName: "Grace", lastName: "Hopper", roles: ["ORG_MEMBER"] });
  expect(await provider.diff(id, read.props!, await checked({ username: "grace.hopper@example.com", roles: ["ORG_MEMBER"] }))).toEqual({
    changes: false,
    replaces: [],
  });
});

test("roles changed while PENDING: the invitation is updated in place", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const mark = await h.requestCount(emu);
  const result = await up(id, outs, await checked({ username: "ada@example.com", roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"], teamIds: [teamId] }));
  expect(result.diff).toEqual({ changes: true, replaces: [] });
  expect(result.outs).toMatchObject({ status: "PENDING", invitationId: outs.invitationId, roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"], teamIds: [teamId] });
  const sent = await requestsSince(mark);
  expect(sent.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([
    `PATCH /api/public/v1.0/orgs/${orgId}/invites/${outs.invitationId}`,
  ]);
  expect(await memberships("ada@example.com")).toMatchObject([{ status: "PENDING", orgRoles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"] }]);
});

test("roles changed while ACTIVE: Cloud Manager says it has no API for it; Ops Manager updates the user's roles", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, outs.invitationId!);
  const active = (await refresh(id, outs)).props!;
  const news = await checked({ username: "ada@example.com", roles: ["ORG_OWNER"] });
  await expect(provider.update(id, active, news)).rejects.toThrow(/Cloud Manager has no API to change an accepted member's organization roles/);

  await emulatorControl.settings(emu, { publicApiFlavor: "ops-manager" });
  await configureForEmulator(provider, emu, { platform: "ops-manager" });
  const result = await up(id, active, await checked({ username: "ada@example.com", roles: ["ORG_OWNER"] }));
  expect(result.diff).toEqual({ changes: true, replaces: [] });
  expect(result.outs).toMatchObject({ status: "ACTIVE", roles: ["ORG_OWNER"] });
  expect(await memberships("ada@example.com")).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_OWNER"] }]);
});

test("teams changed while ACTIVE: a clear error on Cloud Manager and Ops Manager, nothing sent (never an update that did nothing)", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, outs.invitationId!);
  const active = (await refresh(id, outs)).props!;
  for (const platform of ["cloud-manager", "ops-manager"] as const) {
    await emulatorControl.settings(emu, { publicApiFlavor: platform });
    await configureForEmulator(provider, emu, { platform });
    const news = await checked({ username: "ada@example.com", roles: ["ORG_OWNER"], teamIds: [teamId] });
    expect(await provider.diff(id, active, news)).toEqual({ changes: true, replaces: [] });
    const mark = await h.requestCount(emu);
    await expect(provider.update(id, active, news)).rejects.toThrow(/cannot change an accepted member's teams .*member of no team; declared [a-f0-9]{24}/);
    expect((await requestsSince(mark)).filter((r) => r.method !== "GET")).toEqual([]);
  }
  // Teams left out are not managed: the role change goes through on Ops Manager.
  const result = await up(id, active, await checked({ username: "ada@example.com", roles: ["ORG_OWNER"] }));
  expect(result.outs).toMatchObject({ status: "ACTIVE", roles: ["ORG_OWNER"] });
});

test("expired (clock +31 days), refresh, up: EXPIRED, then a new invitation with a new expiry", async () => {
  const { id, outs } = await createExpired({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const read = await refresh(id, outs);
  expect(read.props!.status).toBe("INVITATION_EXPIRED");
  const result = await up(id, read.props!, await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] }));
  expect(result.diff).toMatchObject({ replaces: ["status"], deleteBeforeReplace: true });
  expect(result.outs.status).toBe("PENDING");
  expect(Date.parse(result.outs.invitationExpiresAt!)).toBeGreaterThan(Date.now() + 29 * DAY_MS);
  expect(await memberships("ada@example.com")).toMatchObject([{ status: "PENDING" }]);
});

test("expired, up without refresh: the same re-invite", async () => {
  const { id, outs } = await createExpired({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const inputs = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const result = await up(id, outs, inputs);
  expect(result.diff).toEqual({ changes: true, replaces: [] });
  expect(result.outs.status).toBe("PENDING");
  expect(Date.parse(result.outs.invitationExpiresAt!)).toBeGreaterThan(Date.now() + 29 * DAY_MS);
  expect(await memberships("ada@example.com")).toMatchObject([{ status: "PENDING", invitationId: result.outs.invitationId }]);
  expect(await provider.diff(id, result.outs, inputs)).toEqual({ changes: false, replaces: [] });
});

test("invitee rejects: INVITATION_REJECTED on refresh, no change by default; re-invited under on-expiry-or-rejection", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.rejectInvitation(emu, orgId, outs.invitationId!);
  const read = await refresh(id, outs);
  expect(read.props!.status).toBe("INVITATION_REJECTED");
  expect(await provider.diff(id, read.props!, await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] }))).toEqual({ changes: false, replaces: [] });
  const result = await up(
    id,
    { ...read.props!, reinvite: "on-expiry-or-rejection" },
    await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"], reinvite: "on-expiry-or-rejection" }),
  );
  expect(result.diff.replaces).toEqual(["status"]);
  expect(result.outs.status).toBe("PENDING");
  expect(await memberships("ada@example.com")).toMatchObject([{ status: "PENDING" }]);
});

test("username already an active member: 409 → clear error; with adopt, adopted and nothing duplicated", async () => {
  const member = `member-${orgId}@example.com`;
  await emulatorControl.seed(emu, { cloudUsers: [{ username: member, roles: [{ orgId, roleName: "ORG_MEMBER" }] }] });
  await expect(provider.create(await checked({ username: member, roles: ["ORG_MEMBER"] }))).rejects.toThrow(/is already a member of this organization \(ACTIVE\).*adopt: true/);
  const { outs } = await create({ username: member, roles: ["ORG_MEMBER"], adopt: true });
  expect(outs).toMatchObject({ status: "ACTIVE", roles: ["ORG_MEMBER"] });
  expect(await memberships(member)).toHaveLength(1);
});

test("destroy while PENDING / while ACTIVE; destroy after an out-of-band removal succeeds", async () => {
  const pending = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await provider.delete(pending.id, pending.outs);
  expect(await memberships("ada@example.com")).toEqual([]);

  const active = await create({ username: "bob@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, active.outs.invitationId!);
  await provider.delete(active.id, active.outs);
  expect(await memberships("bob@example.com")).toEqual([]);

  await expect(provider.delete(active.id, active.outs)).resolves.toBeUndefined();
});

test("500 users in the org: the limit error reads clearly", async () => {
  await emulatorControl.seed(emu, {
    cloudUsers: Array.from({ length: 500 }, (_, i) => ({ username: `cm${i}-${orgId}@example.com`, roles: [{ orgId, roleName: "ORG_MEMBER" }] })),
  });
  await expect(provider.create(await checked({ username: "late@example.com", roles: ["ORG_MEMBER"] }))).rejects.toThrow(
    /^inviting late@example\.com to organization [a-f0-9]{24}: the organization has reached MongoDB Cloud's limit of 500 users/,
  );
});

test("get by {orgId}/{username}: pending and accepted", async () => {
  const { outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const pending = await refresh(`${orgId}/ada@example.com`, { platform: "cloud-manager" } as OrgInvitationState);
  expect(pending.props).toMatchObject({ status: "PENDING", invitationId: outs.invitationId });
  await emulatorControl.acceptInvitation(emu, orgId, outs.invitationId!);
  const active = await refresh(`${orgId}/ada@example.com`, {} as OrgInvitationState);
  // The member's user id, not the invitation's: the two ids differ, as on the real API.
  const [member] = await memberships("ada@example.com");
  expect(member!.userId).not.toBe(outs.invitationId);
  expect(active.props).toMatchObject({ status: "ACTIVE", userId: member!.userId });
});

test("lost response to the invites POST: read back, one invitation, no error", async () => {
  await emulatorControl.setFaults(emu, [{ method: "POST", path: "/orgs/[a-f0-9]+/invites$", reset: true, afterCommit: true, times: 1 }]);
  const { outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  expect(outs).toMatchObject({ status: "PENDING", roles: ["ORG_MEMBER"] });
  expect(await memberships("ada@example.com")).toHaveLength(1);
  const sent = await requestsSince(0);
  expect(sent.filter((r) => r.method === "POST")).toHaveLength(1);
  expect(sent.some((r) => r.method === "GET" && r.path === `/api/public/v1.0/orgs/${orgId}/invites`)).toBe(true);
});

test("an accepted member removed outside Pulumi reads as gone (refresh drops it), as on Atlas", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, outs.invitationId!);
  const active = (await refresh(id, outs)).props!;
  expect(active.status).toBe("ACTIVE");
  await removeOrgMemberV1(emulatorClient(emu, "cloud-manager"), orgId, active.userId!);
  expect(await refresh(id, active)).toEqual({});
});

test("the resource's platform input overrides the stack setting", async () => {
  await configureForEmulator(provider, emu); // stack: Atlas
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"], platform: "cloud-manager" });
  expect(outs).toMatchObject({ status: "PENDING", platform: "cloud-manager", invitationId: expect.any(String) });
  expect(id).toBe(`${orgId}/${outs.invitationId}`);
  const sent = await requestsSince(0);
  expect(sent.filter((r) => r.method === "POST").map((r) => r.path)).toEqual([`/api/public/v1.0/orgs/${orgId}/invites`]);
  await provider.delete(id, outs);
  expect(await memberships("ada@example.com")).toEqual([]);
});
