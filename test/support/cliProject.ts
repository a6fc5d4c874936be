/**
 * Program directories driven by the `pulumi` CLI itself (not the Automation
 * API): what a user of any Pulumi language does. A project directory made in
 * a temp dir from a template (a directory to copy, or files to write), stack
 * config set with `pulumi config set`, then `pulumi up`, `preview`,
 * `refresh`, `import`, `destroy`, `stack export` as commands, each returning
 * its stdout, stderr and exit code.
 *
 * The environment is the one of `createEngineStack` (`engineEnv`): file
 * backend, `PULUMI_HOME` and passphrase in the temp dir, no update check, no
 * plugin download. `PATH` starts with the resolved CLI root's `bin` (the CLI,
 * its language hosts and plugins) and any directories the test adds (the
 * directory holding a provider plugin's launcher). Credentials go into stack
 * config (`emulatorConfig`) or, with `credentialsIn: "environment"`, into the
 * variables MongoDB's tools read (`ENV_VARS`): only the child process gets
 * them, never this process's environment.
 *
 * Use it under `describeEngine` (CI=true: a missing CLI fails, never skips);
 * `yamlHost` says whether the YAML language host is there.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ENV_VARS, type Platform } from "../../provider/config";
import {
  emulatorConfig,
  describeEngine,
  describeIfAvailable,
  engine,
  engineEnv,
  isInfrastructure,
  stepCollector,
  summarise,
  type ChangeSummary,
  type EngineEmulator,
  type EngineStep,
} from "./engine";

export interface CliProjectOptions {
  /** A directory copied as the project (its Pulumi.yaml, with `plugins:` paths made absolute, and whatever else it holds but stack files). */
  template?: string;
  /** Files written into the project (after the copy): relative name → text. */
  files?: Record<string, string>;
  stackName?: string;
  /** The emulator the stack talks to: its address and credentials are set (see `credentialsIn`). */
  emulator?: EngineEmulator;
  /** Where the emulator's credentials go: stack config (`mongodbatlas:*`, the default) or the environment. */
  credentialsIn?: "config" | "environment";
  platform?: Platform;
  /** More stack config, set with `pulumi config set [--secret]`. */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Directories put on PATH before the CLI root's bin (e.g. the one holding `pulumi-resource-atlas-users`). */
  pathDirs?: string[];
  /** More environment for every command. */
  env?: Record<string, string>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command run with `--json`: its engine events, as steps of the program's resources and their counts. */
export interface CliOperationResult extends CliResult {
  summary: ChangeSummary;
  steps: EngineStep[];
}

export interface CliProject {
  /** The temp directory: `project/`, `backend/`, `home/`. */
  readonly dir: string;
  /** The program directory, where every command runs. */
  readonly projectDir: string;
  readonly stackName: string;
  /** Runs `pulumi <args> --non-interactive`; resolves whatever the exit code. */
  run(args: string[], opts?: { env?: Record<string, string> }): Promise<CliResult>;
  /** Same, but rejects (with the command's stderr) when the exit code is not 0. */
  pulumi(args: string[], opts?: { env?: Record<string, string> }): Promise<CliResult>;
  /** `up --yes --skip-preview --json`: the steps it took. */
  up(extra?: string[]): Promise<CliOperationResult>;
  /** `preview --expect-no-changes`: exit code 0 only when nothing would change. */
  previewNoChanges(extra?: string[]): Promise<CliResult>;
  /** `preview --json`, parsed (the document's `steps` and `changeSummary`). */
  previewJson(extra?: string[]): Promise<any>;
  /** `refresh --yes --skip-preview --json`: each resource's step (op `refresh`), and `summary.update`/`delete` for what changed. */
  refresh(extra?: string[]): Promise<CliOperationResult>;
  destroy(extra?: string[]): Promise<CliOperationResult>;
  /** `pulumi import <type> <name> <id> --yes` (add `--protect=false` etc. in `extra`). */
  import(type: string, name: string, id: string, extra?: string[]): Promise<CliResult>;
  /** `pulumi stack export`: secrets stay encrypted. */
  exportState(): Promise<any>;
  /** Resources in the exported state, optionally of one type; the stack and providers excluded. */
  resources(type?: string): Promise<any[]>;
  /** The state file as the file backend stores it. */
  stateFileText(): string;
  /** Everything every command printed (stdout and stderr), for secret scans. */
  allOutput(): string;
  /** Removes the temp directory (after `destroy`, or not: the backend is in it). */
  dispose(): void;
}

/** True when the resolved CLI root holds the YAML language host (`scripts/pulumi-cli.mjs` builds it). */
export const yamlHost: { available: boolean; reason?: string } = (() => {
  if (!engine.available || !engine.root) return { available: false, reason: engine.reason };
  if (fs.existsSync(path.join(engine.root, "bin", "pulumi-language-yaml"))) return { available: true };
  let reason = "not built";
  try {
    reason = JSON.parse(fs.readFileSync(path.join(engine.root, "language-yaml.json"), "utf8")).reason ?? reason;
  } catch {
    // no record: never tried
  }
  return { available: false, reason: `no pulumi-language-yaml in ${engine.root}/bin (${reason}); run \`npm run pulumi-cli\`` };
})();

/** The emulator's address and credentials as environment variables (the first name of each `ENV_VARS` entry). */
export function emulatorEnv(emulator: EngineEmulator, opts: { platform?: Platform } = {}): Record<string, string> {
  return {
    [ENV_VARS.baseUrl[0]]: emulator.baseUrl,
    [ENV_VARS.allowInsecureHttp[0]]: "true",
    [ENV_VARS.publicKey[0]]: emulator.publicKey,
    [ENV_VARS.privateKey[0]]: emulator.privateKey,
    ...(opts.platform ? { [ENV_VARS.platform[0]]: opts.platform } : {}),
  };
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, {
    recursive: true,
    // Stack files and leftovers of a run in the source directory are not part of the template.
    filter: (src) => !/(^|\/)(node_modules|\.pulumi|Pulumi\.[^/]+\.yaml)$/.test(src),
  });
}

/**
 * A copied Pulumi.yaml's `plugins:` paths are relative to the template's
 * directory (the CLI resolves them against the project's): make them
 * absolute, so the copy finds the same plugin folders.
 */
export function absolutePluginPaths(projectYaml: string, templateDir: string): string {
  const lines = projectYaml.split("\n");
  let inPlugins = false;
  return lines
    .map((line) => {
      if (/^\S/.test(line)) inPlugins = /^plugins:\s*$/.test(line);
      const m = inPlugins ? /^(\s+(?:-\s+)?path:\s*)(["']?)([^"'\s#]+)\2(.*)$/.exec(line) : null;
      if (!m || path.isAbsolute(m[3])) return line;
      return `${m[1]}${JSON.stringify(path.resolve(templateDir, m[3]))}${m[4]}`;
    })
    .join("\n");
}

export async function createCliProject(opts: CliProjectOptions = {}): Promise<CliProject> {
  if (!engine.available || !engine.root) throw new Error(`engine unavailable: ${engine.reason}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-cli-"));
  try {
    return await createIn(dir, engine.root, opts);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function createIn(dir: string, root: string, opts: CliProjectOptions): Promise<CliProject> {
  const projectDir = path.join(dir, "project");
  const backend = path.join(dir, "backend");
  const pulumiHome = path.join(dir, "home");
  for (const d of [backend, pulumiHome]) fs.mkdirSync(d, { recursive: true });
  if (opts.template) {
    copyDir(opts.template, projectDir);
    const file = path.join(projectDir, "Pulumi.yaml");
    fs.writeFileSync(file, absolutePluginPaths(fs.readFileSync(file, "utf8"), path.resolve(opts.template)));
  } else {
    fs.mkdirSync(projectDir, { recursive: true });
  }
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(projectDir, name)), { recursive: true });
    fs.writeFileSync(path.join(projectDir, name), text);
  }
  const projectName = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"))?.[1];
  if (!projectName) throw new Error(`${projectDir}/Pulumi.yaml has no name`);
  const stackName = opts.stackName ?? "test";

  const credentialsInEnv = opts.credentialsIn === "environment";
  const baseEnv: Record<string, string> = {
    ...engineEnv(backend, pulumiHome),
    PATH: [...(opts.pathDirs ?? []), path.join(root, "bin"), process.env.PATH ?? ""].join(path.delimiter),
    ...(opts.emulator && credentialsInEnv ? emulatorEnv(opts.emulator, opts) : {}),
    ...opts.env,
  };
  // The child gets only what it needs from this process: no inherited Atlas
  // credentials (a developer's MONGODB_ATLAS_* must not reach a test stack).
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !Object.values(ENV_VARS).some((names) => names.includes(k)) && !k.startsWith("PULUMI_"),
    ),
  ) as Record<string, string>;

  let output = "";
  const run = (args: string[], o: { env?: Record<string, string> } = {}) =>
    new Promise<CliResult>((resolve) => {
      execFile(
        path.join(root, "bin", "pulumi"),
        [...args, "--non-interactive"],
        { cwd: projectDir, env: { ...inherited, ...baseEnv, ...o.env }, maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          output += stdout + stderr;
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, stderr: err && !stderr ? String(err.message) : stderr });
        },
      );
    });
  const pulumi = async (args: string[], o: { env?: Record<string, string> } = {}) => {
    const result = await run(args, o);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
    }
    return result;
  };

  await pulumi(["stack", "init", stackName]);
  const config = {
    ...(opts.emulator && !credentialsInEnv ? emulatorConfig(opts.emulator, opts) : {}),
    ...opts.config,
  };
  for (const [key, { value, secret }] of Object.entries(config)) {
    // The value goes through stdin when secret, so it never appears in a process listing.
    if (secret) await setSecret(key, value);
    else await pulumi(["config", "set", key, value, "--stack", stackName]);
  }

  function setSecret(key: string, value: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        path.join(root, "bin", "pulumi"),
        ["config", "set", key, "--secret", "--stack", stackName, "--non-interactive"],
        { cwd: projectDir, env: { ...inherited, ...baseEnv } },
        (err, _stdout, stderr) => (err ? reject(new Error(`pulumi config set ${key} --secret: ${stderr}`)) : resolve()),
      );
      child.stdin?.end(value);
    });
  }

  const stateFile = () => path.join(backend, ".pulumi", "stacks", projectName, `${stackName}.json`);

  /** Runs an operation with `--json` and reads its event lines (one JSON document each). */
  const operation = async (args: string[]): Promise<CliOperationResult> => {
    const result = await pulumi([...args, "--json"]);
    const { steps, onEvent } = stepCollector();
    let summaryEvent: { resourceChanges?: Record<string, number> } | undefined;
    for (const line of result.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line);
      onEvent(event);
      if (event.summaryEvent) summaryEvent = event.summaryEvent;
    }
    const summary = summarise(steps);
    if (args[0] === "refresh") {
      // Refresh steps all carry op `refresh`: what they found is in the summary event.
      for (const op of ["update", "delete"]) summary[op] = summaryEvent?.resourceChanges?.[op] ?? 0;
    }
    return { ...result, summary, steps };
  };

  const handle: CliProject = {
    dir,
    projectDir,
    stackName,
    run,
    pulumi,
    up: (extra = []) => operation(["up", "--yes", "--skip-preview", "--stack", stackName, ...extra]),
    previewNoChanges: (extra = []) => run(["preview", "--expect-no-changes", "--diff", "--stack", stackName, ...extra]),
    async previewJson(extra = []) {
      return JSON.parse((await pulumi(["preview", "--json", "--stack", stackName, ...extra])).stdout);
    },
    refresh: (extra = []) => operation(["refresh", "--yes", "--skip-preview", "--stack", stackName, ...extra]),
    destroy: (extra = []) => operation(["destroy", "--yes", "--skip-preview", "--stack", stackName, ...extra]),
    import: (type, name, id, extra = []) => pulumi(["import", type, name, id, "--yes", "--stack", stackName, ...extra]),
    async exportState() {
      return JSON.parse((await pulumi(["stack", "export", "--stack", stackName])).stdout);
    },
    async resources(type) {
      const all: any[] = (await handle.exportState()).deployment?.resources ?? [];
      return all.filter((r) => !isInfrastructure(r.type) && (type === undefined || r.type === type));
    },
    stateFileText: () => fs.readFileSync(stateFile(), "utf8"),
    allOutput: () => output,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  return handle;
}

/**
 * `describeEngine` for YAML programs: also needs the YAML language host.
 * Without it the block is skipped with a message saying why; under `CI=true`
 * it fails instead.
 */
export const describeYaml: jest.Describe = engine.available
  ? describeIfAvailable(yamlHost, "YAML language host (pulumi-language-yaml)", "Build it with `npm run pulumi-cli` (needs Go).")
  : describeEngine;
