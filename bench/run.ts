/**
 * `npm run bench [-- --users N --runs R --latency MS --no-baseline --out FILE]`: runs the
 * benchmark, prints a table, writes the JSON report (default
 * `bench/results/latest.json`).
 *
 * `npm run bench -- --scale [N1,N2,...] [--face dynamic|plugin|both --latency MS --no-baseline --skip-checkpoints --out FILE]`:
 * the phases at each N (default 100,300,1000) for the dynamic resources and
 * the provider plugin (`--face`, default both) beside the do-nothing provider
 * (`scale.ts`); writes `bench/results/scale.json` and `scale.svg`.
 */
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_OPTIONS, formatTable, runBench, type BenchOptions } from "./bench";
import { DEFAULT_SCALE_SIZES, formatScaleTable, parseFaces, parseSizes, runScale, writeScaleReport, type Face } from "./scale";
import { repoRoot } from "../test/support/workdir";

const USAGE =
  "usage: npm run bench -- [--users N] [--runs R] [--latency MS] [--no-baseline] [--out FILE]\n" +
  "       npm run bench -- --scale [N1,N2,...] [--face dynamic|plugin|both] [--latency MS] [--no-baseline] [--skip-checkpoints] [--out FILE]";

interface Args {
  options: Partial<BenchOptions>;
  out: string | undefined;
  /** `--scale`: the sizes to run. */
  scale: number[] | undefined;
  skipCheckpoints: boolean;
  /** `--face`: the faces `--scale` runs (unset: both). */
  faces: Face[] | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const options: Partial<BenchOptions> = {};
  let out: string | undefined;
  let scale: number[] | undefined;
  let skipCheckpoints = false;
  let faces: Face[] | undefined;
  const int = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number ≥ ${min}, got ${value ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case "--users":
        options.users = int(flag, value, 1);
        break;
      case "--runs":
        options.runs = int(flag, value, 1);
        break;
      case "--latency":
        options.latencyMs = int(flag, value, 0);
        break;
      case "--no-baseline":
        options.baseline = false;
        continue;
      case "--scale":
        // The list is optional: `--scale` alone runs the default sizes.
        if (value === undefined || value.startsWith("--")) {
          scale = DEFAULT_SCALE_SIZES;
          continue;
        }
        scale = parseSizes(value);
        break;
      case "--face":
        faces = parseFaces(value ?? "nothing");
        break;
      case "--skip-checkpoints":
        skipCheckpoints = true;
        continue;
      case "--out":
        if (!value) throw new Error("--out needs a file name");
        out = path.resolve(value);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
    i++;
  }
  if (scale && (options.users !== undefined || options.runs !== undefined)) throw new Error(`--scale takes its sizes as a list, and runs each once\n${USAGE}`);
  if (skipCheckpoints && !scale) throw new Error(`--skip-checkpoints is an option of --scale\n${USAGE}`);
  if (faces && !scale) throw new Error(`--face is an option of --scale\n${USAGE}`);
  return { options, out, scale, skipCheckpoints, faces };
}

async function main(): Promise<void> {
  const { options, out: outArg, scale, skipCheckpoints, faces } = parseArgs(process.argv.slice(2));
  if (scale) {
    const out = outArg ?? path.join(repoRoot, "bench", "results", "scale.json");
    const report = await runScale({
      sizes: scale,
      skipCheckpoints,
      ...(faces ? { faces } : {}),
      // Written after each phase: an interrupted run keeps what it measured.
      onProgress: (partial) => writeScaleReport(partial, out),
      ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
      ...(options.baseline !== undefined ? { baseline: options.baseline } : {}),
    });
    const svg = writeScaleReport(report, out);
    process.stdout.write(`${formatScaleTable(report)}\n\nwritten to ${path.relative(process.cwd(), out) || out} and ${path.relative(process.cwd(), svg) || svg}\n`);
    return;
  }
  const out = outArg ?? path.join(repoRoot, "bench", "results", "latest.json");
  const report = await runBench({ ...DEFAULT_OPTIONS, ...options });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Written whole, then renamed: an interrupted run never leaves half a report.
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  fs.renameSync(`${out}.tmp`, out);
  process.stdout.write(`${formatTable(report)}\n\nwritten to ${path.relative(process.cwd(), out) || out}\n`);
}

main().then(
  // The Automation API leaves handles open (its gRPC server); the report is written.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
