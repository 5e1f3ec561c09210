/**
 * evm_snapshot and evm_revert: each part of the chain that a snapshot covers saves what it needs
 * and restores it, in the order the parts were given. Reverting to a snapshot drops it and every
 * later one (Hardhat's and Anvil's rule).
 */

/** A part of the chain a snapshot covers. */
export interface Snapshottable<S> {
  save(): S;
  restore(saved: S): void;
}

export class Snapshots {
  readonly #parts: readonly Snapshottable<unknown>[];
  readonly #taken = new Map<number, unknown[]>();
  #lastId = 0;

  /** `parts` restore in this order: a part may rely on the ones before it being restored. */
  constructor(parts: readonly Snapshottable<unknown>[]) {
    this.#parts = parts;
  }

  /** Saves every part; returns the snapshot's id (ids keep rising, also after `clear`). */
  take(): number {
    const id = ++this.#lastId;
    this.#taken.set(
      id,
      this.#parts.map((part) => part.save()),
    );
    return id;
  }

  /** Restores snapshot `id`; false when there is no such snapshot (any more). */
  revert(id: number): boolean {
    const saved = this.#taken.get(id);
    if (saved === undefined) return false;
    for (const key of [...this.#taken.keys()]) if (key >= id) this.#taken.delete(key);
    this.#parts.forEach((part, i) => part.restore(saved[i]));
    return true;
  }

  /** Forgets every snapshot (the chain was replaced). */
  clear(): void {
    this.#taken.clear();
  }
}

/** A snapshot part from a pair of functions. */
export function snapshotPart<S>(save: () => S, restore: (saved: S) => void): Snapshottable<S> {
  return { save, restore };
}
