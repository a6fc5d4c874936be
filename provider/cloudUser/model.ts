/**
 * Pure mappers for CloudUser, named by direction (API → state, state → create
 * body, state → update body), and the rules that decide what a change means
 * on each platform. No client, no I/O: table-tested in `test/cloudUser/model.test.ts`.
 */
import type { ApiRoleAssignment, CloudUserResponse, CreateCloudUserBody, UpdateOpsManagerUserBody } from "../client/operations/cloudUsers";
import { roleDifference, roleIntersection } from "../memberships/roles";
import { PLATFORM, type Platform, type ProfileField } from "../platform";
import { sortRoles, type CloudUserInputs, type CloudUserRole } from "./schema";

export { roleDifference, roleIntersection };

/** Everything the resource records in state. */
export interface CloudUserOutputs {
  userId: string;
  username: string;
  /** As declared (a Pulumi secret); no API ever returns it. */
  password?: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  mobileNumber?: string;
  /** The roles as declared. */
  roles: CloudUserRole[];
  /** The roles the API reports: accepted ones. */
  activeRoles: CloudUserRole[];
  /** Declared roles not (yet) active: invitations waiting for the user to accept (never expired or revoked ones). */
  pendingRoles: CloudUserRole[];
  /** When the earliest of those invitations expires; absent when none waits. */
  invitationsExpireAt?: string;
  /**
   * The roles the account already held when this resource adopted it (empty
   * when the resource created the account or the account held none). Delete
   * leaves these, and the memberships they belong to, alone: it withdraws only
   * the other declared roles there. Absent in state written before it was recorded.
   */
  preexistingRoles?: CloudUserRole[];
  /**
   * True when this resource adopted an account that already existed (it did
   * not create it): Ops Manager's delete then keeps the account. Absent in
   * state written before it was recorded, and for an account the resource created.
   */
  adoptedExisting?: boolean;
  teamIds: string[];
  createdAt?: string;
  lastAuth?: string;
  /** The platform the account lives on, resolved at creation (delete and refresh use it). */
  platform: Platform;
  adopt?: boolean;
  reinvite?: CloudUserInputs["reinvite"];
}

/** Profile fields: sent at creation; after that changeable only where the platform record says so. */
export const PROFILE_FIELDS = ["emailAddress", "firstName", "lastName", "country", "mobileNumber"] as const satisfies readonly ProfileField[];
export type { ProfileField };

export function toApiRole(role: CloudUserRole): ApiRoleAssignment {
  return {
    ...(role.orgId !== undefined ? { orgId: role.orgId } : {}),
    ...(role.projectId !== undefined ? { groupId: role.projectId } : {}),
    roleName: role.roleName,
  };
}

export function fromApiRole(role: ApiRoleAssignment): CloudUserRole {
  return {
    ...(role.orgId ? { orgId: role.orgId } : {}),
    ...(role.groupId ? { projectId: role.groupId } : {}),
    roleName: role.roleName,
  };
}

/**
 * Inputs → create body, with only the fields the platform's users API takes
 * (`createFields`). Where it takes an email, it defaults to the username.
 */
export function toCreateBody(inputs: CloudUserInputs, platform: Platform): CreateCloudUserBody {
  const fields = PLATFORM[platform].createFields;
  const body: CreateCloudUserBody = { username: inputs.username, password: inputs.password, roles: (inputs.roles ?? []).map(toApiRole) };
  for (const field of fields) {
    const value = field === "emailAddress" ? (inputs.emailAddress ?? inputs.username) : inputs[field];
    if (value !== undefined) body[field] = value;
  }
  return body;
}

/**
 * State → Ops Manager PATCH body: the declared profile fields and, when given,
 * `roles` (the complete list the account is to hold, see {@link opsManagerRoleList});
 * without `roles` the account's roles are left as they are.
 */
export function toOpsManagerUpdateBody(inputs: CloudUserInputs, roles?: readonly CloudUserRole[]): UpdateOpsManagerUserBody {
  return {
    ...optional("emailAddress", inputs.emailAddress),
    ...optional("firstName", inputs.firstName),
    ...optional("lastName", inputs.lastName),
    ...optional("mobileNumber", inputs.mobileNumber),
    ...optional("roles", roles?.map(toApiRole)),
  };
}

/**
 * The complete role list for Ops Manager's PATCH (which replaces the account's
 * roles), such that only the roles this resource manages change: roles declared
 * before (`previouslyDeclared`) and no longer declared go, declared roles are
 * added, and every other role the account holds (`held`: given before adoption,
 * or in the UI) stays.
 */
export function opsManagerRoleList(
  held: readonly CloudUserRole[],
  previouslyDeclared: readonly CloudUserRole[],
  declared: readonly CloudUserRole[],
): CloudUserRole[] {
  const kept = roleDifference(held, roleDifference(previouslyDeclared, declared));
  return [...kept, ...roleDifference(declared, kept)];
}

/**
 * API → state. `declared` carries what the API cannot tell: the password, the
 * declared roles (pending ones are invisible in the API's `roles`), `adopt`,
 * the roles held before adoption. `standing`, when known (the memberships
 * were asked), says which declared roles really are invitations still
 * waiting (`pending`), and which are to be granted again (`regrant`: revoked
 * ones, and expired or rejected invitations the reinvite policy sends again):
 * those leave `roles`, so that the next diff shows them and the next update
 * grants them again. Unknown, every declared role not active is pending.
 */
export function toOutputs(
  user: CloudUserResponse,
  declared: {
    password?: string;
    roles?: readonly CloudUserRole[];
    adopt?: boolean;
    preexistingRoles?: readonly CloudUserRole[];
    adoptedExisting?: boolean;
    reinvite?: CloudUserInputs["reinvite"];
  },
  platform: Platform,
  standing?: { pending: readonly CloudUserRole[]; regrant: readonly CloudUserRole[]; pendingExpiresAt?: string },
): CloudUserOutputs {
  const activeRoles = sortRoles((user.roles ?? []).map(fromApiRole));
  const notActive = roleDifference(sortRoles(declared.roles ?? []), activeRoles);
  const pendingRoles = standing === undefined ? notActive : roleIntersection(notActive, standing.pending);
  const roles = sortRoles(roleDifference(declared.roles ?? [], roleIntersection(notActive, standing?.regrant ?? [])));
  return {
    userId: user.id,
    username: user.username,
    ...optional("password", declared.password),
    ...optional("emailAddress", user.emailAddress),
    ...optional("firstName", user.firstName),
    ...optional("lastName", user.lastName),
    ...optional("country", user.country),
    ...optional("mobileNumber", user.mobileNumber),
    roles,
    activeRoles,
    pendingRoles,
    ...optional("preexistingRoles", declared.preexistingRoles ? sortRoles(declared.preexistingRoles) : undefined),
    ...optional("adoptedExisting", declared.adoptedExisting ? true : undefined),
    ...optional("invitationsExpireAt", pendingRoles.length > 0 ? standing?.pendingExpiresAt : undefined),
    teamIds: [...(user.teamIds ?? [])].sort(),
    ...optional("createdAt", user.createdAt),
    ...optional("lastAuth", user.lastAuth),
    platform,
    ...optional("adopt", declared.adopt),
    ...optional("reinvite", declared.reinvite),
  };
}

/**
 * State → the inputs a refresh records: what the API reports, plus what only
 * the program knows. `previous` is what the caller has: the declared inputs,
 * or (inside `read`, which the engine gives only the old outputs) the old
 * outputs. Profile fields absent from `previous` stay absent; present ones
 * take the API's value. Either way `diff` ignores fields the program leaves out.
 */
export function toRefreshedInputs(outputs: CloudUserOutputs, previous: Partial<CloudUserInputs>): Record<string, unknown> {
  // An import (`pulumi import`, the `import` option): nothing was known before,
  // so the inputs are what the account holds, the declaration that matches it.
  if (previous.username === undefined) return importedInputs(outputs);
  const inputs: Record<string, unknown> = {
    username: outputs.username,
    ...optional("password", outputs.password),
    ...optional("roles", previous.roles ? outputs.roles : undefined),
    ...optional("adopt", outputs.adopt),
    ...optional("platform", previous.platform),
    ...optional("reinvite", outputs.reinvite),
  };
  for (const field of PROFILE_FIELDS) {
    if (previous[field] !== undefined && outputs[field] !== undefined) inputs[field] = outputs[field];
  }
  return inputs;
}

/**
 * The inputs of an imported account: its username, the profile fields the API
 * reports (the email address only where it is not the username) and the roles
 * it holds. Never a password: no API returns one.
 */
function importedInputs(outputs: CloudUserOutputs): Record<string, unknown> {
  const inputs: Record<string, unknown> = { username: outputs.username, roles: outputs.roles };
  for (const field of PROFILE_FIELDS) {
    if (outputs[field] === undefined || (field === "emailAddress" && outputs[field] === outputs.username)) continue;
    inputs[field] = outputs[field];
  }
  return inputs;
}

/**
 * Whether an existing account carries nothing but what this resource's create
 * request would have made, so that it may be this stack's own (a create whose
 * answer was lost, or whose run was killed, before the state recorded it):
 * the same username and, for every profile field the platform's create takes,
 * the value the program declares (absent where it declares none); never
 * logged into; in no team; holding (`roles`) and invited to (`invited`: the
 * roles of its invitations to the declared orgs) declared roles only, and
 * every declared org or global role either (the create asks for them all;
 * invitations do not list project roles). What it cannot tell: the password
 * (no API returns it), invitations to orgs the program does not name, and an
 * identical account someone else created with the same roles (or, with none
 * declared, with none) that nobody has logged into yet.
 */
export function carriesOnlyDeclared(user: CloudUserResponse, inputs: CloudUserInputs, platform: Platform, invited: readonly CloudUserRole[]): boolean {
  const sent = toCreateBody(inputs, platform);
  const text = (v: string | undefined) => (v === undefined || v === "" ? undefined : v.toLowerCase());
  const declared = inputs.roles ?? [];
  const held = (user.roles ?? []).map(fromApiRole);
  return (
    text(user.username) === text(sent.username) &&
    PLATFORM[platform].createFields.every((field) => text(user[field]) === text(sent[field])) &&
    !user.lastAuth &&
    (user.teamIds ?? []).length === 0 &&
    roleDifference(held, declared).length === 0 &&
    roleDifference(invited, declared).length === 0 &&
    roleDifference(declared.filter((r) => r.projectId === undefined), [...held, ...invited]).length === 0
  );
}

/** Role changes from one declaration to the next. */
export function roleChanges(
  olds: readonly CloudUserRole[],
  news: readonly CloudUserRole[],
): { add: CloudUserRole[]; remove: CloudUserRole[] } {
  return { add: roleDifference(news, olds), remove: roleDifference(olds, news) };
}

/**
 * Profile fields the new inputs change. A field left out of the program is
 * not managed, so leaving it out is never a change.
 */
export function changedProfileFields(olds: Partial<Record<ProfileField, string>>, news: CloudUserInputs): ProfileField[] {
  return PROFILE_FIELDS.filter((f) => news[f] !== undefined && news[f] !== olds[f]);
}

/**
 * Changes the platform cannot make for someone else, each as a message naming
 * the field, the platform and what to do. Checked in `diff`, so they fail at preview.
 */
export function forbiddenChanges(
  platform: Platform,
  username: string,
  olds: Partial<CloudUserOutputs>,
  news: CloudUserInputs,
): string[] {
  const messages: string[] = [];
  if (olds.password !== undefined && news.password !== olds.password) {
    messages.push(
      `cannot change the password of cloud user ${username} on ${platform}: once the account exists only its owner can ` +
        `change the password (in the MongoDB Cloud / Ops Manager UI). Put the previous value back, or add "password" to ` +
        `this resource's ignoreChanges.`,
    );
  }
  const allowed = PLATFORM[platform].editableProfileFields;
  for (const field of changedProfileFields(olds, news)) {
    if (allowed.includes(field)) continue;
    messages.push(
      `cannot change ${field} of cloud user ${username} on ${platform}: ${platform} lets only the user edit their own ` +
        `profile. Put the previous value (${JSON.stringify(olds[field] ?? null)}) back, ask the user to edit their profile ` +
        `and then update the program, or add "${field}" to this resource's ignoreChanges.`,
    );
  }
  return messages;
}

/**
 * Role changes the platform's API cannot make: Cloud Manager has no endpoint
 * that changes another user's project roles, nor the org roles of a member who
 * has accepted (known from the last read's `activeRoles`); org roles of a
 * pending invitation, a new org, or leaving an org all work.
 */
export function forbiddenRoleChanges(
  platform: Platform,
  username: string,
  olds: readonly CloudUserRole[],
  news: readonly CloudUserRole[],
  activeRoles: readonly CloudUserRole[] = [],
): string[] {
  const record = PLATFORM[platform];
  const { add, remove } = roleChanges(olds, news);
  const messages: string[] = [];
  const projectRoles = [...add, ...remove].filter((r) => r.projectId !== undefined);
  if (projectRoles.length > 0 && !record.canChangeProjectRoles) {
    const list = projectRoles.map((r) => `${r.roleName} in project ${r.projectId}`).join(", ");
    messages.push(
      `cannot change the project roles of cloud user ${username} on ${platform} (${list}): ${record.title}'s API cannot ` +
        `change another user's project roles. Put the previous roles back and change them in the ${record.title} UI, or add ` +
        `"roles" to this resource's ignoreChanges.`,
    );
  }
  const changedOrgs = new Set([...add, ...remove].flatMap((r) => (r.orgId !== undefined ? [r.orgId] : [])));
  for (const orgId of changedOrgs) {
    const stillDeclared = news.some((r) => r.orgId === orgId);
    const accepted = activeRoles.some((r) => r.orgId === orgId);
    if (stillDeclared && accepted && !record.canChangeAcceptedOrgRoles) {
      messages.push(
        `cannot change the org roles of cloud user ${username} in organization ${orgId} on ${platform}: the user has ` +
          `accepted, and ${record.title}'s API cannot change an accepted member's roles. Change them in the ${record.title} UI ` +
          `and then update the program, or add "roles" to this resource's ignoreChanges.`,
      );
    }
  }
  return messages;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
