/**
 * How geth's tracers write values in JSON: quantities as 0x-hex without leading zeros, bytes as
 * 0x-hex ("0x" when empty), storage keys and values as 32-byte words, addresses in lowercase.
 */
import { bigintToFixedBytes, bytesToHex } from '../primitives/bytes.js';
import { errorString } from './revert.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function quantity(value: bigint | number): string {
  return '0x' + value.toString(16);
}

export function hex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

export function word(value: bigint): string {
  return bytesToHex(bigintToFixedBytes(value, 32));
}

/** An object with its keys in sorted order (as Go writes a map). */
export function sorted<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = value;
  return out;
}

/**
 * The reason a Solidity revert carries: `Error(string)`, or `Panic(uint256)` by its code, as
 * geth decodes it; undefined when the data is neither (or malformed).
 */
export function revertReason(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  const selector = bytesToHex(data.subarray(0, 4));
  const body = data.subarray(4);
  const wordAt = (offset: number): bigint | undefined =>
    offset + 32 <= body.length ? BigInt(bytesToHex(body.subarray(offset, offset + 32))) : undefined;
  if (selector === '0x08c379a0') return errorString(data);
  if (selector === '0x4e487b71') {
    const code = wordAt(0);
    if (code === undefined) return undefined;
    const reason = code <= 0xffn ? PANIC_REASONS[Number(code)] : undefined;
    return reason ?? `unknown panic code: ${quantity(code)}`;
  }
  return undefined;
}

/** Solidity's panic codes, worded as geth (after ethers.js) words them. */
const PANIC_REASONS: Record<number, string> = {
  0x00: 'generic panic',
  0x01: 'assert(false)',
  0x11: 'arithmetic underflow or overflow',
  0x12: 'division or modulo by zero',
  0x21: 'enum overflow',
  0x22: 'invalid encoded storage byte array accessed',
  0x31: 'out-of-bounds array access; popping on an empty array',
  0x32: 'out-of-bounds access of an array or bytesN',
  0x41: 'out of memory',
  0x51: 'uninitialized function',
};
