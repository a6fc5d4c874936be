/**
 * Every program under `examples/` type-checks against the package and runs
 * `up` then `destroy` through the real engine against the emulator, so the
 * examples cannot rot.
 *
 * The programs run inline (the Automation API loads `index.ts` in this
 * process under the example's project name, so `new pulumi.Config()` reads
 * the same keys as `pulumi up` in that directory would): the nodejs language
 * host that `pulumi up` of a directory needs cannot be built here (see
 * scripts/pulumi-cli.mjs). Config: `orgId` and `projectId` come from the
 * emulator, every other key the program `require`s gets a generated value
 * (a secret when read with `requireSecret`), and the `config:` block of the
 * example's Pulumi.yaml applies (e.g. `atlasUsers:platform`).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine } from "../support/engine";
import { repoRoot } from "../support/workdir";

const examplesDir = path.join(repoRoot, "examples");
// The TypeScript programs (`index.ts`); programs in other languages (examples/yaml) run through the CLI in test/engine/plugin.test.ts.
const examples = fs
  .readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, "Pulumi.yaml")) && fs.existsSync(path.join(examplesDir, name, "index.ts")))
  .sort();

/** The few Pulumi.yaml fields the test needs: the project name and the `config:` block's values. */
function readProject(dir: string): { name: string; config: Record<string, string> } {
  const text = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
  const name = /^name:\s*(\S+)\s*$/m.exec(text)?.[1];
  if (!name) throw new Error(`${dir}/Pulumi.yaml has no name`);
  const config: Record<string, string> = {};
  const block = /^config:\s*\n((?:[ \t]+.*\n?)*)/m.exec(text)?.[1] ?? "";
  // `key:\n    value: v` or `key: v`
  for (const m of block.matchAll(/^[ \t]{2}([\w:.-]+):[ \t]*(\S.*)?\n(?:[ \t]{4}value:[ \t]*(\S.*))?/gm)) {
    const value = (m[2] ?? m[3] ?? "").replace(/^["']|["']$/g, "");
    if (value) config[m[1]] = value;
  }
  return { name, config };
}

/** Config keys the program reads with `config.require(...)` / `config.requireSecret(...)`. */
function requiredKeys(source: string): { key: string; secret: boolean }[] {
  return [...source.matchAll(/\.require(Secret)?\(\s*["']([\w:.-]+)["']\s*\)/g)].map((m) => ({
    key: m[2],
    secret: m[1] === "Secret",
  }));
}

/**
 * Evaluates a program's `index.ts` afresh on every call (each `up` must
 * register its resources again), with this file's `require`: so the program
 * shares this process's single `@pulumi/pulumi` (a second copy cannot talk to
 * the engine) and `pulumi-atlas-users` maps to the sources as everywhere under jest.
 */
function runProgramSource(file: string): Record<string, unknown> {
  const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", "__filename", "__dirname", outputText)(
    module.exports,
    require,
    module,
    file,
    path.dirname(file),
  );
  return { ...module.exports };
}

/** Examples in other languages, and the test file that runs each through the CLI. */
const OTHER_LANGUAGE_EXAMPLES: Record<string, string> = { yaml: "test/engine/plugin.test.ts" };

test("every example is run by a test: TypeScript ones here, the others by the file named for them", () => {
  const all = fs.readdirSync(examplesDir).filter((name) => fs.existsSync(path.join(examplesDir, name, "Pulumi.yaml")));
  const others = all.filter((name) => !examples.includes(name)).sort();
  expect(others).toEqual(Object.keys(OTHER_LANGUAGE_EXAMPLES).sort());
  for (const [name, file] of Object.entries(OTHER_LANGUAGE_EXAMPLES)) {
    expect(fs.readFileSync(path.join(repoRoot, file), "utf8")).toContain(`"examples", "${name}"`);
  }
});

test("there is at least the quickstart example", () => {
  expect(examples).toContain("quickstart");
});

test("every example type-checks against the package's sources", () => {
  const files = examples.map((name) => path.join(examplesDir, name, "index.ts"));
  const program = ts.createProgram(files, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    typeRoots: [path.join(repoRoot, "node_modules", "@types")],
    baseUrl: repoRoot,
    paths: { "pulumi-atlas-users": ["provider/index.ts"], "@pulumi/pulumi": ["node_modules/@pulumi/pulumi"] },
  });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.includes(path.resolve(d.file.fileName)))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(diagnostics).toEqual([]);
});

describeEngine("examples run against the emulator", () => {
  let emu: EmulatorHandle;

  beforeAll(async () => {
    emu = await startTestEmulator();
  });

  afterAll(async () => {
    await emu?.close();
  });

  test.each(examples)("examples/%s: up, then destroy", async (name) => {
    const dir = path.join(examplesDir, name);
    const project = readProject(dir);
    const source = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
    await emulatorControl.reset(emu);
    const flavor = project.config["atlasUsers:platform"];
    if (flavor === "ops-manager" || flavor === "cloud-manager") {
      await emulatorControl.settings(emu, { publicApiFlavor: flavor });
    }

    const generated: string[] = [];
    const config: Record<string, { value: string; secret?: boolean }> = {};
    for (const [key, value] of Object.entries(project.config)) config[key] = { value };
    for (const { key, secret } of requiredKeys(source)) {
      if (key === "orgId") config[key] = { value: emu.orgId };
      else if (key === "projectId") config[key] = { value: emu.projectId };
      else {
        // Strong, and unrelated to any username (Atlas rejects passwords containing it).
        const value = `Zq7!${randomBytes(6).toString("hex")}-Kp${generated.length}`;
        generated.push(value);
        config[key] = { value, secret };
      }
    }

    const stack = await createEngineStack({
      emulator: emu,
      projectName: project.name,
      config,
      program: async () => runProgramSource(path.join(dir, "index.ts")),
    });
    try {
      const up = await stack.up();
      expect(up.summary.create).toBeGreaterThan(0);
      expect(up.summary.create).toBe((await stack.resources()).length);
      const destroy = await stack.destroy();
      expect(destroy.summary.delete).toBe(up.summary.create);
      expect(await stack.resources()).toEqual([]);
      assertNoSecrets(stack.stateFileText() + stack.allOutput(), [...generated, emu.privateKey]);
    } finally {
      await stack.dispose();
    }
  });
});
