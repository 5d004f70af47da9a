/**
 * Summarizes a V8 .cpuprofile: self time by function and inclusive time (each sample counted once per
 * function on its stack), top N of each. With a focus (a substring of "function  file:line"), also the time
 * under the first matching frame, split by its direct callees and by self time of everything below it.
 * Usage: npx tsx bench/analyze-profile.ts <file.cpuprofile> [N] [focus]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error("usage: analyze-profile.ts <file.cpuprofile> [N]");
const top = Number(process.argv[3] ?? 40);
const focus = process.argv[4];
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, "").replace(/.*\/node_modules\//, "~/");
  const short = url.replace(/^.*\/work\/main\//, "");
  return `${n.callFrame.functionName || "(anonymous)"}  ${short}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
};

const self = new Map<string, number>();
const callees = new Map<string, number>();
const below = new Map<string, number>();
let focused = 0;
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  const node = byId.get(id);
  if (!node) return;
  total += dt;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const seen = new Set<string>();
  const stack: string[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    const key = label(n);
    stack.push(key);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  }
  if (focus) {
    // The outermost matching frame, so recursion is not counted twice.
    let at = -1;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i]?.includes(focus)) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      focused += dt;
      const callee = at > 0 ? (stack[at - 1] ?? "") : "(self)";
      callees.set(callee, (callees.get(callee) ?? 0) + dt);
      below.set(stack[0] ?? "", (below.get(stack[0] ?? "") ?? 0) + dt);
    }
  }
});

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (of ${total.toFixed(0)} ms sampled)`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${v.toFixed(0).padStart(7)} ms ${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
print("SELF time", self);
print("INCLUSIVE time", inclusive);
if (focus) {
  console.log(`\nunder "${focus}": ${focused.toFixed(0)} ms`);
  print(`direct callees of "${focus}"`, callees);
  print(`self time below "${focus}"`, below);
}
