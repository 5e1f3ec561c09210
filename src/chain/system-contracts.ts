/**
 * Block-level system contracts: EIP-4788 (Cancun) stores the parent beacon block root and
 * EIP-2935 (Prague) the parent block hash, each by a call from the system address at the start
 * of the block. Such a call pays no gas, counts nothing against the block, and is skipped when
 * the contract has no code. EIP-7685 (Prague) commits to the block's execution-layer requests.
 */
import type { Address } from '../primitives/address.js';
import { hexToBytes, concatBytes } from '../primitives/bytes.js';
import { sha256 } from '../primitives/hash.js';
import type { BlockContext } from '../host/index.js';
import type { Rules } from '../forks/index.js';
import type { WorldState } from '../state/world-state.js';
import { runCallOnState } from '../exec/call.js';

export const SYSTEM_ADDRESS: Address = '0xfffffffffffffffffffffffffffffffffffffffe';
export const SYSTEM_CALL_GAS = 30_000_000n;

/** EIP-4788 */
export const BEACON_ROOTS_ADDRESS: Address = '0x000f3df6d732807ef1319fb7b8bb8522d0beac02';
export const BEACON_ROOTS_CODE = hexToBytes(
  '3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500',
);

/** EIP-2935 (as deployed for Prague, serving 8191 blocks) */
export const HISTORY_STORAGE_ADDRESS: Address = '0x0000f90827f1c53a10cb7a02335b175320002935';
export const HISTORY_STORAGE_CODE = hexToBytes(
  '3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500',
);

/** The contracts a fresh dev chain is given at genesis, so the system calls have code to run. */
export function systemContracts(rules: Rules): { address: Address; code: Uint8Array }[] {
  const contracts: { address: Address; code: Uint8Array }[] = [];
  if (rules.cancun) contracts.push({ address: BEACON_ROOTS_ADDRESS, code: BEACON_ROOTS_CODE });
  if (rules.prague) contracts.push({ address: HISTORY_STORAGE_ADDRESS, code: HISTORY_STORAGE_CODE });
  return contracts;
}

/** A call from the system address; its outcome is not checked (a dev chain has no consensus to break). */
function systemCall(state: WorldState, to: Address, data: Uint8Array, block: BlockContext, rules: Rules): void {
  if (state.getCode(to).length === 0) return;
  runCallOnState(state, { caller: SYSTEM_ADDRESS, to, data, gas: SYSTEM_CALL_GAS }, block, rules);
}

/** The system calls that begin a block (EIP-4788, then EIP-2935). */
export function applyPreBlockSystemCalls(
  state: WorldState,
  block: BlockContext,
  rules: Rules,
  parentHash: Uint8Array,
  parentBeaconBlockRoot: Uint8Array | undefined,
): void {
  if (rules.cancun && parentBeaconBlockRoot !== undefined) {
    systemCall(state, BEACON_ROOTS_ADDRESS, parentBeaconBlockRoot, block, rules);
  }
  if (rules.prague && block.number > 0n) systemCall(state, HISTORY_STORAGE_ADDRESS, parentHash, block, rules);
}

/**
 * EIP-7685: sha256 of the concatenated sha256 of each non-empty request list (type byte ‖ data).
 * A dev chain has no deposit, withdrawal or consolidation contracts, so its lists are empty and
 * the hash is sha256 of nothing.
 */
export function requestsHash(requests: readonly Uint8Array[]): Uint8Array {
  const parts = requests.filter((r) => r.length > 1).map((r) => sha256(r));
  return sha256(concatBytes(...parts));
}
