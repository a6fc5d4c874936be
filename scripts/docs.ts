/**
 * `npm run docs`: writes the inputs and outputs tables of each resource page
 * (`docs/resources/*.md`) from the zod schemas and their descriptions, between
 * the page's `<!-- BEGIN GENERATED: inputs -->` / `<!-- END GENERATED: inputs -->`
 * markers (and the same for `outputs`), and the benchmark figures of
 * `docs/performance.md` from `bench/results/latest.json`. Descriptions live in
 * the schemas only (`provider/<resource>/schema.ts`); edit them there, then run
 * `npm run docs`. `test/docs/tables.test.ts` fails when a committed page
 * differs from what this writes.
 *
 * Required cells are found by asking the schema, not written down: for each
 * variant of a resource (its platforms, or its authentication types) a valid
 * input is parsed without the field, and the field is required there when
 * the schema then reports it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { defaultOf, defOf, formatOf, isOptional, metaAlong, metaOf, objectFields, unwrap } from "../provider/common/schemaWalk";
import { CloudUserInputsSchema, CloudUserStateSchema } from "../provider/cloudUser/schema";
import { PLATFORMS as CLOUD_USER_PLATFORMS } from "../provider/platform";
import { CustomDbRoleInputsSchema, CustomDbRoleStateSchema } from "../provider/customDbRole/schema";
import { DatabaseUserInputsSchema, DatabaseUserStateSchema } from "../provider/databaseUser/schema";
import { X509CertificateInputsSchema, X509CertificateStateSchema } from "../provider/x509Certificate/schema";
import { OrgInvitationStateSchema, orgInvitationInputsSchema } from "../provider/orgInvitation/schema";
import { ProjectMembershipInputsSchema, ProjectMembershipStateSchema } from "../provider/projectMembership/schema";
import { TeamInputsSchema, TeamStateSchema } from "../provider/team/schema";
import { TeamMembershipInputsSchema, TeamMembershipStateSchema } from "../provider/teamMembership/schema";
import { TeamProjectAccessInputsSchema, TeamProjectAccessStateSchema } from "../provider/teamProjectAccess/schema";

type Schema = z.ZodType;

const code = (text: string) => "`" + text + "`";

/** One way a resource's inputs are checked: a platform, or an authentication type. */
interface Variant {
  label: string;
  /** The schema a new resource is checked with. */
  schema: Schema;
  /** The schema an existing resource is checked with, when it differs (fields required only at creation). */
  later?: Schema;
  /** An input this variant accepts; each optional field is probed by leaving it out. */
  valid: Record<string, unknown>;
}

export interface ResourceDoc {
  /** The resource's name: its class, and the last part of its plugin type token (`atlas-users:index:<resource>`). */
  resource: string;
  /** The page, relative to the repository root. */
  page: string;
  /** Where the descriptions live (named in the markers, for whoever edits the page). */
  schemaFile: string;
  variants: Variant[];
  /** How a required cell names the variants that require a field: `${prefix} ${labels}`. */
  requiredPrefix: string;
  outputs: z.ZodObject;
}

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const PROJECT = "6a7b8c9d0e1f5f1b2c3d4e5f";
const TEAM = "7c8d9e0f1a2b3c4d5e6f7a8b";

export const RESOURCE_DOCS: readonly ResourceDoc[] = [
  {
    resource: "DatabaseUser",
    page: "docs/resources/database-user.md",
    schemaFile: "provider/databaseUser/schema.ts",
    variants: [
      {
        label: "SCRAM",
        schema: DatabaseUserInputsSchema,
        valid: { projectId: PROJECT, username: "app", password: "a-long-password", roles: [{ roleName: "read", databaseName: "app" }] },
      },
      {
        label: "X.509",
        schema: DatabaseUserInputsSchema,
        valid: { projectId: PROJECT, username: "app", x509Type: "MANAGED", roles: [{ roleName: "read", databaseName: "app" }] },
      },
    ],
    requiredPrefix: "for",
    outputs: DatabaseUserStateSchema,
  },
  {
    resource: "CustomDbRole",
    page: "docs/resources/custom-db-role.md",
    schemaFile: "provider/customDbRole/schema.ts",
    variants: [
      {
        label: "Atlas",
        schema: CustomDbRoleInputsSchema,
        valid: {
          projectId: PROJECT,
          roleName: "reportReader",
          actions: [{ action: "FIND", resources: [{ db: "reports" }] }],
          inheritedRoles: [{ roleName: "read", databaseName: "audit" }],
        },
      },
    ],
    requiredPrefix: "on",
    outputs: CustomDbRoleStateSchema,
  },
  {
    resource: "X509Certificate",
    page: "docs/resources/x509-certificate.md",
    schemaFile: "provider/x509Certificate/schema.ts",
    variants: [{ label: "Atlas", schema: X509CertificateInputsSchema, valid: { projectId: PROJECT, username: "etl" } }],
    requiredPrefix: "on",
    outputs: X509CertificateStateSchema,
  },
  {
    resource: "OrgInvitation",
    page: "docs/resources/org-invitation.md",
    schemaFile: "provider/orgInvitation/schema.ts",
    variants: (["atlas", "cloud-manager", "ops-manager"] as const).map((platform) => ({
      label: platform,
      schema: orgInvitationInputsSchema(platform),
      valid: { orgId: ORG, username: "ada@example.com", roles: ["ORG_MEMBER"] },
    })),
    requiredPrefix: "on",
    outputs: OrgInvitationStateSchema,
  },
  {
    resource: "CloudUser",
    page: "docs/resources/cloud-user.md",
    schemaFile: "provider/cloudUser/schema.ts",
    variants: CLOUD_USER_PLATFORMS.map((platform) => ({
      label: code(platform),
      schema: CloudUserInputsSchema(platform, { creating: true }),
      later: CloudUserInputsSchema(platform, { creating: false }),
      valid: {
        username: "jane.doe@example.com",
        password: "a-long-password",
        firstName: "Jane",
        lastName: "Doe",
        country: "US",
        mobileNumber: "212-555-0100",
        roles: [{ orgId: ORG, roleName: "ORG_MEMBER" }],
      },
    })),
    requiredPrefix: "on",
    outputs: CloudUserStateSchema,
  },
  {
    resource: "ProjectMembership",
    page: "docs/resources/project-membership.md",
    schemaFile: "provider/projectMembership/schema.ts",
    variants: [{ label: "atlas", schema: ProjectMembershipInputsSchema, valid: { projectId: PROJECT, username: "ada@example.com", roles: ["GROUP_READ_ONLY"] } }],
    requiredPrefix: "on",
    outputs: ProjectMembershipStateSchema,
  },
  {
    resource: "Team",
    page: "docs/resources/team.md",
    schemaFile: "provider/team/schema.ts",
    variants: [{ label: "atlas", schema: TeamInputsSchema, valid: { orgId: ORG, name: "platform" } }],
    requiredPrefix: "on",
    outputs: TeamStateSchema,
  },
  {
    resource: "TeamMembership",
    page: "docs/resources/team-membership.md",
    schemaFile: "provider/teamMembership/schema.ts",
    variants: [{ label: "atlas", schema: TeamMembershipInputsSchema, valid: { orgId: ORG, teamId: TEAM, username: "ada@example.com" } }],
    requiredPrefix: "on",
    outputs: TeamMembershipStateSchema,
  },
  {
    resource: "TeamProjectAccess",
    page: "docs/resources/team-project-access.md",
    schemaFile: "provider/teamProjectAccess/schema.ts",
    variants: [{ label: "atlas", schema: TeamProjectAccessInputsSchema, valid: { projectId: PROJECT, teamId: TEAM, roles: ["GROUP_READ_ONLY"] } }],
    requiredPrefix: "on",
    outputs: TeamProjectAccessStateSchema,
  },
];

// ---------------------------------------------------------------------------
// Reading schemas

function typeText(schema: Schema): string {
  // A schema may name its type for the tables itself (a long enum, say).
  const named = metaOf(schema)?.tableType;
  if (typeof named === "string") return named;
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case "string": {
      const format = formatOf(schema);
      return format && format !== "regex" ? `string (${format})` : "string";
    }
    case "boolean":
      return "boolean";
    case "number":
      return "number";
    case "enum": {
      const values = Object.values(def.entries ?? {});
      return values.length <= 5 ? values.map((v) => code(JSON.stringify(v))).join(" \\| ") : "string (a role name)";
    }
    case "array": {
      const element = def.element as Schema;
      const fields = objectFields(element);
      if (fields) return `list of ${code(`{${Object.entries(fields).map(([k, s]) => (isOptional(s) ? `${k}?` : k)).join(", ")}}`)}`;
      return `list of ${typeText(element)}`;
    }
    case "object":
      return "object";
    case "literal":
      return ((def.values ?? []) as unknown[]).map((v) => code(JSON.stringify(v))).join(" \\| ");
    case "union":
      return (def.options ?? []).map(typeText).join(" \\| ");
    default:
      throw new Error(`docs: no table text for a zod ${def.type}`);
  }
}

// ---------------------------------------------------------------------------
// Tables

function cell(text: string): string {
  return text.replace(/\n/g, " ").replace(/\|/g, "\\|");
}

function shapeOf(variant: Variant): Record<string, Schema> {
  const fields = objectFields(variant.schema);
  if (!fields) throw new Error(`docs: the ${variant.label} inputs schema is not an object`);
  return fields;
}

/** Whether `schema` reports `field` when the variant's valid input leaves it out. */
function reports(schema: Schema, variant: Variant, field: string): boolean {
  if (!(field in variant.valid)) return false;
  const { [field]: _left, ...without } = variant.valid;
  const result = schema.safeParse(without);
  return !result.success && result.error.issues.some((issue) => issue.path[0] === field);
}

export function requiredText(doc: ResourceDoc, field: string, schema: Schema): string {
  if (!isOptional(schema)) return "yes";
  const dflt = defaultOf(schema);
  if (dflt !== undefined) return `no (default ${code(JSON.stringify(dflt))})`;
  const always = doc.variants.filter((v) => reports(v.schema, v, field) && reports(v.later ?? v.schema, v, field));
  const atCreation = doc.variants.filter((v) => reports(v.schema, v, field) && !always.includes(v));
  const all = doc.variants.length;
  if (always.length === all) return "yes";
  if (atCreation.length === all) return "at creation";
  const parts: string[] = [];
  if (always.length > 0) parts.push(`${doc.requiredPrefix} ${always.map((v) => v.label).join(", ")}`);
  if (atCreation.length > 0) parts.push(`at creation ${doc.requiredPrefix} ${atCreation.map((v) => v.label).join(", ")}`);
  return parts.length === 0 ? "no" : parts.join("; ");
}

function describedOrThrow(where: string, schema: Schema): { description: string; secret: boolean } {
  const meta = metaAlong(schema);
  if (meta.description === undefined) throw new Error(`docs: ${where} has no description: add .describe("...") to it`);
  return { description: meta.description, secret: meta.secret };
}

export function inputsTable(doc: ResourceDoc): string {
  const shape = shapeOf(doc.variants[0]);
  const rows = ["| input | type | required | description |", "|---|---|---|---|"];
  for (const [field, schema] of Object.entries(shape)) {
    const { description, secret } = describedOrThrow(`input ${field} (${doc.schemaFile})`, schema);
    const type = typeText(schema) + (secret ? ", **secret**" : "");
    rows.push(`| ${code(field)} | ${type} | ${requiredText(doc, field, schema)} | ${cell(description)} |`);
    const inner = defOf(unwrap(schema));
    const nested = inner.type === "array" ? objectFields(inner.element as Schema) : objectFields(schema);
    for (const [sub, subSchema] of Object.entries(nested ?? {})) {
      const name = `${field}${inner.type === "array" ? "[]" : ""}.${sub}`;
      const meta = describedOrThrow(`input ${name} (${doc.schemaFile})`, subSchema);
      rows.push(`| ${code(name)} | ${typeText(subSchema)} | ${isOptional(subSchema) ? "no" : "yes"} | ${cell(meta.description)} |`);
    }
  }
  return rows.join("\n");
}

export function outputsTable(doc: ResourceDoc): string {
  const inputs = shapeOf(doc.variants[0]);
  const rows = ["| output | type | description |", "|---|---|---|"];
  for (const [field, schema] of Object.entries(doc.outputs.shape as Record<string, Schema>)) {
    const meta = metaAlong(schema);
    let description = meta.description;
    if (description === undefined) {
      if (!(field in inputs)) throw new Error(`docs: output ${field} (${doc.schemaFile}) has no description: add .describe("...") to it`);
      description = "The input, as stored.";
    }
    // A defaulted output is left out of the stored state when it equals its default (provider/common/storedState.ts).
    const stored = defaultOf(schema);
    const presence = stored !== undefined ? ` (not stored when ${code(JSON.stringify(stored))})` : isOptional(schema) ? " (may be absent)" : "";
    const type = typeText(schema) + (meta.secret ? ", **secret**" : "") + presence;
    rows.push(`| ${code(field)} | ${type} | ${cell(description)} |`);
  }
  return rows.join("\n");
}

// ---------------------------------------------------------------------------
// Benchmark figures

interface BenchReport {
  date: string;
  machine: { platform: string; arch: string; cpus: number; cpuModel: string; memoryGb: number; loadAverage: { start: number; end: number } };
  node: string;
  pulumi: { cli: string; parallelism: number };
  settings: { users: number; runs: number; latencyMs: number };
  metrics: Record<string, number | null>;
}

/** Each metric of `bench/results/latest.json`: its goal, what it is, and how many decimals to show. */
const METRICS: Record<string, { goal: string; what: string; digits: number }> = {
  "digest.roundTripsPerRequest": { goal: "≤ 1.05", digits: 2, what: "HTTP exchanges per API call with an API key: the digest challenge is cached and shared, so one 401 per client, then every request goes out already signed." },
  "digest.naiveRoundTripsPerRequest": { goal: "baseline", digits: 2, what: "The same client answering every challenge from scratch." },
  "provider.textBytes": { goal: "", digits: 0, what: "Size of the `__provider` text stored with every resource: a module name, never a credential." },
  "state.bytesPerResource": { goal: "", digits: 0, what: "Exported state of the stack, divided by its users; two copies of `__provider` (inputs and outputs) are part of it." },
  "up.create100.requests": { goal: "100", digits: 0, what: "`pulumi up` creating the users: one `POST` each, plus the one digest challenge of the provider process." },
  "up.create100.seconds": { goal: "", digits: 1, what: "Wall time of that `up`." },
  "up.create100.vsIdeal": { goal: "1", digits: 1, what: "Seconds / (users × latency / parallelism)." },
  "up.create100.hostPeakRssMb": { goal: "", digits: 0, what: "Peak resident memory (MB) of the dynamic-provider host process." },
  "preview.noop100.requests": { goal: "0", digits: 0, what: "A preview of the unchanged stack sends no request: `check` and `diff` work from the state." },
  "preview.noop100.seconds": { goal: "", digits: 1, what: "Wall time of that preview." },
  "refresh100.requests": { goal: "100", digits: 0, what: "`pulumi refresh`: one `GET` per user, plus the challenge." },
  "refresh100.seconds": { goal: "", digits: 1, what: "Wall time of that refresh." },
  "up.update100.requests": { goal: "200", digits: 0, what: "Changing one role on every user: a `GET` of its ownership label (another stack may have taken it over) and one `PATCH` each, plus the challenge." },
  "rateLimited.create100.failures": { goal: "0", digits: 0, what: "Creates that failed against a token bucket of 10 refilled 60 per minute." },
  "rateLimited.create100.seconds": { goal: "", digits: 1, what: "Wall time of those creates." },
  "rateLimited.create100.vsIdeal": { goal: "1", digits: 2, what: "Seconds / the bucket's minimum: after the first 10 creates, each later one waits for a token." },
};

function figure(value: number | null, digits: number): string {
  if (value === null) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** The run line and the figures table of `docs/performance.md`. */
export function benchFigures(report: BenchReport): string {
  const m = report.machine;
  const run =
    `Run of ${report.date.slice(0, 10)}: the median of ${report.settings.runs} runs with ${report.settings.users} users, ` +
    `on ${m.cpus} ${m.cpuModel} cores (${m.platform} ${m.arch}, ${m.memoryGb} GB), Node ${report.node}, Pulumi ${report.pulumi.cli} ` +
    `at parallelism ${report.pulumi.parallelism}. Every API request got ${report.settings.latencyMs} ms of added latency. ` +
    `The 1-minute load average was ${m.loadAverage.start} at the start and ${m.loadAverage.end} at the end.`;
  const rows = ["| metric | value | goal | what it is |", "|---|---|---|---|"];
  for (const key of Object.keys(report.metrics)) {
    if (!METRICS[key]) throw new Error(`docs: bench metric ${key} has no entry in METRICS (scripts/docs.ts)`);
  }
  for (const [key, meta] of Object.entries(METRICS)) {
    if (!(key in report.metrics)) throw new Error(`docs: bench/results/latest.json has no metric ${key}`);
    rows.push(`| ${code(key)} | ${figure(report.metrics[key], meta.digits)} | ${meta.goal} | ${cell(meta.what)} |`);
  }
  return `${run}\n\n${rows.join("\n")}`;
}

// ---------------------------------------------------------------------------
// Scale figures (`npm run bench -- --scale`)

type ScalePhaseName = "create" | "preview" | "refresh" | "update" | "destroy";

interface ScalePhaseFigures {
  seconds: number;
  requests: number;
  engineCpuSeconds: number | null;
  hostCpuSeconds: number | null;
  loadAverage: number;
}

type ScaleFace = "dynamic" | "plugin";

interface ScaleFaceFigures {
  phases: Partial<Record<ScalePhaseName, ScalePhaseFigures>>;
  stateBytesPerResource: number;
  ratio: Partial<Record<ScalePhaseName, number>>;
  ratioNetOfRequests: Partial<Record<ScalePhaseName, number>>;
  cpuRatio: Partial<Record<ScalePhaseName, number>>;
}

interface ScaleReport {
  date: string;
  machine: BenchReport["machine"];
  node: string;
  pulumi: { cli: string; parallelism: number; skipCheckpoints: boolean };
  settings: { latencyMs: number; usersPerProject: number; faces?: ScaleFace[] };
  sizes: {
    users: number;
    projects: number;
    complete: boolean;
    loadAverage: { start: number; end: number };
    /** Absent from reports written before the plugin face: then `ours` is the dynamic face. */
    faces?: Partial<Record<ScaleFace, ScaleFaceFigures>>;
    ours: Partial<Record<ScalePhaseName, ScalePhaseFigures>>;
    baseline: Partial<Record<ScalePhaseName, ScalePhaseFigures>> | null;
    stateBytesPerResource: { ours: number; baseline: number | null };
    ratio: Partial<Record<ScalePhaseName, number>>;
    ratioNetOfRequests: Partial<Record<ScalePhaseName, number>>;
    cpuRatio: Partial<Record<ScalePhaseName, number>>;
  }[];
}

const SCALE_PHASE_NAMES: readonly ScalePhaseName[] = ["create", "preview", "refresh", "update", "destroy"];

/** The run line, the table and the state sizes of `bench/results/scale.json`, for `docs/performance.md`. */
export function scaleFigures(report: ScaleReport): string {
  const m = report.machine;
  const f = (v: number | null | undefined, digits: number) => (v === null || v === undefined ? "n/a" : figure(v, digits));
  // Reports written before the plugin face ran the dynamic resources only.
  const faces = report.settings.faces ?? ["dynamic"];
  const run =
    `Run of ${report.date.slice(0, 10)} (\`npm run bench -- --scale${faces.length === 2 ? " --face both" : ` --face ${faces[0]}`}\`), one run per size, on ${m.cpus} ${m.cpuModel} cores, Node ${report.node}, ` +
    `Pulumi ${report.pulumi.cli} at parallelism ${report.pulumi.parallelism}${report.pulumi.skipCheckpoints ? " with `PULUMI_SKIP_CHECKPOINTS=true`" : ""}. ` +
    `Every API request got ${report.settings.latencyMs} ms of added latency; at most ${report.settings.usersPerProject} users per project. ` +
    `The 1-minute load average was ${m.loadAverage.start} at the start and ${m.loadAverage.end} at the end; the \`load\` column gives it at the start of each phase.`;
  const rows = [
    "| N | phase | face | seconds | do-nothing (s) | ratio | ratio net of requests | CPU ratio | requests | engine CPU (s), face / do-nothing | provider CPU (s), face / do-nothing | load |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const facesOf = (e: ScaleReport["sizes"][number]): [ScaleFace, ScaleFaceFigures][] => {
    const faces = e.faces ?? { dynamic: { phases: e.ours, stateBytesPerResource: e.stateBytesPerResource.ours, ratio: e.ratio, ratioNetOfRequests: e.ratioNetOfRequests, cpuRatio: e.cpuRatio } };
    return (["dynamic", "plugin"] as const).flatMap((face) => (faces[face] ? [[face, faces[face]] as [ScaleFace, ScaleFaceFigures]] : []));
  };
  for (const e of report.sizes) {
    for (const p of SCALE_PHASE_NAMES) {
      const b = e.baseline?.[p];
      for (const [face, x] of facesOf(e)) {
        const o = x.phases[p];
        if (!o) continue;
        rows.push(
          `| ${figure(e.users, 0)} | ${p} | ${face} | ${f(o.seconds, 1)} | ${f(b?.seconds, 1)} | ${f(x.ratio[p], 2)} | ${f(x.ratioNetOfRequests[p], 2)} | ${f(x.cpuRatio[p], 2)} | ` +
            `${figure(o.requests, 0)} | ${f(o.engineCpuSeconds, 1)} / ${f(b?.engineCpuSeconds, 1)} | ${f(o.hostCpuSeconds, 1)} / ${f(b?.hostCpuSeconds, 1)} | ${f(o.loadAverage, 1)} |`,
        );
      }
    }
  }
  const unfinished = report.sizes.filter((e) => !e.complete).map((e) => figure(e.users, 0));
  const partial = unfinished.length > 0 ? ` The run was stopped before every phase had run at N = ${unfinished.join(", ")}: the table has the phases it finished.` : "";
  const state = report.sizes
    .map(
      (e) =>
        `N = ${figure(e.users, 0)} (${e.projects} project${e.projects === 1 ? "" : "s"}${e.faces?.plugin ? " per face" : ""}): ` +
        facesOf(e)
          .map(([face, x]) => `${face} ${f(x.stateBytesPerResource, 0)} bytes`)
          .join(", ") +
        `, do-nothing ${f(e.stateBytesPerResource.baseline, 0)}`,
    )
    .join("; ");
  return (
    `${run}${partial}\n\n${rows.join("\n")}\n\nState per resource (\`pulumi stack export\` / N, after create): ${state}.\n\n` +
    "![Seconds per phase against N: the dynamic resources, the provider plugin and the do-nothing provider](../bench/results/scale.svg)"
  );
}

// ---------------------------------------------------------------------------
// The resource classes' argument types

/** Where a resource's `Args` interfaces are written, and the names of its nested argument types. */
export interface ArgsDoc {
  file: string;
  name: string;
  /** The interface's own doc comment. */
  about: string;
  schema: Schema;
  /**
   * A list-of-objects input → the name and doc comment of its element's
   * interface; `in` names the nested input whose elements hold the list.
   */
  nested: Record<string, { name: string; about: string; in?: string }>;
}

export const ARGS_DOCS: readonly ArgsDoc[] = [
  {
    file: "provider/databaseUser/resource.ts",
    name: "DatabaseUserArgs",
    about:
      "The arguments of a {@link DatabaseUser}. `projectId`, `username`, `databaseName` and the auth type identify the user: changing any of them " +
      "replaces it. Everything else updates in place, except turning a permanent user into a temporary one or back (a replacement: Atlas converts neither).",
    schema: DatabaseUserInputsSchema,
    nested: {
      roles: { name: "DatabaseUserRoleArgs", about: "One role on one database, optionally restricted to one collection." },
      scopes: { name: "DatabaseUserScopeArgs", about: "A cluster, data lake or stream instance the user may access." },
      labels: { name: "DatabaseUserLabelArgs", about: "A key-value tag (1-255 characters each; not shown in the Atlas console)." },
    },
  },
  {
    file: "provider/customDbRole/resource.ts",
    name: "CustomDbRoleArgs",
    about:
      "The arguments of a {@link CustomDbRole}. `projectId` and `roleName` identify the role: changing either replaces it (the new role is " +
      "created before the old one is deleted). `actions` and `inheritedRoles` update in place.",
    schema: CustomDbRoleInputsSchema,
    nested: {
      actions: { name: "CustomDbRoleActionArgs", about: "One privilege action and the resources it applies to." },
      resources: {
        name: "CustomDbRoleResourceArgs",
        about: "Where an action applies: `{ db, collection? }` for a database or collection, `{ cluster: true }` for the cluster.",
        in: "actions",
      },
      inheritedRoles: { name: "CustomDbRoleInheritedRoleArgs", about: "A role whose privileges the custom role includes." },
    },
  },
  {
    file: "provider/x509Certificate/resource.ts",
    name: "X509CertificateArgs",
    about:
      "The arguments of an {@link X509Certificate}. Changing `projectId` or `username` issues a new certificate; " +
      "`monthsUntilExpiration` and `renewBefore` apply from the next one.",
    schema: X509CertificateInputsSchema,
    nested: {},
  },
  {
    file: "provider/orgInvitation/resource.ts",
    name: "OrgInvitationArgs",
    about: "Arguments of an {@link OrgInvitation}.",
    schema: orgInvitationInputsSchema("atlas"),
    nested: { projectRoles: { name: "OrgInvitationProjectRoles", about: "Project roles given with the invitation (Atlas only)." } },
  },
  {
    file: "provider/cloudUser/resource.ts",
    name: "CloudUserArgs",
    about: "The arguments of a {@link CloudUser}.",
    schema: CloudUserInputsSchema("atlas"),
    nested: {
      roles: {
        name: "CloudUserRoleArgs",
        about: "One role of a MongoDB Cloud user: give `orgId` for an org role, `projectId` for a project role, neither for an Ops Manager GLOBAL_* role.",
      },
    },
  },
  {
    file: "provider/projectMembership/resource.ts",
    name: "ProjectMembershipArgs",
    about: "Arguments of a {@link ProjectMembership}.",
    schema: ProjectMembershipInputsSchema,
    nested: {},
  },
  { file: "provider/team/resource.ts", name: "TeamArgs", about: "Arguments of a {@link Team}.", schema: TeamInputsSchema, nested: {} },
  { file: "provider/teamMembership/resource.ts", name: "TeamMembershipArgs", about: "Arguments of a {@link TeamMembership}.", schema: TeamMembershipInputsSchema, nested: {} },
  {
    file: "provider/teamProjectAccess/resource.ts",
    name: "TeamProjectAccessArgs",
    about: "Arguments of a {@link TeamProjectAccess}.",
    schema: TeamProjectAccessInputsSchema,
    nested: {},
  },
];

/** A doc comment, wrapped at about 110 columns. */
function docComment(text: string, indent: string): string {
  const words = text.replace(/\s+/g, " ").trim().split(" ");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && indent.length + 3 + line.length + 1 + word.length > 110) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  if (lines.length === 1 && indent.length + 7 + lines[0].length <= 110) return `${indent}/** ${lines[0]} */`;
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`].join("\n");
}

/** The TypeScript type a program may pass for a schema (before `pulumi.Input`). */
function argType(schema: Schema, nestedName?: string): string {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return "number";
    case "enum":
      return Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(" | ");
    case "literal":
      return ((def.values ?? []) as unknown[]).map((v) => JSON.stringify(v)).join(" | ");
    case "array": {
      const element = def.element as Schema;
      const item = objectFields(element) ? nestedName : argType(element);
      if (!item) throw new Error("docs: a list of objects needs a nested Args name");
      return `pulumi.Input<${item}>[]`;
    }
    case "union":
      return (def.options ?? []).map((o) => argType(o)).join(" | ");
    default:
      throw new Error(`docs: no argument type for a zod ${def.type}`);
  }
}

function argFields(fields: Record<string, Schema>, where: string, nested: ArgsDoc["nested"] = {}): string {
  return Object.entries(fields)
    .map(([field, schema]) => {
      const { description, secret } = describedOrThrow(`input ${field} (${where})`, schema);
      const type = argType(schema, nested[field]?.name);
      return `${docComment(secret ? `${description} Kept as a Pulumi secret.` : description, "  ")}\n  ${field}${isOptional(schema) ? "?" : ""}: pulumi.Input<${type}>;`;
    })
    .join("\n");
}

/** The `Args` interfaces of a resource: one per list-of-objects input, then the resource's own. */
export function argsInterfaces(doc: ArgsDoc): string {
  const fields = objectFields(doc.schema);
  if (!fields) throw new Error(`docs: ${doc.name}'s schema is not an object`);
  const parts: string[] = [];
  const elementFieldsOf = (field: string): Record<string, Schema> => {
    const parent = doc.nested[field]?.in;
    const holder = parent === undefined ? fields : elementFieldsOf(parent);
    const elementFields = objectFields(defOf(unwrap(holder[field])).element as Schema);
    if (!elementFields) throw new Error(`docs: ${doc.name}.${field} is not a list of objects`);
    return elementFields;
  };
  for (const [field, { name, about }] of Object.entries(doc.nested)) {
    parts.push(`${docComment(about, "")}\nexport interface ${name} {\n${argFields(elementFieldsOf(field), `${doc.file} ${field}[]`, doc.nested)}\n}`);
  }
  parts.push(`${docComment(doc.about, "")}\nexport interface ${doc.name} {\n${argFields(fields, doc.file, doc.nested)}\n}`);
  return parts.join("\n\n");
}

// ---------------------------------------------------------------------------
// Pages

/** A page and its generated sections, each written from `source`. */
export interface GeneratedPage {
  page: string;
  source: string;
  sections: (root: string) => Record<string, string>;
  /** How a marker line is written: an HTML comment (Markdown, the default) or a line comment (TypeScript). */
  comment?: "html" | "line";
}

export const GENERATED_PAGES: readonly GeneratedPage[] = [
  ...RESOURCE_DOCS.map((doc) => ({
    page: doc.page,
    source: `${doc.schemaFile}: edit the descriptions there`,
    sections: () => ({ inputs: inputsTable(doc), outputs: outputsTable(doc) }),
  })),
  ...ARGS_DOCS.map((doc) => ({
    page: doc.file,
    source: "the inputs schema's descriptions (schema.ts)",
    comment: "line" as const,
    sections: () => ({ args: argsInterfaces(doc) }),
  })),
  {
    page: "docs/performance.md",
    source: "bench/results/latest.json (`npm run bench`) and the metric notes in scripts/docs.ts",
    sections: (root: string) => ({
      figures: benchFigures(JSON.parse(fs.readFileSync(path.join(root, "bench/results/latest.json"), "utf8")) as BenchReport),
    }),
  },
  {
    page: "docs/performance.md",
    source: "bench/results/scale.json (`npm run bench -- --scale`)",
    sections: (root: string) => ({
      scale: scaleFigures(JSON.parse(fs.readFileSync(path.join(root, "bench/results/scale.json"), "utf8")) as ScaleReport),
    }),
  },
];

const commented = (page: GeneratedPage, text: string) => (page.comment === "line" ? `// ${text}` : `<!-- ${text} -->`);

/** The page's text with its generated sections rewritten; throws when a marker is missing. */
export function renderPage(page: GeneratedPage, text: string, root: string): string {
  let out = text;
  for (const [name, body] of Object.entries(page.sections(root))) {
    const begin = commented(page, `BEGIN GENERATED: ${name}`);
    const end = commented(page, `END GENERATED: ${name}`);
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${page.page}: missing ${begin} ... ${end}`);
    const note = commented(page, `Written by \`npm run docs\` from ${page.source}.`);
    out = `${out.slice(0, from)}${begin}\n${note}\n\n${body}\n\n${out.slice(to)}`;
  }
  return out;
}

export function repositoryRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-atlas-users") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("docs: cannot find the repository root (a package.json named pulumi-atlas-users)");
    dir = parent;
  }
}

/** Pages whose generated sections differ from their sources (rewritten with `write`). */
export function stalePages(root: string, opts: { write?: boolean } = {}): string[] {
  const stale: string[] = [];
  for (const page of GENERATED_PAGES) {
    const file = path.join(root, page.page);
    const text = fs.readFileSync(file, "utf8");
    const rendered = renderPage(page, text, root);
    if (rendered !== text) {
      stale.push(page.page);
      if (opts.write) fs.writeFileSync(file, rendered);
    }
  }
  return stale;
}

if (require.main === module) {
  const changed = stalePages(repositoryRoot(), { write: true });
  process.stdout.write(changed.length === 0 ? "docs: every page is up to date\n" : `docs: rewrote ${changed.join(", ")}\n`);
}
