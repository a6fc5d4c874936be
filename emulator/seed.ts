/**
 * Seeding: the default world (one org, one project, one API key, one service
 * account, all random) and `POST /__emulator/seed`, which adds orgs, projects,
 * teams, existing cloud users, database users and API credentials.
 */
import { hexId, randomSecret } from "./ids";
import { hashPassword } from "./passwords";
import type { CloudUserRecord, CloudUserRole, DatabaseUserRecord, Store } from "./store";

/** What `POST /__emulator/seed` (and `startEmulator({seed})`) accepts; ids and secrets are generated when absent. */
export interface SeedInput {
  orgs?: { id?: string; name?: string }[];
  /** `orgId` defaults to the first org. */
  projects?: { id?: string; orgId?: string; name?: string }[];
  teams?: { id?: string; orgId?: string; name?: string }[];
  apiKeys?: { publicKey?: string; privateKey?: string }[];
  serviceAccounts?: { clientId?: string; clientSecret?: string }[];
  /**
   * Existing MongoDB Cloud accounts. Roles with an `orgId` (or a `groupId`)
   * make the user an ACTIVE member of that org (or of the project's org).
   */
  cloudUsers?: {
    id?: string;
    username: string;
    emailAddress?: string;
    firstName?: string;
    lastName?: string;
    country?: string;
    mobileNumber?: string;
    password?: string;
    roles?: CloudUserRole[];
    teamIds?: string[];
  }[];
  databaseUsers?: (Partial<Omit<DatabaseUserRecord, "password">> & { groupId: string; username: string; password?: string })[];
}

/** What seeding created, with ids and secrets (the caller needs them). */
export interface SeedResult {
  orgs: { id: string; name: string }[];
  projects: { id: string; orgId: string; name: string }[];
  teams: { id: string; orgId: string; name: string }[];
  apiKeys: { publicKey: string; privateKey: string }[];
  serviceAccounts: { clientId: string; clientSecret: string }[];
  cloudUsers: { id: string; username: string }[];
  databaseUsers: { groupId: string; databaseName: string; username: string }[];
}

const HEX24 = /^[a-f0-9]{24}$/;

/** Thrown for a bad seed document; the control API answers 400 with its message. */
export class SeedError extends Error {}

export function defaultSeed(): SeedInput {
  return {
    orgs: [{ name: "Emulated Org" }],
    projects: [{ name: "Emulated Project" }],
    apiKeys: [{}],
    serviceAccounts: [{}],
  };
}

export function applySeed(store: Store, seed: SeedInput, now: Date): SeedResult {
  const result: SeedResult = {
    orgs: [],
    projects: [],
    teams: [],
    apiKeys: [],
    serviceAccounts: [],
    cloudUsers: [],
    databaseUsers: [],
  };
  const id = (given: string | undefined, what: string): string => {
    if (given === undefined) return hexId();
    if (!HEX24.test(given)) throw new SeedError(`${what} id ${JSON.stringify(given)} must be 24 lower-case hex digits`);
    return given;
  };
  for (const o of seed.orgs ?? []) {
    const org = { id: id(o.id, "org"), name: o.name ?? `Org ${store.orgs.length + 1}` };
    if (store.orgs.some((x) => x.id === org.id)) throw new SeedError(`org ${org.id} already exists`);
    store.orgs.push(org);
    result.orgs.push({ ...org });
  }
  const orgFor = (orgId: string | undefined, what: string): string => {
    const resolved = orgId ?? store.orgs[0]?.id;
    if (!resolved || !store.orgs.some((o) => o.id === resolved)) {
      throw new SeedError(`${what} names org ${orgId ?? "(default)"}, which does not exist; seed the org first`);
    }
    return resolved;
  };
  for (const p of seed.projects ?? []) {
    const project = { id: id(p.id, "project"), orgId: orgFor(p.orgId, "project"), name: p.name ?? `Project ${store.projects.length + 1}` };
    if (store.projects.some((x) => x.id === project.id)) throw new SeedError(`project ${project.id} already exists`);
    store.projects.push(project);
    result.projects.push({ ...project });
  }
  for (const t of seed.teams ?? []) {
    const team = { id: id(t.id, "team"), orgId: orgFor(t.orgId, "team"), name: t.name ?? `Team ${store.teams.length + 1}` };
    store.teams.push(team);
    result.teams.push({ ...team });
  }
  for (const k of seed.apiKeys ?? []) {
    const key = { publicKey: k.publicKey ?? randomSecret(6).toLowerCase().replace(/[^a-z0-9]/g, "x"), privateKey: k.privateKey ?? randomUuid() };
    store.apiKeys.push(key);
    result.apiKeys.push({ ...key });
  }
  for (const s of seed.serviceAccounts ?? []) {
    const account = { clientId: s.clientId ?? `mdb_sa_id_${hexId()}`, clientSecret: s.clientSecret ?? `mdb_sa_sk_${randomSecret(30)}` };
    store.serviceAccounts.push(account);
    result.serviceAccounts.push({ ...account });
  }
  for (const u of seed.cloudUsers ?? []) {
    if (!u || typeof u.username !== "string") throw new SeedError("every cloud user needs a username");
    const user: CloudUserRecord = {
      id: id(u.id, "cloud user"),
      username: u.username,
      emailAddress: u.emailAddress ?? u.username,
      firstName: u.firstName,
      lastName: u.lastName,
      country: u.country,
      mobileNumber: u.mobileNumber,
      password: u.password === undefined ? undefined : hashPassword(u.password),
      createdAt: now.toISOString(),
      roles: (u.roles ?? []).map((r) => ({ ...r })),
      teamIds: [...(u.teamIds ?? [])],
    };
    if (store.cloudUsers.some((x) => x.username === user.username)) throw new SeedError(`cloud user ${user.username} already exists`);
    store.cloudUsers.push(user);
    addActiveMemberships(store, user);
    result.cloudUsers.push({ id: user.id, username: user.username });
  }
  for (const d of seed.databaseUsers ?? []) {
    if (!store.projects.some((p) => p.id === d.groupId)) throw new SeedError(`database user ${d.username}: no project ${d.groupId}`);
    const record: DatabaseUserRecord = {
      groupId: d.groupId,
      databaseName: d.databaseName ?? "admin",
      username: d.username,
      password: d.password === undefined ? undefined : hashPassword(d.password),
      roles: d.roles ?? [],
      scopes: d.scopes ?? [],
      labels: d.labels ?? [],
      description: d.description,
      awsIAMType: d.awsIAMType ?? "NONE",
      ldapAuthType: d.ldapAuthType ?? "NONE",
      oidcAuthType: d.oidcAuthType ?? "NONE",
      x509Type: d.x509Type ?? "NONE",
      deleteAfterDate: d.deleteAfterDate,
    };
    store.databaseUsers.push(record);
    result.databaseUsers.push({ groupId: record.groupId, databaseName: record.databaseName, username: record.username });
  }
  return result;
}

/** A seeded user's org and project roles make them an ACTIVE member of those orgs. */
function addActiveMemberships(store: Store, user: CloudUserRecord): void {
  for (const role of user.roles) {
    const orgId = role.orgId ?? store.projects.find((p) => p.id === role.groupId)?.orgId;
    if (!orgId) continue;
    let m = store.orgMemberships.find((x) => x.orgId === orgId && x.userId === user.id);
    if (!m) {
      m = { userId: user.id, orgId, username: user.username, status: "ACTIVE", orgRoles: [], groupRoleAssignments: [], teamIds: [] };
      store.orgMemberships.push(m);
    }
    if (role.orgId) {
      if (!m.orgRoles.includes(role.roleName)) m.orgRoles.push(role.roleName);
    } else if (role.groupId) {
      let a = m.groupRoleAssignments.find((g) => g.groupId === role.groupId);
      if (!a) m.groupRoleAssignments.push((a = { groupId: role.groupId, groupRoles: [] }));
      if (!a.groupRoles.includes(role.roleName)) a.groupRoles.push(role.roleName);
    }
  }
  for (const teamId of user.teamIds) {
    const team = store.teams.find((t) => t.id === teamId);
    const m = team && store.orgMemberships.find((x) => x.orgId === team.orgId && x.userId === user.id);
    if (m && !m.teamIds.includes(teamId)) m.teamIds.push(teamId);
  }
}

/** Atlas private keys look like UUIDs. */
function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}
