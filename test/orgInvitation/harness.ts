/**
 * Shared by the OrgInvitation lifecycle tests: a fresh org per test on one
 * emulator, and the engine's steps (check, diff, create/update/replace, read,
 * delete) called on the provider directly, over real HTTP.
 */
import { randomBytes } from "node:crypto";
import { provider } from "../../provider/orgInvitation/provider";
import type { OrgInvitationInputs, OrgInvitationState } from "../../provider/orgInvitation/schema";
import { emulatorControl, type EmulatorHandle } from "../support/emulator";

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface MembershipDump {
  userId: string;
  orgId: string;
  username: string;
  status: string;
  orgRoles: string[];
  teamIds: string[];
  groupRoleAssignments: { groupId: string; groupRoles: string[] }[];
  invitationExpiresAt?: string;
}

export interface TestOrg {
  orgId: string;
  projectId: string;
  teamId: string;
}

/** A new org (with a project and a team) in the emulator; clock at real time, no faults, empty request log. */
export async function freshOrg(emu: EmulatorHandle): Promise<TestOrg> {
  await emulatorControl.clearFaults(emu);
  await emulatorControl.clearRequests(emu);
  await emulatorControl.setClock(emu, new Date().toISOString());
  const orgId = randomBytes(12).toString("hex");
  const seeded = (await emulatorControl.seed(emu, {
    orgs: [{ id: orgId, name: "invitations" }],
    projects: [{ orgId, name: "app" }],
    teams: [{ orgId, name: "ops" }],
  })) as { projects: { id: string }[]; teams: { id: string }[] };
  return { orgId, projectId: seeded.projects[0].id, teamId: seeded.teams[0].id };
}

export async function memberships(emu: EmulatorHandle, orgId: string, username?: string): Promise<MembershipDump[]> {
  const state = (await emulatorControl.state(emu)) as { orgMemberships: MembershipDump[] };
  return state.orgMemberships.filter((m) => m.orgId === orgId && (!username || m.username === username));
}

/** API calls logged since `mark` (not digest challenges, not token requests). */
export async function requestsSince(emu: EmulatorHandle, mark: number) {
  return (await emulatorControl.requests(emu))
    .slice(mark)
    .filter((r) => r.auth !== "digest-challenge" && !r.path.startsWith("/api/oauth"));
}

export async function requestCount(emu: EmulatorHandle): Promise<number> {
  return (await emulatorControl.requests(emu)).length;
}

export async function checked(orgId: string, news: Record<string, unknown>): Promise<OrgInvitationInputs> {
  const result = await provider.check({}, { orgId, ...news });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as OrgInvitationInputs;
}

export async function create(orgId: string, news: Record<string, unknown>): Promise<{ id: string; outs: OrgInvitationState }> {
  const result = await provider.create(await checked(orgId, news));
  return { id: result.id, outs: result.outs as OrgInvitationState };
}

export interface ReadBack {
  id?: string;
  props?: OrgInvitationState;
  inputs?: OrgInvitationInputs;
}

export async function refresh(id: string, state: OrgInvitationState): Promise<ReadBack> {
  return (await provider.read(id, state)) as ReadBack;
}

/** `pulumi up` for one resource: diff, then update, or replace in the order the diff asks. */
export async function up(id: string, olds: OrgInvitationState, inputs: OrgInvitationInputs) {
  const diff = await provider.diff(id, olds, inputs);
  if (!diff.changes) return { diff, id, outs: olds };
  if (diff.replaces && diff.replaces.length > 0) {
    if (diff.deleteBeforeReplace) await provider.delete(id, olds);
    const created = await provider.create(inputs);
    if (!diff.deleteBeforeReplace) await provider.delete(id, olds);
    return { diff, id: created.id, outs: created.outs as OrgInvitationState };
  }
  const updated = await provider.update(id, olds, inputs);
  return { diff, id, outs: updated.outs as OrgInvitationState };
}
