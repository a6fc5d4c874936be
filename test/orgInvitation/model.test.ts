import { checkWith } from "../../provider/common/check";
import {
  inputsOfState,
  parseId,
  planDiff,
  stateFromInvitationV1,
  stateFromMemberV1,
  stateFromOrgUser,
} from "../../provider/orgInvitation/model";
import { toOrgUserBody as createBodyFromInputs, toOrgUserUpdateBody as updateBodyFromInputs } from "../../provider/memberships/atlas";
import { PLATFORM } from "../../provider/platform";
import { OrgInvitationInputsSchema, type OrgInvitationInputs, type OrgInvitationState } from "../../provider/orgInvitation/schema";
import { failureNaming } from "../support/checkFailures";

const ORG = "a".repeat(24);
const PROJECT = "b".repeat(24);
const TEAM = "c".repeat(24);
const USER = "d".repeat(24);
const NOW = new Date("2026-11-26T12:00:00Z");

function inputs(over: Record<string, unknown> = {}): OrgInvitationInputs {
  const result = checkWith(OrgInvitationInputsSchema, { orgId: ORG, username: "ada@example.com", roles: ["ORG_MEMBER"], ...over });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as OrgInvitationInputs;
}

function pendingState(over: Partial<OrgInvitationState> = {}): OrgInvitationState {
  return {
    ...inputs(),
    projectRoles: [],
    teamIds: [],
    userId: USER,
    status: "PENDING",
    invitationCreatedAt: "2026-11-20T12:00:00Z",
    invitationExpiresAt: "2026-12-20T12:00:00Z",
    inviterUsername: "owner@example.com",
    ...over,
  };
}

describe("check", () => {
  test("normalises: sorted roles, projects and teams, trimmed username, defaults", () => {
    const got = inputs({
      username: "  ada@example.com ",
      roles: ["ORG_MEMBER", "ORG_BILLING_ADMIN"],
      projectRoles: [
        { projectId: "f".repeat(24), roles: ["GROUP_READ_ONLY"] },
        { projectId: PROJECT, roles: ["GROUP_READ_ONLY", "GROUP_OWNER"] },
      ],
      teamIds: ["e".repeat(24), TEAM],
    });
    expect(got).toEqual({
      orgId: ORG,
      username: "ada@example.com",
      roles: ["ORG_BILLING_ADMIN", "ORG_MEMBER"],
      projectRoles: [
        { projectId: PROJECT, roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] },
        { projectId: "f".repeat(24), roles: ["GROUP_READ_ONLY"] },
      ],
      teamIds: [TEAM, "e".repeat(24)],
      reinvite: "on-expiry",
      adopt: false,
    });
  });

  test.each([
    [{ orgId: "ABC" }, "orgId", /24-character/],
    [{ username: "ada" }, "username", /email/],
    [{ roles: [] }, "roles", /at least one organization role/],
    [{ roles: ["ORG_KING"] }, "roles[0]", /ORG_OWNER/],
    [{ roles: ["ORG_MEMBER", "ORG_MEMBER"] }, "roles[1]", /duplicate/],
    [{ projectRoles: [{ projectId: PROJECT, roles: [] }] }, "projectRoles[0].roles", /at least one project role/],
    [{ projectRoles: [{ projectId: PROJECT, roles: ["read"] }] }, "projectRoles[0].roles[0]", /GROUP_READ_ONLY/],
    [
      { projectRoles: [{ projectId: PROJECT, roles: ["GROUP_OWNER"] }, { projectId: PROJECT, roles: ["GROUP_READ_ONLY"] }] },
      "projectRoles[1].projectId",
      /listed twice/,
    ],
    [{ projectRoles: [{ projectid: PROJECT, roles: ["GROUP_OWNER"] }] }, "projectRoles[0].projectid", /unknown property/],
    [{ projectRoles: [{ roles: ["GROUP_OWNER"] }] }, "projectRoles[0].projectId", /is required/],
    [{ username: undefined }, "username", /is required/],
    [{ roles: "ORG_MEMBER" }, "roles", /list of organization roles/],
    [{ teamIds: ["x"] }, "teamIds[0]", /team/],
    [{ reinvite: "always" }, "reinvite", /on-expiry-or-rejection/],
    [{ adopt: "yes" }, "adopt", /true or false/],
    [{ platform: "mars" }, "platform", /cloud-manager/],
    [{ role: ["ORG_MEMBER"] }, "role", /role/],
  ])("rejects %j at %s", (over, property, reason) => {
    const result = checkWith(OrgInvitationInputsSchema, { orgId: ORG, username: "ada@example.com", roles: ["ORG_MEMBER"], ...over });
    const failure = failureNaming(result.failures, property);
    expect(failure).toBeDefined();
    expect(failure!.reason).toMatch(reason);
  });
});

describe("mappers", () => {
  test("inputs → create body and update body", () => {
    const i = inputs({ projectRoles: [{ projectId: PROJECT, roles: ["GROUP_READ_ONLY"] }], teamIds: [TEAM] });
    expect(createBodyFromInputs(i)).toEqual({
      username: "ada@example.com",
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: PROJECT, groupRoles: ["GROUP_READ_ONLY"] }] },
      teamIds: [TEAM],
    });
    expect(updateBodyFromInputs(i)).toEqual({
      roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: PROJECT, groupRoles: ["GROUP_READ_ONLY"] }] },
      teamIds: [TEAM],
    });
  });

  test("omitted projectRoles and teamIds stay omitted, in the inputs and in the bodies; [] is sent as []", () => {
    const omitted = inputs();
    expect(omitted).not.toHaveProperty("projectRoles");
    expect(omitted).not.toHaveProperty("teamIds");
    expect(createBodyFromInputs(omitted)).toEqual({ username: "ada@example.com", roles: { orgRoles: ["ORG_MEMBER"] } });
    expect(updateBodyFromInputs(omitted)).toEqual({ roles: { orgRoles: ["ORG_MEMBER"] } });
    const none = inputs({ projectRoles: [], teamIds: [] });
    expect(updateBodyFromInputs(none)).toEqual({ roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [] }, teamIds: [] });
  });

  test("pending org user → state, with canonical instants and no active fields", () => {
    const state = stateFromOrgUser(
      ORG,
      {
        id: USER,
        username: "ada@example.com",
        orgMembershipStatus: "PENDING",
        roles: { orgRoles: ["ORG_MEMBER", "ORG_BILLING_ADMIN"], groupRoleAssignments: [{ groupId: PROJECT, groupRoles: ["GROUP_READ_ONLY"] }] },
        teamIds: [],
        invitationCreatedAt: "2026-11-26T12:00:00.000Z",
        invitationExpiresAt: "2026-12-26T12:00:00.000Z",
        inviterUsername: "owner@example.com",
      },
      { reinvite: "never", adopt: true, platform: undefined },
    );
    expect(state).toEqual({
      orgId: ORG,
      username: "ada@example.com",
      roles: ["ORG_BILLING_ADMIN", "ORG_MEMBER"],
      projectRoles: [{ projectId: PROJECT, roles: ["GROUP_READ_ONLY"] }],
      teamIds: [],
      reinvite: "never",
      adopt: true,
      userId: USER,
      status: "PENDING",
      invitationCreatedAt: "2026-11-26T12:00:00Z",
      invitationExpiresAt: "2026-12-26T12:00:00Z",
      inviterUsername: "owner@example.com",
    });
    expect(inputsOfState(state)).toEqual({
      orgId: ORG,
      username: "ada@example.com",
      roles: ["ORG_BILLING_ADMIN", "ORG_MEMBER"],
      projectRoles: [{ projectId: PROJECT, roles: ["GROUP_READ_ONLY"] }],
      teamIds: [],
      reinvite: "never",
      adopt: true,
    });
  });

  test("active org user → state with names; rejected one has a null expiry dropped", () => {
    const active = stateFromOrgUser(
      ORG,
      {
        id: USER,
        username: "ada@example.com",
        orgMembershipStatus: "ACTIVE",
        roles: { orgRoles: ["ORG_MEMBER"] },
        createdAt: "2026-01-01T00:00:00Z",
        firstName: "Ada",
        lastName: "Lovelace",
        lastAuth: "2026-11-26T10:00:00Z",
      },
      { reinvite: "on-expiry", adopt: false, platform: undefined },
    );
    expect(active).toMatchObject({ status: "ACTIVE", firstName: "Ada", lastName: "Lovelace", projectRoles: [], teamIds: [] });
    expect(active).not.toHaveProperty("invitationExpiresAt");
    const rejected = stateFromOrgUser(
      ORG,
      { id: USER, username: "ada@example.com", orgMembershipStatus: "INVITATION_REJECTED", roles: { orgRoles: ["ORG_MEMBER"] }, invitationExpiresAt: null },
      { reinvite: "on-expiry", adopt: false, platform: undefined },
    );
    expect(rejected.status).toBe("INVITATION_REJECTED");
    expect(rejected).not.toHaveProperty("invitationExpiresAt");
  });

  test("Cloud Manager invitation → PENDING, or INVITATION_EXPIRED once expiresAt has passed", () => {
    const inv = { id: USER, orgId: ORG, username: "ada@example.com", roles: ["ORG_MEMBER"], createdAt: "2026-11-01T00:00:00Z", expiresAt: "2026-12-01T00:00:00Z" };
    const local = { reinvite: "on-expiry" as const, adopt: false, platform: "cloud-manager" as const };
    expect(stateFromInvitationV1(inv, local, NOW)).toMatchObject({ status: "PENDING", invitationId: USER, invitationExpiresAt: "2026-12-01T00:00:00Z" });
    expect(stateFromInvitationV1({ ...inv, expiresAt: "2026-11-25T00:00:00Z" }, local, NOW).status).toBe("INVITATION_EXPIRED");
  });

  test("Cloud Manager member → ACTIVE with only this org's roles", () => {
    const state = stateFromMemberV1(
      ORG,
      {
        id: USER,
        username: "ada@example.com",
        firstName: "Ada",
        roles: [
          { orgId: ORG, roleName: "ORG_OWNER" },
          { orgId: "f".repeat(24), roleName: "ORG_MEMBER" },
          { groupId: PROJECT, roleName: "GROUP_READ_ONLY" },
        ],
      },
      { reinvite: "on-expiry", adopt: false, platform: "cloud-manager" },
      USER,
    );
    expect(state).toMatchObject({ status: "ACTIVE", roles: ["ORG_OWNER"], userId: USER, invitationId: USER, firstName: "Ada" });
  });

  test.each([
    [`${ORG}/${USER}`, { orgId: ORG, objectId: USER }],
    [`${ORG}/ada@example.com`, { orgId: ORG, username: "ada@example.com" }],
    [`${ORG}`, undefined],
    [`nothex/${USER}`, undefined],
    [`${ORG}/not-an-id`, undefined],
  ])("parseId(%s)", (id, expected) => {
    expect(parseId(id)).toEqual(expected);
  });

  test("platform families", () => {
    expect((["atlas", "atlas-v1", "cloud-manager", "ops-manager"] as const).map((p) => PLATFORM[p].membershipsApi)).toEqual(["atlas-v2", "atlas-v2", "public-v1", "public-v1"]);
  });
});

describe("planDiff", () => {
  const same = (state: OrgInvitationState) => inputsOfState(state);

  test.each<[string, Partial<OrgInvitationState>, Record<string, unknown>, { changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean }]>([
    ["unchanged pending", {}, {}, { changes: false, replaces: [] }],
    ["accepted (PENDING → ACTIVE) is not a change", { status: "ACTIVE", invitationExpiresAt: undefined, firstName: "Ada" }, {}, { changes: false, replaces: [] }],
    ["roles reordered is not a change", { roles: ["ORG_MEMBER", "ORG_BILLING_ADMIN"] }, { roles: ["ORG_BILLING_ADMIN", "ORG_MEMBER"] }, { changes: false, replaces: [] }],
    ["roles change updates in place", {}, { roles: ["ORG_OWNER"] }, { changes: true, replaces: [] }],
    ["roles change while ACTIVE updates in place", { status: "ACTIVE" }, { roles: ["ORG_OWNER"] }, { changes: true, replaces: [] }],
    ["project roles update in place", {}, { projectRoles: [{ projectId: PROJECT, roles: ["GROUP_OWNER"] }] }, { changes: true, replaces: [] }],
    ["teams update in place", {}, { teamIds: [TEAM] }, { changes: true, replaces: [] }],
    ["omitted projectRoles and teamIds are not compared", { projectRoles: [{ projectId: PROJECT, roles: ["GROUP_OWNER"] }], teamIds: [TEAM] }, { projectRoles: undefined, teamIds: undefined }, { changes: false, replaces: [] }],
    ["projectRoles: [] removes the member's project roles", { projectRoles: [{ projectId: PROJECT, roles: ["GROUP_OWNER"] }] }, { projectRoles: [] }, { changes: true, replaces: [] }],
    ["teamIds: [] removes the member's teams", { teamIds: [TEAM] }, { teamIds: [] }, { changes: true, replaces: [] }],
    ["reinvite policy is a (local) update", {}, { reinvite: "never" }, { changes: true, replaces: [] }],
    ["username change replaces", {}, { username: "bob@example.com" }, { changes: true, replaces: ["username"], deleteBeforeReplace: false }],
    ["username case only is not a change", {}, { username: "Ada@Example.com" }, { changes: false, replaces: [] }],
    ["orgId change replaces", {}, { orgId: "e".repeat(24) }, { changes: true, replaces: ["orgId"], deleteBeforeReplace: false }],
    ["EXPIRED (refreshed) re-invites by replace, deleting first", { status: "INVITATION_EXPIRED" }, {}, { changes: true, replaces: ["status"], deleteBeforeReplace: true }],
    ["EXPIRED under never: no change", { status: "INVITATION_EXPIRED", reinvite: "never" }, { reinvite: "never" }, { changes: false, replaces: [] }],
    ["REJECTED by default: no change", { status: "INVITATION_REJECTED" }, {}, { changes: false, replaces: [] }],
    ["REJECTED under on-expiry-or-rejection re-invites", { status: "INVITATION_REJECTED", reinvite: "on-expiry-or-rejection" }, { reinvite: "on-expiry-or-rejection" }, { changes: true, replaces: ["status"], deleteBeforeReplace: true }],
    ["PENDING with a stored expiry in the past: update (checked against the API)", { invitationExpiresAt: "2026-11-25T00:00:00Z" }, {}, { changes: true, replaces: [] }],
    ["PENDING with a past expiry under never: no change", { invitationExpiresAt: "2026-11-25T00:00:00Z", reinvite: "never" }, { reinvite: "never" }, { changes: false, replaces: [] }],
    ["ACTIVE with a stale expiry is not a change", { status: "ACTIVE", invitationExpiresAt: "2026-11-25T00:00:00Z" }, {}, { changes: false, replaces: [] }],
  ])("%s", (_name, oldOver, newOver, expected) => {
    const olds = pendingState(oldOver);
    const news = { ...same(pendingState(oldOver)), ...newOver } as OrgInvitationInputs;
    const got = planDiff(olds, news, "atlas-v2", NOW);
    expect(got.changes).toBe(expected.changes);
    expect(got.replaces).toEqual(expected.replaces);
    if (expected.deleteBeforeReplace !== undefined) expect(got.deleteBeforeReplace).toBe(expected.deleteBeforeReplace);
  });

  test("switching between Atlas and Cloud/Ops Manager APIs replaces", () => {
    const olds = pendingState();
    expect(planDiff(olds, same(olds), "public-v1", NOW).replaces).toEqual(["platform"]);
    const cm = pendingState({ invitationId: USER, platform: "cloud-manager" });
    expect(planDiff(cm, same(cm), "public-v1", NOW)).toEqual({ changes: false, replaces: [] });
  });

  test("ignores __provider", () => {
    const olds = { ...pendingState(), __provider: "old" } as OrgInvitationState;
    expect(planDiff(olds, same(pendingState()), "atlas-v2", NOW).changes).toBe(false);
  });
});
