import * as pulumi from "@pulumi/pulumi";
import { absentFromInputs, dynamicResource, readStateDefaults } from "../common/shim";
import { isDefaultValue } from "../common/storedState";
import type { SameKeys } from "../common/types";
import { STATE_DEFAULTS } from "./rules";
import type { DatabaseUserInputsIn } from "./schema";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/databaseUser";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/** One role on one database, optionally restricted to one collection. */
export interface DatabaseUserRoleArgs {
  /** A built-in role (`read`, `readWrite`, `dbAdmin`, `atlasAdmin`, ...) or a custom role's name. */
  roleName: pulumi.Input<string>;
  /**
   * The database the role applies to (`admin` for roles that exist only there, such as `readAnyDatabase`).
   */
  databaseName: pulumi.Input<string>;
  /** Restricts the role to this collection. */
  collectionName?: pulumi.Input<string>;
}

/** A cluster, data lake or stream instance the user may access. */
export interface DatabaseUserScopeArgs {
  /** The cluster's, data lake's or stream instance's name: letters, digits and hyphens. */
  name: pulumi.Input<string>;
  /** What `name` names. */
  type: pulumi.Input<"CLUSTER" | "DATA_LAKE" | "STREAM">;
}

/** A key-value tag (1-255 characters each; not shown in the Atlas console). */
export interface DatabaseUserLabelArgs {
  /** 1-255 characters. */
  key: pulumi.Input<string>;
  /** 1-255 characters. */
  value: pulumi.Input<string>;
}

/**
 * The arguments of a {@link DatabaseUser}. `projectId`, `username`, `databaseName` and the auth type identify
 * the user: changing any of them replaces it. Everything else updates in place, except turning a permanent
 * user into a temporary one or back (a replacement: Atlas converts neither).
 */
export interface DatabaseUserArgs {
  /** The project's id (the API's `groupId`), 24 hexadecimal digits. Changing it replaces the user. */
  projectId: pulumi.Input<string>;
  /**
   * The login name, at most 1024 characters and no control characters; its form depends on the authentication
   * type. Changing it replaces the user.
   */
  username: pulumi.Input<string>;
  /**
   * The authentication database. Derived from the authentication type when omitted; if given, it must match
   * it. Changing it replaces the user.
   */
  databaseName?: pulumi.Input<"admin" | "$external">;
  /**
   * SCRAM password, at least 8 characters. Required for SCRAM users, rejected for every other type. Sent on
   * update only when it changed. Kept as a Pulumi secret.
   */
  password?: pulumi.Input<string>;
  /** At least one role, each once; order does not matter. Updated in place. */
  roles: pulumi.Input<pulumi.Input<DatabaseUserRoleArgs>[]>;
  /**
   * The clusters, data lakes or stream instances the user may reach; omitted means all in the project.
   * Updated in place.
   */
  scopes?: pulumi.Input<pulumi.Input<DatabaseUserScopeArgs>[]>;
  /** Key-value tags (not shown in the Atlas console), each once. Updated in place. */
  labels?: pulumi.Input<pulumi.Input<DatabaseUserLabelArgs>[]>;
  /** Free text, at most 100 characters. Updated in place. */
  description?: pulumi.Input<string>;
  /** AWS IAM authentication; the username is the IAM user's or role's ARN. */
  awsIAMType?: pulumi.Input<"NONE" | "USER" | "ROLE">;
  /** LDAP authentication (`USER`) or authorization (`GROUP`); the username is a distinguished name. */
  ldapAuthType?: pulumi.Input<"NONE" | "GROUP" | "USER">;
  /** OIDC workload user (`USER`) or workforce group (`IDP_GROUP`); the username is `<IdP id>/<name>`. */
  oidcAuthType?: pulumi.Input<"NONE" | "IDP_GROUP" | "USER">;
  /** X.509 with Atlas-managed (`MANAGED`) or your own (`CUSTOMER`) certificates. */
  x509Type?: pulumi.Input<"NONE" | "CUSTOMER" | "MANAGED">;
  /**
   * Makes the user temporary: Atlas deletes it at this ISO 8601 date-time with a zone, in the future and at
   * most 7 days ahead when set. Not with `expiresIn`.
   */
  deleteAfterDate?: pulumi.Input<string>;
  /**
   * Makes the user temporary for this long (`90m`, `24h`, `7d`, `1h30m`; at most 7 days), counted from
   * creation. Not with `deleteAfterDate`.
   */
  expiresIn?: pulumi.Input<string>;
  /**
   * What `pulumi up` does once a temporary user has expired. Default: `recreate` with `expiresIn`, `fail`
   * with `deleteAfterDate`.
   */
  onExpiry?: pulumi.Input<"recreate" | "fail">;
  /**
   * On create, take over an existing user with this project, auth database and username instead of failing.
   * `true` refuses a user whose `pulumi-atlas-users/owner` label names another stack; `"takeover"` takes that
   * one too (and takes it back at an update, should the other stack take it again).
   */
  adopt?: pulumi.Input<boolean | "takeover">;
  /**
   * The stack that owns the user, stamped on it as the label `pulumi-atlas-users/owner`. Set by the
   * `DatabaseUser` class to `<project>/<stack>` of the program; leave it out.
   */
  owner?: pulumi.Input<string>;
}

// END GENERATED: args

/** A role as stored in state. */
export interface DatabaseUserRoleOutput {
  roleName: string;
  databaseName: string;
  collectionName?: string;
}

// The class's args and the schema name the same inputs.
const argsMatchSchema: SameKeys<DatabaseUserArgs, DatabaseUserInputsIn> = true;
void argsMatchSchema;

/**
 * A MongoDB Atlas database user, with any authentication type (SCRAM,
 * X.509, AWS IAM, LDAP, OIDC), optional expiry, and its password kept as a
 * Pulumi secret.
 *
 * The id is `{projectId}/{databaseName}/{username}`.
 *
 * ```ts
 * new DatabaseUser("app", {
 *   projectId, username: "app", password: cfg.requireSecret("appPassword"),
 *   roles: [{ roleName: "readWrite", databaseName: "app" }],
 * });
 * ```
 */
export class DatabaseUser extends pulumi.CustomResource {
  // `declare`: a class field would overwrite the outputs the base constructor sets.
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  declare public readonly databaseName: pulumi.Output<"admin" | "$external">;
  /** The SCRAM password (a secret); undefined for other auth types. */
  declare public readonly password: pulumi.Output<string | undefined>;
  /** Roles, sorted. */
  declare public readonly roles: pulumi.Output<DatabaseUserRoleOutput[]>;
  /** Scopes, sorted; empty means every cluster, data lake and stream instance in the project. */
  declare public readonly scopes: pulumi.Output<{ name: string; type: "CLUSTER" | "DATA_LAKE" | "STREAM" }[]>;
  declare public readonly labels: pulumi.Output<{ key: string; value: string }[]>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly awsIAMType: pulumi.Output<"NONE" | "USER" | "ROLE">;
  declare public readonly ldapAuthType: pulumi.Output<"NONE" | "USER" | "GROUP">;
  declare public readonly oidcAuthType: pulumi.Output<"NONE" | "IDP_GROUP" | "USER">;
  declare public readonly x509Type: pulumi.Output<"NONE" | "CUSTOMER" | "MANAGED">;
  /** When Atlas deletes the user (UTC, resolved from `expiresIn` when relative); undefined for a permanent user. */
  declare public readonly deleteAfterDate: pulumi.Output<string | undefined>;
  declare public readonly expiresIn: pulumi.Output<string | undefined>;
  declare public readonly onExpiry: pulumi.Output<"recreate" | "fail" | undefined>;
  declare public readonly adopt: pulumi.Output<boolean | "takeover" | undefined>;
  /** The owning stack as declared (`<project>/<stack>`). */
  declare public readonly owner: pulumi.Output<string | undefined>;
  /** The stack the user's `pulumi-atlas-users/owner` label names, as Atlas holds it: another value than `owner` means another stack took it over. */
  declare public readonly ownedBy: pulumi.Output<string | undefined>;
  /** Whether Atlas will delete this user at `deleteAfterDate`. */
  declare public readonly temporary: pulumi.Output<boolean>;

  /**
   * Reads an existing database user into the program, without managing it.
   * @param id `{projectId}/{databaseName}/{username}`, e.g. `5f1a…/$external/CN=app,OU=eng`.
   */
  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): DatabaseUser {
    return new DatabaseUser(name, undefined as unknown as DatabaseUserArgs, { ...opts, id });
  }

  constructor(name: string, args: DatabaseUserArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output is listed, so the engine returns each one even when the
    // program does not declare it (and all of them for `get`, which declares none).
    const outputs = [
      "projectId", "username", "databaseName", "password", "roles", "scopes", "labels", "description",
      "awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type", "deleteAfterDate", "expiresIn", "onExpiry", "adopt", "owner", "ownedBy", "temporary",
    ];
    const props: Record<string, unknown> = Object.fromEntries(outputs.map((k) => [k, undefined]));
    Object.assign(props, args ?? {});
    // The dynamic-provider host cannot tell which stack runs it: the program says so, for the ownership label.
    if (args !== undefined && args.owner === undefined) props.owner = `${pulumi.getProject()}/${pulumi.getStack()}`;
    // A secret input: the engine keeps an output of the same name secret too (a
    // dynamic provider takes no secrets, so the engine marks its outputs after
    // the inputs), and the password is in no other output.
    if (args?.password !== undefined) props.password = pulumi.secret(args.password);
    super(...dynamicResource(
      IMPLEMENTATION,
      name,
      props,
      opts,
      "atlas-users",
      "DatabaseUser",
    ));
    readStateDefaults(this, STATE_DEFAULTS, (key, fallback) => {
      // Unknown in a preview: absent from the state (so the default), or
      // decided by inputs the program has not resolved yet.
      if (key === "temporary") {
        return absentFromInputs([args?.expiresIn, args?.deleteAfterDate], (window) => window.some((w) => w !== undefined), fallback);
      }
      const declared = (args as unknown as Record<string, pulumi.Input<unknown>> | undefined)?.[key];
      return absentFromInputs([declared], ([value]) => (isDefaultValue(value, fallback) ? fallback : pulumi.unknown), fallback);
    });
  }
}
