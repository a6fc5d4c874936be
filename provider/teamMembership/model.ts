/** Pure mappers of the TeamMembership resource, named by direction. */
import type * as pulumi from "@pulumi/pulumi";
import type { OrgUserResponse } from "../client/operations/orgUsers";
import { changedKeys } from "../common/diff";
import type { MembershipStatus } from "../memberships/status";
import type { TeamMembershipInputs, TeamMembershipState } from "./schema";

export function stateFromOrgUser(
  declared: Pick<TeamMembershipInputs, "orgId" | "teamId" | "adopt" | "platform">,
  user: OrgUserResponse,
  status: MembershipStatus,
): TeamMembershipState {
  return {
    orgId: declared.orgId,
    teamId: declared.teamId,
    username: user.username,
    adopt: declared.adopt ?? false,
    ...(declared.platform ? { platform: declared.platform } : {}),
    userId: user.id,
    status,
  };
}

export function inputsOfState(state: TeamMembershipState): TeamMembershipInputs {
  const { userId: _userId, status: _status, ...inputs } = state;
  return inputs;
}

/** Id `{orgId}/{teamId}/{username}`. */
export function formatId(state: Pick<TeamMembershipState, "orgId" | "teamId" | "username">): string {
  return `${state.orgId}/${state.teamId}/${state.username}`;
}

/** Who and which team replace; acceptance (PENDING → ACTIVE) is not a change. */
export function planDiff(olds: Partial<TeamMembershipState>, news: TeamMembershipInputs): pulumi.dynamic.DiffResult {
  return changedKeys(olds, news, {
    replace: ["orgId", "teamId", "username"],
    update: ["adopt", "platform"],
    defaults: { adopt: false },
    caseInsensitive: ["username"],
  });
}
