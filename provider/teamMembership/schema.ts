/** TeamMembership inputs and outputs: one person in one team. */
import { z } from "zod";
import { adoptField, emailUsername, hexId, platformField } from "../common/fields";
import type { SameKeys } from "../common/types";
import { MEMBERSHIP_STATUSES, type MembershipStatus } from "../memberships/status";
import { PLATFORMS, type Platform } from "../platform";

export const TeamMembershipInputsSchema = z.strictObject({
  orgId: hexId("organization").describe("The organization of the team (24 hexadecimal digits). Changing it replaces the resource."),
  teamId: hexId("team").describe("The team (a `Team`'s `teamId`). Changing it replaces the resource."),
  username: emailUsername().describe(
    "The person's MongoDB Cloud username, an email address; they must be a member of the organization or invited to it (an `OrgInvitation`, with `dependsOn`). Changing it replaces the resource.",
  ),
  adopt: adoptField().describe("If the person is already in the team, manage that membership instead of failing. Destroying the resource then takes them out."),
  platform: platformField().describe("Overrides the stack's `atlasUsers:platform` for this resource (teams: Atlas only)."),
});

export type TeamMembershipInputs = z.output<typeof TeamMembershipInputsSchema>;
export type TeamMembershipInputsIn = z.input<typeof TeamMembershipInputsSchema>;

export interface TeamMembershipState extends TeamMembershipInputs {
  userId: string;
  status: MembershipStatus;
}

/** The outputs (state): the source of the outputs table in `docs/resources/team-membership.md`. */
export const TeamMembershipStateSchema = z.object({
  orgId: z.string(),
  teamId: z.string(),
  username: z.string(),
  adopt: z.boolean(),
  platform: z.enum(PLATFORMS as readonly [Platform, ...Platform[]]).optional(),
  userId: z.string().describe("The person's org user id."),
  status: z.enum(MEMBERSHIP_STATUSES).describe("The person's organization membership: `PENDING` until they accept the invitation, then `ACTIVE`."),
});

const stateSchemaMatchesState: SameKeys<z.output<typeof TeamMembershipStateSchema>, TeamMembershipState> = true;
void stateSchemaMatchesState;
