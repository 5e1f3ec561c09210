/**
 * Issue 17's third proof: the GeneralStateTests transactions of one fork packed into blocks, each
 * block executed one by one and in parallel (Block-STM on this thread's lanes in a seeded random
 * completion order, or split execution with its parts on this thread), which must agree in
 * everything `blockDifferences` compares.
 *
 * Every valid vector of the fork (each data, gas and value index a test lists) becomes one
 * transaction, sent by the test's sender with consecutive nonces, with enough ether added for all
 * of them. Tests share addresses (most send from 0xa94f… to 0x095e…) with different code and
 * storage, so each test's accounts are moved to addresses of their own: every 20-byte occurrence
 * of a pre-state address or the sender in codes, calldata, access lists and storage values is
 * replaced by the moved address. An address a program computes is not moved; such a program may
 * then touch another test's account, which is only more interaction between the transactions.
 * Consecutive tests fill blocks of up to 256 transactions; the block's gas limit is the sum of
 * its transactions'. Vectors the fixture expects to be invalid are left out, and so are blob and
 * set-code transactions (blob batches are declined by the executor; authorizations are signed for
 * the original addresses). What a transaction does then differs from its state test, which does
 * not matter: both executions run the same block.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { getRules } from '../../dist/forks/index.js';
import { parseStateTests, type StateTest } from '../../dist/cli/statetest/state-test-file.js';
import { buildTransaction } from '../../dist/cli/statetest/run-vector.js';
import { privateKeyToAddress } from '../../dist/tx/keys.js';
import type { Address } from '../../dist/primitives/address.js';
import { encodeTransaction, transactionHash } from '../../dist/tx/encode.js';
import type { Transaction } from '../../dist/tx/types.js';
import { bytesToBigint, hexToBytes } from '../../dist/primitives/bytes.js';
import { bytesToAddress } from '../../dist/primitives/address.js';
import { keccak256 } from '../../dist/primitives/hash.js';
import { ParallelExecutor } from '../../dist/chain/parallel.js';
import { LocalParts } from '../../dist/chain/stm/split.js';
import { blockDifferences, runGenerated } from '../../dist/chain/stm/compare.js';
import type { GeneratedBlock } from '../../dist/chain/stm/generator.js';
import type { RunBlockResult } from '../../dist/chain/run-block.js';
import { importErrorCode } from '../../dist/chain/import.js';

/** At most this many transactions in a packed block. */
const MAX_BLOCK_TRANSACTIONS = 256;

export interface PackedOutcome {
  /** The block's first and last tests. */
  tests: string;
  transactions: number;
  /** Ran through Block-STM (the executor did not decline the batch). */
  parallel: boolean;
  /** Both runs rejected the block with this code (a transaction the protocol refuses). */
  rejected: string | undefined;
  differences: string[];
}

interface Packing {
  block: GeneratedBlock;
  first: string;
  last: string;
}

/** `bytes` with every occurrence of each key (20 bytes, as hex without 0x) replaced by its value. */
function relocate(bytes: Uint8Array, moves: Map<string, Uint8Array>): Uint8Array {
  if (bytes.length < 20) return bytes;
  let out: Uint8Array | undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (const [from, to] of moves) {
    const needle = Buffer.from(from, 'hex');
    for (let at = buffer.indexOf(needle); at >= 0; at = buffer.indexOf(needle, at + 20)) {
      out ??= Uint8Array.from(bytes);
      out.set(to, at);
    }
  }
  return out ?? bytes;
}

/** The test's moved address of `address`: a hash of the test's index and the address. */
function movedAddress(index: number, address: Address): Uint8Array {
  return keccak256(new TextEncoder().encode(`${index}:${address}`)).subarray(12);
}

/** Packs `tests` (with their names) into blocks, in order. */
export function packTests(tests: { name: string; test: StateTest }[], fork: string): Packing[] {
  const packings: Packing[] = [];
  let open: Packing | undefined;
  for (const [index, { name, test }] of tests.entries()) {
    const sender = test.transaction.sender ?? privateKeyToAddress(test.transaction.secretKey);
    const held = test.pre.get(sender);
    if (held === undefined || held.code.length > 0) continue;
    const moves = new Map<string, Uint8Array>();
    for (const address of [sender, ...test.pre.keys()]) moves.set(address.slice(2), movedAddress(index, address));
    const moved = (address: Address) => bytesToAddress(moves.get(address.slice(2)) ?? hexToBytes(address));
    const txs: Transaction[] = [];
    let cost = 0n;
    for (const entry of test.post.get(fork) ?? []) {
      if (entry.expectException !== undefined) continue;
      let tx: Transaction;
      try {
        tx = buildTransaction(test, entry);
      } catch {
        continue;
      }
      if (tx.type === 3 || tx.type === 4) continue;
      txs.push({
        ...tx,
        nonce: held.nonce + BigInt(txs.length),
        to: tx.to === null ? null : moved(tx.to),
        data: relocate(tx.data, moves),
        accessList: tx.accessList.map((e) => ({ ...e, address: moved(e.address) })),
      });
      cost += tx.gasLimit * (tx.maxFeePerGas ?? tx.gasPrice ?? 0n) + tx.value;
    }
    if (txs.length === 0) continue;
    const baseFee = test.env.baseFee ?? 0n;
    if (open === undefined || open.block.baseFee !== baseFee || open.block.transactions.length + txs.length > MAX_BLOCK_TRANSACTIONS) {
      open = { block: { pre: new Map(), transactions: [], coinbase: test.env.coinbase, baseFee, gasLimit: 0n }, first: name, last: name };
      packings.push(open);
    }
    for (const [address, account] of test.pre) {
      const copy = account.clone();
      copy.setCode(relocate(account.code, moves));
      for (const [slot, value] of copy.storage) {
        // A value below 2^160 may be an address.
        if (value < 1n << 160n)
          copy.storage.set(slot, bytesToBigint(relocate(hexToBytes('0x' + value.toString(16).padStart(40, '0')), moves)));
      }
      if (address === sender) copy.balance += cost;
      open.block.pre.set(moved(address), copy);
    }
    const from = moved(sender);
    for (const tx of txs) {
      open.block.transactions.push({ tx, sender: from, hash: transactionHash(tx), encoded: encodeTransaction(tx) });
      open.block.gasLimit += tx.gasLimit;
    }
    open.last = name;
  }
  return packings;
}

function run(block: GeneratedBlock, fork: string, executor?: ParallelExecutor): RunBlockResult | { rejected: string } {
  try {
    return runGenerated(block, getRules(fork), executor);
  } catch (error) {
    const code = importErrorCode(error);
    if (code === undefined) throw error;
    return { rejected: code };
  }
}

/** The parallel executors a packed block is checked with. */
export type ParallelMode = 'lanes' | 'split';

/**
 * Block-STM on this thread's lanes (a seeded random completion order), or split execution with
 * its parts on this thread (through the encoding worker threads use).
 */
function executor(mode: ParallelMode, seed: number, report: (r: { declined?: string }) => void): ParallelExecutor {
  const common = { seed, minTransactions: 2, bail: false, report };
  if (mode === 'lanes') return new ParallelExecutor({ ...common, localLanes: 4 });
  return new ParallelExecutor({ ...common, share: 0.3, parts: (job) => new LocalParts(2, job.base, job.transactions, job.setting) });
}

/** Runs one packed block one by one and in parallel (`mode`), and compares. */
export function compareBlock(packing: Packing, fork: string, seed: number, mode: ParallelMode = 'lanes'): PackedOutcome {
  const { block } = packing;
  const sequential = run(block, fork);
  let declined: string | undefined;
  const parallel = run(
    block,
    fork,
    executor(mode, seed, (r) => (declined = r.declined)),
  );
  const outcome: PackedOutcome = {
    tests: packing.first === packing.last ? packing.first : `${packing.first} … ${packing.last}`,
    transactions: block.transactions.length,
    parallel: declined === undefined,
    rejected: undefined,
    differences: [],
  };
  if ('rejected' in sequential || 'rejected' in parallel) {
    const a = 'rejected' in sequential ? sequential.rejected : 'accepted';
    const b = 'rejected' in parallel ? parallel.rejected : 'accepted';
    outcome.rejected = a;
    if (a !== b) outcome.differences.push(`sequential ${a}, parallel ${b}`);
  } else {
    outcome.differences = blockDifferences(sequential, parallel);
  }
  return outcome;
}

/** The tests of the state-test files `paths`, named by file and test. */
export function readTests(paths: string[], base: string): { name: string; test: StateTest }[] {
  return paths.flatMap((path) =>
    parseStateTests(JSON.parse(readFileSync(path, 'utf8'))).map((test) => ({ name: `${relative(base, path)} ${test.name}`, test })),
  );
}
