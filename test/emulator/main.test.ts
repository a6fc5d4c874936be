import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";

// `npm test` builds first (pretest), so the entry users run is the one tested here.
const MAIN = path.join(__dirname, "../../dist/emulator/main.js");

function start(args: string[] = ["--port", "0"]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [MAIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

const describeBuilt = fs.existsSync(MAIN) ? describe : describe.skip;
if (!fs.existsSync(MAIN)) console.warn(`!!! ${MAIN} is missing: run \`npm run build\` (npm test does) — SKIPPING the entry-point tests !!!`);

describeBuilt("node dist/emulator/main.js", () => {
  test.each(["SIGTERM", "SIGINT"] as const)("prints the JSON line first, serves, and exits 0 on %s", async (signal) => {
    const child = start();
    const exited = exitOf(child);
    const info = JSON.parse(await firstLine(child));
    expect(Object.keys(info).sort()).toEqual(["baseUrl", "clientId", "clientSecret", "orgId", "privateKey", "projectId", "publicKey"]);
    expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.orgId).toMatch(/^[a-f0-9]{24}$/);
    expect(info.projectId).toMatch(/^[a-f0-9]{24}$/);
    expect(info.clientId).toMatch(/^mdb_sa_id_[a-f0-9]{24}$/);
    // It serves: the unauthenticated request gets the Digest challenge.
    const res = await fetch(`${info.baseUrl}/api/atlas/v2/groups/${info.projectId}/databaseUsers`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Digest realm="MMS Public API"/);
    child.kill(signal);
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  test("a bad --port is a clear error and exit code 2", async () => {
    const child = start(["--port", "http"]);
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    expect((await exitOf(child)).code).toBe(2);
    expect(stderr).toMatch(/--port must be 0-65535/);
  });
});
