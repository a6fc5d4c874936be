/**
 * Every TypeScript snippet of the user's documentation (README.md and docs/)
 * compiles against the package's public types, so a renamed input breaks the
 * tests, not the reader. Each ```ts block is a module of its own in one
 * TypeScript program; `pulumi-atlas-users` resolves to `provider/index.ts`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { codeBlocks, markdownFiles, ROOT } from "./markdown";

interface Snippet {
  /** `README.md:42`: the page and the line of the snippet's first line. */
  where: string;
  line: number;
  text: string;
}

export function snippetsOf(root: string, files: readonly string[]): Snippet[] {
  return files.flatMap((rel) =>
    codeBlocks(fs.readFileSync(path.join(root, rel), "utf8"))
      .filter((b) => b.lang === "ts" || b.lang === "typescript")
      .map((b) => ({ where: `${rel}:${b.line}`, line: b.line, text: b.text })),
  );
}

/** Type errors of the snippets, as `page:line: message`. */
export function snippetErrors(snippets: readonly Snippet[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ["lib.es2022.d.ts"],
    types: ["node"],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    baseUrl: ROOT,
    paths: { "pulumi-atlas-users": ["provider/index.ts"] },
  };
  const files = new Map<string, Snippet>();
  snippets.forEach((s, i) => files.set(path.join(ROOT, `__snippet_${i}.ts`), s));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  // `export {}` makes every snippet a module, so two snippets may both declare `config`.
  host.readFile = (name) => (files.has(name) ? `${files.get(name)!.text}\nexport {};\n` : readFile(name));
  host.fileExists = ((exists) => (name: string) => files.has(name) || exists(name))(host.fileExists.bind(host));
  host.getSourceFile = (name, version, onError) =>
    files.has(name) ? ts.createSourceFile(name, host.readFile(name)!, version, true) : getSourceFile(name, version, onError);
  const program = ts.createProgram([...files.keys()], options, host);
  const errors: string[] = [];
  // Only the snippets are checked; the package's own sources are `npm run typecheck`'s business.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...files.keys()].flatMap((name) => {
      const sourceFile = program.getSourceFile(name)!;
      return [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    }),
  ];
  for (const diagnostic of diagnostics) {
    const snippet = diagnostic.file ? files.get(diagnostic.file.fileName) : undefined;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (!snippet) {
      errors.push(`${diagnostic.file?.fileName ?? "(program)"}: ${message}`);
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    errors.push(`${snippet.where.replace(/:\d+$/, "")}:${snippet.line + line}: ${message}`);
  }
  return errors;
}

const USER_DOCS = markdownFiles().filter((f) => f === "README.md" || f.startsWith(`docs${path.sep}`));

describe("TypeScript snippets in README.md and docs/", () => {
  const snippets = snippetsOf(ROOT, USER_DOCS);
  // A snippet that must fail, compiled in the same program as the real ones
  // (one program: the package's types are loaded once).
  const wrong: Snippet = {
    where: "(sample):10",
    line: 10,
    text: 'import { DatabaseUser } from "pulumi-atlas-users";\nnew DatabaseUser("a", { projectId: "p", userName: "u", roles: [] });',
  };
  let errors: string[] = [];
  beforeAll(() => {
    errors = snippetErrors([...snippets, wrong]);
  });

  test("there are snippets to check", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8);
  });

  test("a snippet with a wrong input fails, naming its page and line", () => {
    const sample = errors.filter((e) => e.startsWith("(sample):"));
    expect(sample).toHaveLength(1);
    expect(sample[0]).toMatch(/^\(sample\):11: .*userName/);
  });

  test("every snippet compiles against the package's public types", () => {
    const real = errors.filter((e) => !e.startsWith("(sample):"));
    if (real.length > 0) throw new Error(`snippets that do not compile:\n  ${real.join("\n  ")}`);
  });
});
