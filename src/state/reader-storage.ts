/**
 * The storage of an account that a `WorldState` read from the state beneath it: slots written
 * here stay here, others are read through on demand. Costs nothing for slots never read.
 *
 * It also records which slots were written since `resetTracking` and what they held before
 * (`dirty`, `original`), as the chain's state root tracker does for storage it owns: a forked
 * chain's accounts keep reading their other slots from the remote, so the tracker keeps this map
 * instead of replacing it with one of its own.
 */
import type { Address } from '../primitives/address.js';
import { EntriesMap } from './entries-map.js';
import type { AccountFields, StateReader } from './reader.js';

export class ReaderStorage extends EntriesMap<bigint, bigint> {
  readonly #reader: StateReader;
  readonly #address: Address;
  /** Slots deleted here (they may still be set beneath). */
  readonly #removed = new Set<bigint>();
  /** After `clear`, nothing beneath counts. */
  #cleared = false;
  /** Slots written since the last `resetTracking`, and what each held before. */
  readonly dirty = new Set<bigint>();
  original = new Map<bigint, bigint>();

  constructor(reader: StateReader, address: Address) {
    super();
    this.#reader = reader;
    this.#address = address;
  }

  override get(slot: bigint): bigint | undefined {
    const own = super.get(slot);
    if (own !== undefined || this.#cleared || this.#removed.has(slot)) return own;
    const value = this.#reader.readStorage(this.#address, slot);
    return value === 0n ? undefined : value;
  }

  override has(slot: bigint): boolean {
    return this.get(slot) !== undefined;
  }

  #write(slot: bigint): void {
    if (this.dirty.has(slot)) return;
    this.original.set(slot, this.get(slot) ?? 0n);
    this.dirty.add(slot);
  }

  override set(slot: bigint, value: bigint): this {
    this.#write(slot);
    super.set(slot, value);
    this.#removed.delete(slot);
    return this;
  }

  override delete(slot: bigint): boolean {
    this.#write(slot);
    const existed = this.has(slot);
    super.delete(slot);
    this.#removed.add(slot);
    return existed;
  }

  override clear(): void {
    for (const [slot] of this.ownEntries()) this.#write(slot);
    super.clear();
    this.#removed.clear();
    this.#cleared = true;
  }

  /** Whether `clear` dropped what is beneath (the account was replaced here). */
  get cleared(): boolean {
    return this.#cleared;
  }

  /** The fields of the account beneath, as this storage's account was read from. */
  base(): AccountFields | undefined {
    return this.#reader.readAccount(this.#address);
  }

  /** The slots held here (written, or read and kept), without reading beneath. */
  ownEntries(): MapIterator<[bigint, bigint]> {
    return super.entries();
  }

  /** Starts recording written slots afresh (after the tracker took them). */
  resetTracking(): void {
    this.dirty.clear();
    this.original = new Map();
  }

  /** The slots held here as they were at the last `resetTracking` (the ones beneath are not listed). */
  committed(): Map<bigint, bigint> {
    const storage = new Map<bigint, bigint>();
    for (const [slot, value] of super.entries()) if (!this.original.has(slot)) storage.set(slot, value);
    for (const [slot, value] of this.original) if (value !== 0n) storage.set(slot, value);
    return storage;
  }

  /** A copy over the same reader (a snapshot of a forked state). */
  clone(): ReaderStorage {
    const copy = new ReaderStorage(this.#reader, this.#address);
    for (const [slot, value] of super.entries()) Map.prototype.set.call(copy, slot, value);
    for (const slot of this.#removed) copy.#removed.add(slot);
    copy.#cleared = this.#cleared;
    return copy;
  }

  /**
   * EIP-7610: any non-zero slot, here or beneath. Exact when the reader can list storage; a
   * reader that cannot (a remote state) is trusted for slots this state did not delete.
   */
  hasAny(): boolean {
    if (super.size > 0) return true;
    if (this.#cleared) return false;
    if (this.#removed.size === 0 || this.#reader.storageEntries === undefined) return this.#reader.hasStorage(this.#address);
    for (const [slot] of this.#reader.storageEntries(this.#address)) if (!this.#removed.has(slot)) return true;
    return false;
  }

  override get size(): number {
    let n = 0;
    for (const _ of this.entries()) n++;
    return n;
  }

  override *entries(): MapIterator<[bigint, bigint]> {
    yield* super.entries();
    if (this.#cleared) return;
    const beneath = this.#reader.storageEntries;
    if (beneath === undefined) throw new Error(`the storage of ${this.#address} cannot be listed: its state is read per slot`);
    for (const entry of beneath.call(this.#reader, this.#address)) {
      if (!super.has(entry[0]) && !this.#removed.has(entry[0])) yield entry;
    }
  }
}
