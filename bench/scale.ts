/**
 * `npm run bench -- --scale [100,300,1000] [--face dynamic|plugin|both]`: how
 * the engine phases grow with the stack. For each N, a fresh stack of N
 * `DatabaseUser`s (spread over as many projects as Atlas's
 * 100-users-per-project limit needs) goes through create, an unchanged
 * preview, refresh, an update of every user and destroy, for each face: the
 * dynamic resources (`new DatabaseUser`) and the same users declared as the
 * provider plugin's resources (`atlas-users:index:DatabaseUser`, in projects
 * of their own); then the do-nothing provider (`baseline.ts`, same inputs)
 * goes through the same five phases. Writes `bench/results/scale.json` and
 * the chart `bench/results/scale.svg`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../test/support/emulator";
import { createEngineStack, engine, pluginConfig, type EngineStack, type OperationResult } from "../test/support/engine";
import { repoRoot } from "../test/support/workdir";
import { installNoopProvider, NOOP_TYPE, noopProgram } from "./baseline";
import {
  benchProjects,
  benchUserArgs,
  cliDefaultParallelism,
  machine,
  pulumiVersions,
  round,
  timed,
  usersProgram,
  USERS_PER_PROJECT,
  type BenchReport,
} from "./bench";
import { HostRssSampler } from "./procRss";

export const SCALE_PHASES = ["create", "preview", "refresh", "update", "destroy"] as const;
export type ScalePhase = (typeof SCALE_PHASES)[number];

export const DEFAULT_SCALE_SIZES = [100, 300, 1000];

/** The two ways a program declares the users: the dynamic resources, and the provider plugin's type token. */
export const FACES = ["dynamic", "plugin"] as const;
export type Face = (typeof FACES)[number];

/** `dynamic`, `plugin` or `both` → the faces to run. */
export function parseFaces(text: string): Face[] {
  if (text === "both") return [...FACES];
  if ((FACES as readonly string[]).includes(text)) return [text as Face];
  throw new Error(`--face takes dynamic, plugin or both, got ${text}`);
}

export interface ScaleOptions {
  sizes: number[];
  latencyMs: number;
  /** Users per project (Atlas's limit, 100; smaller only to exercise the spreading at a small N). */
  usersPerProject: number;
  /** Also run the do-nothing provider at each N. */
  baseline: boolean;
  /** The faces to run at each N (default both). */
  faces: Face[];
  /**
   * Set `PULUMI_SKIP_CHECKPOINTS=true` for the engine (the 3.248 CLI has no flag
   * for it), with `PULUMI_EXPERIMENTAL=true`, which the variable required when
   * it shipped (3.40.1).
   */
  skipCheckpoints: boolean;
  log?: (line: string) => void;
  /** Called with the report so far after each phase (to write it: an interrupted run keeps what it measured). */
  onProgress?: (report: ScaleReport) => void;
}

export const DEFAULT_SCALE_OPTIONS: ScaleOptions = {
  sizes: DEFAULT_SCALE_SIZES,
  latencyMs: 20,
  usersPerProject: USERS_PER_PROJECT,
  baseline: true,
  faces: [...FACES],
  skipCheckpoints: false,
};

export interface PhaseFigures {
  seconds: number;
  /** API requests the emulator answered (always 0 for the do-nothing provider). */
  requests: number;
  /** CPU seconds of the `pulumi` CLI (the engine). */
  engineCpuSeconds: number | null;
  /** CPU seconds of the provider's process(es): the dynamic-provider host, or for the plugin face the plugin (`pulumi-resource-atlas-users`). */
  hostCpuSeconds: number | null;
  /** CPU seconds of the bench process: the inline program, the Automation API and the emulator. */
  benchCpuSeconds: number | null;
  /** 1-minute load average when the phase started. */
  loadAverage: number;
}

/** One face's figures at one N, each beside the do-nothing provider's. */
export interface FaceEntry {
  phases: Partial<Record<ScalePhase, PhaseFigures>>;
  /** `pulumi stack export` bytes / N after create, and one resource's own JSON. */
  stateBytesPerResource: number;
  resourceBytes: number;
  /** This face's seconds / the do-nothing provider's, per phase. */
  ratio: Partial<Record<ScalePhase, number>>;
  requestFloorSeconds: Partial<Record<ScalePhase, number>>;
  ratioNetOfRequests: Partial<Record<ScalePhase, number>>;
  /** Engine + provider-process CPU / the do-nothing provider's. */
  cpuRatio: Partial<Record<ScalePhase, number>>;
  /** Provider-process CPU milliseconds per resource. */
  hostCpuMsPerResource: Partial<Record<ScalePhase, number>>;
}

export interface ScaleEntry {
  users: number;
  projects: number;
  /** Whether every phase ran (a report is written after each phase, so an interrupted run leaves the phases it finished). */
  complete: boolean;
  loadAverage: { start: number; end: number };
  /** Each face that ran: `dynamic` (the same figures as `ours` and the keys below) and `plugin`. */
  faces: Partial<Record<Face, FaceEntry>>;
  /** The dynamic face (the keys of the reports before the plugin face; empty when only the plugin face ran). */
  ours: Partial<Record<ScalePhase, PhaseFigures>>;
  baseline: Partial<Record<ScalePhase, PhaseFigures>> | null;
  /** `pulumi stack export` bytes / N after create; `resource`: one resource's own JSON. */
  stateBytesPerResource: { ours: number; baseline: number | null };
  resourceBytes: { ours: number; baseline: number | null };
  /** Our seconds / the do-nothing provider's, per phase. */
  ratio: Partial<Record<ScalePhase, number>>;
  /** The time our requests cannot take less than: requests × latency / parallelism. */
  requestFloorSeconds: Partial<Record<ScalePhase, number>>;
  /** (Our seconds − the request floor) / the do-nothing provider's seconds. */
  ratioNetOfRequests: Partial<Record<ScalePhase, number>>;
  /**
   * Our engine + host CPU seconds / the do-nothing provider's: less sensitive to
   * the machine's load than wall time (the bench process's CPU is left out: it
   * holds the emulator, which stands for Atlas).
   */
  cpuRatio: Partial<Record<ScalePhase, number>>;
  /** Host CPU milliseconds per resource, ours and the do-nothing provider's: what grows faster than N shows here. */
  hostCpuMsPerResource: { ours: Partial<Record<ScalePhase, number>>; baseline: Partial<Record<ScalePhase, number>> };
}

export interface ScaleReport {
  date: string;
  machine: BenchReport["machine"];
  node: string;
  pulumi: BenchReport["pulumi"] & { skipCheckpoints: boolean };
  settings: Omit<ScaleOptions, "log" | "onProgress">;
  sizes: ScaleEntry[];
}

const BENCH_PASSWORD = "bench-password-3vQ81xLp";
const DB_USER_TYPE = "pulumi-nodejs:dynamic/atlas-users:DatabaseUser";
const PLUGIN_DB_USER_TYPE = "atlas-users:index:DatabaseUser";

/** A `DatabaseUser` of the plugin's package, registered by its type token (the SDK's CustomResource is abstract). */
class PluginDatabaseUser extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super(PLUGIN_DB_USER_TYPE, name, props);
  }
}

/**
 * `usersProgram`'s users declared by the plugin's type token, as a program in
 * another language would through its SDK: the same inputs, in `projectIds`
 * (a set of projects of their own, so both faces' users exist at once).
 */
export function pluginUsersProgram(projectIds: readonly string[], count: number, role: string, perProject: number) {
  return async () => {
    const password = new pulumi.Config().requireSecret("benchPassword");
    for (let i = 0; i < count; i++) new PluginDatabaseUser(`bench-user-${i}`, benchUserArgs(projectIds, i, role, password, perProject));
  };
}

function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`bench --scale: ${what} was ${actual}, expected ${expected}; the figures would be meaningless`);
}

/** Runs one engine operation with the CPU sampler and the request log around it. */
async function measure<T extends OperationResult>(
  emu: EmulatorHandle,
  sampler: HostRssSampler,
  run: () => Promise<T>,
): Promise<{ value: T; figures: PhaseFigures }> {
  const loadAverage = round(os.loadavg()[0], 2);
  await emulatorControl.clearRequests(emu);
  sampler.start();
  const { value, seconds } = await timed(run);
  sampler.stop();
  const cpu = sampler.cpuBreakdown();
  const requests = (await emulatorControl.requests(emu)).length;
  const supported = HostRssSampler.supported;
  return {
    value,
    figures: {
      seconds: round(seconds),
      requests,
      engineCpuSeconds: supported ? round(cpu.pulumi ?? 0) : null,
      // A stack of one face starts either the dynamic-provider host or the plugin, never both.
      hostCpuSeconds: supported ? round((cpu.host ?? 0) + (cpu.plugin ?? 0)) : null,
      benchCpuSeconds: supported ? round(cpu.benchProcess ?? 0) : null,
      loadAverage,
    },
  };
}

async function stateSizes(stack: EngineStack, type: string, n: number): Promise<{ perResource: number; resource: number }> {
  const exported = await stack.exportState();
  const resources: { type: string }[] = exported.deployment?.resources ?? [];
  const ofType = resources.filter((r) => r.type === type);
  expectCount(`${type} resources in state`, ofType.length, n);
  return {
    perResource: round(Buffer.byteLength(JSON.stringify(exported), "utf8") / n, 1),
    resource: Buffer.byteLength(JSON.stringify(ofType[ofType.length - 1]), "utf8"),
  };
}

/** One provider's stack at one N: `program(role)` declares its N resources with that role. */
interface Subject {
  label: string;
  stack: EngineStack;
  program: (role: string) => () => Promise<void>;
  type: string;
  figures: Partial<Record<ScalePhase, PhaseFigures>>;
  state?: { perResource: number; resource: number };
}

/** Runs one phase on one subject, checking the engine did what the phase is about. */
async function runPhase(emu: EmulatorHandle, sampler: HostRssSampler, subject: Subject, phase: ScalePhase, n: number, log: (line: string) => void): Promise<void> {
  const { stack, label } = subject;
  log(`${label} N=${n}: ${phase}`);
  switch (phase) {
    case "create": {
      const r = await measure(emu, sampler, () => stack.up({ program: subject.program("read") }));
      expectCount(`${label}: resources created`, r.value.summary.create, n);
      subject.figures.create = r.figures;
      subject.state = await stateSizes(stack, subject.type, n);
      return;
    }
    case "preview": {
      const r = await measure(emu, sampler, () => stack.preview());
      expectCount(`${label}: unchanged resources in the preview`, r.value.summary.same, n);
      subject.figures.preview = r.figures;
      return;
    }
    case "refresh":
      subject.figures.refresh = (await measure(emu, sampler, () => stack.refresh())).figures;
      return;
    case "update": {
      const r = await measure(emu, sampler, () => stack.up({ program: subject.program("readWrite") }));
      expectCount(`${label}: resources updated`, r.value.summary.update, n);
      subject.figures.update = r.figures;
      return;
    }
    case "destroy": {
      const r = await measure(emu, sampler, () => stack.destroy());
      expectCount(`${label}: resources deleted`, r.value.summary.delete, n);
      subject.figures.destroy = r.figures;
      return;
    }
  }
}

async function databaseUserCount(emu: EmulatorHandle): Promise<number> {
  const state = (await emulatorControl.state(emu)) as { databaseUsers?: unknown[] };
  return (state.databaseUsers ?? []).length;
}

function perPhase(f: (phase: ScalePhase) => number | undefined): Partial<Record<ScalePhase, number>> {
  const out: Partial<Record<ScalePhase, number>> = {};
  for (const phase of SCALE_PHASES) {
    const v = f(phase);
    if (v !== undefined && Number.isFinite(v)) out[phase] = round(v);
  }
  return out;
}

function engineAndHostCpu(f: PhaseFigures | undefined): number {
  return !f || f.engineCpuSeconds === null || f.hostCpuSeconds === null ? NaN : f.engineCpuSeconds + f.hostCpuSeconds;
}

/** One face's figures at one N, beside the do-nothing provider's. */
function faceEntry(n: number, face: Subject, base: Subject | undefined, latencyMs: number, parallelism: number): FaceEntry {
  const floor = (p: ScalePhase) => {
    const f = face.figures[p];
    return f ? (f.requests * latencyMs) / 1000 / parallelism : undefined;
  };
  const ratio = (p: ScalePhase, of: (f: PhaseFigures) => number) => {
    const o = face.figures[p];
    const b = base?.figures[p];
    return o && b ? of(o) / b.seconds : undefined;
  };
  return {
    // A copy: the subject goes on measuring after this entry is reported.
    phases: { ...face.figures },
    stateBytesPerResource: face.state?.perResource ?? NaN,
    resourceBytes: face.state?.resource ?? NaN,
    ratio: perPhase((p) => ratio(p, (f) => f.seconds)),
    requestFloorSeconds: perPhase(floor),
    ratioNetOfRequests: perPhase((p) => ratio(p, (f) => f.seconds - (floor(p) ?? 0))),
    cpuRatio: perPhase((p) => engineAndHostCpu(face.figures[p]) / engineAndHostCpu(base?.figures[p])),
    hostCpuMsPerResource: hostMsPerResource(face, n),
  };
}

function hostMsPerResource(s: Subject | undefined, n: number): Partial<Record<ScalePhase, number>> {
  return perPhase((p) => {
    const cpu = s?.figures[p]?.hostCpuSeconds;
    return cpu === null || cpu === undefined ? undefined : (cpu * 1000) / n;
  });
}

/** The entry for one N from what its subjects measured so far; the keys beside `faces` repeat the dynamic face. */
function entry(n: number, projects: number, loadStart: number, faces: Partial<Record<Face, Subject>>, base: Subject | undefined, latencyMs: number, parallelism: number, complete: boolean): ScaleEntry {
  const byFace: Partial<Record<Face, FaceEntry>> = {};
  for (const face of FACES) {
    const subject = faces[face];
    if (subject) byFace[face] = faceEntry(n, subject, base, latencyMs, parallelism);
  }
  const dynamic = byFace.dynamic;
  return {
    users: n,
    projects,
    complete,
    loadAverage: { start: round(loadStart, 2), end: round(os.loadavg()[0], 2) },
    faces: byFace,
    ours: dynamic ? { ...dynamic.phases } : {},
    baseline: base ? { ...base.figures } : null,
    stateBytesPerResource: { ours: dynamic?.stateBytesPerResource ?? NaN, baseline: base?.state?.perResource ?? null },
    resourceBytes: { ours: dynamic?.resourceBytes ?? NaN, baseline: base?.state?.resource ?? null },
    ratio: dynamic?.ratio ?? {},
    requestFloorSeconds: dynamic?.requestFloorSeconds ?? {},
    ratioNetOfRequests: dynamic?.ratioNetOfRequests ?? {},
    cpuRatio: dynamic?.cpuRatio ?? {},
    hostCpuMsPerResource: { ours: dynamic?.hostCpuMsPerResource ?? {}, baseline: hostMsPerResource(base, n) },
  };
}

/**
 * One N: a stack per face and the do-nothing provider's, each phase on every
 * face then on the do-nothing one (so all see about the same load), the entry
 * reported after each phase.
 */
async function runSize(
  emu: EmulatorHandle,
  n: number,
  options: ScaleOptions,
  parallelism: number,
  log: (line: string) => void,
  progress: (e: ScaleEntry) => void,
): Promise<ScaleEntry> {
  await emulatorControl.reset(emu);
  await emulatorControl.setFaults(emu, [{ path: "^/api/", delayMs: options.latencyMs }]);
  const perProject = options.usersPerProject;
  const projects = await benchProjects(emu, n, perProject);
  const loadStart = os.loadavg()[0];
  const sampler = new HostRssSampler();
  const password = { benchPassword: { value: BENCH_PASSWORD, secret: true } };
  const stackFor = (stackName: string, program: () => Promise<void>, extra: Partial<Parameters<typeof createEngineStack>[0]> = {}) =>
    createEngineStack({ emulator: emu, program, projectName: "atlas-users-bench", stackName, config: password, ...extra });
  const faces: Partial<Record<Face, Subject>> = {};
  let base: Subject | undefined;
  try {
    if (options.faces.includes("dynamic")) {
      const program = (role: string) => usersProgram(projects, n, role, perProject);
      faces.dynamic = { label: "dynamic", stack: await stackFor(`scale-${n}`, program("read")), program, type: DB_USER_TYPE, figures: {} };
    }
    if (options.faces.includes("plugin")) {
      // Same usernames as the dynamic face's, in projects of their own.
      const pluginProjects = await benchProjects(emu, n, perProject, "Bench Plugin Project");
      const program = (role: string) => pluginUsersProgram(pluginProjects, n, role, perProject);
      const stack = await stackFor(`scale-plugin-${n}`, program("read"), {
        config: { ...password, ...pluginConfig(emu) },
        // The engine starts bin/pulumi-resource-atlas-users (which runs the built dist/provider/plugin/main.js).
        plugins: { providers: [{ name: "atlas-users", path: path.join(repoRoot, "bin") }] },
      });
      faces.plugin = { label: "plugin", stack, program, type: PLUGIN_DB_USER_TYPE, figures: {} };
    }
    if (options.baseline) {
      const noop = (role: string) => noopProgram(projects, n, role, perProject);
      base = { label: "do-nothing", stack: await stackFor(`scale-noop-${n}`, noop("read")), program: noop, type: NOOP_TYPE, figures: {} };
      installNoopProvider(path.join(base.stack.dir, "work"));
    }
    const subjects = [faces.dynamic, faces.plugin, base].filter((x): x is Subject => x !== undefined);
    if (!faces.dynamic && !faces.plugin) throw new Error("bench --scale: no face to run");
    for (const phase of SCALE_PHASES) {
      for (const subject of subjects) await runPhase(emu, sampler, subject, phase, n, log);
      progress(entry(n, projects.length, loadStart, faces, base, options.latencyMs, parallelism, false));
    }
    expectCount("database users left after destroy", await databaseUserCount(emu), 0);
    return entry(n, projects.length, loadStart, faces, base, options.latencyMs, parallelism, true);
  } finally {
    for (const subject of [faces.dynamic, faces.plugin, base]) await subject?.stack.dispose();
  }
}

/** Runs every size in turn (one emulator, reset between sizes) and returns the report (writes nothing). */
export async function runScale(partial: Partial<ScaleOptions> = {}): Promise<ScaleReport> {
  const options: ScaleOptions = { ...DEFAULT_SCALE_OPTIONS, ...partial };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!engine.available || !engine.root) throw new Error(`bench --scale: no Pulumi CLI: ${engine.reason}`);
  const pulumiBin = path.join(engine.root, "bin", "pulumi");
  const parallelism = cliDefaultParallelism(pulumiBin);
  const loadAtStart = os.loadavg()[0];
  const previous = { PULUMI_SKIP_CHECKPOINTS: process.env.PULUMI_SKIP_CHECKPOINTS, PULUMI_EXPERIMENTAL: process.env.PULUMI_EXPERIMENTAL };
  // The Automation API passes this process's environment to the CLI.
  if (options.skipCheckpoints) Object.assign(process.env, { PULUMI_SKIP_CHECKPOINTS: "true", PULUMI_EXPERIMENTAL: "true" });
  const emu = await startTestEmulator();
  try {
    const sizes: ScaleEntry[] = [];
    const { log: _log, onProgress, ...settings } = options;
    const versions = pulumiVersions(pulumiBin);
    const report = (current?: ScaleEntry): ScaleReport => ({
      date: new Date().toISOString(),
      machine: machine(loadAtStart),
      node: process.version,
      pulumi: { ...versions, parallelism, skipCheckpoints: options.skipCheckpoints },
      settings,
      sizes: current ? [...sizes, current] : [...sizes],
    });
    for (const n of options.sizes) {
      sizes.push(await runSize(emu, n, options, parallelism, log, (e) => onProgress?.(report(e))));
      onProgress?.(report());
    }
    return report();
  } finally {
    if (options.skipCheckpoints) {
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    await emu.close();
  }
}

/** `100,300,1000` → [100, 300, 1000]. */
export function parseSizes(text: string): number[] {
  const sizes = text.split(",").map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--scale takes a comma-separated list of whole numbers ≥ 1 (such as 100,300,1000), got ${text}`);
  }
  return sizes;
}

const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? "-" : v.toFixed(digits));

/**
 * The faces of an entry, in order. A report written before the plugin face
 * had no `faces`: its `ours` is the dynamic face.
 */
export function entryFaces(e: ScaleEntry): [Face, FaceEntry][] {
  const faces: Partial<Record<Face, FaceEntry>> = e.faces ?? {
    dynamic: {
      phases: e.ours,
      stateBytesPerResource: e.stateBytesPerResource.ours,
      resourceBytes: e.resourceBytes.ours,
      ratio: e.ratio,
      requestFloorSeconds: e.requestFloorSeconds,
      ratioNetOfRequests: e.ratioNetOfRequests,
      cpuRatio: e.cpuRatio,
      hostCpuMsPerResource: e.hostCpuMsPerResource.ours,
    },
  };
  return FACES.flatMap((f) => {
    const entry = faces[f];
    return entry ? [[f, entry] as [Face, FaceEntry]] : [];
  });
}

/** The report as a readable table: one row per N, phase and face. */
export function formatScaleTable(report: ScaleReport): string {
  const header = ["N", "phase", "face", "s", "noop s", "ratio", "net ratio", "cpu ratio", "requests", "floor s", "engine cpu", "host cpu", "load"];
  const rows: string[][] = [];
  for (const e of report.sizes) {
    for (const p of SCALE_PHASES) {
      const b = e.baseline?.[p];
      for (const [face, f] of entryFaces(e)) {
        const o = f.phases[p];
        if (!o) continue;
        rows.push([
          String(e.users),
          p,
          face,
          fmt(o.seconds),
          fmt(b?.seconds),
          fmt(f.ratio[p], 2),
          fmt(f.ratioNetOfRequests[p], 2),
          fmt(f.cpuRatio[p], 2),
          String(o.requests),
          fmt(f.requestFloorSeconds[p]),
          `${fmt(o.engineCpuSeconds)}/${fmt(b?.engineCpuSeconds)}`,
          `${fmt(o.hostCpuSeconds)}/${fmt(b?.hostCpuSeconds)}`,
          String(o.loadAverage),
        ]);
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const state = report.sizes
    .map(
      (e) =>
        `N=${e.users} (${e.projects} projects): state ` +
        entryFaces(e)
          .map(([face, f]) => `${face} ${fmt(f.stateBytesPerResource, 0)}`)
          .join(", ") +
        ` B/resource, do-nothing ${fmt(e.stateBytesPerResource.baseline, 0)}`,
    )
    .join("\n");
  return [
    `pulumi-atlas-users bench --scale ${report.date}: ${report.settings.latencyMs} ms latency, parallelism ${report.pulumi.parallelism}, ` +
      `${report.pulumi.cli}${report.pulumi.skipCheckpoints ? " (PULUMI_SKIP_CHECKPOINTS)" : ""}, Node ${report.node}, ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, load ${report.machine.loadAverage.start} → ${report.machine.loadAverage.end}`,
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    state,
  ].join("\n");
}

/** Round step for an axis from 0 to `max` in about four steps. */
function niceStep(max: number): number {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/**
 * The chart: one panel per phase, seconds against N, the dynamic face
 * (solid), the plugin face (dotted) and the do-nothing provider (dashed).
 * Plain SVG text, no dependency.
 */
export function scaleSvg(report: ScaleReport): string {
  const panelW = 240;
  const panelH = 200;
  const m = { left: 46, right: 12, top: 26, bottom: 34 };
  const cols = 3;
  const rowsN = Math.ceil(SCALE_PHASES.length / cols);
  const width = cols * panelW;
  const height = rowsN * panelH + 56;
  const sizes = report.sizes.map((e) => e.users);
  const maxN = Math.max(...sizes);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${esc(
      `pulumi-atlas-users: seconds per phase against N (${report.date.slice(0, 10)}, ${report.settings.latencyMs} ms latency, parallelism ${report.pulumi.parallelism}, load ${report.machine.loadAverage.start} → ${report.machine.loadAverage.end})`,
    )}</text>`,
  ];
  SCALE_PHASES.forEach((phase, index) => {
    const ox = (index % cols) * panelW;
    const oy = 30 + Math.floor(index / cols) * panelH;
    // [N, seconds] of the sizes that got this far.
    const pointsOf = (pick: (e: ScaleEntry) => PhaseFigures | undefined) =>
      report.sizes.flatMap((e) => {
        const f = pick(e);
        return f ? [[e.users, f.seconds] as const] : [];
      });
    const dynamic = pointsOf((e) => entryFaces(e).find(([f]) => f === "dynamic")?.[1].phases[phase]);
    const plugin = pointsOf((e) => entryFaces(e).find(([f]) => f === "plugin")?.[1].phases[phase]);
    const base = pointsOf((e) => e.baseline?.[phase]);
    const top = Math.max(...dynamic.map((p) => p[1]), ...plugin.map((p) => p[1]), ...base.map((p) => p[1]), 0.1);
    const step = niceStep(top);
    const maxY = step * Math.ceil(top / step);
    const x = (n: number) => ox + m.left + (n / maxN) * (panelW - m.left - m.right);
    const y = (s: number) => oy + panelH - m.bottom - (s / maxY) * (panelH - m.top - m.bottom);
    out.push(`<text x="${ox + panelW / 2}" y="${oy + 14}" text-anchor="middle" font-weight="bold">${phase}</text>`);
    out.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(maxN)}" y2="${y(0)}" stroke="#444"/>`);
    out.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(maxY)}" stroke="#444"/>`);
    for (let v = 0; v <= maxY + 1e-9; v += step) {
      out.push(`<line x1="${x(0)}" y1="${y(v)}" x2="${x(maxN)}" y2="${y(v)}" stroke="#ddd"/>`);
      out.push(`<text x="${x(0) - 4}" y="${y(v) + 4}" text-anchor="end">${+v.toFixed(2)}</text>`);
    }
    for (const n of sizes) out.push(`<text x="${x(n)}" y="${y(0) + 14}" text-anchor="middle">${n}</text>`);
    out.push(`<text x="${ox + panelW / 2}" y="${oy + panelH - 6}" text-anchor="middle">N (resources)</text>`);
    const series: [(readonly [number, number])[], string, string][] = [
      [dynamic, "#c0392b", ""],
      [plugin, "#27ae60", ` stroke-dasharray="1,3" stroke-linecap="round"`],
      [base, "#2c7fb8", ` stroke-dasharray="5,3"`],
    ];
    for (const [points, colour, dash] of series) {
      if (points.length === 0) continue;
      const line = points.map(([n, v]) => `${x(n).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      out.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
      for (const [n, v] of points) out.push(`<circle cx="${x(n).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${colour}"><title>${phase} N=${n}: ${v} s</title></circle>`);
    }
  });
  const ly = height - 14;
  out.push(`<line x1="10" y1="${ly}" x2="34" y2="${ly}" stroke="#c0392b" stroke-width="2"/><text x="40" y="${ly + 4}">DatabaseUser, dynamic</text>`);
  out.push(`<line x1="180" y1="${ly}" x2="204" y2="${ly}" stroke="#27ae60" stroke-width="2" stroke-dasharray="1,3" stroke-linecap="round"/><text x="210" y="${ly + 4}">DatabaseUser, plugin</text>`);
  out.push(`<line x1="350" y1="${ly}" x2="374" y2="${ly}" stroke="#2c7fb8" stroke-width="2" stroke-dasharray="5,3"/><text x="380" y="${ly + 4}">do-nothing provider (bench/baseline.ts)</text>`);
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** Writes `<out>` (JSON) and the chart beside it (same name, `.svg`), each whole then renamed. */
export function writeScaleReport(report: ScaleReport, out: string): string {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const svg = out.replace(/\.json$/, "") + ".svg";
  for (const [file, text] of [
    [out, `${JSON.stringify(report, null, 2)}\n`],
    [svg, scaleSvg(report)],
  ] as const) {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  }
  return svg;
}
