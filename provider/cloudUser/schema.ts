/**
 * CloudUser inputs: one zod schema per platform, the single source of truth
 * for validation (`check`), normalisation and the TypeScript types.
 */
import { z } from "zod";
import type { SameKeys } from "../common/types";
import type { CloudUserOutputs } from "./model";
import { canonicalSet, duplicateIndexes } from "../common/sets";
import { ISO_3166_ALPHA2 } from "./countries";
import { REINVITE_POLICIES } from "../memberships/status";
import { PLATFORM, PLATFORMS, platformsWithRole, roleScope, type Platform } from "../platform";

const HEX24 = /^[a-f0-9]{24}$/;

const objectId = (what: string) =>
  z.string().regex(HEX24, { message: `must be the 24-hexadecimal-digit id of the ${what} (e.g. 5f1b2c3d4e5f6a7b8c9d0e1f)` });

/** One role assignment as declared: an org role (`orgId`), a project role (`projectId`), or an Ops Manager GLOBAL_* role (neither). */
export const CloudUserRoleSchema = z.strictObject({
  orgId: objectId("organization").optional().describe("The organization of an org role (24 hexadecimal digits)."),
  projectId: objectId("project").optional().describe("The project of a project role (24 hexadecimal digits)."),
  roleName: z.string().min(1, { message: "roleName is required, e.g. ORG_MEMBER or GROUP_READ_ONLY" })
    .describe("A role from the platform's list, e.g. `ORG_MEMBER`, `GROUP_READ_ONLY`, `GLOBAL_READ_ONLY` (Ops Manager)."),
});

export type CloudUserRole = z.output<typeof CloudUserRoleSchema>;

export const CloudUserPlatformSchema = z.enum(PLATFORMS, {
  message: `platform must be one of ${PLATFORMS.join(", ")}`,
});

const CloudUserInputsShape = z.strictObject({
  // RFC 5321 (4.5.3.1.3): a path is at most 256 octets with its angle brackets, so an address at most 254.
  username: z
    .email({ message: "username must be an email address (the account's login), e.g. jane.doe@example.com" })
    .max(254, { message: "username must be at most 254 characters long: no email address is longer" })
    .describe("The login, an email address of at most 254 characters. Changing it replaces the resource."),
  password: z.string().min(8, { message: "password must be at least 8 characters long" }).meta({
    description: "The initial password: at least 8 characters, without the username. Only the person can change it later.",
    secret: true,
  }),
  emailAddress: z.email({ message: "emailAddress must be an email address; leave it out to use the username" }).optional()
    .describe("Contact address; defaults to `username`. On `atlas` it is always the username: leave it out."),
  firstName: z.string().min(1, { message: "firstName must not be empty; leave it out instead" }).optional()
    .describe("Given name."),
  lastName: z.string().min(1, { message: "lastName must not be empty; leave it out instead" }).optional()
    .describe("Family name."),
  mobileNumber: z.string().min(1, { message: "mobileNumber must not be empty; leave it out instead" }).optional()
    .describe("On `atlas` a North American number (`212-555-0100`, `+1 212 555 0100`), as the v2 API requires."),
  country: z
    .string()
    .transform((c) => c.toUpperCase())
    .pipe(z.string().refine((c) => ISO_3166_ALPHA2.has(c), { message: "country must be a two-letter ISO 3166-1 alpha-2 code, e.g. US or DE" }))
    .optional()
    .describe("An assigned ISO 3166-1 alpha-2 code (`US`, `DE`); lower case is stored upper case."),
  roles: z.array(CloudUserRoleSchema).optional()
    .describe("Org, project and (Ops Manager) global roles, each once; order does not matter. Exactly one of `orgId`, `projectId` per role, neither for `GLOBAL_*`."),
  adopt: z.boolean().optional()
    .describe("If an account with this username already exists, manage it instead of failing."),
  platform: CloudUserPlatformSchema.optional()
    .describe("Overrides the stack's `atlasUsers:platform` for this resource."),
  reinvite: z.enum(REINVITE_POLICIES, { message: `reinvite must be one of ${REINVITE_POLICIES.join(", ")}` }).optional()
    .describe("When an invitation for a declared role expires (or is declined) unaccepted: `on-expiry` (default) sends it again at the next `up`, `on-expiry-or-rejection` also after a decline, `never` leaves it."),
});

/**
 * Inputs after `check`: validated and normalised (roles sorted, country
 * upper-case); what state holds. Read off the shape, which the refinements and
 * the role-sorting transform of `CloudUserInputsSchema` leave unchanged.
 */
export type CloudUserInputs = z.output<typeof CloudUserInputsShape>;
/** Inputs as a program writes them (before normalisation). */
export type CloudUserInputsIn = z.input<typeof CloudUserInputsShape>;

/**
 * The schema `check` runs, for the platform the resource will live on: role
 * names come from that platform's list, and the fields it requires at creation
 * are required when `creating`.
 */
export function CloudUserInputsSchema(platform: Platform, opts: { creating?: boolean } = {}) {
  const creating = opts.creating ?? true;
  const record = PLATFORM[platform];
  return CloudUserInputsShape
    .superRefine((args, ctx) => {
      if (args.password.toLowerCase().includes(args.username.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: ["password"], message: "password must not contain the username" });
      }
      // Only creation needs them: leaving one out later just stops managing it.
      for (const field of creating ? record.requiredAtCreation : []) {
        if (args[field] === undefined) {
          ctx.addIssue({ code: "custom", path: [field], message: `${field} is required on ${platform}` });
        }
      }
      if (record.emailIsUsername && args.emailAddress !== undefined && args.emailAddress.toLowerCase() !== args.username.toLowerCase()) {
        ctx.addIssue({
          code: "custom",
          path: ["emailAddress"],
          message: `on ${platform} the email address is always the username: leave emailAddress out`,
        });
      }
      if (record.mobileNumberPattern && args.mobileNumber !== undefined && !record.mobileNumberPattern.test(args.mobileNumber)) {
        ctx.addIssue({
          code: "custom",
          path: ["mobileNumber"],
          message: `on ${platform} mobileNumber must be a North American number, e.g. 212-555-0100 or +1 212 555 0100`,
        });
      }
      const roles = args.roles ?? [];
      if (roles.length === 0 && !record.canDeleteAccounts) {
        ctx.addIssue({
          code: "custom",
          path: ["roles"],
          message:
            `at least one org or project role is required on ${platform}: the account itself cannot be deleted there, ` +
            "so the resource removes it from the orgs and projects it was given",
        });
      }
      // Without account deletion, destroy withdraws memberships; Cloud/Ops Manager's API does that per org, not per project.
      if (!record.canDeleteAccounts && record.membershipsApi === "public-v1" && roles.some((r) => r.projectId) && !roles.some((r) => r.orgId)) {
        ctx.addIssue({
          code: "custom",
          path: ["roles"],
          message:
            `on ${platform}, also give an org role (e.g. ORG_MEMBER) in the org of each project: ${record.title}'s API ` +
            "removes a user from an org, not from a project, so delete needs the org",
        });
      }
      roles.forEach((role, i) => {
        for (const issue of roleIssues(platform, role)) {
          ctx.addIssue({ code: "custom", path: ["roles", i, ...issue.path], message: issue.message });
        }
      });
      for (const i of duplicateIndexes(roles)) {
        ctx.addIssue({ code: "custom", path: ["roles", i], message: "duplicate role: list each role once" });
      }
    })
    .transform((args) => ({ ...args, ...(args.roles ? { roles: sortRoles(args.roles) } : {}) }));
}

function roleIssues(platform: Platform, role: CloudUserRole): { path: string[]; message: string }[] {
  const scope = roleScope(platform, role.roleName);
  if (scope === undefined) {
    const elsewhere = platformsWithRole(role.roleName);
    const known = PLATFORM[platform].userRoles;
    return [
      {
        path: ["roleName"],
        message:
          `${role.roleName} is not a role on ${platform}` +
          (elsewhere.length > 0 ? ` (it exists on ${elsewhere.join(", ")})` : "") +
          `; use one of ${[...known.org, ...known.project, ...known.global].join(", ")}`,
      },
    ];
  }
  const hasOrg = role.orgId !== undefined;
  const hasProject = role.projectId !== undefined;
  if (hasOrg && hasProject) {
    return [{ path: [], message: "give either orgId or projectId, not both: a role applies to one organization or one project" }];
  }
  if (scope === "global") {
    return hasOrg || hasProject
      ? [{ path: [], message: `${role.roleName} is a global role: remove orgId and projectId` }]
      : [];
  }
  if (!hasOrg && !hasProject) {
    return [
      {
        path: [],
        message: `${role.roleName} is ${scope === "org" ? "an organization" : "a project"} role: set ${scope === "org" ? "orgId" : "projectId"}`,
      },
    ];
  }
  if (scope === "org" && !hasOrg) {
    return [{ path: ["projectId"], message: `${role.roleName} is an organization role: give orgId instead of projectId` }];
  }
  if (scope === "project" && !hasProject) {
    return [{ path: ["orgId"], message: `${role.roleName} is a project role: give projectId instead of orgId` }];
  }
  return [];
}

/** Roles in one canonical order, so reordering them in a program is not a change. */
export function sortRoles(roles: readonly CloudUserRole[]): CloudUserRole[] {
  return canonicalSet(roles.map(cleanRole));
}

function cleanRole(role: CloudUserRole): CloudUserRole {
  return {
    ...(role.orgId !== undefined ? { orgId: role.orgId } : {}),
    ...(role.projectId !== undefined ? { projectId: role.projectId } : {}),
    roleName: role.roleName,
  };
}

/**
 * The outputs (state) as a schema: the source of the outputs table in
 * `docs/resources/cloud-user.md`. A field without a description is an input
 * echoed back. Its keys are `CloudUserOutputs`'s (checked below).
 */
export const CloudUserStateSchema = z.object({
  userId: z.string().describe("The account's id (24 hexadecimal digits); also the resource's id."),
  username: z.string().describe("As the API reports it."),
  password: z.string().optional().meta({ description: "The declared password, as a secret; no API returns it.", secret: true }),
  emailAddress: z.string().optional().describe("As the API reports it (so `pulumi refresh` shows the person's own profile edits)."),
  firstName: z.string().optional().describe("As the API reports it."),
  lastName: z.string().optional().describe("As the API reports it."),
  country: z.string().optional().describe("As the API reports it."),
  mobileNumber: z.string().optional().describe("As the API reports it."),
  roles: z.array(CloudUserRoleSchema)
    .describe("The declared roles, sorted. A refresh drops those neither held nor pending, so the next `up` grants them again."),
  activeRoles: z.array(CloudUserRoleSchema).describe("The roles the API reports: the ones the person holds."),
  pendingRoles: z.array(CloudUserRoleSchema).describe("Declared roles whose invitation is still waiting for the person (never an expired, declined or revoked one)."),
  invitationsExpireAt: z.string().optional()
    .describe("When the earliest of those invitations expires; an `up` after that asks the API and, under `reinvite`, sends it again."),
  preexistingRoles: z.array(CloudUserRoleSchema).optional()
    .describe("For an adopted account, the roles it held then (empty when the resource created it, or adopted it as this stack's own); delete leaves them alone."),
  adoptedExisting: z.boolean().optional()
    .describe("`true` when the resource adopted an account that already existed and was not recognised as this stack's own (Ops Manager's destroy then keeps the account)."),
  teamIds: z.array(z.string()).describe("The teams the account belongs to, as reported."),
  createdAt: z.string().optional().describe("When the account was created, as reported."),
  lastAuth: z.string().optional().describe("The person's last login, as reported."),
  platform: CloudUserPlatformSchema.describe("The platform the account lives on, resolved at creation (refresh and delete use it)."),
  adopt: z.boolean().optional(),
  reinvite: z.enum(REINVITE_POLICIES).optional().describe("As declared."),
});

// The schema and the state interface name the same fields.
const stateSchemaMatchesState: SameKeys<z.output<typeof CloudUserStateSchema>, CloudUserOutputs> = true;
void stateSchemaMatchesState;
