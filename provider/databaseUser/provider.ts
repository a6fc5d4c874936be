/**
 * DatabaseUser lifecycle: what the engine calls (through the `__provider` text
 * in `resource.ts`, which requires this module by package name).
 *
 * `check` and `diff` never send requests: a preview of an unchanged stack
 * costs nothing, and "expired" is decided from the state's deleteAfterDate
 * against this machine's clock.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  createDatabaseUser,
  deleteDatabaseUser,
  getDatabaseUser,
  updateDatabaseUser,
  type DatabaseUserCreateRequest,
  type DatabaseUserKey,
  type DatabaseUserResponse,
} from "../client/operations/databaseUsers";
import { hasErrorCode, isConflict, isNotFound } from "../client/errors";
import { checkWith } from "../common/check";
import { canonicalInstant, parseInstant, sameInstant } from "../common/dates";
import { failure as resourceFailure, orUndefined, ResourceError } from "../common/errors";
import { createOnce, resendIfAnswerLost } from "../common/lostResponse";
import { note } from "../common/notes";
import { runContext, type RunContext } from "../context";
import {
  apiMatchesCreateBody,
  changedProperties,
  comparableInputs,
  createBodyFromInputs,
  describeUser,
  expiryPolicy,
  hasExpired,
  idOf,
  inputsFromState,
  isTemporary,
  keyFromId,
  keyOf,
  outputsFromState,
  outputsLike,
  REPLACE_PROPERTIES,
  resolveDeleteAfterDate,
  stateFromApi,
  stateFromOutputs,
  takenOverBy,
  updateBodyFromChanges,
} from "./model";
import { AUTH_TYPE_PROPERTIES, MAX_EXPIRY_MS, OWNER_LABEL, TAKEOVER } from "./rules";
import type { DatabaseUserInputs, DatabaseUserState } from "./schema";

/**
 * The input schema, loaded by the first `check`: zod and the schema cost a
 * host about as much CPU as a hundred requests, and a refresh or a destroy
 * (read and delete only) never needs them.
 */
let inputsSchema: (typeof import("./schema"))["DatabaseUserInputsSchema"] | undefined;
function databaseUserInputsSchema() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (inputsSchema ??= (require("./schema") as typeof import("./schema")).DatabaseUserInputsSchema);
}

/** What the engine stores and hands back as olds: the state without its defaults (`outputsFromState`), or whole when an earlier release wrote it. */
type Olds = Partial<DatabaseUserState>;

let configured: RunContext | undefined;
/** The context `configure` built (the environment alone if the engine never called it). DatabaseUser is Atlas v2 only. */
const client = () => (configured ??= runContext()).client("atlas");

/**
 * The rule for an absolute deletion date at `now`: in the future and at most
 * 7 days ahead. Returns the reason it is not, or undefined.
 */
export function deleteAfterDateProblem(deleteAfterDate: string, now: Date): string | undefined {
  const at = parseInstant(deleteAfterDate);
  if (at === undefined) return undefined; // the schema reports unparseable dates
  if (at.getTime() <= now.getTime()) {
    return `deleteAfterDate ${deleteAfterDate} is in the past (it is now ${canonicalInstant(now)}): Atlas needs a future date within 7 days; set a later date or use expiresIn (e.g. "24h")`;
  }
  const latest = new Date(now.getTime() + MAX_EXPIRY_MS);
  if (at.getTime() > latest.getTime()) {
    return `deleteAfterDate ${deleteAfterDate} is more than 7 days ahead (the latest Atlas accepts now is ${canonicalInstant(latest)}): set an earlier date, or use expiresIn of at most "7d"`;
  }
  return undefined;
}

function expiredMessage(state: DatabaseUserState, inputs: DatabaseUserInputs): string {
  return `${describeUser(keyOf(state))} expired at ${state.deleteAfterDate} (Atlas deletes temporary users at their deleteAfterDate): set a new deleteAfterDate, use expiresIn (with onExpiry "recreate", the default for expiresIn), or remove the resource` +
    (inputs.onExpiry === "recreate" && inputs.expiresIn === undefined
      ? `; onExpiry "recreate" needs a future date to recreate it with`
      : "");
}

/** Names the step and the user, with the API's detail underneath. */
function failure(action: string, key: DatabaseUserKey, err: unknown, hint?: string): ResourceError {
  return resourceFailure(`${action} ${describeUser(key)}`, err, hint);
}

function limitHint(err: unknown): string | undefined {
  return hasErrorCode(err, "GROUP_USERS_LIMIT_EXCEEDED")
    ? "The project already has the maximum of 100 database users: delete users it no longer needs, or ask MongoDB Support to raise the limit"
    : undefined;
}

/** Creates the user once (a lost answer is looked up, never sent twice); an existing user is adopted or refused. */
async function createOrAdopt(inputs: DatabaseUserInputs, body: DatabaseUserCreateRequest): Promise<DatabaseUserResponse> {
  const key = keyOf(inputs);
  try {
    return await createOnce({
      send: () => createDatabaseUser(client(), body),
      lookUp: () => orUndefined(getDatabaseUser(client(), key)),
      isOurs: (found) => apiMatchesCreateBody(found, body),
      isConflict: (err) => isConflict(err, "USER_ALREADY_EXISTS"),
      onConflict: async (found) => {
        const ownedBy = found && stateFromApi(found, inputs.projectId, {}).ownedBy;
        if (inputs.adopt !== true && inputs.adopt !== TAKEOVER) {
          throw new ResourceError({
            step: `creating ${describeUser(key)}`,
            code: "USER_ALREADY_EXISTS",
            detail:
              "a user with this name already exists in Atlas (USER_ALREADY_EXISTS). " +
              "To manage the existing user with this program, set adopt: true on the resource (pulumi import does not work with dynamic providers); " +
              "otherwise choose another username or delete the existing user first. " +
              whoOwns(ownedBy, inputs.owner, found !== undefined),
          });
        }
        if (ownedBy !== undefined && inputs.owner !== undefined && ownedBy !== inputs.owner && inputs.adopt !== TAKEOVER) {
          throw new ResourceError({
            step: `adopting ${describeUser(key)}`,
            code: "ATLAS_USERS_OWNED_ELSEWHERE",
            detail:
              `it is owned by stack ${ownedBy} (its label ${OWNER_LABEL} says so), which manages it: adopt: true does not take a user from ` +
              `another stack. To take it over, set adopt: "takeover" (stack ${ownedBy} then sees the change at its next refresh, and no longer ` +
              "changes or deletes it); otherwise choose another username",
          });
        }
        return adopt(inputs, body, found);
      },
    });
  } catch (err) {
    throw failure("creating", key, err, limitHint(err));
  }
}

/** Takes over an existing user: brings it to the declared state, or fails saying why it cannot. */
async function adopt(inputs: DatabaseUserInputs, body: DatabaseUserCreateRequest, found?: DatabaseUserResponse): Promise<DatabaseUserResponse> {
  const key = keyOf(inputs);
  let existing: DatabaseUserResponse;
  try {
    existing = found ?? (await getDatabaseUser(client(), key));
  } catch (err) {
    throw failure("adopting", key, err);
  }
  const current = stateFromApi(existing, inputs.projectId, {});
  const declaredAuth = (p: (typeof AUTH_TYPE_PROPERTIES)[number]) => inputs[p] ?? "NONE";
  const mismatch = AUTH_TYPE_PROPERTIES.find((p) => current[p] !== declaredAuth(p));
  if (mismatch !== undefined) {
    throw new ResourceError({
      step: `adopting ${describeUser(key)}`,
      code: "ATLAS_USERS_CANNOT_CHANGE",
      detail: `the existing user has ${mismatch} ${current[mismatch]}, the program declares ${declaredAuth(mismatch)}, and Atlas cannot change a user's authentication type: delete the existing user or declare its authentication type`,
    });
  }
  if (current.temporary !== isTemporary(inputs)) {
    // Atlas converts neither way: take it over by recreating it in the declared kind.
    try {
      await deleteDatabaseUser(client(), key);
      return await createDatabaseUser(client(), body);
    } catch (err) {
      throw failure("adopting (recreating as " + (isTemporary(inputs) ? "temporary" : "permanent") + ")", key, err, limitHint(err));
    }
  }
  const update = updateBodyFromChanges(current, inputs, body.deleteAfterDate);
  if (update === undefined) return existing;
  try {
    return await updateDatabaseUser(client(), key, update);
  } catch (err) {
    throw failure("adopting", key, err);
  }
}

/** Who owns an existing user, as its ownership label tells (for the already-exists message). */
function whoOwns(ownedBy: string | undefined, owner: string | undefined, seen: boolean): string {
  if (ownedBy !== undefined && ownedBy === owner) {
    return `It carries this stack's ownership label (${OWNER_LABEL}: ${ownedBy}): most likely an interrupted run of this stack created it`;
  }
  if (ownedBy !== undefined) {
    return `Another stack owns it: its label ${OWNER_LABEL} names stack ${ownedBy}, and adopt: true is refused for it; adopt: "takeover" takes it from that stack`;
  }
  return seen
    ? `Another Pulumi stack or tool may own it: it carries no ${OWNER_LABEL} label (created by hand, by another tool, or by release 0.1.0 of this provider, which stamped none)`
    : "Another Pulumi stack or tool may own it";
}

/** Refuses to change or delete a user another stack has taken over, unless this program takes it back (`adopt: "takeover"`). */
function refuseIfTakenOver(state: DatabaseUserState, action: string, adopt: DatabaseUserInputs["adopt"]): void {
  const other = takenOverBy(state);
  if (other === undefined || adopt === TAKEOVER) return;
  throw new ResourceError({
    step: `${action} ${describeUser(keyOf(state))}`,
    code: "ATLAS_USERS_OWNED_ELSEWHERE",
    detail:
      `stack ${other} has taken it over (its label ${OWNER_LABEL} names that stack, not ${state.owner}), so this stack no longer changes it. ` +
      `Remove the resource from this program (destroy then leaves the user alone), or take it back with adopt: "takeover"`,
  });
}

/**
 * The stack the user's ownership label names, read from Atlas, for state that
 * records an owner to compare it with (state written by 0.1.0 records none:
 * its recorded label is used, no request is sent). Undefined when the user is gone.
 */
async function liveOwner(key: DatabaseUserKey, state: Partial<Pick<DatabaseUserState, "owner" | "ownedBy">>, action: string): Promise<string | undefined> {
  if (state.owner === undefined) return state.ownedBy;
  try {
    const api = await orUndefined(getDatabaseUser(client(), key));
    return api && stateFromApi(api, key.projectId, {}).ownedBy;
  } catch (err) {
    throw failure(action, key, err);
  }
}

function carryOver(inputs: DatabaseUserInputs) {
  return { password: inputs.password, expiresIn: inputs.expiresIn, onExpiry: inputs.onExpiry, adopt: inputs.adopt, owner: inputs.owner };
}

export const provider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configured = runContext(req);
  },

  async check(olds: Olds, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const result = checkWith(databaseUserInputsSchema(), news);
    if (result.failures && result.failures.length > 0) return result;
    const inputs = result.inputs as DatabaseUserInputs;
    // A declared date is held to Atlas's window when it is new or moved; an
    // unchanged one that time has overtaken is the expiry policy's business (diff).
    if (inputs.deleteAfterDate !== undefined && !sameInstant(inputs.deleteAfterDate, olds?.deleteAfterDate as string | undefined)) {
      const problem = deleteAfterDateProblem(inputs.deleteAfterDate, new Date());
      if (problem) return { inputs: result.inputs, failures: [{ property: "deleteAfterDate", reason: problem }] };
    }
    return result;
  },

  async diff(_id: string, olds: Olds, rawNews: DatabaseUserInputs): Promise<pulumi.dynamic.DiffResult> {
    const state = stateFromOutputs(olds);
    const { inputs: news, unknown } = comparableInputs(state, rawNews);
    const changes = [...changedProperties(state, news), ...unknown];
    const replaces = changes.filter((p) => (REPLACE_PROPERTIES as readonly string[]).includes(p));
    // A new window was declared (or may have been: a value not known yet in a preview).
    const windowChanged =
      changes.some((p) => p === "deleteAfterDate" || p === "expiresIn") ||
      unknown.some((p) => p === "deleteAfterDate" || p === "expiresIn" || p === "onExpiry");
    if ((state.deleteAfterDate !== undefined) !== isTemporary(news)) {
      // Atlas turns neither a permanent user into a temporary one nor back.
      const declared = changes.filter((p) => p === "deleteAfterDate" || p === "expiresIn");
      replaces.push(...(declared.length > 0 ? declared : ["deleteAfterDate"]));
    } else if (isTemporary(news) && hasExpired(state, new Date())) {
      // Atlas has deleted it (or is about to): recreate with a declared window, or stop and say why.
      const recreate = windowChanged || (expiryPolicy(news) === "recreate" && news.expiresIn !== undefined);
      if (!recreate) throw new ResourceError({ step: expiredMessage(state, news), code: "ATLAS_USERS_EXPIRED" });
      const property = news.expiresIn !== undefined ? "expiresIn" : "deleteAfterDate";
      replaces.push(property);
      changes.push(property);
    }
    const sameKey = state.projectId === news.projectId && state.databaseName === news.databaseName && state.username === news.username;
    return {
      changes: changes.length > 0,
      replaces: [...new Set(replaces)],
      deleteBeforeReplace: replaces.length > 0 && sameKey,
    };
  },

  async create(inputs: DatabaseUserInputs): Promise<pulumi.dynamic.CreateResult> {
    const key = keyOf(inputs);
    const now = new Date();
    if (inputs.deleteAfterDate !== undefined && inputs.expiresIn === undefined) {
      const problem = deleteAfterDateProblem(inputs.deleteAfterDate, now);
      if (problem) throw new ResourceError({ step: `creating ${describeUser(key)}`, detail: problem, code: "ATLAS_USERS_INVALID_DATE" });
    }
    const body = createBodyFromInputs(inputs, resolveDeleteAfterDate(inputs, now));
    const api = await createOrAdopt(inputs, body);
    return { id: idOf(key), outs: outputsFromState(stateFromApi(api, inputs.projectId, carryOver(inputs))) };
  },

  async read(id: string, props: Olds = {}): Promise<pulumi.dynamic.ReadResult<Olds>> {
    const key = keyFromId(id);
    let api: DatabaseUserResponse;
    try {
      api = await getDatabaseUser(client(), key);
    } catch (err) {
      if (isNotFound(err)) {
        if (hasExpired(props, new Date())) {
          note(`${describeUser(key)} expired at ${props.deleteAfterDate} and Atlas deleted it; removing it from the stack's state`);
        }
        return {};
      }
      throw failure("reading", key, err);
    }
    const state = stateFromApi(api, key.projectId, {
      password: typeof props.password === "string" ? props.password : undefined,
      expiresIn: typeof props.expiresIn === "string" ? props.expiresIn : undefined,
      onExpiry: props.onExpiry === "recreate" || props.onExpiry === "fail" ? props.onExpiry : undefined,
      adopt: typeof props.adopt === "boolean" || props.adopt === TAKEOVER ? props.adopt : undefined,
      owner: typeof props.owner === "string" ? props.owner : undefined,
    });
    const other = takenOverBy(state);
    if (other !== undefined && takenOverBy(props as DatabaseUserState) === undefined) {
      note(`${describeUser(key)} now carries stack ${other}'s ownership label: that stack has taken it over, and this stack will neither change nor delete it`);
    }
    return { id: idOf(key), props: outputsLike(props, state), inputs: inputsFromState(state) as Olds };
  },

  async update(id: string, olds: Olds, news: DatabaseUserInputs): Promise<pulumi.dynamic.UpdateResult> {
    const state = stateFromOutputs(olds);
    const key = keyOf(state);
    const windowChanged = changedProperties(state, news).some((p) => p === "expiresIn" || p === "deleteAfterDate");
    const deleteAfterDate = windowChanged ? resolveDeleteAfterDate(news, new Date()) : undefined;
    if (updateBodyFromChanges(state, news, deleteAfterDate) === undefined) {
      // Only provider-side settings (onExpiry, adopt, the form of the window) changed.
      return { outs: outputsFromState({ ...stateWithout(state, ["expiresIn", "onExpiry", "adopt"]), ...definedOnly(carryOver(news)) }) };
    }
    // Whose it is now, as its label says (another stack may have taken it since the last refresh).
    const live = { ...state, ownedBy: await liveOwner(key, state, "updating") };
    refuseIfTakenOver(live, "updating", news.adopt);
    const body = updateBodyFromChanges(live, news, deleteAfterDate)!;
    let api: DatabaseUserResponse;
    try {
      // The body holds absolute values: after a lost answer, sending it again is safe.
      api = await resendIfAnswerLost(() => updateDatabaseUser(client(), key, body));
    } catch (err) {
      throw failure("updating", key, err, isNotFound(err) ? "It no longer exists in Atlas: run `pulumi refresh`, then `pulumi up` to create it again" : undefined);
    }
    return { outs: outputsFromState(stateFromApi(api, key.projectId, carryOver(news))) };
  },

  async delete(id: string, props: Olds): Promise<void> {
    const key = props.projectId && props.databaseName && props.username ? keyOf(props as DatabaseUserState) : keyFromId(id);
    const other = takenOverBy({ owner: props.owner, ownedBy: await liveOwner(key, props, "deleting") });
    if (other !== undefined) {
      note(`left ${describeUser(key)} in Atlas: stack ${other} has taken it over (its ${OWNER_LABEL} label), so this stack's destroy only forgets it`);
      return;
    }
    try {
      await deleteDatabaseUser(client(), key);
    } catch (err) {
      if (isNotFound(err)) return;
      throw failure("deleting", key, err);
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<DatabaseUserInputs, Olds>;

function stateWithout(state: DatabaseUserState, keys: readonly (keyof DatabaseUserState)[]): DatabaseUserState {
  const out: Record<string, unknown> = { ...state };
  for (const k of [...keys, "__provider"]) delete out[k];
  return out as unknown as DatabaseUserState;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
