// Fails when modules import each other in a cycle: ESM then runs one of them before the other
// is initialised. Type-only imports (`import type`, `export type`) are erased and cannot form
// such a cycle, so they are not counted; dynamic `import()` is lazy and not counted either.
// Reads the folders of tsconfig.json's "include", so a new layer is checked without an edit here.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { include } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));

function sources(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const valueImport = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const graph = new Map();
for (const file of include.flatMap((dir) => sources(path.join(root, dir)))) {
  const text = fs.readFileSync(file, 'utf8');
  const targets = [...text.matchAll(valueImport)].map((match) => path.resolve(path.dirname(file), match[1].replace(/\.js$/, '.ts')));
  graph.set(file, targets.filter((target) => fs.existsSync(target)));
}

// Tarjan's strongly connected components: every component of more than one module is a cycle.
let index = 0;
const indices = new Map();
const lows = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(node) {
  indices.set(node, index);
  lows.set(node, index);
  index += 1;
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node) ?? []) {
    if (!indices.has(next)) {
      connect(next);
      lows.set(node, Math.min(lows.get(node), lows.get(next)));
    } else if (onStack.has(next)) lows.set(node, Math.min(lows.get(node), indices.get(next)));
  }
  if (lows.get(node) !== indices.get(node)) return;
  const component = [];
  for (let member = stack.pop(); ; member = stack.pop()) {
    onStack.delete(member);
    component.push(path.relative(root, member));
    if (member === node) break;
  }
  if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
}
for (const node of graph.keys()) if (!indices.has(node)) connect(node);

if (cycles.length > 0) {
  process.stderr.write(`import cycles (value imports):\n${cycles.map((c) => `  ${c.join(' <-> ')}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`no import cycles among ${graph.size} modules\n`);
