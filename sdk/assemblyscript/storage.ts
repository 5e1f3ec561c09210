/**
 * Storage laid out as Solidity lays it out: state variables at slots 0, 1, 2...; a mapping's value
 * for `key` at keccak256(key ‖ slot) (key padded to 32 bytes; bytes and string keys unpadded); a
 * dynamic array's length at its slot and item i at keccak256(slot) + i; a string or bytes value
 * short (< 32 bytes: the data, and length × 2 in the last byte) or long (length × 2 + 1, the data
 * from keccak256(slot)). So `eth_getStorageAt`, and any Solidity tooling, sees the same layout.
 *
 * Writes go to the call's storage cache (`storage_cache_bytes32`). Nothing flushes it for the
 * program: `dispatch` flushes after the handler returns, and `call` before calling out. A program
 * that does not use `dispatch` must call `flushStorage()` before it returns.
 */
import { U256 } from './u256';
import { Address } from './address';
import { keccak256, concat } from './crypto';
import { storage_load_bytes32, storage_cache_bytes32, storage_flush_cache } from './vm_hooks';

let dirty = false;

/** True when a write has been cached since the last flush. */
export function storageDirty(): bool {
  return dirty;
}

/**
 * Writes the cached writes as SSTOREs. `clear` also forgets cached reads (before a call that may
 * change this contract's storage). Nothing happens when nothing was written and `clear` is false.
 */
export function flushStorage(clear: bool = false): void {
  if (!dirty && !clear) return;
  storage_flush_cache(clear ? 1 : 0);
  dirty = false;
}

/** The 32-byte word at slot `key`. */
export function loadWord(key: U256): Uint8Array {
  const buf = new Uint8Array(64);
  key.store(buf.dataStart);
  storage_load_bytes32(buf.dataStart, buf.dataStart + 32);
  return buf.subarray(32);
}

/** Caches a 32-byte word for slot `key` (flushed later). */
export function storeWord(key: U256, word: Uint8Array): void {
  if (word.length != 32) throw new RangeError('a storage word is 32 bytes');
  const buf = new Uint8Array(32);
  key.store(buf.dataStart);
  storage_cache_bytes32(buf.dataStart, word.dataStart);
  dirty = true;
}

/** A storage slot: read and write it as a value, or derive the slots of what it holds. */
export class Slot {
  constructor(public readonly key: U256) {}

  /** Slot `n` (the n-th state variable, as solc numbers them). */
  static at(n: u64): Slot {
    return new Slot(U256.fromU64(n));
  }

  get(): U256 {
    return U256.fromBytes(loadWord(this.key));
  }

  set(value: U256): void {
    storeWord(this.key, value.toBytes());
  }

  getAddress(): Address {
    return Address.fromWordAt(loadWord(this.key).dataStart);
  }

  setAddress(value: Address): void {
    storeWord(this.key, value.toWord());
  }

  getBool(): bool {
    return !this.get().isZero();
  }

  setBool(value: bool): void {
    this.set(value ? U256.one() : U256.zero());
  }

  getBytes32(): Uint8Array {
    return loadWord(this.key);
  }

  setBytes32(value: Uint8Array): void {
    storeWord(this.key, value);
  }

  /** The slot `n` places after this one (a struct's field, a fixed array's item). */
  offset(n: u64): Slot {
    return new Slot(this.key.add(U256.fromU64(n)));
  }

  /** In a mapping at this slot, the value slot for a 32-byte key: keccak256(key ‖ slot). */
  mapWord(key: Uint8Array): Slot {
    if (key.length != 32) throw new RangeError('a mapping key word is 32 bytes');
    return new Slot(U256.fromBytes(keccak256(concat(key, this.key.toBytes()))));
  }

  /** mapping(address => ...). Chain them for nested mappings: `Slot.at(1).mapAddress(owner).mapAddress(spender)`. */
  mapAddress(key: Address): Slot {
    return this.mapWord(key.toWord());
  }

  /** mapping(uint256 => ...). */
  mapU256(key: U256): Slot {
    return this.mapWord(key.toBytes());
  }

  /** mapping(bytes => ...) and mapping(string => ...): the key unpadded. */
  mapBytes(key: Uint8Array): Slot {
    return new Slot(U256.fromBytes(keccak256(concat(key, this.key.toBytes()))));
  }

  /** A dynamic array at this slot: its length. */
  arrayLength(): u64 {
    return this.get().toU64();
  }

  /** A dynamic array at this slot: the slot of item `i` (keccak256(slot) + i); no bounds check. */
  arrayItem(i: u64): Slot {
    return new Slot(U256.fromBytes(keccak256(this.key.toBytes())).add(U256.fromU64(i)));
  }

  /** A dynamic array at this slot: appends a one-word item. */
  arrayPush(value: U256): void {
    const n = this.arrayLength();
    this.arrayItem(n).set(value);
    this.set(U256.fromU64(n + 1));
  }

  /** `bytes` or `string` stored as Solidity stores them. */
  getBytes(): Uint8Array {
    const word = loadWord(this.key);
    if ((word[31] & 1) == 0) {
      const length = word[31] >> 1;
      return word.slice(0, length);
    }
    const length = <i32>U256.fromBytes(word).shr(1).toU64();
    const out = new Uint8Array(length);
    const first = U256.fromBytes(keccak256(this.key.toBytes()));
    for (let i = 0; i < length; i += 32) {
      const chunk = loadWord(first.add(U256.fromU64(<u64>(i >> 5))));
      const n = min(32, length - i);
      memory.copy(out.dataStart + <usize>i, chunk.dataStart, <usize>n);
    }
    return out;
  }

  setBytes(value: Uint8Array): void {
    const length = value.length;
    if (length < 32) {
      const word = new Uint8Array(32);
      memory.copy(word.dataStart, value.dataStart, <usize>length);
      word[31] = <u8>(length * 2);
      storeWord(this.key, word);
      return;
    }
    this.set(U256.fromU64(<u64>length * 2 + 1));
    const first = U256.fromBytes(keccak256(this.key.toBytes()));
    for (let i = 0; i < length; i += 32) {
      const word = new Uint8Array(32);
      memory.copy(word.dataStart, value.dataStart + <usize>i, <usize>min(32, length - i));
      storeWord(first.add(U256.fromU64(<u64>(i >> 5))), word);
    }
  }

  getString(): string {
    return String.UTF8.decode(this.getBytes().buffer);
  }

  setString(value: string): void {
    this.setBytes(Uint8Array.wrap(String.UTF8.encode(value)));
  }
}
