import * as pulumi from "@pulumi/pulumi";
import { ProviderResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { AtlasProjectRole } from "../platform";
import type { TeamProjectAccessInputsIn } from "./schema";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/internal/teamProjectAccess/provider";

/** Arguments of a {@link TeamProjectAccess}. */
export interface TeamProjectAccessArgs {
  /** The project's 24-hex id. Changing it replaces the resource. */
  projectId: pulumi.Input<string>;
  /** The team's 24-hex id (a {@link Team}'s `teamId`). Changing it replaces the resource. */
  teamId: pulumi.Input<string>;
  /** Project roles such as `GROUP_READ_ONLY` (at least one). Updated in place. */
  roles: pulumi.Input<pulumi.Input<AtlasProjectRole>[]>;
  /** If the team already has access to the project, manage it instead of failing (destroy then removes it). */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack setting `atlasUsers:platform` for this resource (teams: Atlas only). */
  platform?: pulumi.Input<"atlas" | "atlas-v1" | "cloud-manager" | "ops-manager">;
}

const argsMatchSchema: SameKeys<TeamProjectAccessArgs, TeamProjectAccessInputsIn> = true;
void argsMatchSchema;

/**
 * A team's roles in one project: every member of the team holds them there.
 * Id: `{projectId}/{teamId}`.
 */
export class TeamProjectAccess extends ProviderResource {
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly teamId: pulumi.Output<string>;
  declare public readonly roles: pulumi.Output<AtlasProjectRole[]>;
  declare public readonly adopt: pulumi.Output<boolean>;
  declare public readonly platform: pulumi.Output<string | undefined>;

  constructor(name: string, args: TeamProjectAccessArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: Record<keyof TeamProjectAccessArgs, undefined> = { projectId: undefined, teamId: undefined, roles: undefined, adopt: undefined, platform: undefined };
    super(IMPLEMENTATION, name, { ...inputs, ...args }, opts, "atlas-users", "TeamProjectAccess");
  }

  /** Looks up a team's access by id `{projectId}/{teamId}`. Read-only unless the program also declares it. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): TeamProjectAccess {
    return new TeamProjectAccess(name, {} as TeamProjectAccessArgs, { ...opts, id });
  }
}
