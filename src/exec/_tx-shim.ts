// TEMPORARY until tx/ lands.
import type { Rules } from '../forks/index.js';
import type { Transaction } from '../tx/types.js';
import { InvalidTransactionError } from '../tx/types.js';
export function intrinsicGas(tx: Transaction, rules: Rules): bigint {
  let g = 21000n;
  if (tx.to === null && rules.homestead) g += 32000n;
  for (const b of tx.data) g += b === 0 ? 4n : rules.txDataNonZeroGas;
  for (const e of tx.accessList) g += 2400n + 1900n * BigInt(e.storageKeys.length);
  if (tx.to === null && rules.shanghai) g += 2n * BigInt(Math.ceil(tx.data.length / 32));
  return g;
}
export function calldataFloorGas(_tx: Transaction, _rules: Rules): bigint { return 0n; }
export function validateTransactionStatic(tx: Transaction, rules: Rules, _c?: bigint): void {
  if (tx.gasLimit < intrinsicGas(tx, rules)) throw new InvalidTransactionError('TransactionException.INTRINSIC_GAS_TOO_LOW', 'low');
  if (tx.to === null && tx.data.length > rules.maxInitcodeSize) throw new InvalidTransactionError('TransactionException.INITCODE_SIZE_EXCEEDED', 'x');
  if (tx.type === 3 && tx.blobVersionedHashes!.length === 0) throw new InvalidTransactionError('TransactionException.TYPE_3_TX_ZERO_BLOBS', 'x');
  if (tx.nonce >= (1n<<64n)-1n) throw new InvalidTransactionError('TransactionException.NONCE_IS_MAX', 'x');
  if (tx.maxPriorityFeePerGas !== undefined && tx.maxPriorityFeePerGas > tx.maxFeePerGas!) throw new InvalidTransactionError('TransactionException.PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS', 'x');
}
