import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { CustomDbRoleInputsIn } from "./schema";

/** The implementation the engine's host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/customDbRole";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/** One privilege action and the resources it applies to. */
export interface CustomDbRoleActionArgs {
  /** A privilege action Atlas documents (`FIND`, `INSERT`, `LIST_DATABASES`, ...). */
  action: pulumi.Input<"FIND" | "INSERT" | "REMOVE" | "UPDATE" | "BYPASS_DOCUMENT_VALIDATION" | "USE_UUID" | "KILL_OP" | "BYPASS_DEFAULT_MAX_TIME_MS" | "CREATE_COLLECTION" | "CREATE_INDEX" | "DROP_COLLECTION" | "ENABLE_PROFILER" | "KILL_ANY_CURSOR" | "ANALYZE" | "CHANGE_STREAM" | "COLL_MOD" | "COMPACT" | "CONVERT_TO_CAPPED" | "DROP_DATABASE" | "DROP_INDEX" | "RE_INDEX" | "RENAME_COLLECTION_SAME_DB" | "SET_USER_WRITE_BLOCK" | "BYPASS_USER_WRITE_BLOCK" | "LIST_SESSIONS" | "KILL_ANY_SESSION" | "COLL_STATS" | "CONN_POOL_STATS" | "DB_HASH" | "DB_STATS" | "GET_CMD_LINE_OPTS" | "GET_LOG" | "GET_PARAMETER" | "GET_SHARD_MAP" | "HOST_INFO" | "IN_PROG" | "LIST_DATABASES" | "LIST_COLLECTIONS" | "LIST_INDEXES" | "LIST_SHARDS" | "NET_STAT" | "REPL_SET_GET_CONFIG" | "REPL_SET_GET_STATUS" | "SERVER_STATUS" | "VALIDATE" | "SHARDING_STATE" | "TOP" | "SQL_GET_SCHEMA" | "SQL_SET_SCHEMA" | "VIEW_ALL_HISTORY" | "OUT_TO_S3" | "OUT_TO_AZURE" | "OUT_TO_GCS" | "STORAGE_GET_CONFIG" | "STORAGE_SET_CONFIG" | "FLUSH_ROUTER_CONFIG" | "ENABLE_SHARDING" | "CHECK_METADATA_CONSISTENCY" | "MOVE_CHUNK" | "SPLIT_CHUNK" | "ANALYZE_SHARD_KEY" | "REFINE_COLLECTION_SHARD_KEY" | "CLEAR_JUMBO_FLAG" | "RESHARD_COLLECTION" | "SHARDED_DATA_DISTRIBUTION" | "GET_STREAM_PROCESSOR" | "CREATE_STREAM_PROCESSOR" | "PROCESS_STREAM_PROCESSOR" | "MODIFY_STREAM_PROCESSOR" | "START_STREAM_PROCESSOR" | "STOP_STREAM_PROCESSOR" | "DROP_STREAM_PROCESSOR" | "SAMPLE_STREAM_PROCESSOR" | "LIST_STREAM_PROCESSORS" | "LIST_CONNECTIONS" | "STREAM_PROCESSOR_STATS" | "CREATE_SEARCH_INDEX" | "DROP_SEARCH_INDEX" | "LIST_SEARCH_INDEXES" | "UPDATE_SEARCH_INDEX">;
  /** Where the action applies, each once: `{ db, collection? }` or `{ cluster: true }`. */
  resources: pulumi.Input<pulumi.Input<CustomDbRoleResourceArgs>[]>;
}

/**
 * Where an action applies: `{ db, collection? }` for a database or collection, `{ cluster: true }` for the
 * cluster.
 */
export interface CustomDbRoleResourceArgs {
  /** The database the action applies to. Not with `cluster`. */
  db?: pulumi.Input<string>;
  /** Restricts the action to this collection of `db`; omitted means every collection. */
  collection?: pulumi.Input<string>;
  /**
   * `true` for the cluster resource, which cluster-wide actions (`LIST_DATABASES`, `SERVER_STATUS`, ...)
   * need. Not with `db`.
   */
  cluster?: pulumi.Input<true>;
}

/** A role whose privileges the custom role includes. */
export interface CustomDbRoleInheritedRoleArgs {
  /** A built-in role (`read`, `readWrite`, ...) or another custom role of the project. */
  roleName: pulumi.Input<string>;
  /** The database it is inherited on (`admin` for custom roles and for roles that exist only there). */
  databaseName: pulumi.Input<string>;
}

/**
 * The arguments of a {@link CustomDbRole}. `projectId` and `roleName` identify the role: changing either
 * replaces it (the new role is created before the old one is deleted). `actions` and `inheritedRoles` update
 * in place.
 */
export interface CustomDbRoleArgs {
  /** The project's id (the API's `groupId`). Changing it replaces the role. */
  projectId: pulumi.Input<string>;
  /**
   * The role's name, unique in the project: ASCII letters, digits, `-` and `_`. Changing it replaces the
   * role.
   */
  roleName: pulumi.Input<string>;
  /**
   * The privileges the role grants, each action once; order does not matter. At least one action or inherited
   * role. Updated in place.
   */
  actions?: pulumi.Input<pulumi.Input<CustomDbRoleActionArgs>[]>;
  /** Roles whose privileges this role includes, each once. Updated in place. */
  inheritedRoles?: pulumi.Input<pulumi.Input<CustomDbRoleInheritedRoleArgs>[]>;
  /** On create, take over an existing role with this name instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

// END GENERATED: args

// The class's args and the schema name the same inputs.
const argsMatchSchema: SameKeys<CustomDbRoleArgs, CustomDbRoleInputsIn> = true;
void argsMatchSchema;

/** A privilege action as stored in state. */
export interface CustomDbRoleActionOutput {
  action: string;
  resources: { db?: string; collection?: string; cluster?: true }[];
}

/**
 * A custom database role of an Atlas project: the least privilege a
 * {@link DatabaseUser} needs. The id is `{projectId}/{roleName}`.
 *
 * A user that holds the role names it through the role's output, so Pulumi
 * creates the role first and deletes it last:
 *
 * ```ts
 * const reader = new CustomDbRole("reader", {
 *   projectId, roleName: "reportReader",
 *   actions: [{ action: "FIND", resources: [{ db: "reports" }] }],
 * });
 * new DatabaseUser("app", {
 *   projectId, username: "app", password: cfg.requireSecret("appPassword"),
 *   roles: [{ roleName: reader.roleName, databaseName: "admin" }],
 * });
 * ```
 */
export class CustomDbRole extends pulumi.CustomResource {
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly roleName: pulumi.Output<string>;
  /** Sorted by action, each one's resources sorted. */
  declare public readonly actions: pulumi.Output<CustomDbRoleActionOutput[]>;
  declare public readonly inheritedRoles: pulumi.Output<{ roleName: string; databaseName: string }[]>;
  declare public readonly adopt: pulumi.Output<boolean | undefined>;

  /**
   * Reads an existing custom role into the program, without managing it.
   * @param id `{projectId}/{roleName}`.
   */
  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): CustomDbRole {
    return new CustomDbRole(name, undefined as unknown as CustomDbRoleArgs, { ...opts, id });
  }

  constructor(name: string, args: CustomDbRoleArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = Object.fromEntries(["projectId", "roleName", "actions", "inheritedRoles", "adopt"].map((k) => [k, undefined]));
    Object.assign(props, args ?? {});
    super(...dynamicResource(IMPLEMENTATION, name, props, opts, "atlas-users", "CustomDbRole"));
  }
}
