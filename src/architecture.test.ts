/**
 * The layering of docs/architecture.md, checked: nothing imports upward, the VM never reaches the
 * state except through host/, and the engine's core uses no Node-only API (it must run in a
 * browser).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const src = resolve(import.meta.dirname, '../src');

/** Lower layers first; a layer may import only layers of a lower rank (and itself). */
const RANK: Record<string, number> = {
  primitives: 0,
  forks: 1,
  host: 2,
  state: 3,
  evm: 3,
  tx: 3,
  exec: 4,
  chain: 5,
  node: 6,
  cli: 7,
  peer: 8, // tools for tests, benchmarks and fuzzing
  fuzz: 9,
  browser: 10, // the browser test and its page
};
const CORE = ['primitives', 'forks', 'host', 'state', 'evm', 'tx', 'exec', 'chain'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function layerOf(path: string): string {
  const rel = relative(src, path);
  return rel.includes('/') ? rel.split('/')[0]! : '(root)';
}

const files = sources(src);

/** A file's text without comments. */
function code(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
}

test('every source folder is a known layer', () => {
  for (const file of files) {
    const layer = layerOf(file);
    if (layer === '(root)') continue;
    assert.ok(layer in RANK, `${relative(src, file)}: folder "${layer}" is not in the layer list`);
  }
});

test('no layer imports a higher or sibling layer', () => {
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (from === '(root)') continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = layerOf(resolve(dirname(file), match[1]!));
      if (target === from || target === '(root)') continue;
      if (!(RANK[target]! < RANK[from]!)) problems.push(`${relative(src, file)} imports ${target}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the engine core uses no Node-only API', () => {
  const problems: string[] = [];
  for (const file of files) {
    if (!CORE.includes(layerOf(file))) continue;
    const text = code(file);
    if (/from 'node:|require\(|\bBuffer\b|\bprocess\./.test(text)) problems.push(relative(src, file));
  }
  assert.deepEqual(problems, []);
});

/** The import specifiers of a source file, resolved to paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => relative(src, resolve(dirname(file), m[1]!)));
}

test('exec/ reaches the state only through host/: it imports no state class', () => {
  const problems: string[] = [];
  for (const file of files) {
    if (layerOf(file) !== 'exec') continue;
    for (const target of importsOf(file)) if (target.startsWith('state/')) problems.push(`${relative(src, file)} imports ${target}`);
  }
  assert.deepEqual(problems, []);
});

test("exec/'s frame loop knows no VM: only exec/code.ts picks one; the rest of exec/ uses evm/ only for precompiles", () => {
  const problems: string[] = [];
  for (const file of files) {
    if (layerOf(file) !== 'exec' || relative(src, file) === 'exec/code.ts') continue;
    for (const target of importsOf(file)) {
      if (target.startsWith('evm/') && !target.startsWith('evm/precompiles/')) problems.push(`${relative(src, file)} imports ${target}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('no module outside state/ edits or lists an account map directly', () => {
  const problems: string[] = [];
  for (const file of files) {
    if (layerOf(file) === 'state') continue;
    const text = readFileSync(file, 'utf8');
    if (/\bstate\.accounts\b|\.accounts\.(set|delete|clear)\(/.test(text)) problems.push(relative(src, file));
  }
  assert.deepEqual(problems, []);
});

test('Node-only modules are loaded at run time, only through primitives/node-require.ts', () => {
  // It asks process.getBuiltinModule, so a bundle for the browser holds no Node import. In the
  // core only the KZG setup goes through it, and without Node.js the setup is loaded by the page.
  const gateway = 'primitives/node-require.ts';
  const coreUsers = ['evm/precompiles/point-evaluation.ts'];
  const problems: string[] = [];
  for (const file of files) {
    const name = relative(src, file);
    if (name === gateway) continue;
    const text = code(file);
    if (/getBuiltinModule|createRequire/.test(text)) problems.push(`${name} loads Node modules itself`);
    if (CORE.includes(layerOf(file)) && /node-require\.js'/.test(text) && !coreUsers.includes(name)) problems.push(`${name} uses a Node-only module`);
  }
  assert.deepEqual(problems, []);
});
