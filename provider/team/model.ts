/** Pure mappers of the Team resource, named by direction. */
import type * as pulumi from "@pulumi/pulumi";
import type { TeamResponse } from "../client/operations/teams";
import { changedKeys } from "../common/diff";
import type { TeamInputs, TeamState } from "./schema";

export function stateFromApi(orgId: string, team: TeamResponse, local: Pick<TeamInputs, "adopt" | "platform">): TeamState {
  return { orgId, name: team.name, adopt: local.adopt ?? false, ...(local.platform ? { platform: local.platform } : {}), teamId: team.id };
}

export function inputsOfState(state: TeamState): TeamInputs {
  const { teamId: _teamId, ...inputs } = state;
  return inputs;
}

/** Id `{orgId}/{teamId}`. */
export function formatId(state: Pick<TeamState, "orgId" | "teamId">): string {
  return `${state.orgId}/${state.teamId}`;
}

/** A new organization replaces the team; a new name renames it. */
export function planDiff(olds: Partial<TeamState>, news: TeamInputs): pulumi.dynamic.DiffResult {
  return changedKeys(olds, news, { replace: ["orgId"], update: ["name", "adopt", "platform"], defaults: { adopt: false } });
}
