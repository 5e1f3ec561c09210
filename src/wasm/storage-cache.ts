/**
 * A program's storage cache (Stylus): reads go to state once per slot, writes stay in the cache
 * until the program flushes it (the SDKs flush before calls and at exit; the host never does).
 * Reads and writes cost a little gas that grows with how many a call made.
 */
export interface CachedSlot {
  value: bigint;
  /** The value state holds as far as the cache knows (undefined: written without a read). */
  known: bigint | undefined;
}

/** Gas a slot access needs available even when the cache serves it. */
export const CACHE_ACCESS_GAS = 10;

export class StorageCache {
  readonly slots = new Map<bigint, CachedSlot>();
  private reads = 0;
  private writes = 0;

  /** The gas of the next read: the first 32 are free, then 2 each up to 128, then 10. */
  readGas(): number {
    this.reads++;
    return this.reads <= 32 ? 0 : this.reads <= 128 ? 2 : 10;
  }

  /** The gas of the next write: the first 8 are free, then 7 each up to 64, then 10. */
  writeGas(): number {
    this.writes++;
    return this.writes <= 8 ? 0 : this.writes <= 64 ? 7 : 10;
  }

  write(slot: bigint, value: bigint): void {
    const cached = this.slots.get(slot);
    if (cached) cached.value = value;
    else this.slots.set(slot, { value, known: undefined });
  }

  /** The slots whose value state does not hold yet, marked as held (the flush writes them). */
  takeDirty(): [bigint, bigint][] {
    const dirty: [bigint, bigint][] = [];
    for (const [slot, cached] of this.slots) {
      if (cached.known !== cached.value) {
        dirty.push([slot, cached.value]);
        cached.known = cached.value;
      }
    }
    return dirty;
  }
}
