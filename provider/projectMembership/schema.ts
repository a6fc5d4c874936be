/** ProjectMembership inputs and outputs: a person's roles in one project. */
import { z } from "zod";
import { adoptField, emailUsername, hexId, platformField, projectRoleList, reinviteField } from "../common/fields";
import type { SameKeys } from "../common/types";
import { MEMBERSHIP_STATUSES, REINVITE_POLICIES, type MembershipStatus } from "../memberships/status";
import { PLATFORMS, type Platform } from "../platform";

export const ProjectMembershipInputsSchema = z.strictObject({
  projectId: hexId("project").describe("The project (24 hexadecimal digits). Changing it replaces the resource."),
  username: emailUsername().describe(
    "The person's MongoDB Cloud username, an email address. Someone not yet in the organization is invited to it (as `ORG_MEMBER`). Changing it replaces the resource; a change of letter case only is not a change.",
  ),
  roles: projectRoleList("atlas").describe(
    "At least one Atlas project role, each once; order does not matter. Updated in place by the difference only: roles given by others stay.",
  ),
  reinvite: reinviteField().describe("When to send a new invitation: after expiry (default), after expiry or rejection, or never."),
  adopt: adoptField().describe(
    "If the person is already in the project, manage that membership instead of failing: the declared roles are added, and destroy takes away only those the person did not hold before.",
  ),
  platform: platformField().describe("Overrides the stack's `atlasUsers:platform` for this resource (Atlas only)."),
});

export type ProjectMembershipInputs = z.output<typeof ProjectMembershipInputsSchema>;
export type ProjectMembershipInputsIn = z.input<typeof ProjectMembershipInputsSchema>;

export interface ProjectMembershipState extends ProjectMembershipInputs {
  userId: string;
  status: MembershipStatus;
  invitationExpiresAt?: string;
  heldRoles: string[];
  rolesBefore: string[];
}

/** The outputs (state): the source of the outputs table in `docs/resources/project-membership.md`. */
export const ProjectMembershipStateSchema = z.object({
  projectId: z.string(),
  username: z.string(),
  roles: z.array(z.string()).describe("The declared roles the person holds (or is invited with), as of the last `up` or `refresh`: a declared role taken away by hand is missing here."),
  reinvite: z.enum(REINVITE_POLICIES),
  adopt: z.boolean(),
  platform: z.enum(PLATFORMS as readonly [Platform, ...Platform[]]).optional(),
  userId: z.string().describe("The person's user id."),
  status: z.enum(MEMBERSHIP_STATUSES).describe("`PENDING`, `ACTIVE`, `INVITATION_EXPIRED` or `INVITATION_REJECTED`, as of the last `up` or `refresh`."),
  invitationExpiresAt: z.string().optional().describe("While the invitation is pending: when it expires (sent + 30 days)."),
  heldRoles: z.array(z.string()).describe("Every role the person holds in the project, declared or not (roles given by others included), sorted."),
  rolesBefore: z.array(z.string()).describe("Adopted: the roles the person held before; destroy leaves them (empty: destroy takes the person out of the project)."),
});

const stateSchemaMatchesState: SameKeys<z.output<typeof ProjectMembershipStateSchema>, ProjectMembershipState> = true;
void stateSchemaMatchesState;
