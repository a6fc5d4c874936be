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

/**
 * Whose role lists an invitation is held to: the API it is sent to. `atlas`
 * and `atlas-v1` both use the Atlas v2 org-users endpoints, so both take
 * Atlas's roles; Cloud Manager and Ops Manager take their own.
 */
export type RolesPlatform = "atlas" | "cloud-manager" | "ops-manager";

export function rolesPlatformOf(platform: Platform): RolesPlatform {
  return platform === "cloud-manager" || platform === "ops-manager" ? platform : "atlas";
}

const PLATFORM_NAMES: Record<RolesPlatform, string> = { atlas: "Atlas", "cloud-manager": "Cloud Manager", "ops-manager": "Ops Manager" };

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

/** A role name from `allowed` (the platform's list); anything else is reported with the list. */
function roleNameSchema(allowed: readonly string[], what: string, platform: RolesPlatform) {
  return z
    .string({ error: `must be ${what} name such as ${allowed[0]}` })
    .trim()
    .pipe(
      z.enum(allowed as readonly [string, ...string[]], {
        error: (issue) => `${JSON.stringify(issue.input)} is not ${what} on ${PLATFORM_NAMES[platform]}: must be one of ${allowed.join(", ")}`,
      }),
    );
}

/**
 * The inputs of an invitation sent to `platform`'s API: organization and
 * project role names are held to that platform's lists (ROLES_BY_PLATFORM).
 */
export function orgInvitationInputsSchema(platform: RolesPlatform) {
  const roles = ROLES_BY_PLATFORM[platform];
  const projectRoleSchema = z.strictObject({
    projectId: hexId("project"),
    roles: uniqueSortedList(roleNameSchema(roles.project, "a project role", platform), "project role").refine(
      (r) => r.length >= 1,
      "give at least one project role",
    ),
  });
  return z.strictObject({
    orgId: hexId("organization"),
    // RFC 5321 (4.5.3.1.3): a path is at most 256 octets with its angle brackets, so an address at most 254.
    username: z.string({ error: required("the person's email address") }).trim().pipe(
      z.email("must be the person's email address (their MongoDB Cloud username)").max(254, "must be at most 254 characters long: no email address is longer"),
    ),
    roles: uniqueSortedList(roleNameSchema(roles.org, "an organization role", platform), "organization role").refine(
      (r) => r.length >= 1,
      "give at least one organization role, e.g. [\"ORG_MEMBER\"]",
    ),
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
      .optional(),
    teamIds: uniqueSortedList(hexId("team"), "team id").optional(),
    reinvite: z.enum(REINVITE_POLICIES, { error: `must be one of ${REINVITE_POLICIES.map((p) => `"${p}"`).join(", ")}` }).default("on-expiry"),
    adopt: z.boolean({ error: "must be true or false" }).default(false),
    platform: z.enum(PLATFORMS as readonly [Platform, ...Platform[]], { error: `must be one of ${PLATFORMS.join(", ")}` }).optional(),
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
