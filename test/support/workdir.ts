/**
 * A temp directory from which this package resolves by name, the way a
 * Pulumi program directory that depends on it does: `node_modules` holds
 * `pulumi-atlas-users` → this repo and `@pulumi` → this repo's
 * `node_modules/@pulumi`. The dynamic-provider host (and a fresh node process
 * loading a serialized provider) runs with such a directory as cwd, so that
 * the shim's `require("pulumi-atlas-users/internal/...")` reaches `dist/`
 * through the package's `exports` map.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The directory holding this package's package.json (also when compiled elsewhere, as the benchmark is). */
export const repoRoot = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "pulumi-atlas-users") return dir;
    } catch {
      // no package.json here: keep going up
    }
    if (path.dirname(dir) === dir) throw new Error(`no pulumi-atlas-users package.json above ${start}`);
  }
}

/**
 * Adds the two `node_modules` links to `dir` (created if needed).
 * `packageRoot` (default: this repo) is what `pulumi-atlas-users` resolves to.
 */
export function linkPackageInto(dir: string, packageRoot: string = repoRoot): void {
  const nodeModules = path.join(dir, "node_modules");
  fs.mkdirSync(nodeModules, { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi"), path.join(nodeModules, "@pulumi"), "dir");
  fs.symlinkSync(packageRoot, path.join(nodeModules, "pulumi-atlas-users"), "dir");
}

/** A fresh temp directory with the links; remove it with `fs.rmSync(dir, {recursive: true})`. */
export function createLinkedWorkDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  linkPackageInto(dir);
  return dir;
}
