/**
 * The bundled command line (scripts/bundle.mjs, bin/bundle.js): `npm run build` makes it, the
 * `polyvm` command runs it while it is as new as tsc's output and the modules otherwise, and
 * both give the same answers. (npm test builds it first, so every test that spawns
 * bin/polyvm.js runs the bundle.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');
const bin = join(root, 'bin/polyvm.js');

interface Loaded {
  exports: { main?: unknown };
  cacheAccepted: boolean;
}
const { loadBundle } = createRequire(import.meta.url)('../../bin/bundle.js') as {
  loadBundle(dist: string, env?: Record<string, string | undefined>): Loaded | undefined;
};

/** The bundle is as new as tsc's output (after npm run build; made here when only tsc ran). */
function freshBundle(): void {
  const made = statSync(join(dist, 'polyvm.cjs'), { throwIfNoEntry: false });
  const compiled = statSync(join(dist, '.tsbuildinfo'), { throwIfNoEntry: false });
  if (made !== undefined && (compiled === undefined || compiled.mtimeMs <= made.mtimeMs)) return;
  const build = spawnSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
}

function polyvm(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('npm run build makes a bundle with a code cache that this Node.js accepts', () => {
  freshBundle();
  const loaded = loadBundle(dist, {});
  assert.ok(loaded, 'a fresh bundle is loaded');
  assert.equal(typeof loaded.exports.main, 'function');
  assert.equal(loaded.cacheAccepted, true, 'the code cache made by the build is used');
  assert.equal(loadBundle(dist, { POLYVM_BUNDLE: '0' }), undefined, 'POLYVM_BUNDLE=0 turns it off');
});

test('polyvm answers the same from the bundle and from the modules', () => {
  freshBundle();
  const cases = [
    ['run', '--code', '0x600260030160005260206000f3'], // 2 + 3, returned
    ['run', '--code', '6001', '60'], // a stray argument: exit status 2
    ['node', '--version'],
    ['node', '--port', 'x'],
    ['nonsense'],
  ];
  for (const args of cases) {
    const bundled = polyvm(args);
    const modules = polyvm(args, { POLYVM_BUNDLE: '0' });
    assert.deepEqual(
      { status: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr },
      { status: modules.status, stdout: modules.stdout, stderr: modules.stderr },
      args.join(' '),
    );
  }
  assert.match(polyvm(['run', '--code', '0x600260030160005260206000f3']).stdout, /0x0{63}5/);
});

test('a bundle older than the compiled modules, or a cache of another build, is not used', () => {
  freshBundle();
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-bundle-'));
  try {
    assert.equal(loadBundle(dir, {}), undefined, 'no bundle');
    copyFileSync(join(dist, 'polyvm.cjs'), join(dir, 'polyvm.cjs'));
    // Another build's cache: the same bytes under a different id line are refused before V8 sees them.
    const cache = readFileSync(join(dist, 'polyvm.cjs.cache'));
    writeFileSync(
      join(dir, 'polyvm.cjs.cache'),
      Buffer.concat([Buffer.from('// polyvm bundle 0000\n'), cache.subarray(cache.indexOf(10) + 1)]),
    );
    const loaded = loadBundle(dir, {});
    assert.ok(loaded);
    assert.equal(typeof loaded.exports.main, 'function');
    assert.equal(loaded.cacheAccepted, false);
    // tsc compiled after the bundle was made: the modules are newer, so they run.
    writeFileSync(join(dir, '.tsbuildinfo'), '{}');
    const later = new Date(statSync(join(dir, 'polyvm.cjs')).mtimeMs + 1000);
    utimesSync(join(dir, '.tsbuildinfo'), later, later);
    assert.equal(loadBundle(dir, {}), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
