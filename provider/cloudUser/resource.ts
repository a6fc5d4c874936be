import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { CloudUserInputsIn } from "./schema";
import type { Platform as CloudUserPlatform } from "../platform";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/cloudUser";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/**
 * One role of a MongoDB Cloud user: give `orgId` for an org role, `projectId` for a project role, neither for
 * an Ops Manager GLOBAL_* role.
 */
export interface CloudUserRoleArgs {
  /** The organization of an org role (24 hexadecimal digits). */
  orgId?: pulumi.Input<string>;
  /** The project of a project role (24 hexadecimal digits). */
  projectId?: pulumi.Input<string>;
  /**
   * A role from the platform's list, e.g. `ORG_MEMBER`, `GROUP_READ_ONLY`, `GLOBAL_READ_ONLY` (Ops Manager).
   */
  roleName: pulumi.Input<string>;
}

/** The arguments of a {@link CloudUser}. */
export interface CloudUserArgs {
  /** The login, an email address of at most 254 characters. Changing it replaces the resource. */
  username: pulumi.Input<string>;
  /**
   * The initial password: at least 8 characters, without the username. Only the person can change it later.
   * Kept as a Pulumi secret.
   */
  password: pulumi.Input<string>;
  /** Contact address; defaults to `username`. On `atlas` it is always the username: leave it out. */
  emailAddress?: pulumi.Input<string>;
  /** Given name. */
  firstName?: pulumi.Input<string>;
  /** Family name. */
  lastName?: pulumi.Input<string>;
  /** On `atlas` a North American number (`212-555-0100`, `+1 212 555 0100`), as the v2 API requires. */
  mobileNumber?: pulumi.Input<string>;
  /** An assigned ISO 3166-1 alpha-2 code (`US`, `DE`); lower case is stored upper case. */
  country?: pulumi.Input<string>;
  /**
   * Org, project and (Ops Manager) global roles, each once; order does not matter. Exactly one of `orgId`,
   * `projectId` per role, neither for `GLOBAL_*`.
   */
  roles?: pulumi.Input<pulumi.Input<CloudUserRoleArgs>[]>;
  /** If an account with this username already exists, manage it instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's `atlasUsers:platform` for this resource. */
  platform?: pulumi.Input<"atlas" | "atlas-v1" | "cloud-manager" | "ops-manager">;
  /**
   * When an invitation for a declared role expires (or is declined) unaccepted: `on-expiry` (default) sends
   * it again at the next `up`, `on-expiry-or-rejection` also after a decline, `never` leaves it.
   */
  reinvite?: pulumi.Input<"on-expiry" | "on-expiry-or-rejection" | "never">;
}

// END GENERATED: args

/** A role as recorded in outputs. */
export interface CloudUserRoleState {
  readonly orgId?: string;
  readonly projectId?: string;
  readonly roleName: string;
}

// The class's args and the schema name the same inputs.
const argsMatchSchema: SameKeys<CloudUserArgs, CloudUserInputsIn> = true;
void argsMatchSchema;

/**
 * A MongoDB Cloud user account (a login to the Atlas, Cloud Manager or Ops
 * Manager UI; not a database user). The id is the user id.
 *
 * Delete removes the account on Ops Manager; Atlas and Cloud Manager cannot
 * delete accounts, so there delete removes the user from every org and
 * project this resource gave it roles in, and the account itself remains.
 */
export class CloudUser extends pulumi.CustomResource {
  /** The account's id (24 hex digits). */
  declare public readonly userId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  /** The declared password (secret); no API ever returns it. */
  declare public readonly password: pulumi.Output<string | undefined>;
  declare public readonly emailAddress: pulumi.Output<string | undefined>;
  declare public readonly firstName: pulumi.Output<string | undefined>;
  declare public readonly lastName: pulumi.Output<string | undefined>;
  declare public readonly mobileNumber: pulumi.Output<string | undefined>;
  declare public readonly country: pulumi.Output<string | undefined>;
  /** The declared roles. */
  declare public readonly roles: pulumi.Output<CloudUserRoleState[]>;
  /** The roles the API reports: those the user has accepted. */
  declare public readonly activeRoles: pulumi.Output<CloudUserRoleState[]>;
  /** Declared roles waiting for the user to accept the invitation (refresh to update). */
  declare public readonly pendingRoles: pulumi.Output<CloudUserRoleState[]>;
  /** When the earliest of the pending invitations expires; `up` after that sends it again (see `reinvite`). */
  declare public readonly invitationsExpireAt: pulumi.Output<string | undefined>;
  /** Roles an adopted account held before this resource managed it: delete leaves them (and their memberships) alone. */
  declare public readonly preexistingRoles: pulumi.Output<CloudUserRoleState[] | undefined>;
  /** True when this resource adopted an account that already existed (not recognised as this stack's own): on Ops Manager, destroy keeps that account. */
  declare public readonly adoptedExisting: pulumi.Output<boolean | undefined>;
  declare public readonly teamIds: pulumi.Output<string[]>;
  declare public readonly createdAt: pulumi.Output<string | undefined>;
  declare public readonly lastAuth: pulumi.Output<string | undefined>;
  /** The platform the account lives on. */
  declare public readonly platform: pulumi.Output<CloudUserPlatform>;

  constructor(name: string, args: CloudUserArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {
      // Every output, listed so the engine resolves it even when the program does not declare it.
      userId: undefined,
      username: undefined,
      password: undefined,
      emailAddress: undefined,
      firstName: undefined,
      lastName: undefined,
      mobileNumber: undefined,
      country: undefined,
      roles: undefined,
      activeRoles: undefined,
      pendingRoles: undefined,
      invitationsExpireAt: undefined,
      preexistingRoles: undefined,
      adoptedExisting: undefined,
      teamIds: undefined,
      createdAt: undefined,
      lastAuth: undefined,
      platform: undefined,
      ...((args ?? {}) as unknown as Record<string, unknown>),
    };
    if (args?.password !== undefined) props.password = pulumi.secret(args.password);
    const merged = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] });
    super(...dynamicResource(IMPLEMENTATION, name, props, merged, "atlas-users", "CloudUser"));
  }

  /** Looks up an existing account by its user id (read through the provider; nothing is changed). */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): CloudUser {
    return new CloudUser(name, {} as CloudUserArgs, { ...opts, id });
  }
}
