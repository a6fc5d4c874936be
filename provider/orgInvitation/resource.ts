import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { AtlasOrgRole } from "../platform";
import type { OrgInvitationInputsIn } from "./schema";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/orgInvitation";

/** Organization roles an invitation can give (on Atlas; the platform record has every platform's list). */
export type OrgRoleName = AtlasOrgRole;

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/** Project roles given with the invitation (Atlas only). */
export interface OrgInvitationProjectRoles {
  /** The project (24 hexadecimal digits), once in the list. */
  projectId: pulumi.Input<string>;
  /** At least one project role of the platform, each once. */
  roles: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of an {@link OrgInvitation}. */
export interface OrgInvitationArgs {
  /** The organization (24 hexadecimal digits). Changing it replaces the resource. */
  orgId: pulumi.Input<string>;
  /**
   * The person's MongoDB Cloud username, an email address of at most 254 characters. Changing it replaces the
   * resource; a change of letter case only is not a change.
   */
  username: pulumi.Input<string>;
  /** At least one organization role of the platform, each once; order does not matter. Updated in place. */
  roles: pulumi.Input<pulumi.Input<string>[]>;
  /** Atlas only: project roles, each project once. Omitted: not managed; `[]`: none. Updated in place. */
  projectRoles?: pulumi.Input<pulumi.Input<OrgInvitationProjectRoles>[]>;
  /** Teams of the organization the person joins. Omitted: not managed; `[]`: none. Updated in place. */
  teamIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** When to send a new invitation: after expiry, after expiry or rejection, or never. */
  reinvite?: pulumi.Input<"on-expiry" | "on-expiry-or-rejection" | "never">;
  /** If the person is already a member or already invited, manage that membership instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's `atlasUsers:platform` for this resource. */
  platform?: pulumi.Input<"atlas" | "atlas-v1" | "cloud-manager" | "ops-manager">;
}

// END GENERATED: args

// The class's args and the schema name the same inputs.
const argsMatchSchema: SameKeys<OrgInvitationArgs, OrgInvitationInputsIn> = true;
void argsMatchSchema;

/**
 * A person's membership of a MongoDB Cloud organization, from invitation
 * through acceptance: accepting is not a change, role edits apply in place
 * whether pending or active, and an expired (or, if asked, rejected)
 * invitation is sent again. Id: `{orgId}/{userId}` (Cloud/Ops Manager:
 * `{orgId}/{invitationId}`); {@link OrgInvitation.get} also takes `{orgId}/{username}`.
 */
export class OrgInvitation extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  declare public readonly roles: pulumi.Output<OrgRoleName[]>;
  declare public readonly projectRoles: pulumi.Output<{ projectId: string; roles: string[] }[]>;
  declare public readonly teamIds: pulumi.Output<string[]>;
  declare public readonly reinvite: pulumi.Output<"on-expiry" | "on-expiry-or-rejection" | "never">;
  declare public readonly adopt: pulumi.Output<boolean>;
  /** The org user's id (Cloud/Ops Manager: the invitation's id, which the member keeps). */
  declare public readonly userId: pulumi.Output<string | undefined>;
  /** Cloud/Ops Manager only: the v1.0 invitation id. */
  declare public readonly invitationId: pulumi.Output<string | undefined>;
  /** `PENDING`, `ACTIVE`, `INVITATION_EXPIRED` or `INVITATION_REJECTED`, as of the last create, update or refresh. */
  declare public readonly status: pulumi.Output<"PENDING" | "ACTIVE" | "INVITATION_EXPIRED" | "INVITATION_REJECTED">;
  declare public readonly invitationCreatedAt: pulumi.Output<string | undefined>;
  /** When the pending invitation expires (30 days after it was sent). */
  declare public readonly invitationExpiresAt: pulumi.Output<string | undefined>;
  declare public readonly inviterUsername: pulumi.Output<string | undefined>;
  /** Set once the invitation is accepted. */
  declare public readonly firstName: pulumi.Output<string | undefined>;
  declare public readonly lastName: pulumi.Output<string | undefined>;
  declare public readonly createdAt: pulumi.Output<string | undefined>;
  declare public readonly lastAuth: pulumi.Output<string | undefined>;

  constructor(name: string, args: OrgInvitationArgs, opts?: pulumi.CustomResourceOptions) {
    // Every property, inputs included, is listed: the SDK makes an Output only
    // for the keys it is given, so an omitted optional input (and, for `get`,
    // which declares none, every input) would otherwise read as undefined.
    const inputs: Record<keyof OrgInvitationArgs, undefined> = {
      orgId: undefined,
      username: undefined,
      roles: undefined,
      projectRoles: undefined,
      teamIds: undefined,
      reinvite: undefined,
      adopt: undefined,
      platform: undefined,
    };
    super(...dynamicResource(
      IMPLEMENTATION,
      name,
      {
        ...inputs,
        userId: undefined,
        invitationId: undefined,
        status: undefined,
        invitationCreatedAt: undefined,
        invitationExpiresAt: undefined,
        inviterUsername: undefined,
        firstName: undefined,
        lastName: undefined,
        createdAt: undefined,
        lastAuth: undefined,
        ...args,
      },
      opts,
      "atlas-users",
      "OrgInvitation",
    ));
  }

  /**
   * Looks up an existing membership: `id` is `{orgId}/{userId}` or
   * `{orgId}/{username}`. Read-only unless the program also declares it.
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): OrgInvitation {
    return new OrgInvitation(name, {} as OrgInvitationArgs, { ...opts, id });
  }
}
