/**
 * The benchmark behind `npm run bench` (and, at N=3, `test/bench/smoke.test.ts`).
 *
 * Everything runs against the emulator on loopback with an injected latency on
 * every API request (its fault API), through the real engine (the harness in
 * `test/support/engine.ts`: Automation API, file backend, the CLI resolved by
 * `scripts/pulumi-cli.mjs`). Requests are counted from the emulator's request
 * log, so a figure is what the server saw, not what the client believes it sent.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { AtlasClient } from "../provider/client/client";
import { createDatabaseUser, getDatabaseUser } from "../provider/client/operations/databaseUsers";
import { DatabaseUser } from "../provider/databaseUser";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../test/support/emulator";
import { createEngineStack, engine, type EngineStack } from "../test/support/engine";
import { repoRoot } from "../test/support/workdir";
import { installNoopProvider, noopProgram } from "./baseline";
import { HostRssSampler } from "./procRss";

/** The metric keys of the report, exactly as issue 8 names them. */
export const METRIC_KEYS = [
  "digest.roundTripsPerRequest",
  "digest.naiveRoundTripsPerRequest",
  "provider.textBytes",
  "state.bytesPerResource",
  "up.create100.seconds",
  "up.create100.requests",
  "up.create100.hostPeakRssMb",
  "up.create100.vsIdeal",
  "preview.noop100.requests",
  "preview.noop100.seconds",
  "refresh100.requests",
  "refresh100.seconds",
  "up.update100.requests",
  "rateLimited.create100.seconds",
  "rateLimited.create100.failures",
  "rateLimited.create100.vsIdeal",
] as const;

export type MetricKey = (typeof METRIC_KEYS)[number];

export interface BenchOptions {
  /** Database users in the stack (the metric names say 100: the size). */
  users: number;
  /** Repetitions of the engine phases; the report gives the median. */
  runs: number;
  /** Latency injected on every API request, in milliseconds. */
  latencyMs: number;
  /** API calls in the digest measurement. */
  digestCalls: number;
  /** Also run the do-nothing provider through the engine, for comparison (see `baseline.ts`). */
  baseline: boolean;
  /** The token bucket of the rate-limited phase. */
  rateLimit: { capacity: number; refillPerMinute: number };
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  users: 100,
  runs: 3,
  latencyMs: 20,
  digestCalls: 100,
  baseline: true,
  rateLimit: { capacity: 10, refillPerMinute: 60 },
};

export interface BenchReport {
  date: string;
  machine: {
    platform: string;
    release: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    /** 1-minute load average at the start and the end: other work on the machine inflates every time. */
    loadAverage: { start: number; end: number };
  };
  node: string;
  pulumi: { cli: string; sdk: string; parallelism: number };
  settings: Omit<BenchOptions, "log">;
  /** One number per key of {@link METRIC_KEYS} (medians where runs > 1); null when not measurable here. */
  metrics: Record<MetricKey, number | null>;
  /** Every run's value behind each median, and counts that explain the figures. */
  samples: Record<string, number[]>;
  details: Record<string, unknown>;
}

const BENCH_PASSWORD = "bench-password-3vQ81xLp";
const DB_USER_TYPE = "pulumi-nodejs:dynamic/atlas-users:DatabaseUser";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await run();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** API requests the emulator answered since the last clear (the control API is never logged). */
async function countRequests(emu: EmulatorHandle): Promise<{ total: number; byStatus: Record<string, number> }> {
  const log = await emulatorControl.requests(emu);
  const byStatus: Record<string, number> = {};
  for (const entry of log) byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
  return { total: log.length, byStatus };
}

/** The CLI's default `--parallel` (it depends on the CPU count), read from its own help. */
export function cliDefaultParallelism(pulumiBin: string): number {
  const help = execFileSync(pulumiBin, ["up", "--help"], { encoding: "utf8" });
  const match = /--parallel\b.*\(default (\d+)\)/.exec(help);
  if (!match) throw new Error("cannot read the default --parallel from `pulumi up --help`");
  return Number(match[1]);
}

export function pulumiVersions(pulumiBin: string): { cli: string; sdk: string } {
  const cli = execFileSync(pulumiBin, ["version"], { encoding: "utf8" }).trim();
  const sdkPackage = require.resolve("@pulumi/pulumi/package.json", { paths: [repoRoot] });
  const sdk = (JSON.parse(fs.readFileSync(sdkPackage, "utf8")) as { version: string }).version;
  return { cli, sdk };
}

export function machine(loadAtStart: number): BenchReport["machine"] {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    loadAverage: { start: round(loadAtStart, 2), end: round(os.loadavg()[0], 2) },
  };
}

/**
 * Exchanges per API call for one client: `calls` GETs, `concurrency` at a
 * time (the engine's parallelism), from a fresh client, so the one challenge
 * a client needs at start is included.
 */
async function digestExchangesPerCall(
  emu: EmulatorHandle,
  preemptiveDigest: boolean,
  calls: number,
  concurrency: number,
  key: { projectId: string; databaseName: string; username: string },
): Promise<{ perCall: number; exchanges: number }> {
  const client = new AtlasClient({
    baseUrl: emu.baseUrl,
    credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey },
    preemptiveDigest,
  });
  try {
    await emulatorControl.clearRequests(emu);
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        next += 1;
        await getDatabaseUser(client, key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker));
    const { total } = await countRequests(emu);
    return { perCall: total / calls, exchanges: total };
  } finally {
    await client.close();
  }
}

/** Atlas's limit of database users per project without a support ticket (the emulator enforces it too). */
export const USERS_PER_PROJECT = 100;

/**
 * The projects N users need at `perProject` users each: the emulator's seeded
 * project, then as many more as it takes, added through its control API
 * (`POST /__emulator/seed`). Call it after a reset, which drops added projects.
 * With `namePrefix`, all of them are new projects of that name (a second set
 * of users with the same names, as the scale bench's plugin face declares).
 */
export async function benchProjects(emu: EmulatorHandle, users: number, perProject = USERS_PER_PROJECT, namePrefix?: string): Promise<string[]> {
  const needed = Math.max(1, Math.ceil(users / perProject));
  // With a name prefix, every project is a new one (the emulator's own project is left to the first set).
  const own = namePrefix === undefined ? [emu.projectId] : [];
  if (needed === own.length) return own;
  const seeded = (await emulatorControl.seed(emu, {
    projects: Array.from({ length: needed - own.length }, (_, i) => ({ orgId: emu.orgId, name: `${namePrefix ?? "Bench Project"} ${i + own.length + 1}` })),
  })) as { projects: { id: string }[] };
  return [...own, ...seeded.projects.map((p) => p.id)];
}

/**
 * N SCRAM users (one role each, the password from secret config
 * `benchPassword`); user i goes to `projectIds[floor(i / perProject)]`.
 * `role` is what the update phase changes.
 */
export function usersProgram(projectIds: readonly string[], users: number, role: string, perProject = USERS_PER_PROJECT) {
  if (projectIds.length * perProject < users) throw new Error(`bench: ${users} users need ${Math.ceil(users / perProject)} projects, got ${projectIds.length}`);
  return async () => {
    const password = new pulumi.Config().requireSecret("benchPassword");
    for (let i = 0; i < users; i++) new DatabaseUser(`bench-user-${i}`, benchUserArgs(projectIds, i, role, password, perProject));
  };
}

/** The inputs of bench user i: `projectIds[floor(i / perProject)]`, its name, the password, one role. */
export function benchUserArgs(projectIds: readonly string[], i: number, role: string, password: pulumi.Output<string>, perProject = USERS_PER_PROJECT) {
  return {
    projectId: projectIds[Math.floor(i / perProject)],
    username: `bench-user-${i}`,
    password,
    roles: [{ roleName: role, databaseName: "app" }],
  };
}

async function databaseUserCount(emu: EmulatorHandle): Promise<number> {
  const state = (await emulatorControl.state(emu)) as { databaseUsers?: { username: string }[] };
  return (state.databaseUsers ?? []).filter((u) => u.username.startsWith("bench-user-")).length;
}

function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`bench: ${what} was ${actual}, expected ${expected}; the figures would be meaningless`);
}

/** Runs every phase and returns the report (writes nothing). */
export async function runBench(partial: Partial<BenchOptions> = {}): Promise<BenchReport> {
  const options: BenchOptions = { ...DEFAULT_OPTIONS, ...partial };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!engine.available || !engine.root) throw new Error(`bench: no Pulumi CLI: ${engine.reason}`);
  const pulumiBin = path.join(engine.root, "bin", "pulumi");
  const parallelism = cliDefaultParallelism(pulumiBin);
  const N = options.users;
  const loadAtStart = os.loadavg()[0];
  const samples: Record<string, number[]> = {};
  const add = (key: string, value: number) => (samples[key] ??= []).push(value);
  const details: Record<string, unknown> = {};

  const emu = await startTestEmulator();
  let stack: EngineStack | undefined;
  try {
    // The latency of a far-away API, on every API request the emulator authenticates.
    await emulatorControl.setFaults(emu, [{ path: "^/api/", delayMs: options.latencyMs }]);

    // --- digest: exchanges per call, cached challenge vs. answered from scratch
    log(`digest: ${options.digestCalls} calls per client, ${parallelism} at a time`);
    const key = { projectId: emu.projectId, databaseName: "admin", username: "bench-digest" };
    const setup = new AtlasClient({
      baseUrl: emu.baseUrl,
      credentials: { kind: "apiKey", publicKey: emu.publicKey, privateKey: emu.privateKey },
    });
    await createDatabaseUser(setup, {
      groupId: key.projectId,
      databaseName: "admin",
      username: key.username,
      password: BENCH_PASSWORD,
      roles: [{ roleName: "read", databaseName: "app" }],
    });
    await setup.close();
    const cached = await digestExchangesPerCall(emu, true, options.digestCalls, parallelism, key);
    const naive = await digestExchangesPerCall(emu, false, options.digestCalls, parallelism, key);
    details.digest = { calls: options.digestCalls, concurrency: parallelism, exchanges: cached.exchanges, naiveExchanges: naive.exchanges };
    // The digest user would count against the project's 100-user limit.
    await emulatorControl.reset(emu);
    await emulatorControl.setFaults(emu, [{ path: "^/api/", delayMs: options.latencyMs }]);
    const projects = await benchProjects(emu, N);
    details.projects = projects.length;

    // --- the engine phases, `runs` times over
    stack = await createEngineStack({
      emulator: emu,
      program: usersProgram(projects, N, "read"),
      projectName: "atlas-users-bench",
      stackName: "bench",
      config: { benchPassword: { value: BENCH_PASSWORD, secret: true } },
    });
    const sampler = new HostRssSampler();
    for (let run = 1; run <= options.runs; run++) {
      log(`run ${run}/${options.runs}: up (create ${N})`);
      stack.setProgram(usersProgram(projects, N, "read"));
      await emulatorControl.clearRequests(emu);
      sampler.start();
      const create = await timed(() => stack!.up());
      const rss = sampler.stop();
      expectCount("resources created", create.value.summary.create, N);
      const createRequests = await countRequests(emu);
      add("up.create100.seconds", create.seconds);
      add("up.create100.requests", createRequests.total);
      if (HostRssSampler.supported) {
        add("up.create100.hostPeakRssMb", rss);
        add("up.create100.hostCpuSeconds", sampler.hostCpuSeconds);
        for (const [name, seconds] of Object.entries(sampler.cpuBreakdown())) add(`up.create100.cpuSeconds.${name}`, seconds);
      }

      if (run === 1) {
        const exported = await stack.exportState();
        const resources: { type: string; inputs?: Record<string, unknown> }[] = exported.deployment?.resources ?? [];
        const users = resources.filter((r) => r.type === DB_USER_TYPE);
        expectCount("database users in state", users.length, N);
        const providerText = users[0].inputs?.__provider;
        if (typeof providerText !== "string") throw new Error("bench: no __provider in the state");
        add("provider.textBytes", Buffer.byteLength(providerText, "utf8"));
        const stateBytes = Buffer.byteLength(JSON.stringify(exported), "utf8");
        add("state.bytesPerResource", stateBytes / N);
        details.state = { exportedBytes: stateBytes, resources: N, stateFileBytes: Buffer.byteLength(stack.stateFileText(), "utf8") };
      }

      log(`run ${run}/${options.runs}: preview (no change)`);
      await emulatorControl.clearRequests(emu);
      const preview = await timed(() => stack!.preview());
      expectCount("unchanged resources in the preview", preview.value.summary.same, N);
      add("preview.noop100.requests", (await countRequests(emu)).total);
      add("preview.noop100.seconds", preview.seconds);

      log(`run ${run}/${options.runs}: refresh`);
      await emulatorControl.clearRequests(emu);
      const refresh = await timed(() => stack!.refresh());
      add("refresh100.requests", (await countRequests(emu)).total);
      add("refresh100.seconds", refresh.seconds);

      log(`run ${run}/${options.runs}: up (change one role on all ${N})`);
      await emulatorControl.clearRequests(emu);
      const update = await timed(() => stack!.up({ program: usersProgram(projects, N, "readWrite") }));
      expectCount("resources updated", update.value.summary.update, N);
      add("up.update100.requests", (await countRequests(emu)).total);
      add("up.update100.seconds", update.seconds);

      await emulatorControl.clearRequests(emu);
      const destroy = await timed(() => stack!.destroy());
      add("destroy100.requests", (await countRequests(emu)).total);
      add("destroy100.seconds", destroy.seconds);
      expectCount("database users left after destroy", await databaseUserCount(emu), 0);
      details.createRequestsByStatus = createRequests.byStatus;
    }
    details.hostsSeenInLastCreate = sampler.hostsSeen;

    // --- the floor: the same engine phases with a provider that does nothing
    if (options.baseline) {
      log(`baseline: up, preview and destroy of ${N} do-nothing dynamic resources`);
      installNoopProvider(path.join(stack.dir, "work"));
      stack.setProgram(noopProgram(projects, N, "read"));
      sampler.start();
      const noopCreate = await timed(() => stack!.up());
      const noopRss = sampler.stop();
      const noopCpu = sampler.cpuBreakdown();
      expectCount("do-nothing resources created", noopCreate.value.summary.create, N);
      const noopPreview = await timed(() => stack!.preview());
      await stack.destroy();
      details.noopProviderBaseline = {
        createSeconds: round(noopCreate.seconds),
        previewSeconds: round(noopPreview.seconds),
        ...(HostRssSampler.supported
          ? {
              hostCpuSeconds: round(sampler.hostCpuSeconds),
              hostPeakRssMb: round(noopRss),
              cpuSeconds: Object.fromEntries(Object.entries(noopCpu).map(([k, v]) => [k, round(v)])),
            }
          : {}),
      };
    }

    // --- rate limited: N creates through a small token bucket
    const { capacity, refillPerMinute } = options.rateLimit;
    log(`rate limited: create ${N} with a bucket of ${capacity}, refilled ${refillPerMinute}/min`);
    await emulatorControl.setRateLimit(emu, capacity, refillPerMinute);
    await emulatorControl.clearRequests(emu);
    stack.setProgram(usersProgram(projects, N, "read"));
    const limited = await timed(async () => {
      try {
        await stack!.up();
        return undefined;
      } catch (err) {
        return err as Error;
      }
    });
    const limitedRequests = await countRequests(emu);
    await emulatorControl.clearRateLimit(emu);
    const created = await databaseUserCount(emu);
    // Each create spends one token; the bucket starts full.
    const idealSeconds = Math.max(0, N - capacity) / (refillPerMinute / 60);
    add("rateLimited.create100.seconds", limited.seconds);
    add("rateLimited.create100.failures", N - created);
    details.rateLimited = {
      idealSeconds,
      requests: limitedRequests.total,
      requestsByStatus: limitedRequests.byStatus,
      error: limited.value ? firstLine(limited.value.message) : undefined,
    };
    // No destroy: the emulator goes away with its users, and dispose() removes the stack.

    const m = (k: string) => (samples[k] && samples[k].length > 0 ? median(samples[k]) : NaN);
    const idealCreate = (N * options.latencyMs) / 1000 / parallelism;
    const metrics: Record<MetricKey, number> = {
      "digest.roundTripsPerRequest": cached.perCall,
      "digest.naiveRoundTripsPerRequest": naive.perCall,
      "provider.textBytes": m("provider.textBytes"),
      "state.bytesPerResource": m("state.bytesPerResource"),
      "up.create100.seconds": m("up.create100.seconds"),
      "up.create100.requests": m("up.create100.requests"),
      "up.create100.hostPeakRssMb": m("up.create100.hostPeakRssMb"),
      "up.create100.vsIdeal": m("up.create100.seconds") / idealCreate,
      "preview.noop100.requests": m("preview.noop100.requests"),
      "preview.noop100.seconds": m("preview.noop100.seconds"),
      "refresh100.requests": m("refresh100.requests"),
      "refresh100.seconds": m("refresh100.seconds"),
      "up.update100.requests": m("up.update100.requests"),
      "rateLimited.create100.seconds": m("rateLimited.create100.seconds"),
      "rateLimited.create100.failures": m("rateLimited.create100.failures"),
      "rateLimited.create100.vsIdeal": idealSeconds > 0 ? m("rateLimited.create100.seconds") / idealSeconds : NaN,
    };
    details.idealCreateSeconds = idealCreate;

    const versions = pulumiVersions(pulumiBin);
    const { log: _log, ...settings } = options;
    return {
      date: new Date().toISOString(),
      machine: machine(loadAtStart),
      node: process.version,
      pulumi: { ...versions, parallelism },
      settings,
      metrics: Object.fromEntries(
        METRIC_KEYS.map((k) => [k, Number.isFinite(metrics[k]) ? round(metrics[k]) : null]),
      ) as Record<MetricKey, number | null>,
      samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => round(x))])),
      details,
    };
  } finally {
    await stack?.dispose();
    await emu.close();
  }
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.slice(0, 300) ?? "";
}

/** What each metric is compared with: the goal from issue 8 (for N users), or the ideal it is a ratio to. */
export function goals(users: number): Partial<Record<MetricKey, string>> {
  return {
    "digest.roundTripsPerRequest": "≤ 1.05",
    "digest.naiveRoundTripsPerRequest": "2 (baseline)",
    "up.create100.requests": String(users),
    "up.create100.vsIdeal": `1 = ${users} × latency / parallelism`,
    "preview.noop100.requests": "0",
    "refresh100.requests": String(users),
    "up.update100.requests": String(2 * users), // the ownership label is read before each PATCH
    "rateLimited.create100.failures": "0",
    "rateLimited.create100.vsIdeal": `1 = (${users} − capacity) / refill rate`,
  };
}

/** The report as a readable table. */
export function formatTable(report: BenchReport): string {
  const goal = goals(report.settings.users);
  const rows: [string, string, string][] = METRIC_KEYS.map((k) => [k, String(report.metrics[k] ?? "n/a"), goal[k] ?? ""]);
  const header: [string, string, string] = ["metric", "value", "goal"];
  const widths = [0, 1, 2].map((i) => Math.max(header[i].length, ...rows.map((r) => r[i].length)));
  const line = (r: [string, string, string]) => r.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [
    `pulumi-atlas-users bench ${report.date}: ${report.settings.users} users, ${report.settings.latencyMs} ms latency, ` +
      `median of ${report.settings.runs}, parallelism ${report.pulumi.parallelism}, ${report.pulumi.cli}, Node ${report.node}, ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, load ${report.machine.loadAverage.start} → ${report.machine.loadAverage.end}`,
    line(header),
    line(["-".repeat(widths[0]), "-".repeat(widths[1]), "-".repeat(widths[2])] as [string, string, string]),
    ...rows.map(line),
  ].join("\n");
}
