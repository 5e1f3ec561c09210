/**
 * Bounded brotli decompression of a program's module, with the `brotli-dec-wasm` decoder (Rust's
 * brotli-decompressor compiled to WebAssembly, docs/wasm-notes.md §6).
 *
 * The decoder streams into an output window never larger than one byte past the limit, so a
 * decompression bomb costs at most `limit + 1` bytes of work and memory before it is refused.
 * Nitro decodes into a buffer of MaxWasmSize bytes and accepts only a finished stream that fits
 * (nitro arbcompress/native.go, crates/brotli/src/lib.rs `decompress_fixed`); polyvm does the
 * same and also refuses bytes after the end of the stream, which nitro ignores.
 *
 * The decoder's own WebAssembly (208 KB) must be instantiated before the first program is
 * decompressed, synchronously, from bytes the core cannot read itself: `initBrotliDecoder(bytes)`
 * with the bytes of `brotli-dec-wasm/web/bg.wasm` (a page fetches or bundles them). Under
 * Node.js the first decompression loads them from node_modules if nobody did before, as the
 * KZG setup does (`loadBrotliDecoder()` does it up front).
 */
import { initSync, BrotliDecStream, BrotliStreamResultCode } from 'brotli-dec-wasm/web';
import { concatBytes } from '../primitives/bytes.js';
import { nodeOnly, nodePackageFile } from '../primitives/node-require.js';
import { DICTIONARY_NONE, DICTIONARY_STYLUS_PROGRAM_11, MAX_WASM_SIZE, ProgramFormatError, splitProgram } from './format.js';

/** The package file holding the decoder's WebAssembly module. */
export const BROTLI_DECODER_WASM = 'brotli-dec-wasm/web/bg.wasm';

/** A program was decompressed before the brotli decoder was initialised (a browser that did not call initBrotliDecoder). */
export class BrotliDecoderMissingError extends Error {
  override name = 'BrotliDecoderMissingError';
}

let ready = false;

/**
 * Instantiates the brotli decoder from the bytes of `brotli-dec-wasm/web/bg.wasm` (or that file
 * compiled to a WebAssembly.Module). Synchronous; a second call does nothing.
 */
export function initBrotliDecoder(wasm: ArrayBufferView | ArrayBuffer | WebAssembly.Module): void {
  if (ready) return;
  initSync({ module: wasm });
  ready = true;
}

/** Whether the decoder is ready. */
export function brotliDecoderReady(): boolean {
  return ready;
}

/** Under Node.js, initialises the decoder from node_modules; elsewhere throws NodeOnlyError. */
export function loadBrotliDecoder(): void {
  if (!ready)
    initBrotliDecoder(nodeOnly(nodePackageFile(import.meta.url, BROTLI_DECODER_WASM), 'loading the brotli decoder from node_modules'));
}

function requireDecoder(): void {
  if (ready) return;
  const bytes = nodePackageFile(import.meta.url, BROTLI_DECODER_WASM);
  if (!bytes) {
    throw new BrotliDecoderMissingError(
      `the brotli decoder is not initialised: call initBrotliDecoder() with the bytes of ${BROTLI_DECODER_WASM} before deploying or running WebAssembly programs`,
    );
  }
  initBrotliDecoder(bytes);
}

/** Most bytes asked of the decoder per step: bounds the output buffer it allocates when the limit is large. */
const STEP = 1 << 16;

/**
 * The WebAssembly module inside a program (`EF F0 00`, dictionary byte, brotli stream), at most
 * `limit` bytes long. Every way the program can be wrong throws ProgramFormatError: not a program,
 * a dictionary other than none, a corrupt or truncated stream, bytes after the stream, or a module
 * longer than `limit`.
 */
export function decompressProgram(code: Uint8Array, limit: number = MAX_WASM_SIZE): Uint8Array {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number of bytes, got ${limit}`);
  const { dictionary, compressed } = splitProgram(code);
  if (dictionary === DICTIONARY_STYLUS_PROGRAM_11) {
    throw new ProgramFormatError(
      `dictionary ${dictionary} (nitro's stylus-program-11) is not supported: compress the module without a dictionary`,
    );
  }
  if (dictionary !== DICTIONARY_NONE) throw new ProgramFormatError(`unsupported dictionary type ${dictionary}`);
  requireDecoder();
  return decompressBounded(compressed, limit);
}

function decompressBounded(compressed: Uint8Array, limit: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let written = 0;
  let input = compressed;
  const stream = new BrotliDecStream();
  try {
    for (;;) {
      // One byte more than the room left: a stream that fills it is too long, however long it is.
      const room = limit - written + 1;
      let chunk: Uint8Array;
      let code: BrotliStreamResultCode;
      let consumed: number;
      try {
        const result = stream.dec(input, Math.min(room, STEP));
        try {
          chunk = result.buf;
          code = result.code;
          consumed = result.input_offset;
        } finally {
          result.free();
        }
      } catch (e) {
        throw new ProgramFormatError(`corrupt brotli stream: ${(e as Error)?.message ?? String(e)}`);
      }
      if (chunk.length > limit - written) {
        throw new ProgramFormatError(`the decompressed module is larger than the limit of ${limit} bytes`);
      }
      chunks.push(chunk);
      written += chunk.length;
      input = input.subarray(consumed);
      if (code === BrotliStreamResultCode.ResultSuccess) {
        if (input.length > 0) throw new ProgramFormatError(`${input.length} bytes follow the end of the brotli stream`);
        return concatBytes(...chunks);
      }
      if (code === BrotliStreamResultCode.NeedsMoreInput)
        throw new ProgramFormatError('truncated brotli stream: it ends before its last block');
      // NeedsMoreOutput: the window was full; a step that made no progress would loop forever.
      if (chunk.length === 0 && consumed === 0) throw new ProgramFormatError('corrupt brotli stream: the decoder made no progress');
    }
  } finally {
    stream.free();
  }
}
