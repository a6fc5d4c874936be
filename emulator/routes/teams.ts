/**
 * Teams: Atlas v2 `/orgs/{orgId}/teams` (create, read, rename, delete; served
 * under 2023-01-01), one person in or out of a team (`:addUser` /
 * `:removeUser`, 2025-02-19), a team's members (`/teams/{teamId}/users`), and
 * a team's roles in a project (`/groups/{groupId}/teams`, 2023-01-01).
 *
 * Who is in a team lives in the org memberships (`teamIds`), so the org users
 * view shows it; a team's project roles live in `store.teamProjectRoles`, and
 * the project users view shows team members with `flattenTeams=true`.
 *
 * Limits (spec text): 250 teams per organization, 100 teams per project, 250
 * users per team. The spec documents no error codes for teams; the codes here
 * are the emulator's choice, in the style of Atlas's table
 * (`MAX_USERS_PER_TEAM_EXCEEDED` is in that table).
 */
import type { OrgMembershipRecord, Project, Team, TeamProjectRoleRecord } from "../store";
import { EmulatorError, type EmulatorContext, type Route, type RouteRequest } from "../types";
import { hexId } from "../ids";
import {
  assertCapacity,
  assertGroupRole,
  assertTeamsInOrg,
  findMembership,
  findMembershipByUsername,
  isLive,
  objectBody,
  orgUserView,
  requiredString,
  requireOrg,
  requireProject,
  stringList,
  sweepMemberships,
  syncCloudUser,
} from "./memberships";
import { paginate } from "./paging";
import { ATLAS_GROUP_ROLES } from "./roles";

export const MAX_TEAMS_PER_ORG = 250;
export const MAX_TEAMS_PER_PROJECT = 100;

const ORG_TEAMS = "/api/atlas/v2/orgs/{orgId}/teams";
const GROUP_TEAMS = "/api/atlas/v2/groups/{groupId}/teams";

function teamView(team: Team): Record<string, unknown> {
  return { id: team.id, name: team.name, links: [{ rel: "self", href: `/api/atlas/v2/orgs/${team.orgId}/teams/${team.id}` }] };
}

function teamRoleView(r: TeamProjectRoleRecord): Record<string, unknown> {
  return { teamId: r.teamId, roleNames: [...r.roleNames], links: [{ rel: "self", href: `/api/atlas/v2/groups/${r.groupId}/teams/${r.teamId}` }] };
}

function requireTeam(ctx: EmulatorContext, orgId: string, teamId: string): Team {
  requireOrg(ctx, orgId);
  assertTeamsInOrg(ctx, orgId, [teamId]);
  return ctx.store.teams.find((t) => t.id === teamId)!;
}

function teamOf(req: RouteRequest, ctx: EmulatorContext): Team {
  sweepMemberships(ctx);
  return requireTeam(ctx, req.params.orgId!, req.params.teamId!);
}

/** A team name: 1-64 characters, unique in the org, letter case aside. */
function checkedName(ctx: EmulatorContext, orgId: string, raw: string, self?: Team): string {
  const name = raw.trim();
  if (name === "" || name.length > 64) {
    throw new EmulatorError(400, "INVALID_ATTRIBUTE", "Invalid attribute name specified.", ["name"], {
      fields: [{ field: "name", description: "must be 1 to 64 characters" }],
    });
  }
  const taken = ctx.store.teams.find((t) => t.orgId === orgId && t !== self && t.name.toLowerCase() === name.toLowerCase());
  if (taken) throw new EmulatorError(409, "DUPLICATE_TEAM_NAME", `A team named ${name} already exists in organization ${orgId}.`, [name]);
  return name;
}

function notInOrg(username: string, orgId: string): EmulatorError {
  // Spec text of `:addUser`: an expired or rejected invitation does not count as belonging to the org.
  return new EmulatorError(400, "USER_NOT_IN_ORG", `User ${username} is not a member of organization ${orgId}.`, [username, orgId]);
}

function joinTeam(ctx: EmulatorContext, m: OrgMembershipRecord, team: Team): void {
  if (m.teamIds.includes(team.id)) return;
  assertCapacity(ctx, team.orgId, m.username, { teamIds: [team.id] });
  m.teamIds.push(team.id);
  syncCloudUser(ctx.store, m.username);
}

const listTeams: Route = {
  method: "GET",
  path: ORG_TEAMS,
  platform: "atlas-v2",
  handle(req, ctx) {
    const orgId = req.params.orgId!;
    requireOrg(ctx, orgId);
    const teams = ctx.store.teams.filter((t) => t.orgId === orgId).map(teamView);
    return { status: 200, body: paginate(teams, req.query, `/api/atlas/v2/orgs/${orgId}/teams`) };
  },
};

const createTeam: Route = {
  method: "POST",
  path: ORG_TEAMS,
  platform: "atlas-v2",
  handle(req, ctx) {
    sweepMemberships(ctx);
    const orgId = req.params.orgId!;
    requireOrg(ctx, orgId);
    const input = objectBody(req);
    const name = checkedName(ctx, orgId, requiredString(input, "name"), undefined);
    const members = stringList(input.usernames, "usernames").map((username) => {
      const m = findMembershipByUsername(ctx.store, orgId, username);
      if (!m || !isLive(m)) throw notInOrg(username, orgId);
      return m;
    });
    if (ctx.store.teams.filter((t) => t.orgId === orgId).length >= MAX_TEAMS_PER_ORG) {
      throw new EmulatorError(400, "MAX_TEAMS_PER_ORG_EXCEEDED", `Maximum number of teams per organization (${MAX_TEAMS_PER_ORG}) in ${orgId} exceeded.`, [
        MAX_TEAMS_PER_ORG,
        orgId,
      ]);
    }
    const team: Team = { id: hexId(), orgId, name };
    ctx.store.teams.push(team);
    members.forEach((m) => joinTeam(ctx, m, team));
    return { status: 200, body: { ...teamView(team), usernames: members.map((m) => m.username) } };
  },
};

const getTeam: Route = {
  method: "GET",
  path: `${ORG_TEAMS}/{teamId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    return { status: 200, body: teamView(teamOf(req, ctx)) };
  },
};

const getTeamByName: Route = {
  method: "GET",
  path: `${ORG_TEAMS}/byName/{teamName}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const orgId = req.params.orgId!;
    requireOrg(ctx, orgId);
    const name = req.params.teamName!;
    const team = ctx.store.teams.find((t) => t.orgId === orgId && t.name.toLowerCase() === name.toLowerCase());
    if (!team) throw new EmulatorError(404, "TEAM_NAME_NOT_FOUND", `No team named ${name} exists in organization ${orgId}.`, [name]);
    return { status: 200, body: teamView(team) };
  },
};

const renameTeam: Route = {
  method: "PATCH",
  path: `${ORG_TEAMS}/{teamId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const team = teamOf(req, ctx);
    team.name = checkedName(ctx, team.orgId, requiredString(objectBody(req), "name"), team);
    return { status: 200, body: teamView(team) };
  },
};

const deleteTeam: Route = {
  method: "DELETE",
  path: `${ORG_TEAMS}/{teamId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const team = teamOf(req, ctx);
    ctx.store.teams.splice(ctx.store.teams.indexOf(team), 1);
    ctx.store.teamProjectRoles = ctx.store.teamProjectRoles.filter((r) => r.teamId !== team.id);
    for (const m of ctx.store.orgMemberships.filter((x) => x.teamIds.includes(team.id))) {
      m.teamIds = m.teamIds.filter((id) => id !== team.id);
      syncCloudUser(ctx.store, m.username);
    }
    return { status: 204 };
  },
};

/** `:addUser` / `:removeUser`: one person (pending or active) in or out of the team; repeating either changes nothing. */
function teamUserChange(action: "add" | "remove"): Route {
  return {
    method: "POST",
    path: `${ORG_TEAMS}/{teamId}:${action}User`,
    platform: "atlas-v2",
    handle(req, ctx) {
      const team = teamOf(req, ctx);
      const userId = requiredString(objectBody(req), "id");
      const m = findMembership(ctx.store, team.orgId, userId);
      if (!m || !isLive(m)) throw notInOrg(m?.username ?? userId, team.orgId);
      if (action === "add") joinTeam(ctx, m, team);
      else {
        m.teamIds = m.teamIds.filter((id) => id !== team.id);
        syncCloudUser(ctx.store, m.username);
      }
      return { status: 200, body: orgUserView(ctx, m) };
    },
  };
}

const listTeamUsers: Route = {
  method: "GET",
  path: `${ORG_TEAMS}/{teamId}/users`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const team = teamOf(req, ctx);
    const username = req.query.get("username");
    const members = ctx.store.orgMemberships.filter(
      (m) => m.orgId === team.orgId && m.teamIds.includes(team.id) && (!username || m.username.toLowerCase() === username.toLowerCase()),
    );
    const selfPath = `/api/atlas/v2/orgs/${team.orgId}/teams/${team.id}/users`;
    if (req.version === "2023-01-01") {
      throw new EmulatorError(400, "VERSION_NOT_SUPPORTED", "The emulator serves team users under 2025-02-19 only.");
    }
    return { status: 200, body: paginate(members.map((m) => orgUserView(ctx, m)), req.query, selfPath) };
  },
};

// ---- a team's roles in a project ----

function teamRolesIn(ctx: EmulatorContext, groupId: string): TeamProjectRoleRecord[] {
  return ctx.store.teamProjectRoles.filter((r) => r.groupId === groupId);
}

function roleNames(raw: unknown, field: string, groupId: string): string[] {
  const roles = stringList(raw, field);
  if (roles.length === 0) throw new EmulatorError(400, "MISSING_ATTRIBUTE", `The required attribute ${field} was not specified.`, [field]);
  roles.forEach((r) => assertGroupRole(r, groupId, ATLAS_GROUP_ROLES));
  return roles;
}

function assignedTeam(req: RouteRequest, ctx: EmulatorContext): { project: Project; assigned: TeamProjectRoleRecord } {
  const project = requireProject(ctx, req.params.groupId!);
  const teamId = req.params.teamId!;
  assertTeamsInOrg(ctx, project.orgId, [teamId]);
  const assigned = ctx.store.teamProjectRoles.find((r) => r.groupId === project.id && r.teamId === teamId);
  if (!assigned) throw new EmulatorError(404, "TEAM_NOT_IN_GROUP", `Team ${teamId} is not in group ${project.id}.`, [teamId, project.id]);
  return { project, assigned };
}

const listProjectTeams: Route = {
  method: "GET",
  path: GROUP_TEAMS,
  platform: "atlas-v2",
  handle(req, ctx) {
    const project = requireProject(ctx, req.params.groupId!);
    return { status: 200, body: paginate(teamRolesIn(ctx, project.id).map(teamRoleView), req.query, `/api/atlas/v2/groups/${project.id}/teams`) };
  },
};

/** Adds teams to the project; a team already there gets the roles given (the spec documents no conflict). */
const addProjectTeams: Route = {
  method: "POST",
  path: GROUP_TEAMS,
  platform: "atlas-v2",
  handle(req, ctx) {
    const project = requireProject(ctx, req.params.groupId!);
    if (!Array.isArray(req.body)) throw new EmulatorError(400, "INVALID_JSON", "Received JSON does not match expected format.");
    const wanted = (req.body as Record<string, unknown>[]).map((item, i) => {
      const teamId = requiredString(item, "teamId");
      assertTeamsInOrg(ctx, project.orgId, [teamId]);
      return { teamId, groupId: project.id, roleNames: roleNames(item.roleNames, `[${i}].roleNames`, project.id) };
    });
    const present = new Set(teamRolesIn(ctx, project.id).map((r) => r.teamId));
    const joining = new Set(wanted.map((w) => w.teamId).filter((id) => !present.has(id)));
    if (present.size + joining.size > MAX_TEAMS_PER_PROJECT) {
      throw new EmulatorError(400, "MAX_TEAMS_PER_GROUP_EXCEEDED", `Maximum number of teams per group (${MAX_TEAMS_PER_PROJECT}) in ${project.id} exceeded.`, [
        MAX_TEAMS_PER_PROJECT,
        project.id,
      ]);
    }
    for (const w of wanted) {
      const existing = ctx.store.teamProjectRoles.find((r) => r.groupId === project.id && r.teamId === w.teamId);
      if (existing) existing.roleNames = w.roleNames;
      else ctx.store.teamProjectRoles.push(w);
    }
    const added = new Set(wanted.map((w) => w.teamId));
    const body = paginate(teamRolesIn(ctx, project.id).filter((r) => added.has(r.teamId)).map(teamRoleView), req.query, `/api/atlas/v2/groups/${project.id}/teams`);
    return { status: 200, body };
  },
};

const getProjectTeam: Route = {
  method: "GET",
  path: `${GROUP_TEAMS}/{teamId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    return { status: 200, body: teamRoleView(assignedTeam(req, ctx).assigned) };
  },
};

const updateProjectTeam: Route = {
  method: "PATCH",
  path: `${GROUP_TEAMS}/{teamId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const { project, assigned } = assignedTeam(req, ctx);
    assigned.roleNames = roleNames(objectBody(req).roleNames, "roleNames", project.id);
    return { status: 200, body: paginate([teamRoleView(assigned)], req.query, `/api/atlas/v2/groups/${project.id}/teams`) };
  },
};

const removeProjectTeam: Route = {
  method: "DELETE",
  path: `${GROUP_TEAMS}/{teamId}`,
  platform: "atlas-v2",
  handle(req, ctx) {
    const { assigned } = assignedTeam(req, ctx);
    ctx.store.teamProjectRoles.splice(ctx.store.teamProjectRoles.indexOf(assigned), 1);
    return { status: 204 };
  },
};

/** The roles `m` holds in a project through its teams (for `flattenTeams=true`). */
export function teamRolesInProject(ctx: EmulatorContext, m: OrgMembershipRecord, groupId: string): string[] {
  return [...new Set(teamRolesIn(ctx, groupId).filter((r) => m.teamIds.includes(r.teamId)).flatMap((r) => r.roleNames))];
}

export const routes: Route[] = [
  listTeams,
  createTeam,
  getTeamByName,
  getTeam,
  renameTeam,
  deleteTeam,
  teamUserChange("add"),
  teamUserChange("remove"),
  listTeamUsers,
  listProjectTeams,
  addProjectTeams,
  getProjectTeam,
  updateProjectTeam,
  removeProjectTeam,
];
