/**
 * The memberships layer: the one place that calls the org, project and
 * invitation endpoints. Per API family (`PLATFORM[p].membershipsApi`):
 * - `atlas.ts`: Atlas v2 org users and project users (Atlas and Atlas v1.0 accounts);
 * - `publicV1.ts`: Cloud Manager / Ops Manager invitations and org members;
 * - `teams.ts`: Atlas v2 team members and a team's project roles.
 * Resources get an account's role operations from {@link accountRolesFor}, or
 * call a family's org-membership operations directly.
 */
import type { RequestSender } from "../client/operations/orgUsers";
import { PLATFORM, type Platform } from "../platform";
import * as atlas from "./atlas";
import * as publicV1 from "./publicV1";
import * as teams from "./teams";
import type { AccountRole } from "./roles";

export { atlas, publicV1, teams };

export interface AccountRoles {
  /** Grants `change.add` and withdraws `change.remove` (dead invitations are replaced by new ones). */
  apply(
    client: RequestSender,
    user: { id: string; username: string; activeRoles: readonly AccountRole[] },
    change: atlas.RoleChange,
    now: Date,
  ): Promise<void>;
  /** Takes `roles` away (memberships and waiting invitations), keeping what `kept` needs. */
  remove(client: RequestSender, user: { id: string; username: string }, roles: readonly AccountRole[], kept: readonly AccountRole[], now: Date): Promise<void>;
  /** The standing of declared roles the account does not hold: pending, expired, rejected or revoked. */
  standings(
    client: RequestSender,
    user: { id: string; username: string; declared: readonly AccountRole[] },
    candidates: readonly AccountRole[],
    /** Undefined: invitations just sent, judged by the API's status alone. */
    now: Date | undefined,
  ): Promise<atlas.Standings>;
  /** Withdraws the invitations still waiting for `roles`; answers the orgs whose invitation went. */
  withdrawInvitations(client: RequestSender, username: string, roles: readonly AccountRole[]): Promise<string[]>;
  /** The roles the person's invitations to the orgs `orgIds` carry (not yet accepted, whatever their status). */
  invitedRoles(client: RequestSender, username: string, orgIds: Iterable<string>): Promise<AccountRole[]>;
}

const ATLAS: AccountRoles = {
  apply: (client, user, change, now) => atlas.applyRoleChanges(client, user, change, now),
  remove: (client, user, roles, kept, now) => atlas.removeRoles(client, user, roles, kept, now),
  standings: (client, user, candidates, now) => atlas.roleStandings(client, user, candidates, now),
  // On Atlas a waiting invitation is a PENDING membership: removing the roles withdraws it.
  withdrawInvitations: async () => [],
  invitedRoles: (client, username, orgIds) => atlas.invitedRoles(client, username, orgIds),
};

const PUBLIC_V1: AccountRoles = {
  apply: (client, user, change, now) => publicV1.applyRoleChanges(client, user, change, now),
  remove: (client, user, roles, kept) => publicV1.removeRoles(client, user, roles, kept),
  standings: (client, user, candidates, now) => publicV1.roleStandings(client, user, candidates, now),
  withdrawInvitations: (client, username, roles) => publicV1.withdrawInvitations(client, username, roles),
  invitedRoles: (client, username, orgIds) => publicV1.invitedRoles(client, username, orgIds),
};

export function accountRolesFor(platform: Platform): AccountRoles {
  return PLATFORM[platform].membershipsApi === "atlas-v2" ? ATLAS : PUBLIC_V1;
}
