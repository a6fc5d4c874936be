/**
 * Keeps `npm run bench -- --scale` from rotting: the whole of `bench/scale.ts`
 * at N=3 with 2 users per project (so the spreading over projects runs), both
 * faces (the dynamic resources and the provider plugin) and the do-nothing
 * provider through the real engine, then the chart.
 * Asserts on keys, counts and sizes; never on time.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FACES, formatScaleTable, parseFaces, parseSizes, runScale, SCALE_PHASES, scaleSvg, writeScaleReport, type ScaleReport } from "../../bench/scale";
import { describeEngine } from "../support/engine";

const USERS = 3;

test("parseSizes reads a comma-separated list and refuses anything else", () => {
  expect(parseSizes("100,300,1000")).toEqual([100, 300, 1000]);
  expect(parseSizes("5")).toEqual([5]);
  for (const bad of ["", "100,", "0", "1.5", "ten"]) expect(() => parseSizes(bad)).toThrow(/--scale/);
});

test("parseFaces reads dynamic, plugin or both", () => {
  expect(parseFaces("both")).toEqual(["dynamic", "plugin"]);
  expect(parseFaces("plugin")).toEqual(["plugin"]);
  expect(() => parseFaces("yaml")).toThrow(/--face/);
});

describeEngine("bench --scale smoke (N=3)", () => {
  let report: ScaleReport;
  const progress: ScaleReport[] = [];

  beforeAll(async () => {
    report = await runScale({ sizes: [USERS], latencyMs: 5, usersPerProject: 2, log: () => undefined, onProgress: (r) => progress.push(r) });
  }, 600_000);

  test("one entry per size, spread over the projects the per-project limit needs, every phase of both providers", () => {
    expect(report.sizes).toHaveLength(1);
    const [entry] = report.sizes;
    expect(entry.users).toBe(USERS);
    expect(entry.projects).toBe(2);
    expect(entry.complete).toBe(true);
    for (const phase of SCALE_PHASES) {
      expect(entry.ours[phase]!.seconds).toBeGreaterThan(0);
      expect(entry.baseline![phase]!.seconds).toBeGreaterThan(0);
      expect(entry.baseline![phase]!.requests).toBe(0);
      expect(entry.ratio[phase]).toEqual(expect.any(Number));
      expect(entry.ratioNetOfRequests[phase]).toEqual(expect.any(Number));
      for (const face of FACES) {
        expect(entry.faces[face]!.phases[phase]!.seconds).toBeGreaterThan(0);
        expect(entry.faces[face]!.ratio[phase]).toEqual(expect.any(Number));
      }
    }
    // The keys of the reports before the plugin face hold the dynamic face.
    expect(entry.ours).toEqual(entry.faces.dynamic!.phases);
  });

  test("the plugin face: the same requests as the dynamic face, its own process's CPU, no __provider in its state", () => {
    const { faces } = report.sizes[0];
    const plugin = faces.plugin!;
    expect(plugin.phases.preview!.requests).toBe(0);
    for (const phase of ["create", "refresh"] as const) {
      expect(plugin.phases[phase]!.requests).toBeGreaterThanOrEqual(USERS);
      expect(plugin.phases[phase]!.requests).toBeLessThanOrEqual(USERS + 1);
    }
    // Found in /proc as pulumi-resource-atlas-users (Linux only).
    if (fs.existsSync("/proc/self/stat")) expect(plugin.phases.create!.hostCpuSeconds).toBeGreaterThan(0);
    expect(plugin.resourceBytes).toBeGreaterThan(200);
    expect(plugin.resourceBytes).toBeLessThan(faces.dynamic!.resourceBytes);
  });

  test("requests: one per created or refreshed user, plus at most the one digest challenge of the provider process; none for an unchanged preview", () => {
    const { ours } = report.sizes[0];
    expect(ours.preview!.requests).toBe(0);
    expect(ours.create!.requests).toBeGreaterThanOrEqual(USERS);
    expect(ours.create!.requests).toBeLessThanOrEqual(USERS + 1);
    expect(ours.refresh!.requests).toBeGreaterThanOrEqual(USERS);
    expect(ours.refresh!.requests).toBeLessThanOrEqual(USERS + 1);
  });

  test("state sizes are recorded for both, and ours stays under 3 KB per resource", () => {
    const { stateBytesPerResource, resourceBytes } = report.sizes[0];
    expect(resourceBytes.ours).toBeGreaterThan(200);
    expect(resourceBytes.baseline).toBeGreaterThan(200);
    expect(stateBytesPerResource.baseline).toEqual(expect.any(Number));
    expect(resourceBytes.ours).toBeLessThan(3072);
  });

  test("a report after each phase, the last of them complete", () => {
    expect(progress.length).toBe(SCALE_PHASES.length + 1);
    expect(progress[0].sizes[0].complete).toBe(false);
    expect(Object.keys(progress[0].sizes[0].ours)).toEqual(["create"]);
    expect(Object.keys(progress[0].sizes[0].faces.plugin!.phases)).toEqual(["create"]);
    expect(progress[progress.length - 1].sizes[0].complete).toBe(true);
  });

  test("the table, the JSON and the chart are written", () => {
    expect(formatScaleTable(report)).toContain("destroy");
    expect(formatScaleTable(report)).toMatch(/destroy\s+plugin/);
    const svg = scaleSvg(report);
    expect(svg.startsWith("<svg")).toBe(true);
    for (const phase of SCALE_PHASES) expect(svg).toContain(`>${phase}</text>`);
    expect(svg).toContain("DatabaseUser, plugin");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scale-report-"));
    try {
      const svgFile = writeScaleReport(report, path.join(dir, "scale.json"));
      expect(JSON.parse(fs.readFileSync(path.join(dir, "scale.json"), "utf8")).sizes[0].users).toBe(USERS);
      expect(fs.readFileSync(svgFile, "utf8")).toBe(svg);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
