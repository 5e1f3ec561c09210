/**
 * The outcome of a part's task as it crosses threads (`split.ts`): a JSON string of nested
 * arrays, bigints and bytes as hex, in place of a structured clone of the objects. A structured
 * clone copies each bigint, each small byte array and each object one by one, which cost more
 * than the transaction itself (about 30 us to post and 15 us to take an ERC-20 transfer's
 * outcome); `JSON.stringify`/`JSON.parse` of one string per group of answers is native and
 * fast. Only what split execution uses goes: the result, the writes and the reads by value.
 * `LocalParts` runs its outcomes through here too, so the proofs cover the encoding.
 */
import type { Address } from '../../primitives/address.js';
import { bytesToKey, EMPTY_BYTES, equalBytes, hexToBytes } from '../../primitives/bytes.js';
import { KECCAK256_EMPTY } from '../../primitives/hash.js';
import type { Log } from '../../host/index.js';
import type { Status } from '../../host/status.js';
import type { TransactionResult } from '../../exec/transaction.js';
import type { AccountHead, AccountValue, ValueReads, WriteSet } from './memory.js';
import type { PartOutcome } from './split.js';

/** Hex digits; for a bigint below 2^53, a number (cheaper both ways). */
type Hex = string | number;
type Json = null | number | string | Json[];

const big = (value: bigint): Hex => (value <= 0x1fffffffffffffn ? Number(value) : value.toString(16));
const unbig = (hex: Hex): bigint => (typeof hex === 'number' ? BigInt(hex) : BigInt('0x' + hex));
const bytes = (value: Uint8Array): string => (value.length === 0 ? '' : bytesToKey(value));
const unbytes = (hex: string): Uint8Array => (hex === '' ? EMPTY_BYTES : hexToBytes(hex));

/**
 * Encodes a group of answers: addresses go once, in a table, and as their index everywhere;
 * code hashes (the same few again and again) are kept as hex once per array.
 */
export class OutcomeEncoder {
  readonly #addresses: Address[] = [];
  readonly #index = new Map<Address, number>();
  readonly #items: Json[] = [];
  static readonly #hashes = new WeakMap<Uint8Array, string>();

  get size(): number {
    return this.#items.length;
  }

  #a(address: Address): number {
    let i = this.#index.get(address);
    if (i === undefined) {
      i = this.#addresses.length;
      this.#addresses.push(address);
      this.#index.set(address, i);
    }
    return i;
  }

  /** The empty code's hash, the usual one, as ''. */
  #hash(hash: Uint8Array): string {
    if (hash === KECCAK256_EMPTY) return '';
    let hex = OutcomeEncoder.#hashes.get(hash);
    if (hex === undefined) {
      hex = equalBytes(hash, KECCAK256_EMPTY) ? '' : bytesToKey(hash);
      OutcomeEncoder.#hashes.set(hash, hex);
    }
    return hex;
  }

  add(tx: number, outcome: PartOutcome): void {
    this.#items.push(this.#outcome(tx, outcome));
  }

  /** The group as one string, and a fresh start. */
  take(): string {
    const text = JSON.stringify([this.#addresses, this.#items]);
    this.#addresses.length = 0;
    this.#index.clear();
    this.#items.length = 0;
    return text;
  }

  #outcome(tx: number, outcome: PartOutcome): Json {
    if (outcome.kind === 'stop') return [tx, 's', outcome.reason];
    return [tx, 'd', this.#result(outcome.result), this.#writes(outcome.writes), this.#values(outcome.values)];
  }

  #result(r: TransactionResult): Json {
    const logs: Json[] = [];
    for (const log of r.logs) logs.push(this.#a(log.address), log.topics.map(big), bytes(log.data));
    return [
      big(r.gasUsed),
      big(r.blockGasUsed),
      big(r.gasRefunded),
      big(r.blobGasUsed),
      r.status,
      r.success ? 1 : 0,
      r.error ?? null,
      r.reason ?? null,
      bytes(r.output),
      logs,
      r.createdAddress ?? null,
      big(r.coinbaseFee),
    ];
  }

  #writes(w: WriteSet): Json {
    const accounts: Json[] = [];
    for (const [address, v] of w.accounts) {
      if (v === null) accounts.push(this.#a(address), null, null, null, null);
      else accounts.push(this.#a(address), big(v.nonce), big(v.balance), bytes(v.code), this.#hash(v.codeHash));
    }
    const storage: Json[] = [];
    for (const [address, slot, value] of w.storage) storage.push(this.#a(address), big(slot), big(value));
    return [
      accounts,
      storage,
      w.resets.map((a) => this.#a(a)),
      w.storageWritten.map((a) => this.#a(a)),
      w.coinbaseFee === undefined ? null : big(w.coinbaseFee),
    ];
  }

  #values(v: ValueReads): Json {
    const accounts: Json[] = [];
    for (const [address, a] of v.accounts) {
      if (a === null) accounts.push(this.#a(address), null, null, null);
      else accounts.push(this.#a(address), big(a.nonce), big(a.balance), this.#hash(a.codeHash));
    }
    const slots: Json[] = [];
    for (const [address, slot, value] of v.slots) slots.push(this.#a(address), big(slot), big(value));
    const has: Json[] = [];
    for (const [address, value] of v.hasStorage) has.push(this.#a(address), value ? 1 : 0);
    return [accounts, slots, has];
  }
}

/** Code hashes decoded, by hex (a few distinct ones; the table starts over when large). */
const hashes = new Map<string, Uint8Array>();

function unhash(hex: string): Uint8Array {
  if (hex === '') return KECCAK256_EMPTY;
  let hash = hashes.get(hex);
  if (hash === undefined) {
    if (hashes.size > 4096) hashes.clear();
    hash = hexToBytes(hex);
    hashes.set(hex, hash);
  }
  return hash;
}

/** The answers of a group `OutcomeEncoder.take` made, in order. */
export function decodeOutcomes(text: string): { tx: number; outcome: PartOutcome }[] {
  const [addresses, items] = JSON.parse(text) as [Address[], Json[][]];
  const a = (i: Json): Address => {
    const address = addresses[i as number];
    if (address === undefined) throw new Error(`a part's answer names address ${String(i)}, not in its table`);
    return address;
  };
  const result = (j: Json[]): TransactionResult => {
    const logs: Log[] = [];
    const flat = j[9] as Json[];
    for (let k = 0; k < flat.length; k += 3)
      logs.push({ address: a(flat[k]!), topics: (flat[k + 1] as Hex[]).map(unbig), data: unbytes(flat[k + 2] as string) });
    const r: TransactionResult = {
      gasUsed: unbig(j[0] as Hex),
      blockGasUsed: unbig(j[1] as Hex),
      gasRefunded: unbig(j[2] as Hex),
      blobGasUsed: unbig(j[3] as Hex),
      status: j[4] as Status,
      success: j[5] === 1,
      error: (j[6] as string | null) ?? undefined,
      output: unbytes(j[8] as string),
      logs,
      createdAddress: (j[10] as Address | null) ?? undefined,
      coinbaseFee: unbig(j[11] as Hex),
    };
    if (j[7] !== null) r.reason = j[7] as string;
    return r;
  };
  const slots = (flat: Json[]): [Address, bigint, bigint][] => {
    const out: [Address, bigint, bigint][] = [];
    for (let k = 0; k < flat.length; k += 3) out.push([a(flat[k]!), unbig(flat[k + 1] as Hex), unbig(flat[k + 2] as Hex)]);
    return out;
  };
  const writes = (j: Json[]): WriteSet => {
    const accounts: [Address, AccountValue][] = [];
    const flat = j[0] as Json[];
    for (let k = 0; k < flat.length; k += 5) {
      accounts.push([
        a(flat[k]!),
        flat[k + 1] === null
          ? null
          : {
              nonce: unbig(flat[k + 1] as Hex),
              balance: unbig(flat[k + 2] as Hex),
              code: unbytes(flat[k + 3] as string),
              codeHash: unhash(flat[k + 4] as string),
            },
      ]);
    }
    return {
      accounts,
      storage: slots(j[1] as Json[]),
      resets: (j[2] as number[]).map(a),
      storageWritten: (j[3] as number[]).map(a),
      coinbaseFee: j[4] === null ? undefined : unbig(j[4] as Hex),
    };
  };
  const values = (j: Json[]): ValueReads => {
    const accounts: [Address, AccountHead][] = [];
    const flat = j[0] as Json[];
    for (let k = 0; k < flat.length; k += 4) {
      accounts.push([
        a(flat[k]!),
        flat[k + 1] === null
          ? null
          : { nonce: unbig(flat[k + 1] as Hex), balance: unbig(flat[k + 2] as Hex), codeHash: unhash(flat[k + 3] as string) },
      ]);
    }
    const hasStorage: [Address, boolean][] = [];
    const has = j[2] as Json[];
    for (let k = 0; k < has.length; k += 2) hasStorage.push([a(has[k]!), has[k + 1] === 1]);
    return { accounts, slots: slots(j[1] as Json[]), hasStorage };
  };
  return items.map((item) => {
    const tx = item[0] as number;
    if (item[1] === 's') return { tx, outcome: { kind: 'stop', reason: item[2] as string } };
    if (item[1] !== 'd') throw new Error(`a part's answer of unknown kind ${String(item[1])}`);
    return {
      tx,
      outcome: { kind: 'done', result: result(item[2] as Json[]), writes: writes(item[3] as Json[]), values: values(item[4] as Json[]) },
    };
  });
}
