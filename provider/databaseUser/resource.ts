import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { DatabaseUserInputsIn } from "./schema";

// Created once: the SDK serializes a provider object once per identity.
const databaseUserProvider = providerShim("pulumi-atlas-users/internal/databaseUser/provider");

/** One role on one database, optionally restricted to one collection. */
export interface DatabaseUserRoleArgs {
  /** A built-in role (`read`, `readWrite`, `dbAdmin`, `atlasAdmin`, ...) or a custom role's name. */
  roleName: pulumi.Input<string>;
  /** The database the role applies to (`admin` for cluster-wide roles such as `readAnyDatabase`). */
  databaseName: pulumi.Input<string>;
  /** Restricts the role to this collection. */
  collectionName?: pulumi.Input<string>;
}

/** A cluster, data lake or stream instance the user may access. */
export interface DatabaseUserScopeArgs {
  /** Its name: letters, digits and hyphens, starting with a letter or digit. */
  name: pulumi.Input<string>;
  type: pulumi.Input<"CLUSTER" | "DATA_LAKE" | "STREAM">;
}

/** A key-value tag (1-255 characters each; not shown in the Atlas console). */
export interface DatabaseUserLabelArgs {
  key: pulumi.Input<string>;
  value: pulumi.Input<string>;
}

/** A role as stored in state. */
export interface DatabaseUserRoleOutput {
  roleName: string;
  databaseName: string;
  collectionName?: string;
}

/**
 * The arguments of a {@link DatabaseUser}. `projectId`, `username`,
 * `databaseName` and the auth type identify the user: changing any of them
 * replaces it. Everything else updates in place, except turning a permanent
 * user into a temporary one or back (a replacement: Atlas converts neither).
 */
export interface DatabaseUserArgs {
  /** The project's 24-hexadecimal-digit id (the API's `groupId`). */
  projectId: pulumi.Input<string>;
  /**
   * The login name. SCRAM: any name; AWS IAM: the user's or role's ARN;
   * X.509 CUSTOMER and LDAP: an RFC 2253 distinguished name; OIDC:
   * `<IdP id>/<user or group name>`. At most 1024 characters.
   */
  username: pulumi.Input<string>;
  /**
   * The authentication database: `admin` (SCRAM, OIDC `IDP_GROUP`) or
   * `$external` (X.509, AWS IAM, LDAP, OIDC `USER`). Derived from the auth
   * type when omitted.
   */
  databaseName?: pulumi.Input<"admin" | "$external">;
  /** SCRAM password, at least 8 characters. Required for SCRAM users, not allowed otherwise. Stored as a secret. */
  password?: pulumi.Input<string>;
  /** At least one role. Order does not matter. */
  roles: pulumi.Input<pulumi.Input<DatabaseUserRoleArgs>[]>;
  /** Limits the user to these clusters, data lakes or stream instances; omitted means all in the project. */
  scopes?: pulumi.Input<pulumi.Input<DatabaseUserScopeArgs>[]>;
  /** Key-value tags. Order does not matter. */
  labels?: pulumi.Input<pulumi.Input<DatabaseUserLabelArgs>[]>;
  /** Free text, at most 100 characters. */
  description?: pulumi.Input<string>;
  /** AWS IAM authentication: `USER` or `ROLE`. */
  awsIAMType?: pulumi.Input<"NONE" | "USER" | "ROLE">;
  /** LDAP authentication: `USER` or `GROUP`. */
  ldapAuthType?: pulumi.Input<"NONE" | "USER" | "GROUP">;
  /** OIDC authentication: `IDP_GROUP` (workforce) or `USER` (workload). */
  oidcAuthType?: pulumi.Input<"NONE" | "IDP_GROUP" | "USER">;
  /** X.509 authentication: `MANAGED` (Atlas-issued certificates) or `CUSTOMER` (your own CA). */
  x509Type?: pulumi.Input<"NONE" | "CUSTOMER" | "MANAGED">;
  /**
   * Makes the user temporary: Atlas deletes it at this ISO 8601 date-time
   * (with a zone, e.g. `2025-05-04T09:42:00Z`), which must be in the future
   * and at most 7 days ahead when set. Excludes `expiresIn`.
   */
  deleteAfterDate?: pulumi.Input<string>;
  /**
   * Makes the user temporary for this long after creation: `"90m"`, `"24h"`,
   * `"7d"` (units d, h, m, s; at most 7 days). The window is fixed when the
   * user is created (or the value changes); re-running an unchanged program
   * does not move it. Excludes `deleteAfterDate`.
   */
  expiresIn?: pulumi.Input<string>;
  /**
   * What `pulumi up` does once the user has expired: `"recreate"` creates a
   * fresh user with a new window (default with `expiresIn`); `"fail"` stops
   * with an error asking for a new date (default with `deleteAfterDate`).
   */
  onExpiry?: pulumi.Input<"recreate" | "fail">;
  /**
   * When a user with this name already exists at create, take it over (bring
   * it to the declared state and manage it) instead of failing. The way to
   * import existing users: `pulumi import` cannot work with dynamic providers.
   */
  adopt?: pulumi.Input<boolean>;
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
export class DatabaseUser extends pulumi.dynamic.Resource {
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
  declare public readonly adopt: pulumi.Output<boolean | undefined>;
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
      "awsIAMType", "ldapAuthType", "oidcAuthType", "x509Type", "deleteAfterDate", "expiresIn", "onExpiry", "adopt", "temporary",
    ];
    const props: Record<string, unknown> = Object.fromEntries(outputs.map((k) => [k, undefined]));
    Object.assign(props, args ?? {});
    if (args?.password !== undefined) props.password = pulumi.secret(args.password);
    super(
      databaseUserProvider,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] }),
      "atlas-users",
      "DatabaseUser",
    );
  }
}
