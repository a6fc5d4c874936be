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
import { listTeams, listTeamUsers } from "../provider/client/operations/teams";
import { listUserCerts } from "../provider/client/operations/x509";
import { isNotFound } from "../provider/client/errors";
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

/** A person in a team. */
export interface LiveTeamMember {
  orgId: string;
  teamId: string;
  teamName: string;
  username: string;
  status: MembershipStatus;
}

/** An Atlas-managed X.509 certificate Atlas lists (valid, not expired) for a database user. */
export interface LiveCertificate {
  projectId: string;
  username: string;
  serialNumber: string;
  notAfter?: string;
}

export interface Live {
  databaseUsers: LiveDatabaseUser[];
  orgMembers: LiveMember[];
  projectMembers: LiveMember[];
  teamMembers: LiveTeamMember[];
  certificates: LiveCertificate[];
  /** Whether the organizations' teams were listed (not on a platform without teams). */
  teamsListed: boolean;
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

/**
 * The users whose certificates are listed: every database user with
 * Atlas-managed X.509 in the project, and every user a certificate of the
 * stack names (whose user may be gone: then it has none).
 */
async function readCertificates(client: RequestSender, projectId: string, usernames: readonly string[]): Promise<LiveCertificate[]> {
  const lists = await Promise.all(
    usernames.map(async (username) => {
      let listed;
      try {
        listed = await listUserCerts(client, { projectId, username });
      } catch (err) {
        if (isNotFound(err)) return []; // no such user any more: no certificate either
        throw err;
      }
      return listed.map((c) => ({ projectId, username, serialNumber: String(c._id), ...(c.notAfter ? { notAfter: c.notAfter } : {}) }));
    }),
  );
  return lists.flat();
}

/** Every team of the organization and who is in each. */
async function readTeamMembers(client: RequestSender, orgId: string, now: Date, pageSize: number): Promise<LiveTeamMember[]> {
  const teams = await allPages((p) => listTeams(client, orgId, p), pageSize);
  const perTeam = await Promise.all(
    teams.map(async (team) =>
      (await allPages((p) => listTeamUsers(client, orgId, team.id, p), pageSize)).map((u) => ({
        orgId,
        teamId: team.id,
        teamName: team.name,
        username: u.username,
        status: orgMemberStatus(u, now),
      })),
    ),
  );
  return perTeam.flat();
}

export async function readLive(
  client: RequestSender,
  platform: Platform,
  scope: { projects: readonly string[]; orgs: readonly string[]; certificateUsers?: ReadonlyMap<string, readonly string[]> },
  now: Date,
  pageSize = 500,
): Promise<Live> {
  const live: Live = { databaseUsers: [], orgMembers: [], projectMembers: [], teamMembers: [], certificates: [], teamsListed: PLATFORM[platform].supportsTeams, notListed: [] };
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
        const managed = dbUsers.filter((u) => u.x509Type === "MANAGED").map((u) => u.username);
        const certificateUsers = [...new Set([...managed, ...(scope.certificateUsers?.get(projectId) ?? [])])].sort();
        live.certificates.push(...(await readCertificates(client, projectId, certificateUsers)));
      }),
      ...scope.orgs.map(async (orgId) => {
        const [users, teamMembers] = await Promise.all([
          allPages((p) => listOrgUsers(client, orgId, p), pageSize),
          live.teamsListed ? readTeamMembers(client, orgId, now, pageSize) : Promise.resolve([]),
        ]);
        for (const u of users) live.orgMembers.push(liveMember(orgId, u.username, orgMemberStatus(u, now), u.invitationExpiresAt, u.roles.orgRoles ?? []));
        live.teamMembers.push(...teamMembers);
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
    if (scope.projects.length > 0) live.notListed.push(`project members, database users and certificates (${PLATFORM[platform].title} has no such lists in this tool yet)`);
    if (scope.orgs.length > 0 && !live.teamsListed) live.notListed.push(`team members (${PLATFORM[platform].title} has no teams in this tool yet)`);
  }
  const byKey = (a: { where?: string; projectId?: string; username: string }, b: typeof a) =>
    `${a.where ?? a.projectId}/${a.username}`.localeCompare(`${b.where ?? b.projectId}/${b.username}`);
  live.databaseUsers.sort(byKey);
  live.orgMembers.sort(byKey);
  live.projectMembers.sort(byKey);
  live.teamMembers.sort((a, b) => `${a.orgId}/${a.teamName}/${a.username}`.localeCompare(`${b.orgId}/${b.teamName}/${b.username}`));
  live.certificates.sort((a, b) => `${a.projectId}/${a.username}`.localeCompare(`${b.projectId}/${b.username}`) || Number(a.serialNumber) - Number(b.serialNumber));
  return live;
}
