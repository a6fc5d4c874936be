import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { TeamInputsIn } from "./schema";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/team";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/** Arguments of a {@link Team}. */
export interface TeamArgs {
  /** The organization (24 hexadecimal digits). Changing it replaces the team. */
  orgId: pulumi.Input<string>;
  /** The team's name, unique in the organization (letter case aside). Renaming is an update in place. */
  name: pulumi.Input<string>;
  /**
   * If a team with this name already exists, manage it instead of failing. Destroying the resource then
   * deletes it.
   */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's `atlasUsers:platform` for this resource (teams: Atlas only). */
  platform?: pulumi.Input<"atlas" | "atlas-v1" | "cloud-manager" | "ops-manager">;
}

// END GENERATED: args

const argsMatchSchema: SameKeys<TeamArgs, TeamInputsIn> = true;
void argsMatchSchema;

/**
 * A team of an Atlas organization. Members are {@link TeamMembership}s and
 * project roles {@link TeamProjectAccess}es. Id: `{orgId}/{teamId}`.
 */
export class Team extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly adopt: pulumi.Output<boolean>;
  declare public readonly platform: pulumi.Output<string | undefined>;
  /** The team's 24-hex id. */
  declare public readonly teamId: pulumi.Output<string>;

  constructor(name: string, args: TeamArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: Record<keyof TeamArgs, undefined> = { orgId: undefined, name: undefined, adopt: undefined, platform: undefined };
    super(...dynamicResource(IMPLEMENTATION, name, { ...inputs, teamId: undefined, ...args }, opts, "atlas-users", "Team"));
  }

  /** Looks up an existing team by id `{orgId}/{teamId}`. Read-only unless the program also declares it. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Team {
    return new Team(name, {} as TeamArgs, { ...opts, id });
  }
}
