/** 0x02 SHA256 (Frontier): the SHA-256 digest of the input. */
import { sha256 as sha256Digest } from '../../primitives/hash.js';
import { wordCount } from './input.js';
import { charge, type Precompile } from './types.js';

export const SHA256_BASE_GAS = 60n;
export const SHA256_WORD_GAS = 12n;

export const sha256: Precompile = (input, gasLimit) =>
  charge(SHA256_BASE_GAS + SHA256_WORD_GAS * wordCount(input.length), gasLimit, () => sha256Digest(input));
