import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { CloudUserInputsIn } from "./schema";
import type { ReinvitePolicy } from "../memberships/status";
import type { Platform as CloudUserPlatform } from "../platform";

// One shim object for every CloudUser: the SDK caches the serialized provider per object.
const cloudUserProvider = providerShim("pulumi-atlas-users/internal/cloudUser/provider");

/** One role of a MongoDB Cloud user: give `orgId` for an org role, `projectId` for a project role, neither for an Ops Manager GLOBAL_* role. */
export interface CloudUserRoleArgs {
  /** The organization the role applies to (24 hex digits). */
  orgId?: pulumi.Input<string>;
  /** The project the role applies to (24 hex digits). */
  projectId?: pulumi.Input<string>;
  /** The role, from the platform's list: e.g. `ORG_MEMBER`, `GROUP_READ_ONLY`, `GLOBAL_READ_ONLY` (Ops Manager). */
  roleName: pulumi.Input<string>;
}

/** A role as recorded in outputs. */
export interface CloudUserRoleState {
  readonly orgId?: string;
  readonly projectId?: string;
  readonly roleName: string;
}

/** The arguments of a {@link CloudUser}. */
export interface CloudUserArgs {
  /** The login: an email address. Changing it replaces the account. */
  username: pulumi.Input<string>;
  /**
   * The initial password (at least 8 characters, must not contain the username). Stored as a secret.
   * Only the user can change it later: changing it here fails at preview.
   */
  password: pulumi.Input<string>;
  /** Contact email; defaults to the username. Changeable on Ops Manager only. */
  emailAddress?: pulumi.Input<string>;
  /** Required on Atlas. Changeable on Ops Manager only. */
  firstName?: pulumi.Input<string>;
  /** Required on Atlas. Changeable on Ops Manager only. */
  lastName?: pulumi.Input<string>;
  /** Changeable on Ops Manager only. */
  mobileNumber?: pulumi.Input<string>;
  /** ISO 3166-1 alpha-2 country code (e.g. `US`); required on Atlas. Cannot be changed later. */
  country?: pulumi.Input<string>;
  /**
   * Org and project roles. Roles given to a new account are invitations until the user accepts:
   * they show in `pendingRoles` meanwhile, and never cause a diff.
   */
  roles?: pulumi.Input<pulumi.Input<CloudUserRoleArgs>[]>;
  /** If the account already exists, manage it instead of failing (it is given the declared roles). */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's `atlasUsers:platform` for this resource: `atlas` (default), `atlas-v1`, `cloud-manager` or `ops-manager`. */
  platform?: pulumi.Input<CloudUserPlatform>;
  /**
   * What happens when an invitation for a declared role expires (or is declined) unaccepted:
   * `on-expiry` (default) sends it again at the next `up`; `on-expiry-or-rejection` also re-sends declined ones;
   * `never` leaves it (the role is then neither active nor pending).
   */
  reinvite?: pulumi.Input<ReinvitePolicy>;
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
export class CloudUser extends pulumi.dynamic.Resource {
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
  /** True when this resource adopted an account that already existed: on Ops Manager, destroy keeps that account. */
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
    super(cloudUserProvider, name, props, merged, "atlas-users", "CloudUser");
  }

  /** Looks up an existing account by its user id (read through the provider; nothing is changed). */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): CloudUser {
    return new CloudUser(name, {} as CloudUserArgs, { ...opts, id });
  }
}
