/**
 * Runs one generated block twice from the same pre-state, one by one and through a parallel
 * executor, and lists every difference: block hash, state root, receipts root, bloom, gas, and
 * each transaction's status, gas, refund, output, logs, fee and created address. The proofs
 * (test, fuzz mode, bench) all go through here.
 */
import type { Rules } from '../../forks/index.js';
import { bytesToHex, equalBytes } from '../../primitives/bytes.js';
import { WorldState } from '../../state/world-state.js';
import type { TransactionResult } from '../../exec/transaction.js';
import { StateRootTracker } from '../state-root.js';
import { runBlock, type RunBlockResult } from '../run-block.js';
import type { BlockExecutor } from '../executor.js';
import type { BlockBuilderOptions } from '../builder.js';
import { clonePre, type GeneratedBlock } from './generator.js';

/** The options of a generated block (a first block: no parent). */
export function generatedBlockOptions(block: GeneratedBlock, rules: Rules, chainId = 1n): BlockBuilderOptions {
  return {
    rules,
    chainId,
    parent: undefined,
    parentHash: new Uint8Array(32),
    timestamp: 1_700_000_000n,
    coinbase: block.coinbase,
    gasLimit: block.gasLimit,
    baseFee: rules.london ? block.baseFee : undefined,
    prevRandao: new Uint8Array(32),
    parentBeaconBlockRoot: rules.cancun ? new Uint8Array(32) : undefined,
    blockHash: () => 0n,
  };
}

/** A fresh state with the block's pre-state, and its tracker. */
export function preState(block: GeneratedBlock): { state: WorldState; tracker: StateRootTracker } {
  const state = new WorldState();
  for (const [address, account] of clonePre(block.pre)) state.putAccount(address, account);
  state.takeChangedAddresses();
  const tracker = new StateRootTracker();
  tracker.rebuild(state);
  return { state, tracker };
}

/** Runs the block on a fresh pre-state, through `executor` or one by one. */
export function runGenerated(block: GeneratedBlock, rules: Rules, executor?: BlockExecutor): RunBlockResult {
  const { state, tracker } = preState(block);
  return runBlock(state, generatedBlockOptions(block, rules), block.transactions, tracker, executor);
}

function resultDifferences(i: number, a: TransactionResult, b: TransactionResult): string[] {
  const out: string[] = [];
  const field = (name: string, x: unknown, y: unknown): void => {
    if (x !== y) out.push(`transaction ${i} ${name}: ${String(x)} vs ${String(y)}`);
  };
  field('status', a.status, b.status);
  field('gasUsed', a.gasUsed, b.gasUsed);
  field('gasRefunded', a.gasRefunded, b.gasRefunded);
  field('createdAddress', a.createdAddress, b.createdAddress);
  field('coinbaseFee', a.coinbaseFee, b.coinbaseFee);
  field('error', a.error, b.error);
  field('output', bytesToHex(a.output), bytesToHex(b.output));
  field('logs', a.logs.length, b.logs.length);
  for (let k = 0; k < Math.min(a.logs.length, b.logs.length); k++) {
    const x = a.logs[k]!;
    const y = b.logs[k]!;
    field(`log ${k} address`, x.address, y.address);
    field(`log ${k} data`, bytesToHex(x.data), bytesToHex(y.data));
    field(`log ${k} topics`, x.topics.map(String).join(','), y.topics.map(String).join(','));
  }
  return out;
}

/** Every difference between a sequential and a parallel run of the same block (none: equal). */
export function blockDifferences(sequential: RunBlockResult, parallel: RunBlockResult): string[] {
  const out: string[] = [];
  const a = sequential.block.header;
  const b = parallel.block.header;
  if (!equalBytes(a.stateRoot, b.stateRoot)) out.push(`state root ${bytesToHex(a.stateRoot)} vs ${bytesToHex(b.stateRoot)}`);
  if (!equalBytes(a.receiptsRoot, b.receiptsRoot)) out.push('receipts root differs');
  if (!equalBytes(a.logsBloom, b.logsBloom)) out.push('logs bloom differs');
  if (a.gasUsed !== b.gasUsed) out.push(`gas used ${a.gasUsed} vs ${b.gasUsed}`);
  if (!equalBytes(sequential.block.hash, parallel.block.hash)) out.push('block hash differs');
  if (sequential.results.length !== parallel.results.length) {
    out.push(`${sequential.results.length} vs ${parallel.results.length} results`);
    return out;
  }
  for (let i = 0; i < sequential.results.length; i++) out.push(...resultDifferences(i, sequential.results[i]!, parallel.results[i]!));
  return out;
}
