/**
 * `npm run bench:review [-- --resources N --runs R]`: how long `review` and
 * `audit` take on an N-resource stack (default 1,000), measured as a CI job
 * runs them: the installed command (`bin/pulumi-atlas-users.js`) in a fresh
 * Node.js process, reading a file. The preview and the state are generated
 * (an engine run of 1,000 resources takes far longer than what is measured),
 * in the shapes `pulumi preview --json` and `pulumi stack export` write (see
 * review/preview.ts): 70% database users, 20% invitations, 10% accounts.
 * `audit` runs against the emulator, seeded with the same identities plus
 * 100 that no resource declares. Prints medians; nothing asserts on them.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { providerText } from "../provider/common/shim";
import { median, timed } from "./bench";
import { emulatorControl, startTestEmulator } from "../test/support/emulator";
import { repoRoot } from "../test/support/workdir";

const TYPE = (kind: string) => `pulumi-nodejs:dynamic/atlas-users:${kind}`;
const PROVIDER = (kind: string) => providerText(`pulumi-atlas-users/p/${kind}`);

function arg(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const n = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number ≥ 1`);
  return n;
}

const hex = (n: number) => n.toString(16).padStart(24, "0");

interface World {
  projects: string[];
  orgId: string;
  dbUsers: { projectId: string; username: string; temporary: boolean }[];
  people: { username: string; kind: "OrgInvitation" | "CloudUser" }[];
}

function world(n: number, orgId: string, projects: string[]): World {
  const dbUsers = Array.from({ length: Math.round(n * 0.7) }, (_, i) => ({ projectId: projects[i % projects.length], username: `svc-${i}`, temporary: i % 5 === 0 }));
  const invites = Math.round(n * 0.2);
  const people = Array.from({ length: n - dbUsers.length }, (_, i) => ({
    username: `person-${i}@example.com`,
    kind: (i < invites ? "OrgInvitation" : "CloudUser") as World["people"][number]["kind"],
  }));
  return { projects, orgId, dbUsers, people };
}

function inputsOf(w: World): { kind: string; name: string; inputs: Record<string, unknown> }[] {
  return [
    ...w.dbUsers.map((u) => ({
      kind: "DatabaseUser",
      name: u.username,
      inputs: {
        databaseName: "admin",
        password: "[secret]",
        projectId: u.projectId,
        roles: [{ databaseName: "app", roleName: "readWrite" }],
        username: u.username,
        ...(u.temporary ? { expiresIn: "24h" } : {}),
      },
    })),
    ...w.people.map((p) => ({
      kind: p.kind,
      name: p.username,
      inputs:
        p.kind === "OrgInvitation"
          ? { adopt: false, orgId: w.orgId, reinvite: "on-expiry", roles: ["ORG_MEMBER"], username: p.username, projectRoles: [{ projectId: w.projects[0], roles: ["GROUP_READ_ONLY"] }] }
          : { username: p.username, password: "[secret]", roles: [{ orgId: w.orgId, roleName: "ORG_MEMBER" }] },
    })),
  ];
}

/** A preview in which every resource changes: new roles for users and people, a longer window for temporary users. */
function previewOf(w: World): string {
  const steps = inputsOf(w).map(({ kind, name, inputs }, i) => {
    const urn = `urn:pulumi:bench::atlas-users-bench::${TYPE(kind)}::${name}`;
    const news: Record<string, unknown> = { ...inputs, __provider: PROVIDER(kind.charAt(0).toLowerCase() + kind.slice(1)) };
    if (kind === "DatabaseUser") news.roles = [{ databaseName: "admin", roleName: i % 10 === 0 ? "atlasAdmin" : "read" }];
    if (news.expiresIn) news.expiresIn = "48h";
    if (kind === "OrgInvitation") news.roles = ["ORG_MEMBER", "ORG_BILLING_ADMIN"];
    const op = i % 7 === 0 ? "create" : "update";
    return {
      op,
      urn,
      ...(op === "update" ? { oldState: { urn, custom: true, type: TYPE(kind), inputs: { ...inputs, __provider: news.__provider }, outputs: inputs } } : {}),
      newState: { urn, custom: true, type: TYPE(kind), inputs: news },
      detailedDiff: null,
    };
  });
  return JSON.stringify({ config: {}, steps, duration: 0, changeSummary: { update: steps.length } }, null, 4);
}

function stateOf(w: World): string {
  const resources = inputsOf(w).map(({ kind, name, inputs }) => ({
    urn: `urn:pulumi:bench::atlas-users-bench::${TYPE(kind)}::${name}`,
    custom: true,
    id: name,
    type: TYPE(kind),
    inputs,
    outputs: inputs,
  }));
  return JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }, null, 4);
}

function runBin(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [path.join(repoRoot, "bin", "pulumi-atlas-users.js"), ...args], { env: { ...process.env, ...env }, maxBuffer: 256 << 20 }, (err, _o, stderr) =>
      err && (err as { code?: number }).code !== 1 ? reject(new Error(stderr || err.message)) : resolve(),
    ),
  );
}

async function main(): Promise<void> {
  const n = arg("--resources", 1000);
  const runs = arg("--runs", 5);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const emu = await startTestEmulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-review-"));
  try {
    const seeded = (await emulatorControl.seed(emu, { projects: [{}, {}, {}, {}] })) as { projects: { id: string; orgId: string }[] };
    const w = world(n, seeded.projects[0].orgId, seeded.projects.map((p) => p.id));
    await emulatorControl.seed(emu, {
      databaseUsers: [...w.dbUsers, ...Array.from({ length: 100 }, (_, i) => ({ projectId: w.projects[0], username: `outside-${i}`, temporary: false }))].map((u) => ({
        groupId: u.projectId,
        username: u.username,
        password: "Bench-Pass-1",
        roles: [{ roleName: "readWrite", databaseName: "app" }],
      })),
      cloudUsers: w.people.map((p) => ({ username: p.username, roles: [{ orgId: w.orgId, roleName: "ORG_MEMBER" }] })),
    });
    const previewFile = path.join(dir, "preview.json");
    const stateFile = path.join(dir, "state.json");
    fs.writeFileSync(previewFile, previewOf(w));
    fs.writeFileSync(stateFile, stateOf(w));
    const env = {
      MONGODB_ATLAS_BASE_URL: emu.baseUrl,
      MONGODB_ATLAS_PUBLIC_KEY: emu.publicKey,
      MONGODB_ATLAS_PRIVATE_KEY: emu.privateKey,
      ATLAS_USERS_ALLOW_INSECURE_HTTP: "true",
    };
    const times = { node: [] as number[], review: [] as number[], audit: [] as number[] };
    for (let r = 0; r < runs; r++) {
      times.node.push((await timed(() => new Promise<void>((res, rej) => execFile(process.execPath, ["-e", ""], (e) => (e ? rej(e) : res()))))).seconds);
      times.review.push((await timed(() => runBin(["review", previewFile], env))).seconds);
      times.audit.push((await timed(() => runBin(["audit", stateFile], env))).seconds);
    }
    const kb = (f: string) => Math.round(fs.statSync(f).size / 1024);
    log(`load average at end: ${os.loadavg()[0].toFixed(2)} (${os.cpus().length} cores)`);
    process.stdout.write(
      `${JSON.stringify(
        {
          resources: n,
          runs,
          previewKiB: kb(previewFile),
          stateKiB: kb(stateFile),
          medianSeconds: { nodeStartup: median(times.node), review: median(times.review), audit: median(times.audit) },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await emu.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
