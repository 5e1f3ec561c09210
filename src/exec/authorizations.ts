/**
 * EIP-7702: applying a set-code transaction's authorizations before its call. An authorization
 * that does not hold (wrong chain, wrong nonce, bad signature, an authority with real code) is
 * skipped, never an error.
 */
import type { Rules } from '../forks/index.js';
import type { JournaledHost } from '../host/index.js';
import type { Transaction } from '../tx/types.js';
import { recoverAuthority } from '../tx/sender.js';
import { MAX_NONCE } from '../tx/validate.js';
import { PER_EMPTY_ACCOUNT_COST } from '../tx/intrinsic-gas.js';
import { delegationCode, isDelegation } from './delegation.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';

/** PER_AUTH_BASE_COST: what an authorization for an existing account really costs. */
export const PER_AUTH_BASE_COST = 12500n;
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** Applies the authorizations; returns the refund earned for authorities that already existed. */
export function applyAuthorizations(state: JournaledHost, tx: Transaction, chainId: bigint, rules: Rules): bigint {
  let refund = 0n;
  for (const auth of tx.authorizationList ?? []) {
    if (auth.chainId !== 0n && auth.chainId !== chainId) continue;
    if (auth.nonce >= MAX_NONCE) continue;
    const authority = recoverAuthority(auth);
    if (authority === undefined) continue;
    if (rules.berlin) state.warmAddress(authority);
    const code = state.getCode(authority);
    if (code.length > 0 && !isDelegation(code)) continue;
    if (state.getNonce(authority) !== auth.nonce) continue;
    if (state.accountExists(authority)) refund += PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST;
    // The zero address clears a delegation.
    state.setCode(authority, auth.address === ZERO_ADDRESS ? EMPTY_BYTES : delegationCode(auth.address));
    state.incrementNonce(authority);
  }
  return refund;
}
