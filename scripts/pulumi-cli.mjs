#!/usr/bin/env node
// Resolves a Pulumi CLI for the engine tests and the demo, offline.
//
// Order: a `pulumi` >= 3.181 on PATH; else a cached build; else, when `go` is
// available, a build from the Go modules of the same version as the installed
// `@pulumi/pulumi` (the machines this project runs on reach package registries
// only, so get.pulumi.com and the npm wrapper's download cannot work); else
// instructions and exit 1.
//
//   node scripts/pulumi-cli.mjs               resolve (building if needed) and describe the result
//   node scripts/pulumi-cli.mjs --print-root  same, then print one line: R such that R/bin/pulumi runs
//   --no-build                                never build: resolve from PATH or the cache only (exit 2 if neither)
//   --no-path                                 ignore a `pulumi` on PATH
//   --retry-language-host                     try to resolve/build pulumi-language-nodejs again, and pulumi-language-yaml after a failed build
//   --optional                                when no CLI can be had (no pulumi, no go), say so and exit 0
//                                             (npm's pretest: the engine tests then skip loudly); never under CI=true
//
// R/bin also holds the plugins: pulumi-resource-pulumi-nodejs (copied from the
// @pulumi/pulumi npm package), pulumi-analyzer-policy-nodejs (a launcher for
// Node.js policy packs, written here) and, when its Go module resolves,
// pulumi-language-nodejs (needed by `pulumi up` of a program directory, not by
// inline Automation API programs). R/language-host.json says which.
// It also builds the YAML language host, pulumi-language-yaml (a tagged module
// of its own, github.com/pulumi/pulumi-yaml, built with its own dependencies),
// which `pulumi up` of a `runtime: yaml` program needs; R/language-yaml.json
// records the outcome. It is not required: when it cannot be built the CLI is
// still resolved (exit 0) and the YAML tests say why they cannot run.
//
// Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-atlas-users/pulumi-cli/v<version>
// (src/ wrapper module, build.log, bin/). Keyed by version: instant once built.

import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const MIN_PATH_VERSION = [3, 181, 0];
const CLI_MODULE = "github.com/pulumi/pulumi/pkg/v3";
const SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3";
const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const LANGUAGE_HOST_MODULE = "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3";
const VERSION_LDFLAG = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const YAML_HOST_PACKAGE = "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml";
const YAML_HOST_VERSION = "v1.25.0";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const printRoot = args.has("--print-root");
const noBuild = args.has("--no-build");
const noPath = args.has("--no-path");
const retryLanguageHost = args.has("--retry-language-host");
const optional = args.has("--optional") && process.env.CI !== "true";

/** Progress goes to stderr: with --print-root, stdout carries the root only. */
function log(message) {
  process.stderr.write(`[pulumi-cli] ${message}\n`);
}

function fail(message, code = 1) {
  process.stderr.write(`[pulumi-cli] ${message}\n`);
  process.exit(code);
}

function sdkPackageDir() {
  const require = createRequire(path.join(repoRoot, "package.json"));
  try {
    return path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  } catch {
    fail("@pulumi/pulumi is not installed: run `npm ci` first.");
  }
}

function parseVersion(text) {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text ?? "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(v, min) {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

function run(cmd, argv, opts = {}) {
  return spawnSync(cmd, argv, { encoding: "utf8", ...opts });
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** The version a pulumi binary reports, or undefined if it does not run. */
function cliVersion(binary) {
  const r = run(binary, ["version"], { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 30000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * True when `binary` reports `version`. The answer is remembered in a stamp
 * beside it (keyed by size and mtime), so that later calls do not start it.
 */
function hasVersion(binary, version) {
  let stat;
  try {
    stat = fs.statSync(binary);
  } catch {
    return false;
  }
  const stampFile = `${binary}.version-stamp`;
  const stamp = `${version} ${stat.size} ${stat.mtimeMs}`;
  try {
    if (fs.readFileSync(stampFile, "utf8") === stamp) return true;
  } catch {
    // no stamp yet
  }
  if (cliVersion(binary) !== version) return false;
  fs.writeFileSync(stampFile, stamp);
  return true;
}

/** Copies the dynamic-provider plugin launcher shipped in @pulumi/pulumi into bin/. */
function installResourcePlugin(binDir, sdkDir) {
  for (const name of ["pulumi-resource-pulumi-nodejs", "pulumi-resource-pulumi-nodejs.cmd"]) {
    const from = path.join(sdkDir, name);
    if (!fs.existsSync(from)) continue;
    const to = path.join(binDir, name);
    const content = fs.readFileSync(from);
    if (!fs.existsSync(to) || !fs.readFileSync(to).equals(content)) {
      fs.writeFileSync(`${to}.tmp`, content, { mode: 0o755 });
      fs.renameSync(`${to}.tmp`, to);
    }
  }
}

/**
 * The launcher the CLI starts for a Node.js policy pack (`--policy-pack DIR`,
 * PulumiPolicy.yaml `runtime: nodejs`) when it finds no pulumi-language-nodejs:
 * it looks for `pulumi-analyzer-policy-nodejs` (plugin dir, beside the CLI,
 * PATH) and runs it with cwd = the pack's directory and the arguments
 * `<engine address> .` (sdk/go/common/resource/plugin/analyzer_plugin.go,
 * NewPolicyAnalyzer). It runs @pulumi/pulumi's run-policy-pack, resolved
 * from the pack's directory, as the CLI's own `pulumi-analyzer-policy` does.
 */
const POLICY_ANALYZER = [
  "#!/bin/sh",
  "# Written by pulumi-atlas-users/scripts/pulumi-cli.mjs: runs a Node.js policy pack (cwd: the pack's directory).",
  "RUN_POLICY_PACK=$(node -e \"console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))\") || exit 1",
  'exec node "$RUN_POLICY_PACK" "$@"',
  "",
].join("\n");

/** Writes the policy-pack launcher into bin/ (there is no copy of it in @pulumi/pulumi). */
function installPolicyAnalyzer(binDir) {
  const to = path.join(binDir, "pulumi-analyzer-policy-nodejs");
  if (fs.existsSync(to) && fs.readFileSync(to, "utf8") === POLICY_ANALYZER) return;
  fs.writeFileSync(`${to}.tmp`, POLICY_ANALYZER, { mode: 0o755 });
  fs.renameSync(`${to}.tmp`, to);
}

function readLanguageHostStatus(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "language-host.json"), "utf8"));
  } catch {
    return undefined;
  }
}

function writeLanguageHostStatus(root, status) {
  fs.writeFileSync(path.join(root, "language-host.json"), `${JSON.stringify(status, null, 2)}\n`);
}

/** A lock directory so that two callers (pretest and .ci/run, two terminals) never build at once. */
function withLock(dir, fn, name = ".build.lock") {
  const lock = path.join(dir, name);
  const deadline = Date.now() + 90 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      let owner;
      try {
        owner = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
      } catch {
        owner = undefined;
      }
      let alive = false;
      if (owner) {
        try {
          process.kill(owner, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (!alive && owner !== undefined) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) fail(`timed out waiting for the build lock ${lock}`);
      log(`another build holds ${lock} (pid ${owner ?? "?"}); waiting...`);
      execFileSync("sleep", ["10"]);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function goEnv() {
  // Never let the build touch the user's shell state beyond Go's own caches.
  return { ...process.env, GOFLAGS: [process.env.GOFLAGS, "-mod=mod"].filter(Boolean).join(" ") };
}

/** Runs a go command with its output appended to build.log; returns the exit status. */
function goLogged(argv, cwd, logFile, env = goEnv()) {
  fs.appendFileSync(logFile, `\n$ go ${argv.join(" ")}\n`);
  const fd = fs.openSync(logFile, "a");
  try {
    const r = spawnSync("go", argv, { cwd, env, stdio: ["ignore", fd, fd] });
    return r.status ?? 1;
  } finally {
    fs.closeSync(fd);
  }
}

function goJson(argv, cwd) {
  const r = run("go", argv, { cwd, env: goEnv(), timeout: 300000 });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim() };
  try {
    return { value: JSON.parse(r.stdout) };
  } catch {
    return { error: `unparsable output of go ${argv.join(" ")}` };
  }
}

/** `replace` directives of a module's go.mod that do not point at a local directory. */
function nonLocalReplaces(goModText) {
  const out = [];
  const lines = goModText.split("\n");
  let inBlock = false;
  for (const raw of lines) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (inBlock) {
      if (line === ")") {
        inBlock = false;
        continue;
      }
      if (line) out.push(line);
      continue;
    }
    if (/^replace\s*\($/.test(line)) {
      inBlock = true;
      continue;
    }
    const m = /^replace\s+(.+)$/.exec(line);
    if (m) out.push(m[1]);
  }
  return out.filter((r) => {
    const target = r.split("=>")[1]?.trim() ?? "";
    return !(target.startsWith(".") || target.startsWith("/"));
  });
}

/** The go.mod text of module@version, downloaded through the module proxy. */
function moduleGoMod(mod, version, cwd) {
  const r = goJson(["mod", "download", "-json", `${mod}@${version}`], cwd);
  if (r.error) return r;
  if (r.value.Error) return { error: r.value.Error };
  return { value: fs.readFileSync(r.value.GoMod, "utf8") };
}

function goVersionLine(goModText) {
  return /^go\s+(\S+)/m.exec(goModText)?.[1];
}

function checkGoVersion(required) {
  const have = parseVersion(run("go", ["env", "GOVERSION"]).stdout);
  const need = parseVersion(required);
  if (have && need && !atLeast(have, need)) {
    fail(
      `Go ${have.join(".")} is too old to build the Pulumi CLI (its go.mod needs go ${required}). ` +
        `Install Go >= ${required}, or set GOTOOLCHAIN=go${required} so the go command fetches that toolchain, and rerun.`,
    );
  }
}

/** Writes a wrapper module in srcDir requiring `requires` at their versions, with `replaces`, importing `imports`. */
function writeWrapperModule(srcDir, { name, goVersion, requires, replaces, imports }) {
  fs.mkdirSync(srcDir, { recursive: true });
  const goMod = [
    `module ${name}`,
    "",
    `go ${goVersion}`,
    "",
    "require (",
    ...requires.map(([mod, v]) => `\t${mod} ${v}`),
    ")",
    "",
    ...replaces.map((r) => `replace ${r}`),
    "",
  ].join("\n");
  fs.writeFileSync(path.join(srcDir, "go.mod"), goMod);
  fs.writeFileSync(
    path.join(srcDir, "tools.go"),
    `//go:build tools\n\npackage tools\n\n${imports.map((i) => `import _ "${i}"`).join("\n")}\n`,
  );
}

function buildCli(root, version, sdkDir) {
  const binDir = path.join(root, "bin");
  const srcDir = path.join(root, "src");
  const logFile = path.join(root, "build.log");
  fs.mkdirSync(binDir, { recursive: true });
  fs.writeFileSync(logFile, `building pulumi ${version} from Go modules (${new Date().toISOString()})\n`);
  log(`building the Pulumi CLI ${version} from the Go modules (the first time takes many minutes; log: ${logFile})`);

  const goMod = moduleGoMod(CLI_MODULE, version, os.tmpdir());
  if (goMod.error) {
    fail(`cannot download ${CLI_MODULE}@${version} from the Go module proxy: ${goMod.error}`);
  }
  const goVersion = goVersionLine(goMod.value) ?? "1.25.11";
  checkGoVersion(goVersion);
  writeWrapperModule(srcDir, {
    name: "pulumi-cli-wrapper",
    goVersion,
    requires: [
      [CLI_MODULE, version],
      [SDK_MODULE, version],
    ],
    replaces: nonLocalReplaces(goMod.value),
    imports: [CLI_PACKAGE],
  });
  if (goLogged(["mod", "tidy"], srcDir, logFile) !== 0) {
    fail(`go mod tidy failed for the CLI wrapper module; see ${logFile}`);
  }
  const tmpBinary = path.join(binDir, "pulumi.partial");
  const status = goLogged(
    ["build", "-o", tmpBinary, "-ldflags", `-X ${VERSION_LDFLAG}=${version}`, CLI_PACKAGE],
    srcDir,
    logFile,
  );
  if (status !== 0) fail(`go build of the Pulumi CLI failed; see ${logFile}`);
  fs.renameSync(tmpBinary, path.join(binDir, "pulumi"));
  fs.appendFileSync(logFile, "done\n");
  log(`built ${path.join(binDir, "pulumi")}`);
  installResourcePlugin(binDir, sdkDir);
  installPolicyAnalyzer(binDir);
}

/**
 * The language host module has no release tags: only a commit pseudo-version
 * can name it. Resolve one (PULUMI_LANGUAGE_NODEJS_VERSION, else what the
 * proxy lists), build it, and record the outcome either way so that later
 * calls stay instant.
 */
function ensureLanguageHost(root, version) {
  const binDir = path.join(root, "bin");
  const binary = path.join(binDir, "pulumi-language-nodejs");
  if (fs.existsSync(binary)) return;
  const previous = readLanguageHostStatus(root);
  if (previous && !previous.available && !retryLanguageHost && !process.env.PULUMI_LANGUAGE_NODEJS_VERSION) return;
  if (noBuild || !which("go")) return;

  const logFile = path.join(root, "build-language-nodejs.log");
  fs.writeFileSync(logFile, `resolving ${LANGUAGE_HOST_MODULE} for ${version} (${new Date().toISOString()})\n`);
  let hostVersion = process.env.PULUMI_LANGUAGE_NODEJS_VERSION;
  const tried = [];
  if (!hostVersion) {
    const listed = goJson(["list", "-m", "-json", "-versions", `${LANGUAGE_HOST_MODULE}@latest`], os.tmpdir());
    if (listed.value?.Version) hostVersion = listed.value.Version;
    else tried.push(`go list -m -versions ${LANGUAGE_HOST_MODULE}@latest: ${listed.error ?? "no version"}`);
  }
  if (!hostVersion) {
    const reason =
      "the Go module proxy serves no version of " +
      `${LANGUAGE_HOST_MODULE} (it has no release tags, and the proxy here refuses to list it or resolve branch names). ` +
      "Set PULUMI_LANGUAGE_NODEJS_VERSION=<pseudo-version of the v" +
      `${version.replace(/^v/, "")} commit> and rerun with --retry-language-host to build it.`;
    fs.appendFileSync(logFile, `${tried.join("\n")}\n${reason}\n`);
    writeLanguageHostStatus(root, { available: false, reason, checkedAt: new Date().toISOString() });
    log(`pulumi-language-nodejs unavailable: ${reason}`);
    return;
  }

  log(`building pulumi-language-nodejs ${hostVersion} (log: ${logFile})`);
  const goMod = moduleGoMod(LANGUAGE_HOST_MODULE, hostVersion, os.tmpdir());
  const srcDir = path.join(root, "src-language-nodejs");
  const ok =
    !goMod.error &&
    (writeWrapperModule(srcDir, {
      name: "pulumi-language-nodejs-wrapper",
      goVersion: goVersionLine(goMod.value) ?? "1.25.11",
      requires: [
        [LANGUAGE_HOST_MODULE, hostVersion],
        [CLI_MODULE, version],
        [SDK_MODULE, version],
      ],
      replaces: nonLocalReplaces(goMod.value),
      imports: [LANGUAGE_HOST_MODULE],
    }),
    goLogged(["mod", "tidy"], srcDir, logFile) === 0) &&
    goLogged(
      ["build", "-o", `${binary}.partial`, "-ldflags", `-X ${VERSION_LDFLAG}=${version}`, LANGUAGE_HOST_MODULE],
      srcDir,
      logFile,
    ) === 0;
  if (ok) {
    fs.renameSync(`${binary}.partial`, binary);
    writeLanguageHostStatus(root, { available: true, version: hostVersion, builtAt: new Date().toISOString() });
    log(`built ${binary}`);
  } else {
    const reason = `building ${LANGUAGE_HOST_MODULE}@${hostVersion} failed: ${goMod.error ?? `see ${logFile}`}`;
    writeLanguageHostStatus(root, { available: false, reason, checkedAt: new Date().toISOString() });
    log(reason);
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The YAML language host, beside the CLI in R/bin (where the CLI looks for
 * its bundled language plugins). `go install` of the tagged module builds it
 * with its own go.mod's dependencies, into a temp directory inside R, and the
 * binary is then renamed into bin/ (atomic): callers using R/bin meanwhile see
 * it absent or whole. Nothing already in R is rewritten; the outcome goes to
 * R/language-yaml.json (a failure is not retried without --retry-language-host).
 */
function ensureYamlHost(root) {
  const binary = path.join(root, "bin", "pulumi-language-yaml");
  const statusFile = path.join(root, "language-yaml.json");
  const previous = readJson(statusFile);
  if (fs.existsSync(binary)) return;
  if (previous && !previous.available && previous.version === YAML_HOST_VERSION && !retryLanguageHost) return;
  if (noBuild || !which("go")) return;

  const tmp = fs.mkdtempSync(path.join(root, ".yaml-build-"));
  const logFile = path.join(tmp, "build-language-yaml.log");
  const started = Date.now();
  fs.writeFileSync(logFile, `building ${YAML_HOST_PACKAGE}@${YAML_HOST_VERSION} (${new Date().toISOString()})\n`);
  log(`building pulumi-language-yaml ${YAML_HOST_VERSION} (a few minutes the first time; log: ${path.join(root, "build-language-yaml.log")})`);
  // Outside any module (cwd: the temp dir): `go install pkg@version` then uses
  // the module's own go.mod; -mod=mod (goEnv) would be rejected there.
  const env = { ...process.env, GOBIN: tmp, GOFLAGS: "" };
  const status = goLogged(["install", `${YAML_HOST_PACKAGE}@${YAML_HOST_VERSION}`], tmp, logFile, env);
  const seconds = Math.round((Date.now() - started) / 1000);
  fs.appendFileSync(logFile, status === 0 ? `done in ${seconds}s\n` : `failed (exit ${status}) after ${seconds}s\n`);
  const built = path.join(tmp, "pulumi-language-yaml");
  let outcome;
  if (status === 0 && fs.existsSync(built)) {
    fs.renameSync(built, binary);
    outcome = { available: true, version: YAML_HOST_VERSION, buildSeconds: seconds, builtAt: new Date().toISOString() };
    log(`built ${binary} in ${seconds}s`);
  } else {
    const reason = `go install ${YAML_HOST_PACKAGE}@${YAML_HOST_VERSION} failed (exit ${status}); see ${path.join(root, "build-language-yaml.log")}`;
    outcome = { available: false, version: YAML_HOST_VERSION, reason, checkedAt: new Date().toISOString() };
    log(`pulumi-language-yaml unavailable: ${reason} (rerun with --retry-language-host to try again)`);
  }
  fs.renameSync(logFile, path.join(root, "build-language-yaml.log"));
  fs.writeFileSync(`${statusFile}.tmp`, `${JSON.stringify(outcome, null, 2)}\n`);
  fs.renameSync(`${statusFile}.tmp`, statusFile);
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** A `pulumi` >= 3.181 on PATH, linked into a root of our own so R/bin also holds the plugins. */
function fromPath(cacheBase, sdkDir) {
  fs.mkdirSync(cacheBase, { recursive: true });
  const found = which("pulumi");
  if (!found) return undefined;
  const reported = cliVersion(found);
  const v = parseVersion(reported);
  if (!v || !atLeast(v, MIN_PATH_VERSION)) {
    log(`ignoring ${found} (version ${reported ?? "unknown"}; need >= ${MIN_PATH_VERSION.join(".")})`);
    return undefined;
  }
  const real = fs.realpathSync(found);
  // Our own builds may be on PATH (the demo puts them there): they are the cache, not a system install.
  if (real.startsWith(fs.realpathSync(path.dirname(cacheBase)) + path.sep)) return undefined;
  const root = path.join(cacheBase, `path-v${v.join(".")}`);
  const binDir = path.join(root, "bin");
  fs.mkdirSync(binDir, { recursive: true });
  const link = (target, name) => {
    const to = path.join(binDir, name);
    let current;
    try {
      current = fs.readlinkSync(to);
    } catch {
      current = undefined;
    }
    if (current !== target) {
      fs.rmSync(to, { force: true });
      fs.symlinkSync(target, to);
    }
  };
  link(real, "pulumi");
  const languageHost = [path.join(path.dirname(real), "pulumi-language-nodejs"), which("pulumi-language-nodejs")].find(
    (p) => p && fs.existsSync(p),
  );
  if (languageHost) link(fs.realpathSync(languageHost), "pulumi-language-nodejs");
  const yamlHost = [path.join(path.dirname(real), "pulumi-language-yaml"), which("pulumi-language-yaml")].find(
    (p) => p && fs.existsSync(p),
  );
  if (yamlHost) link(fs.realpathSync(yamlHost), "pulumi-language-yaml");
  else if (!noBuild) withLock(root, () => ensureYamlHost(root), ".build-yaml.lock");
  writeLanguageHostStatus(
    root,
    languageHost
      ? { available: true, source: languageHost }
      : { available: false, reason: `no pulumi-language-nodejs beside ${real} or on PATH` },
  );
  installResourcePlugin(binDir, sdkDir);
  installPolicyAnalyzer(binDir);
  return { root, source: `${found} (${reported})` };
}

function main() {
  const sdkDir = sdkPackageDir();
  const version = `v${JSON.parse(fs.readFileSync(path.join(sdkDir, "package.json"), "utf8")).version}`;
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const cacheBase = path.join(cacheHome, "pulumi-atlas-users", "pulumi-cli");

  let resolved = noPath ? undefined : fromPath(cacheBase, sdkDir);

  if (!resolved) {
    const root = path.join(cacheBase, version);
    const binary = path.join(root, "bin", "pulumi");
    if (!hasVersion(binary, version)) {
      if (noBuild) {
        fail(
          `no Pulumi CLI: none on PATH and no cached build at ${binary}. Run \`node scripts/pulumi-cli.mjs\` (or \`npm run pulumi-cli\`) to build it.`,
          2,
        );
      }
      if (!which("go")) {
        if (optional) {
          log("no Pulumi CLI and no `go` to build one: the engine tests will be skipped (run `npm run pulumi-cli` for details).");
          process.exit(0);
        }
        fail(
          [
            "no Pulumi CLI found, and no `go` to build one. Either:",
            `  - install Pulumi ${version} (https://www.pulumi.com/docs/install/): curl -fsSL https://get.pulumi.com | sh -s -- --version ${version.slice(1)}`,
            "    then make sure `pulumi` is on PATH (it is used when it reports >= 3.181), or",
            "  - install Go >= 1.25.11 (https://go.dev/dl/) and rerun this script: it builds the CLI from the Go module proxy.",
          ].join("\n"),
        );
      }
      fs.mkdirSync(root, { recursive: true });
      withLock(root, () => {
        if (!hasVersion(binary, version)) buildCli(root, version, sdkDir);
      });
    }
    installResourcePlugin(path.join(root, "bin"), sdkDir);
    installPolicyAnalyzer(path.join(root, "bin"));
    if (!noBuild) withLock(root, () => ensureLanguageHost(root, version));
    // Its own lock: callers that only need the CLI do not wait for this build.
    if (!noBuild) withLock(root, () => ensureYamlHost(root), ".build-yaml.lock");
    resolved = { root, source: `cached build ${binary} (${version})` };
  }

  if (printRoot) {
    process.stdout.write(`${resolved.root}\n`);
    return;
  }
  const lh = readLanguageHostStatus(resolved.root);
  const yamlHost = fs.existsSync(path.join(resolved.root, "bin", "pulumi-language-yaml"));
  const yamlStatus = readJson(path.join(resolved.root, "language-yaml.json"));
  process.stdout.write(
    [
      `Pulumi CLI: ${resolved.source}`,
      `root:       ${resolved.root}   (use ${path.join(resolved.root, "bin")} on PATH)`,
      `plugins:    pulumi-resource-pulumi-nodejs, pulumi-analyzer-policy-nodejs${lh?.available ? ", pulumi-language-nodejs" : ""}${yamlHost ? ", pulumi-language-yaml" : ""}`,
      lh && !lh.available ? `language host unavailable: ${lh.reason}` : undefined,
      !yamlHost ? `YAML language host unavailable: ${yamlStatus?.reason ?? "not built (run without --no-build, with go installed)"}` : undefined,
    ]
      .filter(Boolean)
      .join("\n") + "\n",
  );
}

main();
