/**
 * Turns a WebAssembly module into a Stylus program as nitro and cargo-stylus do: `EF F0 00`,
 * dictionary byte 0x00 (none), then brotli at quality 11 with a 22-bit window (nitro
 * arbcompress/compress_common.go `LEVEL_WELL`, `WINDOW_SIZE`). Compressing needs Node's zlib
 * (tooling and tests; a browser only ever decompresses), reached at run time as node-require.ts
 * allows.
 */
import { DICTIONARY_NONE, STYLUS_PREFIX } from './format.js';
import { concatBytes } from '../primitives/bytes.js';
import { nodeBuiltin, nodeOnly } from '../primitives/node-require.js';

export function compressProgram(wasm: Uint8Array): Uint8Array {
  const zlib = nodeOnly(nodeBuiltin<typeof import('node:zlib')>('node:zlib'), 'compressing a program');
  const compressed = zlib.brotliCompressSync(wasm, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: wasm.length,
    },
  });
  return concatBytes(STYLUS_PREFIX, Uint8Array.of(DICTIONARY_NONE), compressed);
}
