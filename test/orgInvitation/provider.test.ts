/**
 * OrgInvitation lifecycle methods against the emulator over real HTTP (Atlas
 * v2 org users): the issue's scenario table, one test per row.
 */
import { PLATFORM } from "../../provider/platform";
import { UNKNOWN } from "../../provider/common/unknowns";
import { provider } from "../../provider/orgInvitation/provider";
import type { OrgInvitationState } from "../../provider/orgInvitation/schema";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";
import { configureForEmulator, useProviderEmulator } from "../support/provider";
import * as h from "./harness";

let emu: EmulatorHandle;
let orgId: string;
let projectId: string;
let teamId: string;

const memberships = (username?: string) => h.memberships(emu, orgId, username);
const requestsSince = (mark: number) => h.requestsSince(emu, mark);
const requestCount = () => h.requestCount(emu);
const checked = (news: Record<string, unknown>) => h.checked(orgId, news);
const create = (news: Record<string, unknown>) => h.create(orgId, news);
const { refresh, up, DAY_MS } = h;

const env = useProviderEmulator();
beforeAll(() => {
  emu = env.emu;
});

beforeEach(async () => {
  ({ orgId, projectId, teamId } = await h.freshOrg(emu));
  await configureForEmulator(provider, emu);
});

test("invite: PENDING with a 30-day expiry; reading it back shows no change and diff sends no request", async () => {
  const before = Date.now();
  const { id, outs } = await create({
    username: "ada@example.com",
    roles: ["ORG_MEMBER"],
    projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY"] }],
    teamIds: [teamId],
  });
  expect(id).toBe(`${orgId}/${outs.userId}`);
  expect(outs).toMatchObject({
    status: "PENDING",
    username: "ada@example.com",
    roles: ["ORG_MEMBER"],
    projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY"] }],
    teamIds: [teamId],
    inviterUsername: emu.publicKey,
  });
  const expires = Date.parse(outs.invitationExpiresAt!);
  expect(expires - Date.parse(outs.invitationCreatedAt!)).toBe(30 * DAY_MS);
  expect(expires).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1000);

  const [m] = await memberships("ada@example.com");
  expect(m).toMatchObject({ status: "PENDING", orgRoles: ["ORG_MEMBER"], teamIds: [teamId] });

  const read = await refresh(id, outs);
  expect(read.props).toEqual(outs);
  const mark = await requestCount();
  const inputs = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"], projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY"] }], teamIds: [teamId] });
  expect(await provider.diff(id, read.props!, inputs)).toEqual({ changes: false, replaces: [] });
  expect(await provider.diff(id, read.props!, read.inputs!)).toEqual({ changes: false, replaces: [] });
  expect(await requestCount()).toBe(mark);
});

test("invitee accepts, refresh: ACTIVE with names; no change", async () => {
  const { id, outs } = await create({ username: "grace.hopper@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, outs.userId!);
  const read = await refresh(id, outs);
  expect(read.id).toBe(id);
  expect(read.props).toMatchObject({ status: "ACTIVE", userId: outs.userId, firstName: "Grace", lastName: "Hopper" });
  expect(read.props!.createdAt).toBeDefined();
  expect(read.props).not.toHaveProperty("invitationExpiresAt");
  const inputs = await checked({ username: "grace.hopper@example.com", roles: ["ORG_MEMBER"] });
  expect(await provider.diff(id, read.props!, inputs)).toEqual({ changes: false, replaces: [] });
});

test.each([["PENDING"], ["ACTIVE"]])("roles changed while %s: updated in place, never a re-invite, always ≥ 1 role", async (phase) => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  let state = outs;
  if (phase === "ACTIVE") {
    await emulatorControl.acceptInvitation(emu, orgId, outs.userId!);
    state = (await refresh(id, outs)).props!;
  }
  const mark = await requestCount();
  const news = await checked({
    username: "ada@example.com",
    roles: ["ORG_BILLING_ADMIN"],
    projectRoles: [{ projectId, roles: ["GROUP_OWNER"] }],
    teamIds: [teamId],
  });
  const result = await up(id, state, news);
  expect(result.diff).toEqual({ changes: true, replaces: [] });
  expect(result.id).toBe(id);
  expect(result.outs).toMatchObject({ status: phase, userId: outs.userId, roles: ["ORG_BILLING_ADMIN"], teamIds: [teamId] });
  expect(result.outs.projectRoles).toEqual([{ projectId, roles: ["GROUP_OWNER"] }]);
  if (phase === "PENDING") expect(result.outs.invitationExpiresAt).toBe(outs.invitationExpiresAt);

  const sent = await requestsSince(mark);
  expect(sent.map((r) => r.method)).not.toContain("POST"); // no new invitation, no removeRole
  expect(sent.map((r) => r.method)).not.toContain("DELETE");
  expect(sent.filter((r) => r.method === "PATCH")).toHaveLength(1);
  const all = await memberships("ada@example.com");
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ userId: outs.userId, status: phase, orgRoles: ["ORG_BILLING_ADMIN"] });
});

test("clock +31 days, refresh, up: EXPIRED, then a new invitation with a new expiry", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.advanceClock(emu, 31 * 86400);
  const read = await refresh(id, outs);
  expect(read.props!.status).toBe("INVITATION_EXPIRED");
  const inputs = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const result = await up(read.id!, read.props!, inputs);
  expect(result.diff).toMatchObject({ changes: true, replaces: ["status"], deleteBeforeReplace: true });
  expect(result.outs.status).toBe("PENDING");
  expect(Date.parse(result.outs.invitationExpiresAt!)).toBeGreaterThan(Date.parse(outs.invitationExpiresAt!) + 30 * DAY_MS);
  const all = await memberships("ada@example.com");
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ status: "PENDING", userId: result.outs.userId });
});

test("clock +31 days, up without refresh: the same re-invite (checked against the API first)", async () => {
  // Invite 31 days ago by the emulator's clock, then bring its clock back to now:
  // the stored expiry is in the past for both the provider and the emulator.
  await emulatorControl.setClock(emu, new Date(Date.now() - 31 * DAY_MS).toISOString());
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.setClock(emu, new Date().toISOString());
  expect(outs.status).toBe("PENDING");
  expect(Date.parse(outs.invitationExpiresAt!)).toBeLessThan(Date.now());

  const inputs = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const result = await up(id, outs, inputs);
  expect(result.diff).toEqual({ changes: true, replaces: [] });
  expect(result.outs.status).toBe("PENDING");
  expect(Date.parse(result.outs.invitationExpiresAt!)).toBeGreaterThan(Date.now() + 29 * DAY_MS);
  const all = await memberships("ada@example.com");
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ status: "PENDING", userId: result.outs.userId });
  // The next diff is clean, and reading by the (unchanged) id finds the new invitation.
  expect(await provider.diff(id, result.outs, inputs)).toEqual({ changes: false, replaces: [] });
  expect((await refresh(id, result.outs)).props).toMatchObject({ status: "PENDING", userId: result.outs.userId });
});

test("stored expiry passed but the person accepted meanwhile: up keeps the member, no re-invite", async () => {
  await emulatorControl.setClock(emu, new Date(Date.now() - 31 * DAY_MS).toISOString());
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, outs.userId!);
  await emulatorControl.setClock(emu, new Date().toISOString());
  const mark = await requestCount();
  const result = await up(id, outs, await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] }));
  expect(result.outs).toMatchObject({ status: "ACTIVE", userId: outs.userId });
  expect((await requestsSince(mark)).filter((r) => r.method !== "GET")).toEqual([]);
  expect(await memberships("ada@example.com")).toMatchObject([{ status: "ACTIVE" }]);
});

test("invitee rejects: no change by default; re-invited under on-expiry-or-rejection", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.rejectInvitation(emu, orgId, outs.userId!);
  const read = await refresh(id, outs);
  expect(read.props!.status).toBe("INVITATION_REJECTED");

  const byDefault = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  expect(await provider.diff(id, read.props!, byDefault)).toEqual({ changes: false, replaces: [] });

  const never = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"], reinvite: "never" });
  const neverDiff = await provider.diff(id, { ...read.props!, reinvite: "never" }, never);
  expect(neverDiff).toEqual({ changes: false, replaces: [] });

  const policy = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"], reinvite: "on-expiry-or-rejection" });
  const result = await up(id, { ...read.props!, reinvite: "on-expiry-or-rejection" }, policy);
  expect(result.diff.replaces).toEqual(["status"]);
  expect(result.outs).toMatchObject({ status: "PENDING", reinvite: "on-expiry-or-rejection" });
  expect(await memberships("ada@example.com")).toMatchObject([{ status: "PENDING" }]);
});

test("rejected, then the policy is switched to on-expiry-or-rejection in the same up: re-invited", async () => {
  const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.rejectInvitation(emu, orgId, outs.userId!);
  const read = await refresh(id, outs);
  const policy = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"], reinvite: "on-expiry-or-rejection" });
  const result = await up(id, read.props!, policy);
  expect(result.outs.status).toBe("PENDING");
});

describe("username already an active member", () => {
  let member: string;
  beforeEach(async () => {
    member = `member-${orgId}@example.com`;
    await emulatorControl.seed(emu, {
      cloudUsers: [{ username: member, firstName: "Mem", lastName: "Ber", roles: [{ orgId: orgId, roleName: "ORG_READ_ONLY" }] }],
    });
  });

  test("409 → a clear error naming the person and saying how to adopt", async () => {
    const inputs = await checked({ username: member, roles: ["ORG_MEMBER"] });
    await expect(provider.create(inputs)).rejects.toThrow(
      new RegExp(`^inviting ${member} to organization ${orgId}: ${member} is already a member of this organization \\(ACTIVE\\)\\. .*adopt: true.*Another Pulumi stack, tool or person may manage this membership`),
    );
    expect(await memberships(member)).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_READ_ONLY"] }]);
  });

  test("with adopt: adopted, roles brought to the declared ones, nothing duplicated", async () => {
    const { id, outs } = await create({ username: member, roles: ["ORG_MEMBER"], adopt: true });
    expect(outs).toMatchObject({ status: "ACTIVE", roles: ["ORG_MEMBER"], firstName: "Mem", adopt: true });
    expect(id).toBe(`${orgId}/${outs.userId}`);
    expect(await memberships(member)).toMatchObject([{ status: "ACTIVE", orgRoles: ["ORG_MEMBER"], userId: outs.userId }]);
  });
});

test("destroy while PENDING cancels the invitation; while ACTIVE removes the member; after an out-of-band removal succeeds", async () => {
  const pending = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  await provider.delete(pending.id, pending.outs);
  expect(await memberships("ada@example.com")).toEqual([]);

  const active = await create({ username: "bob@example.com", roles: ["ORG_MEMBER"] });
  await emulatorControl.acceptInvitation(emu, orgId, active.outs.userId!);
  await provider.delete(active.id, active.outs); // state still says PENDING: the user id is what counts
  expect(await memberships("bob@example.com")).toEqual([]);

  const gone = await create({ username: "carol@example.com", roles: ["ORG_MEMBER"] });
  await provider.delete(gone.id, gone.outs);
  await expect(provider.delete(gone.id, gone.outs)).resolves.toBeUndefined();
  expect(await refresh(gone.id, gone.outs)).toEqual({});
});

test("500 users in the org: the limit error reads clearly", async () => {
  await emulatorControl.seed(emu, {
    cloudUsers: Array.from({ length: 500 }, (_, i) => ({ username: `user${i}-${orgId}@example.com`, roles: [{ orgId: orgId, roleName: "ORG_MEMBER" }] })),
  });
  const inputs = await checked({ username: "one-too-many@example.com", roles: ["ORG_MEMBER"] });
  const err = await provider.create(inputs).catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toMatch(
    /^inviting one-too-many@example\.com to organization [a-f0-9]{24}: the organization has reached MongoDB Cloud's limit of 500 users .*Remove members or cancel pending invitations/,
  );
  expect((err as Error).message).toContain("MAX_USERS_PER_ORG_EXCEEDED");
});

test("lost response to the invitation POST: read back by username, one invitation, no error", async () => {
  await emulatorControl.setFaults(emu, [{ method: "POST", path: "/orgs/[a-f0-9]+/users$", reset: true, afterCommit: true, times: 1 }]);
  const { outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
  expect(outs.status).toBe("PENDING");
  expect(await memberships("ada@example.com")).toHaveLength(1);
  const sent = await requestsSince(0);
  expect(sent.filter((r) => r.method === "POST")).toHaveLength(1);
  // The answer was lost, so the provider looked the invitation up by username.
  expect(sent.some((r) => r.method === "GET" && r.path === `/api/atlas/v2/orgs/${orgId}/users`)).toBe(true);
});

test("get by {orgId}/{username} and by {orgId}/{userId}", async () => {
  const { outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"], reinvite: "never" });
  const byName = await refresh(`${orgId}/ada@example.com`, {} as OrgInvitationState);
  expect(byName.id).toBe(`${orgId}/${outs.userId}`);
  expect(byName.props).toMatchObject({ status: "PENDING", username: "ada@example.com", roles: ["ORG_MEMBER"], reinvite: "on-expiry" });
  const byId = await refresh(`${orgId}/${outs.userId}`, {} as OrgInvitationState);
  expect(byId.props).toMatchObject({ userId: outs.userId });
  expect(await refresh(`${orgId}/nobody@example.com`, {} as OrgInvitationState)).toEqual({});
});

test("a bad id for get says what an id looks like", async () => {
  await expect(provider.read("nonsense", {} as OrgInvitationState)).rejects.toThrow(/\{orgId\}\/\{userId\} or \{orgId\}\/\{username\}/);
});

describe("projectRoles and teamIds omitted: not managed; [] means none", () => {
  let member: string;
  beforeEach(async () => {
    member = `managed-${orgId}@example.com`;
    await emulatorControl.seed(emu, {
      cloudUsers: [
        {
          username: member,
          roles: [
            { orgId, roleName: "ORG_READ_ONLY" },
            { groupId: projectId, roleName: "GROUP_OWNER" },
          ],
          teamIds: [teamId],
        },
      ],
    });
  });

  test("adopting an ACTIVE member while declaring only roles keeps their project roles and teams", async () => {
    const mark = await requestCount();
    const { id, outs } = await create({ username: member, roles: ["ORG_MEMBER"], adopt: true });
    expect(outs).toMatchObject({ status: "ACTIVE", roles: ["ORG_MEMBER"], projectRoles: [{ projectId, roles: ["GROUP_OWNER"] }], teamIds: [teamId] });
    expect(await memberships(member)).toMatchObject([
      { status: "ACTIVE", orgRoles: ["ORG_MEMBER"], teamIds: [teamId], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_OWNER"] }] },
    ]);
    const patches = (await requestsSince(mark)).filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(1);
    expect(patches[0].bodyFields).toEqual(["roles"]); // no teamIds: [] resetting the teams

    // Nothing to do on the next up: what the resource does not declare is not compared.
    const inputs = await checked({ username: member, roles: ["ORG_MEMBER"], adopt: true });
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false, replaces: [] });
    expect((await refresh(id, outs)).props).toMatchObject({ projectRoles: [{ projectId, roles: ["GROUP_OWNER"] }], teamIds: [teamId] });
  });

  test("a role change with projectRoles and teamIds omitted keeps them; explicit [] removes them", async () => {
    const { id, outs } = await create({ username: member, roles: ["ORG_READ_ONLY"], adopt: true });
    const changed = await up(id, outs, await checked({ username: member, roles: ["ORG_BILLING_ADMIN"], adopt: true }));
    expect(changed.diff).toEqual({ changes: true, replaces: [] });
    expect(await memberships(member)).toMatchObject([
      { orgRoles: ["ORG_BILLING_ADMIN"], teamIds: [teamId], groupRoleAssignments: [{ groupId: projectId, groupRoles: ["GROUP_OWNER"] }] },
    ]);

    const cleared = await up(id, changed.outs, await checked({ username: member, roles: ["ORG_BILLING_ADMIN"], projectRoles: [], teamIds: [], adopt: true }));
    expect(cleared.diff).toEqual({ changes: true, replaces: [] });
    expect(cleared.outs).toMatchObject({ projectRoles: [], teamIds: [] });
    expect(await memberships(member)).toMatchObject([{ orgRoles: ["ORG_BILLING_ADMIN"], teamIds: [], groupRoleAssignments: [] }]);
  });

  test("state written before the inputs could be omitted (with [] stored) shows no change for omitted inputs", async () => {
    const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
    const oldState = { ...outs, projectRoles: [], teamIds: [] };
    expect(await provider.diff(id, oldState, await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"] }))).toEqual({ changes: false, replaces: [] });
    const declared = await checked({ username: "ada@example.com", roles: ["ORG_MEMBER"], teamIds: [teamId] });
    expect(await provider.diff(id, oldState, declared)).toEqual({ changes: true, replaces: [] });
  });

  test("a new invitation with them omitted sends neither field", async () => {
    const mark = await requestCount();
    await create({ username: "ada@example.com", roles: ["ORG_MEMBER"] });
    const posts = (await requestsSince(mark)).filter((r) => r.method === "POST");
    expect(posts.map((r) => r.bodyFields)).toEqual([["roles", "username"]]);
  });
});

describe("inputs not known yet in a preview (whole values from other resources' outputs)", () => {
  test.each([
    ["teamIds", { changes: true, replaces: [] }],
    ["roles", { changes: true, replaces: [] }],
    ["projectRoles", { changes: true, replaces: [] }],
    ["reinvite", { changes: true, replaces: [] }],
    ["platform", { changes: true, replaces: [] }],
    ["orgId", { changes: true, replaces: ["orgId"], deleteBeforeReplace: false }],
    ["username", { changes: true, replaces: ["username"], deleteBeforeReplace: false }],
  ])("%s unknown on an existing resource: check passes, diff answers %j", async (key, expected) => {
    const { id, outs } = await create({ username: "ada@example.com", roles: ["ORG_MEMBER"], teamIds: [teamId] });
    const news = { orgId, username: "ada@example.com", roles: ["ORG_MEMBER"], teamIds: [teamId], [key]: UNKNOWN };
    const result = await provider.check(outs, news);
    expect(result.failures ?? []).toEqual([]);
    const mark = await requestCount();
    expect(await provider.diff(id, outs, result.inputs as never)).toEqual(expected);
    expect(await requestCount()).toBe(mark);
  });
});

describe("role names are held to the platform's lists in check", () => {
  test.each([
    ["cloud-manager", "ORG_STREAM_PROCESSING_ADMIN"],
    ["cloud-manager", "ORG_BILLING_READ_ONLY"],
    ["ops-manager", "ORG_BILLING_READ_ONLY"],
  ])("%s: %s is refused, naming the property and the allowed roles", async (platform, role) => {
    const result = await provider.check({}, { orgId, username: "ada@example.com", roles: ["ORG_MEMBER", role], platform });
    expect(result.failures).toEqual([{ property: "roles[1]", reason: expect.stringContaining(`"${role}" is not an organization role on`) }]);
    for (const allowed of PLATFORM[platform as "cloud-manager" | "ops-manager"].invitationRoles.org) {
      expect(result.failures![0].reason).toContain(allowed);
    }
  });

  test("atlas and atlas-v1 (both the v2 org-users API) take every Atlas org role", async () => {
    for (const platform of ["atlas", "atlas-v1"]) {
      const result = await provider.check({}, { orgId, username: "ada@example.com", roles: ["ORG_STREAM_PROCESSING_ADMIN", "ORG_BILLING_READ_ONLY"], platform });
      expect(result.failures ?? []).toEqual([]);
    }
  });

  test("the stack's platform applies when the resource names none", async () => {
    await configureForEmulator(provider, emu, { platform: "cloud-manager" });
    const result = await provider.check({}, { orgId, username: "ada@example.com", roles: ["ORG_STREAM_PROCESSING_ADMIN"] });
    expect(result.failures).toEqual([{ property: "roles[0]", reason: expect.stringMatching(/not an organization role on Cloud Manager/) }]);
  });

  test("an unknown project role is refused with the Atlas project roles", async () => {
    const result = await provider.check({}, { orgId, username: "ada@example.com", roles: ["ORG_MEMBER"], projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY", "GROUP_FOO"] }] });
    expect(result.failures).toEqual([
      { property: "projectRoles[0].roles[1]", reason: expect.stringContaining(`"GROUP_FOO" is not a project role on Atlas: must be one of ${PLATFORM.atlas.invitationRoles.project.join(", ")}`) },
    ]);
    // A Cloud Manager project role is not an Atlas one.
    const cm = await provider.check({}, { orgId, username: "ada@example.com", roles: ["ORG_MEMBER"], projectRoles: [{ projectId, roles: ["GROUP_AUTOMATION_ADMIN"] }] });
    expect(cm.failures).toEqual([{ property: "projectRoles[0].roles[0]", reason: expect.stringMatching(/not a project role on Atlas/) }]);
  });
});
