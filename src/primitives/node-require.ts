/**
 * The one way polyvm reaches Node-only modules (node:http, node:zlib, lmdb, ws, the KZG trusted
 * setup file, the brotli decoder's WebAssembly): at run time, through `process.getBuiltinModule` (Node.js 20.16 and later), never
 * through a static import. A bundler for the browser sees no import to follow, and in a browser
 * these functions find no Node.js and return undefined, so the feature that needed the module
 * can say so (`nodeOnly`). Everything else in the engine and the in-memory node runs anywhere.
 */

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** A Node.js built-in module such as 'node:zlib', or undefined outside Node.js. */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  const process = (globalThis as { process?: NodeProcess }).process;
  return process?.getBuiltinModule?.(id) as T | undefined;
}

/**
 * A package or file loaded with Node's `require`, resolved from `base` (the caller's
 * `import.meta.url`); undefined outside Node.js. Throws as `require` does when it is missing.
 */
export function nodeModule<T>(base: string, id: string): T | undefined {
  return nodeBuiltin<typeof import('node:module')>('node:module')?.createRequire(base)(id) as T | undefined;
}

/**
 * The bytes of a file inside a package (such as 'brotli-dec-wasm/web/bg.wasm'), resolved from
 * `base` as `require.resolve` does; undefined outside Node.js. Throws when it is missing.
 */
export function nodePackageFile(base: string, id: string): Uint8Array | undefined {
  const module = nodeBuiltin<typeof import('node:module')>('node:module');
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  if (!module || !fs) return undefined;
  const buffer = fs.readFileSync(module.createRequire(base).resolve(id));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A feature that needs Node.js was used where there is none (a browser). */
export class NodeOnlyError extends Error {
  override name = 'NodeOnlyError';
}

/** `value`, or a NodeOnlyError naming `feature` when it is missing (no Node.js). */
export function nodeOnly<T>(value: T | undefined, feature: string): T {
  if (value === undefined) throw new NodeOnlyError(`${feature} needs Node.js (not available in this environment)`);
  return value;
}
