/**
 * Reading JSON-RPC parameters strictly: every parser names the parameter it rejects and why,
 * as a -32602 error, so no malformed input reaches the chain.
 */
import type { Address } from '../../primitives/address.js';
import { hexToBytes } from '../../primitives/bytes.js';
import { MAX_UINT256 } from '../../primitives/words.js';
import { invalidParams } from './errors.js';

const HEX_QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;
const HEX_DATA = /^0x([0-9a-fA-F]{2})*$/;
const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_HASH = /^0x[0-9a-fA-F]{64}$/;

/** A parameter's position and name, for messages: "parameter 2 (block)". */
export type Where = string;

export function where(index: number, name: string): Where {
  return `parameter ${index + 1} (${name})`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 42 ? `"${value.slice(0, 39)}..."` : `"${value}"`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function fail(at: Where, expected: string, value: unknown): never {
  throw invalidParams(`${at}: expected ${expected}, got ${describe(value)}`);
}

/** A quantity: 0x-prefixed hex (1 to 64 digits), or a non-negative safe integer. */
export function quantity(value: unknown, at: Where, max: bigint = MAX_UINT256): bigint {
  let n: bigint;
  if (typeof value === 'string' && HEX_QUANTITY.test(value)) n = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) n = BigInt(value);
  else fail(at, 'a hex quantity such as "0x1a"', value);
  if (n > max) throw invalidParams(`${at}: ${value} exceeds the maximum ${max}`);
  return n;
}

/** A quantity that fits in 64 bits (gas, nonces, block numbers). */
export function uint64(value: unknown, at: Where): bigint {
  return quantity(value, at, (1n << 64n) - 1n);
}

export function data(value: unknown, at: Where, maxBytes = Infinity): Uint8Array {
  if (typeof value !== 'string' || !HEX_DATA.test(value)) fail(at, 'hex data with an even number of digits, such as "0x00ff"', value);
  if ((value.length - 2) / 2 > maxBytes) throw invalidParams(`${at}: more than ${maxBytes} bytes`);
  return hexToBytes(value);
}

export function address(value: unknown, at: Where): Address {
  if (typeof value !== 'string' || !HEX_ADDRESS.test(value)) fail(at, 'a 20-byte hex address', value);
  return value.toLowerCase();
}

export function hash(value: unknown, at: Where): Uint8Array {
  if (typeof value !== 'string' || !HEX_HASH.test(value)) fail(at, 'a 32-byte hex hash', value);
  return hexToBytes(value);
}

/** A 32-byte word given as a hash or a quantity (storage keys). */
export function word(value: unknown, at: Where): bigint {
  if (typeof value === 'string' && HEX_HASH.test(value)) return BigInt(value);
  return quantity(value, at);
}

export function boolean(value: unknown, at: Where): boolean {
  if (typeof value !== 'boolean') fail(at, 'true or false', value);
  return value;
}

export function string(value: unknown, at: Where, maxLength = 1 << 20): string {
  if (typeof value !== 'string') fail(at, 'a string', value);
  if (value.length > maxLength) throw invalidParams(`${at}: longer than ${maxLength} characters`);
  return value;
}

export function object(value: unknown, at: Where): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'an object', value);
  return value as Record<string, unknown>;
}

export function array(value: unknown, at: Where, maxLength = 10_000): unknown[] {
  if (!Array.isArray(value)) fail(at, 'an array', value);
  if (value.length > maxLength) throw invalidParams(`${at}: more than ${maxLength} entries`);
  return value;
}

/** Optional fields read as undefined when absent or null. */
export function optional<T>(value: unknown, read: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value);
}

/** Rejects keys an object must not have (catches misspelled fields). */
export function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], at: Where): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalidParams(`${at}: unknown field "${key.slice(0, 40)}"`);
  }
}

/** The positional parameters, with arity checked. */
export function expectParams(params: unknown, min: number, max: number): unknown[] {
  const list = params === undefined || params === null ? [] : params;
  if (!Array.isArray(list)) throw invalidParams('params must be an array');
  if (list.length < min) throw invalidParams(`expected at least ${min} parameter${min === 1 ? '' : 's'}, got ${list.length}`);
  if (list.length > max) throw invalidParams(`expected at most ${max} parameter${max === 1 ? '' : 's'}, got ${list.length}`);
  return list;
}

/** A block reference: a tag, a number, or an EIP-1898 object. */
export type BlockRef =
  | { kind: 'tag'; tag: 'latest' | 'earliest' | 'pending' | 'safe' | 'finalized' }
  | { kind: 'number'; number: bigint }
  | { kind: 'hash'; hash: Uint8Array; requireCanonical: boolean };

export const LATEST: BlockRef = { kind: 'tag', tag: 'latest' };

export function blockRef(value: unknown, at: Where): BlockRef {
  if (value === undefined || value === null) return LATEST;
  if (typeof value === 'string') {
    if (value === 'latest' || value === 'earliest' || value === 'pending' || value === 'safe' || value === 'finalized') {
      return { kind: 'tag', tag: value };
    }
    if (HEX_QUANTITY.test(value)) return { kind: 'number', number: uint64(value, at) };
    fail(at, 'a block number or "latest", "earliest", "pending", "safe", "finalized"', value);
  }
  if (typeof value === 'number') return { kind: 'number', number: uint64(value, at) };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (o.blockHash !== undefined) {
      onlyKeys(o, ['blockHash', 'requireCanonical'], at);
      return {
        kind: 'hash',
        hash: hash(o.blockHash, `${at}.blockHash`),
        requireCanonical: optional(o.requireCanonical, (v) => boolean(v, `${at}.requireCanonical`)) ?? false,
      };
    }
    if (o.blockNumber !== undefined) {
      onlyKeys(o, ['blockNumber'], at);
      return blockRef(o.blockNumber, `${at}.blockNumber`);
    }
  }
  fail(at, 'a block number, tag, or {blockHash} / {blockNumber}', value);
}
