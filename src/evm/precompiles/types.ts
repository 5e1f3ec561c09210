import type { Rules } from '../../forks/index.js';

/**
 * The outcome of a precompile call. `ok: false` is an exceptional halt: the caller loses all the
 * gas it passed (out of gas, or input the precompile rejects). On success `gasUsed` is charged
 * and `output` becomes the return data.
 */
export type PrecompileResult = { ok: true; gasUsed: bigint; output: Uint8Array } | { ok: false; reason: string };

/** A precompiled contract: pure, synchronous, deterministic. */
export type Precompile = (input: Uint8Array, gasLimit: bigint, rules: Rules) => PrecompileResult;

export function outOfGas(): PrecompileResult {
  return { ok: false, reason: 'out of gas' };
}

/** Charges `cost` against `gasLimit`, then runs `compute`; `compute` returns null for invalid input. */
export function charge(
  cost: bigint,
  gasLimit: bigint,
  compute: () => Uint8Array | null,
  invalidReason = 'invalid input',
): PrecompileResult {
  if (cost > gasLimit) return outOfGas();
  const output = compute();
  if (output === null) return { ok: false, reason: invalidReason };
  return { ok: true, gasUsed: cost, output };
}
