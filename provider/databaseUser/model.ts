/**
 * Pure mappers between the API's CloudDatabaseUser and the resource's inputs
 * and state, named by direction. No client, no clock: callers pass `now`.
 */
import type {
  DatabaseUserCreateRequest,
  DatabaseUserKey,
  DatabaseUserResponse,
  DatabaseUserUpdateRequest,
} from "../client/operations/databaseUsers";
import { canonicalInstant, canonicalInstantText, parseDuration, parseInstant, sameDuration, sameInstant } from "../common/dates";
import { canonicalSet, sameSet } from "../common/sets";
import { storesEveryDefault, withDefaults, withoutDefaults } from "../common/storedState";
import { isUnknown } from "../common/unknowns";
import { AUTH_TYPE_PROPERTIES, authKindOf, defaultDatabaseName, OWNER_LABEL, STATE_DEFAULTS, type AuthTypeProperty } from "./rules";
import type { DatabaseUserInputs, DatabaseUserLabel, DatabaseUserState } from "./schema";

// ---------------------------------------------------------------------------
// Ids

/** `{projectId}/{databaseName}/{username}`: the username may itself contain slashes. */
export function idOf(key: DatabaseUserKey): string {
  return `${key.projectId}/${key.databaseName}/${key.username}`;
}

/** Splits an id on its first two slashes; throws a readable error for anything else. */
export function keyFromId(id: string): DatabaseUserKey {
  const first = id.indexOf("/");
  const second = first < 0 ? -1 : id.indexOf("/", first + 1);
  const projectId = id.slice(0, first);
  const databaseName = id.slice(first + 1, second);
  const username = id.slice(second + 1);
  if (second < 0 || !/^[a-f0-9]{24}$/.test(projectId) || !["admin", "$external"].includes(databaseName) || username === "") {
    throw new Error(
      `"${id}" is not a database user id: expected "{projectId}/{databaseName}/{username}", e.g. "5f1a2b3c4d5e6f7a8b9c0d1e/admin/app-user" or "5f1a2b3c4d5e6f7a8b9c0d1e/$external/CN=app,OU=eng"`,
    );
  }
  return { projectId, databaseName, username };
}

export function keyOf(user: { projectId: string; databaseName: string; username: string }): DatabaseUserKey {
  return { projectId: user.projectId, databaseName: user.databaseName, username: user.username };
}

/** How error messages and notes name a user: `app-user (admin) in project 5f…`. */
export function describeUser(key: DatabaseUserKey): string {
  return `database user ${key.username} (${key.databaseName}) in project ${key.projectId}`;
}

// ---------------------------------------------------------------------------
// Expiry

/** Whether the inputs declare a temporary user. */
export function isTemporary(inputs: Pick<DatabaseUserInputs, "deleteAfterDate" | "expiresIn">): boolean {
  return inputs.deleteAfterDate !== undefined || inputs.expiresIn !== undefined;
}

/**
 * The deletion date to send for inputs at `now`: the declared absolute date,
 * or now + `expiresIn` (whole seconds, so never beyond the declared window).
 */
export function resolveDeleteAfterDate(
  inputs: Pick<DatabaseUserInputs, "deleteAfterDate" | "expiresIn">,
  now: Date,
): string | undefined {
  if (inputs.expiresIn !== undefined) {
    const ms = parseDuration(inputs.expiresIn);
    if (ms === undefined) return undefined;
    return canonicalInstant(new Date(Math.floor((now.getTime() + ms) / 1000) * 1000));
  }
  return inputs.deleteAfterDate === undefined ? undefined : canonicalInstantText(inputs.deleteAfterDate);
}

/** Whether a state's deletion date has passed at `now` (Atlas has deleted, or is about to delete, the user). */
export function hasExpired(state: Pick<DatabaseUserState, "deleteAfterDate">, now: Date): boolean {
  if (state.deleteAfterDate === undefined) return false;
  const at = parseInstant(state.deleteAfterDate);
  return at !== undefined && at.getTime() <= now.getTime();
}

/** The policy in effect once expired: declared, else `recreate` for `expiresIn`, `fail` for an absolute date. */
export function expiryPolicy(inputs: Pick<DatabaseUserInputs, "onExpiry" | "expiresIn">): "recreate" | "fail" {
  return inputs.onExpiry ?? (inputs.expiresIn !== undefined ? "recreate" : "fail");
}

// ---------------------------------------------------------------------------
// API → state

/** Values the API cannot return, carried over from the inputs or the previous state. */
export interface StateCarryOver {
  password?: string;
  expiresIn?: string;
  onExpiry?: "recreate" | "fail";
  adopt?: DatabaseUserState["adopt"];
  owner?: string;
}

// ---------------------------------------------------------------------------
// Ownership

/** The declared labels with the ownership label (naming `owner`) added, when there is an owner. */
export function withOwnerLabel(labels: readonly DatabaseUserLabel[], owner: string | undefined): DatabaseUserLabel[] {
  const declared = labels.filter((l) => l.key !== OWNER_LABEL);
  return canonicalSet(owner === undefined ? declared : [...declared, { key: OWNER_LABEL, value: owner }]);
}

/** The stack that took over a user this stack owned, as the state last saw it (after a refresh); undefined while it is this stack's. */
export function takenOverBy(state: Pick<DatabaseUserState, "owner" | "ownedBy">): string | undefined {
  return state.owner !== undefined && state.ownedBy !== undefined && state.ownedBy !== state.owner ? state.ownedBy : undefined;
}

/** API response → resource state (outputs). */
export function stateFromApi(api: DatabaseUserResponse, projectId: string, carry: StateCarryOver): DatabaseUserState {
  const deleteAfterDate = api.deleteAfterDate === undefined ? undefined : canonicalInstantText(api.deleteAfterDate) ?? api.deleteAfterDate;
  // The ownership label is not a declared label: it shows as `ownedBy`.
  const ownedBy = (api.labels ?? []).find((l) => l.key === OWNER_LABEL)?.value;
  const state: DatabaseUserState = {
    projectId,
    username: api.username,
    databaseName: api.databaseName,
    roles: canonicalSet(api.roles ?? []).map(cleanRole),
    scopes: canonicalSet(api.scopes ?? []),
    labels: canonicalSet((api.labels ?? []).filter((l) => l.key !== OWNER_LABEL)),
    awsIAMType: api.awsIAMType ?? "NONE",
    ldapAuthType: api.ldapAuthType ?? "NONE",
    oidcAuthType: api.oidcAuthType ?? "NONE",
    x509Type: api.x509Type ?? "NONE",
    temporary: deleteAfterDate !== undefined,
  };
  if (api.description !== undefined && api.description !== "") state.description = api.description;
  if (deleteAfterDate !== undefined) state.deleteAfterDate = deleteAfterDate;
  if (carry.password !== undefined) state.password = carry.password;
  if (carry.expiresIn !== undefined) state.expiresIn = carry.expiresIn;
  if (carry.onExpiry !== undefined) state.onExpiry = carry.onExpiry;
  if (carry.adopt !== undefined) state.adopt = carry.adopt;
  if (carry.owner !== undefined) state.owner = carry.owner;
  if (ownedBy !== undefined) state.ownedBy = ownedBy;
  return state;
}

// ---------------------------------------------------------------------------
// state ↔ stored outputs

/** State → the outputs the engine stores. */
export function outputsFromState(state: DatabaseUserState): Partial<DatabaseUserState> {
  return withoutDefaults(state, STATE_DEFAULTS);
}

/**
 * State → the outputs a refresh stores, in the form the state already has:
 * every field when an earlier release wrote it (the short form never holds
 * them all: at most one authentication type differs from `NONE`), so
 * upgrading shows no change at a refresh; the next update stores the short form.
 */
export function outputsLike(stored: Partial<DatabaseUserState>, state: DatabaseUserState): Partial<DatabaseUserState> {
  return storesEveryDefault(stored, STATE_DEFAULTS) ? state : outputsFromState(state);
}

/** Stored outputs (of this release, or of an earlier one that stored every field) → state. */
export function stateFromOutputs(outputs: Partial<DatabaseUserState>): DatabaseUserState {
  return withDefaults(outputs, STATE_DEFAULTS);
}

function cleanRole(role: { roleName: string; databaseName: string; collectionName?: string }) {
  return role.collectionName === undefined || role.collectionName === ""
    ? { roleName: role.roleName, databaseName: role.databaseName }
    : { roleName: role.roleName, databaseName: role.databaseName, collectionName: role.collectionName };
}

/**
 * State → the inputs `read` reports: what a program declaring this user as
 * it now is in Atlas would pass. Refresh stores these, so drift made in the
 * Atlas UI shows in the next preview and `up` restores the declared state.
 * The window form is kept: a relative `expiresIn` stays relative.
 */
export function inputsFromState(state: DatabaseUserState): Record<string, unknown> {
  const inputs: Record<string, unknown> = {
    projectId: state.projectId,
    username: state.username,
    databaseName: state.databaseName,
    roles: state.roles,
  };
  if (state.password !== undefined) inputs.password = state.password;
  if (state.scopes.length > 0) inputs.scopes = state.scopes;
  if (state.labels.length > 0) inputs.labels = state.labels;
  if (state.description !== undefined) inputs.description = state.description;
  for (const property of AUTH_TYPE_PROPERTIES) {
    if (state[property] !== "NONE") inputs[property] = state[property];
  }
  if (state.expiresIn !== undefined) inputs.expiresIn = state.expiresIn;
  else if (state.deleteAfterDate !== undefined) inputs.deleteAfterDate = state.deleteAfterDate;
  if (state.onExpiry !== undefined) inputs.onExpiry = state.onExpiry;
  if (state.adopt !== undefined) inputs.adopt = state.adopt;
  // This stack's identity, not the label: a label naming another stack shows in `ownedBy`.
  if (state.owner !== undefined) inputs.owner = state.owner;
  return inputs;
}

// ---------------------------------------------------------------------------
// inputs → request bodies

/** Inputs → create body. `deleteAfterDate` is the resolved date (see {@link resolveDeleteAfterDate}). */
export function createBodyFromInputs(inputs: DatabaseUserInputs, deleteAfterDate: string | undefined): DatabaseUserCreateRequest {
  const body: DatabaseUserCreateRequest = {
    groupId: inputs.projectId,
    databaseName: inputs.databaseName,
    username: inputs.username,
    roles: inputs.roles,
  };
  if (inputs.password !== undefined) body.password = inputs.password;
  if (inputs.scopes !== undefined && inputs.scopes.length > 0) body.scopes = inputs.scopes;
  const labels = withOwnerLabel(inputs.labels ?? [], inputs.owner);
  if (labels.length > 0) body.labels = labels;
  if (inputs.description !== undefined && inputs.description !== "") body.description = inputs.description;
  for (const property of AUTH_TYPE_PROPERTIES) {
    const value = inputs[property];
    if (value !== undefined && value !== "NONE") (body as unknown as Record<string, unknown>)[property] = value;
  }
  if (deleteAfterDate !== undefined) body.deleteAfterDate = deleteAfterDate;
  return body;
}

/**
 * State + new inputs → update body: the identity and `roles` (the spec
 * requires all four in every PATCH body) plus only the fields that change;
 * the password only when it changed. `undefined` when nothing Atlas holds
 * changes (e.g. only `onExpiry` or `adopt` did). `deleteAfterDate` is the
 * newly resolved date, when the window changed.
 */
export function updateBodyFromChanges(
  state: DatabaseUserState,
  inputs: DatabaseUserInputs,
  deleteAfterDate: string | undefined,
): DatabaseUserUpdateRequest | undefined {
  const body: DatabaseUserUpdateRequest = {
    groupId: state.projectId,
    databaseName: state.databaseName,
    username: state.username,
    roles: inputs.roles,
  };
  let changed = !sameSet(state.roles, inputs.roles);
  if (!sameSet(state.scopes, inputs.scopes)) {
    body.scopes = inputs.scopes ?? [];
    changed = true;
  }
  // Labels are sent whole: with the ownership label, which names the declared owner (a stamp
  // missing or naming someone else is replaced), else the one the user carries.
  const stamp = inputs.owner !== undefined && state.ownedBy !== inputs.owner;
  if (!sameSet(state.labels, inputs.labels) || stamp) {
    body.labels = withOwnerLabel(inputs.labels ?? [], inputs.owner ?? state.ownedBy);
    changed = true;
  }
  if ((state.description ?? "") !== (inputs.description ?? "")) {
    body.description = inputs.description ?? "";
    changed = true;
  }
  if (inputs.password !== undefined && inputs.password !== state.password) {
    body.password = inputs.password;
    changed = true;
  }
  if (deleteAfterDate !== undefined && !sameInstant(deleteAfterDate, state.deleteAfterDate)) {
    body.deleteAfterDate = deleteAfterDate;
    changed = true;
  }
  return changed ? body : undefined;
}

// ---------------------------------------------------------------------------
// Comparison

/** The properties whose change replaces the user (Atlas cannot change them in place). */
export const REPLACE_PROPERTIES = ["projectId", "username", "databaseName", ...AUTH_TYPE_PROPERTIES] as const;

/**
 * The declared properties that differ between the state and new inputs,
 * compared as normalised values: sets as sets, dates as instants, durations
 * as lengths, absent auth types as `NONE`. Never looks at `__provider`.
 */
export function changedProperties(state: DatabaseUserState, inputs: DatabaseUserInputs): string[] {
  const changed: string[] = [];
  if (state.projectId !== inputs.projectId) changed.push("projectId");
  if (state.username !== inputs.username) changed.push("username");
  if (state.databaseName !== inputs.databaseName) changed.push("databaseName");
  for (const property of AUTH_TYPE_PROPERTIES) {
    if (authValue(state, property) !== authValue(inputs, property)) changed.push(property);
  }
  if (inputs.password !== state.password) changed.push("password");
  if (!sameSet(state.roles, inputs.roles)) changed.push("roles");
  if (!sameSet(state.scopes, inputs.scopes)) changed.push("scopes");
  if (!sameSet(state.labels, inputs.labels)) changed.push("labels");
  if ((state.description ?? "") !== (inputs.description ?? "")) changed.push("description");
  if (!sameDuration(state.expiresIn, inputs.expiresIn)) changed.push("expiresIn");
  // With expiresIn the resolved date is an output, not a declaration.
  if (inputs.expiresIn === undefined && !sameInstant(state.deleteAfterDate, inputs.deleteAfterDate)) {
    changed.push("deleteAfterDate");
  }
  if (state.onExpiry !== inputs.onExpiry) changed.push("onExpiry");
  if (state.adopt !== inputs.adopt) changed.push("adopt");
  // State written before `owner` existed takes it at its next update, without a change of its own.
  if (state.owner !== undefined && inputs.owner !== undefined && state.owner !== inputs.owner) changed.push("owner");
  return changed;
}

/**
 * New inputs as `diff` compares them. In a preview, inputs may hold values
 * not known yet, and `check` could not normalise them: an unknown top-level
 * value is set aside (compared as unchanged, listed in `unknown`, so the
 * caller counts it as a change), and an omitted auth database is derived as
 * `check` would have.
 */
export function comparableInputs(
  state: DatabaseUserState,
  news: DatabaseUserInputs,
): { inputs: DatabaseUserInputs; unknown: string[] } {
  const inputs: Record<string, unknown> = { ...news };
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(news)) {
    if (key === "__provider" || !isUnknown(value)) continue;
    unknown.push(key);
    inputs[key] = (state as unknown as Record<string, unknown>)[key];
  }
  if (inputs.databaseName === undefined) inputs.databaseName = defaultDatabaseName(authKindOf(inputs));
  return { inputs: inputs as DatabaseUserInputs, unknown };
}

function authValue(values: Partial<Record<AuthTypeProperty, string>>, property: AuthTypeProperty): string {
  return values[property] ?? "NONE";
}

/**
 * Whether a user found in Atlas is the one a create request describes (used
 * after a lost POST response: if it matches, the POST landed and it is ours).
 * The password cannot be compared: Atlas never returns it.
 */
export function apiMatchesCreateBody(api: DatabaseUserResponse, body: DatabaseUserCreateRequest): boolean {
  const found = stateFromApi(api, body.groupId, {});
  const sent = stateFromApi(body, body.groupId, {});
  return (
    found.username === sent.username &&
    found.databaseName === sent.databaseName &&
    AUTH_TYPE_PROPERTIES.every((p) => found[p] === sent[p]) &&
    sameSet(found.roles, sent.roles) &&
    sameSet(found.scopes, sent.scopes) &&
    sameSet(found.labels, sent.labels) &&
    found.ownedBy === sent.ownedBy &&
    (found.description ?? "") === (sent.description ?? "") &&
    sameInstant(found.deleteAfterDate, sent.deleteAfterDate)
  );
}
