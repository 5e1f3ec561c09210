// Loads dist/polyvm.cjs, the command line bundled into one script by scripts/bundle.mjs, with
// V8's code cache for it (dist/polyvm.cjs.cache), so that `polyvm` starts without resolving,
// reading and compiling some 200 ES modules. CommonJS (bin/package.json), like bin/polyvm.js.
'use strict';
const { readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

/**
 * The bundle in `dist`, run: `{ exports, cacheAccepted }`, or undefined when there is none, when
 * tsc has compiled since it was made (dist/.tsbuildinfo is newer: the modules are then newer
 * than the bundle), or when `env.POLYVM_BUNDLE` is '0'. With `env.POLYVM_WRITE_CODE_CACHE` set
 * to a file, the code cache of every function compiled by then is written there on exit
 * (scripts/bundle.mjs does this in a warm run).
 */
function loadBundle(dist, env = process.env) {
  if (env.POLYVM_BUNDLE === '0') return undefined;
  const file = join(dist, 'polyvm.cjs');
  const made = statSync(file, { throwIfNoEntry: false });
  // tsc rewrites dist/.tsbuildinfo whenever it emits (a published package has none).
  const compiled = statSync(join(dist, '.tsbuildinfo'), { throwIfNoEntry: false });
  if (made === undefined || (compiled !== undefined && compiled.mtimeMs > made.mtimeMs)) return undefined;
  const source = readFileSync(file, 'utf8');
  // A cache starts with its bundle's first line (the build's id): another build's is never used.
  const id = Buffer.from(source.slice(0, source.indexOf('\n') + 1));
  const writeCache = env.POLYVM_WRITE_CODE_CACHE;
  let cachedData;
  if (!writeCache) {
    try {
      const cache = readFileSync(`${file}.cache`);
      if (cache.subarray(0, id.length).equals(id)) cachedData = cache.subarray(id.length);
    } catch {
      // no cache: compiled as it loads
    }
  }
  // The bundle's import() of a package outside it (scripts/bundle.mjs) is this module's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __polyvmImport) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} };
  const importModule = (specifier) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(file), module, file, dist, importModule);
  if (writeCache) {
    process.once('exit', () => {
      writeFileSync(`${writeCache}.tmp`, Buffer.concat([id, script.createCachedData()]));
      renameSync(`${writeCache}.tmp`, writeCache);
    });
  }
  return { exports: module.exports, cacheAccepted: cachedData !== undefined && !script.cachedDataRejected };
}

module.exports = { loadBundle };
