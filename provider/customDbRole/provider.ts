/**
 * CustomDbRole lifecycle: what the engine calls (through the `__provider`
 * text in `resource.ts`). `check` and `diff` send no request.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  createCustomDbRole,
  deleteCustomDbRole,
  getCustomDbRole,
  updateCustomDbRole,
  type CustomDbRoleBody,
  type CustomDbRoleKey,
} from "../client/operations/customDbRoles";
import { hasErrorCode, isConflict, isNotFound } from "../client/errors";
import { checkOnDatabaseAccessPlatform } from "../common/databaseAccess";
import { failure as resourceFailure, orUndefined, ResourceError } from "../common/errors";
import { createOnce, resendIfAnswerLost } from "../common/lostResponse";
import { isUnknown } from "../common/unknowns";
import { runContext, type RunContext } from "../context";
import {
  changedProperties,
  describeRole,
  fromApi,
  idOf,
  inputsFromState,
  keyFromId,
  keyOf,
  REPLACE_PROPERTIES,
  samePermissions,
  toCreateBody,
  toUpdateBody,
} from "./model";
import { CustomDbRoleInputsSchema, type CustomDbRoleInputs, type CustomDbRoleState } from "./schema";

type Olds = Partial<CustomDbRoleState>;

let configured: RunContext | undefined;
const context = () => (configured ??= runContext());
/** Custom roles live on Atlas: the v2 endpoints. */
const client = () => context().client("atlas");

function failure(action: string, key: CustomDbRoleKey, err: unknown, hint?: string): ResourceError {
  return resourceFailure(`${action} ${describeRole(key)}`, err, hint);
}

/** Why `check` refuses the stack's platform, or undefined (also when the settings are not complete yet: `up` says so). */

function inUseHint(err: unknown): string | undefined {
  if (hasErrorCode(err, "ATLAS_CUSTOM_ROLE_IN_USE_BY_USERS")) {
    return "Atlas refuses to delete a custom role that would leave a database user with no role. Give those users another role or delete them first; " +
      "in one program, pass the role's `roleName` output to each DatabaseUser that holds it, so Pulumi updates or deletes the users before the role";
  }
  if (hasErrorCode(err, "ATLAS_CUSTOM_ROLE_IN_USE_BY_ROLES")) {
    return "Atlas refuses to delete a custom role that another custom role inherits as its only permission. Change or delete that role first " +
      "(in one program, pass this role's `roleName` output to its inheritedRoles)";
  }
  return undefined;
}

async function createOrAdopt(inputs: CustomDbRoleInputs, body: CustomDbRoleBody): Promise<CustomDbRoleBody> {
  const key = keyOf(inputs);
  try {
    return await createOnce({
      send: () => createCustomDbRole(client(), key.projectId, body),
      lookUp: () => orUndefined(getCustomDbRole(client(), key)),
      isOurs: (found) => samePermissions(fromApi(found, key.projectId, {}), inputs),
      isConflict: (err) => isConflict(err, "ATLAS_CUSTOM_ROLE_NAME_ALREADY_EXISTS"),
      onConflict: async (found) => {
        if (inputs.adopt !== true) {
          throw new ResourceError({
            step: `creating ${describeRole(key)}`,
            code: "ATLAS_CUSTOM_ROLE_NAME_ALREADY_EXISTS",
            detail:
              "a custom role with this name already exists in the project. To manage it with this program, set adopt: true on the resource; " +
              "otherwise choose another roleName or delete the existing role first",
          });
        }
        if (found !== undefined && samePermissions(fromApi(found, key.projectId, {}), inputs)) return found;
        return updateCustomDbRole(client(), key, toUpdateBody(inputs));
      },
    });
  } catch (err) {
    throw failure("creating", key, err);
  }
}

export const provider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configured = runContext(req);
  },

  async check(_olds: Olds, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return checkOnDatabaseAccessPlatform(CustomDbRoleInputsSchema, news, context(), "custom database roles");
  },


  async diff(_id: string, olds: Olds, news: CustomDbRoleInputs): Promise<pulumi.dynamic.DiffResult> {
    const state = olds as CustomDbRoleState;
    // In a preview a value may not be known yet: count it as a change.
    const unknown = Object.keys(news).filter((k) => k !== "__provider" && isUnknown((news as unknown as Record<string, unknown>)[k]));
    const known = { ...news } as Record<string, unknown>;
    for (const k of unknown) known[k] = (state as unknown as Record<string, unknown>)[k];
    const changes = [...new Set([...changedProperties(state, known as unknown as CustomDbRoleInputs), ...unknown])];
    const replaces = changes.filter((p) => (REPLACE_PROPERTIES as readonly string[]).includes(p));
    // The replacement has another name or project, so it can exist next to the
    // old role: created first, users move to it, then the old one goes.
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: CustomDbRoleInputs): Promise<pulumi.dynamic.CreateResult> {
    const api = await createOrAdopt(inputs, toCreateBody(inputs));
    return { id: idOf(keyOf(inputs)), outs: fromApi(api, inputs.projectId, { adopt: inputs.adopt }) };
  },

  async read(id: string, props: Olds = {}): Promise<pulumi.dynamic.ReadResult<CustomDbRoleState>> {
    const key = keyFromId(id);
    let api: CustomDbRoleBody | undefined;
    try {
      api = await orUndefined(getCustomDbRole(client(), key));
    } catch (err) {
      throw failure("reading", key, err);
    }
    // Deleted outside the program: gone from the state, created again by the next `up`.
    if (api === undefined) return {};
    const state = fromApi(api, key.projectId, { adopt: typeof props.adopt === "boolean" ? props.adopt : undefined });
    return { id, props: state, inputs: inputsFromState(state) as unknown as CustomDbRoleState };
  },

  async update(_id: string, olds: Olds, news: CustomDbRoleInputs): Promise<pulumi.dynamic.UpdateResult> {
    const state = olds as CustomDbRoleState;
    const key = keyOf(state);
    if (samePermissions(state, news)) return { outs: { ...fromApi(toCreateBody(news), key.projectId, { adopt: news.adopt }) } };
    try {
      const api = await resendIfAnswerLost(() => updateCustomDbRole(client(), key, toUpdateBody(news)));
      return { outs: fromApi(api, key.projectId, { adopt: news.adopt }) };
    } catch (err) {
      throw failure("updating", key, err, isNotFound(err) ? "It no longer exists in Atlas: run `pulumi refresh`, then `pulumi up` to create it again" : undefined);
    }
  },

  async delete(id: string, props: Olds): Promise<void> {
    const key = props.projectId && props.roleName ? keyOf(props as CustomDbRoleState) : keyFromId(id);
    try {
      await deleteCustomDbRole(client(), key);
    } catch (err) {
      if (isNotFound(err)) return;
      throw failure("deleting", key, err, inUseHint(err));
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<CustomDbRoleInputs, CustomDbRoleState>;
