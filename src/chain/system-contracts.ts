/**
 * Block-level system contracts: EIP-4788 (Cancun) stores the parent beacon block root and
 * EIP-2935 (Prague) the parent block hash, each by a call from the system address at the start
 * of the block. Such a call pays no gas, counts nothing against the block, and is skipped when
 * the contract has no code. EIP-7685 (Prague) commits to the block's execution-layer requests.
 */
import type { Address } from '../primitives/address.js';
import { hexToBytes, concatBytes, bytesToBigint } from '../primitives/bytes.js';
import { sha256 } from '../primitives/hash.js';
import type { BlockContext } from '../host/index.js';
import type { Rules } from '../forks/index.js';
import type { WorldState } from '../state/world-state.js';
import type { Log } from '../host/index.js';
import { runCallOnState } from '../exec/call.js';
import { invalidBlock } from './block-error.js';

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

/** EIP-7002 and EIP-7251 (Prague): the request contracts a block calls at its end. */
export const WITHDRAWAL_REQUEST_ADDRESS: Address = '0x00000961ef480eb55e80d19ad83579a64c007002';
export const WITHDRAWAL_REQUEST_CODE = hexToBytes(
  '3373fffffffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff146101f457600182026001905f5b5f82111560685781019083028483029004916001019190604d565b909390049250505036603814608857366101f457346101f4575f5260205ff35b34106101f457600154600101600155600354806003026004013381556001015f35815560010160203590553360601b5f5260385f601437604c5fa0600101600355005b6003546002548082038060101160df575060105b5f5b8181146101835782810160030260040181604c02815460601b8152601401816001015481526020019060020154807fffffffffffffffffffffffffffffffff00000000000000000000000000000000168252906010019060401c908160381c81600701538160301c81600601538160281c81600501538160201c81600401538160181c81600301538160101c81600201538160081c81600101535360010160e1565b910180921461019557906002556101a0565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff14156101cd57505f5b6001546002828201116101e25750505f6101e8565b01600290035b5f555f600155604c025ff35b5f5ffd',
);
export const CONSOLIDATION_REQUEST_ADDRESS: Address = '0x0000bbddc7ce488642fb579f8b00f3a590007251';
export const CONSOLIDATION_REQUEST_CODE = hexToBytes(
  '3373fffffffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1461019a57600182026001905f5b5f82111560685781019083028483029004916001019190604d565b9093900492505050366060146088573661019a573461019a575f5260205ff35b341061019a57600154600101600155600354806004026004013381556001015f358155600101602035815560010160403590553360601b5f5260605f60143760745fa0600101600355005b6003546002548082038060021160e7575060025b5f5b8181146101295782810160040260040181607402815460601b815260140181600101548152602001816002015481526020019060030154905260010160e9565b910180921461013b5790600255610146565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff141561017357505f5b6001546001828201116101885750505f61018e565b01600190035b5f555f6001556074025ff35b5f5ffd',
);

/**
 * The contracts a fresh dev chain is given at genesis, as mainnet has them, so the system calls
 * have code to run and the chain's blocks are valid blocks of their fork.
 */
export function systemContracts(rules: Rules): { address: Address; code: Uint8Array }[] {
  const contracts: { address: Address; code: Uint8Array }[] = [];
  if (rules.cancun) contracts.push({ address: BEACON_ROOTS_ADDRESS, code: BEACON_ROOTS_CODE });
  if (rules.prague) {
    contracts.push({ address: HISTORY_STORAGE_ADDRESS, code: HISTORY_STORAGE_CODE });
    contracts.push({ address: WITHDRAWAL_REQUEST_ADDRESS, code: WITHDRAWAL_REQUEST_CODE });
    contracts.push({ address: CONSOLIDATION_REQUEST_ADDRESS, code: CONSOLIDATION_REQUEST_CODE });
  }
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

/** EIP-6110: the deposit contract (mainnet's) and its DepositEvent topic. */
export const DEPOSIT_CONTRACT_ADDRESS: Address = '0x00000000219ab540356cbb839cbe05303d7705fa';
export const DEPOSIT_EVENT_TOPIC = bytesToBigint(hexToBytes('0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5'));

/**
 * EIP-6110: a DepositEvent's data is the ABI encoding of five byte strings (pubkey 48,
 * withdrawal credentials 32, amount 8, signature 96, index 8); the request is their
 * concatenation. Any other layout makes the block invalid.
 */
const DEPOSIT_FIELDS = [
  [160, 48],
  [256, 32],
  [320, 8],
  [384, 96],
  [512, 8],
] as const;

export function parseDepositLog(data: Uint8Array): Uint8Array {
  const word = (at: number) => (at + 32 <= data.length ? bytesToBigint(data.subarray(at, at + 32)) : -1n);
  if (data.length !== 576) throw invalidBlock('INVALID_DEPOSIT_EVENT_LAYOUT', `deposit log data has ${data.length} bytes, not 576`);
  const parts: Uint8Array[] = [];
  DEPOSIT_FIELDS.forEach(([offset, size], i) => {
    if (word(i * 32) !== BigInt(offset))
      throw invalidBlock('INVALID_DEPOSIT_EVENT_LAYOUT', `deposit log field ${i} is not at offset ${offset}`);
    if (word(offset) !== BigInt(size))
      throw invalidBlock('INVALID_DEPOSIT_EVENT_LAYOUT', `deposit log field ${i} does not have ${size} bytes`);
    parts.push(data.subarray(offset + 32, offset + 32 + size));
  });
  return concatBytes(...parts);
}

/**
 * The requests of a Prague block (EIP-7685), each list its type byte then its data: deposits
 * from the deposit contract's logs (EIP-6110), then what the EIP-7002 and EIP-7251 contracts
 * return to a system call. `strict` (block import) makes a missing contract or a failing call
 * an invalid block; a chain built without the contracts (a dev chain whose state lost them) has
 * no such requests.
 */
export function collectRequests(state: WorldState, logs: Iterable<Log>, block: BlockContext, rules: Rules, strict: boolean): Uint8Array[] {
  const deposits: Uint8Array[] = [];
  for (const log of logs) {
    if (log.address === DEPOSIT_CONTRACT_ADDRESS && log.topics[0] === DEPOSIT_EVENT_TOPIC) deposits.push(parseDepositLog(log.data));
  }
  const requests = [concatBytes(Uint8Array.of(0), ...deposits)];
  for (const [type, address] of [
    [1, WITHDRAWAL_REQUEST_ADDRESS],
    [2, CONSOLIDATION_REQUEST_ADDRESS],
  ] as const) {
    if (state.getCode(address).length === 0) {
      if (strict) throw invalidBlock('SYSTEM_CONTRACT_EMPTY', `the request contract ${address} has no code`);
      requests.push(Uint8Array.of(type));
      continue;
    }
    const result = runCallOnState(state, { caller: SYSTEM_ADDRESS, to: address, gas: SYSTEM_CALL_GAS }, block, rules);
    if (!result.success && strict)
      throw invalidBlock('SYSTEM_CONTRACT_CALL_FAILED', `the system call to ${address} failed: ${result.error}`);
    requests.push(concatBytes(Uint8Array.of(type), result.success ? result.output : new Uint8Array(0)));
  }
  return requests;
}

/**
 * EIP-7685: sha256 of the concatenated sha256 of each non-empty request list (type byte ‖ data).
 * With every list empty the hash is sha256 of nothing.
 */
export function requestsHash(requests: readonly Uint8Array[]): Uint8Array {
  const parts = requests.filter((r) => r.length > 1).map((r) => sha256(r));
  return sha256(concatBytes(...parts));
}
