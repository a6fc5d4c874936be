/**
 * CloudUser inputs: one zod schema per platform, the single source of truth
 * for validation (`check`), normalisation and the TypeScript types.
 */
import { z } from "zod";
import { canonicalSet, duplicateIndexes } from "../common/sets";
import { ISO_3166_ALPHA2 } from "./countries";
import { CLOUD_USER_PLATFORMS, ROLES_BY_PLATFORM, platformsWithRole, roleScope, type CloudUserPlatform } from "./roles";

const HEX24 = /^[a-f0-9]{24}$/;

/** The Atlas v2 spec's `mobileNumber` pattern (a North American number), as meant (the spec escapes it twice). */
const ATLAS_MOBILE_NUMBER =
  /(?:(?:\+?1\s*(?:[.-]\s*)?)?(?:(\s*([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9])\s*)|([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9]))\s*(?:[.-]\s*)?)([2-9]1[02-9]|[2-9][02-9]1|[2-9][02-9]{2})\s*(?:[.-]\s*)?([0-9]{4})$/;

const objectId = (what: string) =>
  z.string().regex(HEX24, { message: `must be the 24-hexadecimal-digit id of the ${what} (e.g. 5f1b2c3d4e5f6a7b8c9d0e1f)` });

/** One role assignment as declared: an org role (`orgId`), a project role (`projectId`), or an Ops Manager GLOBAL_* role (neither). */
export const CloudUserRoleSchema = z.strictObject({
  orgId: objectId("organization").optional(),
  projectId: objectId("project").optional(),
  roleName: z.string().min(1, { message: "roleName is required, e.g. ORG_MEMBER or GROUP_READ_ONLY" }),
});

export type CloudUserRole = z.output<typeof CloudUserRoleSchema>;

export const CloudUserPlatformSchema = z.enum(CLOUD_USER_PLATFORMS, {
  message: `platform must be one of ${CLOUD_USER_PLATFORMS.join(", ")}`,
});

const CloudUserInputsShape = z.strictObject({
  // RFC 5321 (4.5.3.1.3): a path is at most 256 octets with its angle brackets, so an address at most 254.
  username: z
    .email({ message: "username must be an email address (the account's login), e.g. jane.doe@example.com" })
    .max(254, { message: "username must be at most 254 characters long: no email address is longer" }),
  password: z.string().min(8, { message: "password must be at least 8 characters long" }),
  emailAddress: z.email({ message: "emailAddress must be an email address; leave it out to use the username" }).optional(),
  firstName: z.string().min(1, { message: "firstName must not be empty; leave it out instead" }).optional(),
  lastName: z.string().min(1, { message: "lastName must not be empty; leave it out instead" }).optional(),
  mobileNumber: z.string().min(1, { message: "mobileNumber must not be empty; leave it out instead" }).optional(),
  country: z
    .string()
    .transform((c) => c.toUpperCase())
    .pipe(z.string().refine((c) => ISO_3166_ALPHA2.has(c), { message: "country must be a two-letter ISO 3166-1 alpha-2 code, e.g. US or DE" }))
    .optional(),
  roles: z.array(CloudUserRoleSchema).optional(),
  adopt: z.boolean().optional(),
  platform: CloudUserPlatformSchema.optional(),
});

/**
 * Inputs after `check`: validated and normalised (roles sorted, country
 * upper-case); what state holds. Read off the shape, which the refinements and
 * the role-sorting transform of `CloudUserInputsSchema` leave unchanged.
 */
export type CloudUserInputs = z.output<typeof CloudUserInputsShape>;
/** Inputs as a program writes them (before normalisation). */
export type CloudUserInputsIn = z.input<typeof CloudUserInputsShape>;

/** Fields the platform requires at creation, beyond username and password. */
const REQUIRED_AT_CREATION: Readonly<Record<CloudUserPlatform, readonly (keyof CloudUserInputs)[]>> = {
  // The v2 CloudAppUser schema requires all of these (emailAddress is read-only there).
  atlas: ["country", "firstName", "lastName", "mobileNumber"],
  "atlas-v1": ["country", "firstName", "lastName"],
  "cloud-manager": ["firstName", "lastName"],
  "ops-manager": ["firstName", "lastName"],
};

/**
 * The schema `check` runs, for the platform the resource will live on: role
 * names come from that platform's list, and the fields it requires at creation
 * are required when `creating`.
 */
export function CloudUserInputsSchema(platform: CloudUserPlatform, opts: { creating?: boolean } = {}) {
  const creating = opts.creating ?? true;
  return CloudUserInputsShape
    .superRefine((args, ctx) => {
      if (args.password.toLowerCase().includes(args.username.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: ["password"], message: "password must not contain the username" });
      }
      // Only creation needs them: leaving one out later just stops managing it.
      for (const field of creating ? REQUIRED_AT_CREATION[platform] : []) {
        if (args[field] === undefined) {
          ctx.addIssue({ code: "custom", path: [field], message: `${field} is required on ${platform}` });
        }
      }
      if (platform === "atlas" && args.emailAddress !== undefined && args.emailAddress.toLowerCase() !== args.username.toLowerCase()) {
        ctx.addIssue({
          code: "custom",
          path: ["emailAddress"],
          message: "on atlas the email address is always the username: leave emailAddress out",
        });
      }
      if (platform === "atlas" && args.mobileNumber !== undefined && !ATLAS_MOBILE_NUMBER.test(args.mobileNumber)) {
        ctx.addIssue({
          code: "custom",
          path: ["mobileNumber"],
          message: "on atlas mobileNumber must be a North American number, e.g. 212-555-0100 or +1 212 555 0100",
        });
      }
      const roles = args.roles ?? [];
      if (roles.length === 0 && platform !== "ops-manager") {
        ctx.addIssue({
          code: "custom",
          path: ["roles"],
          message:
            `at least one org or project role is required on ${platform}: the account itself cannot be deleted there, ` +
            "so the resource removes it from the orgs and projects it was given",
        });
      }
      if (platform === "cloud-manager" && roles.some((r) => r.projectId) && !roles.some((r) => r.orgId)) {
        ctx.addIssue({
          code: "custom",
          path: ["roles"],
          message:
            "on cloud-manager, also give an org role (e.g. ORG_MEMBER) in the org of each project: Cloud Manager's API " +
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

function roleIssues(platform: CloudUserPlatform, role: CloudUserRole): { path: string[]; message: string }[] {
  const scope = roleScope(platform, role.roleName);
  if (scope === undefined) {
    const elsewhere = platformsWithRole(role.roleName);
    const known = ROLES_BY_PLATFORM[platform];
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
