import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { AtlasProjectRole } from "../platform";
import type { TeamProjectAccessInputsIn } from "./schema";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/teamProjectAccess";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/** Arguments of a {@link TeamProjectAccess}. */
export interface TeamProjectAccessArgs {
  /** The project (24 hexadecimal digits). Changing it replaces the resource. */
  projectId: pulumi.Input<string>;
  /** The team (a `Team`'s `teamId`), of the project's organization. Changing it replaces the resource. */
  teamId: pulumi.Input<string>;
  /**
   * At least one Atlas project role, each once; order does not matter. Updated in place (the team's whole
   * role set).
   */
  roles: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * If the team already has access to the project, manage it instead of failing. Destroying the resource then
   * removes that access.
   */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's `atlasUsers:platform` for this resource (teams: Atlas only). */
  platform?: pulumi.Input<"atlas" | "atlas-v1" | "cloud-manager" | "ops-manager">;
}

// END GENERATED: args

const argsMatchSchema: SameKeys<TeamProjectAccessArgs, TeamProjectAccessInputsIn> = true;
void argsMatchSchema;

/**
 * A team's roles in one project: every member of the team holds them there.
 * Id: `{projectId}/{teamId}`.
 */
export class TeamProjectAccess extends pulumi.CustomResource {
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly teamId: pulumi.Output<string>;
  declare public readonly roles: pulumi.Output<AtlasProjectRole[]>;
  declare public readonly adopt: pulumi.Output<boolean>;
  declare public readonly platform: pulumi.Output<string | undefined>;

  constructor(name: string, args: TeamProjectAccessArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: Record<keyof TeamProjectAccessArgs, undefined> = { projectId: undefined, teamId: undefined, roles: undefined, adopt: undefined, platform: undefined };
    super(...dynamicResource(IMPLEMENTATION, name, { ...inputs, ...args }, opts, "atlas-users", "TeamProjectAccess"));
  }

  /** Looks up a team's access by id `{projectId}/{teamId}`. Read-only unless the program also declares it. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): TeamProjectAccess {
    return new TeamProjectAccess(name, {} as TeamProjectAccessArgs, { ...opts, id });
  }
}
