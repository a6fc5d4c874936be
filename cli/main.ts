/**
 * The `pulumi-atlas-users` command: `review` (a preview, as sentences) and
 * `audit` (a stack's state against MongoDB Cloud, read-only).
 *
 * Exit status: 0 done; 1 `audit --fail-on` found what it names; 2 bad
 * arguments or input; 3 settings or MongoDB Cloud errors.
 */
import fs from "node:fs";
import { parseDuration } from "../provider/common/dates";
import { InputError, isRecord, readInput } from "./input";

const USAGE = `Usage:
  pulumi-atlas-users review [preview.json] [--format markdown|json] [--policy-config policy.json]
                            [--max-chars 60000]
      What a preview changes in who may reach what. Input: the JSON of
      \`pulumi preview --json\` (a file, or standard input). Privileged roles:
      the policy pack's lists, as its --policy-pack-config file sets them.
      --max-chars: leave out whole sections past this length (PR comments).
  pulumi-atlas-users audit [state.json] [--format markdown|json] [--within 7d]
                           [--fail-on unmanaged,missing,expiring] [--config config.json]
      For every project and organization the stack touches: identities no
      resource declares, declared ones that are missing, and what expires
      within --within. Input: \`pulumi stack export\` (a file, or standard
      input). Credentials and platform: the provider's environment variables
      (MONGODB_ATLAS_CLIENT_ID / _CLIENT_SECRET, or _PUBLIC_KEY / _PRIVATE_KEY,
      MONGODB_ATLAS_BASE_URL, ATLAS_USERS_PLATFORM), or the stack's config
      keys from \`--config\` (the JSON of \`pulumi config --json\`). Sends GET
      requests only.
`;

class UsageError extends InputError {}

interface Parsed {
  command: string;
  file?: string;
  flags: Map<string, string>;
}

const FLAGS: Readonly<Record<string, readonly string[]>> = {
  review: ["format", "policy-config", "max-chars"],
  audit: ["format", "within", "fail-on", "config", "page-size"],
};

function parseArgs(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (!command) throw new UsageError("no command given");
  if (command === "--help" || command === "-h" || command === "help") throw new UsageError("");
  if (!(command in FLAGS)) throw new UsageError(`unknown command ${JSON.stringify(command)}: use review or audit`);
  const flags = new Map<string, string>();
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--help" || arg === "-h") throw new UsageError("");
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (!FLAGS[command].includes(name)) throw new UsageError(`${command} has no option --${name}`);
      const value = inline ?? rest[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (file === undefined) file = arg;
    else throw new UsageError(`one input file at most (got ${JSON.stringify(file)} and ${JSON.stringify(arg)})`);
  }
  const format = flags.get("format");
  if (format !== undefined && format !== "markdown" && format !== "json") throw new UsageError(`--format is markdown or json, not ${JSON.stringify(format)}`);
  return { command, file, flags };
}

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin?: () => string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the command; resolves to the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    const message = (err as Error).message;
    if (message) io.stderr(`pulumi-atlas-users: ${message}\n\n`);
    io.stderr(USAGE);
    return message ? 2 : 0;
  }
  const format = parsed.flags.get("format") === "json" ? "json" : "markdown";
  try {
    const text = readInput(parsed.file, io.stdin);
    if (parsed.command === "review") {
      const { review } = await import("../review");
      const policy = parsed.flags.has("policy-config") ? await privilegedLists(parsed.flags.get("policy-config")!) : {};
      const maxChars = parsed.flags.has("max-chars") ? Number(parsed.flags.get("max-chars")) : undefined;
      if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 1000)) throw new UsageError("--max-chars is a whole number of at least 1000");
      io.stdout(review(text, { format, maxChars, ...policy }).output);
      return 0;
    }
    return await runAudit(text, parsed.flags, format, io);
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`pulumi-atlas-users ${parsed.command}: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr(`pulumi-atlas-users ${parsed.command}: ${e.message ?? String(err)}\n`);
    return 3;
  }
}

async function runAudit(text: string, flags: Map<string, string>, format: "markdown" | "json", io: Io): Promise<number> {
  const { audit, readState, CATEGORIES } = await import("../audit");
  const { runContext } = await import("../provider/context");
  const within = flags.get("within") ?? "7d";
  const withinMs = parseDuration(within);
  if (withinMs === undefined) throw new UsageError(`--within is a duration such as 7d, 48h or 90m, not ${JSON.stringify(within)}`);
  const failOn = (flags.get("fail-on") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const c of failOn) {
    if (!(CATEGORIES as readonly string[]).includes(c)) throw new UsageError(`--fail-on takes ${CATEGORIES.join(", ")} (comma-separated), not ${JSON.stringify(c)}`);
  }
  const pageSize = flags.has("page-size") ? Number(flags.get("page-size")) : undefined;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 500)) throw new UsageError("--page-size is a whole number from 1 to 500");
  const declared = readState(text);
  const config = flags.has("config") ? stackConfigFile(flags.get("config")!) : undefined;
  const ctx = runContext(config ? { config: { get: (key) => config[key] } } : undefined, io.env ?? process.env);
  const settings = ctx.settings();
  const client = ctx.client();
  try {
    const result = await audit(declared, client, { platform: settings.platform, withinMs, format, pageSize });
    io.stdout(result.output);
    const failing = failOn.filter((c) => result.counts[c as keyof typeof result.counts] > 0);
    if (failing.length > 0) {
      io.stderr(`pulumi-atlas-users audit: failing on ${failing.map((c) => `${c} (${result.counts[c as keyof typeof result.counts]})`).join(", ")}\n`);
      return 1;
    }
    return 0;
  } finally {
    await client.close();
  }
}

/**
 * The privileged lists of a policy pack config file (`--policy-pack-config`):
 * `privileged-database-roles.privilegedRoles` and `owner-roles.ownerRoles`,
 * each defaulting as the pack's rules do.
 */
async function privilegedLists(file: string): Promise<{ privilegedDatabaseRoles: string[]; ownerRoles: string[] }> {
  const { settingsOf } = await import("../policy/rules");
  const doc = readJsonFile(file, "--policy-config", "the policy pack config file (the JSON of `--policy-pack-config`)");
  const rule = (name: string) => (isRecord(doc[name]) ? (doc[name] as object) : undefined);
  const privileged = settingsOf("privileged-database-roles", rule("privileged-database-roles")).privilegedRoles;
  const owners = settingsOf("owner-roles", rule("owner-roles")).ownerRoles;
  for (const [name, list] of [["privileged-database-roles.privilegedRoles", privileged], ["owner-roles.ownerRoles", owners]] as const) {
    if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) throw new InputError(`--policy-config ${file}: ${name} must be a list of role names`);
  }
  return { privilegedDatabaseRoles: [...privileged], ownerRoles: [...owners] };
}

function readJsonFile(file: string, flag: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`${flag} ${file}: not readable JSON (${(err as Error).message}); give ${what}`);
  }
  if (!isRecord(doc)) throw new InputError(`${flag} ${file}: expected a JSON object, ${what}`);
  return doc;
}

/** The values of `pulumi config --json` (a secret without `--show-secrets` has no value: left unset). */
function stackConfigFile(file: string): Record<string, string | undefined> {
  const doc = readJsonFile(file, "--config", "the output of `pulumi config --json`");
  const out: Record<string, string | undefined> = {};
  for (const [key, entry] of Object.entries(doc)) {
    const value = isRecord(entry) ? entry.value : entry;
    if (value !== undefined && value !== null) out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
