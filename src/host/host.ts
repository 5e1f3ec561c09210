/**
 * The world as a running VM and the frame loop see it (the idea of EVMC): reads and writes per
 * location (an account's balance, nonce or code, one storage slot), every write journaled so a
 * frame can be undone. The EVM and future VMs depend on `Host`; exec/ on `JournaledHost`; neither
 * knows which state implementation (in memory, LMDB, an earlier block, a remote fork) is beneath.
 */
import type { Address } from '../primitives/address.js';
import type { Log } from './context.js';

/** What a VM's instructions may ask of the world. */
export interface Host {
  accountExists(address: Address): boolean;
  /** EIP-161: no code, nonce 0, balance 0 (or absent). */
  isEmpty(address: Address): boolean;
  getBalance(address: Address): bigint;
  getNonce(address: Address): bigint;
  getCode(address: Address): Uint8Array;
  getCodeHash(address: Address): Uint8Array;
  getStorage(address: Address, slot: bigint): bigint;
  /** The value of the slot when the transaction began (EIP-2200). */
  getOriginalStorage(address: Address, slot: bigint): bigint;
  setStorage(address: Address, slot: bigint, value: bigint): void;
  getTransientStorage(address: Address, slot: bigint): bigint;
  setTransientStorage(address: Address, slot: bigint, value: bigint): void;
  /** EIP-2929: marks warm; returns true when it was cold. */
  warmAddress(address: Address): boolean;
  warmSlot(address: Address, slot: bigint): boolean;
  isWarmAddress(address: Address): boolean;
  addRefund(amount: number): void;
  subRefund(amount: number): void;
  emitLog(log: Log): void;
  /**
   * SELFDESTRUCT: moves the balance to the beneficiary. The account is scheduled for deletion
   * (and any balance it then holds is burnt) unless `onlyIfCreatedInTx` (EIP-6780) is set and the
   * account was not created in this transaction. With `createBeneficiary` (before EIP-161) a
   * missing beneficiary is created even when there is no balance to move.
   */
  selfdestruct(address: Address, beneficiary: Address, onlyIfCreatedInTx: boolean, createBeneficiary?: boolean): void;
  hasSelfdestructed(address: Address): boolean;
  /** EIP-161: marks an account touched; one left empty is deleted at the end of the transaction. */
  touch(address: Address): void;
}

/**
 * What the frame loop and the transaction rules need beyond a VM's view: checkpoints, value
 * transfers, nonces, code deposit, contract creation, and the transaction's end.
 */
export interface JournaledHost extends Host {
  /**
   * EIP-2929: the keys of `addresses` (the precompiles) are warm until the transaction ends. Done
   * before any checkpoint, so nothing ever undoes it: the map is kept, not copied into the set.
   */
  warmForTransaction(addresses: ReadonlyMap<Address, unknown>): void;
  /** A mark in the journal; `revert` undoes every change made after it. */
  checkpoint(): number;
  revert(checkpoint: number): void;
  setBalance(address: Address, balance: bigint): void;
  addBalance(address: Address, amount: bigint): void;
  subBalance(address: Address, amount: bigint): void;
  setNonce(address: Address, nonce: bigint): void;
  incrementNonce(address: Address): void;
  setCode(address: Address, code: Uint8Array): void;
  /** A new contract at `address`, keeping any balance already there. */
  createContractAccount(address: Address, nonce: bigint): void;
  /** EIP-7610: a create fails on an address whose storage is not empty. */
  hasStorage(address: Address): boolean;
  isWarmSlot(address: Address, slot: bigint): boolean;
  /** The refund counter (EIP-3529 caps what is paid back). */
  readonly refund: number;
  /** The logs of the transaction so far. */
  readonly logs: Log[];
  /**
   * Ends a transaction: deletes destroyed accounts and (with EIP-161) touched ones left empty,
   * then forgets the per-transaction sets.
   */
  finalizeTransaction(options: { deleteEmptyTouched: boolean }): void;
  /** Forgets the per-transaction sets without applying the end-of-transaction rules. */
  clearTransaction(): void;
}
