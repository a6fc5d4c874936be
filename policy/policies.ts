/**
 * The rules of the `atlas-users` policy pack, wired to `@pulumi/policy`: which
 * resources each applies to, its default enforcement level and its settings'
 * schema (checked by the CLI against `--policy-pack-config`). The checks are
 * in `rules.ts`; `index.ts` serves the pack.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import {
  DEFAULTS,
  checkEmailDomains,
  checkInvitedOwners,
  checkOwnerRoles,
  checkPlainConfigPassword,
  checkPrivilegedRoles,
  checkScramScopes,
  checkTemporaryLifetime,
  settingsOf,
  type StackResource,
} from "./rules";
import { PERSON_KINDS, kindOf, personOf, rawProps, type Kind } from "./resources";
import { stackConfig } from "./stackConfig";

/** The pack's name, as `--policy-pack-config` files and the CLI's output show it. */
export const PACK_NAME = "atlas-users";

const stringList = (description: string) => ({ type: "array" as const, items: { type: "string" as const }, description });
const durationSetting = (description: string) => ({
  type: "string" as const,
  pattern: "^\\s*(\\d+[dhmsDHMS])+\\s*$",
  description,
});

/**
 * A rule's settings schema, each setting with its default from `DEFAULTS`:
 * the CLI checks `--policy-pack-config` against it and fills in the defaults
 * (which `settingsOf` applies too, for callers that do not).
 */
function settingsSchema(rule: keyof typeof DEFAULTS, properties: Record<string, PolicyConfigJSONSchema>): PolicyConfigSchema {
  const defaults = DEFAULTS[rule] as unknown as Record<string, unknown>;
  return {
    properties: Object.fromEntries(
      Object.entries(properties).map(([key, schema]) => [key, { ...schema, default: defaults[key] as PolicyConfigJSONSchema["default"] }]),
    ),
  };
}

/** A resource rule that applies to some of our resources, judged on its known inputs. */
function resourceRule(
  name: string,
  spec: {
    description: string;
    enforcementLevel: EnforcementLevel;
    kinds: readonly Kind[];
    configSchema?: PolicyConfigSchema;
    check: (kind: Kind, props: Record<string, unknown>, args: ResourceValidationArgs) => string[];
  },
): ResourceValidationPolicy {
  return {
    name,
    description: spec.description,
    enforcementLevel: spec.enforcementLevel,
    configSchema: spec.configSchema,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const props = rawProps(args.props);
      const kind = kindOf(args.type, props);
      if (kind === undefined || !spec.kinds.includes(kind)) return;
      for (const message of spec.check(kind, props, args)) reportViolation(message);
    },
  };
}

/** This package's resources among the stack's, with their known values. */
function ourResources(args: StackValidationArgs): StackResource[] {
  const out: StackResource[] = [];
  for (const r of args.resources) {
    const props = rawProps(r.props);
    const kind = kindOf(r.type, props);
    if (kind !== undefined) out.push({ kind, name: r.name, urn: r.urn, props });
  }
  return out;
}

/**
 * People whose addresses `allowed-email-domains` saw but could not check (no
 * domains configured), for the advisory `email-domains-unset`: both rules
 * run in this one process, the stack rule after every resource.
 */
const uncheckedPeople = new Map<string, string>();

const ownerRolesSchema = stringList("Role names that count as owner roles.");

/** The pack's rules, in the order the docs list them. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  resourceRule("privileged-database-roles", {
    description:
      "Privileged database roles (atlasAdmin, the *AnyDatabase roles, dbOwner/userAdmin on admin, ...) only on temporary database users, for at most maxLifetime (default 24h).",
    enforcementLevel: "mandatory",
    kinds: ["DatabaseUser"],
    configSchema: settingsSchema("privileged-database-roles", {
      privilegedRoles: stringList('Privileged roles: "roleName" (any database) or "roleName@database".'),
      maxLifetime: durationSetting('Longest lifetime of a user with a privileged role ("24h", "90m", "2d").'),
    }),
    check: (_kind, props, args) =>
      checkPrivilegedRoles(props, settingsOf("privileged-database-roles", args.getConfig()), new Date()),
  }),
  resourceRule("temporary-user-lifetime", {
    description: "No temporary database user lives longer than maxLifetime (default 7d, Atlas's own limit).",
    enforcementLevel: "mandatory",
    kinds: ["DatabaseUser"],
    configSchema: settingsSchema("temporary-user-lifetime", {
      maxLifetime: durationSetting('Longest lifetime of a temporary user ("7d", "48h").'),
    }),
    check: (_kind, props, args) =>
      checkTemporaryLifetime(props, settingsOf("temporary-user-lifetime", args.getConfig()), new Date()),
  }),
  resourceRule("allowed-email-domains", {
    description:
      "Invitations, accounts and memberships only for email addresses in allowedDomains (default: not set, no restriction; email-domains-unset warns).",
    enforcementLevel: "mandatory",
    kinds: PERSON_KINDS,
    configSchema: settingsSchema("allowed-email-domains", {
      allowedDomains: stringList('Allowed domains: "example.com", or "*.example.com" for its subdomains too.'),
    }),
    check: (kind, props, args) => {
      const settings = settingsOf("allowed-email-domains", args.getConfig());
      if (settings.allowedDomains.length === 0) {
        const person = personOf(kind, props);
        if (person !== undefined) uncheckedPeople.set(args.urn, `${kind} "${args.name}" (${person})`);
      }
      return checkEmailDomains(kind, props, settings);
    },
  }),
  {
    name: "email-domains-unset",
    description: "Warns that allowed-email-domains has no allowedDomains, so any address can be invited.",
    enforcementLevel: "advisory",
    validateStack: (_args: StackValidationArgs, reportViolation: ReportViolation) => {
      if (uncheckedPeople.size === 0) return;
      const people = [...uncheckedPeople.values()].sort();
      reportViolation(
        `allowed-email-domains has no allowedDomains, so these were not checked: ${people.join(", ")}. Fix: set allowed-email-domains.allowedDomains (e.g. ["example.com"]) in the policy pack config.`,
      );
    },
  },
  {
    name: "owner-roles",
    description:
      "Organization and project owner roles only for the people in owners; with no list, at most maxOwners people (default 2) per stack.",
    enforcementLevel: "mandatory",
    configSchema: settingsSchema("owner-roles", {
      owners: stringList("Email addresses of the people who may hold owner roles."),
      maxOwners: { type: "integer", minimum: 0, description: "With no owners list: how many people may hold owner roles." },
      ownerRoles: ownerRolesSchema,
    }),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const settings = settingsOf("owner-roles", args.getConfig());
      for (const v of checkOwnerRoles(ourResources(args), settings)) reportViolation(v.message, v.urn);
    },
  },
  {
    name: "invited-owners-listed",
    description: "Nobody is invited to the organization with an owner role unless listed in owners (default: nobody).",
    enforcementLevel: "mandatory",
    configSchema: settingsSchema("invited-owners-listed", {
      owners: stringList("Email addresses of the people who may be invited with owner roles."),
      ownerRoles: ownerRolesSchema,
    }),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const settings = settingsOf("invited-owners-listed", args.getConfig());
      for (const v of checkInvitedOwners(ourResources(args), settings)) reportViolation(v.message, v.urn);
    },
  },
  resourceRule("scram-cluster-scopes", {
    description: "With clusters set, SCRAM database users are scoped to those clusters (default: not set, the rule does not apply).",
    enforcementLevel: "mandatory",
    kinds: ["DatabaseUser"],
    configSchema: settingsSchema("scram-cluster-scopes", {
      clusters: stringList("Names of the clusters SCRAM users may be scoped to."),
    }),
    check: (_kind, props, args) => checkScramScopes(props, settingsOf("scram-cluster-scopes", args.getConfig())),
  }),
  resourceRule("no-plain-config-passwords", {
    description: "Passwords (DatabaseUser, CloudUser) never come from plain, non-secret stack config.",
    enforcementLevel: "mandatory",
    kinds: ["DatabaseUser", "CloudUser"],
    check: (_kind, props, args) => {
      const config = stackConfig();
      if (config === undefined) args.notApplicable("the engine sent no stack config, so the pack cannot tell where passwords come from");
      return checkPlainConfigPassword(props, config!);
    },
  }),
];

