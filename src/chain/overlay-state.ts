/**
 * A throw-away view of a WorldState for calls, gas estimates and simulations: reads fall through
 * to the base state, and an account is copied (its storage as a copy-on-write view) the first
 * time it is read, so whatever the call changes stays in the overlay. Costs nothing for accounts
 * the call does not touch, whatever the size of the state.
 */
import type { Address } from '../primitives/address.js';
import { Account } from '../state/account.js';
import { WorldState } from '../state/world-state.js';
import { EntriesMap } from '../state/entries-map.js';

/** A storage map over a base map: writes and deletions stay here. */
export class OverlayStorage extends EntriesMap<bigint, bigint> {
  readonly #base: Map<bigint, bigint>;
  /** Base slots written or deleted here. */
  readonly #hidden = new Set<bigint>();
  readonly #removed = new Set<bigint>();

  constructor(base: Map<bigint, bigint>) {
    super();
    this.#base = base;
  }

  override get(slot: bigint): bigint | undefined {
    if (super.has(slot)) return super.get(slot);
    if (this.#removed.has(slot)) return undefined;
    return this.#base.get(slot);
  }

  override has(slot: bigint): boolean {
    return super.has(slot) || (!this.#removed.has(slot) && this.#base.has(slot));
  }

  override set(slot: bigint, value: bigint): this {
    // Called by the Map constructor before the fields exist; it never is with entries here.
    super.set(slot, value);
    this.#removed.delete(slot);
    if (this.#base.has(slot)) this.#hidden.add(slot);
    return this;
  }

  override delete(slot: bigint): boolean {
    const existed = this.has(slot);
    super.delete(slot);
    if (this.#base.has(slot)) {
      this.#hidden.add(slot);
      this.#removed.add(slot);
    }
    return existed;
  }

  override clear(): void {
    super.clear();
    for (const slot of this.#base.keys()) {
      this.#hidden.add(slot);
      this.#removed.add(slot);
    }
  }

  override get size(): number {
    return super.size + this.#base.size - this.#hidden.size;
  }

  override *entries(): MapIterator<[bigint, bigint]> {
    yield* super.entries();
    for (const entry of this.#base) if (!this.#hidden.has(entry[0])) yield entry;
  }

}

/** The accounts map of an overlay: base accounts are copied on first access. */
class OverlayAccounts extends EntriesMap<Address, Account> {
  readonly #base: Map<Address, Account>;
  readonly #removed = new Set<Address>();

  constructor(base: Map<Address, Account>) {
    super();
    this.#base = base;
  }

  override get(address: Address): Account | undefined {
    const own = super.get(address);
    if (own !== undefined || this.#removed.has(address)) return own;
    const base = this.#base.get(address);
    if (base === undefined) return undefined;
    const copy = copyAccount(base);
    super.set(address, copy);
    return copy;
  }

  override has(address: Address): boolean {
    return super.has(address) || (!this.#removed.has(address) && this.#base.has(address));
  }

  override set(address: Address, account: Account): this {
    super.set(address, account);
    this.#removed?.delete(address);
    return this;
  }

  override delete(address: Address): boolean {
    const existed = this.has(address);
    super.delete(address);
    this.#removed.add(address);
    return existed;
  }

  override get size(): number {
    let size = super.size;
    for (const address of this.#base.keys()) if (!super.has(address) && !this.#removed.has(address)) size++;
    return size;
  }

  override *entries(): MapIterator<[Address, Account]> {
    yield* super.entries();
    for (const entry of this.#base) if (!super.has(entry[0]) && !this.#removed.has(entry[0])) yield entry;
  }

}

function copyAccount(base: Account): Account {
  const copy = new Account();
  copy.nonce = base.nonce;
  copy.balance = base.balance;
  copy.setCode(base.code, base.codeHash);
  copy.storage = new OverlayStorage(base.storage);
  return copy;
}

/** A WorldState whose changes never reach `base`. */
export function createOverlayState(base: WorldState): WorldState {
  return new WorldState(new OverlayAccounts(base.accounts));
}
