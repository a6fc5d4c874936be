#!/usr/bin/env node
/**
 * Adds paths of the official Atlas Admin API v2 spec to the emulator's subset
 * (emulator/spec/atlas-admin-v2-users-subset.json), with every component they
 * reference, transitively. The `info` block is kept; the added paths are
 * listed in its `x-subset-paths`.
 *
 *   node scripts/extend-spec.mjs <full spec.json> <path template>...
 *
 * The full spec is the project's reference copy
 * (`shared/atlas-api/atlas-admin-v2-full.json`), cut from the same source.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const SUBSET = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "emulator", "spec", "atlas-admin-v2-users-subset.json");
const [fullFile, ...templates] = process.argv.slice(2);
if (!fullFile || templates.length === 0) {
  console.error("usage: node scripts/extend-spec.mjs <full spec.json> <path template>...");
  process.exit(2);
}
const full = JSON.parse(fs.readFileSync(fullFile, "utf8"));
const subset = JSON.parse(fs.readFileSync(SUBSET, "utf8"));

const pending = [];
function collectRefs(value) {
  if (Array.isArray(value)) value.forEach(collectRefs);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/")) pending.push(v);
      else collectRefs(v);
    }
  }
}

for (const template of templates) {
  const item = full.paths[template];
  if (!item) throw new Error(`the full spec has no path ${template}`);
  subset.paths[template] = item;
  collectRefs(item);
  if (!subset.info["x-subset-paths"].includes(template)) subset.info["x-subset-paths"].push(template);
}
let added = 0;
while (pending.length > 0) {
  const [, , section, name] = pending.pop().split("/");
  const have = (subset.components[section] ??= {});
  if (name in have) continue;
  const value = full.components[section]?.[name];
  if (value === undefined) throw new Error(`the full spec has no #/components/${section}/${name}`);
  have[name] = value;
  added++;
  collectRefs(value);
}
fs.writeFileSync(SUBSET, JSON.stringify(subset, null, 1) + "\n");
console.log(`added ${templates.length} path(s) and ${added} component(s)`);
