/**
 * Team memberships on Atlas (Admin API v2): a person in a team (`:addUser` /
 * `:removeUser`, both safe to repeat) and a team's roles in a project
 * (`/groups/{groupId}/teams`). Who is in a team shows in the org user's
 * `teamIds` (`findOrgMember`).
 */
import { hasErrorCode, isNotFound } from "../client/errors";
import type { OrgUserResponse, RequestSender } from "../client/operations/orgUsers";
import {
  addProjectTeam,
  changeTeamUser,
  getProjectTeam,
  removeProjectTeam,
  updateProjectTeam,
  type TeamRoleResponse,
} from "../client/operations/teams";
import { orUndefined } from "../common/errors";
import { createOnce, resendIfAnswerLost } from "../common/lostResponse";
import { sameSet } from "../common/sets";
import { isGone } from "./atlas";

/** No such team, or the team has no access to the project: for a read or a removal, nothing there. */
function noAccess(err: unknown): boolean {
  return isNotFound(err) || hasErrorCode(err, "TEAM_NOT_IN_GROUP");
}

/** Adds an org member (pending or active) to the team; already in it counts as done. */
export function joinTeam(client: RequestSender, orgId: string, teamId: string, userId: string): Promise<OrgUserResponse> {
  return resendIfAnswerLost(() => changeTeamUser(client, orgId, teamId, "addUser", userId));
}

/** Takes the person out of the team; not in it (or no longer in the org, or no team) counts as done. */
export async function leaveTeam(client: RequestSender, orgId: string, teamId: string, userId: string): Promise<void> {
  await orUndefined(
    resendIfAnswerLost(() => changeTeamUser(client, orgId, teamId, "removeUser", userId)),
    isGone,
  );
}

/** The team's roles in the project; undefined when the team has no access there. */
export function findTeamProjectRoles(client: RequestSender, projectId: string, teamId: string): Promise<TeamRoleResponse | undefined> {
  return orUndefined(getProjectTeam(client, projectId, teamId), noAccess);
}

/**
 * Gives the team access to the project with `roles`, once: after a lost
 * answer the team found there with exactly these roles is ours; a team
 * already there otherwise goes to `onTaken` (adopt or refuse). The API's
 * POST documents no conflict, so the caller looks first and calls
 * `onTaken` itself for a team already there.
 */
export function grantTeamProjectRoles(
  client: RequestSender,
  projectId: string,
  teamId: string,
  roles: readonly string[],
  onTaken: (found: TeamRoleResponse | undefined, err: unknown) => Promise<TeamRoleResponse>,
): Promise<TeamRoleResponse> {
  return createOnce({
    send: async () => {
      const page = await addProjectTeam(client, projectId, teamId, roles);
      return page.results.find((r) => r.teamId === teamId) ?? { teamId, roleNames: [...roles] };
    },
    lookUp: () => findTeamProjectRoles(client, projectId, teamId),
    isOurs: (found) => sameSet(found.roleNames, roles),
    onConflict: onTaken,
  });
}

/** Replaces the team's roles in the project (absolute: safe to resend). */
export async function setTeamProjectRoles(client: RequestSender, projectId: string, teamId: string, roles: readonly string[]): Promise<TeamRoleResponse> {
  const page = await resendIfAnswerLost(() => updateProjectTeam(client, projectId, teamId, roles));
  return page.results.find((r) => r.teamId === teamId) ?? { teamId, roleNames: [...roles] };
}

/** Takes the team's access to the project away; none already counts as done. */
export async function removeTeamFromProject(client: RequestSender, projectId: string, teamId: string): Promise<void> {
  await orUndefined(removeProjectTeam(client, projectId, teamId), noAccess);
}
