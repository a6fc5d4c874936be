/**
 * Pure mappers between the API's shapes and the resource's state, named by
 * direction, plus the diff rule. No client, no I/O, no clock: `now` is passed in.
 */
import type * as pulumi from "@pulumi/pulumi";
import type {
  OrgInvitationV1,
  OrgInvitationV1Request,
  OrgMemberV1,
  OrgUserRequest,
  OrgUserResponse,
  OrgUserUpdateRequest,
} from "../client/operations/orgUsers";
import { canonicalInstantText, parseInstant } from "../common/dates";
import { canonicalSet, sameSet } from "../common/sets";
import { isUnknown } from "../common/unknowns";
import type { MembershipStatus, OrgInvitationInputs, OrgInvitationState } from "./schema";

/** Which API family manages the membership: Atlas v2 org users, or Cloud/Ops Manager v1.0 invites. */
export type ApiFamily = "atlas" | "public-v1";

export function apiFamilyOf(platform: string): ApiFamily {
  return platform === "cloud-manager" || platform === "ops-manager" ? "public-v1" : "atlas";
}

/** The provider-side settings that are inputs but never sent to the API. */
type LocalSettings = Pick<OrgInvitationInputs, "reinvite" | "adopt" | "platform">;

function instant(text: string | null | undefined): string | undefined {
  if (text === null || text === undefined) return undefined;
  return canonicalInstantText(text) ?? text;
}

function projectRolesFromApi(assignments: OrgUserResponse["roles"]["groupRoleAssignments"]): OrgInvitationState["projectRoles"] {
  return (assignments ?? [])
    .filter((a) => a.groupRoles.length > 0)
    .map((a) => ({ projectId: a.groupId, roles: canonicalSet(a.groupRoles) }))
    .sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
}

/** Atlas org user → the inputs it amounts to (what `read` hands back so refresh reconciles). */
export function inputsFromOrgUser(
  orgId: string,
  user: OrgUserResponse,
  local: LocalSettings,
): OrgInvitationInputs & Pick<OrgInvitationState, "projectRoles" | "teamIds"> {
  return {
    orgId,
    username: user.username,
    roles: canonicalSet(user.roles.orgRoles ?? []) as OrgInvitationInputs["roles"],
    projectRoles: projectRolesFromApi(user.roles.groupRoleAssignments),
    teamIds: canonicalSet(user.teamIds ?? []),
    ...localSettings(local),
  };
}

/** Atlas org user → state. */
export function stateFromOrgUser(orgId: string, user: OrgUserResponse, local: LocalSettings): OrgInvitationState {
  return dropUndefined({
    ...inputsFromOrgUser(orgId, user, local),
    userId: user.id,
    status: user.orgMembershipStatus,
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
 * Inputs → `POST /orgs/{orgId}/users` body. `projectRoles` and `teamIds` are
 * sent only when declared: the API leaves an omitted field alone and resets
 * one given empty, so an omitted input is not managed and `[]` means none.
 */
export function createBodyFromInputs(inputs: OrgInvitationInputs): OrgUserRequest {
  return dropUndefined({
    username: inputs.username,
    roles: dropUndefined({
      orgRoles: [...inputs.roles],
      groupRoleAssignments: inputs.projectRoles?.map((p) => ({ groupId: p.projectId, groupRoles: [...p.roles] })),
    }),
    teamIds: inputs.teamIds && [...inputs.teamIds],
  });
}

/** Inputs → `PATCH /orgs/{orgId}/users/{userId}` body: the whole role set at once, so no moment without a role. */
export function updateBodyFromInputs(inputs: OrgInvitationInputs): OrgUserUpdateRequest {
  const { roles, teamIds } = createBodyFromInputs(inputs);
  return dropUndefined({ roles, teamIds });
}

/** Inputs → Cloud/Ops Manager `POST /orgs/{orgId}/invites` body (no project roles there; teams only when declared). */
export function invitationV1BodyFromInputs(inputs: OrgInvitationInputs): OrgInvitationV1Request {
  return dropUndefined({ username: inputs.username, roles: [...inputs.roles], teamIds: inputs.teamIds && [...inputs.teamIds] });
}

/**
 * Whether the API's roles and teams are the declared ones. `projectRoles` and
 * `teamIds` count only when declared (omitted: not managed by the resource).
 */
export function matchesDeclared(
  actual: Pick<OrgInvitationState, "roles" | "projectRoles" | "teamIds">,
  declared: Pick<OrgInvitationInputs, "roles" | "projectRoles" | "teamIds">,
): boolean {
  return (
    sameSet(actual.roles, declared.roles) &&
    (declared.projectRoles === undefined || sameProjectRoles(actual.projectRoles, declared.projectRoles)) &&
    (declared.teamIds === undefined || sameSet(actual.teamIds, declared.teamIds))
  );
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
    status: expiryHasPassed(expiresAt, now) ? "INVITATION_EXPIRED" : "PENDING",
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
  const orgRoles = (member.roles ?? []).filter((r) => r.orgId === orgId).map((r) => r.roleName);
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
  return { reinvite: local.reinvite ?? "on-expiry", adopt: local.adopt ?? false, platform: local.platform };
}

export function expiryHasPassed(expiresAt: string | undefined, now: Date): boolean {
  if (expiresAt === undefined) return false;
  const at = parseInstant(expiresAt);
  return at !== undefined && at.getTime() <= now.getTime();
}

/** Whether this status, under this policy, calls for a new invitation. */
export function wantsReinvite(status: MembershipStatus | undefined, policy: OrgInvitationInputs["reinvite"]): boolean {
  if (status === "INVITATION_EXPIRED") return policy !== "never";
  if (status === "INVITATION_REJECTED") return policy === "on-expiry-or-rejection";
  return false;
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
  newFamily: ApiFamily,
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
  const oldFamily: ApiFamily = typeof olds.invitationId === "string" ? "public-v1" : "atlas";
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

function sameProjectRoles(
  a: OrgInvitationInputs["projectRoles"] | undefined,
  b: OrgInvitationInputs["projectRoles"] | undefined,
): boolean {
  return sameSet(
    (a ?? []).map((p) => ({ projectId: p.projectId, roles: canonicalSet(p.roles) })),
    (b ?? []).map((p) => ({ projectId: p.projectId, roles: canonicalSet(p.roles) })),
  );
}

function dropUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
