/**
 * Processes a test started through the engine, and waiting on conditions:
 * what a kill test needs to SIGKILL a run (the `pulumi` CLI and its provider
 * host) and to wait for what the dead run left in flight.
 */
import fs from "node:fs";

/** Processes running with `dir` as their working directory (the CLI, the provider host): the ones the test started there. */
export function processesIn(dir: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
      found.push({ pid: Number(entry), command: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ") });
    } catch {
      // gone already, or not ours to read
    }
  }
  return found;
}

/** A running `pulumi up` and the provider hosts in `dir`, as `processesIn` lists them. */
export const RUN_PROCESS = /\bpulumi up\b|dynamic-provider|pulumi-resource-pulumi-nodejs/;

/** SIGKILLs the `pulumi up` and provider hosts running in `dir`; returns what it killed (the CLI among them, or it throws). */
export function killRunIn(dir: string): { pid: number; command: string }[] {
  const victims = processesIn(dir).filter((p) => RUN_PROCESS.test(p.command));
  if (!victims.some((p) => /\bpulumi up\b/.test(p.command))) throw new Error(`no pulumi up running in ${dir}`);
  for (const p of victims) process.kill(p.pid, "SIGKILL");
  return victims;
}

export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Repairs the one thing a SIGKILL of the CLI can break in a file backend
 * (`pulumi login file://…`): the blob library writes each checkpoint to a
 * temp file and renames it into place, so the checkpoint itself is always
 * whole, but it writes the checkpoint's `.attrs` metadata file in place
 * (create, then encode), and a kill in between leaves it empty. Every
 * command then fails with `failed to load checkpoint: EOF`. The repair a
 * user makes (docs/reliability.md) is to delete the empty file: the library
 * treats a missing one as "no metadata". Returns the files removed.
 */
export function removeTornCheckpointMetadata(backendDir: string): string[] {
  const stacks = `${backendDir}/.pulumi/stacks`;
  if (!fs.existsSync(stacks)) return [];
  const removed: string[] = [];
  for (const entry of fs.readdirSync(stacks, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".attrs")) continue;
    const file = `${entry.parentPath}/${entry.name}`;
    if (fs.statSync(file).size > 0) continue;
    fs.rmSync(file);
    removed.push(file);
  }
  return removed;
}
