#!/usr/bin/env node
// Mechanical Vietnamese wording fixes over locales/vi/*.json (see /work/shared/reference/vi-wording-review.md).
// Idempotent: re-run it after merging branches that add strings; a second run changes nothing.
// It rewrites only string values, never keys or placeholders, and keeps the files' 2-space JSON layout.
// Usage: node scripts/wording.mjs [--check]   (--check: exit 1 and list what would change, write nothing)
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const LOCALES = join(dirname(fileURLToPath(import.meta.url)), "..", "locales");

// Keys another branch rewrites from data (routing advice naming the routed unit): left alone here so the two
// branches do not conflict; the merged text is checked by test/locales.test.ts like every other string.
const SKIP = new Set();

/** [pattern, replacement] applied in order to every Vietnamese string outside {{placeholders}}. */
const VI_RULES = [
  // One form of address, capitalised as in official letters, also mid-sentence.
  [/(?<!\p{L})anh\/chị(?!\p{L})/giu, "Anh/Chị"],
  [/quý cơ quan/giu, "Quý cơ quan"],
  // Terms with an official Vietnamese form.
  [/địa chỉ IP public/gu, "địa chỉ IP công khai"],
  [/(?<!\p{L})IP public(?!\p{L})/gu, "IP công khai"],
  [/không thể ở tương lai/gu, "không thể là thời điểm trong tương lai"],
];

/** Applies the rules to the text between placeholders only, so `{{email}}` and the like stay as they are. */
function fix(text, rules) {
  return text
    .split(/(\{\{[^}]*\}\})/)
    .map((part, i) => (i % 2 === 1 ? part : rules.reduce((s, [re, to]) => s.replace(re, to), part)))
    .join("");
}

function walk(node, path, rules, changes) {
  if (typeof node === "string") {
    if (SKIP.has(path)) return node;
    const next = fix(node, rules);
    if (next !== node) changes.push(path);
    return next;
  }
  if (node && typeof node === "object") {
    const sep = path.endsWith(":") ? "" : ".";
    for (const [k, v] of Object.entries(node)) node[k] = walk(v, `${path}${sep}${k}`, rules, changes);
  }
  return node;
}

const check = process.argv.includes("--check");
const changed = [];
for (const file of readdirSync(join(LOCALES, "vi"))
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  const path = join(LOCALES, "vi", file);
  const before = readFileSync(path, "utf8");
  const changes = [];
  const tree = walk(JSON.parse(before), `${file.replace(/\.json$/, "")}:`, VI_RULES, changes);
  if (changes.length === 0) continue;
  changed.push(...changes);
  if (!check) writeFileSync(path, `${JSON.stringify(tree, null, 2)}\n`);
}
for (const key of changed) console.log(`${check ? "would change" : "changed"} vi ${key}`);
if (check && changed.length > 0) process.exit(1);
