/**
 * Tooling (Node.js only): turns a WebAssembly module into a Stylus program as nitro and
 * cargo-stylus do: `EF F0 00`, dictionary byte 0x00 (none), then brotli at quality 11 with a
 * 22-bit window (nitro arbcompress/compress_common.go `LEVEL_WELL`, `WINDOW_SIZE`).
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { DICTIONARY_NONE, STYLUS_PREFIX } from '../wasm/format.js';
import { concatBytes } from '../primitives/bytes.js';

export function compressProgram(wasm: Uint8Array): Uint8Array {
  const compressed = brotliCompressSync(wasm, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 22,
      [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length,
    },
  });
  return concatBytes(STYLUS_PREFIX, Uint8Array.of(DICTIONARY_NONE), compressed);
}
