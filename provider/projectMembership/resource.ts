import * as pulumi from "@pulumi/pulumi";
import { dynamicResource } from "../common/shim";
import type { SameKeys } from "../common/types";
import type { AtlasProjectRole } from "../platform";
import type { ProjectMembershipInputsIn } from "./schema";

/** The implementation the engine\'s host loads (see `providerText`). */
const IMPLEMENTATION = "pulumi-atlas-users/p/projectMembership";

// BEGIN GENERATED: args
// Written by `npm run docs` from the inputs schema's descriptions (schema.ts).

/** Arguments of a {@link ProjectMembership}. */
export interface ProjectMembershipArgs {
  /** The project (24 hexadecimal digits). Changing it replaces the resource. */
  projectId: pulumi.Input<string>;
  /**
   * The person's MongoDB Cloud username, an email address. Someone not yet in the organization is invited to
   * it (as `ORG_MEMBER`). Changing it replaces the resource; a change of letter case only is not a change.
   */
  username: pulumi.Input<string>;
  /**
   * At least one Atlas project role, each once; order does not matter. Updated in place by the difference
   * only: roles given by others stay.
   */
  roles: pulumi.Input<pulumi.Input<string>[]>;
  /** When to send a new invitation: after expiry (default), after expiry or rejection, or never. */
  reinvite?: pulumi.Input<"on-expiry" | "on-expiry-or-rejection" | "never">;
  /**
   * If the person is already in the project, manage that membership instead of failing: the declared roles
   * are added, and destroy takes away only those the person did not hold before.
   */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's `atlasUsers:platform` for this resource (Atlas only). */
  platform?: pulumi.Input<"atlas" | "atlas-v1" | "cloud-manager" | "ops-manager">;
}

// END GENERATED: args

const argsMatchSchema: SameKeys<ProjectMembershipArgs, ProjectMembershipInputsIn> = true;
void argsMatchSchema;

/**
 * A person's roles in one Atlas project, from invitation through acceptance:
 * accepting is not a change, an expired invitation is sent again, and roles
 * given by others stay. Id: `{projectId}/{username}`.
 */
export class ProjectMembership extends pulumi.CustomResource {
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  /** The declared roles the person holds (or is invited with). */
  declare public readonly roles: pulumi.Output<AtlasProjectRole[]>;
  declare public readonly reinvite: pulumi.Output<"on-expiry" | "on-expiry-or-rejection" | "never">;
  declare public readonly adopt: pulumi.Output<boolean>;
  declare public readonly platform: pulumi.Output<string | undefined>;
  /** The person's user id. */
  declare public readonly userId: pulumi.Output<string>;
  /** `PENDING`, `ACTIVE`, `INVITATION_EXPIRED` or `INVITATION_REJECTED`, as of the last create, update or refresh. */
  declare public readonly status: pulumi.Output<"PENDING" | "ACTIVE" | "INVITATION_EXPIRED" | "INVITATION_REJECTED">;
  /** While pending: when the invitation expires. */
  declare public readonly invitationExpiresAt: pulumi.Output<string | undefined>;
  /** Every role the person holds in the project, declared or not. */
  declare public readonly heldRoles: pulumi.Output<string[]>;
  /** Adopted: the roles held before, which destroy leaves. */
  declare public readonly rolesBefore: pulumi.Output<string[]>;

  constructor(name: string, args: ProjectMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: Record<keyof ProjectMembershipArgs, undefined> = {
      projectId: undefined,
      username: undefined,
      roles: undefined,
      reinvite: undefined,
      adopt: undefined,
      platform: undefined,
    };
    const outputs = { userId: undefined, status: undefined, invitationExpiresAt: undefined, heldRoles: undefined, rolesBefore: undefined };
    super(...dynamicResource(IMPLEMENTATION, name, { ...inputs, ...outputs, ...args }, opts, "atlas-users", "ProjectMembership"));
  }

  /** Looks up a person's project membership by id `{projectId}/{username}`. Read-only unless the program also declares it. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): ProjectMembership {
    return new ProjectMembership(name, {} as ProjectMembershipArgs, { ...opts, id });
  }
}
