/**
 * What MongoDB Cloud holds in the projects and organizations a stack
 * touches, read with the typed client operations (GET only: the client is
 * wrapped so that anything else throws before it is sent).
 */
import { listDatabaseUsers } from "../provider/client/operations/databaseUsers";
import {
  allPages,
  listOrgInvitationsV1,
  listOrgMembersV1,
  listOrgUsers,
  type RequestSender,
} from "../provider/client/operations/orgUsers";
import { listProjectUsers } from "../provider/client/operations/projectUsers";
import type { ApiRequest } from "../provider/client/request";
import { orgMemberStatus } from "../provider/memberships/atlas";
import { invitationStatus } from "../provider/memberships/publicV1";
import type { MembershipStatus } from "../provider/memberships/status";
import { PLATFORM, type Platform } from "../provider/platform";

export interface LiveDatabaseUser {
  projectId: string;
  databaseName: string;
  username: string;
  deleteAfterDate?: string;
}

export interface LiveMember {
  where: string;
  username: string;
  status: MembershipStatus;
  /** A pending invitation's expiry. */
  expiresAt?: string;
  roles: string[];
}

export interface Live {
  databaseUsers: LiveDatabaseUser[];
  orgMembers: LiveMember[];
  projectMembers: LiveMember[];
  /** What could not be listed on this platform, said in the report. */
  notListed: string[];
}

/** A sender that refuses anything but GET, and counts what it sent. */
export class ReadOnlySender implements RequestSender {
  gets = 0;
  constructor(private readonly inner: RequestSender) {}
  send<T>(req: ApiRequest): Promise<T> {
    if (req.method !== "GET") return Promise.reject(new Error(`audit is read-only: refused to send ${req.method} ${req.path}`));
    this.gets++;
    return this.inner.send<T>(req);
  }
}

function liveMember(where: string, username: string, status: MembershipStatus, expiresAt: string | null | undefined, roles: string[]): LiveMember {
  return { where, username, status, ...(expiresAt ? { expiresAt } : {}), roles };
}

export async function readLive(
  client: RequestSender,
  platform: Platform,
  scope: { projects: readonly string[]; orgs: readonly string[] },
  now: Date,
  pageSize = 500,
): Promise<Live> {
  const live: Live = { databaseUsers: [], orgMembers: [], projectMembers: [], notListed: [] };
  if (PLATFORM[platform].membershipsApi === "atlas-v2") {
    await Promise.all([
      ...scope.projects.map(async (projectId) => {
        const [dbUsers, members] = await Promise.all([
          allPages((p) => listDatabaseUsers(client, projectId, p), pageSize),
          allPages((p) => listProjectUsers(client, projectId, p), pageSize),
        ]);
        for (const u of dbUsers) {
          live.databaseUsers.push({ projectId, databaseName: u.databaseName, username: u.username, ...(u.deleteAfterDate ? { deleteAfterDate: u.deleteAfterDate } : {}) });
        }
        for (const m of members) live.projectMembers.push(liveMember(projectId, m.username, orgMemberStatus(m, now), m.invitationExpiresAt, m.roles ?? []));
      }),
      ...scope.orgs.map(async (orgId) => {
        for (const u of await allPages((p) => listOrgUsers(client, orgId, p), pageSize)) {
          live.orgMembers.push(liveMember(orgId, u.username, orgMemberStatus(u, now), u.invitationExpiresAt, u.roles.orgRoles ?? []));
        }
      }),
    ]);
  } else {
    // Cloud Manager / Ops Manager: org members and their pending invitations (v1.0).
    await Promise.all(
      scope.orgs.map(async (orgId) => {
        const [members, invitations] = await Promise.all([
          allPages((p) => listOrgMembersV1(client, orgId, p), pageSize),
          listOrgInvitationsV1(client, orgId),
        ]);
        for (const m of members) {
          const roles = (m.roles ?? []).filter((r) => r.orgId === orgId).map((r) => r.roleName);
          live.orgMembers.push(liveMember(orgId, m.username, "ACTIVE", undefined, roles));
        }
        for (const inv of invitations) live.orgMembers.push(liveMember(orgId, inv.username, invitationStatus(inv, now), inv.expiresAt, inv.roles));
      }),
    );
    if (scope.projects.length > 0) live.notListed.push(`project members and database users (${PLATFORM[platform].title} has no such lists in this tool yet)`);
  }
  const byKey = (a: { where?: string; projectId?: string; username: string }, b: typeof a) =>
    `${a.where ?? a.projectId}/${a.username}`.localeCompare(`${b.where ?? b.projectId}/${b.username}`);
  live.databaseUsers.sort(byKey);
  live.orgMembers.sort(byKey);
  live.projectMembers.sort(byKey);
  return live;
}
