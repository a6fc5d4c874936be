/**
 * OrgInvitation inputs and outputs: the zod schema is the one source of truth
 * for validation, normalisation (sorted sets, trimmed names, defaults) and
 * the TypeScript types.
 */
import { z } from "zod";
import type { SameKeys } from "../common/types";
import { duplicateIndexes } from "../common/sets";
import { adoptField, emailUsername, hexId, platformField, projectRoleList, reinviteField, roleNameSchema, uniqueSortedList } from "../common/fields";
import { MEMBERSHIP_STATUSES, REINVITE_POLICIES, type MembershipStatus, type ReinvitePolicy } from "../memberships/status";
import { PLATFORM, PLATFORMS, type Platform } from "../platform";

export { MEMBERSHIP_STATUSES, REINVITE_POLICIES, type MembershipStatus, type ReinvitePolicy };

/**
 * The inputs of an invitation sent to `platform`'s memberships API:
 * organization and project role names are held to its lists (`invitationRoles`).
 */
export function orgInvitationInputsSchema(platform: Platform) {
  const roles = PLATFORM[platform].invitationRoles;
  const projectRoleSchema = z.strictObject({
    projectId: hexId("project").describe("The project (24 hexadecimal digits), once in the list."),
    roles: projectRoleList(platform, roles.project).describe("At least one project role of the platform, each once."),
  });
  return z.strictObject({
    orgId: hexId("organization").describe("The organization (24 hexadecimal digits). Changing it replaces the resource."),
    username: emailUsername()
      .describe("The person's MongoDB Cloud username, an email address of at most 254 characters. Changing it replaces the resource; a change of letter case only is not a change."),
    roles: uniqueSortedList(roleNameSchema(roles.org, "an organization role", platform), "organization role").refine(
      (r) => r.length >= 1,
      "give at least one organization role, e.g. [\"ORG_MEMBER\"]",
    ).describe("At least one organization role of the platform, each once; order does not matter. Updated in place."),
    projectRoles: z
      .array(projectRoleSchema)
      .superRefine((items, ctx) => {
        for (const i of duplicateIndexes(items, (a) => a.projectId)) {
          ctx.addIssue({
            code: "custom",
            path: [i, "projectId"],
            message: `project ${items[i].projectId} is listed twice: put all its roles in one entry`,
          });
        }
      })
      .transform((items) => [...items].sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0)))
      // Omitted: not managed by this resource (left as the organization has them); [] means none.
      .optional()
      .describe("Atlas only: project roles, each project once. Omitted: not managed; `[]`: none. Updated in place."),
    teamIds: uniqueSortedList(hexId("team"), "team id").optional()
      .describe("Teams of the organization the person joins. Omitted: not managed; `[]`: none. Updated in place."),
    reinvite: reinviteField()
      .describe("When to send a new invitation: after expiry, after expiry or rejection, or never."),
    adopt: adoptField()
      .describe("If the person is already a member or already invited, manage that membership instead of failing."),
    platform: platformField()
      .describe("Overrides the stack's `atlasUsers:platform` for this resource."),
  });
}

/** The inputs of an invitation on Atlas (the default platform). */
export const OrgInvitationInputsSchema = orgInvitationInputsSchema("atlas");

/** Normalised inputs, as `check` returns them (what state holds). */
export type OrgInvitationInputs = z.output<typeof OrgInvitationInputsSchema>;
/** Inputs as a program writes them (defaults optional). */
export type OrgInvitationInputsIn = z.input<typeof OrgInvitationInputsSchema>;

/**
 * What the provider stores: the inputs (as the API last reported them) and
 * what the API computed. `projectRoles` and `teamIds` always hold the API's
 * values, declared or not.
 */
export interface OrgInvitationState extends Omit<OrgInvitationInputs, "projectRoles" | "teamIds"> {
  projectRoles: NonNullable<OrgInvitationInputs["projectRoles"]>;
  teamIds: NonNullable<OrgInvitationInputs["teamIds"]>;
  /** Atlas org user id; on Cloud/Ops Manager the member's user id once accepted. */
  userId?: string;
  /** Cloud/Ops Manager only: the v1.0 invitation's own id. */
  invitationId?: string;
  status: MembershipStatus;
  invitationCreatedAt?: string;
  invitationExpiresAt?: string;
  inviterUsername?: string;
  firstName?: string;
  lastName?: string;
  createdAt?: string;
  lastAuth?: string;
}

/**
 * The outputs (state) as a schema: the source of the outputs table in
 * `docs/resources/org-invitation.md`. A field without a description is an
 * input echoed back. Its keys are `OrgInvitationState`'s (checked below).
 */
export const OrgInvitationStateSchema = z.object({
  orgId: z.string(),
  username: z.string(),
  roles: z.array(z.string()).describe("As the API last reported them, sorted (a refresh shows roles changed outside Pulumi)."),
  projectRoles: z.array(z.object({ projectId: z.string(), roles: z.array(z.string()) }))
    .describe("As the API last reported them, sorted, declared or not."),
  teamIds: z.array(z.string()).describe("As the API last reported them, sorted, declared or not."),
  reinvite: z.enum(REINVITE_POLICIES),
  adopt: z.boolean(),
  platform: z.enum(PLATFORMS as readonly [Platform, ...Platform[]]).optional(),
  userId: z.string().optional().describe("The org user's id (on Cloud Manager and Ops Manager, once the invitation is accepted)."),
  invitationId: z.string().optional().describe("Cloud Manager and Ops Manager only: the v1.0 invitation's own id."),
  status: z.enum(MEMBERSHIP_STATUSES).describe("`PENDING`, `ACTIVE`, `INVITATION_EXPIRED` or `INVITATION_REJECTED`, as of the last `up` or `refresh`."),
  invitationCreatedAt: z.string().optional().describe("While the invitation is pending: when it was sent."),
  invitationExpiresAt: z.string().optional().describe("While the invitation is pending: when it expires (sent + 30 days)."),
  inviterUsername: z.string().optional().describe("While the invitation is pending: who sent it."),
  firstName: z.string().optional().describe("Once the invitation is accepted."),
  lastName: z.string().optional().describe("Once the invitation is accepted."),
  createdAt: z.string().optional().describe("Once the invitation is accepted."),
  lastAuth: z.string().optional().describe("Once the invitation is accepted: the person's last login."),
});

// The schema and the state interface name the same fields.
const stateSchemaMatchesState: SameKeys<z.output<typeof OrgInvitationStateSchema>, OrgInvitationState> = true;
void stateSchemaMatchesState;
