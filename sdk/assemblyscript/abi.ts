/**
 * The Solidity ABI: AbiReader decodes arguments (calldata after the selector, return data, event
 * data), AbiWriter encodes them (return values, calls, events, errors). Static types are one
 * 32-byte word in the head; dynamic types (bytes, string, T[]) put an offset in the head and their
 * content in the tail, as solc does. Malformed input reverts with empty data, as a Solidity
 * contract does when it cannot decode its calldata.
 */
import { U256 } from './u256';
import { Address } from './address';
import { utf8, fromUtf8 } from './crypto';
import { write_result, exit_early } from './vm_hooks';

/** Reverts with empty data: what solc's decoder does on calldata it cannot decode. */
function malformed(): void {
  write_result(0, 0);
  exit_early(1);
  unreachable();
}

/** Reads ABI-encoded values in order from `data`, starting at `base` (4 for calldata after the selector). */
export class AbiReader {
  private head: i32;
  /** For the reader of an array's items: how many there are. */
  count: i32 = 0;

  constructor(
    public readonly data: Uint8Array,
    public readonly base: i32 = 0,
  ) {
    this.head = base;
  }

  /** Bytes from the current head position to the end. */
  get remaining(): i32 {
    return this.data.length - this.head;
  }

  /** The next head word's address in memory; reverts if the data ends first. */
  private word(): usize {
    if (this.head + 32 > this.data.length) malformed();
    const ptr = this.data.dataStart + <usize>this.head;
    this.head += 32;
    return ptr;
  }

  /** The word at `ptr` as a non-negative i32 not above `limit`, else revert. */
  private small(ptr: usize, limit: i32): i32 {
    const v = U256.load(ptr);
    if (!v.fitsU64() || v.lo > <u64>limit) malformed();
    return <i32>v.lo;
  }

  /** The position of a dynamic value: base + the offset in the next head word. */
  private tail(): i32 {
    const offset = this.small(this.word(), this.data.length);
    return this.base + offset;
  }

  /** A length word at `pos`, checked against the data that follows (`unit` bytes per item). */
  private lengthAt(pos: i32, unit: i32): i32 {
    if (pos + 32 > this.data.length) malformed();
    const available = this.data.length - pos - 32;
    return this.small(this.data.dataStart + <usize>pos, unit == 0 ? available : available / unit);
  }

  u256(): U256 {
    return U256.load(this.word());
  }

  /** A uint that must fit in 64 bits (uint8 ... uint64): reverts otherwise. */
  uint64(): u64 {
    const v = this.u256();
    if (!v.fitsU64()) malformed();
    return v.lo;
  }

  address(): Address {
    const ptr = this.word();
    for (let i: usize = 0; i < 12; i++) if (load<u8>(ptr + i) != 0) malformed();
    return Address.load(ptr + 12);
  }

  bool(): bool {
    const v = this.u256();
    if (!v.fitsU64() || v.lo > 1) malformed();
    return v.lo == 1;
  }

  bytes32(): Uint8Array {
    const out = new Uint8Array(32);
    memory.copy(out.dataStart, this.word(), 32);
    return out;
  }

  bytes(): Uint8Array {
    const pos = this.tail();
    const length = this.lengthAt(pos, 1);
    const out = new Uint8Array(length);
    memory.copy(out.dataStart, this.data.dataStart + <usize>pos + 32, <usize>length);
    return out;
  }

  string(): string {
    return fromUtf8(this.bytes());
  }

  /** A dynamic array's items: a reader at the first, with their number in `count`. */
  private array(): AbiReader {
    const pos = this.tail();
    const items = new AbiReader(this.data, pos + 32);
    items.count = this.lengthAt(pos, 32);
    return items;
  }

  u256Array(): Array<U256> {
    const items = this.array();
    const out = new Array<U256>(items.count);
    for (let i = 0; i < out.length; i++) out[i] = items.u256();
    return out;
  }

  addressArray(): Array<Address> {
    const items = this.array();
    const out = new Array<Address>(items.count);
    for (let i = 0; i < out.length; i++) out[i] = items.address();
    return out;
  }

  boolArray(): Array<bool> {
    const items = this.array();
    const out = new Array<bool>(items.count);
    for (let i = 0; i < out.length; i++) out[i] = items.bool();
    return out;
  }

  bytesArray(): Array<Uint8Array> {
    const items = this.array();
    const out = new Array<Uint8Array>(items.count);
    for (let i = 0; i < out.length; i++) out[i] = items.bytes();
    return out;
  }

  stringArray(): Array<string> {
    const items = this.array();
    const out = new Array<string>(items.count);
    for (let i = 0; i < out.length; i++) out[i] = items.string();
    return out;
  }
}

/** Builds an ABI encoding value by value: `new AbiWriter().address(to).u256(amount).encode()`. */
export class AbiWriter {
  /** Head words; for a dynamic value, its tail (the head word is its offset, filled in by encode). */
  private heads: Array<Uint8Array> = [];
  private tails: Array<Uint8Array | null> = [];

  private staticWord(word: Uint8Array): AbiWriter {
    this.heads.push(word);
    this.tails.push(null);
    return this;
  }

  private dynamic(tail: Uint8Array): AbiWriter {
    this.heads.push(new Uint8Array(32));
    this.tails.push(tail);
    return this;
  }

  u256(value: U256): AbiWriter {
    return this.staticWord(value.toBytes());
  }

  /** Any uint up to 64 bits (uint8 ... uint64, or a small uint256). */
  uint64(value: u64): AbiWriter {
    return this.staticWord(U256.fromU64(value).toBytes());
  }

  address(value: Address): AbiWriter {
    return this.staticWord(value.toWord());
  }

  bool(value: bool): AbiWriter {
    const word = new Uint8Array(32);
    word[31] = value ? 1 : 0;
    return this.staticWord(word);
  }

  /** Exactly 32 bytes (bytes32). */
  bytes32(value: Uint8Array): AbiWriter {
    if (value.length != 32) throw new RangeError('bytes32 takes 32 bytes');
    return this.staticWord(value);
  }

  bytes(value: Uint8Array): AbiWriter {
    return this.dynamic(lengthPrefixed(value));
  }

  string(value: string): AbiWriter {
    return this.dynamic(lengthPrefixed(utf8(value)));
  }

  u256Array(values: Array<U256>): AbiWriter {
    const tail = new Uint8Array(32 * (values.length + 1));
    U256.fromU64(<u64>values.length).store(tail.dataStart);
    for (let i = 0; i < values.length; i++) values[i].store(tail.dataStart + 32 * <usize>(i + 1));
    return this.dynamic(tail);
  }

  addressArray(values: Array<Address>): AbiWriter {
    const tail = new Uint8Array(32 * (values.length + 1));
    U256.fromU64(<u64>values.length).store(tail.dataStart);
    for (let i = 0; i < values.length; i++) values[i].storeWord(tail.dataStart + 32 * <usize>(i + 1));
    return this.dynamic(tail);
  }

  boolArray(values: Array<bool>): AbiWriter {
    const tail = new Uint8Array(32 * (values.length + 1));
    U256.fromU64(<u64>values.length).store(tail.dataStart);
    for (let i = 0; i < values.length; i++) tail[32 * (i + 1) + 31] = values[i] ? 1 : 0;
    return this.dynamic(tail);
  }

  bytesArray(values: Array<Uint8Array>): AbiWriter {
    const items = new AbiWriter();
    for (let i = 0; i < values.length; i++) items.bytes(values[i]);
    return this.dynamic(withLength(values.length, items.encode()));
  }

  stringArray(values: Array<string>): AbiWriter {
    const items = new AbiWriter();
    for (let i = 0; i < values.length; i++) items.string(values[i]);
    return this.dynamic(withLength(values.length, items.encode()));
  }

  /** The encoding: heads, then tails. */
  encode(): Uint8Array {
    return this.encodeAfter(0, 0);
  }

  /** A selector (4 bytes, big-endian) followed by the encoding: calldata, or a custom error's revert data. */
  encodeWithSelector(selector: u32): Uint8Array {
    return this.encodeAfter(4, selector);
  }

  private encodeAfter(prefix: i32, selector: u32): Uint8Array {
    const n = this.heads.length;
    let size = prefix + 32 * n;
    for (let i = 0; i < n; i++) {
      const tail = this.tails[i];
      if (tail !== null) size += tail.length;
    }
    const out = new Uint8Array(size);
    if (prefix == 4) store<u32>(out.dataStart, bswap<u32>(selector));
    let tailPos = 32 * n;
    for (let i = 0; i < n; i++) {
      const at = out.dataStart + <usize>(prefix + 32 * i);
      const tail = this.tails[i];
      if (tail === null) {
        memory.copy(at, this.heads[i].dataStart, 32);
      } else {
        U256.fromU64(<u64>tailPos).store(at);
        memory.copy(out.dataStart + <usize>(prefix + tailPos), tail.dataStart, <usize>tail.length);
        tailPos += tail.length;
      }
    }
    return out;
  }
}

/** A length word, then the bytes padded with zeros to whole words. */
function lengthPrefixed(value: Uint8Array): Uint8Array {
  const padded = (value.length + 31) & ~31;
  const out = new Uint8Array(32 + padded);
  U256.fromU64(<u64>value.length).store(out.dataStart);
  memory.copy(out.dataStart + 32, value.dataStart, <usize>value.length);
  return out;
}

function withLength(n: i32, encoded: Uint8Array): Uint8Array {
  const out = new Uint8Array(32 + encoded.length);
  U256.fromU64(<u64>n).store(out.dataStart);
  memory.copy(out.dataStart + 32, encoded.dataStart, <usize>encoded.length);
  return out;
}

/** One uint256 encoded: a function's return value. */
export function encodeU256(value: U256): Uint8Array {
  return value.toBytes();
}

export function encodeBool(value: bool): Uint8Array {
  return new AbiWriter().bool(value).encode();
}

export function encodeAddress(value: Address): Uint8Array {
  return value.toWord();
}

export function encodeString(value: string): Uint8Array {
  return new AbiWriter().string(value).encode();
}

export function encodeBytes(value: Uint8Array): Uint8Array {
  return new AbiWriter().bytes(value).encode();
}
