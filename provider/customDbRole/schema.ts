/**
 * CustomDbRole inputs: one zod schema with Atlas's rules for a custom
 * database role (its error-code reference: names, at least one permission,
 * no duplicates, each action on the resource it applies to, inherited roles
 * that can exist), normalised (sorted actions, resources and inherited roles)
 * so reordering is not a change. The types are inferred from it.
 */
import { z } from "zod";
import { isBuiltInRole } from "../common/databaseRoles";
import { canonicalSet, duplicateIndexes } from "../common/sets";
import type { SameKeys } from "../common/types";
import { PRIVILEGE_ACTION_NAMES, PRIVILEGE_ACTIONS } from "./actions";

const PROJECT_ID = /^[a-f0-9]{24}$/;
/** Atlas: `ATLAS_CUSTOM_ROLE_INVALID_NAME`. */
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const text = (property: string) =>
  z.string({ error: `${property} must be a string` }).min(1, { error: `${property} must not be empty` });

/** Where an action applies: a database (optionally one collection), or the cluster. */
export const CustomDbRoleResourceSchema = z.strictObject({
  db: text("db").optional().describe("The database the action applies to. Not with `cluster`."),
  collection: text("collection").optional().describe("Restricts the action to this collection of `db`; omitted means every collection."),
  cluster: z.literal(true, { error: "cluster must be true (omit it for a database resource)" }).optional()
    .describe("`true` for the cluster resource, which cluster-wide actions (`LIST_DATABASES`, `SERVER_STATUS`, ...) need. Not with `db`."),
});

export const CustomDbRoleActionSchema = z.strictObject({
  action: z.enum(PRIVILEGE_ACTION_NAMES, { error: "action must be one of Atlas's privilege actions, e.g. \"FIND\", \"INSERT\", \"LIST_COLLECTIONS\" (see the docs page for the list)" })
    .meta({ description: "A privilege action Atlas documents (`FIND`, `INSERT`, `LIST_DATABASES`, ...).", tableType: "string (a privilege action)" }),
  resources: z.array(CustomDbRoleResourceSchema, { error: "resources must be a list of {db, collection?} or {cluster: true}" })
    .min(1, { error: "resources must name at least one resource: {db: \"app\"} or {cluster: true}" })
    .describe("Where the action applies, each once: `{ db, collection? }` or `{ cluster: true }`."),
});

export const CustomDbRoleInheritedSchema = z.strictObject({
  roleName: text("roleName").describe("A built-in role (`read`, `readWrite`, ...) or another custom role of the project."),
  databaseName: text("databaseName").describe("The database it is inherited on (`admin` for custom roles and for roles that exist only there)."),
});

const CustomDbRoleInputsShape = z.strictObject({
  projectId: z.string({ error: "projectId must be a string: the project's 24-hexadecimal-digit id" })
    .regex(PROJECT_ID, { error: "projectId must be the project's id: 24 lowercase hexadecimal digits" })
    .describe("The project's id (the API's `groupId`). Changing it replaces the role."),
  roleName: text("roleName")
    .regex(ROLE_NAME, { error: "roleName may hold only ASCII letters, digits, hyphens and underscores, and must start with a letter or digit" })
    .describe("The role's name, unique in the project: ASCII letters, digits, `-` and `_`. Changing it replaces the role."),
  actions: z.array(CustomDbRoleActionSchema, { error: "actions must be a list of {action, resources}" }).optional()
    .describe("The privileges the role grants, each action once; order does not matter. At least one action or inherited role. Updated in place."),
  inheritedRoles: z.array(CustomDbRoleInheritedSchema, { error: "inheritedRoles must be a list of {roleName, databaseName}" }).optional()
    .describe("Roles whose privileges this role includes, each once. Updated in place."),
  adopt: z.boolean({ error: "adopt must be true or false" }).optional()
    .describe("On create, take over an existing role with this name instead of failing."),
});

type RawInputs = z.output<typeof CustomDbRoleInputsShape>;
type Issue = { path: (string | number)[]; message: string };

function crossFieldIssues(args: RawInputs): Issue[] {
  const issues: Issue[] = [];
  const actions = args.actions ?? [];
  const inherited = args.inheritedRoles ?? [];
  if (args.roleName.startsWith("xgen-")) {
    issues.push({ path: ["roleName"], message: 'the prefix "xgen-" is reserved for Atlas\'s own roles: choose another name' });
  }
  if (isBuiltInRole(args.roleName)) {
    issues.push({ path: ["roleName"], message: `${args.roleName} is a built-in role: a custom role needs another name` });
  }
  if (actions.length === 0 && inherited.length === 0) {
    issues.push({ path: ["actions"], message: "a custom role needs at least one action or inherited role" });
  }
  for (const i of duplicateIndexes(actions, (a) => a.action)) {
    issues.push({ path: ["actions", i, "action"], message: `${actions[i].action} is listed twice: put all its resources in one entry` });
  }
  actions.forEach((a, i) => {
    const scope = PRIVILEGE_ACTIONS[a.action];
    a.resources.forEach((r, j) => {
      const path = ["actions", i, "resources", j];
      if (r.cluster === true && (r.db !== undefined || r.collection !== undefined)) {
        issues.push({ path, message: "a resource is either {cluster: true} or {db, collection?}, not both" });
      } else if (r.cluster === undefined && r.db === undefined) {
        issues.push({ path, message: 'a resource needs db (e.g. {db: "app"}) or cluster: true' });
      } else if (scope === "cluster" && r.cluster !== true) {
        issues.push({ path, message: `${a.action} is a cluster-wide action: its resource must be {cluster: true}` });
      } else if (scope === "namespace" && r.cluster === true) {
        issues.push({ path, message: `${a.action} applies to a database or collection, not the cluster: use {db, collection?}` });
      }
    });
    for (const j of duplicateIndexes(a.resources)) {
      issues.push({ path: ["actions", i, "resources", j], message: "this resource is listed twice for the action: remove the duplicate" });
    }
  });
  inherited.forEach((r, i) => {
    if (r.roleName === args.roleName) {
      issues.push({ path: ["inheritedRoles", i, "roleName"], message: "a role cannot inherit from itself" });
    } else if (!isBuiltInRole(r.roleName) && r.databaseName !== "admin") {
      issues.push({
        path: ["inheritedRoles", i, "databaseName"],
        message: `${r.roleName} is not a built-in role, so it is a custom role, and custom roles are inherited on the admin database: set databaseName to "admin"`,
      });
    }
  });
  for (const i of duplicateIndexes(inherited)) {
    issues.push({ path: ["inheritedRoles", i], message: "this role is listed twice: remove the duplicate" });
  }
  return issues;
}

/** The schema `check` runs; its output is what state holds as inputs. */
export const CustomDbRoleInputsSchema = CustomDbRoleInputsShape.superRefine((args, ctx) => {
  for (const issue of crossFieldIssues(args)) ctx.addIssue({ code: "custom", ...issue });
}).transform((args) => ({
  ...args,
  actions: canonicalActions(args.actions ?? []),
  inheritedRoles: canonicalSet(args.inheritedRoles ?? []),
}));

/** Actions sorted by name, each one's resources sorted: the one order state and comparisons use. */
export function canonicalActions(actions: readonly CustomDbRoleAction[]): CustomDbRoleAction[] {
  return canonicalSet(actions.map((a) => ({ action: a.action, resources: canonicalSet(a.resources) })));
}

export type CustomDbRoleInputs = z.output<typeof CustomDbRoleInputsSchema>;
export type CustomDbRoleInputsIn = z.input<typeof CustomDbRoleInputsSchema>;
export type CustomDbRoleAction = z.output<typeof CustomDbRoleActionSchema>;
export type CustomDbRoleResource = z.output<typeof CustomDbRoleResourceSchema>;
export type CustomDbRoleInherited = z.output<typeof CustomDbRoleInheritedSchema>;

/** The resource's outputs: the role as Atlas holds it, sorted. */
export interface CustomDbRoleState {
  projectId: string;
  roleName: string;
  actions: CustomDbRoleAction[];
  inheritedRoles: CustomDbRoleInherited[];
  adopt?: boolean;
}

/** The outputs as a schema: the source of the outputs table in `docs/resources/custom-db-role.md`. */
export const CustomDbRoleStateSchema = z.object({
  projectId: z.string(),
  roleName: z.string(),
  actions: z.array(CustomDbRoleActionSchema).describe("As Atlas holds them, sorted by action, each one's resources sorted; `[]` when none."),
  inheritedRoles: z.array(CustomDbRoleInheritedSchema).describe("As Atlas holds them, sorted; `[]` when none."),
  adopt: z.boolean().optional(),
});

const stateSchemaMatchesState: SameKeys<z.output<typeof CustomDbRoleStateSchema>, CustomDbRoleState> = true;
void stateSchemaMatchesState;
