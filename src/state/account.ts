import { keccak256, KECCAK256_EMPTY } from '../primitives/hash.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { ReaderStorage } from './reader-storage.js';

/** An account as the state holds it in memory. Storage maps slot to a non-zero value. */
export class Account {
  nonce = 0n;
  balance = 0n;
  code: Uint8Array = EMPTY_BYTES;
  private hash: Uint8Array | undefined = KECCAK256_EMPTY;
  storage = new Map<bigint, bigint>();

  get codeHash(): Uint8Array {
    if (this.hash === undefined) this.hash = keccak256(this.code);
    return this.hash;
  }

  setCode(code: Uint8Array, hash?: Uint8Array): void {
    this.code = code;
    this.hash = code.length === 0 ? KECCAK256_EMPTY : hash;
  }

  /** EIP-161: an account is empty when it has no code, a zero nonce and a zero balance. */
  isEmpty(): boolean {
    return this.nonce === 0n && this.balance === 0n && this.code.length === 0;
  }

  /** A new account with these fields and empty storage. */
  static fromFields(fields: {
    readonly nonce: bigint;
    readonly balance: bigint;
    readonly code: Uint8Array;
    readonly codeHash: Uint8Array;
  }): Account {
    const account = new Account();
    account.nonce = fields.nonce;
    account.balance = fields.balance;
    account.setCode(fields.code, fields.codeHash);
    return account;
  }

  clone(): Account {
    const copy = new Account();
    copy.nonce = this.nonce;
    copy.balance = this.balance;
    copy.setCode(this.code, this.hash);
    copy.storage = this.storage instanceof ReaderStorage ? this.storage.clone() : new Map(this.storage);
    return copy;
  }
}
