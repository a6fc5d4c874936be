#!/usr/bin/env node
// `npm run demo`: the quickstart program (examples/quickstart, the root
// Pulumi.yaml's program) through the real Pulumi engine against the local
// Atlas emulator, narrated step by step. Everything it creates lives in one
// temp directory, removed at the end; nothing is left running.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(repoRoot, "package.json"));
const programDir = path.join(repoRoot, "examples", "quickstart");

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
let stepNo = 0;
function step(title) {
  stepNo += 1;
  process.stdout.write(`\n${bold(`━━ ${stepNo}. ${title}`)}\n`);
}
function say(text) {
  process.stdout.write(`${text.replace(/^/gm, "   ")}\n`);
}
/**
 * The engine's own output, indented so the narration stands out, without the
 * non-interactive progress dots ("@ updating....").
 */
let pendingLine = "";
function engineOutput(chunk) {
  const lines = (pendingLine + chunk).split("\n");
  pendingLine = lines.pop() ?? "";
  for (const line of lines) {
    const text = line.replace(/^@ [a-z]+\.*\s*/, "");
    if (text.trim() !== "" || line === "") process.stdout.write(`   │ ${text}\n`);
  }
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"], ...opts });
}

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (err) {
      process.stderr.write(`cleanup: ${err?.message ?? err}\n`);
    }
  }
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => cleanup().finally(() => process.exit(130)));
}

/** Links `pulumi-atlas-users` (this repo) and `@pulumi` into dir/node_modules, as `npm install` in the example would. */
function linkPackages(dir) {
  const nodeModules = path.join(dir, "node_modules");
  fs.mkdirSync(nodeModules, { recursive: true });
  fs.symlinkSync(repoRoot, path.join(nodeModules, "pulumi-atlas-users"), "dir");
  fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi"), path.join(nodeModules, "@pulumi"), "dir");
  for (const name of ["typescript", "@types"]) {
    const target = path.join(repoRoot, "node_modules", name);
    if (fs.existsSync(target)) fs.symlinkSync(target, path.join(nodeModules, name), "dir");
  }
}

/**
 * The program as an inline Automation API program: index.ts transpiled once,
 * evaluated afresh on every `up` (each run registers its resources again),
 * with `require` resolving from the program's directory.
 */
function inlineProgram(workDir) {
  const ts = require("typescript");
  const file = path.join(workDir, "index.ts");
  const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const programRequire = createRequire(file);
  return async () => {
    const module = { exports: {} };
    new Function("exports", "require", "module", "__filename", "__dirname", outputText)(
      module.exports,
      programRequire,
      module,
      file,
      workDir,
    );
    return { ...module.exports };
  };
}

function show(outputs) {
  const width = Math.max(...Object.keys(outputs).map((k) => k.length));
  for (const [key, { value, secret }] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
    const shown = secret ? "[secret]" : typeof value === "string" ? value : JSON.stringify(value);
    say(`${key.padEnd(width)}  ${shown}`);
  }
}

/** The engine's counts, which include the stack itself as one resource. */
function summary(result) {
  const changes = result.summary?.resourceChanges ?? {};
  return `${Object.entries(changes)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ")} (the stack itself counts as one)`;
}

async function main() {
  const started = Date.now();
  process.stdout.write(
    bold("pulumi-atlas-users demo") +
      ": the quickstart program through the real Pulumi engine, against a local Atlas emulator.\n",
  );

  step("Build the package (tsc)");
  run("npm", ["run", "build", "--silent"]);
  say("dist/ is what the engine's provider host loads (the package requires itself by name).");

  step("Find the Pulumi CLI");
  const root = execFileSync(process.execPath, [path.join(repoRoot, "scripts", "pulumi-cli.mjs"), "--print-root"], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const languageHost = fs.existsSync(path.join(root, "bin", "pulumi-language-nodejs"));
  say(`pulumi: ${path.join(root, "bin", "pulumi")}`);
  say(
    languageHost
      ? "The nodejs language host is there: the program directory runs as `pulumi up` would run it."
      : "No nodejs language host could be built here (its Go module is not served), so the program\n" +
          "runs as an inline Automation API program: the same index.ts, the same engine, the same provider host.",
  );

  step("Start the Atlas emulator");
  const { startEmulator } = require(path.join(repoRoot, "dist", "emulator", "index.js"));
  const emu = await startEmulator({ port: 0, quiet: true });
  cleanups.push(() => emu.close());
  say(`${emu.baseUrl}  (organization ${emu.orgId}, project ${emu.projectId})`);
  const control = async (method, p, body) => {
    const res = await fetch(`${emu.baseUrl}/__emulator/${p}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`emulator ${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-users-demo-"));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const backend = path.join(tmp, "state");
  const pulumiHome = path.join(tmp, "pulumi-home");
  const workDir = path.join(tmp, "quickstart");
  fs.mkdirSync(backend);
  fs.mkdirSync(pulumiHome);
  fs.mkdirSync(workDir);
  for (const file of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) {
    fs.copyFileSync(path.join(programDir, file), path.join(workDir, file));
  }
  // The example's own package.json points at ../.. (relative to examples/quickstart): restate it for this copy.
  const manifest = JSON.parse(fs.readFileSync(path.join(programDir, "package.json"), "utf8"));
  manifest.dependencies["pulumi-atlas-users"] = `file:${repoRoot}`;
  fs.writeFileSync(path.join(workDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  linkPackages(workDir);

  const auto = require("@pulumi/pulumi/automation");
  const pulumiCommand = await auto.PulumiCommand.get({ root, skipVersionCheck: true });
  const envVars = {
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "demo-only-passphrase",
    PULUMI_HOME: pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
  };
  const wsOpts = { workDir, pulumiHome, pulumiCommand, envVars };
  const stack = languageHost
    ? await auto.LocalWorkspace.createStack({ stackName: "demo", workDir }, wsOpts)
    : await auto.LocalWorkspace.createStack(
        { stackName: "demo", projectName: "quickstart", program: inlineProgram(workDir) },
        { ...wsOpts, projectSettings: { name: "quickstart", runtime: "nodejs" } },
      );
  const cleanupStack = async () => {
    // If the demo stopped half-way, take down what it created, then forget the stack.
    try {
      await stack.destroy({ onOutput: () => undefined });
    } finally {
      await stack.workspace.removeStack("demo", { force: true });
    }
  };
  cleanups.push(cleanupStack);

  const secret = () => `Demo-${randomBytes(9).toString("base64url")}-9!`;
  await stack.setAllConfig({
    "mongodbatlas:baseUrl": { value: emu.baseUrl },
    "mongodbatlas:publicKey": { value: emu.publicKey },
    "mongodbatlas:privateKey": { value: emu.privateKey, secret: true },
    "atlasUsers:allowInsecureHttp": { value: "true" },
    orgId: { value: emu.orgId },
    projectId: { value: emu.projectId },
    operatorPassword: { value: secret(), secret: true },
    appPassword: { value: secret(), secret: true },
    supportPassword: { value: secret(), secret: true },
  });

  step("pulumi up: create the four identities");
  say("Credentials are in stack config (the private key and the passwords as secrets), never in the program.");
  const up = await stack.up({ onOutput: engineOutput });
  say(`\nResult: ${summary(up)}. Stack outputs:`);
  show(up.outputs);

  const analyst = async () => {
    const state = await stack.exportStack();
    return state.deployment.resources.find((r) => r.urn.endsWith("OrgInvitation::analyst")).outputs;
  };
  step("The analyst accepts the invitation; pulumi refresh sees it");
  const invitation = await analyst();
  await control("POST", `orgs/${invitation.orgId}/users/${invitation.userId}:accept`);
  say(`Accepted in the emulator (as if analyst@example.com clicked the link). State still says ${invitation.status}.`);
  const refresh = await stack.refresh({ onOutput: engineOutput });
  say(`\nResult: ${summary(refresh)}. The invitation's status in state is now ${(await analyst()).status}.`);
  const preview = await stack.preview();
  say(`A preview afterwards plans: ${Object.entries(preview.changeSummary).map(([op, n]) => `${op} ${n}`).join(", ")} (accepting is not drift).`);

  step("25 hours pass: the temporary database user expires");
  const dayAndAnHour = 25 * 3600;
  await control("POST", "clock", { advanceSeconds: dayAndAnHour });
  // The provider decides "expired" with its own clock: move the provider host's clock too.
  Object.assign(stack.workspace.envVars, {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(repoRoot, "scripts", "demo-clock.cjs")}`.trim(),
    ATLAS_USERS_DEMO_CLOCK_OFFSET_MS: String(dayAndAnHour * 1000),
  });
  const users = (await control("GET", "state")).databaseUsers.map((u) => u.username);
  say(`The emulator's clock and the provider's are 25 h ahead. Database users Atlas still has: ${users.join(", ") || "(none)"}.`);
  say("pulumi up sees from the state that `support-oncall` has expired (no request needed) and issues it again,");
  say("with a fresh 24 hours (expiresIn with the default onExpiry: \"recreate\"):");
  const reissue = await stack.up({ onOutput: engineOutput });
  const reissued = (await control("GET", "state")).databaseUsers.map((u) => u.username);
  say(`\nResult: ${summary(reissue)}. supportExpiresAt was ${up.outputs.supportExpiresAt?.value}, now ${reissue.outputs.supportExpiresAt?.value}.`);
  say(`Database users Atlas has now: ${reissued.join(", ")}.`);

  step("pulumi destroy");
  const destroy = await stack.destroy({ onOutput: engineOutput });
  const after = await control("GET", "state");
  say(`\nResult: ${summary(destroy)}. Database users left in the emulator: ${after.databaseUsers.length}.`);
  cleanups.splice(cleanups.indexOf(cleanupStack), 1);
  await stack.workspace.removeStack("demo", { force: true });

  step("Do the same against MongoDB Atlas");
  say(
    [
      "cd examples/quickstart && npm install",
      "pulumi stack init dev",
      "pulumi config set mongodbatlas:publicKey <public key>",
      "pulumi config set --secret mongodbatlas:privateKey <private key>",
      "   # or: mongodbatlas:clientId + --secret mongodbatlas:clientSecret (a service account),",
      "   # or the MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY environment variables",
      "pulumi config set orgId <organization id>",
      "pulumi config set projectId <project id>",
      "pulumi config set operatorEmail <address>; pulumi config set analystEmail <address>",
      "pulumi config set --secret operatorPassword '<...>'",
      "pulumi config set --secret appPassword '<...>'",
      "pulumi config set --secret supportPassword '<...>'",
      "pulumi up",
    ].join("\n"),
  );

  await cleanup();
  process.stdout.write(`\n${bold(`Done in ${Math.round((Date.now() - started) / 1000)} s.`)} Nothing left running; the temp directory is gone.\n`);
}

main().then(
  () => process.exit(0),
  async (err) => {
    process.stderr.write(`\ndemo failed: ${err?.stack ?? err}\n`);
    await cleanup();
    process.exit(1);
  },
);
