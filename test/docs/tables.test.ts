/**
 * The generated sections of the docs (inputs and outputs tables from the zod
 * schemas, benchmark figures from bench/results/latest.json) match their
 * sources, and the secret marks of the tables match what the resources keep
 * secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { GENERATED_PAGES, RESOURCE_DOCS, inputsTable, renderPage, stalePages } from "../../scripts/docs";
import { ROOT } from "./markdown";

describe("generated docs", () => {
  test("every generated section matches its source", () => {
    const stale = stalePages(ROOT);
    if (stale.length > 0) {
      throw new Error(`${stale.join(", ")} differ from what \`npm run docs\` writes: run \`npm run docs\` and commit the result`);
    }
  });

  test("an edited table, or a renamed input, makes the page stale", () => {
    const doc = GENERATED_PAGES.find((p) => p.page === "docs/resources/database-user.md")!;
    const text = fs.readFileSync(path.join(ROOT, doc.page), "utf8");
    expect(renderPage(doc, text, ROOT)).toBe(text);
    const edited = text.replace("| `projectId` | string | yes |", "| `projectId` | string | no |");
    expect(edited).not.toBe(text);
    expect(renderPage(doc, edited, ROOT)).toBe(text);
    const renamed = text.replace(/`projectId`/g, "`project`");
    expect(renderPage(doc, renamed, ROOT)).not.toBe(renamed);
  });

  test("an input without a description is refused", () => {
    const [doc] = RESOURCE_DOCS;
    const bare = { ...doc, variants: [{ label: "x", schema: z.strictObject({ a: z.string() }), valid: { a: "" } }] };
    expect(() => inputsTable(bare)).toThrow(/input a .* has no description/);
  });

  test("the fields marked secret are the ones each resource keeps secret", () => {
    for (const doc of RESOURCE_DOCS) {
      const folder = path.dirname(path.join(ROOT, doc.schemaFile));
      const resource = fs.readFileSync(path.join(folder, "resource.ts"), "utf8");
      const declared = /additionalSecretOutputs:\s*\[([^\]]*)\]/.exec(resource)?.[1] ?? "";
      // An input the class makes secret keeps its output of the same name secret too (the engine marks a dynamic provider's outputs after its inputs).
      const secretInputs = [...resource.matchAll(/props\.(\w+) = pulumi\.secret\(/g)].map((m) => m[1]);
      const secretOutputs = [...new Set([...declared.matchAll(/"([^"]+)"/g)].map((m) => m[1]).concat(secretInputs))].sort();
      const page = fs.readFileSync(path.join(ROOT, doc.page), "utf8");
      const marked = [...page.matchAll(/^\| `(\w+)` \| [^|]*\*\*secret\*\*/gm)].map((m) => m[1]);
      expect({ page: doc.page, marked: [...new Set(marked)].sort() }).toEqual({ page: doc.page, marked: secretOutputs });
    }
  });
});
