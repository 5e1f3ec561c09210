/**
 * The state root, kept up to date incrementally: one Merkle-Patricia trie of accounts and one
 * per account's storage, updated from the addresses the WorldState reports as changed. Which
 * storage slots changed is learned by giving each account a `TrackedStorage` map, which records
 * the slots written since the last commit; an account without one (new, or replaced) has its
 * storage trie rebuilt once and is given one.
 *
 * The same changes are what a persistent store must write, so `commit` returns them (the chain
 * wraps them in its `ChainCommit`).
 */
import type { Address } from '../primitives/address.js';
import { addressToBytes } from '../primitives/address.js';
import { bigintToBytes, bigintToFixedBytes, EMPTY_BYTES, equalBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { rlpEncode } from '../primitives/rlp.js';
import type { Account } from '../state/account.js';
import type { WorldState } from '../state/world-state.js';
import { ReaderStorage } from '../state/reader-storage.js';
import { EMPTY_TRIE_ROOT, MerklePatriciaTrie } from '../state/trie.js';

/**
 * A storage map that remembers which slots were set or deleted since the last commit, and what
 * they held then (`original`, 0n for an empty slot).
 */
export class TrackedStorage extends Map<bigint, bigint> {
  dirty = new Set<bigint>();
  original = new Map<bigint, bigint>();

  #write(slot: bigint): void {
    // The Map constructor calls set before the fields exist; it never is with entries here.
    if (this.dirty === undefined || this.dirty.has(slot)) return;
    this.dirty.add(slot);
    this.original.set(slot, super.get(slot) ?? 0n);
  }

  override set(slot: bigint, value: bigint): this {
    this.#write(slot);
    return super.set(slot, value);
  }

  override delete(slot: bigint): boolean {
    this.#write(slot);
    return super.delete(slot);
  }

  override clear(): void {
    for (const slot of this.keys()) this.#write(slot);
    super.clear();
  }

  /** Starts tracking afresh (after a commit). */
  resetTracking(): void {
    this.dirty.clear();
    this.original = new Map();
  }

  /** The storage as it was at the last commit. */
  committed(): Map<bigint, bigint> {
    const storage = new Map<bigint, bigint>();
    for (const [slot, value] of this) if (!this.original.has(slot)) storage.set(slot, value);
    for (const [slot, value] of this.original) if (value !== 0n) storage.set(slot, value);
    return storage;
  }

  static from(entries: Iterable<[bigint, bigint]>): TrackedStorage {
    const storage = new TrackedStorage();
    for (const [slot, value] of entries) Map.prototype.set.call(storage, slot, value);
    return storage;
  }
}

/** An account's fields as committed. */
export interface CommittedAccount {
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  codeHash: Uint8Array;
}

/** What an account was at the previous commit: what undoes an `AccountChange`. */
export interface PreviousAccount {
  /** Undefined when the account did not exist. */
  account: CommittedAccount | undefined;
  /** The previous values of the slots written (0n: the slot was empty). */
  slots: Map<bigint, bigint>;
  /** When the whole storage was replaced or deleted: all of it as it was. */
  storage: Map<bigint, bigint> | undefined;
}

/** What changed for one address since the last commit. */
export interface AccountChange {
  address: Address;
  /** Undefined when the account was deleted. */
  account: Account | undefined;
  /** True when the whole storage must be rewritten (a new or replaced account). */
  storageReset: boolean;
  /** Slots written (value 0n: deleted); with `storageReset`, every slot the account holds. */
  slots: [bigint, bigint][];
  /** The account's code is new to the store. */
  codeChanged: boolean;
  /** What the account was before (set by `StateRootTracker.commit`). */
  previous?: PreviousAccount;
}

/** Storage that records its writes: the tracker's own, or a forked account's (`ReaderStorage`). */
type RecordingStorage = TrackedStorage | ReaderStorage;

interface Entry {
  account: Account;
  storage: RecordingStorage;
  trie: MerklePatriciaTrie;
  encoded: Uint8Array;
  /** The fields at the last commit (undefined for an entry not committed yet). */
  committed: CommittedAccount | undefined;
}

/** An entry's account as it was, storage and all (it is being deleted or replaced). */
function wholePrevious(entry: Entry): PreviousAccount {
  return { account: entry.committed, slots: new Map(), storage: entry.storage.committed() };
}

export class StateRootTracker {
  #accounts = new MerklePatriciaTrie();
  #entries = new Map<Address, Entry>();
  #keys = new Map<Address, Uint8Array>();

  /**
   * Builds the tries from every account of `state` (at start, or after a snapshot is restored);
   * over a remote state (a fork), from the accounts it holds.
   */
  rebuild(state: WorldState): AccountChange[] {
    this.#accounts = new MerklePatriciaTrie();
    this.#entries.clear();
    state.takeChangedAddresses();
    return this.commit(state, state.listable ? state.addresses() : state.heldAddresses());
  }

  /** Applies the changes of `addresses` (from `takeChangedAddresses`) and returns them. */
  commit(state: WorldState, addresses: Iterable<Address>): AccountChange[] {
    const changes: AccountChange[] = [];
    for (const address of addresses) {
      const key = this.#key(address);
      const account = state.getAccount(address);
      const entry = this.#entries.get(address);
      if (account === undefined) {
        if (entry === undefined) continue;
        this.#accounts.delete(key);
        this.#entries.delete(address);
        changes.push({ address, account: undefined, storageReset: true, slots: [], codeChanged: false, previous: wholePrevious(entry) });
        continue;
      }
      let storageReset = false;
      let slots: [bigint, bigint][];
      let previous: PreviousAccount;
      let current = entry;
      const forked = account.storage instanceof ReaderStorage && !account.storage.cleared ? account.storage : undefined;
      if (current === undefined && forked !== undefined) {
        // First seen, an account read from a remote state (a fork): the remote holds what it was
        // and every slot not written here. Its trie holds the slots kept here.
        const trie = new MerklePatriciaTrie();
        for (const [slot, value] of forked.ownEntries()) {
          if (value !== 0n) trie.put(keccak256(bigintToFixedBytes(slot, 32)), rlpEncode(bigintToBytes(value)));
        }
        previous = { account: forked.base(), slots: forked.original, storage: undefined };
        slots = [...forked.dirty].map((slot): [bigint, bigint] => [slot, forked.get(slot) ?? 0n]);
        forked.resetTracking();
        current = { account, storage: forked, trie, encoded: EMPTY_BYTES, committed: undefined };
        this.#entries.set(address, current);
      } else if (current === undefined || current.account !== account || current.storage !== account.storage) {
        storageReset = true;
        previous = entry ? wholePrevious(entry) : { account: undefined, slots: new Map(), storage: undefined };
        const storage = account.storage instanceof TrackedStorage ? account.storage : TrackedStorage.from(account.storage);
        storage.resetTracking();
        account.storage = storage;
        const trie = new MerklePatriciaTrie();
        slots = [];
        for (const [slot, value] of storage) {
          if (value === 0n) continue;
          trie.put(keccak256(bigintToFixedBytes(slot, 32)), rlpEncode(bigintToBytes(value)));
          slots.push([slot, value]);
        }
        current = { account, storage, trie, encoded: EMPTY_BYTES, committed: undefined };
        this.#entries.set(address, current);
      } else {
        slots = [];
        const storage = current.storage;
        previous = { account: current.committed, slots: storage.original, storage: undefined };
        for (const slot of storage.dirty) {
          const value = storage.get(slot) ?? 0n;
          const slotKey = keccak256(bigintToFixedBytes(slot, 32));
          if (value === 0n) current.trie.delete(slotKey);
          else current.trie.put(slotKey, rlpEncode(bigintToBytes(value)));
          slots.push([slot, value]);
        }
        storage.resetTracking();
      }
      const codeHash = account.codeHash;
      const codeChanged = current.committed === undefined || !equalBytes(codeHash, current.committed.codeHash);
      current.committed = { nonce: account.nonce, balance: account.balance, code: account.code, codeHash };
      const storageRoot = current.trie.isEmpty ? EMPTY_TRIE_ROOT : current.trie.root();
      const encoded = rlpEncode([bigintToBytes(account.nonce), bigintToBytes(account.balance), storageRoot, codeHash]);
      if (!equalBytes(encoded, current.encoded)) {
        current.encoded = encoded;
        this.#accounts.put(key, encoded);
      }
      changes.push({ address, account, storageReset, slots, codeChanged, previous });
    }
    return changes;
  }

  root(): Uint8Array {
    return this.#accounts.root();
  }

  /** EIP-1186: the account proof and its storage root (call after `commit`). */
  accountProof(address: Address): { proof: Uint8Array[]; storageRoot: Uint8Array } {
    const entry = this.#entries.get(address);
    return {
      proof: this.#accounts.createProof(this.#key(address)),
      storageRoot: entry === undefined || entry.trie.isEmpty ? EMPTY_TRIE_ROOT : entry.trie.root(),
    };
  }

  storageProof(address: Address, slot: bigint): Uint8Array[] {
    const entry = this.#entries.get(address);
    if (entry === undefined) return [];
    return entry.trie.createProof(keccak256(bigintToFixedBytes(slot, 32)));
  }

  #key(address: Address): Uint8Array {
    let key = this.#keys.get(address);
    if (key === undefined) {
      key = keccak256(addressToBytes(address));
      if (this.#keys.size > 100_000) this.#keys.clear();
      this.#keys.set(address, key);
    }
    return key;
  }
}
