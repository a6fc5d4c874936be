/**
 * OrgInvitation inputs and outputs: the zod schema is the one source of truth
 * for validation, normalisation (sorted sets, trimmed names, defaults) and
 * the TypeScript types.
 */
import { z } from "zod";
import { canonicalSet, duplicateIndexes } from "../common/sets";
import { ROLES_BY_PLATFORM } from "../cloudUser/roles";
import { PLATFORMS, type Platform } from "../config";

const HEX24 = /^[a-f0-9]{24}$/;

/** Organization roles the v2 org-users API accepts (`orgRoles`); a superset of Cloud/Ops Manager's. */
export const ORG_ROLES = ROLES_BY_PLATFORM.atlas.org as readonly [string, ...string[]];

export const REINVITE_POLICIES = ["on-expiry", "on-expiry-or-rejection", "never"] as const;
export type ReinvitePolicy = (typeof REINVITE_POLICIES)[number];

export const MEMBERSHIP_STATUSES = ["PENDING", "ACTIVE", "INVITATION_EXPIRED", "INVITATION_REJECTED"] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** A required value's message says it is missing, not that `undefined` is not a string. */
const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `is required: give ${what}` : `must be ${what}`;

const hexId = (what: string) =>
  z
    .string({ error: required(`the ${what}'s 24-character hexadecimal id`) })
    .trim()
    .regex(HEX24, `must be the ${what}'s 24-character lowercase hexadecimal id`);

/** Unique strings, stored sorted; a repeated value is reported at its index. */
function uniqueSortedList<T extends z.ZodType<string>>(item: T, what: string) {
  return z
    .array(item, { error: required(`a list of ${what}s`) })
    .superRefine((items, ctx) => {
      for (const i of duplicateIndexes(items)) {
        ctx.addIssue({ code: "custom", path: [i], message: `duplicate ${what} "${items[i]}": list each once` });
      }
    })
    .transform((items) => canonicalSet(items));
}

const OrgInvitationRoleNameSchema = z.enum(ORG_ROLES, { error: `must be one of ${ORG_ROLES.join(", ")}` });

const OrgInvitationProjectRoleNameSchema = z
  .string()
  .trim()
  .regex(/^GROUP_[A-Z_]+$/, "must be a project role name such as GROUP_READ_ONLY or GROUP_OWNER");

const OrgInvitationProjectRolesSchema = z.strictObject({
  projectId: hexId("project"),
  roles: uniqueSortedList(OrgInvitationProjectRoleNameSchema, "project role").refine((r) => r.length >= 1, "give at least one project role"),
});

export const OrgInvitationInputsSchema = z.strictObject({
  orgId: hexId("organization"),
  username: z.string({ error: required("the person's email address") }).trim().pipe(z.email("must be the person's email address (their MongoDB Cloud username)")),
  roles: uniqueSortedList(OrgInvitationRoleNameSchema, "organization role").refine(
    (r) => r.length >= 1,
    "give at least one organization role, e.g. [\"ORG_MEMBER\"]",
  ),
  projectRoles: z
    .array(OrgInvitationProjectRolesSchema)
    .default([])
    .superRefine((items, ctx) => {
      for (const i of duplicateIndexes(items, (a) => a.projectId)) {
        ctx.addIssue({
          code: "custom",
          path: [i, "projectId"],
          message: `project ${items[i].projectId} is listed twice: put all its roles in one entry`,
        });
      }
    })
    .transform((items) => [...items].sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0))),
  teamIds: uniqueSortedList(hexId("team"), "team id").default([]),
  reinvite: z.enum(REINVITE_POLICIES, { error: `must be one of ${REINVITE_POLICIES.map((p) => `"${p}"`).join(", ")}` }).default("on-expiry"),
  adopt: z.boolean({ error: "must be true or false" }).default(false),
  platform: z.enum(PLATFORMS as readonly [Platform, ...Platform[]], { error: `must be one of ${PLATFORMS.join(", ")}` }).optional(),
});

/** Normalised inputs, as `check` returns them (what state holds). */
export type OrgInvitationInputs = z.output<typeof OrgInvitationInputsSchema>;
/** Inputs as a program writes them (defaults optional). */
export type OrgInvitationInputsIn = z.input<typeof OrgInvitationInputsSchema>;

/** What the provider stores: the inputs (as the API last reported them) and what the API computed. */
export interface OrgInvitationState extends OrgInvitationInputs {
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
