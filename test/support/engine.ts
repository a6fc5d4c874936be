/**
 * The real Pulumi engine in tests: the `pulumi` CLI (resolved by
 * `scripts/pulumi-cli.mjs`, never built here), driven by the Automation API
 * with inline programs, a file backend, `PULUMI_HOME` and the workspace in a
 * temp dir, and nothing that reaches the internet.
 *
 * How the dynamic-provider host finds this package: the engine starts
 * `pulumi-resource-pulumi-nodejs` with the workspace directory as cwd; it
 * resolves `@pulumi/pulumi/cmd/dynamic-provider` from there and loads each
 * `__provider` text with require-from-string, whose `require` resolves from
 * that cwd too. So each workspace gets a `node_modules` holding two symlinks:
 * `@pulumi` → this repo's `node_modules/@pulumi` and `pulumi-atlas-users` →
 * this repo. The shim's `require("pulumi-atlas-users/p/<r>")`
 * then goes through the package's `exports` map to the built `dist/` (npm's
 * `pretest` builds it), and every other dependency resolves from the repo's
 * `node_modules` through the symlinks' real paths.
 *
 * One stack operation at a time per jest file: inline programs run in this
 * process, and the Pulumi runtime's state is process-global.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  EngineEvent,
  LocalWorkspace,
  OutputMap,
  PulumiCommand,
  Stack,
} from "@pulumi/pulumi/automation";
import { CONFIG_KEYS, type Platform } from "../../provider/config";
import { linkPackageInto, repoRoot } from "./workdir";


export interface EngineAvailability {
  /** True when a CLI was resolved; tests run. */
  readonly available: boolean;
  /** Why not, when unavailable. */
  readonly reason?: string;
  /** R such that R/bin/pulumi runs (R/bin holds the plugins). */
  readonly root?: string;
}

function resolveEngine(): EngineAvailability {
  try {
    const out = execFileSync(
      process.execPath,
      [path.join(repoRoot, "scripts", "pulumi-cli.mjs"), "--print-root", "--no-build"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 },
    );
    const root = out.trim().split("\n").pop();
    if (!root || !fs.existsSync(path.join(root, "bin", "pulumi"))) {
      return { available: false, reason: `scripts/pulumi-cli.mjs printed no usable root (${JSON.stringify(out)})` };
    }
    if (!fs.existsSync(path.join(repoRoot, "dist", "provider"))) {
      return { available: false, reason: "dist/provider is missing: run `npm run build` (npm test does it first)" };
    }
    return { available: true, root };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { available: false, reason: (e.stderr || e.message).trim() };
  }
}

// Every engine operation starts the CLI and a provider host: seconds each on
// two busy cores. Files that use the engine get a timeout to match.
if (typeof jest !== "undefined") jest.setTimeout(300_000);

/** Resolved once per jest file (the script answers instantly once the CLI is cached). */
export const engine: EngineAvailability = resolveEngine();

const skipMessage = (what: string, reason?: string, fix?: string) =>
  [
    "",
    "#".repeat(78),
    `#  ${what}`,
    `#  ${reason ?? "unknown reason"}`,
    ...(fix ? [`#  ${fix}`] : []),
    "#  Under CI=true this is a failure, not a skip.",
    "#".repeat(78),
    "",
  ].join("\n");

/**
 * `describe` when `needed` is available. Otherwise `describe.skip`, with a
 * loud message saying why; under `CI=true` an unavailable tool fails instead.
 */
export function describeIfAvailable(
  needed: { available: boolean; reason?: string },
  what: string,
  fix?: string,
): jest.Describe {
  // Imported outside jest (the benchmark): there is no describe to hand out.
  if (typeof describe === "undefined") return undefined as unknown as jest.Describe;
  if (needed.available) return describe;
  if (process.env.CI === "true") {
    const failing = ((name: string) =>
      describe(name, () => {
        test(`the ${what} is available (CI=true: never skipped)`, () => {
          throw new Error(`no ${what} under CI=true: ${needed.reason}`);
        });
      })) as unknown as jest.Describe;
    return Object.assign(failing, { skip: describe.skip, only: describe.only, each: describe.each });
  }
  // eslint-disable-next-line no-console
  console.warn(skipMessage(`ENGINE TESTS SKIPPED: no ${what}.`, needed.reason, fix));
  return describe.skip;
}

/**
 * `describe` when the engine is available. Otherwise `describe.skip`, with a
 * loud message saying why; under `CI=true` an unavailable CLI fails instead.
 */
export const describeEngine: jest.Describe = describeIfAvailable(
  engine,
  "Pulumi CLI",
  "Build or find one with `npm run pulumi-cli` (needs Go >= 1.25.11, or a pulumi >= 3.181 on PATH).",
);

/** Credentials and address of the emulator (or any Atlas-compatible API) the stack talks to. */
export interface EngineEmulator {
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  clientSecret: string;
}

export type EngineProgram = () => Promise<Record<string, unknown> | void>;

export interface EngineStackOptions {
  emulator: EngineEmulator;
  program: EngineProgram;
  /** Extra stack config: keys with a namespace (`mongodbatlas:x`) or bare (the project's namespace). */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Put the service-account pair (clientId/clientSecret) in config instead of the API-key pair. */
  useServiceAccount?: boolean;
  /** `atlasUsers:platform` (unset: Atlas). */
  platform?: Platform;
  /** Project name; bare config keys in programs (`new pulumi.Config()`) live under it. */
  projectName?: string;
  stackName?: string;
  /**
   * What `pulumi-atlas-users` resolves to for the engine's provider host
   * (default: this repo, i.e. its built `dist/`). A copy lets a test edit
   * "the installed implementation".
   */
  packageRoot?: string;
  /** Extra environment for the CLI (e.g. a PATH that finds a provider plugin). */
  envVars?: Record<string, string>;
  /** `plugins:` of Pulumi.yaml (e.g. `providers: [{ name, path }]`, where the engine finds a provider plugin). */
  plugins?: { providers?: { name: string; path: string; version?: string }[] };
}

/** Per-resource step counts, excluding the stack itself and provider resources. */
export interface ChangeSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
  [op: string]: number;
}

/** One engine step on a resource, from the engine's event stream. */
export interface EngineStep {
  op: string;
  type: string;
  name: string;
  urn: string;
  /** Properties whose change caused a replace (replace steps). */
  keys?: string[];
  /** Properties that changed (update and replace steps). */
  diffs?: string[];
}

export interface OperationResult {
  summary: ChangeSummary;
  steps: EngineStep[];
  stdout: string;
  stderr: string;
}

export interface UpResult extends OperationResult {
  /** Stack outputs as plain values (secrets decrypted). */
  outputs: Record<string, unknown>;
  /** Names of the outputs the engine holds as secrets. */
  secretOutputs: string[];
}

export interface PreviewResult extends OperationResult {
  /** Same as `summary`: per-resource counts of what an `up` would do. */
  changeSummary: ChangeSummary;
}

export interface OperationOptions {
  /** Program for this operation (default: the stack's current program). */
  program?: EngineProgram;
  /** `--refresh`: refresh state before the operation. */
  refresh?: boolean;
  /** Only these URNs (`--target`). */
  target?: string[];
}

export interface EngineStack {
  readonly stack: Stack;
  /** Temp directory holding the backend, PULUMI_HOME and the workspace. */
  readonly dir: string;
  up(opts?: OperationOptions): Promise<UpResult>;
  preview(opts?: OperationOptions): Promise<PreviewResult>;
  /**
   * `pulumi preview --json` of the stack's program: the document the CLI
   * prints (parsed) and its text. Secrets are masked as the CLI masks them.
   */
  previewJson(opts?: OperationOptions): Promise<{ json: any; text: string }>;
  refresh(): Promise<OperationResult>;
  destroy(): Promise<OperationResult>;
  /** The next up/preview uses this program. */
  setProgram(program: EngineProgram): void;
  setConfig(key: string, value: string, secret?: boolean): Promise<void>;
  /** `pulumi stack export`: the deployment JSON. Secrets stay encrypted unless `showSecrets`. */
  exportState(opts?: { showSecrets?: boolean }): Promise<any>;
  /** The state file as the file backend stores it on disk. */
  stateFileText(): string;
  /** Resources in the exported state (secrets encrypted), optionally of one type; stack and providers excluded. */
  resources(type?: string): Promise<any[]>;
  /** Everything the engine printed so far, failures included (for secret scans). */
  allOutput(): string;
  /** Removes the stack and the temp directory. */
  dispose(): Promise<void>;
}

/** The Pulumi type token of one of this package's resources (`DatabaseUser` → `pulumi-nodejs:dynamic/atlas-users:DatabaseUser`). */
export function atlasType(
  resource: "DatabaseUser" | "OrgInvitation" | "CloudUser" | "ProjectMembership" | "Team" | "TeamMembership" | "TeamProjectAccess",
): string {
  return `pulumi-nodejs:dynamic/atlas-users:${resource}`;
}

const PASSPHRASE = "engine-tests-only-passphrase";

/** The stack itself and provider resources: not resources of the program. */
export function isInfrastructure(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

function emptySummary(): ChangeSummary {
  return { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
}

/** Counts steps per op; a replace appears once (as `replace`), not as its create/delete halves. */
export function summarise(steps: EngineStep[]): ChangeSummary {
  const summary = emptySummary();
  for (const step of steps) {
    if (step.op === "create-replacement" || step.op === "delete-replaced") continue;
    summary[step.op] = (summary[step.op] ?? 0) + 1;
  }
  return summary;
}

/** Collects the program's resource steps from engine events (the Automation API's, or `pulumi up --json`'s lines). */
export function stepCollector() {
  const steps: EngineStep[] = [];
  const onEvent = (event: EngineEvent) => {
    const meta = event.resourcePreEvent?.metadata;
    if (!meta || isInfrastructure(meta.type)) return;
    steps.push({
      op: meta.op,
      type: meta.type,
      name: meta.urn.split("::").pop() ?? meta.urn,
      urn: meta.urn,
      keys: meta.keys,
      diffs: meta.diffs,
    });
  };
  return { steps, onEvent };
}

function plainOutputs(outputs: OutputMap): { outputs: Record<string, unknown>; secretOutputs: string[] } {
  const plain: Record<string, unknown> = {};
  const secret: string[] = [];
  for (const [key, { value, secret: isSecret }] of Object.entries(outputs)) {
    plain[key] = value;
    if (isSecret) secret.push(key);
  }
  return { outputs: plain, secretOutputs: secret };
}

/**
 * The environment of every engine run: a file backend and `PULUMI_HOME` in the
 * test's temp directory, the passphrase of its secrets, and nothing that
 * reaches the internet (no update check, no plugin download).
 */
export function engineEnv(backend: string, pulumiHome: string): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_HOME: pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
  };
}

/**
 * Stack config reaching the emulator: its address and credentials
 * (`mongodbatlas:*`, the private key or client secret as a Pulumi secret),
 * and `atlasUsers:allowInsecureHttp` for the emulator's plain HTTP.
 */
export function emulatorConfig(
  emulator: EngineEmulator,
  opts: { platform?: Platform; useServiceAccount?: boolean } = {},
): Record<string, { value: string; secret?: boolean }> {
  return {
    [CONFIG_KEYS.baseUrl]: { value: emulator.baseUrl },
    // The emulator speaks plain HTTP on loopback.
    [CONFIG_KEYS.allowInsecureHttp]: { value: "true" },
    ...(opts.platform ? { [CONFIG_KEYS.platform]: { value: opts.platform } } : {}),
    ...(opts.useServiceAccount
      ? {
          [CONFIG_KEYS.clientId]: { value: emulator.clientId },
          [CONFIG_KEYS.clientSecret]: { value: emulator.clientSecret, secret: true },
        }
      : {
          [CONFIG_KEYS.publicKey]: { value: emulator.publicKey },
          [CONFIG_KEYS.privateKey]: { value: emulator.privateKey, secret: true },
        }),
  };
}

/**
 * The same settings as `emulatorConfig` (API key) in the provider plugin's
 * own namespace, `atlas-users:<key>`: the engine hands a provider plugin only
 * its package's config, never `mongodbatlas:*`.
 */
export function pluginConfig(emulator: EngineEmulator): Record<string, { value: string; secret?: boolean }> {
  return Object.fromEntries(
    Object.entries(emulatorConfig(emulator)).map(([key, value]) => [`atlas-users:${key.split(":")[1]}`, value]),
  );
}

/**
 * Creates a stack in a fresh temp directory, with the emulator's address and
 * credentials in stack config (`mongodbatlas:*`, the private key or client
 * secret as a Pulumi secret; `atlasUsers:allowInsecureHttp` for the
 * emulator's plain HTTP), never in the environment of this process.
 */
export async function createEngineStack(opts: EngineStackOptions): Promise<EngineStack> {
  if (!engine.available || !engine.root) throw new Error(`engine unavailable: ${engine.reason}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-engine-"));
  try {
    return await createStackIn(dir, opts);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function createStackIn(dir: string, opts: EngineStackOptions): Promise<EngineStack> {
  const backend = path.join(dir, "backend");
  const pulumiHome = path.join(dir, "home");
  const workDir = path.join(dir, "work");
  for (const d of [backend, pulumiHome, workDir]) fs.mkdirSync(d, { recursive: true });
  linkPackageInto(workDir, opts.packageRoot);

  const projectName = opts.projectName ?? "atlas-users-engine-test";
  const stackName = opts.stackName ?? "test";
  let program = opts.program;
  let output = "";
  const record = (text: string) => {
    output += text;
  };

  const pulumiCommand = await PulumiCommand.get({ root: engine.root!, skipVersionCheck: true });
  const stack = await LocalWorkspace.createStack(
    { projectName, stackName, program: () => program() },
    {
      workDir,
      pulumiHome,
      pulumiCommand,
      projectSettings: {
        name: projectName,
        runtime: "nodejs",
        backend: { url: `file://${backend}` },
        // Written to Pulumi.yaml as given; the Automation API's type has no `plugins`.
        ...(opts.plugins ? ({ plugins: opts.plugins } as object) : {}),
      },
      envVars: { ...engineEnv(backend, pulumiHome), ...opts.envVars },
    },
  );

  await stack.setAllConfig({ ...emulatorConfig(opts.emulator, opts), ...opts.config });

  // Failures still add what the engine printed to allOutput(), then rethrow.
  async function recorded<T extends { stdout: string; stderr: string }>(run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      record(result.stderr);
      return result;
    } catch (err) {
      record(String((err as Error).message ?? err));
      throw err;
    }
  }

  /** Runs the resolved CLI directly, in the workspace, with the workspace's environment. */
  const runCli = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile(
        path.join(engine.root!, "bin", "pulumi"),
        [...args, "--non-interactive"],
        {
          cwd: workDir,
          env: { ...process.env, ...stack.workspace.envVars, PATH: `${path.join(engine.root!, "bin")}${path.delimiter}${process.env.PATH}` },
          maxBuffer: 256 * 1024 * 1024,
        },
        (err, stdout, stderr) => (err ? reject(new Error(`pulumi ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout)),
      );
    });

  const stateFile = () => path.join(backend, ".pulumi", "stacks", projectName, `${stackName}.json`);

  const handle: EngineStack = {
    stack,
    dir,
    async up(o = {}) {
      if (o.program) program = o.program;
      const { steps, onEvent } = stepCollector();
      const result = await recorded(() =>
        stack.up({ onOutput: record, onEvent, refresh: o.refresh, target: o.target }),
      );
      return { ...plainOutputs(result.outputs), summary: summarise(steps), steps, stdout: result.stdout, stderr: result.stderr };
    },
    async preview(o = {}) {
      if (o.program) program = o.program;
      const { steps, onEvent } = stepCollector();
      const result = await recorded(() =>
        stack.preview({ onOutput: record, onEvent, refresh: o.refresh, target: o.target }),
      );
      const summary = summarise(steps);
      return { summary, changeSummary: summary, steps, stdout: result.stdout, stderr: result.stderr };
    },
    async previewJson(o = {}) {
      if (o.program) program = o.program;
      // The Automation API (3.248) has no option for `--json`; its preview runs
      // the CLI through `runPulumiCmd`, so this one call gets the flag added
      // there (the inline program is served exactly as for `preview`).
      const cli = stack as unknown as { runPulumiCmd(args: string[], ...rest: unknown[]): Promise<unknown> };
      const original = cli.runPulumiCmd;
      cli.runPulumiCmd = function (this: unknown, args: string[], ...rest: unknown[]) {
        return original.call(this, [...args, "--json"], ...rest);
      };
      try {
        const result = await recorded(() => stack.preview({ refresh: o.refresh, target: o.target }));
        return { json: JSON.parse(result.stdout), text: result.stdout };
      } finally {
        delete (cli as { runPulumiCmd?: unknown }).runPulumiCmd;
      }
    },
    async refresh() {
      const { steps, onEvent } = stepCollector();
      const result = await recorded(() => stack.refresh({ onOutput: record, onEvent }));
      return { summary: refreshSummary(result.summary.resourceChanges, steps), steps, stdout: result.stdout, stderr: result.stderr };
    },
    async destroy() {
      const { steps, onEvent } = stepCollector();
      const result = await recorded(() => stack.destroy({ onOutput: record, onEvent }));
      return { summary: summarise(steps), steps, stdout: result.stdout, stderr: result.stderr };
    },
    setProgram(next) {
      program = next;
    },
    async setConfig(key, value, secret = false) {
      await stack.setConfig(key, { value, secret });
    },
    async exportState(o = {}) {
      if (o.showSecrets) return stack.exportStack();
      const stdout = await runCli(["stack", "export", "--stack", stackName]);
      return JSON.parse(stdout);
    },
    stateFileText() {
      return fs.readFileSync(stateFile(), "utf8");
    },
    async resources(type) {
      const state = await handle.exportState();
      const all: any[] = state.deployment?.resources ?? [];
      return all.filter((r) => !isInfrastructure(r.type) && (type === undefined || r.type === type));
    },
    allOutput() {
      return output;
    },
    async dispose() {
      try {
        await stack.workspace.removeStack(stackName, { force: true });
      } catch {
        // the temp dir goes anyway
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/**
 * Refresh steps carry op `refresh` whatever they found, so the counts come
 * from the engine's summary (`same`/`update`/`delete`), less the stack itself,
 * which a refresh always reports as `same`.
 */
function refreshSummary(resourceChanges: Record<string, number> | undefined, steps: EngineStep[]): ChangeSummary {
  const summary = emptySummary();
  for (const [op, n] of Object.entries(resourceChanges ?? {})) summary[op] = n;
  if (summary.same > 0) summary.same -= 1;
  summary.refresh = steps.filter((s) => s.op === "refresh").length;
  return summary;
}

/**
 * Fails, naming which secret leaked (by position, never by value) and around
 * where, when any of `secrets` occurs in `text`.
 */
export function assertNoSecrets(text: string, secrets: string[]): void {
  const leaks: string[] = [];
  secrets.forEach((secret, i) => {
    if (!secret) throw new Error(`assertNoSecrets: secret #${i} is empty; a scan for it would prove nothing`);
    const at = text.indexOf(secret);
    if (at >= 0) {
      const context = text
        .slice(Math.max(0, at - 60), at + secret.length + 60)
        .split(secret)
        .join("<SECRET>");
      leaks.push(`secret #${i} found at offset ${at}: …${context}…`);
    }
  });
  if (leaks.length > 0) throw new Error(`plaintext secret(s) found:\n${leaks.join("\n")}`);
}
