/**
 * The layering of docs/architecture.md, checked: nothing imports upward, the VM never reaches the
 * state except through host/, and the engine's core uses no Node-only API (it must run in a
 * browser). The tools under tools/ (compiled apart, to dist-tools/) reach the engine through its
 * build, dist/, and are checked as the top layers: the engine never imports them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');
const tools = join(root, 'tools');
const dist = join(root, 'dist');

/** Lower layers first; a layer may import only layers of a lower rank (and itself). */
const RANK: Record<string, number> = {
  primitives: 0,
  forks: 1,
  host: 2,
  state: 3,
  evm: 3,
  wasm: 3,
  tx: 3,
  exec: 4,
  chain: 5,
  trace: 5, // geth's tracers, over exec/ and the EVM's frames
  node: 6,
  cli: 7,
  // tools/: for tests, benchmarks and fuzzing, not published
  peer: 8,
  fuzz: 9,
  browser: 10, // the browser test and its page
  conformance: 11, // the official test suites, through the CLI
  bench: 12, // the contracts of the WebAssembly benchmark
  examples: 13, // tests of examples/ (programs and contracts as users write them), through the build
};
const TOOLS = ['peer', 'fuzz', 'browser', 'conformance', 'bench', 'examples'];
const CORE = ['primitives', 'forks', 'host', 'state', 'evm', 'wasm', 'tx', 'exec', 'chain', 'trace'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The layer a file belongs to: its first folder under src/ or tools/, or under dist/ for the
 * engine's build that tools import; '(root)' for files directly in src/, '(outside)' elsewhere.
 */
function layerOf(path: string): string {
  for (const base of [src, tools, dist]) {
    const rel = relative(base, path);
    if (rel.startsWith('..')) continue;
    return rel.includes('/') ? rel.split('/')[0]! : '(root)';
  }
  return '(outside)';
}

const isTool = (path: string): boolean => !relative(tools, path).startsWith('..');

const files = [...sources(src), ...sources(tools)];

/** A file's text without comments. */
function code(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
}

test('every source folder is a known layer', () => {
  for (const file of files) {
    const layer = layerOf(file);
    if (layer === '(root)' && !isTool(file)) continue;
    assert.ok(layer in RANK, `${relative(root, file)}: folder "${layer}" is not in the layer list`);
    assert.equal(TOOLS.includes(layer), isTool(file), `${relative(root, file)}: the tools live in tools/, the engine in src/`);
  }
});

test('no layer imports a higher or sibling layer', () => {
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (from === '(root)') continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from '(\.[^']+)'/g)) {
      const path = resolve(dirname(file), match[1]!);
      const target = layerOf(path);
      // The engine is built alone (src/ to dist/): it can reach neither tools/ nor its own build.
      // Tools import the engine as built (dist/), never its sources, which Node cannot run.
      const wrongTree = isTool(file) ? !relative(src, path).startsWith('..') : relative(src, path).startsWith('..');
      if (wrongTree) problems.push(`${relative(root, file)} imports ${relative(root, path)}`);
      else if (target === from || target === '(root)') continue;
      else if (!(RANK[target]! < RANK[from]!)) problems.push(`${relative(root, file)} imports ${target}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the engine core uses no Node-only API', () => {
  const problems: string[] = [];
  for (const file of files) {
    // A testing/ folder holds helpers that only tests import (compilers for test programs): Node.js, like the tests.
    if (!CORE.includes(layerOf(file)) || file.includes('/testing/')) continue;
    const text = code(file);
    if (/from 'node:|require\(|\bBuffer\b|\bprocess\./.test(text)) problems.push(relative(root, file));
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
  // core only the KZG setup, the precompiles loaded on first call and the brotli decoder go
  // through it (without Node.js the page loads them), compressing a program, which only
  // tooling does, and the SHA-256 and RIPEMD-160 digests, from OpenSSL where Node.js is there
  // (pure JavaScript otherwise).
  const gateway = 'primitives/node-require.ts';
  const coreUsers = [
    'evm/precompiles/point-evaluation.ts',
    'evm/precompiles/lazy.ts',
    'wasm/decompress.ts',
    'wasm/compress.ts',
    'primitives/hash.ts',
  ];
  const problems: string[] = [];
  for (const file of files) {
    const name = relative(src, file);
    if (name === gateway) continue;
    const text = code(file);
    if (/getBuiltinModule|createRequire/.test(text)) problems.push(`${name} loads Node modules itself`);
    if (CORE.includes(layerOf(file)) && /node-require\.js'/.test(text) && !coreUsers.includes(name))
      problems.push(`${name} uses a Node-only module`);
  }
  assert.deepEqual(problems, []);
});
