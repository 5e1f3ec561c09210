/**
 * What the node tells its operator, as Anvil prints it: each request's method, Solidity
 * `console.log` output, and for each mined block its transactions (hash, contract created, gas
 * used, the failure decoded) then the block's number, hash and time. The lines go to a writer
 * (the CLI's: `logError`, stderr under Node.js); the chain reports to a `ChainObserver`, which
 * it calls only when one is set, so a node without a log pays nothing.
 */
import type { Address } from '../primitives/address.js';
import { bytesToHex } from '../primitives/bytes.js';
import { decodeRevertData } from '../trace/revert.js';
import type { ArtifactIndex } from '../trace/artifacts.js';
import type { Block } from '../chain/block.js';
import type { Receipt } from '../chain/receipt.js';
import type { TransactionResult } from '../exec/transaction.js';
import { checksumAddress } from '../primitives/address.js';
import { ConsoleLogTracer } from '../trace/console-log.js';

/** Where console.log lines came from. */
export type ConsoleOrigin = { kind: 'transaction'; hash: string } | { kind: 'call' };

export interface MinedTransactionReport {
  hash: string;
  result: TransactionResult;
  receipt: Receipt;
}

/** What the chain reports to the node while it runs transactions and mines. */
export interface ChainObserver {
  /** A tracer for one run that collects its console.log lines; undefined when nobody wants them. */
  consoleTracer(): ConsoleLogTracer | undefined;
  /** The console.log lines of one run (a mined transaction, or an eth_call). */
  console(lines: readonly string[], origin: ConsoleOrigin): void;
  /** Whether `mined` is wanted (the transactions' reports are then kept while a block is built). */
  readonly wantsBlocks: boolean;
  mined(block: Block, transactions: readonly MinedTransactionReport[]): void;
}

/** Why a transaction failed, as the log line after "Error: " says it (custom errors named when artifacts know them). */
export function describeFailure(result: TransactionResult, artifacts?: ArtifactIndex): string {
  if (result.error === 'execution reverted') {
    return `reverted with: ${artifacts?.decodeError(result.output) ?? decodeRevertData(result.output)}`;
  }
  return result.reason ?? result.error ?? 'failed';
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 2822 in UTC as Anvil prints block times: `Tue, 5 Mar 2024 09:04:00 +0000`. */
export function rfc2822(seconds: bigint): string {
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return `${seconds} s`;
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/**
 * The lines a mined block prints (each transaction, then the block), Anvil's layout; with
 * artifacts, failures name custom errors and `tree` gives each transaction's call tree.
 */
export function minedBlockLines(
  block: Block,
  transactions: readonly MinedTransactionReport[],
  artifacts?: ArtifactIndex,
  tree?: (hash: string) => string[],
): string[] {
  const lines = [''];
  for (const { hash, result, receipt } of transactions) {
    lines.push(`    Transaction: ${hash}`);
    const created: Address | undefined = receipt.contractAddress;
    if (created !== undefined && receipt.success) lines.push(`    Contract created: ${checksumAddress(created)}`);
    lines.push(`    Gas used: ${receipt.gasUsed}`);
    if (!receipt.success) lines.push(`    Error: ${describeFailure(result, artifacts)}`);
    if (tree !== undefined) lines.push('', ...tree(hash));
    lines.push('');
  }
  lines.push(`    Block Number: ${block.header.number}`);
  lines.push(`    Block Hash: ${bytesToHex(block.hash)}`);
  lines.push(`    Block Time: "${rfc2822(block.header.timestamp)}"`, '');
  return lines;
}

/** The lines console.log output prints. */
export function consoleLines(lines: readonly string[]): string[] {
  return ['console.log:', ...lines.map((line) => `  ${line}`)];
}
