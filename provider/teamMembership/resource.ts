import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { TeamMembershipInputsIn } from "./schema";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/teamMembership";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/** Arguments of a {@link TeamMembership}. */
export interface TeamMembershipArgs {
  /** The organization of the team (24 hexadecimal digits). Changing it replaces the resource. */
  orgId: pulumi.Input<string>;
  /** The team (a `Team`'s `teamId`). Changing it replaces the resource. */
  teamId: pulumi.Input<string>;
  /**
   * The person's MongoDB Cloud username, an email address; they must be a member of the organization or
   * invited to it (an `OrgInvitation`, with `dependsOn`). Changing it replaces the resource.
   */
  username: pulumi.Input<string>;
  /**
   * If the person is already in the team, manage that membership instead of failing. Destroying the resource
   * then takes them out.
   */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's `atlasUsers:platform` for this resource (teams: Atlas only). */
  platform?: pulumi.Input<"atlas" | "atlas-v1" | "cloud-manager" | "ops-manager">;
}

// END GENERATED: args

const argsMatchSchema: SameKeys<TeamMembershipArgs, TeamMembershipInputsIn> = true;
void argsMatchSchema;

/**
 * One person in one team, pending or accepted. Id: `{orgId}/{teamId}/{username}`.
 */
export class TeamMembership extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly teamId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  declare public readonly adopt: pulumi.Output<boolean>;
  declare public readonly platform: pulumi.Output<string | undefined>;
  /** The person's org user id. */
  declare public readonly userId: pulumi.Output<string>;
  /** The person's organization membership: `PENDING` until they accept, then `ACTIVE`. */
  declare public readonly status: pulumi.Output<"PENDING" | "ACTIVE" | "INVITATION_EXPIRED" | "INVITATION_REJECTED">;

  constructor(name: string, args: TeamMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: Record<keyof TeamMembershipArgs, undefined> = { orgId: undefined, teamId: undefined, username: undefined, adopt: undefined, platform: undefined };
    super(...dynamicResource(IMPLEMENTATION, name, { ...inputs, userId: undefined, status: undefined, ...args }, opts, "atlas-users", "TeamMembership"));
  }

  /** Looks up a team membership by id `{orgId}/{teamId}/{username}`. Read-only unless the program also declares it. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): TeamMembership {
    return new TeamMembership(name, {} as TeamMembershipArgs, { ...opts, id });
  }
}
