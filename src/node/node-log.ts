/**
 * What the node tells its operator, as Anvil prints it: each request's method, Solidity
 * `console.log` output, and for each mined block its transactions (hash, contract created, gas
 * used, the failure decoded) then the block's number, hash and time. The lines go to a writer
 * (the CLI's: `logError`, stderr under Node.js); the chain reports to a `ChainObserver`, which
 * it calls only when one is set, so a node without a log pays nothing.
 */
import type { Address } from '../primitives/address.js';
import { bytesToBigint, bytesToHex } from '../primitives/bytes.js';
import type { Block } from '../chain/block.js';
import type { Receipt } from '../chain/receipt.js';
import type { TransactionResult } from '../exec/transaction.js';
import { checksumAddress } from './accounts.js';
import { ConsoleLogTracer } from './console-log.js';

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

/** What each Panic(uint256) code means (Solidity's list). */
export const PANIC_CODES: ReadonlyMap<number, string> = new Map([
  [0x00, 'generic compiler panic'],
  [0x01, 'assertion failed'],
  [0x11, 'arithmetic underflow or overflow'],
  [0x12, 'division or modulo by zero'],
  [0x21, 'conversion to an enum out of range'],
  [0x22, 'access to an incorrectly encoded storage byte array'],
  [0x31, 'pop() on an empty array'],
  [0x32, 'array index out of bounds'],
  [0x41, 'out of memory (too large an allocation)'],
  [0x51, 'call to a zero-initialized function variable'],
]);

function hasSelector(data: Uint8Array, selector: number): boolean {
  return data.length >= 4 && ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0 === selector;
}

/** The string of an ABI-encoded Error(string), or undefined when `data` is not one. */
function errorString(data: Uint8Array): string | undefined {
  if (!hasSelector(data, 0x08c379a0) || data.length < 4 + 64) return undefined;
  const body = data.subarray(4);
  const offset = bytesToBigint(body.subarray(0, 32));
  if (offset + 32n > BigInt(body.length)) return undefined;
  const start = Number(offset) + 32;
  const length = bytesToBigint(body.subarray(start - 32, start));
  if (BigInt(start) + length > BigInt(body.length)) return undefined;
  return new TextDecoder().decode(body.subarray(start, start + Number(length)));
}

/**
 * Revert data in words: `Error(string)` its string, `Panic(uint256)` its code and meaning, any
 * other data as a custom error's raw selector and arguments.
 */
export function decodeRevertData(data: Uint8Array): string {
  if (data.length === 0) return 'no data';
  const message = errorString(data);
  if (message !== undefined) return message;
  if (hasSelector(data, 0x4e487b71) && data.length === 4 + 32) {
    const code = bytesToBigint(data.subarray(4));
    const meaning = code <= 0xffn ? PANIC_CODES.get(Number(code)) : undefined;
    return `panic: ${meaning ?? 'unknown panic code'} (0x${code.toString(16).padStart(2, '0')})`;
  }
  if (data.length < 4) return `unrecognized data ${bytesToHex(data)}`;
  const args = data.subarray(4);
  return `custom error ${bytesToHex(data.subarray(0, 4))}${args.length > 0 ? `, data ${bytesToHex(args)}` : ''}`;
}

/** Why a transaction failed, as the log line after "Error: " says it. */
export function describeFailure(result: TransactionResult): string {
  if (result.error === 'execution reverted') return `reverted with: ${decodeRevertData(result.output)}`;
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

/** The lines a mined block prints (each transaction, then the block), Anvil's layout. */
export function minedBlockLines(block: Block, transactions: readonly MinedTransactionReport[]): string[] {
  const lines = [''];
  for (const { hash, result, receipt } of transactions) {
    lines.push(`    Transaction: ${hash}`);
    const created: Address | undefined = receipt.contractAddress;
    if (created !== undefined && receipt.success) lines.push(`    Contract created: ${checksumAddress(created)}`);
    lines.push(`    Gas used: ${receipt.gasUsed}`);
    if (!receipt.success) lines.push(`    Error: ${describeFailure(result)}`);
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
