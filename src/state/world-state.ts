/**
 * The journaled world state: accounts in memory, every change recorded in the journal so a frame
 * can be reverted, and the per-transaction sets (warm addresses and slots, transient storage,
 * touched, destroyed and created accounts, refund, logs) that the EVM's rules need.
 */
import type { Address } from '../primitives/address.js';
import type { JournaledHost, Log } from '../host/index.js';
import { KECCAK256_EMPTY } from '../primitives/hash.js';
import { Account } from './account.js';
import { Change, type JournalEntry } from './journal.js';
import type { AccountFields, StateReader } from './reader.js';
import { ReaderStorage } from './reader-storage.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';

/** What `WorldState.saveAccounts` copies. */
export interface SavedAccounts {
  readonly accounts: ReadonlyMap<Address, Account>;
  readonly removed: ReadonlySet<Address>;
}

export class WorldState implements JournaledHost, StateReader {
  /** The accounts read or written here. */
  private readonly accounts = new Map<Address, Account>();
  /** Addresses deleted here that the reader beneath may still hold. */
  private readonly removed = new Set<Address>();

  constructor(private beneath?: StateReader) {}

  private journal: JournalEntry[] = [];
  private warmAddresses = new Set<Address>();
  /** Warm for the whole transaction, without a journal entry each (see warmForTransaction). */
  private warmForTx: ReadonlyMap<Address, unknown> | undefined = undefined;
  private warmSlots = new Map<Address, Set<bigint>>();
  private transient = new Map<Address, Map<bigint, bigint>>();
  private originals = new Map<Account, Map<bigint, bigint>>();
  private touched = new Set<Address>();
  private destructed = new Set<Address>();
  private createdInTx = new Set<Address>();
  refund = 0;
  logs: Log[] = [];
  /** Accounts changed or deleted since the last `takeChangedAddresses` (for persistence). */
  private changed = new Set<Address>();

  // ---- accounts ----

  getAccount(address: Address): Account | undefined {
    const account = this.accounts.get(address);
    if (account !== undefined || this.beneath === undefined) return account;
    return this.readThrough(address, this.beneath);
  }

  /** Copies an account from the reader beneath on its first read. */
  private readThrough(address: Address, beneath: StateReader): Account | undefined {
    if (this.removed.has(address)) return undefined;
    const fields = beneath.readAccount(address);
    if (fields === undefined) return undefined;
    const account = Account.fromFields(fields);
    account.storage = new ReaderStorage(beneath, address);
    this.accounts.set(address, account);
    return account;
  }

  /** Returns the account, creating an empty one (journaled) when absent. */
  getOrCreateAccount(address: Address): Account {
    this.changed.add(address);
    let account = this.getAccount(address);
    if (!account) {
      account = new Account();
      this.accounts.set(address, account);
      this.journal.push({ kind: Change.AccountCreated, address });
    }
    return account;
  }

  /**
   * Every account, for roots, dumps and snapshots. Read only: change accounts through the
   * methods. Over a reader, only one that can list its addresses can be listed.
   */
  *accountEntries(): IterableIterator<[Address, Account]> {
    const beneath = this.beneath;
    if (beneath === undefined) {
      yield* this.accounts.entries();
      return;
    }
    if (beneath.addresses === undefined) throw new Error('the accounts of a state read per location cannot be listed');
    for (const address of beneath.addresses()) this.getAccount(address);
    yield* this.accounts.entries();
  }

  /** Replaces every account at once (loading a state, reverting to a snapshot); not journaled. */
  replaceAccounts(accounts: Iterable<[Address, Account]>): void {
    if (this.beneath !== undefined) throw new Error('replaceAccounts: this state reads through another; replace that one');
    for (const address of this.accounts.keys()) this.changed.add(address);
    this.accounts.clear();
    for (const [address, account] of accounts) this.putAccount(address, account);
  }

  /**
   * Starts over on `beneath` (a forked chain's remote state, or nothing): every account held
   * here is dropped; not journaled.
   */
  rebase(beneath: StateReader | undefined): void {
    this.beneath = beneath;
    this.accounts.clear();
    this.removed.clear();
    this.changed = new Set();
    this.clearTransaction();
  }

  /** Whether every account can be listed (false over a reader that reads per location). */
  get listable(): boolean {
    return this.beneath === undefined || this.beneath.addresses !== undefined;
  }

  /** The addresses of the accounts held here: all of them, or over a reader, those read or written. */
  heldAddresses(): Address[] {
    return [...this.accounts.keys()];
  }

  /** A copy of what this state holds itself, for `restoreAccounts` (a snapshot); not journaled. */
  saveAccounts(): SavedAccounts {
    const accounts = new Map<Address, Account>();
    for (const [address, account] of this.accounts) accounts.set(address, account.clone());
    return { accounts, removed: new Set(this.removed) };
  }

  /** Puts back what `saveAccounts` copied (a copy of it: a snapshot can be restored again). */
  restoreAccounts(saved: SavedAccounts): void {
    for (const address of this.accounts.keys()) this.changed.add(address);
    for (const address of this.removed) this.changed.add(address);
    this.accounts.clear();
    this.removed.clear();
    for (const [address, account] of saved.accounts) this.putAccount(address, account.clone());
    for (const address of saved.removed) {
      this.removed.add(address);
      this.changed.add(address);
    }
  }

  /** Puts an account without journaling; for loading a state before any transaction. */
  putAccount(address: Address, account: Account): void {
    this.changed.add(address);
    this.accounts.set(address, account);
  }

  accountExists(address: Address): boolean {
    return this.getAccount(address) !== undefined;
  }

  isEmpty(address: Address): boolean {
    const account = this.getAccount(address);
    return account === undefined || account.isEmpty();
  }

  /** EIP-161 "dead": absent or empty. */
  isDead(address: Address): boolean {
    return this.isEmpty(address);
  }

  getBalance(address: Address): bigint {
    return this.getAccount(address)?.balance ?? 0n;
  }

  getNonce(address: Address): bigint {
    return this.getAccount(address)?.nonce ?? 0n;
  }

  getCode(address: Address): Uint8Array {
    return this.getAccount(address)?.code ?? EMPTY_BYTES;
  }

  getCodeHash(address: Address): Uint8Array {
    return this.getAccount(address)?.codeHash ?? KECCAK256_EMPTY;
  }

  setBalance(address: Address, balance: bigint): void {
    const account = this.getOrCreateAccount(address);
    this.journal.push({ kind: Change.Balance, account, previous: account.balance });
    account.balance = balance;
  }

  addBalance(address: Address, amount: bigint): void {
    const account = this.getOrCreateAccount(address);
    this.journal.push({ kind: Change.Balance, account, previous: account.balance });
    account.balance += amount;
  }

  subBalance(address: Address, amount: bigint): void {
    const account = this.getOrCreateAccount(address);
    this.journal.push({ kind: Change.Balance, account, previous: account.balance });
    account.balance -= amount;
  }

  setNonce(address: Address, nonce: bigint): void {
    const account = this.getOrCreateAccount(address);
    this.journal.push({ kind: Change.Nonce, account, previous: account.nonce });
    account.nonce = nonce;
  }

  incrementNonce(address: Address): void {
    this.setNonce(address, this.getNonce(address) + 1n);
  }

  setCode(address: Address, code: Uint8Array): void {
    const account = this.getOrCreateAccount(address);
    this.journal.push({ kind: Change.Code, account, previous: account.code });
    account.setCode(code);
  }

  /**
   * A contract is created at an address that may already hold a balance (never code, nonce or
   * storage: those are collisions). The account starts afresh with its balance kept.
   */
  createContractAccount(address: Address, nonce: bigint): void {
    this.changed.add(address);
    const previous = this.getAccount(address);
    const account = new Account();
    account.balance = previous?.balance ?? 0n;
    account.nonce = nonce;
    this.accounts.set(address, account);
    if (previous) this.journal.push({ kind: Change.AccountReplaced, address, previous });
    else this.journal.push({ kind: Change.AccountCreated, address });
    this.createdInTx.add(address);
    this.journal.push({ kind: Change.CreatedInTx, address });
  }

  // ---- storage ----

  getStorage(address: Address, slot: bigint): bigint {
    const account = this.getAccount(address);
    if (!account) return 0n;
    return account.storage.get(slot) ?? 0n;
  }

  getOriginalStorage(address: Address, slot: bigint): bigint {
    const account = this.getAccount(address);
    if (!account) return 0n;
    const originals = this.originals.get(account);
    if (originals && originals.has(slot)) return originals.get(slot)!;
    return account.storage.get(slot) ?? 0n;
  }

  setStorage(address: Address, slot: bigint, value: bigint): void {
    const account = this.getOrCreateAccount(address);
    const previous = account.storage.get(slot) ?? 0n;
    let originals = this.originals.get(account);
    if (!originals) {
      originals = new Map();
      this.originals.set(account, originals);
    }
    if (!originals.has(slot)) originals.set(slot, previous);
    this.journal.push({ kind: Change.Storage, account, slot, previous });
    if (value === 0n) account.storage.delete(slot);
    else account.storage.set(slot, value);
  }

  /** EIP-7610: a create fails on an address whose storage is not empty. */
  hasStorage(address: Address): boolean {
    const account = this.getAccount(address);
    if (account === undefined) return false;
    const storage = account.storage;
    return storage instanceof ReaderStorage ? storage.hasAny() : storage.size > 0;
  }

  // ---- as a reader for a state on top of this one ----

  readAccount(address: Address): AccountFields | undefined {
    return this.getAccount(address);
  }

  readStorage(address: Address, slot: bigint): bigint {
    return this.getStorage(address, slot);
  }

  addresses(): Iterable<Address> {
    const addresses = new Set<Address>();
    for (const [address] of this.accountEntries()) addresses.add(address);
    return addresses;
  }

  storageEntries(address: Address): Iterable<[bigint, bigint]> {
    return this.getAccount(address)?.storage ?? [];
  }

  getTransientStorage(address: Address, slot: bigint): bigint {
    return this.transient.get(address)?.get(slot) ?? 0n;
  }

  setTransientStorage(address: Address, slot: bigint, value: bigint): void {
    let slots = this.transient.get(address);
    if (!slots) {
      slots = new Map();
      this.transient.set(address, slots);
    }
    const previous = slots.get(slot) ?? 0n;
    this.journal.push({ kind: Change.TransientStorage, address, slot, previous });
    if (value === 0n) slots.delete(slot);
    else slots.set(slot, value);
  }

  // ---- EIP-2929 access sets ----

  warmForTransaction(addresses: ReadonlyMap<Address, unknown>): void {
    this.warmForTx = addresses;
  }

  warmAddress(address: Address): boolean {
    if (this.warmAddresses.has(address) || (this.warmForTx !== undefined && this.warmForTx.has(address))) return false;
    this.warmAddresses.add(address);
    this.journal.push({ kind: Change.WarmAddress, address });
    return true;
  }

  isWarmAddress(address: Address): boolean {
    return this.warmAddresses.has(address) || (this.warmForTx !== undefined && this.warmForTx.has(address));
  }

  warmSlot(address: Address, slot: bigint): boolean {
    let slots = this.warmSlots.get(address);
    if (slots === undefined) {
      slots = new Set();
      this.warmSlots.set(address, slots);
    } else if (slots.has(slot)) return false;
    slots.add(slot);
    this.journal.push({ kind: Change.WarmSlot, address, slot });
    return true;
  }

  isWarmSlot(address: Address, slot: bigint): boolean {
    return this.warmSlots.get(address)?.has(slot) ?? false;
  }

  // ---- refund, logs, touches, destruction ----

  addRefund(amount: number): void {
    this.journal.push({ kind: Change.Refund, previous: this.refund });
    this.refund += amount;
  }

  subRefund(amount: number): void {
    this.journal.push({ kind: Change.Refund, previous: this.refund });
    this.refund -= amount;
  }

  emitLog(log: Log): void {
    this.logs.push(log);
    this.journal.push({ kind: Change.Log });
  }

  /** EIP-161: a touched account that ends the transaction empty is deleted. */
  touch(address: Address): void {
    if (this.touched.has(address)) return;
    this.touched.add(address);
    this.journal.push({ kind: Change.Touched, address });
  }

  isTouched(address: Address): boolean {
    return this.touched.has(address);
  }

  isCreatedInTx(address: Address): boolean {
    return this.createdInTx.has(address);
  }

  hasSelfdestructed(address: Address): boolean {
    return this.destructed.has(address);
  }

  selfdestruct(address: Address, beneficiary: Address, onlyIfCreatedInTx: boolean, createBeneficiary = false): void {
    const balance = this.getBalance(address);
    if (createBeneficiary && !this.accountExists(beneficiary)) this.getOrCreateAccount(beneficiary);
    if (beneficiary !== address && balance !== 0n) {
      this.addBalance(beneficiary, balance);
      this.setBalance(address, 0n);
    }
    if (onlyIfCreatedInTx && !this.createdInTx.has(address)) return;
    // Destroyed: a balance it still holds (it named itself as beneficiary) is burnt.
    if (this.getBalance(address) !== 0n) this.setBalance(address, 0n);
    if (!this.destructed.has(address)) {
      this.destructed.add(address);
      this.journal.push({ kind: Change.Selfdestructed, address });
    }
  }

  // ---- checkpoints ----

  checkpoint(): number {
    return this.journal.length;
  }

  revert(checkpoint: number): void {
    const journal = this.journal;
    while (journal.length > checkpoint) this.undo(journal.pop()!);
  }

  private undo(entry: JournalEntry): void {
    switch (entry.kind) {
      case Change.AccountCreated:
        this.accounts.delete(entry.address);
        break;
      case Change.AccountReplaced:
        this.accounts.set(entry.address, entry.previous);
        break;
      case Change.Balance:
        entry.account.balance = entry.previous;
        break;
      case Change.Nonce:
        entry.account.nonce = entry.previous;
        break;
      case Change.Code:
        entry.account.setCode(entry.previous);
        break;
      case Change.Storage:
        if (entry.previous === 0n) entry.account.storage.delete(entry.slot);
        else entry.account.storage.set(entry.slot, entry.previous);
        break;
      case Change.TransientStorage: {
        const slots = this.transient.get(entry.address)!;
        if (entry.previous === 0n) slots.delete(entry.slot);
        else slots.set(entry.slot, entry.previous);
        break;
      }
      case Change.WarmAddress:
        this.warmAddresses.delete(entry.address);
        break;
      case Change.WarmSlot:
        this.warmSlots.get(entry.address)!.delete(entry.slot);
        break;
      case Change.Refund:
        this.refund = entry.previous;
        break;
      case Change.Log:
        this.logs.pop();
        break;
      case Change.Touched:
        this.touched.delete(entry.address);
        break;
      case Change.Selfdestructed:
        this.destructed.delete(entry.address);
        break;
      case Change.CreatedInTx:
        this.createdInTx.delete(entry.address);
        break;
    }
  }

  // ---- transaction boundaries ----

  /**
   * Ends a transaction: deletes destroyed accounts (all of them before Cancun; with EIP-6780 only
   * those created in this transaction, which the caller passes as `deleteDestructed`), and,
   * with EIP-161, touched accounts left empty. Then clears the per-transaction sets.
   */
  finalizeTransaction(options: { deleteEmptyTouched: boolean }): void {
    for (const address of this.destructed) this.deleteAccount(address);
    if (options.deleteEmptyTouched) {
      for (const address of this.touched) {
        const account = this.getAccount(address);
        if (account && account.isEmpty()) this.deleteAccount(address);
      }
    }
    this.clearTransaction();
  }

  /** Removes an account outside any transaction (end-of-transaction rules, dev tools). */
  deleteAccount(address: Address): void {
    this.changed.add(address);
    this.accounts.delete(address);
    if (this.beneath !== undefined) this.removed.add(address);
  }

  /**
   * The addresses whose account changed (or was deleted) since the last call; a store that
   * persists the state writes just these. Reverted changes may be listed too: harmless.
   */
  takeChangedAddresses(): Set<Address> {
    const changed = this.changed;
    this.changed = new Set();
    return changed;
  }

  /** Forgets the per-transaction sets (after finalizing, or after a rejected transaction). */
  clearTransaction(): void {
    this.journal = [];
    this.warmAddresses.clear();
    this.warmForTx = undefined;
    this.warmSlots.clear();
    this.transient.clear();
    this.originals.clear();
    this.touched.clear();
    this.destructed.clear();
    this.createdInTx.clear();
    this.refund = 0;
    this.logs = [];
  }
}
