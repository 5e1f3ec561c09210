/** The code a top-level message runs: the target's own, or its EIP-7702 delegate's. */
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import type { WorldState } from '../state/world-state.js';
import { delegationTarget } from '../evm/delegation.js';

export interface ResolvedCode {
  code: Uint8Array;
  codeAddress: Address;
  /** A delegation never reaches a precompile. */
  precompilesDisabled: boolean;
}

/**
 * EIP-7702: a message to a delegated account runs the delegate's code; the delegate is warmed
 * without charge (the CALL family charges for it in opcodes/system.ts).
 */
export function resolveCode(state: WorldState, target: Address, rules: Rules): ResolvedCode {
  const code = state.getCode(target);
  const delegate = rules.prague ? delegationTarget(code) : undefined;
  if (delegate === undefined) return { code, codeAddress: target, precompilesDisabled: false };
  state.warmAddress(delegate);
  return { code: state.getCode(delegate), codeAddress: delegate, precompilesDisabled: true };
}
