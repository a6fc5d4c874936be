/**
 * schema.json makes an SDK: bound and validated against Pulumi's metaschema,
 * then generated for Python, Go and Node.js by pulumi/pkg v3.248.0's codegen
 * (what `pulumi package gen-sdk` runs inside each language plugin). The CLI
 * resolved here ships no language plugin (`gen-sdk --language python` says
 * "no language plugin 'pulumi-language-python' found"), so the test builds
 * `gensdk/main.go` offline (GOPROXY=off) against the Go modules the CLI was
 * built from: the go.mod/go.sum `scripts/pulumi-cli.mjs` left beside it.
 * Skipped (with the reason) when there is no `go` or no such go.mod.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engine } from "../support/engine";

jest.setTimeout(900_000);

const ROOT = path.resolve(__dirname, "../..");
const cliModule = engine.root ? path.join(engine.root, "src") : "";

function goAvailable(): string | undefined {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
  } catch {
    return "no `go` on PATH";
  }
  if (!cliModule || !fs.existsSync(path.join(cliModule, "go.mod"))) return `no Go module of the CLI build (${cliModule || "no CLI"}/go.mod)`;
  return undefined;
}

const unavailable = goAvailable();
const describeGo = unavailable ? describe.skip : describe;
// eslint-disable-next-line no-console
if (unavailable) console.warn(`gensdk tests skipped: ${unavailable}`);

describeGo("an SDK from schema.json", () => {
  let dir: string;
  let tool: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-gensdk-"));
    const src = path.join(dir, "src");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "go.mod"), fs.readFileSync(path.join(cliModule, "go.mod"), "utf8").replace(/^module .*$/m, "module gensdk"));
    fs.copyFileSync(path.join(cliModule, "go.sum"), path.join(src, "go.sum"));
    fs.copyFileSync(path.join(__dirname, "gensdk", "main.go"), path.join(src, "main.go"));
    tool = path.join(dir, "gensdk");
    // Offline: every module comes from the local module cache.
    execFileSync("go", ["build", "-o", tool, "."], { cwd: src, env: { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=mod" }, stdio: "pipe" });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const generate = (language: string) => {
    const out = path.join(dir, language);
    const stdout = execFileSync(tool, [path.join(ROOT, "schema.json"), language, out], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { out, stdout };
  };

  test("Python: every resource, the password a secret output, role enums; the code compiles when python3 is there", () => {
    const { out } = generate("python");
    const pkg = path.join(out, "pulumi_atlas_users");
    for (const file of ["database_user.py", "team_project_access.py", "x509_certificate.py", "provider.py", "_enums.py", "config/vars.py"]) {
      expect(fs.existsSync(path.join(pkg, file))).toBe(true);
    }
    expect(fs.readFileSync(path.join(pkg, "database_user.py"), "utf8")).toContain('additional_secret_outputs=["password"]');
    expect(fs.readFileSync(path.join(pkg, "x509_certificate.py"), "utf8")).toContain('additional_secret_outputs=["certificate"]');
    expect(fs.readFileSync(path.join(pkg, "_enums.py"), "utf8")).toMatch(/class DatabaseUserX509Type\(.*Enum\)/);
    expect(JSON.parse(fs.readFileSync(path.join(pkg, "pulumi-plugin.json"), "utf8"))).toMatchObject({ resource: true, name: "atlas-users" });
    let python = true;
    try {
      execFileSync("python3", ["--version"], { stdio: "ignore" });
    } catch {
      python = false;
    }
    if (python) execFileSync("python3", ["-m", "compileall", "-q", pkg], { stdio: "pipe" });
  });

  test("Go and Node.js generate without errors", () => {
    expect(fs.existsSync(path.join(generate("go").out, "atlasusers", "databaseUser.go"))).toBe(true);
    expect(fs.existsSync(path.join(generate("nodejs").out, "databaseUser.ts"))).toBe(true);
  });

  test("a schema the metaschema refuses fails (the check can fail)", () => {
    const bad = path.join(dir, "bad.json");
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"));
    schema.resources["atlas-users:index:DatabaseUser"].inputProperties.roles.items = { $ref: "#/types/atlas-users:index:Missing" };
    fs.writeFileSync(bad, JSON.stringify(schema));
    expect(() => execFileSync(tool, [bad, "python", path.join(dir, "bad")], { stdio: "pipe" })).toThrow();
  });
});
