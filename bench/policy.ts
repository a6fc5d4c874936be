/**
 * `npm run bench:policy [-- --users N --runs R]`: what the `atlas-users`
 * policy pack adds to a preview. Creates the bench stack (N SCRAM
 * `DatabaseUser`s, as `npm run bench`), then previews it unchanged R times
 * without the pack and R times with it (`--policy-pack
 * node_modules/pulumi-atlas-users/policy`, default config), alternating, and
 * prints the medians. Nothing asserts on these times; compare them only on
 * the same machine under the same load (the load average is printed).
 */
import os from "node:os";
import path from "node:path";
import { benchProjects, median, timed, usersProgram } from "./bench";
import { startTestEmulator } from "../test/support/emulator";
import { createEngineStack, engine } from "../test/support/engine";

function arg(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number ≥ 1`);
  return n;
}

async function main(): Promise<void> {
  const users = arg("--users", 100);
  const runs = arg("--runs", 3);
  if (!engine.available) throw new Error(`no Pulumi CLI: ${engine.reason}`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const loadAtStart = os.loadavg()[0];
  const emu = await startTestEmulator();
  const projects = await benchProjects(emu, users);
  const stack = await createEngineStack({
    emulator: emu,
    program: usersProgram(projects, users, "read"),
    projectName: "atlas-users-bench",
    stackName: "policy",
    config: { benchPassword: { value: "bench-password-policy-1", secret: true } },
  });
  try {
    log(`up: create ${users} users`);
    await stack.up();
    const packDir = path.join(stack.dir, "work", "node_modules", "pulumi-atlas-users", "policy");
    const without: number[] = [];
    const withPack: number[] = [];
    for (let run = 1; run <= runs; run++) {
      log(`run ${run}/${runs}: preview without the pack`);
      without.push((await timed(() => stack.stack.preview())).seconds);
      log(`run ${run}/${runs}: preview with the pack`);
      const r = await timed(() => stack.stack.preview({ policyPacks: [packDir] }));
      if (!r.value.stdout.includes("atlas-users")) throw new Error("the preview's output does not mention the pack: did it run?");
      withPack.push(r.seconds);
    }
    const m0 = median(without);
    const m1 = median(withPack);
    const report = {
      users,
      runs,
      previewSeconds: { withoutPack: without.map((s) => +s.toFixed(2)), withPack: withPack.map((s) => +s.toFixed(2)) },
      median: { withoutPack: +m0.toFixed(2), withPack: +m1.toFixed(2), addedSeconds: +(m1 - m0).toFixed(2), ratio: +(m1 / m0).toFixed(2) },
      machine: { cpus: os.cpus().length, loadAverage: { start: +loadAtStart.toFixed(2), end: +os.loadavg()[0].toFixed(2) } },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await stack.dispose();
    await emu.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
