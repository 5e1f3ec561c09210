/**
 * Reading precompile input. Precompiles that read fixed fields see their input as if it were
 * followed by infinitely many zero bytes (the spec's `buffer_read`), so a short input is
 * right-padded rather than rejected.
 */

/**
 * `length` bytes of `input` starting at `offset`, with zeros past the end of the input.
 * `offset` may be a bigint far beyond the input (modexp lengths reach 2^256).
 */
export function readPadded(input: Uint8Array, offset: bigint | number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const start = BigInt(offset);
  if (start >= BigInt(input.length)) return out;
  const from = Number(start);
  out.set(input.subarray(from, Math.min(from + length, input.length)));
  return out;
}

/** The big-endian unsigned integer in `length` bytes of `input` at `offset`, zero-padded. */
export function readUint(input: Uint8Array, offset: bigint | number, length: number): bigint {
  const start = BigInt(offset);
  if (start >= BigInt(input.length) || length === 0) return 0n;
  const from = Number(start);
  const present = input.subarray(from, Math.min(from + length, input.length));
  const value = bytesToUint(present);
  // The missing bytes are zeros at the low end of the number.
  const missing = length - present.length;
  return missing === 0 || value === 0n ? value : value << BigInt(8 * missing);
}

export function bytesToUint(bytes: Uint8Array): bigint {
  let hex = '0x0';
  for (let i = 0; i < bytes.length; i++) hex += BYTE_HEX[bytes[i]!];
  return BigInt(hex);
}

/** Big-endian bytes of `value` left-padded to `length` (the value must fit). */
export function uintToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (value === 0n) return out;
  const hex = value.toString(16);
  const digits = hex.length % 2 ? '0' + hex : hex;
  const offset = length - digits.length / 2;
  for (let i = 0; i < digits.length / 2; i++) out[offset + i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Number of 32-byte words needed to hold `byteLength` bytes (the per-word gas unit). */
export function wordCount(byteLength: number): bigint {
  return BigInt(Math.ceil(byteLength / 32));
}

const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(i.toString(16).padStart(2, '0'));
