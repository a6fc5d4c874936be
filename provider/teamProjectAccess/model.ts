/** Pure mappers of the TeamProjectAccess resource, named by direction. */
import type * as pulumi from "@pulumi/pulumi";
import type { TeamRoleResponse } from "../client/operations/teams";
import { changedKeys } from "../common/diff";
import { canonicalSet } from "../common/sets";
import type { TeamProjectAccessInputs, TeamProjectAccessState } from "./schema";

export function stateFromApi(projectId: string, found: TeamRoleResponse, local: Pick<TeamProjectAccessInputs, "adopt" | "platform">): TeamProjectAccessState {
  return {
    projectId,
    teamId: found.teamId,
    roles: canonicalSet(found.roleNames) as TeamProjectAccessState["roles"],
    adopt: local.adopt ?? false,
    ...(local.platform ? { platform: local.platform } : {}),
  };
}

/** Id `{projectId}/{teamId}`. */
export function formatId(state: Pick<TeamProjectAccessState, "projectId" | "teamId">): string {
  return `${state.projectId}/${state.teamId}`;
}

export function planDiff(olds: Partial<TeamProjectAccessState>, news: TeamProjectAccessInputs): pulumi.dynamic.DiffResult {
  return changedKeys(olds, news, { replace: ["projectId", "teamId"], update: ["roles", "adopt", "platform"], defaults: { adopt: false } });
}
