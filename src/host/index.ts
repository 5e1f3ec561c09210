/**
 * The interface through which a running VM reaches the world (the idea of EVMC). Types only:
 * the EVM and future VMs depend on this, never on the state implementation.
 */
import type { Address } from '../primitives/address.js';

export interface Log {
  address: Address;
  topics: bigint[];
  data: Uint8Array;
}

/** The block the transaction runs in. */
export interface BlockContext {
  coinbase: Address;
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  baseFee: bigint;
  prevRandao: bigint;
  difficulty: bigint;
  blobBaseFee: bigint;
  chainId: bigint;
  /** BLOCKHASH: the hash of an earlier block, or 0 when unknown. */
  blockHash(number: bigint): bigint;
}

/** What a transaction fixes for all of its frames. */
export interface TxContext {
  origin: Address;
  gasPrice: bigint;
  blobVersionedHashes: Uint8Array[];
}

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
   * account was not created in this transaction.
   */
  selfdestruct(address: Address, beneficiary: Address, onlyIfCreatedInTx: boolean): void;
  hasSelfdestructed(address: Address): boolean;
  /** EIP-161: marks an account touched; one left empty is deleted at the end of the transaction. */
  touch(address: Address): void;
}
