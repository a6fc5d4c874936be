/**
 * ProjectMembership, Team, TeamMembership and TeamProjectAccess through the
 * real Pulumi engine, against the emulator, on one shared stack (few engine
 * runs): create, a preview that plans nothing, drift shown by refresh and
 * undone by up, updates in place, deletes made outside Pulumi (refresh drops,
 * up recreates), the invitation lifecycle (pending → accepted, expired →
 * re-sent), adopt, `get`, the platform check at preview, and destroy. Changes
 * made "by hand" go over plain HTTP, not through the provider's code.
 */
import { randomBytes } from "node:crypto";
import { ProjectMembership, Team, TeamMembership, TeamProjectAccess } from "../../provider";
import { apiClient, serviceAccountToken, type ApiCall, type ApiResponse } from "../support/atlasApi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { atlasType, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { expectStateMatchesEmulator } from "../support/invariants";

jest.setTimeout(240_000);

const DAY_MS = 24 * 60 * 60 * 1000;
const V1 = "2023-01-01";
const V2 = "2025-02-19";

interface Store {
  teams: { id: string; orgId: string; name: string }[];
  teamProjectRoles: { teamId: string; groupId: string; roleNames: string[] }[];
  orgMemberships: { userId: string; orgId: string; username: string; status: string; teamIds: string[]; groupRoleAssignments: { groupId: string; groupRoles: string[] }[] }[];
}

interface Knobs {
  teamName?: string;
  teamRoles?: string[];
  carolRoles?: string[];
  /** Adds grace (a second ProjectMembership) for the expiry scenario. */
  grace?: boolean;
  /** Adds the adopting resources (legacy team, bob). */
  adopt?: boolean;
  /** Reads existing ones with `get`. */
  getIds?: { team: string; membership: string };
  /** A team on a platform without the teams API. */
  wrongPlatform?: boolean;
}

describeEngine("ProjectMembership, Team, TeamMembership, TeamProjectAccess through the engine on Atlas", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let orgId: string;
  let projectId: string;
  let adaId: string;
  let teamId: string;
  let carolId: string;

  /** One call over plain HTTP as an administrator would make it (a fresh token: the clock may have moved). */
  async function byHand(c: ApiCall): Promise<ApiResponse> {
    const res = await apiClient(emu, await serviceAccountToken(emu))(c);
    if (res.status >= 300) throw new Error(`${c.method} ${c.path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  const store = async () => (await emulatorControl.state(emu)) as unknown as Store;
  const member = async (username: string) => (await store()).orgMemberships.find((m) => m.orgId === orgId && m.username === username);
  const projectRolesOf = async (username: string) => (await member(username))?.groupRoleAssignments.find((a) => a.groupId === projectId)?.groupRoles.sort();
  /**
   * The reliability invariant: the emulator and the state hold the same teams,
   * team members, team access and memberships. ada and bob were seeded (bob
   * is the stack's once adopted); an account made by accepting an invitation
   * is not the stack's, its memberships are.
   */
  const invariant = (except: { outsideStack?: string[]; retainedAccounts?: string[] } = {}) =>
    expectStateMatchesEmulator(stack, emu, { outsideStack: except.outsideStack ?? ["ada@example.com", "bob@example.com"], retainedAccounts: except.retainedAccounts });
  const writes = async () => (await emulatorControl.requests(emu)).filter((r) => r.auth !== "digest-challenge" && !r.path.startsWith("/api/oauth") && r.method !== "GET");

  function program(k: Knobs = {}) {
    return async () => {
      const team = new Team("platform", { orgId, name: k.teamName ?? "platform" });
      const access = new TeamProjectAccess("platform-app", { projectId, teamId: team.teamId, roles: (k.teamRoles ?? ["GROUP_READ_ONLY"]) as never });
      const ada = new TeamMembership("ada", { orgId, teamId: team.teamId, username: "ada@example.com" });
      const carol = new ProjectMembership("carol", { projectId, username: "carol@example.com", roles: (k.carolRoles ?? ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]) as never });
      const out: Record<string, unknown> = {
        teamId: team.teamId,
        teamName: team.name,
        accessRoles: access.roles,
        adaStatus: ada.status,
        adaUserId: ada.userId,
        carolUserId: carol.userId,
        carolStatus: carol.status,
        carolRoles: carol.roles,
        carolHeld: carol.heldRoles,
        carolExpires: carol.invitationExpiresAt,
      };
      if (k.grace) {
        const grace = new ProjectMembership("grace", { projectId, username: "grace@example.com", roles: ["GROUP_READ_ONLY"] });
        Object.assign(out, { graceStatus: grace.status, graceExpires: grace.invitationExpiresAt });
      }
      if (k.adopt) {
        const legacy = new Team("legacy", { orgId, name: "legacy", adopt: true });
        new TeamProjectAccess("legacy-app", { projectId, teamId: legacy.teamId, roles: ["GROUP_OWNER"], adopt: true });
        new TeamMembership("bob-legacy", { orgId, teamId: legacy.teamId, username: "bob@example.com", adopt: true });
        const bob = new ProjectMembership("bob", { projectId, username: "bob@example.com", roles: ["GROUP_READ_ONLY"], adopt: true });
        Object.assign(out, { legacyId: legacy.teamId, bobHeld: bob.heldRoles, bobBefore: bob.rolesBefore });
      }
      if (k.getIds) {
        const seenTeam = Team.get("seen-team", k.getIds.team);
        const seenMember = ProjectMembership.get("seen-carol", k.getIds.membership);
        const seenAda = TeamMembership.get("seen-ada", `${orgId}/${k.getIds.team.split("/")[1]}/ada@example.com`);
        const seenAccess = TeamProjectAccess.get("seen-access", `${projectId}/${k.getIds.team.split("/")[1]}`);
        Object.assign(out, {
          seenTeamName: seenTeam.name,
          seenRoles: seenMember.roles,
          seenStatus: seenMember.status,
          seenAdaUserId: seenAda.userId,
          seenAccessRoles: seenAccess.roles,
        });
      }
      if (k.wrongPlatform) new Team("cm", { orgId, name: "cm", platform: "cloud-manager" });
      return out;
    };
  }

  beforeAll(async () => {
    emu = await startTestEmulator();
    orgId = randomBytes(12).toString("hex");
    projectId = randomBytes(12).toString("hex");
    const seeded = (await emulatorControl.seed(emu, {
      orgs: [{ id: orgId }],
      projects: [{ id: projectId, orgId, name: "app" }],
      cloudUsers: [
        { username: "ada@example.com", firstName: "Ada", lastName: "Lovelace", roles: [{ orgId, roleName: "ORG_MEMBER" }] },
        { username: "bob@example.com", firstName: "Bob", lastName: "Builder", roles: [{ orgId, roleName: "ORG_MEMBER" }, { groupId: projectId, roleName: "GROUP_OWNER" }] },
      ],
    })) as { cloudUsers: { id: string; username: string }[] };
    adaId = seeded.cloudUsers.find((u) => u.username === "ada@example.com")!.id;
    stack = await createEngineStack({ emulator: emu, program: program() });
  });

  afterAll(async () => {
    await stack?.dispose();
    await emu?.close();
  });

  test("create: a team with project roles and a member; a newcomer invited to the project; a second preview plans nothing and sends nothing", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 4 });
    teamId = up.outputs.teamId as string;
    carolId = up.outputs.carolUserId as string;
    expect(up.outputs).toMatchObject({
      teamName: "platform",
      accessRoles: ["GROUP_READ_ONLY"],
      adaStatus: "ACTIVE",
      adaUserId: adaId,
      carolStatus: "PENDING",
      carolRoles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"],
    });
    expect(Date.parse(up.outputs.carolExpires as string)).toBeGreaterThan(Date.now() + 29.9 * DAY_MS);
    const s = await store();
    expect(s.teams).toEqual(expect.arrayContaining([{ id: teamId, orgId, name: "platform" }]));
    expect(s.teamProjectRoles).toEqual([{ teamId, groupId: projectId, roleNames: ["GROUP_READ_ONLY"] }]);
    expect((await member("ada@example.com"))?.teamIds).toEqual([teamId]);
    expect(await member("carol@example.com")).toMatchObject({ status: "PENDING" });
    expect(await projectRolesOf("carol@example.com")).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    const ids = (await stack.resources()).map((r) => `${r.type.split(":").pop()} ${r.id}`).sort();
    expect(ids).toEqual(
      [
        `ProjectMembership ${projectId}/carol@example.com`,
        `Team ${orgId}/${teamId}`,
        `TeamMembership ${orgId}/${teamId}/ada@example.com`,
        `TeamProjectAccess ${projectId}/${teamId}`,
      ].sort(),
    );

    await invariant();

    await emulatorControl.clearRequests(emu);
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 4 });
    expect(await emulatorControl.requests(emu)).toEqual([]);
  });

  test("drift: rename, roles and a member changed by hand show after refresh; up restores what is declared, roles others gave stay", async () => {
    await byHand({ method: "PATCH", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1, body: { name: "renamed" } });
    await byHand({ method: "PATCH", path: `/api/atlas/v2/groups/${projectId}/teams/${teamId}`, version: V1, body: { teamId, roleNames: ["GROUP_OWNER"] } });
    await byHand({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}:removeUser`, version: V2, body: { id: adaId } });
    await byHand({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/users/${carolId}:removeRole`, version: V2, body: { groupRole: "GROUP_DATA_ACCESS_READ_ONLY" } });
    await byHand({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/users/${carolId}:addRole`, version: V2, body: { groupRole: "GROUP_SEARCH_INDEX_EDITOR" } });

    const refresh = await stack.refresh();
    expect(refresh.summary).toMatchObject({ delete: 1 }); // ada is no longer in the team: dropped
    const all = await stack.resources(); // one export for every check below
    const byType = (t: "Team" | "TeamMembership" | "TeamProjectAccess" | "ProjectMembership") => all.filter((r) => r.type === atlasType(t)).map((r) => r.outputs);
    expect(byType("Team")).toMatchObject([{ name: "renamed" }]);
    expect(byType("TeamProjectAccess")).toMatchObject([{ roles: ["GROUP_OWNER"] }]);
    expect(byType("ProjectMembership")).toMatchObject([{ roles: ["GROUP_READ_ONLY"], heldRoles: ["GROUP_READ_ONLY", "GROUP_SEARCH_INDEX_EDITOR"] }]);
    expect(byType("TeamMembership")).toEqual([]);

    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 1, update: 3, replace: 0, delete: 0 });
    expect(up.outputs).toMatchObject({ teamName: "platform", accessRoles: ["GROUP_READ_ONLY"], carolRoles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"] });
    expect(await projectRolesOf("carol@example.com")).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY", "GROUP_SEARCH_INDEX_EDITOR"]);
    expect((await member("ada@example.com"))?.teamIds).toEqual([teamId]);
    await invariant();
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 4 });
  });

  test("the invitee accepts: refresh shows ACTIVE, acceptance is not a change", async () => {
    await emulatorControl.acceptInvitation(emu, orgId, carolId);
    await stack.refresh();
    expect((await stack.resources(atlasType("ProjectMembership")))[0].outputs).toMatchObject({ status: "ACTIVE", userId: carolId });
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ update: 0, replace: 0, same: 4 });
  });

  test("update in place: rename, the team's roles, and the difference of a member's roles (one add, one removeRole)", async () => {
    stack.setProgram(program({ teamName: "platform-eng", teamRoles: ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"], carolRoles: ["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"] }));
    await emulatorControl.clearRequests(emu);
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 3, replace: 0, create: 0, delete: 0, same: 1 });
    expect(up.outputs).toMatchObject({ teamId, teamName: "platform-eng", accessRoles: ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"], carolUserId: carolId });
    expect((await writes()).map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        `PATCH /api/atlas/v2/orgs/${orgId}/teams/${teamId}`,
        `PATCH /api/atlas/v2/groups/${projectId}/teams/${teamId}`,
        `POST /api/atlas/v2/groups/${projectId}/users/${carolId}:addRole`,
        `POST /api/atlas/v2/groups/${projectId}/users/${carolId}:removeRole`,
      ].sort(),
    );
    // GROUP_SEARCH_INDEX_EDITOR was given by someone else: it stays.
    expect(await projectRolesOf("carol@example.com")).toEqual(["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY", "GROUP_SEARCH_INDEX_EDITOR"]);
  });

  test("deleted outside Pulumi: refresh drops the team (its member and access went with it) and the project member; up recreates them", async () => {
    await byHand({ method: "DELETE", path: `/api/atlas/v2/orgs/${orgId}/teams/${teamId}`, version: V1 });
    await byHand({ method: "DELETE", path: `/api/atlas/v2/groups/${projectId}/users/${carolId}`, version: V2 });
    const refresh = await stack.refresh();
    expect(refresh.summary).toMatchObject({ delete: 4 });
    expect(await stack.resources()).toEqual([]);

    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 4 });
    teamId = up.outputs.teamId as string;
    expect((await store()).teamProjectRoles).toEqual([{ teamId, groupId: projectId, roleNames: ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"] }]);
    expect(await projectRolesOf("carol@example.com")).toEqual(["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"]);
    expect(up.outputs.carolStatus).toBe("ACTIVE"); // carol is still an org member: added directly
    await invariant({ retainedAccounts: ["carol@example.com"] });
  });

  test("an invitation that expires unaccepted is re-sent by the next up, without a refresh", async () => {
    const knobs = { teamName: "platform-eng", teamRoles: ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"], carolRoles: ["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"], grace: true };
    stack.setProgram(program(knobs));
    await emulatorControl.setClock(emu, new Date(Date.now() - 31 * DAY_MS).toISOString());
    const first = await stack.up();
    await emulatorControl.setClock(emu, new Date().toISOString());
    expect(first.outputs.graceStatus).toBe("PENDING");
    expect(Date.parse(first.outputs.graceExpires as string)).toBeLessThan(Date.now());

    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(up.outputs.graceStatus).toBe("PENDING");
    expect(Date.parse(up.outputs.graceExpires as string)).toBeGreaterThan(Date.now() + 29 * DAY_MS);
    expect(await member("grace@example.com")).toMatchObject({ status: "PENDING" });
    const again = await stack.preview();
    expect(again.changeSummary).toMatchObject({ update: 0, replace: 0, create: 0 });
  });

  test("adopt: existing team, access, team member and project member are taken over; get reads by id; a platform without teams fails at preview", async () => {
    const legacy = await byHand({ method: "POST", path: `/api/atlas/v2/orgs/${orgId}/teams`, version: V1, body: { name: "legacy", usernames: ["bob@example.com"] } });
    const legacyId = legacy.body.id as string;
    await byHand({ method: "POST", path: `/api/atlas/v2/groups/${projectId}/teams`, version: V1, body: [{ teamId: legacyId, roleNames: ["GROUP_READ_ONLY"] }] });

    const base = { teamName: "platform-eng", teamRoles: ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"], carolRoles: ["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"] };
    await emulatorControl.clearRequests(emu);
    await expect(stack.preview({ program: program({ ...base, wrongPlatform: true }) })).rejects.toThrow(/Team is not available on Cloud Manager.*platform to "atlas"/s);
    expect(await writes()).toEqual([]);

    stack.setProgram(program({ ...base, adopt: true, getIds: { team: `${orgId}/${teamId}`, membership: `${projectId}/carol@example.com` } }));
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 4, delete: 1 }); // grace left the program
    expect(up.outputs).toMatchObject({
      legacyId,
      bobHeld: ["GROUP_OWNER", "GROUP_READ_ONLY"],
      bobBefore: ["GROUP_OWNER"],
      seenTeamName: "platform-eng",
      seenRoles: ["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"],
      seenStatus: "ACTIVE",
      seenAdaUserId: adaId,
      seenAccessRoles: ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"],
    });
    expect((await store()).teamProjectRoles.find((r) => r.teamId === legacyId)?.roleNames).toEqual(["GROUP_OWNER"]);
    await invariant({ outsideStack: ["ada@example.com"], retainedAccounts: ["bob@example.com", "carol@example.com"] });
  });

  test("destroy removes what the program made, and of what it adopted only what it added", async () => {
    const result = await stack.destroy();
    expect(result.summary.delete).toBeGreaterThanOrEqual(8);
    const s = await store();
    expect(s.teams.filter((t) => t.orgId === orgId)).toEqual([]);
    expect(s.teamProjectRoles).toEqual([]);
    expect(await projectRolesOf("carol@example.com")).toBeUndefined();
    // bob held GROUP_OWNER before adoption: it stays; the GROUP_READ_ONLY this program added is gone.
    expect(await projectRolesOf("bob@example.com")).toEqual(["GROUP_OWNER"]);
    expect(await member("ada@example.com")).toMatchObject({ status: "ACTIVE", teamIds: [] });
    // carol, who accepted, stays a member of the organization (ORG_MEMBER, given by the API with the invitation); nothing else of the stack is left.
    expect(await member("carol@example.com")).toMatchObject({ status: "ACTIVE", groupRoleAssignments: [] });
    expect(await member("grace@example.com")).toBeUndefined();
    expect(await invariant({ outsideStack: ["ada@example.com", "bob@example.com", "carol@example.com"] })).toMatchObject({ teams: [], teamMembers: [], teamProjects: [] });
  });
});
