/**
 * Helpers of the `audit` tests: the installed command run as a CI job runs it
 * (`bin/pulumi-atlas-users.js` in a fresh node process, with only the given
 * environment), and the identities of the findings of one category and kind.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import type { Finding } from "../../audit";
import { repoRoot } from "./workdir";

export const cliBin = path.join(repoRoot, "bin", "pulumi-atlas-users.js");

/** Runs the command; `input` goes to its standard input. Resolves with its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cliBin, ...args], { env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** The identities of the findings of one category and kind, sorted. */
export const pickFindings = (findings: readonly Finding[], category: Finding["category"], kind: Finding["kind"]) =>
  findings.filter((f) => f.category === category && f.kind === kind).map((f) => f.identity).sort();
