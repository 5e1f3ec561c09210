/**
 * Recursive Length Prefix encoding (Yellow Paper, appendix B). Decoding is strict: every
 * non-canonical form (a single byte below 0x80 wrapped in a string header, a long form used for
 * a short payload, leading zeros in a length) is a `RlpError`, and so is trailing data.
 */

export type RlpInput = Uint8Array | RlpInput[];
export type RlpItem = Uint8Array | RlpItem[];

export class RlpError extends Error {
  override name = 'RlpError';
}

export function rlpEncode(input: RlpInput): Uint8Array {
  const size = encodedLength(input);
  const out = new Uint8Array(size);
  const end = writeItem(input, out, 0);
  if (end !== size) throw new Error('rlp: length mismatch');
  return out;
}

/**
 * Wraps items that are already RLP-encoded in a list header. For callers that keep encodings
 * cached (the Merkle-Patricia trie splices in child nodes embedded or by hash).
 */
export function rlpEncodeList(encodedItems: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const item of encodedItems) length += item.length;
  const out = new Uint8Array((length < 56 ? 1 : 1 + lengthOfLength(length)) + length);
  let pos = writeHeader(out, 0, length, 0xc0, 0xf7);
  for (const item of encodedItems) {
    out.set(item, pos);
    pos += item.length;
  }
  return out;
}

function payloadLength(input: RlpInput): number {
  if (input instanceof Uint8Array) return input.length;
  let n = 0;
  for (const item of input) n += encodedLength(item);
  return n;
}

function lengthOfLength(n: number): number {
  let bytes = 0;
  while (n > 0) {
    bytes++;
    n = Math.floor(n / 256);
  }
  return bytes;
}

function encodedLength(input: RlpInput): number {
  if (input instanceof Uint8Array) {
    if (input.length === 1 && input[0]! < 0x80) return 1;
    return input.length < 56 ? 1 + input.length : 1 + lengthOfLength(input.length) + input.length;
  }
  if (!Array.isArray(input)) throw new RlpError(`rlp: cannot encode ${typeof input}`);
  const p = payloadLength(input);
  return p < 56 ? 1 + p : 1 + lengthOfLength(p) + p;
}

function writeHeader(out: Uint8Array, pos: number, length: number, shortBase: number, longBase: number): number {
  if (length < 56) {
    out[pos++] = shortBase + length;
    return pos;
  }
  const lol = lengthOfLength(length);
  out[pos++] = longBase + lol;
  for (let i = lol - 1; i >= 0; i--) out[pos + i] = (length >>> ((lol - 1 - i) * 8)) & 0xff;
  return pos + lol;
}

function writeItem(input: RlpInput, out: Uint8Array, pos: number): number {
  if (input instanceof Uint8Array) {
    if (input.length === 1 && input[0]! < 0x80) {
      out[pos] = input[0]!;
      return pos + 1;
    }
    pos = writeHeader(out, pos, input.length, 0x80, 0xb7);
    out.set(input, pos);
    return pos + input.length;
  }
  pos = writeHeader(out, pos, payloadLength(input), 0xc0, 0xf7);
  for (const item of input) pos = writeItem(item, out, pos);
  return pos;
}

/** Decodes exactly one item that must span the whole input. */
export function rlpDecode(data: Uint8Array): RlpItem {
  if (!(data instanceof Uint8Array)) throw new RlpError('rlp: input must be bytes');
  if (data.length === 0) throw new RlpError('rlp: empty input');
  const [item, end] = decodeAt(data, 0, 0);
  if (end !== data.length) throw new RlpError(`rlp: ${data.length - end} trailing bytes after the item`);
  return item;
}

const MAX_DEPTH = 1024;

function readLength(data: Uint8Array, pos: number, lol: number): number {
  if (pos + lol > data.length) throw new RlpError('rlp: length bytes run past the end of input');
  if (data[pos] === 0) throw new RlpError('rlp: length has leading zero bytes');
  if (lol > 6) throw new RlpError('rlp: length too large');
  let n = 0;
  for (let i = 0; i < lol; i++) n = n * 256 + data[pos + i]!;
  if (n < 56) throw new RlpError('rlp: long form used for a length below 56');
  return n;
}

function decodeAt(data: Uint8Array, pos: number, depth: number): [RlpItem, number] {
  if (depth > MAX_DEPTH) throw new RlpError('rlp: nesting too deep');
  if (pos >= data.length) throw new RlpError('rlp: unexpected end of input');
  const prefix = data[pos]!;
  if (prefix < 0x80) return [data.subarray(pos, pos + 1), pos + 1];
  if (prefix < 0xb8) {
    const length = prefix - 0x80;
    const start = pos + 1;
    if (start + length > data.length) throw new RlpError('rlp: string runs past the end of input');
    if (length === 1 && data[start]! < 0x80) throw new RlpError('rlp: single byte below 0x80 must not have a string header');
    return [data.subarray(start, start + length), start + length];
  }
  if (prefix < 0xc0) {
    const lol = prefix - 0xb7;
    const length = readLength(data, pos + 1, lol);
    const start = pos + 1 + lol;
    if (start + length > data.length) throw new RlpError('rlp: string runs past the end of input');
    return [data.subarray(start, start + length), start + length];
  }
  let length: number;
  let start: number;
  if (prefix < 0xf8) {
    length = prefix - 0xc0;
    start = pos + 1;
  } else {
    const lol = prefix - 0xf7;
    length = readLength(data, pos + 1, lol);
    start = pos + 1 + lol;
  }
  const end = start + length;
  if (end > data.length) throw new RlpError('rlp: list runs past the end of input');
  const items: RlpItem[] = [];
  let p = start;
  while (p < end) {
    const [item, next] = decodeAt(data, p, depth + 1);
    if (next > end) throw new RlpError('rlp: list item runs past the end of its list');
    items.push(item);
    p = next;
  }
  return [items, end];
}

/** Reads an RLP string as an unsigned integer; leading zeros are non-canonical. */
export function rlpToBigint(item: RlpItem, field = 'value'): bigint {
  if (!(item instanceof Uint8Array)) throw new RlpError(`rlp: ${field} must be a string, got a list`);
  if (item.length > 0 && item[0] === 0) throw new RlpError(`rlp: ${field} has leading zero bytes`);
  if (item.length === 0) return 0n;
  let hex = '0x';
  for (let i = 0; i < item.length; i++) hex += item[i]!.toString(16).padStart(2, '0');
  return BigInt(hex);
}

export function rlpBytes(item: RlpItem, field = 'value'): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new RlpError(`rlp: ${field} must be a string, got a list`);
  return item;
}

export function rlpList(item: RlpItem, field = 'value'): RlpItem[] {
  if (item instanceof Uint8Array) throw new RlpError(`rlp: ${field} must be a list, got a string`);
  return item;
}
