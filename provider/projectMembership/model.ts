/**
 * Pure mappers of the ProjectMembership resource, named by direction, and
 * its diff rule. No client, no I/O, no clock: `now` is passed in.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProjectUserResponse } from "../client/operations/projectUsers";
import { canonicalInstantText } from "../common/dates";
import { changedKeys } from "../common/diff";
import { canonicalSet } from "../common/sets";
import { DEFAULT_REINVITE, expiryHasPassed, statusAt, wantsReinvite } from "../memberships/status";
import type { ProjectMembershipInputs, ProjectMembershipState } from "./schema";

type Declared = Pick<ProjectMembershipInputs, "projectId" | "roles"> & Partial<Pick<ProjectMembershipInputs, "reinvite" | "adopt" | "platform">>;

/**
 * Project user → state. `roles` are the declared roles the person holds;
 * given `now`, a PENDING invitation past its expiry is reported expired.
 */
export function stateFromApi(declared: Declared, user: ProjectUserResponse, rolesBefore: readonly string[], now?: Date): ProjectMembershipState {
  const held = canonicalSet(user.roles);
  const status = now ? statusAt(user.orgMembershipStatus, user.invitationExpiresAt, now) : user.orgMembershipStatus;
  const expiresAt = status === "PENDING" && user.invitationExpiresAt ? (canonicalInstantText(user.invitationExpiresAt) ?? user.invitationExpiresAt) : undefined;
  return {
    projectId: declared.projectId,
    username: user.username,
    roles: declared.roles.filter((r) => held.includes(r)) as ProjectMembershipState["roles"],
    reinvite: declared.reinvite ?? DEFAULT_REINVITE,
    adopt: declared.adopt ?? false,
    ...(declared.platform ? { platform: declared.platform } : {}),
    userId: user.id,
    status,
    ...(expiresAt ? { invitationExpiresAt: expiresAt } : {}),
    heldRoles: held,
    rolesBefore: canonicalSet(rolesBefore),
  };
}

export function inputsOfState(state: ProjectMembershipState): ProjectMembershipInputs {
  const { userId: _u, status: _s, invitationExpiresAt: _e, heldRoles: _h, rolesBefore: _b, ...inputs } = state;
  return inputs;
}

/** Id `{projectId}/{username}`. */
export function formatId(state: Pick<ProjectMembershipState, "projectId" | "username">): string {
  return `${state.projectId}/${state.username}`;
}

/**
 * The roles to add and to take away: the declared ones not held, and those
 * this resource declared before but no longer does (never one held before adoption).
 */
export function roleChange(olds: Pick<ProjectMembershipState, "roles" | "rolesBefore">, news: Pick<ProjectMembershipInputs, "roles">, held: readonly string[]) {
  const declared = new Set<string>(news.roles);
  const before = new Set(olds.rolesBefore ?? []);
  return {
    add: news.roles.filter((r) => !held.includes(r)),
    remove: (olds.roles ?? []).filter((r) => !declared.has(r) && !before.has(r) && held.includes(r)),
  };
}

/**
 * The diff rule. Acceptance and roles given by others are not changes. A
 * status that calls for a new invitation under `reinvite` (known from a
 * refresh), or a PENDING invitation whose stored expiry has passed (checked
 * with the API by `update`), is an update in place.
 */
export function planDiff(olds: Partial<ProjectMembershipState>, news: ProjectMembershipInputs, now: Date): pulumi.dynamic.DiffResult {
  const result = changedKeys(olds, news, {
    replace: ["projectId", "username"],
    update: ["roles", "reinvite", "adopt", "platform"],
    defaults: { reinvite: DEFAULT_REINVITE, adopt: false },
    caseInsensitive: ["username"],
  });
  if (result.replaces && result.replaces.length > 0) return result;
  const policy = typeof news.reinvite === "string" ? news.reinvite : DEFAULT_REINVITE;
  const stale = wantsReinvite(olds.status, policy) || (olds.status === "PENDING" && policy !== "never" && expiryHasPassed(olds.invitationExpiresAt, now));
  return stale ? { ...result, changes: true } : result;
}
