/**
 * The LMDB store of a dev chain (`--data-dir`). Databases: `meta` (schema version, chain id,
 * fork, genesis settings), `blocks` (number → block record), `accounts` (address →
 * rlp([nonce, balance, codeHash])), `code` (code hash → code), `storage` (address:slot → value).
 * Each mined block and the state changes it made are written in one LMDB transaction, so a
 * killed process leaves either the whole block or none of it. The stored state is a
 * `StateReader` (per-location reads, and listing).
 *
 * The lmdb package (a native module) and node:fs are loaded on first use, so in-memory nodes
 * never load them (and bundle for a browser).
 */
import { nodeBuiltin, nodeModule, nodeOnly } from '../primitives/node-require.js';
import type { Address } from '../primitives/address.js';
import { bigintToBytes, bigintToFixedBytes, bytesToBigint, bytesToHex, bytesToKey, EMPTY_BYTES } from '../primitives/bytes.js';
import { rlpDecode, rlpEncode, rlpBytes, rlpList, rlpToBigint } from '../primitives/rlp.js';
import { KECCAK256_EMPTY } from '../primitives/hash.js';
import type { AccountFields, StateReader } from '../state/reader.js';
import type { Block } from '../chain/block.js';
import type { AccountChange } from '../chain/state-root.js';
import { decodeBlockRecord, encodeBlockRecord } from './block-record.js';
import type { ChainStore, LoadedChain, StoredMeta } from './store.js';

type Lmdb = typeof import('lmdb');
type Database = import('lmdb').Database<unknown, import('lmdb').Key>;
type RootDatabase = import('lmdb').RootDatabase<unknown, import('lmdb').Key>;

export class StoreError extends Error {
  override name = 'StoreError';
}

function storageKey(address: Address, slot: bigint): string {
  return `${address}:${bytesToKey(bigintToFixedBytes(slot, 32))}`;
}

/** The keys of one account's slots: `address:` up to `address;` (';' follows ':'). */
function storageRange(address: Address): { start: string; end: string } {
  return { start: `${address}:`, end: `${address};` };
}

/** The state committed to the store, read per location (the node copies it into memory at open). */
class LmdbState implements StateReader {
  readonly #accounts: Database;
  readonly #code: Database;
  readonly #storage: Database;

  constructor(accounts: Database, code: Database, storage: Database) {
    this.#accounts = accounts;
    this.#code = code;
    this.#storage = storage;
  }

  readAccount(address: Address): AccountFields | undefined {
    const raw = this.#accounts.get(address) as Uint8Array | undefined;
    if (raw === undefined) return undefined;
    const [nonce, balance, codeHash] = rlpList(rlpDecode(raw), 'account') as Uint8Array[];
    const hash = rlpBytes(codeHash!).slice();
    let code = EMPTY_BYTES;
    if (bytesToHex(hash) !== bytesToHex(KECCAK256_EMPTY)) {
      const stored = this.#code.get(bytesToHex(hash)) as Uint8Array | undefined;
      if (!stored) throw new StoreError(`the data directory is missing the code of ${address}`);
      code = new Uint8Array(stored);
    }
    return { nonce: rlpToBigint(nonce!), balance: rlpToBigint(balance!), code, codeHash: code.length === 0 ? KECCAK256_EMPTY : hash };
  }

  readStorage(address: Address, slot: bigint): bigint {
    const raw = this.#storage.get(storageKey(address, slot)) as Uint8Array | undefined;
    return raw === undefined ? 0n : bytesToBigint(raw);
  }

  hasStorage(address: Address): boolean {
    for (const _ of this.#storage.getKeys({ ...storageRange(address), limit: 1 })) return true;
    return false;
  }

  *addresses(): Iterable<Address> {
    for (const key of this.#accounts.getKeys()) yield key as Address;
  }

  *storageEntries(address: Address): Iterable<[bigint, bigint]> {
    for (const { key, value } of this.#storage.getRange(storageRange(address))) {
      yield [BigInt('0x' + (key as string).slice(address.length + 1)), bytesToBigint(value as Uint8Array)];
    }
  }
}

/** The files polyvm keeps in a data directory: LMDB's, and a fork's cache of fetched state. */
const LMDB_FILES = new Set(['data.mdb', 'lock.mdb', 'fork-cache']);

/**
 * Refuses a path that is a file or a directory holding anything but LMDB's files, before anything
 * is written there; answers whether LMDB's data file was already there.
 */
export function checkDataDirectory(fs: typeof import('node:fs'), path: string): boolean {
  let entries: string[];
  try {
    if (!fs.statSync(path).isDirectory()) throw new StoreError(`the data directory ${path} is a file, not a directory`);
    entries = fs.readdirSync(path);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    if ((error as { code?: string }).code === 'ENOENT') return false;
    throw new StoreError(`cannot open the data directory ${path}: ${(error as Error).message}`);
  }
  const foreign = entries.filter((name) => !LMDB_FILES.has(name));
  if (foreign.length > 0) {
    const shown = foreign
      .slice(0, 3)
      .map((name) => `"${name}"`)
      .join(', ');
    throw new StoreError(
      `the data directory ${path} holds files polyvm did not write (${shown}${foreign.length > 3 ? ', ...' : ''}): choose an empty or new directory`,
    );
  }
  return entries.includes('data.mdb');
}

export class LmdbStore implements ChainStore {
  readonly #root: RootDatabase;
  readonly #meta: Database;
  readonly #blocks: Database;
  readonly #accounts: Database;
  readonly #code: Database;
  readonly #storage: Database;

  constructor(readonly path: string) {
    const feature = 'dataDir (LMDB storage)';
    const lmdb = nodeOnly(nodeModule<Lmdb>(import.meta.url, 'lmdb'), feature);
    const fs = nodeOnly(nodeBuiltin<typeof import('node:fs')>('node:fs'), feature);
    const existed = checkDataDirectory(fs, path);
    try {
      fs.mkdirSync(path, { recursive: true });
      // noSubdir: false, or lmdb takes a path with a dot in its last part ("chain.db") for a file.
      // noMetaSync keeps every commit atomic and consistent (a killed process loses nothing
      // committed); only an operating-system crash may undo the last commit.
      this.#root = lmdb.open({ path, noSubdir: false, maxDbs: 8, noMetaSync: true, mapSize: 1 << 30 }) as RootDatabase;
    } catch (error) {
      throw new StoreError(`cannot open the data directory ${path}: ${(error as Error).message}`);
    }
    this.#meta = this.#root.openDB({ name: 'meta', encoding: 'json' }) as Database;
    if (existed && this.readMeta() === undefined) {
      this.#root.close();
      throw new StoreError(`the data directory ${path} holds an LMDB database polyvm did not write: choose an empty or new directory`);
    }
    this.#blocks = this.#root.openDB({ name: 'blocks', encoding: 'binary', keyEncoding: 'uint32' }) as Database;
    this.#accounts = this.#root.openDB({ name: 'accounts', encoding: 'binary' }) as Database;
    this.#code = this.#root.openDB({ name: 'code', encoding: 'binary' }) as Database;
    this.#storage = this.#root.openDB({ name: 'storage', encoding: 'binary' }) as Database;
  }

  readMeta(): StoredMeta | undefined {
    return this.#meta.get('meta') as StoredMeta | undefined;
  }

  load(): LoadedChain {
    const blocks: Block[] = [];
    for (const { key, value } of this.#blocks.getRange()) {
      if (key !== blocks.length) throw new StoreError(`the data directory is missing block ${blocks.length} (found ${String(key)})`);
      blocks.push(decodeBlockRecord(value as Uint8Array));
    }
    return { blocks, state: new LmdbState(this.#accounts, this.#code, this.#storage) };
  }

  #writeChanges(changes: AccountChange[]): void {
    for (const change of changes) {
      const { address, account } = change;
      if (change.storageReset) {
        for (const key of this.#storage.getKeys(storageRange(address))) this.#storage.removeSync(key);
      }
      if (account === undefined) {
        this.#accounts.removeSync(address);
        continue;
      }
      this.#accounts.putSync(address, rlpEncode([bigintToBytes(account.nonce), bigintToBytes(account.balance), account.codeHash]));
      if (change.codeChanged && account.code.length > 0) this.#code.putSync(bytesToHex(account.codeHash), account.code);
      for (const [slot, value] of change.slots) {
        const key = storageKey(address, slot);
        if (value === 0n) {
          if (!change.storageReset) this.#storage.removeSync(key);
        } else this.#storage.putSync(key, bigintToBytes(value));
      }
    }
  }

  writeBlock(block: Block, changes: AccountChange[]): void {
    this.#root.transactionSync(() => {
      this.#blocks.putSync(Number(block.header.number), encodeBlockRecord(block));
      this.#writeChanges(changes);
    });
  }

  writeState(changes: AccountChange[]): void {
    this.#root.transactionSync(() => this.#writeChanges(changes));
  }

  rewrite(meta: StoredMeta, keep: number, blocks: readonly Block[], state: AccountChange[]): void {
    this.#root.transactionSync(() => {
      for (const key of [...this.#blocks.getKeys({ start: keep })]) this.#blocks.removeSync(key);
      for (const block of blocks) this.#blocks.putSync(Number(block.header.number), encodeBlockRecord(block));
      for (const key of [...this.#accounts.getKeys()]) this.#accounts.removeSync(key);
      for (const key of [...this.#storage.getKeys()]) this.#storage.removeSync(key);
      this.#writeChanges(state);
      this.#meta.putSync('meta', meta);
    });
  }

  close(): void {
    this.#root.close();
  }
}
