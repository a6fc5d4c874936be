/**
 * The reliability invariant: after any run, faulty or not, what the emulator
 * holds and what Pulumi's state says exists are the same set, with no
 * duplicate on either side, for all three resources:
 *
 * - database users, keyed by project, auth database and username;
 * - cloud user accounts (CloudUser), keyed by username;
 * - org memberships, keyed by org and username: an OrgInvitation's, and the
 *   ones a CloudUser's declared roles imply (each org role's org, and the org
 *   of each project role's project, which Atlas makes the person a member of);
 * - project memberships, keyed by project and username: an OrgInvitation's
 *   `projectRoles`, a CloudUser's project roles and a ProjectMembership (which
 *   also makes the person a member of the project's org);
 * - teams (keyed by org and team id), who is in them (team and username, a
 *   TeamMembership) and their project access (project and team, a
 *   TeamProjectAccess). These are compared whoever the people are: a team
 *   membership of someone seeded outside the stack is still the stack's.
 *
 * - custom database roles (CustomDbRole), keyed by project and role name,
 *   each with its privileges (actions and their resources, inherited roles)
 *   written out in one canonical text, so a role whose privileges differ
 *   between the emulator and the state is a difference too;
 * - Atlas-managed X.509 certificates (X509Certificate), keyed by project,
 *   username and serial number: each one in the state must be listed by the
 *   emulator (valid on its clock), and a listed certificate the state does
 *   not hold is a difference unless the test names its user in
 *   `unheldCertificates` (Atlas cannot revoke one certificate: one issued
 *   with a lost answer, or forgotten by a renewal, stays listed until it
 *   ends or its user goes). Only serial numbers are compared, never a PEM.
 *
 * A membership counts whatever its status (pending, active, expired,
 * rejected): it is there until someone removes it. Two exceptions, both
 * named by the test: people seeded or invited outside the stack
 * (`outsideStack`, left out everywhere), and accounts whose CloudUser was
 * deleted on a platform that cannot delete an account (`retainedAccounts`:
 * Atlas, Cloud Manager); those accounts stay but must hold no membership.
 */
import { emulatorControl, type EmulatorHandle, type LoggedRequest } from "./emulator";
import type { EngineStack } from "./engine";

/** Resource types, by the name after the last colon (`pulumi-nodejs:dynamic/atlas-users:DatabaseUser`). */
export const DATABASE_USER_TYPE = "DatabaseUser";
export const ORG_INVITATION_TYPE = "OrgInvitation";
export const CLOUD_USER_TYPE = "CloudUser";
export const PROJECT_MEMBERSHIP_TYPE = "ProjectMembership";
export const TEAM_TYPE = "Team";
export const TEAM_MEMBERSHIP_TYPE = "TeamMembership";
export const TEAM_PROJECT_ACCESS_TYPE = "TeamProjectAccess";
export const CUSTOM_DB_ROLE_TYPE = "CustomDbRole";
export const X509_CERTIFICATE_TYPE = "X509Certificate";

export const typeName = (type: string) => type.slice(type.lastIndexOf(":") + 1);

interface EmulatorStateView {
  projects: { id: string; orgId: string }[];
  databaseUsers: { groupId: string; databaseName: string; username: string }[];
  orgMemberships: {
    orgId: string;
    username: string;
    status: string;
    userId: string;
    groupRoleAssignments: { groupId: string; groupRoles: string[] }[];
    teamIds?: string[];
  }[];
  cloudUsers: { id: string; username: string }[];
  teams?: { id: string; orgId: string }[];
  teamProjectRoles?: { teamId: string; groupId: string }[];
  customDbRoles?: { groupId: string; roleName: string; actions: ApiAction[]; inheritedRoles: { role: string; db: string }[] }[];
  /** Issued certificates: serial numbers and validity only (the emulator never keeps a key). */
  userCerts?: { groupId: string; username: string; id: number; notAfter: string }[];
  now?: string;
}

interface ApiAction {
  action: string;
  resources: { cluster?: boolean; db?: string; collection?: string }[];
}

export interface IdentitySets {
  /** `projectId/databaseName/username`, sorted. */
  databaseUsers: string[];
  /** Account usernames (lower case), sorted. */
  cloudUsers: string[];
  /** `orgId/username` (lower case), sorted. */
  orgMembers: string[];
  /** `projectId/username` (lower case), sorted. */
  projectMembers: string[];
  /** `orgId/teamId`, sorted. */
  teams: string[];
  /** `teamId/username` (lower case), sorted. */
  teamMembers: string[];
  /** `projectId/teamId`, sorted. */
  teamProjects: string[];
  /** `projectId/roleName actions=[…] inherited=[…]` (see {@link customRoleKey}), sorted. */
  customDbRoles: string[];
  /** `projectId/username/serialNumber` of certificates Atlas lists, sorted. */
  certificates: string[];
}

/** The usernames a comparison leaves out (see the file comment). */
export interface InvariantExceptions {
  /** People seeded or invited outside the stack: their accounts and memberships are not compared. */
  outsideStack?: readonly string[];
  /** Accounts whose CloudUser was deleted where no API deletes an account: the account is not compared, its memberships are. */
  retainedAccounts?: readonly string[];
  /**
   * Listed certificates the state does not hold, by `projectId/username`:
   * how many each user may have (one issued whose answer was lost, one a
   * renewal forgot). Unnamed users may have none.
   */
  unheldCertificates?: Readonly<Record<string, number>>;
}

/** The certificate keys of one user, `projectId/username`. */
export const certificateOwner = (key: string) => key.slice(0, key.lastIndexOf("/"));

/**
 * One canonical text for a custom role and its privileges, from the API's
 * shape (`{action, resources: [{cluster, db, collection}]}`, `{role, db}`)
 * or the state's (`{db, collection?} | {cluster: true}`, `{roleName, databaseName}`).
 */
export function customRoleKey(
  projectId: string,
  roleName: string,
  actions: readonly ApiAction[] = [],
  inherited: readonly ({ role?: string; db?: string; roleName?: string; databaseName?: string })[] = [],
): string {
  const resource = (r: ApiAction["resources"][number]) => (r.cluster ? "cluster" : `${r.db ?? ""}.${r.collection ?? ""}`);
  const acts = actions.map((a) => `${a.action}(${a.resources.map(resource).sort().join(",")})`).sort();
  const roles = inherited.map((r) => `${r.role ?? r.roleName}@${r.db ?? r.databaseName}`).sort();
  return `${projectId}/${roleName} actions=[${acts.join(" ")}] inherited=[${roles.join(" ")}]`;
}

export async function emulatorView(emu: EmulatorHandle): Promise<EmulatorStateView> {
  return (await emulatorControl.state(emu)) as unknown as EmulatorStateView;
}

const lower = (username: unknown) => String(username).toLowerCase();
const sortedUnique = (items: Iterable<string>) => [...new Set(items)].sort();

/** What the emulator holds, without the exceptions. */
export async function emulatorIdentities(emu: EmulatorHandle, except: InvariantExceptions = {}): Promise<IdentitySets> {
  return identitiesIn(await emulatorView(emu), except);
}

function identitiesIn(state: EmulatorStateView, except: InvariantExceptions): IdentitySets {
  const outside = new Set((except.outsideStack ?? []).map(lower));
  const retained = new Set((except.retainedAccounts ?? []).map(lower));
  const memberships = state.orgMemberships.filter((m) => !outside.has(lower(m.username)));
  return {
    databaseUsers: state.databaseUsers.map((u) => `${u.groupId}/${u.databaseName}/${u.username}`).sort(),
    cloudUsers: state.cloudUsers
      .map((u) => lower(u.username))
      .filter((u) => !outside.has(u) && !retained.has(u))
      .sort(),
    orgMembers: memberships.map((m) => `${m.orgId}/${lower(m.username)}`).sort(),
    projectMembers: memberships
      .flatMap((m) => (m.groupRoleAssignments ?? []).filter((a) => a.groupRoles.length > 0).map((a) => `${a.groupId}/${lower(m.username)}`))
      .sort(),
    teams: (state.teams ?? []).map((t) => `${t.orgId}/${t.id}`).sort(),
    teamMembers: state.orgMemberships.flatMap((m) => (m.teamIds ?? []).map((id) => `${id}/${lower(m.username)}`)).sort(),
    teamProjects: (state.teamProjectRoles ?? []).map((r) => `${r.groupId}/${r.teamId}`).sort(),
    customDbRoles: (state.customDbRoles ?? []).map((r) => customRoleKey(r.groupId, r.roleName, r.actions, r.inheritedRoles)).sort(),
    // What `GET …/certs` lists: the certificates still valid on the emulator's clock.
    certificates: (state.userCerts ?? [])
      .filter((c) => state.now === undefined || Date.parse(c.notAfter) > Date.parse(state.now))
      .map((c) => `${c.groupId}/${c.username}/${c.id}`)
      .sort(),
  };
}

interface DeclaredRole {
  orgId?: string;
  projectId?: string;
  roleName: string;
}

/**
 * What Pulumi's state says exists (from `pulumi stack export`). `projects`
 * maps a CloudUser's project roles to the org they make the person a member of.
 */
export async function stateIdentities(stack: EngineStack, projects: readonly { id: string; orgId: string }[] = []): Promise<IdentitySets> {
  // Resources read with `get` (external) are not the stack's.
  const resources = (await stack.resources()).filter((r) => r.external !== true);
  const outputs = (type: string) => resources.filter((r) => typeName(r.type) === type).map((r) => r.outputs as Record<string, any>);
  const orgOf = new Map(projects.map((p) => [p.id, p.orgId]));
  const invitations = outputs(ORG_INVITATION_TYPE);
  const cloudUsers = outputs(CLOUD_USER_TYPE);
  const orgMembers: string[] = invitations.map((o) => `${o.orgId}/${lower(o.username)}`);
  const projectMembers: string[] = invitations.flatMap((o) =>
    ((o.projectRoles ?? []) as { projectId: string; roles: string[] }[]).filter((p) => p.roles.length > 0).map((p) => `${p.projectId}/${lower(o.username)}`),
  );
  for (const o of outputs(PROJECT_MEMBERSHIP_TYPE)) {
    projectMembers.push(`${o.projectId}/${lower(o.username)}`);
    orgMembers.push(`${orgOf.get(o.projectId) ?? `(org of project ${o.projectId})`}/${lower(o.username)}`);
  }
  for (const o of cloudUsers) {
    const roles = (o.roles ?? []) as DeclaredRole[];
    const username = lower(o.username);
    // One membership per org and per project, however many roles this resource declares there.
    const orgs = roles.map((r) => r.orgId ?? (r.projectId ? (orgOf.get(r.projectId) ?? `(org of project ${r.projectId})`) : undefined));
    orgMembers.push(...sortedUnique(orgs.filter((id): id is string => id !== undefined)).map((id) => `${id}/${username}`));
    projectMembers.push(...sortedUnique(roles.flatMap((r) => (r.projectId ? [r.projectId] : []))).map((id) => `${id}/${username}`));
  }
  return {
    databaseUsers: outputs(DATABASE_USER_TYPE)
      .map((o) => `${o.projectId}/${o.databaseName}/${o.username}`)
      .sort(),
    cloudUsers: cloudUsers.map((o) => lower(o.username)).sort(),
    orgMembers: orgMembers.sort(),
    projectMembers: projectMembers.sort(),
    teams: outputs(TEAM_TYPE).map((o) => `${o.orgId}/${o.teamId}`).sort(),
    teamMembers: outputs(TEAM_MEMBERSHIP_TYPE).map((o) => `${o.teamId}/${lower(o.username)}`).sort(),
    teamProjects: outputs(TEAM_PROJECT_ACCESS_TYPE).map((o) => `${o.projectId}/${o.teamId}`).sort(),
    customDbRoles: outputs(CUSTOM_DB_ROLE_TYPE)
      .map((o) => customRoleKey(o.projectId, o.roleName, o.actions ?? [], o.inheritedRoles ?? []))
      .sort(),
    certificates: outputs(X509_CERTIFICATE_TYPE).map((o) => `${o.projectId}/${o.username}/${o.serialNumber}`).sort(),
  };
}

function duplicates(items: readonly string[]): string[] {
  return items.filter((item, i) => items.indexOf(item) !== i);
}

/**
 * Fails unless the emulator and the state hold the same identities, each
 * once. Returns them for further checks.
 */
export async function expectStateMatchesEmulator(stack: EngineStack, emu: EmulatorHandle, except: InvariantExceptions = {}): Promise<IdentitySets> {
  const view = await emulatorView(emu);
  const listed = identitiesIn(view, except);
  const recorded = await stateIdentities(stack, view.projects);
  // Certificates: the state's must be listed; listed ones the state does not hold only as many per user as the test names.
  const held = new Set(recorded.certificates);
  const unheld: Record<string, number> = {};
  for (const c of listed.certificates) if (!held.has(c)) unheld[certificateOwner(c)] = (unheld[certificateOwner(c)] ?? 0) + 1;
  expect({ unheldCertificates: unheld }).toEqual({ unheldCertificates: except.unheldCertificates ?? {} });
  const live = { ...listed, certificates: listed.certificates.filter((c) => held.has(c)) };
  expect({ certificatesInStateNotListed: recorded.certificates.filter((c) => !live.certificates.includes(c)) }).toEqual({ certificatesInStateNotListed: [] });
  for (const [side, sets] of [
    ["State", recorded],
    ["Emulator", live],
  ] as const) {
    const found = Object.fromEntries(Object.entries(sets).map(([kind, items]) => [kind, duplicates(items)]));
    expect({ [`duplicatesIn${side}`]: found }).toEqual({
      [`duplicatesIn${side}`]: Object.fromEntries(Object.keys(sets).map((kind) => [kind, []])),
    });
  }
  expect(recorded).toEqual(live);
  return listed;
}

/**
 * Requests in the log matching a method and a path pattern, without digest
 * challenges (the unauthenticated first request of a digest handshake).
 */
export function requestsTo(log: readonly LoggedRequest[], method: string, path: RegExp): LoggedRequest[] {
  return log.filter((r) => r.method === method && path.test(r.path) && r.auth !== "digest-challenge");
}

/** Counts of response statuses, e.g. `{201: 4, 429: 6}`. */
export function statusCounts(log: readonly LoggedRequest[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of log) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** What an Authorization header's credential looks like (Bearer token, digest answer), wherever it might be printed. */
export const AUTH_HEADER_VALUE = /Bearer\s+[A-Za-z0-9._~+/=-]{16,}|Digest\s+username=|response="[0-9a-f]{32}"/;
