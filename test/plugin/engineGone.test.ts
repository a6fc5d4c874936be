/**
 * The plugin stops when the engine that started it is gone (a SIGKILL of
 * `pulumi up`): it would otherwise finish in-flight requests whose results
 * reach no state. A shell stands in for the engine here.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../support/workdir";

jest.setTimeout(30_000);

/** Running, and not a zombie waiting for its new parent to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const linux = fs.existsSync("/proc/self/stat");
(linux ? test : test.skip)("the plugin serves while its parent lives, and exits once the parent is killed", async () => {
  const launcher = path.join(repoRoot, "bin", "pulumi-resource-atlas-users");
  // The "engine": a shell that starts the plugin, prints its pid, and waits.
  const engine = spawn("sh", ["-c", `"${launcher}" & echo "pid $!"; wait`], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  engine.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const started = Date.now();
  while (!/pid \d+\n\d+\n/.test(out) && Date.now() - started < 15_000) await sleep(100);
  const match = /pid (\d+)\n(\d+)\n/.exec(out);
  expect(match).not.toBeNull(); // its pid, then the port it serves on
  const pid = Number(match![1]);
  try {
    await sleep(1500);
    expect(alive(pid)).toBe(true);
    engine.kill("SIGKILL");
    const killedAt = Date.now();
    while (alive(pid) && Date.now() - killedAt < 10_000) await sleep(100);
    expect(alive(pid)).toBe(false);
  } finally {
    if (alive(pid)) process.kill(pid, "SIGKILL");
  }
});
