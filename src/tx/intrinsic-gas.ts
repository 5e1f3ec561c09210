/**
 * The gas a transaction pays before any code runs, and the EIP-7623 calldata floor.
 */
import type { Rules } from '../forks/index.js';
import type { Transaction } from './types.js';

export const TX_BASE_GAS = 21000n;
/** EIP-2 (Homestead): a contract creation costs this much more. */
export const TX_CREATE_GAS = 32000n;
export const TX_DATA_ZERO_GAS = 4n;
/** EIP-2930 */
export const TX_ACCESS_LIST_ADDRESS_GAS = 2400n;
export const TX_ACCESS_LIST_STORAGE_KEY_GAS = 1900n;
/** EIP-3860 (Shanghai): per 32-byte word of initcode. */
export const INITCODE_WORD_GAS = 2n;
/** EIP-7702: charged per authorization up front; partly refunded when the authority exists. */
export const PER_EMPTY_ACCOUNT_COST = 25000n;
/** EIP-7623 (Prague): the floor price of a calldata token. */
export const TX_FLOOR_GAS_PER_TOKEN = 10n;

/**
 * 21000, plus calldata (4 per zero byte, `rules.txDataNonZeroGas` per other byte), plus for a
 * creation 32000 (Homestead) and 2 per initcode word (Shanghai), plus the access list and the
 * EIP-7702 authorizations.
 */
export function intrinsicGas(tx: Transaction, rules: Rules): bigint {
  return TX_BASE_GAS + calldataGas(tx.data, rules) + creationGas(tx, rules) + accessListGas(tx) + authorizationGas(tx);
}

function calldataGas(data: Uint8Array, rules: Rules): bigint {
  const zeros = BigInt(countZeroBytes(data));
  const nonZeros = BigInt(data.length) - zeros;
  return zeros * TX_DATA_ZERO_GAS + nonZeros * rules.txDataNonZeroGas;
}

function creationGas(tx: Transaction, rules: Rules): bigint {
  if (tx.to !== null || !rules.homestead) return 0n;
  const words = BigInt(Math.ceil(tx.data.length / 32));
  return TX_CREATE_GAS + (rules.shanghai ? words * INITCODE_WORD_GAS : 0n);
}

function accessListGas(tx: Transaction): bigint {
  let gas = 0n;
  for (const entry of tx.accessList) {
    gas += TX_ACCESS_LIST_ADDRESS_GAS + BigInt(entry.storageKeys.length) * TX_ACCESS_LIST_STORAGE_KEY_GAS;
  }
  return gas;
}

function authorizationGas(tx: Transaction): bigint {
  return BigInt(tx.authorizationList?.length ?? 0) * PER_EMPTY_ACCOUNT_COST;
}

/**
 * EIP-7623 (Prague): the least gas a transaction may use, 21000 + 10 per calldata token, where
 * a zero byte is one token and any other byte four. The gas limit must cover it, and gas used is
 * raised to it. Zero before Prague, so `max(gasUsed, floor)` holds at every fork.
 */
export function calldataFloorGas(tx: Transaction, rules: Rules): bigint {
  if (!rules.prague) return 0n;
  const zeros = countZeroBytes(tx.data);
  const tokens = BigInt(zeros + 4 * (tx.data.length - zeros));
  return TX_BASE_GAS + tokens * TX_FLOOR_GAS_PER_TOKEN;
}

function countZeroBytes(data: Uint8Array): number {
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return zeros;
}
