/**
 * The state at earlier blocks, for eth_getBalance, eth_call and the rest at a block number.
 *
 * The chain keeps one state, the latest. Every commit (a mined block, or a dev method such as
 * anvil_setBalance) reports what each changed account was before (`AccountChange.previous`);
 * this history keeps those records per address, tagged with the block whose state first
 * includes the change and whether the change came before that block's transactions (a dev
 * method between blocks) or with them. The state at block B is then the latest state seen
 * through, for each address, its first record tagged after B: nothing is copied, and an address
 * that did not change since B costs nothing. The state a block's transactions started from (its
 * parent's plus the dev methods run before it) is read the same way, for replaying the block.
 *
 * History starts when the chain does (genesis), or when it was loaded from a data directory or
 * a dump: older states are not kept.
 */
import type { Address } from '../primitives/address.js';
import type { AccountFields, StateReader } from '../state/reader.js';
import type { AccountChange, PreviousAccount } from '../chain/state-root.js';

interface Undo {
  /**
   * When the change happened: twice the first block whose state includes it, less one when it
   * came before that block's transactions (a commit between blocks).
   */
  tag: number;
  /** The commit that made the change, counted from 1 (in order within an address's records). */
  seq: number;
  previous: PreviousAccount;
}

/** Which records a reader undoes: those tagged after `tag`, or those of commits after `seq`. */
type Point = { by: 'tag'; tag: number } | { by: 'seq'; seq: number };

/** The tag of the state at the end of block `block`: every change tagged later is undone. */
const endOf = (block: number): number => 2 * block;
/** The tag of the state block `block`'s transactions started from. */
const startOf = (block: number): number => 2 * block - 1;

/** Adds what happened later in the same block (`later`) to the record of its start. */
function merge(earlier: PreviousAccount, later: PreviousAccount): void {
  if (earlier.account === undefined || earlier.storage !== undefined) return; // already complete
  if (later.storage !== undefined) {
    const storage = new Map(later.storage);
    for (const [slot, value] of later.slots) setSlot(storage, slot, value);
    for (const [slot, value] of earlier.slots) setSlot(storage, slot, value);
    earlier.storage = storage;
    earlier.slots = new Map();
    return;
  }
  for (const [slot, value] of later.slots) if (!earlier.slots.has(slot)) earlier.slots.set(slot, value);
}

function setSlot(storage: Map<bigint, bigint>, slot: bigint, value: bigint): void {
  if (value === 0n) storage.delete(slot);
  else storage.set(slot, value);
}

function clonePrevious(p: PreviousAccount): PreviousAccount {
  return { account: p.account, slots: new Map(p.slots), storage: p.storage && new Map(p.storage) };
}

/** What a snapshot keeps of the history: the records of changes made after its block. */
export type HistoryMark = [Address, PreviousAccount][];

export class StateHistory {
  readonly #byAddress = new Map<Address, Undo[]>();
  /** Commits recorded so far. */
  #seq = 0;
  /** Records of commits up to this one are not merged into: a reader of the state then (`readerNow`) needs them apart. */
  #unmergeable = 0;

  /** @param floor the earliest block whose state can be rebuilt */
  constructor(public floor: number) {}

  /**
   * Keeps the states of the last `keep` blocks at `latest`: records no longer needed for those
   * are dropped, in batches of a tenth of `keep` so the cost is spread over many blocks.
   */
  prune(latest: number, keep: number): void {
    const floor = latest - keep;
    if (floor - this.floor < Math.max(1, Math.floor(keep / 10))) return;
    // The state at block B needs only records tagged after B.
    for (const [address, list] of this.#byAddress) {
      let drop = 0;
      while (drop < list.length && list[drop]!.tag <= endOf(floor)) drop++;
      if (drop === list.length) this.#byAddress.delete(address);
      else if (drop > 0) list.splice(0, drop);
    }
    this.floor = floor;
  }

  /**
   * Records the changes of one commit; `block` is the first block whose state includes them,
   * `beforeBlock` whether they were made before its transactions (a dev method between blocks).
   */
  record(block: number, changes: readonly AccountChange[], beforeBlock: boolean): void {
    const tag = beforeBlock ? startOf(block) : endOf(block);
    const seq = ++this.#seq;
    for (const change of changes) {
      if (change.previous === undefined) continue;
      let list = this.#byAddress.get(change.address);
      if (list === undefined) {
        list = [];
        this.#byAddress.set(change.address, list);
      }
      const last = list[list.length - 1];
      if (last !== undefined && last.tag === tag && last.seq > this.#unmergeable) merge(last.previous, change.previous);
      else list.push({ tag, seq, previous: change.previous });
    }
  }

  /** The records of changes not yet in a block after `latest` (for a snapshot). */
  mark(latest: number): HistoryMark {
    const mark: HistoryMark = [];
    for (const [address, list] of this.#byAddress) {
      const last = list[list.length - 1];
      if (last !== undefined && last.tag > endOf(latest)) mark.push([address, clonePrevious(last.previous)]);
    }
    return mark;
  }

  /** Forgets every record after block `latest`, then restores a snapshot's `mark`. */
  rewind(latest: number, mark: HistoryMark): void {
    if (this.floor > latest) this.floor = latest;
    for (const [address, list] of this.#byAddress) {
      while (list.length > 0 && list[list.length - 1]!.tag > endOf(latest)) list.pop();
      if (list.length === 0) this.#byAddress.delete(address);
    }
    for (const [address, previous] of mark)
      this.record(
        latest + 1,
        [{ address, account: undefined, storageReset: false, slots: [], codeChanged: false, previous: clonePrevious(previous) }],
        true,
      );
  }

  /** The records of `address` after `point`, oldest first (empty when it did not change since). */
  undosAfter(address: Address, point: Point): readonly Undo[] {
    const list = this.#byAddress.get(address);
    if (list === undefined) return [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const undo = list[mid]!;
      if (point.by === 'tag' ? undo.tag <= point.tag : undo.seq <= point.seq) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? list : list.slice(lo);
  }

  addresses(): IterableIterator<Address> {
    return this.#byAddress.keys();
  }

  /** The state as it was at the end of block `block`, read through `current` where unchanged since. */
  readerAt(block: number, current: StateReader): StateReader {
    return new HistoricState(this, { by: 'tag', tag: endOf(block) }, current);
  }

  /**
   * The state as it is now, dev methods since the latest block included, which stays so: every
   * later commit is undone for it (a trace that runs while the chain goes on reads it).
   */
  readerNow(current: StateReader): StateReader {
    this.#unmergeable = this.#seq;
    return new HistoricState(this, { by: 'seq', seq: this.#seq }, current);
  }

  /**
   * The state block `block`'s transactions started from: its parent's with the changes made
   * between the two blocks (anvil_setBalance, ...), read through `current` where unchanged since.
   */
  readerBefore(block: number, current: StateReader): StateReader {
    return new HistoricState(this, { by: 'tag', tag: startOf(block) }, current);
  }
}

/** An earlier state: each location from its first record after the point, or from today's. */
class HistoricState implements StateReader {
  readonly #history: StateHistory;
  /** Changes after this are undone. */
  readonly #point: Point;
  readonly #current: StateReader;

  constructor(history: StateHistory, point: Point, current: StateReader) {
    this.#history = history;
    this.#point = point;
    this.#current = current;
  }

  readAccount(address: Address): AccountFields | undefined {
    const undos = this.#history.undosAfter(address, this.#point);
    if (undos.length === 0) return this.#current.readAccount(address);
    return undos[0]!.previous.account;
  }

  readStorage(address: Address, slot: bigint): bigint {
    for (const { previous } of this.#history.undosAfter(address, this.#point)) {
      if (previous.account === undefined) return 0n;
      if (previous.storage !== undefined) return previous.storage.get(slot) ?? 0n;
      const value = previous.slots.get(slot);
      if (value !== undefined) return value;
    }
    return this.#current.readStorage(address, slot);
  }

  hasStorage(address: Address): boolean {
    for (const _ of this.storageEntries(address)) return true;
    return false;
  }

  *addresses(): Iterable<Address> {
    const seen = new Set<Address>();
    for (const address of [...(this.#current.addresses?.() ?? []), ...this.#history.addresses()]) {
      if (seen.has(address)) continue;
      seen.add(address);
      if (this.readAccount(address) !== undefined) yield address;
    }
  }

  /** The whole storage, rebuilt from today's by undoing the records newest first. */
  storageEntries(address: Address): Iterable<[bigint, bigint]> {
    const undos = this.#history.undosAfter(address, this.#point);
    let storage = new Map(this.#current.storageEntries?.(address) ?? []);
    for (let i = undos.length - 1; i >= 0; i--) {
      const { previous } = undos[i]!;
      if (previous.account === undefined) storage = new Map();
      else if (previous.storage !== undefined) storage = new Map(previous.storage);
      for (const [slot, value] of previous.slots) setSlot(storage, slot, value);
    }
    return storage;
  }
}
