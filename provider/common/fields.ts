/**
 * Zod building blocks the identity resources' schemas share: 24-hex ids,
 * email usernames, role-name lists held to a platform's table, and the
 * provider-side settings (`reinvite`, `adopt`, `platform`). Messages say
 * what to give, naming the property through `check`.
 */
import { z } from "zod";
import { REINVITE_POLICIES } from "../memberships/status";
import { PLATFORM, PLATFORMS, type Platform } from "../platform";
import { canonicalSet, duplicateIndexes } from "./sets";

const HEX24 = /^[a-f0-9]{24}$/;

/** A required value's message says it is missing, not that `undefined` is not a string. */
export const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `is required: give ${what}` : `must be ${what}`;

export const hexId = (what: string) =>
  z
    .string({ error: required(`the ${what}'s 24-character hexadecimal id`) })
    .trim()
    .regex(HEX24, `must be the ${what}'s 24-character lowercase hexadecimal id`);

/** A person's MongoDB Cloud username: an email address. */
export const emailUsername = () =>
  z
    .string({ error: required("the person's email address") })
    .trim()
    .pipe(
      // RFC 5321 (4.5.3.1.3): a path is at most 256 octets with its angle brackets, so an address at most 254.
      z.email("must be the person's email address (their MongoDB Cloud username)").max(254, "must be at most 254 characters long: no email address is longer"),
    );

/** Unique strings, stored sorted; a repeated value is reported at its index. */
export function uniqueSortedList<T extends z.ZodType<string>>(item: T, what: string) {
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
export function roleNameSchema(allowed: readonly string[], what: string, platform: Platform) {
  return z
    .string({ error: `must be ${what} name such as ${allowed[0]}` })
    .trim()
    .pipe(
      z.enum(allowed as readonly [string, ...string[]], {
        error: (issue) => `${JSON.stringify(issue.input)} is not ${what} on ${PLATFORM[platform].title}: must be one of ${allowed.join(", ")}`,
      }),
    );
}

/** At least one project role of `platform`'s table, each once, sorted. */
export function projectRoleList(platform: Platform, roles: readonly string[] = PLATFORM[platform].invitationRoles.project) {
  return uniqueSortedList(roleNameSchema(roles, "a project role", platform), "project role").refine((r) => r.length >= 1, "give at least one project role");
}

export const reinviteField = () =>
  z.enum(REINVITE_POLICIES, { error: `must be one of ${REINVITE_POLICIES.map((p) => `"${p}"`).join(", ")}` }).default("on-expiry");

export const adoptField = () => z.boolean({ error: "must be true or false" }).default(false);

export const platformField = () =>
  z.enum(PLATFORMS as readonly [Platform, ...Platform[]], { error: `must be one of ${PLATFORMS.join(", ")}` }).optional();
