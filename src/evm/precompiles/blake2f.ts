/**
 * 0x09 BLAKE2F (Istanbul, EIP-152): the BLAKE2b compression function F with a caller-chosen
 * number of rounds, so contracts can verify BLAKE2b-based proofs (Zcash, among others).
 *
 * Input, exactly 213 bytes: rounds (4, big-endian) ‖ h (8 × 8, little-endian) ‖
 * m (16 × 8, little-endian) ‖ t (2 × 8, little-endian) ‖ f (1, must be 0 or 1).
 * Output: the new state h, 64 bytes little-endian. Gas: 1 per round.
 *
 * F runs as a small WebAssembly module (blake2f-wasm.ts, generated), where 64-bit words are
 * native: a call may ask for 2^32 - 1 rounds, which JavaScript's 32-bit halves (blake2f-compress.ts,
 * also generated, kept for engines without WebAssembly) take minutes over.
 */
import { outOfGas, type Precompile } from './types.js';
import { compress } from './blake2f-compress.js';
import { BLAKE2F_WASM_HEX, BLAKE2F_WASM_H, BLAKE2F_WASM_SCHEDULE, BLAKE2F_WASM_T } from './blake2f-wasm.js';
import { hexToBytes } from '../../primitives/bytes.js';

export { compress };

export const BLAKE2F_INPUT_LENGTH = 213;
export const BLAKE2F_GAS_PER_ROUND = 1n;

export const blake2f: Precompile = (input, gasLimit) => {
  if (input.length !== BLAKE2F_INPUT_LENGTH) return { ok: false, reason: 'blake2f input must be 213 bytes' };
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const rounds = view.getUint32(0, false);
  const gas = BigInt(rounds) * BLAKE2F_GAS_PER_ROUND;
  if (gas > gasLimit) return outOfGas();
  const finalBlock = input[212]!;
  if (finalBlock > 1) return { ok: false, reason: 'blake2f final-block flag must be 0 or 1' };
  const wasm = wasmCompressor();
  return { ok: true, gasUsed: gas, output: wasm ? wasm(rounds, input) : compressInJs(rounds, view, finalBlock === 1) };
};

function compressInJs(rounds: number, view: DataView, finalBlock: boolean): Uint8Array {
  const h = readWords(view, 4, 8);
  const m = readWords(view, 68, 16);
  const t = readWords(view, 196, 2);
  compress(rounds, h, m, t, finalBlock);
  const output = new Uint8Array(64);
  const out = new DataView(output.buffer);
  for (let i = 0; i < 16; i++) out.setUint32(4 * i, h[i]!, true);
  return output;
}

/** `count` little-endian 64-bit words as 2·count 32-bit halves, low half first. */
function readWords(view: DataView, offset: number, count: number): Uint32Array {
  const words = new Uint32Array(2 * count);
  for (let i = 0; i < 2 * count; i++) words[i] = view.getUint32(offset + 4 * i, true);
  return words;
}

/** The message schedule (RFC 7693, section 2.7): round r reads the words in the order SIGMA[r mod 10]. */
// prettier-ignore
const SIGMA = Uint8Array.of(
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
  11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
  7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
  9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
  2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
  12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
  13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
  6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
  10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
);

type Compressor = (rounds: number, input: Uint8Array) => Uint8Array;
/** Rounds per call into WebAssembly: a multiple of 10, so each chunk starts on the first schedule. */
const WASM_CHUNK = 10 * 4096;
let wasmInstance: Compressor | null | undefined;

/** F on the WebAssembly module, instantiated on first use; null where WebAssembly is unavailable. */
export function wasmCompressor(): Compressor | null {
  if (wasmInstance !== undefined) return wasmInstance;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(hexToBytes(BLAKE2F_WASM_HEX)));
    type Export = (a: number, b: number) => void;
    const start = instance.exports['start'] as Export;
    const rounds = instance.exports['rounds'] as Export;
    const finish = instance.exports['finish'] as Export;
    const memory = instance.exports['memory'] as WebAssembly.Memory;
    wasmInstance = (count, input) => {
      // The memory never grows, so this view stays valid.
      const bytes = new Uint8Array(memory.buffer);
      bytes.set(input.subarray(4, 68), BLAKE2F_WASM_H);
      bytes.set(input.subarray(196, 212), BLAKE2F_WASM_T);
      // The message words in schedule order, 16 words (128 bytes) per schedule.
      for (let i = 0; i < 160; i++) {
        const from = 68 + 8 * SIGMA[i]!;
        bytes.set(input.subarray(from, from + 8), BLAKE2F_WASM_SCHEDULE + 8 * i);
      }
      start(input[212]!, 0);
      // In chunks: V8 moves a WebAssembly function to optimised code only for its later calls.
      for (let done = 0; done < count; done += WASM_CHUNK) {
        rounds(Math.min(WASM_CHUNK, count - done), 128 * (done % 10));
      }
      finish(0, 0);
      return bytes.slice(BLAKE2F_WASM_H, BLAKE2F_WASM_H + 64);
    };
  } catch {
    wasmInstance = null;
  }
  return wasmInstance;
}
