/** 0x03 RIPEMD160 (Frontier): the 20-byte RIPEMD-160 digest, left-padded to a 32-byte word. */
import { ripemd160 as ripemd160Digest } from '../../primitives/hash.js';
import { wordCount } from './input.js';
import { charge, type Precompile } from './types.js';

export const RIPEMD160_BASE_GAS = 600n;
export const RIPEMD160_WORD_GAS = 120n;

export const ripemd160: Precompile = (input, gasLimit) =>
  charge(RIPEMD160_BASE_GAS + RIPEMD160_WORD_GAS * wordCount(input.length), gasLimit, () => {
    const output = new Uint8Array(32);
    output.set(ripemd160Digest(input), 12);
    return output;
  });
