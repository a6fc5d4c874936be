/**
 * Pure mappers between the API's UserCustomDBRole and the resource's inputs
 * and state, named by direction. The API spells a resource
 * `{cluster, db, collection}` (all three required) and an inherited role
 * `{role, db}`; the resource's inputs spell them as programs write them.
 */
import type {
  ApiNamespaceResource,
  CustomDbRoleBody,
  CustomDbRoleKey,
  CustomDbRoleUpdate,
} from "../client/operations/customDbRoles";
import { canonicalSet, sameSet } from "../common/sets";
import { PRIVILEGE_ACTIONS, type PrivilegeAction } from "./actions";
import {
  canonicalActions,
  type CustomDbRoleAction,
  type CustomDbRoleInputs,
  type CustomDbRoleResource,
  type CustomDbRoleState,
} from "./schema";

/** `{projectId}/{roleName}` (a role name has no slash). */
export function idOf(key: CustomDbRoleKey): string {
  return `${key.projectId}/${key.roleName}`;
}

export function keyFromId(id: string): CustomDbRoleKey {
  const m = /^([a-f0-9]{24})\/([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(id);
  if (!m) throw new Error(`"${id}" is not a custom role id: expected "{projectId}/{roleName}", e.g. "5f1a2b3c4d5e6f7a8b9c0d1e/reportReader"`);
  return { projectId: m[1], roleName: m[2] };
}

export function keyOf(role: { projectId: string; roleName: string }): CustomDbRoleKey {
  return { projectId: role.projectId, roleName: role.roleName };
}

export function describeRole(key: CustomDbRoleKey): string {
  return `custom role ${key.roleName} in project ${key.projectId}`;
}

// ---------------------------------------------------------------------------
// inputs → request bodies

function toApiResource(r: CustomDbRoleResource): ApiNamespaceResource {
  return r.cluster === true ? { cluster: true, db: "", collection: "" } : { cluster: false, db: r.db ?? "", collection: r.collection ?? "" };
}

function toApiPermissions(inputs: Pick<CustomDbRoleInputs, "actions" | "inheritedRoles">): CustomDbRoleUpdate {
  return {
    actions: inputs.actions.map((a) => ({ action: a.action, resources: a.resources.map(toApiResource) })),
    inheritedRoles: inputs.inheritedRoles.map((r) => ({ role: r.roleName, db: r.databaseName })),
  };
}

export function toCreateBody(inputs: CustomDbRoleInputs): CustomDbRoleBody {
  return { roleName: inputs.roleName, ...toApiPermissions(inputs) };
}

/** PATCH sends both lists whole: each replaces what Atlas holds, so sending it twice is harmless. */
export function toUpdateBody(inputs: CustomDbRoleInputs): CustomDbRoleUpdate {
  return toApiPermissions(inputs);
}

// ---------------------------------------------------------------------------
// API → state

function fromApiResource(r: Partial<ApiNamespaceResource>): CustomDbRoleResource {
  if (r.cluster === true) return { cluster: true };
  return r.collection ? { db: r.db ?? "", collection: r.collection } : { db: r.db ?? "" };
}

/** The API's answer → state; `carry` holds what Atlas does not store. */
export function fromApi(api: CustomDbRoleBody, projectId: string, carry: { adopt?: boolean }): CustomDbRoleState {
  const actions: CustomDbRoleAction[] = (api.actions ?? [])
    .filter((a): a is typeof a & { action: PrivilegeAction } => a.action in PRIVILEGE_ACTIONS)
    .map((a) => ({ action: a.action, resources: (a.resources ?? []).map(fromApiResource) }));
  const state: CustomDbRoleState = {
    projectId,
    roleName: api.roleName,
    actions: canonicalActions(actions),
    inheritedRoles: canonicalSet((api.inheritedRoles ?? []).map((r) => ({ roleName: r.role, databaseName: r.db }))),
  };
  if (carry.adopt !== undefined) state.adopt = carry.adopt;
  return state;
}

/** State → the inputs `read` reports, so drift shows in the next preview and `up` restores the declaration. */
export function inputsFromState(state: CustomDbRoleState): Record<string, unknown> {
  const inputs: Record<string, unknown> = { projectId: state.projectId, roleName: state.roleName, actions: state.actions, inheritedRoles: state.inheritedRoles };
  if (state.adopt !== undefined) inputs.adopt = state.adopt;
  return inputs;
}

// ---------------------------------------------------------------------------
// Comparison

export const REPLACE_PROPERTIES = ["projectId", "roleName"] as const;

/** Whether two roles grant the same: actions and inherited roles compared as sets. */
export function samePermissions(a: Pick<CustomDbRoleInputs, "actions" | "inheritedRoles">, b: Pick<CustomDbRoleInputs, "actions" | "inheritedRoles">): boolean {
  return sameSet(canonicalActions(a.actions), canonicalActions(b.actions)) && sameSet(a.inheritedRoles, b.inheritedRoles);
}

export function changedProperties(state: CustomDbRoleState, inputs: CustomDbRoleInputs): string[] {
  const changed: string[] = [];
  if (state.projectId !== inputs.projectId) changed.push("projectId");
  if (state.roleName !== inputs.roleName) changed.push("roleName");
  if (!sameSet(canonicalActions(state.actions ?? []), canonicalActions(inputs.actions ?? []))) changed.push("actions");
  if (!sameSet(state.inheritedRoles, inputs.inheritedRoles)) changed.push("inheritedRoles");
  if (state.adopt !== inputs.adopt) changed.push("adopt");
  return changed;
}
