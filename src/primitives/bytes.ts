/** Bytes and hex: the conversions every layer uses. Strict: malformed hex is an error, never a guess. */

export class HexError extends Error {
  override name = 'HexError';
}

const HEX_CHARS = '0123456789abcdef';
const BYTE_TO_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_TO_HEX.push(HEX_CHARS[i >> 4]! + HEX_CHARS[i & 15]!);

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Parses hex with or without a 0x prefix. An odd length is an error unless `allowOdd` is set. */
export function hexToBytes(hex: string, allowOdd = false): Uint8Array {
  if (typeof hex !== 'string') throw new HexError(`expected a hex string, got ${typeof hex}`);
  let s = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (s.length % 2 === 1) {
    if (!allowOdd) throw new HexError(`hex string has an odd number of digits: ${abbreviate(hex)}`);
    s = '0' + s;
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new HexError(`invalid hex digit in ${abbreviate(hex)}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_HEX[bytes[i]!];
  return s;
}

/** Hex without the 0x prefix; used for compact map keys. */
export function bytesToKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_HEX[bytes[i]!];
  return s;
}

/** Parses a quantity: 0x-prefixed hex or a decimal string, into a bigint. */
export function parseQuantity(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new HexError(`not a non-negative integer: ${value}`);
    return BigInt(value);
  }
  if (typeof value !== 'string') throw new HexError(`expected a quantity, got ${typeof value}`);
  if (/^0x[0-9a-fA-F]+$/.test(value)) return BigInt(value);
  if (value === '0x') return 0n;
  if (/^[0-9]+$/.test(value)) return BigInt(value);
  throw new HexError(`not a quantity: ${abbreviate(value)}`);
}

export function bigintToHex(value: bigint): string {
  return '0x' + value.toString(16);
}

/** Big-endian bytes of a non-negative bigint, minimal length (0 is empty). */
export function bigintToBytes(value: bigint): Uint8Array {
  if (value === 0n) return EMPTY_BYTES;
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return hexToBytes(hex);
}

/** Big-endian bytes of a bigint, left-padded to `length`. */
export function bigintToFixedBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  if (length % 8 === 0 && v > 0n) {
    // Whole 64-bit limbs (words, hashes): four steps for 32 bytes instead of thirty-two.
    const view = new DataView(out.buffer);
    for (let i = length - 8; i >= 0 && v > 0n; i -= 8) {
      view.setBigUint64(i, BigInt.asUintN(64, v));
      v >>= 64n;
    }
    return out;
  }
  for (let i = length - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  if (bytes.length <= 6) {
    let n = 0;
    for (let i = 0; i < bytes.length; i++) n = n * 256 + bytes[i]!;
    return BigInt(n);
  }
  if (bytes.length % 8 === 0) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    let n = view.getBigUint64(0);
    for (let i = 8; i < bytes.length; i += 8) n = (n << 64n) | view.getBigUint64(i);
    return n;
  }
  return BigInt(bytesToHex(bytes));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const EMPTY_BYTES = new Uint8Array(0);

function abbreviate(s: string): string {
  return s.length > 40 ? `"${s.slice(0, 37)}..."` : `"${s}"`;
}
