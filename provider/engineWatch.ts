/**
 * A dynamic-provider host that outlives its engine keeps working for nobody:
 * after a SIGKILL of `pulumi up`, it would finish its in-flight creates
 * (retries, read-backs, follow-up requests) and the results would reach no
 * state. The engine starts the host as `pulumi-resource-pulumi-nodejs`, a
 * shell script that runs node on `@pulumi/pulumi/cmd/dynamic-provider`: the
 * engine is node's grandparent (or its parent, when the shell execs node).
 * When the engine dies, that process is gone and the orphaned shell (or node
 * itself) gets a new parent: then the host exits, so a killed run stops
 * sending.
 *
 * (End-of-file on the stdin pipe the engine holds open says the same, but
 * with the host reading its stdin, the 50-resource engine test found this
 * package loaded twice, under its real and its symlinked path, and so two
 * API clients; the cause was not found, so stdin is left alone.)
 */
import fs from "node:fs";

/** The host's entry point, as the launcher (and `require.resolve`) names it. */
const DYNAMIC_PROVIDER_HOST = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]dynamic-provider(?:[\\/]index\.js)?$/;
/** The launcher script, in its shell's command line. */
const LAUNCHER = /pulumi-resource-pulumi-nodejs/;
const POLL_MS = 500;

let watching = false;

/**
 * Inside the dynamic-provider host: exits the process once the engine that
 * started it is gone. Anywhere else (tests, programs) it does nothing.
 * Idempotent. Linux reads the launcher's parent from /proc; elsewhere only
 * node's own parent is watched (enough when the launcher execs node).
 */
export function exitWhenEngineGone(proc: NodeJS.Process = process): void {
  if (watching || !DYNAMIC_PROVIDER_HOST.test(proc.argv[1] ?? "")) return;
  const launcher = proc.ppid;
  const viaLauncher = LAUNCHER.test(commandLine(launcher) ?? "");
  const engine = viaLauncher ? parentOf(launcher) : launcher;
  if (engine === undefined || engine <= 1) return;
  watch(engine, () => (viaLauncher ? parentOf(launcher) : proc.ppid), proc);
}

/**
 * The same for the provider plugin (`pulumi-resource-atlas-users`): the
 * engine starts the launcher, node itself through its shebang, so the engine
 * is node's parent. Idempotent.
 */
export function exitWhenPluginEngineGone(proc: NodeJS.Process = process): void {
  if (watching || proc.ppid <= 1) return;
  watch(proc.ppid, () => proc.ppid, proc);
}

function watch(engine: number, current: () => number | undefined, proc: NodeJS.Process): void {
  watching = true;
  const timer = setInterval(() => {
    if (current() !== engine) proc.exit(1);
  }, POLL_MS);
  // The gRPC server keeps the host alive; this timer must not.
  timer.unref();
}

function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return undefined;
  }
}

/** The parent of `pid` (field 4 of /proc/<pid>/stat, after the parenthesised name); undefined when unknown or gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}
