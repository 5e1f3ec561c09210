/**
 * The outer RLP framing of a transaction: the list that holds its fields (or, for a typed
 * transaction wrapped as in a block body, the byte string that holds its envelope).
 *
 * A list is split into the encodings of its items without decoding them, so that a malformed
 * field is blamed on that field: each item is then read with the strict `rlpDecode`, which
 * rejects every non-canonical form. Here only the framing itself is judged.
 */
import { invalidTransaction } from './errors.js';

interface Header {
  isList: boolean;
  /** Where the payload starts. */
  start: number;
  /** Payload length in bytes (a single byte below 0x80 is its own payload of length 1). */
  length: number;
  /** False for a long form that a short one (or no length bytes at all) should have used. */
  canonical: boolean;
}

/** The header at `pos`, or undefined when it is cut off before `end`. */
function readHeader(bytes: Uint8Array, pos: number, end: number): Header | undefined {
  if (pos >= end) return undefined;
  const prefix = bytes[pos]!;
  if (prefix < 0x80) return { isList: false, start: pos, length: 1, canonical: true };
  const isList = prefix >= 0xc0;
  const shortBase = isList ? 0xc0 : 0x80;
  const longBase = isList ? 0xf7 : 0xb7;
  if (prefix <= longBase) {
    const length = prefix - shortBase;
    // A single byte below 0x80 is its own encoding and must not carry a string header.
    const canonical = isList || length !== 1 || pos + 1 >= end || bytes[pos + 1]! >= 0x80;
    return { isList, start: pos + 1, length, canonical };
  }
  const lengthOfLength = prefix - longBase;
  const start = pos + 1 + lengthOfLength;
  if (start > end) return undefined;
  // Lengths past 2^53 lose precision here, but they exceed any real input all the same.
  let length = 0;
  for (let i = pos + 1; i < start; i++) length = length * 256 + bytes[i]!;
  const canonical = bytes[pos + 1] !== 0 && length >= 56;
  return { isList, start, length, canonical };
}

/** The header of an item that must span all of `bytes`. */
function readWholeItem(bytes: Uint8Array, expectList: boolean): Header {
  const header = readHeader(bytes, 0, bytes.length);
  if (header === undefined) throw invalidTransaction('RLP_ERROR_EOF', 'the input ends inside an RLP header');
  if (header.isList !== expectList) {
    throw invalidTransaction('RLP_INVALID_HEADER', `expected an RLP ${expectList ? 'list' : 'string'}`);
  }
  if (!header.canonical) {
    throw invalidTransaction('RLP_ERROR_SIZE_LEADING_ZEROS', 'non-canonical RLP length prefix');
  }
  if (header.start + header.length !== bytes.length) {
    throw invalidTransaction('RLP_ERROR_SIZE', `RLP header declares ${header.start + header.length} bytes, input has ${bytes.length}`);
  }
  return header;
}

/** The encodings of the items of the RLP list that spans all of `bytes`. */
export function rlpListItems(bytes: Uint8Array): Uint8Array[] {
  const list = readWholeItem(bytes, true);
  const end = list.start + list.length;
  const items: Uint8Array[] = [];
  let pos = list.start;
  while (pos < end) {
    const item = readHeader(bytes, pos, end);
    if (item === undefined || item.start + item.length > end) {
      throw invalidTransaction('RLP_ERROR_SIZE', `RLP item ${items.length} runs past the end of its list`);
    }
    const next = item.start + item.length;
    items.push(bytes.subarray(pos, next));
    pos = next;
  }
  return items;
}

/** The payload of the RLP string that spans all of `bytes`. */
export function rlpStringPayload(bytes: Uint8Array): Uint8Array {
  const header = readWholeItem(bytes, false);
  return bytes.subarray(header.start, header.start + header.length);
}
