/**
 * Every relative link in the repository's Markdown leads somewhere: the file
 * or folder exists, and an anchor names a heading of the page it points at.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { anchors, links, markdownFiles, ROOT, slug } from "./markdown";

/** The broken relative links of the Markdown files under `root`, as `file:line: target (why)`. */
export function brokenLinks(root: string): string[] {
  const broken: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let set = anchorCache.get(file);
    if (!set) anchorCache.set(file, (set = anchors(fs.readFileSync(file, "utf8"))));
    return set;
  };
  for (const rel of markdownFiles(root)) {
    const file = path.join(root, rel);
    for (const { target, line } of links(fs.readFileSync(file, "utf8"))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
      const [rawPath, anchor] = target.split("#", 2);
      const dest = rawPath === "" ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
      const where = `${rel}:${line}: ${target}`;
      if (!dest.startsWith(root) || !fs.existsSync(dest)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (!dest.endsWith(".md")) {
        broken.push(`${where} (an anchor into a file that is not Markdown)`);
      } else if (!anchorsOf(dest).has(anchor)) {
        broken.push(`${where} (no heading with anchor #${anchor} in ${path.relative(root, dest)})`);
      }
    }
  }
  return broken;
}

describe("Markdown links", () => {
  test("anchors are made as GitHub makes them", () => {
    expect(slug("Adopting existing users, and `get`")).toBe("adopting-existing-users-and-get");
    expect(slug("The Pulumi CLI: `scripts/pulumi-cli.mjs`")).toBe("the-pulumi-cli-scriptspulumi-climjs");
    expect(slug("`reinvite`")).toBe("reinvite");
    expect([...anchors("# A\n## B\n## B\n```\n# not a heading\n```\n")]).toEqual(["a", "b", "b-1"]);
  });

  test("a missing file or anchor is reported", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "links-"));
    try {
      fs.writeFileSync(path.join(dir, "a.md"), "# A\n## Here\n[ok](#here) [bad](#there) [gone](b.md) [x](a.md#here) `[code](nowhere.md)`\n");
      const found = brokenLinks(dir).map((s) => s.replace(/ \(.*$/, ""));
      expect(found).toEqual(["a.md:3: #there", "a.md:3: b.md"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("every relative link and anchor in the repository's Markdown resolves", () => {
    const broken = brokenLinks(ROOT);
    if (broken.length > 0) throw new Error(`broken links:\n  ${broken.join("\n  ")}`);
  });
});
