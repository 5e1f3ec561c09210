/**
 * The pending pool: transactions waiting for a block, by sender and nonce. A block takes them
 * best tip first across senders while each sender's go in nonce order (geth's price-and-nonce
 * ordering). A transaction whose nonce leaves a gap waits ("queued") until the gap is filled.
 */
import type { Address } from '../primitives/address.js';
import { bytesToHex } from '../primitives/bytes.js';
import { GAS_PER_BLOB } from '../forks/index.js';
import type { BlockTransaction, ValidatedBlockTransaction } from '../chain/block.js';
import { PoolRejectedError } from './errors.js';

/**
 * A transaction in the pool: validated once on its way in (`validateTransaction`), so a block
 * runs it without checking the stateless rules again.
 */
export interface PooledTransaction extends ValidatedBlockTransaction {
  /** Arrival order, which breaks ties between equal tips. */
  sequence: number;
  hashHex: string;
}

/** geth's rule: a replacement must raise both fees by at least 10%. */
const PRICE_BUMP_PERCENT = 110n;

function maxFee(p: BlockTransaction): bigint {
  return p.tx.maxFeePerGas ?? p.tx.gasPrice ?? 0n;
}

function maxTip(p: BlockTransaction): bigint {
  return p.tx.maxPriorityFeePerGas ?? p.tx.gasPrice ?? 0n;
}

/** The tip per gas the block's coinbase would get, or -1 when the fee is below the base fee. */
export function effectiveTip(p: BlockTransaction, baseFee: bigint): bigint {
  const fee = maxFee(p);
  if (fee < baseFee) return -1n;
  const room = fee - baseFee;
  const tip = maxTip(p);
  return tip < room ? tip : room;
}

/** What the pool checks against the latest state before it takes a transaction. */
export interface AdmissionState {
  nonce: bigint;
  balance: bigint;
  /** The block gas limit. */
  gasLimit: bigint;
  /** The next block's base fee, when a transaction must pay it now (automine). */
  baseFee: bigint | undefined;
  /** The lowest gas price taken (anvil_setMinGasPrice, before London), if set. */
  minGasPrice?: bigint;
}

/** Throws `PoolRejectedError` for a transaction that could not be mined on this state. */
export function checkAdmission(item: BlockTransaction, at: AdmissionState): void {
  const { tx } = item;
  if (tx.gasLimit > at.gasLimit) throw new PoolRejectedError({ kind: 'exceeds block gas limit', gas: tx.gasLimit, limit: at.gasLimit });
  if (tx.nonce < at.nonce) throw new PoolRejectedError({ kind: 'nonce too low', next: at.nonce, nonce: tx.nonce });
  const fee = maxFee(item);
  const blobFee = tx.type === 3 ? BigInt(tx.blobVersionedHashes!.length) * GAS_PER_BLOB * tx.maxFeePerBlobGas! : 0n;
  const cost = tx.gasLimit * fee + tx.value + blobFee;
  if (at.balance < cost) throw new PoolRejectedError({ kind: 'insufficient funds', balance: at.balance, cost });
  if (at.minGasPrice !== undefined && fee < at.minGasPrice)
    throw new PoolRejectedError({ kind: 'gas price below minimum', gasPrice: fee, min: at.minGasPrice });
  if (at.baseFee !== undefined && fee < at.baseFee)
    throw new PoolRejectedError({ kind: 'fee below base fee', maxFee: fee, baseFee: at.baseFee });
}

export class TxPool {
  readonly #bySender = new Map<Address, Map<bigint, PooledTransaction>>();
  readonly #byHash = new Map<string, PooledTransaction>();
  #sequence = 0;

  get size(): number {
    return this.#byHash.size;
  }

  get(hashHex: string): PooledTransaction | undefined {
    return this.#byHash.get(hashHex);
  }

  /** Adds a transaction, replacing one with the same sender and nonce if it pays enough more. */
  add(item: ValidatedBlockTransaction): PooledTransaction {
    const hashHex = bytesToHex(item.hash);
    if (this.#byHash.has(hashHex)) throw new PoolRejectedError({ kind: 'already known', hashHex });
    let nonces = this.#bySender.get(item.sender);
    if (!nonces) {
      nonces = new Map();
      this.#bySender.set(item.sender, nonces);
    }
    const existing = nonces.get(item.tx.nonce);
    if (existing) {
      if (maxFee(item) * 100n < maxFee(existing) * PRICE_BUMP_PERCENT || maxTip(item) * 100n < maxTip(existing) * PRICE_BUMP_PERCENT) {
        throw new PoolRejectedError({ kind: 'replacement underpriced' });
      }
      this.#byHash.delete(existing.hashHex);
    }
    const pooled: PooledTransaction = { ...item, sequence: this.#sequence++, hashHex };
    nonces.set(item.tx.nonce, pooled);
    this.#byHash.set(hashHex, pooled);
    return pooled;
  }

  remove(hashHex: string): PooledTransaction | undefined {
    const pooled = this.#byHash.get(hashHex);
    if (!pooled) return undefined;
    this.#byHash.delete(hashHex);
    const nonces = this.#bySender.get(pooled.sender)!;
    nonces.delete(pooled.tx.nonce);
    if (nonces.size === 0) this.#bySender.delete(pooled.sender);
    return pooled;
  }

  clear(): void {
    this.#bySender.clear();
    this.#byHash.clear();
  }

  /** The nonce a new transaction from `sender` should use: past the pool's contiguous run. */
  pendingNonce(sender: Address, stateNonce: bigint): bigint {
    const nonces = this.#bySender.get(sender);
    let nonce = stateNonce;
    if (nonces) while (nonces.has(nonce)) nonce++;
    return nonce;
  }

  /** Drops transactions whose nonce the chain has passed. */
  prune(nonceOf: (sender: Address) => bigint): PooledTransaction[] {
    const dropped: PooledTransaction[] = [];
    for (const [sender, nonces] of [...this.#bySender]) {
      const nonce = nonceOf(sender);
      for (const pooled of [...nonces.values()]) if (pooled.tx.nonce < nonce) dropped.push(this.remove(pooled.hashHex)!);
    }
    return dropped;
  }

  /** Executable transactions in the order a block takes them. */
  select(nonceOf: (sender: Address) => bigint, baseFee: bigint): Selection {
    return new Selection(this.#bySender, nonceOf, baseFee);
  }

  /** For txpool_content: pending (executable in nonce order) and queued (behind a gap). */
  content(nonceOf: (sender: Address) => bigint): { pending: PooledTransaction[]; queued: PooledTransaction[] } {
    const pending: PooledTransaction[] = [];
    const queued: PooledTransaction[] = [];
    for (const [sender, nonces] of this.#bySender) {
      let next = nonceOf(sender);
      for (const pooled of [...nonces.values()].sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1))) {
        if (pooled.tx.nonce === next) {
          pending.push(pooled);
          next++;
        } else queued.push(pooled);
      }
    }
    return { pending, queued };
  }

  all(): IterableIterator<PooledTransaction> {
    return this.#byHash.values();
  }

  // For snapshots: the transactions, which come back in arrival order.
  save(): PooledTransaction[] {
    return [...this.#byHash.values()];
  }

  restore(saved: readonly PooledTransaction[]): void {
    this.clear();
    for (const pooled of saved) this.add(pooled);
  }
}

/** Walks the pool best tip first, one nonce-ordered head per sender. */
export class Selection {
  readonly #heads = new Map<Address, PooledTransaction>();
  readonly #bySender: Map<Address, Map<bigint, PooledTransaction>>;
  readonly #baseFee: bigint;

  constructor(bySender: Map<Address, Map<bigint, PooledTransaction>>, nonceOf: (sender: Address) => bigint, baseFee: bigint) {
    this.#bySender = bySender;
    this.#baseFee = baseFee;
    for (const [sender, nonces] of bySender) {
      const head = nonces.get(nonceOf(sender));
      if (head && effectiveTip(head, baseFee) >= 0n) this.#heads.set(sender, head);
    }
  }

  /** The best executable transaction, or undefined. */
  peek(): PooledTransaction | undefined {
    let best: PooledTransaction | undefined;
    let bestTip = -1n;
    for (const head of this.#heads.values()) {
      const tip = effectiveTip(head, this.#baseFee);
      if (best === undefined || tip > bestTip || (tip === bestTip && head.sequence < best.sequence)) {
        best = head;
        bestTip = tip;
      }
    }
    return best;
  }

  /** The sender's head was included: its next nonce becomes the head. */
  advance(sender: Address): void {
    const head = this.#heads.get(sender);
    if (!head) return;
    const next = this.#bySender.get(sender)?.get(head.tx.nonce + 1n);
    if (next && effectiveTip(next, this.#baseFee) >= 0n) this.#heads.set(sender, next);
    else this.#heads.delete(sender);
  }

  /** Skip the sender for the rest of this block. */
  skip(sender: Address): void {
    this.#heads.delete(sender);
  }
}
