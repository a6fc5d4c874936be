/**
 * The reliability invariant: after any run, faulty or not, what the emulator
 * holds and what Pulumi's state says exists are the same set, with no
 * duplicate on either side. Database users are keyed by project, auth
 * database and username; org memberships (OrgInvitation) by org and username.
 */
import { emulatorControl, type EmulatorHandle, type LoggedRequest } from "./emulator";
import type { EngineStack } from "./engine";

/** Resource types, by the name after the last colon (`pulumi-nodejs:dynamic/atlas-users:DatabaseUser`). */
export const DATABASE_USER_TYPE = "DatabaseUser";
export const ORG_INVITATION_TYPE = "OrgInvitation";
export const CLOUD_USER_TYPE = "CloudUser";

export const typeName = (type: string) => type.slice(type.lastIndexOf(":") + 1);

interface EmulatorStateView {
  databaseUsers: { groupId: string; databaseName: string; username: string }[];
  orgMemberships: { orgId: string; username: string; status: string; userId: string }[];
  cloudUsers: { id: string; username: string }[];
}

export interface IdentitySets {
  /** `projectId/databaseName/username`, sorted. */
  databaseUsers: string[];
  /** `orgId/username` (lower case), sorted. */
  orgMembers: string[];
}

export async function emulatorView(emu: EmulatorHandle): Promise<EmulatorStateView> {
  return (await emulatorControl.state(emu)) as unknown as EmulatorStateView;
}

/** What the emulator holds; `ignoreOrgMembers` are members seeded or made outside the stack. */
export async function emulatorIdentities(emu: EmulatorHandle, ignoreOrgMembers: readonly string[] = []): Promise<IdentitySets> {
  const state = await emulatorView(emu);
  const ignored = new Set(ignoreOrgMembers.map((u) => u.toLowerCase()));
  return {
    databaseUsers: state.databaseUsers.map((u) => `${u.groupId}/${u.databaseName}/${u.username}`).sort(),
    orgMembers: state.orgMemberships
      .filter((m) => !ignored.has(m.username.toLowerCase()))
      .map((m) => `${m.orgId}/${m.username.toLowerCase()}`)
      .sort(),
  };
}

/** What Pulumi's state says exists (from `pulumi stack export`). */
export async function stateIdentities(stack: EngineStack): Promise<IdentitySets> {
  const resources = await stack.resources();
  const outputs = (type: string) => resources.filter((r) => typeName(r.type) === type).map((r) => r.outputs as Record<string, string>);
  return {
    databaseUsers: outputs(DATABASE_USER_TYPE)
      .map((o) => `${o.projectId}/${o.databaseName}/${o.username}`)
      .sort(),
    orgMembers: outputs(ORG_INVITATION_TYPE)
      .map((o) => `${o.orgId}/${String(o.username).toLowerCase()}`)
      .sort(),
  };
}

function duplicates(items: readonly string[]): string[] {
  return items.filter((item, i) => items.indexOf(item) !== i);
}

/**
 * Fails unless the emulator and the state hold the same identities, each
 * once. Returns them for further checks.
 */
export async function expectStateMatchesEmulator(
  stack: EngineStack,
  emu: EmulatorHandle,
  opts: { ignoreOrgMembers?: readonly string[] } = {},
): Promise<IdentitySets> {
  const [live, recorded] = await Promise.all([emulatorIdentities(emu, opts.ignoreOrgMembers), stateIdentities(stack)]);
  expect({ duplicatesInState: duplicates(recorded.databaseUsers.concat(recorded.orgMembers)) }).toEqual({ duplicatesInState: [] });
  expect({ duplicatesInEmulator: duplicates(live.databaseUsers.concat(live.orgMembers)) }).toEqual({ duplicatesInEmulator: [] });
  expect(recorded).toEqual(live);
  return live;
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
