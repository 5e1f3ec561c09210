/**
 * The state of a remote chain at one block, read per location over JSON-RPC (`StateReader`): an
 * account is one batch of eth_getBalance, eth_getTransactionCount and eth_getCode, a slot one
 * eth_getStorageAt. Every answer is kept in a `ForkCache`, so a location is fetched once; the
 * cache can write what it learns to a file, so a restart on the same fork fetches nothing again.
 */
import type { Address } from '../../primitives/address.js';
import { bigintToHex, hexToBytes, parseQuantity, bytesToHex } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import type { AccountFields, StateReader } from '../../state/reader.js';
import { EMPTY_TRIE_ROOT } from '../../state/trie.js';
import { RemoteRpcError, type RemoteRpc } from './remote.js';

/** What a fork's state needs of its remote (its current one: anvil_setRpcUrl may change it). */
export type RemoteLink = Pick<RemoteRpc, 'call' | 'batch'>;

/** What the cache keeps; one record per fetched location. */
export type CacheRecord =
  | { kind: 'account'; block: string; address: Address; nonce: string; balance: string; code: string }
  | { kind: 'none'; block: string; address: Address }
  | { kind: 'slot'; block: string; address: Address; slot: string; value: string }
  | { kind: 'hasStorage'; block: string; address: Address; value: boolean };

/** Where a cache keeps its records between runs (a file in the data directory). */
export interface CacheFile {
  load(): Iterable<CacheRecord>;
  append(record: CacheRecord): void;
}

/** Fetched locations of one remote chain, by block. */
export class ForkCache {
  readonly #accounts = new Map<string, AccountFields | null>();
  readonly #slots = new Map<string, bigint>();
  readonly #hasStorage = new Map<string, boolean>();
  readonly #file: CacheFile | undefined;

  constructor(file?: CacheFile) {
    this.#file = file;
    if (file !== undefined) for (const record of file.load()) this.#put(record);
  }

  account(block: bigint, address: Address): AccountFields | null | undefined {
    return this.#accounts.get(`${block}:${address}`);
  }

  slot(block: bigint, address: Address, slot: bigint): bigint | undefined {
    return this.#slots.get(`${block}:${address}:${slot}`);
  }

  hasStorage(block: bigint, address: Address): boolean | undefined {
    return this.#hasStorage.get(`${block}:${address}`);
  }

  add(record: CacheRecord): void {
    this.#put(record);
    this.#file?.append(record);
  }

  #put(record: CacheRecord): void {
    const key = `${BigInt(record.block)}:${record.address}`;
    switch (record.kind) {
      case 'account': {
        const code = hexToBytes(record.code);
        this.#accounts.set(key, { nonce: BigInt(record.nonce), balance: BigInt(record.balance), code, codeHash: keccak256(code) });
        break;
      }
      case 'none':
        this.#accounts.set(key, null);
        break;
      case 'slot':
        this.#slots.set(`${key}:${BigInt(record.slot)}`, BigInt(record.value));
        break;
      case 'hasStorage':
        this.#hasStorage.set(key, record.value);
        break;
    }
  }
}

/** A remote answer that is not what the method returns. */
function expectQuantity(value: unknown, what: string): bigint {
  if (typeof value !== 'string') throw new RemoteRpcError(what, 0, `expected a hex quantity, got ${JSON.stringify(value)}`, undefined);
  return parseQuantity(value);
}

export class ForkState implements StateReader {
  readonly #tag: string;

  constructor(
    readonly remote: RemoteLink,
    readonly blockNumber: bigint,
    readonly cache: ForkCache,
  ) {
    this.#tag = bigintToHex(blockNumber);
  }

  readAccount(address: Address): AccountFields | undefined {
    const cached = this.cache.account(this.blockNumber, address);
    if (cached !== undefined) return cached ?? undefined;
    this.prefetch([address]);
    return this.cache.account(this.blockNumber, address) ?? undefined;
  }

  /** Fetches the accounts not in the cache yet, all in one batch (the dev accounts at start). */
  prefetch(addresses: readonly Address[]): void {
    const missing = [...new Set(addresses)].filter((address) => this.cache.account(this.blockNumber, address) === undefined);
    if (missing.length === 0) return;
    const answers = this.remote.batch(
      missing.flatMap(
        (address) =>
          [
            ['eth_getBalance', [address, this.#tag]],
            ['eth_getTransactionCount', [address, this.#tag]],
            ['eth_getCode', [address, this.#tag]],
          ] as const,
      ),
    );
    missing.forEach((address, i) => this.#learn(address, answers[3 * i], answers[3 * i + 1], answers[3 * i + 2]));
  }

  #learn(address: Address, balance: unknown, nonce: unknown, code: unknown): void {
    const b = expectQuantity(balance, 'eth_getBalance');
    const n = expectQuantity(nonce, 'eth_getTransactionCount');
    if (typeof code !== 'string') throw new RemoteRpcError('eth_getCode', 0, `expected hex bytes, got ${JSON.stringify(code)}`, undefined);
    const bytes = hexToBytes(code);
    const block = this.#tag;
    // An empty account does not exist (EIP-161): the remote cannot tell them apart either.
    if (b === 0n && n === 0n && bytes.length === 0) this.cache.add({ kind: 'none', block, address });
    else this.cache.add({ kind: 'account', block, address, nonce: bigintToHex(n), balance: bigintToHex(b), code: bytesToHex(bytes) });
  }

  readStorage(address: Address, slot: bigint): bigint {
    const cached = this.cache.slot(this.blockNumber, address, slot);
    if (cached !== undefined) return cached;
    const value = expectQuantity(this.remote.call('eth_getStorageAt', [address, bigintToHex(slot), this.#tag]), 'eth_getStorageAt');
    this.cache.add({ kind: 'slot', block: this.#tag, address, slot: bigintToHex(slot), value: bigintToHex(value) });
    return value;
  }

  /**
   * EIP-7610 (a create onto an address with storage fails): the account's storage root from
   * eth_getProof. A remote without eth_getProof is taken to have no storage there, which is what
   * almost every address holds.
   */
  hasStorage(address: Address): boolean {
    const cached = this.cache.hasStorage(this.blockNumber, address);
    if (cached !== undefined) return cached;
    let value = false;
    try {
      const proof = this.remote.call('eth_getProof', [address, [], this.#tag]) as { storageHash?: unknown } | null;
      value = typeof proof?.storageHash === 'string' && proof.storageHash.toLowerCase() !== bytesToHex(EMPTY_TRIE_ROOT);
    } catch (error) {
      if (!(error instanceof RemoteRpcError)) throw error;
    }
    this.cache.add({ kind: 'hasStorage', block: this.#tag, address, value });
    return value;
  }
}
