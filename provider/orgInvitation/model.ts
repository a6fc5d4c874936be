/**
 * Pure mappers between the API's shapes and the resource's state, named by
 * direction, plus the diff rule. No client, no I/O, no clock: `now` is passed in.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OrgInvitationV1, OrgMemberV1, OrgUserResponse } from "../client/operations/orgUsers";
import { canonicalInstantText } from "../common/dates";
import { canonicalSet, sameSet } from "../common/sets";
import { isUnknown } from "../common/unknowns";
import { heldByOrgUser } from "../memberships/atlas";
import { invitationStatus, orgRolesOfMember } from "../memberships/publicV1";
import { sameProjectRoles } from "../memberships/roles";
import { DEFAULT_REINVITE, expiryHasPassed, statusAt, wantsReinvite } from "../memberships/status";
import type { MembershipsApi } from "../platform";
import type { OrgInvitationInputs, OrgInvitationState } from "./schema";

/** The provider-side settings that are inputs but never sent to the API. */
type LocalSettings = Pick<OrgInvitationInputs, "reinvite" | "adopt" | "platform">;

function instant(text: string | null | undefined): string | undefined {
  if (text === null || text === undefined) return undefined;
  return canonicalInstantText(text) ?? text;
}

/** Atlas org user → the inputs it amounts to (what `read` hands back so refresh reconciles). */
export function inputsFromOrgUser(
  orgId: string,
  user: OrgUserResponse,
  local: LocalSettings,
): OrgInvitationInputs & Pick<OrgInvitationState, "projectRoles" | "teamIds"> {
  const held = heldByOrgUser(user);
  return {
    orgId,
    username: user.username,
    roles: held.roles as OrgInvitationInputs["roles"],
    projectRoles: held.projectRoles.map((p) => ({ projectId: p.projectId, roles: [...p.roles] })),
    teamIds: [...held.teamIds],
    ...localSettings(local),
  };
}

/** Atlas org user → state (given `now`, a PENDING invitation past its expiry is reported expired). */
export function stateFromOrgUser(orgId: string, user: OrgUserResponse, local: LocalSettings, now?: Date): OrgInvitationState {
  return dropUndefined({
    ...inputsFromOrgUser(orgId, user, local),
    userId: user.id,
    status: now ? statusAt(user.orgMembershipStatus, user.invitationExpiresAt, now) : user.orgMembershipStatus,
    invitationCreatedAt: instant(user.invitationCreatedAt),
    invitationExpiresAt: instant(user.invitationExpiresAt),
    inviterUsername: user.inviterUsername,
    firstName: user.firstName,
    lastName: user.lastName,
    createdAt: instant(user.createdAt),
    lastAuth: instant(user.lastAuth),
  });
}

/**
 * Cloud/Ops Manager invitation → state. The v1.0 API has no status: a
 * pending invitation whose `expiresAt` has passed is reported as expired.
 */
export function stateFromInvitationV1(inv: OrgInvitationV1, local: LocalSettings, now: Date): OrgInvitationState {
  const expiresAt = instant(inv.expiresAt);
  return dropUndefined({
    orgId: inv.orgId,
    username: inv.username,
    roles: canonicalSet(inv.roles) as OrgInvitationInputs["roles"],
    projectRoles: [],
    teamIds: canonicalSet(inv.teamIds ?? []),
    ...localSettings(local),
    invitationId: inv.id,
    status: invitationStatus(inv, now),
    invitationCreatedAt: instant(inv.createdAt),
    invitationExpiresAt: expiresAt,
    inviterUsername: inv.inviterUsername,
  });
}

/** Cloud/Ops Manager org member (an accepted invitation) → state. */
export function stateFromMemberV1(
  orgId: string,
  member: OrgMemberV1,
  local: LocalSettings,
  invitationId: string | undefined,
): OrgInvitationState {
  const orgRoles = orgRolesOfMember(member, orgId);
  return dropUndefined({
    orgId,
    username: member.username,
    roles: canonicalSet(orgRoles) as OrgInvitationInputs["roles"],
    projectRoles: [],
    teamIds: canonicalSet(member.teamIds ?? []),
    ...localSettings(local),
    userId: member.id,
    invitationId,
    status: "ACTIVE",
    firstName: member.firstName,
    lastName: member.lastName,
    createdAt: instant(member.createdAt),
    lastAuth: instant(member.lastAuth),
  });
}

/** The inputs part of a state (what `read` returns as `inputs`). */
export function inputsOfState(state: OrgInvitationState): OrgInvitationInputs & Pick<OrgInvitationState, "projectRoles" | "teamIds"> {
  return dropUndefined({
    orgId: state.orgId,
    username: state.username,
    roles: state.roles,
    projectRoles: state.projectRoles,
    teamIds: state.teamIds,
    ...localSettings(state),
  });
}

function localSettings(local: LocalSettings): LocalSettings {
  return { reinvite: local.reinvite ?? DEFAULT_REINVITE, adopt: local.adopt ?? false, platform: local.platform };
}

/** Id `{orgId}/{userId}` (Atlas) or `{orgId}/{invitationId}` (Cloud/Ops Manager). */
export function formatId(orgId: string, key: string): string {
  return `${orgId}/${key}`;
}

/** Parses `{orgId}/{24-hex id}` or `{orgId}/{username}`; undefined for anything else. */
export function parseId(id: string): { orgId: string; objectId?: string; username?: string } | undefined {
  const slash = id.indexOf("/");
  if (slash < 0) return undefined;
  const orgId = id.slice(0, slash);
  const rest = id.slice(slash + 1);
  if (!/^[a-f0-9]{24}$/.test(orgId) || rest === "") return undefined;
  if (/^[a-f0-9]{24}$/.test(rest)) return { orgId, objectId: rest };
  if (rest.includes("@")) return { orgId, username: rest };
  return undefined;
}

/**
 * The diff rule. Acceptance (PENDING → ACTIVE) and every other output-only
 * change is not a change. `orgId`, `username` or a switch between the Atlas
 * and Cloud/Ops Manager APIs replace. A status that calls for a new
 * invitation under the `reinvite` policy (known from a refresh) replaces,
 * deleting the dead invitation first (same person, same org). A PENDING
 * invitation whose stored expiry has passed is an in-place update: `update`
 * then asks the API, and re-invites only if the invitation really expired
 * (the person may have accepted since the last refresh).
 *
 * `projectRoles` and `teamIds` are compared only when declared: omitted, they
 * are not managed (state written before they could be omitted holds the API's
 * values, `[]` included, and is not compared either). In a preview, a whole
 * input not known yet (`teamIds: team.id.apply((id) => [id])`) reaches here
 * unchecked as the unknown placeholder: it counts as changed (a replace for
 * `orgId` and `username`), and is not compared.
 */
export function planDiff(
  olds: Partial<OrgInvitationState>,
  news: OrgInvitationInputs,
  newFamily: MembershipsApi,
  now: Date,
): pulumi.dynamic.DiffResult {
  const replaces: string[] = [];
  const changed: string[] = [];
  const unknown = new Set(Object.keys(news).filter((key) => isUnknown((news as Record<string, unknown>)[key])));
  const known = (key: keyof OrgInvitationInputs) => !unknown.has(key);
  for (const key of ["orgId", "username"] as const) if (!known(key)) replaces.push(key);
  if (known("orgId") && olds.orgId !== news.orgId) replaces.push("orgId");
  // Usernames are emails: a change of letter case is the same person, and the API keeps its own spelling.
  if (known("username") && (olds.username ?? "").toLowerCase() !== news.username.toLowerCase()) replaces.push("username");
  const oldFamily: MembershipsApi = typeof olds.invitationId === "string" ? "public-v1" : "atlas-v2";
  if (known("platform") && olds.status !== undefined && oldFamily !== newFamily) replaces.push("platform");

  for (const key of ["roles", "projectRoles", "teamIds", "reinvite", "adopt", "platform"] as const) {
    if (!known(key)) changed.push(key);
  }
  if (known("roles") && !sameSet(olds.roles, news.roles)) changed.push("roles");
  if (known("projectRoles") && news.projectRoles !== undefined && !sameProjectRoles(olds.projectRoles, news.projectRoles)) {
    changed.push("projectRoles");
  }
  if (known("teamIds") && news.teamIds !== undefined && !sameSet(olds.teamIds, news.teamIds)) changed.push("teamIds");
  for (const key of ["reinvite", "adopt", "platform"] as const) {
    if (known(key) && (olds[key] ?? defaults[key]) !== (news[key] ?? defaults[key])) changed.push(key);
  }

  const policy = known("reinvite") ? news.reinvite : undefined;
  if (replaces.length === 0 && wantsReinvite(olds.status, policy ?? defaults.reinvite)) {
    return { changes: true, replaces: ["status"], deleteBeforeReplace: true };
  }
  if (replaces.length > 0) {
    return { changes: true, replaces, deleteBeforeReplace: false };
  }
  if (olds.status === "PENDING" && policy !== "never" && expiryHasPassed(olds.invitationExpiresAt, now)) {
    changed.push("invitationExpiresAt");
  }
  return { changes: changed.length > 0, replaces: [] };
}

const defaults = { reinvite: "on-expiry", adopt: false, platform: undefined } as const;

function dropUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
