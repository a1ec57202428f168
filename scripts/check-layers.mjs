#!/usr/bin/env node
// Checks the layering described in docs/architecture.md: no import cycle among mock-idp/ and client/
// sources, no import from a lower layer of mock-idp/ to a higher one, and client/ free of mock-idp/.
// Usage: node scripts/check-layers.mjs   (exit 1 and one line per problem when the layering is broken)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** mock-idp/'s layers, lowest first: a file may import its own layer or lower ones, never higher. */
const LAYERS = [
  ['paths.ts', 'config', 'log', 'keys', 'users', 'clients', 'store', 'agent.ts', 'navigation.ts', 'loopback.ts'],
  ['kernel'],
  ['quirks', 'scenarios'],
  ['profiles'],
  ['issuer'],
  ['server', 'banner.ts'],
  ['index.ts', 'helpers.ts', 'msw.ts'],
  ['cli.ts', 'vitest.ts', 'bin'],
];
const layerOf = (file) => {
  const top = path.relative(path.join(root, 'mock-idp'), file).split(path.sep)[0];
  const index = LAYERS.findIndex((names) => names.includes(top));
  if (index < 0) throw new Error(`${path.relative(root, file)}: in no layer of scripts/check-layers.mjs`);
  return index;
};

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|cts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const files = [...sources(path.join(root, 'mock-idp')), ...sources(path.join(root, 'client'))];
const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const edges = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) =>
      path.resolve(path.dirname(file), m[1]).replace(/\.[cm]?js$/, (ext) => ext.replace('js', 'ts')),
    );
    return [file, targets];
  }),
);

const problems = [];
const rel = (file) => path.relative(root, file);
for (const [file, targets] of edges) {
  for (const target of targets) {
    const inClient = rel(file).startsWith('client/');
    if (inClient && !rel(target).startsWith('client/'))
      problems.push(`${rel(file)} -> ${rel(target)}: client/ imports only client/`);
    if (!inClient && rel(target).startsWith('mock-idp/') && layerOf(target) > layerOf(file)) {
      problems.push(`${rel(file)} -> ${rel(target)}: imports upward (layer ${layerOf(file)} -> ${layerOf(target)})`);
    }
  }
}

// Tarjan's strongly connected components: any with two or more files is a cycle.
let counter = 0;
const index = new Map(),
  low = new Map(),
  stack = [],
  onStack = new Set();
function visit(file) {
  index.set(file, counter);
  low.set(file, counter++);
  stack.push(file);
  onStack.add(file);
  for (const target of edges.get(file) ?? []) {
    if (!edges.has(target)) continue;
    if (!index.has(target)) {
      visit(target);
      low.set(file, Math.min(low.get(file), low.get(target)));
    } else if (onStack.has(target)) low.set(file, Math.min(low.get(file), index.get(target)));
  }
  if (low.get(file) === index.get(file)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) problems.push(`cycle: ${component.map(rel).join(' <-> ')}`);
  }
}
for (const file of edges.keys()) if (!index.has(file)) visit(file);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`layers ok: ${files.length} files, no upward import, no cycle`);
