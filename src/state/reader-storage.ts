/**
 * The storage of an account that a `WorldState` read from the state beneath it: slots written
 * here stay here, others are read through on demand. Costs nothing for slots never read.
 */
import type { Address } from '../primitives/address.js';
import { EntriesMap } from './entries-map.js';
import type { StateReader } from './reader.js';

export class ReaderStorage extends EntriesMap<bigint, bigint> {
  readonly #reader: StateReader;
  readonly #address: Address;
  /** Slots deleted here (they may still be set beneath). */
  readonly #removed = new Set<bigint>();
  /** After `clear`, nothing beneath counts. */
  #cleared = false;

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

  override set(slot: bigint, value: bigint): this {
    super.set(slot, value);
    this.#removed.delete(slot);
    return this;
  }

  override delete(slot: bigint): boolean {
    const existed = this.has(slot);
    super.delete(slot);
    this.#removed.add(slot);
    return existed;
  }

  override clear(): void {
    super.clear();
    this.#removed.clear();
    this.#cleared = true;
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
