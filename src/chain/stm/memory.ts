/**
 * Block-STM's multi-version memory: for each location of the state, the value each transaction
 * of the block wrote there, by transaction index, so transaction i reads what the highest
 * transaction below i wrote (or the pre-block state). A location is an account's fields (`a`),
 * one storage slot (`s`), the mark of an account whose storage was replaced or deleted (`r`,
 * a create or a destruction) and the mark that storage was written (`h`, for EIP-7610's check).
 *
 * The coinbase is special: each transaction's fee is recorded as a delta, not a write, so that
 * paying the fee is no conflict between transactions; reading the coinbase sums the deltas above
 * the last full write, so a transaction that reads it sees the exact value.
 *
 * A version is `tx * VERSION_SPAN + incarnation`, -1 for the pre-block state. When a new
 * incarnation writes the value the previous one wrote, the location keeps the old version, and
 * transactions that read it stay valid.
 */
import type { Address } from '../../primitives/address.js';
import { equalBytes } from '../../primitives/bytes.js';
import type { AccountFields, StateReader } from '../../state/reader.js';

/** Versions of incarnations; a transaction re-run more often than this makes the block sequential. */
export const VERSION_SPAN = 1 << 16;
export const BASE_VERSION = -1;

/** An account's fields as a write records them; null: no account (deleted). */
export type AccountValue = { nonce: bigint; balance: bigint; code: Uint8Array; codeHash: Uint8Array } | null;
/** What an account compares by: its fields, code by its hash; null: no account. */
export type AccountHead = { nonce: bigint; balance: bigint; codeHash: Uint8Array } | null;

/** What one incarnation of a transaction wrote (structured-cloneable, for worker threads). */
export interface WriteSet {
  accounts: [Address, AccountValue][];
  storage: [Address, bigint, bigint][];
  /** Accounts whose storage was replaced (created, re-created) or deleted. */
  resets: Address[];
  /** Accounts with a storage write (or reset). */
  storageWritten: Address[];
  /** The fee to the coinbase when not in `accounts` (where the transaction wrote the coinbase itself). */
  coinbaseFee: bigint | undefined;
}

/** What one incarnation read: location keys with the versions seen, and the coinbase by value. */
export interface ReadSet {
  keys: string[];
  versions: number[];
  /** The coinbase account as read, when it was (undefined: not read). */
  coinbase?: AccountValue;
}

/**
 * What a run of a transaction read through the `StateReader` interface, by value: accounts
 * (null: none), slots and EIP-7610 storage checks (split execution, `split.ts`).
 */
export interface ValueReads {
  accounts: [Address, AccountHead][];
  slots: [Address, bigint, bigint][];
  hasStorage: [Address, boolean][];
}

export const accountKey = (address: Address): string => 'a' + address;
export const slotKey = (address: Address, slot: bigint): string => 's' + address + slot.toString(16);
export const resetKey = (address: Address): string => 'r' + address;
export const writtenKey = (address: Address): string => 'h' + address;

interface Entry {
  tx: number;
  version: number;
  estimate: boolean;
  /** AccountValue for `a`, bigint for `s`, true for marks. */
  value: unknown;
  /** A coinbase fee delta rather than a value. */
  delta?: bigint;
}

/** A read that met an ESTIMATE: transaction `tx` is being re-executed and will write here. */
export class Blocked extends Error {
  constructor(readonly tx: number) {
    super(`blocked on transaction ${tx}`);
  }
}

/** A read the parallel executor does not model exactly; the batch runs one by one instead. */
export class Unsupported extends Error {}

export function sameAccount(a: AccountHead | undefined, b: AccountHead | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  return a.nonce === b.nonce && a.balance === b.balance && equalBytes(a.codeHash, b.codeHash);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof a === 'boolean') return a === b;
  return sameAccount(a as AccountValue, b as AccountValue);
}

export function toAccountValue(fields: AccountFields | undefined): AccountValue {
  if (fields === undefined) return null;
  return { nonce: fields.nonce, balance: fields.balance, code: fields.code, codeHash: fields.codeHash };
}

const EMPTY_HASH_SOURCE = { nonce: 0n, balance: 0n, code: new Uint8Array(0) };

/** An EIP-161 fee credit: the account after `delta`, none when it ends empty. */
export function creditFee(account: AccountValue, delta: bigint, emptyCodeHash: Uint8Array): AccountValue {
  const base = account ?? { ...EMPTY_HASH_SOURCE, codeHash: emptyCodeHash };
  const credited = { ...base, balance: base.balance + delta };
  return credited.nonce === 0n && credited.balance === 0n && credited.code.length === 0 ? null : credited;
}

/** The first index whose entry's transaction is not below `tx` (entries are in transaction order). */
function lowerBound(entries: Entry[], tx: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.tx < tx) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MultiVersionMemory {
  readonly #locations = new Map<string, Entry[]>();
  /** The keys each transaction's last incarnation wrote. */
  readonly #written: (string[] | undefined)[];
  readonly coinbase: Address;
  readonly #emptyCodeHash: Uint8Array;

  constructor(size: number, coinbase: Address, emptyCodeHash: Uint8Array) {
    this.#written = new Array(size);
    this.coinbase = coinbase;
    this.#emptyCodeHash = emptyCodeHash;
  }

  /** The highest entry below transaction `tx`, or undefined. */
  #below(entries: Entry[] | undefined, tx: number): Entry | undefined {
    if (entries === undefined) return undefined;
    const lo = lowerBound(entries, tx);
    return lo === 0 ? undefined : entries[lo - 1];
  }

  /** The latest write below `tx`: its version and value; BASE_VERSION when none. Throws `Blocked` on an ESTIMATE. */
  read(key: string, tx: number): { version: number; value: unknown } {
    const entry = this.#below(this.#locations.get(key), tx);
    if (entry === undefined) return { version: BASE_VERSION, value: undefined };
    if (entry.estimate) throw new Blocked(entry.tx);
    return { version: entry.version, value: entry.value };
  }

  /** The version `read` would give, or undefined where it would meet an ESTIMATE. */
  versionAt(key: string, tx: number): number | undefined {
    const entry = this.#below(this.#locations.get(key), tx);
    if (entry === undefined) return BASE_VERSION;
    return entry.estimate ? undefined : entry.version;
  }

  /** The coinbase account as transaction `tx` sees it, from `base` and the fees and writes below. */
  readCoinbase(tx: number, base: () => AccountValue): AccountValue {
    const entries = this.#locations.get(accountKey(this.coinbase));
    const end = entries === undefined ? 0 : lowerBound(entries, tx);
    let start = end;
    while (start > 0 && entries![start - 1]!.delta !== undefined) start--;
    for (let k = start; k < end; k++) if (entries![k]!.estimate) throw new Blocked(entries![k]!.tx);
    let account: AccountValue;
    if (start > 0) {
      const full = entries![start - 1]!;
      if (full.estimate) throw new Blocked(full.tx);
      account = full.value as AccountValue;
    } else account = base();
    for (let k = start; k < end; k++) account = creditFee(account, entries![k]!.delta!, this.#emptyCodeHash);
    return account;
  }

  /**
   * Records incarnation `version` of transaction `tx`: its writes replace those of its previous
   * incarnation. Returns the keys whose value below higher transactions may have changed.
   */
  record(tx: number, version: number, writes: WriteSet): string[] {
    const keys: [string, unknown, bigint | undefined][] = [];
    const coinbaseKey = accountKey(this.coinbase);
    for (const [address, value] of writes.accounts) keys.push([accountKey(address), value, undefined]);
    for (const [address, slot, value] of writes.storage) keys.push([slotKey(address, slot), value, undefined]);
    for (const address of writes.resets) keys.push([resetKey(address), true, undefined]);
    for (const address of writes.storageWritten) keys.push([writtenKey(address), true, undefined]);
    if (writes.coinbaseFee !== undefined) keys.push([coinbaseKey, undefined, writes.coinbaseFee]);
    const changed: string[] = [];
    const now = new Set<string>();
    for (const [key, value, delta] of keys) {
      now.add(key);
      let entries = this.#locations.get(key);
      if (entries === undefined) {
        entries = [];
        this.#locations.set(key, entries);
      }
      const index = this.#indexOf(entries, tx);
      const fresh: Entry = { tx, version, estimate: false, value, delta };
      if (index >= 0) {
        const old = entries[index]!;
        const same =
          old.delta === undefined ? delta === undefined && sameValue(old.value, value) : delta !== undefined && old.delta === delta;
        if (same) fresh.version = old.version;
        else changed.push(key);
        entries[index] = fresh;
      } else {
        changed.push(key);
        entries.splice(lowerBound(entries, tx), 0, fresh);
      }
    }
    for (const key of this.#written[tx] ?? []) {
      if (now.has(key)) continue;
      const entries = this.#locations.get(key)!;
      const index = this.#indexOf(entries, tx);
      if (index >= 0) entries.splice(index, 1);
      changed.push(key);
    }
    this.#written[tx] = [...now];
    return changed;
  }

  /** Marks every write of `tx` as an ESTIMATE (it is about to run again). */
  markEstimate(tx: number): void {
    for (const key of this.#written[tx] ?? []) {
      const entries = this.#locations.get(key)!;
      const index = this.#indexOf(entries, tx);
      if (index >= 0) entries[index]!.estimate = true;
    }
  }

  /** The keys transaction `tx` last wrote. */
  writtenBy(tx: number): readonly string[] {
    return this.#written[tx] ?? [];
  }

  #indexOf(entries: Entry[], tx: number): number {
    const lo = lowerBound(entries, tx);
    return lo < entries.length && entries[lo]!.tx === tx ? lo : -1;
  }

  /** Whether the reads of an incarnation of `tx` still hold (no ESTIMATE, same versions, same coinbase). */
  validate(tx: number, reads: ReadSet, base: () => AccountValue): boolean {
    for (let k = 0; k < reads.keys.length; k++) {
      if (this.versionAt(reads.keys[k]!, tx) !== reads.versions[k]) return false;
    }
    if (reads.coinbase !== undefined) {
      try {
        if (!sameAccount(this.readCoinbase(tx, base), reads.coinbase)) return false;
      } catch (error) {
        if (error instanceof Blocked) return false;
        throw error;
      }
    }
    return true;
  }
}

/**
 * The state transaction `tx` executes on: the pre-block state under the writes of the
 * transactions below it, every read recorded for validation. A `WorldState` reads through it.
 */
export class VersionedView implements StateReader {
  readonly reads: ReadSet = { keys: [], versions: [] };
  readonly #seen = new Set<string>();
  /** The account each address had when first read, to tell a real write from a rewrite. */
  readonly accountsRead = new Map<Address, AccountValue>();

  constructor(
    private readonly memory: MultiVersionMemory,
    private readonly base: StateReader,
    private readonly tx: number,
  ) {}

  #note(key: string, version: number): void {
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.reads.keys.push(key);
    this.reads.versions.push(version);
  }

  baseCoinbase = (): AccountValue => toAccountValue(this.base.readAccount(this.memory.coinbase));

  readAccount(address: Address): AccountFields | undefined {
    let value: AccountValue;
    if (address === this.memory.coinbase) {
      value = this.memory.readCoinbase(this.tx, this.baseCoinbase);
      this.reads.coinbase = value;
    } else {
      const key = accountKey(address);
      const { version, value: written } = this.memory.read(key, this.tx);
      this.#note(key, version);
      value = version === BASE_VERSION ? toAccountValue(this.base.readAccount(address)) : (written as AccountValue);
    }
    this.accountsRead.set(address, value);
    return value ?? undefined;
  }

  readStorage(address: Address, slot: bigint): bigint {
    const reset = this.memory.read(resetKey(address), this.tx);
    this.#note(resetKey(address), reset.version);
    const key = slotKey(address, slot);
    const written = this.memory.read(key, this.tx);
    this.#note(key, written.version);
    if (written.version !== BASE_VERSION && written.version >= reset.version) return written.value as bigint;
    if (reset.version !== BASE_VERSION) return 0n;
    return this.base.readStorage(address, slot);
  }

  hasStorage(address: Address): boolean {
    const written = this.memory.read(writtenKey(address), this.tx);
    this.#note(writtenKey(address), written.version);
    if (written.version !== BASE_VERSION) throw new Unsupported(`storage of ${address} written in the block, then checked for emptiness`);
    return this.base.hasStorage(address);
  }
}
