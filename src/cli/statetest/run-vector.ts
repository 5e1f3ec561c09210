/** Runs one state-test vector: one post entry of one fork. */
import { bytesToBigint, bytesToHex } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import { MAX_UINT256, MAX_UINT64 } from '../../primitives/words.js';
import { getRules, parseFork, type Rules } from '../../forks/index.js';
import { blobBaseFee } from '../../forks/blobs.js';
import type { BlockContext } from '../../host/index.js';
import type { Tracer } from '../../evm/frame.js';
import { WorldState } from '../../state/world-state.js';
import { logsHash, stateRoot } from '../../state/roots.js';
import { runTransaction } from '../../exec/transaction.js';
import type { Machines } from '../../exec/code.js';
import { InvalidTransactionError, type Transaction, type TxType } from '../../tx/types.js';
import { invalidTransaction, type TransactionExceptionName } from '../../tx/errors.js';
import { privateKeyToAddress } from '../../tx/keys.js';
import type { PostEntry, StateTest } from './state-test-file.js';

export interface VectorResult {
  name: string;
  fork: string;
  index: { data: number; gas: number; value: number };
  pass: boolean;
  stateRoot: string;
  logsHash: string;
  error: string;
}

/** Block hashes in state tests: keccak256 of the block number's decimal digits (as geth's runner). */
function testBlockHash(number: bigint): bigint {
  return bytesToBigint(keccak256(new TextEncoder().encode(number.toString())));
}

export function blockContext(test: StateTest, rules: Rules): BlockContext {
  const env = test.env;
  return {
    coinbase: env.coinbase,
    number: env.number,
    timestamp: env.timestamp,
    gasLimit: env.gasLimit,
    baseFee: env.baseFee ?? 0n,
    prevRandao: env.prevRandao ?? env.difficulty,
    difficulty: env.difficulty,
    blobBaseFee: blobBaseFee(env.excessBlobGas ?? 0n, rules),
    chainId: test.chainId,
    blockHash: testBlockHash,
  };
}

function invalidField(name: TransactionExceptionName, reason: string): never {
  throw invalidTransaction(name, reason);
}

/** Builds the transaction of one vector; field values no RLP encoding could carry are rejected. */
export function buildTransaction(test: StateTest, entry: PostEntry): Transaction {
  const t = test.transaction;
  const { data, gas, value } = entry.index;
  const accessList = t.accessLists?.[data] ?? undefined;
  let type: TxType = 0;
  if (t.authorizationList !== undefined) type = 4;
  else if (t.blobVersionedHashes !== undefined) type = 3;
  else if (t.maxFeePerGas !== undefined) type = 2;
  else if (accessList !== undefined) type = 1;
  const tx: Transaction = {
    type,
    chainId: type === 0 ? undefined : test.chainId,
    nonce: t.nonce,
    gasPrice: type < 2 ? (t.gasPrice ?? 0n) : undefined,
    maxPriorityFeePerGas: type >= 2 ? (t.maxPriorityFeePerGas ?? 0n) : undefined,
    maxFeePerGas: type >= 2 ? t.maxFeePerGas : undefined,
    gasLimit: t.gasLimit[gas]!,
    to: t.to,
    value: t.value[value]!,
    data: t.data[data]!,
    accessList: accessList ?? [],
    maxFeePerBlobGas: type === 3 ? (t.maxFeePerBlobGas ?? 0n) : undefined,
    blobVersionedHashes: type === 3 ? t.blobVersionedHashes : undefined,
    authorizationList: type === 4 ? t.authorizationList : undefined,
    v: 0n,
    r: 0n,
    s: 0n,
  };
  if (tx.value > MAX_UINT256) invalidField('RLP_INVALID_VALUE', 'value exceeds 256 bits');
  if (tx.gasLimit > MAX_UINT64) invalidField('GASLIMIT_OVERFLOW', 'gas limit exceeds 64 bits');
  if ((tx.gasPrice ?? 0n) > MAX_UINT256 || (tx.maxFeePerGas ?? 0n) > MAX_UINT256 || (tx.maxPriorityFeePerGas ?? 0n) > MAX_UINT256) {
    invalidField('GASPRICE_OVERFLOW', 'gas price exceeds 256 bits');
  }
  if (tx.nonce > MAX_UINT64) invalidField('NONCE_OVERFLOW', 'nonce exceeds 64 bits');
  return tx;
}

export interface RunVectorOptions {
  tracer?: Tracer;
  /** The engine's VMs: one per thread, so its code cache serves every vector the thread runs. */
  machines?: Machines;
  /** Called after the transaction with what an EIP-3155 trace ends with. */
  onEnd?: (summary: { output: string; gasUsed: string; error: string | null; stateRoot: string }) => void;
}

export function runVector(test: StateTest, fork: string, entry: PostEntry, options: RunVectorOptions = {}): VectorResult {
  const rules = getRules(parseFork(fork));
  const state = new WorldState();
  for (const [address, account] of test.pre) state.putAccount(address, account.clone());
  const sender = test.transaction.sender ?? privateKeyToAddress(test.transaction.secretKey);
  let error = '';
  let logs = logsHash([]);
  let output = '0x';
  let gasUsed = 0n;
  try {
    const tx = buildTransaction(test, entry);
    const result = runTransaction(state, tx, sender, blockContext(test, rules), rules, {
      tracer: options.tracer,
      machines: options.machines,
    });
    logs = logsHash(result.logs);
    output = bytesToHex(result.output);
    gasUsed = result.gasUsed;
    if (result.error) error = result.error;
  } catch (e) {
    if (!(e instanceof InvalidTransactionError)) throw e;
    state.clearTransaction();
    error = e.code;
  }
  const root = bytesToHex(stateRoot(state.accountEntries()));
  options.onEnd?.({ output, gasUsed: '0x' + gasUsed.toString(16), error: error || null, stateRoot: root });
  const logsHex = bytesToHex(logs);
  let pass = root === entry.hash && logsHex === entry.logs;
  const rejected = error.startsWith('TransactionException.');
  if (entry.expectException !== undefined && !rejected) {
    pass = false;
    error = `expected ${entry.expectException}, but the transaction was accepted${error ? ` (${error})` : ''}`;
  } else if (entry.expectException === undefined && rejected) {
    pass = false;
  }
  return { name: test.name, fork, index: entry.index, pass, stateRoot: root, logsHash: logsHex, error };
}
