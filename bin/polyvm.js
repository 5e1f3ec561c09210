#!/usr/bin/env node
// The `polyvm` command. It runs dist/polyvm.cjs, the command line bundled into one script by
// scripts/bundle.mjs (npm run build), with V8's code cache for it, when that bundle is at least
// as new as the compiled modules; else (or with POLYVM_BUNDLE=0) the modules of dist/cli/.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const dist = new URL('../dist/', import.meta.url);

const { main } = bundled() ?? (await import('../dist/cli/main.js'));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`polyvm: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);

/** The bundle's exports, or undefined when there is no bundle or tsc has compiled since it was made. */
function bundled() {
  if (process.env.POLYVM_BUNDLE === '0') return undefined;
  const file = new URL('polyvm.cjs', dist);
  const made = statSync(file, { throwIfNoEntry: false });
  // tsc rewrites dist/.tsbuildinfo whenever it emits (a published package has none).
  const compiled = statSync(new URL('.tsbuildinfo', dist), { throwIfNoEntry: false });
  if (made === undefined || (compiled !== undefined && compiled.mtimeMs > made.mtimeMs)) return undefined;
  const source = readFileSync(file, 'utf8');
  // The cache starts with the bundle's first line (its build id): a cache of another build is never used.
  const id = Buffer.from(source.slice(0, source.indexOf('\n') + 1));
  const cacheFile = new URL('polyvm.cjs.cache', dist);
  const writeCache = process.env.POLYVM_WRITE_CODE_CACHE;
  let cachedData;
  if (!writeCache) {
    try {
      const cache = readFileSync(cacheFile);
      if (cache.subarray(0, id.length).equals(id)) cachedData = cache.subarray(id.length);
    } catch {
      // no cache: compiled as usual
    }
  }
  const path = fileURLToPath(file);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: path,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, path, dirname(path));
  if (writeCache) {
    // scripts/bundle.mjs: the cache of every function the run compiled, written on exit.
    process.once('exit', () => {
      writeFileSync(`${writeCache}.tmp`, Buffer.concat([id, script.createCachedData()]));
      renameSync(`${writeCache}.tmp`, writeCache);
    });
  }
  return module.exports;
}
