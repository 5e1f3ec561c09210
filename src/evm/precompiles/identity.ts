/** 0x04 IDENTITY (Frontier): returns its input unchanged. */
import { wordCount } from './input.js';
import { charge, type Precompile } from './types.js';

export const IDENTITY_BASE_GAS = 15n;
export const IDENTITY_WORD_GAS = 3n;

// A copy, so the caller's return data never aliases its own memory.
export const identity: Precompile = (input, gasLimit) =>
  charge(IDENTITY_BASE_GAS + IDENTITY_WORD_GAS * wordCount(input.length), gasLimit, () => input.slice());
