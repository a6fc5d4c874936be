/**
 * The Markdown the docs tests read: which files, their fenced code blocks, their
 * links and their headings' anchors (as GitHub makes them).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");

const SKIP_DIRS = new Set(["node_modules", "dist", ".git", ".pulumi-test"]);

/** Every Markdown file of the repository, relative to its root. */
export function markdownFiles(root = ROOT, dir = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...markdownFiles(root, rel));
    } else if (entry.name.endsWith(".md")) {
      out.push(rel);
    }
  }
  return out.sort();
}

export interface CodeBlock {
  lang: string;
  /** 1-based line of the first line inside the fence. */
  line: number;
  text: string;
}

/** Fenced code blocks (```lang ... ```). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) body.push(lines[j++]);
    blocks.push({ lang: open[3], line: i + 2, text: body.join("\n") });
    i = j;
  }
  return blocks;
}

/** The text with fenced blocks (and, unless `keepInline`, inline code) blanked out; line numbers kept. */
function withoutCode(markdown: string, keepInline = false): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  return lines
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
        return "";
      }
      if (marker) {
        fence = marker;
        return "";
      }
      return keepInline ? line : line.replace(/(`+)(?:(?!\1)[^])*?\1/g, (m) => " ".repeat(m.length));
    })
    .join("\n");
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links and images `[text](target)`, outside code. */
export function links(markdown: string): Link[] {
  const out: Link[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((line, i) => {
      for (const m of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        out.push({ target: m[1], line: i + 1 });
      }
    });
  return out;
}

/** GitHub's anchor for a heading's text (github-slugger's rules). */
export function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1") // links keep their text
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The anchors a Markdown file's headings get, duplicates numbered as on GitHub. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutCode(markdown, true).split("\n")) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}
