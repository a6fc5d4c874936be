/**
 * `npm run bench [-- --users N --runs R --latency MS --no-baseline --out FILE]`: runs the
 * benchmark, prints a table, writes the JSON report (default
 * `bench/results/latest.json`).
 */
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_OPTIONS, formatTable, runBench, type BenchOptions } from "./bench";
import { repoRoot } from "../test/support/workdir";

function parseArgs(argv: readonly string[]): { options: Partial<BenchOptions>; out: string } {
  const options: Partial<BenchOptions> = {};
  let out = path.join(repoRoot, "bench", "results", "latest.json");
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
      case "--out":
        if (!value) throw new Error("--out needs a file name");
        out = path.resolve(value);
        break;
      default:
        throw new Error(`unknown argument ${flag}; usage: npm run bench -- [--users N] [--runs R] [--latency MS] [--no-baseline] [--out FILE]`);
    }
    i++;
  }
  return { options, out };
}

async function main(): Promise<void> {
  const { options, out } = parseArgs(process.argv.slice(2));
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
