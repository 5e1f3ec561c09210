/**
 * The blocks mined so far, in order, with the indexes queries need: block by hash, and where a
 * mined transaction is. BLOCKHASH reads it too.
 *
 * The first block is genesis, or on a forked chain the remote block it forked at: block numbers
 * then start at `first`, and BLOCKHASH of an earlier block asks `earlierHash` (the remote).
 */
import { bytesToBigint, bytesToHex } from '../primitives/bytes.js';
import type { Block } from '../chain/block.js';

export class BlockIndex {
  #blocks: Block[] = [];
  /** The number of the first block held. */
  #first = 0n;
  /** BLOCKHASH below the first block (a fork's remote); 0 when unset. */
  earlierHash: ((number: bigint) => bigint) | undefined;
  readonly #byHash = new Map<string, number>();
  readonly #txIndex = new Map<string, { block: number; index: number }>();

  /** How many blocks are held (the first included). */
  get length(): number {
    return this.#blocks.length;
  }

  /** The number of the first block held: 0, or a fork's block. */
  get first(): bigint {
    return this.#first;
  }

  get latestNumber(): bigint {
    return this.#first + BigInt(this.#blocks.length - 1);
  }

  /** The number the next block gets. */
  get nextNumber(): bigint {
    return this.#first + BigInt(this.#blocks.length);
  }

  latest(): Block {
    return this.#blocks[this.#blocks.length - 1]!;
  }

  byNumber(number: bigint): Block | undefined {
    const at = number - this.#first;
    return at < BigInt(this.#blocks.length) && at >= 0n ? this.#blocks[Number(at)] : undefined;
  }

  byHash(hashHex: string): Block | undefined {
    const number = this.#byHash.get(hashHex);
    return number === undefined ? undefined : this.#blocks[number];
  }

  /** Where a mined transaction is. */
  transactionLocation(hashHex: string): { block: Block; index: number } | undefined {
    const at = this.#txIndex.get(hashHex);
    return at === undefined ? undefined : { block: this.#blocks[at.block]!, index: at.index };
  }

  /** BLOCKHASH: the hash of block `number`, or 0 when there is no such block. */
  blockHash = (number: bigint): bigint => {
    if (number < this.#first) return number >= 0n && this.earlierHash !== undefined ? this.earlierHash(number) : 0n;
    const block = this.byNumber(number);
    return block === undefined ? 0n : bytesToBigint(block.hash);
  };

  all(): readonly Block[] {
    return this.#blocks;
  }

  append(block: Block): void {
    const number = this.#blocks.length;
    this.#blocks.push(block);
    this.#byHash.set(bytesToHex(block.hash), number);
    block.transactions.forEach((t, index) => this.#txIndex.set(bytesToHex(t.hash), { block: number, index }));
  }

  /** Drops the blocks after block `number`. */
  truncateAfter(number: bigint): void {
    this.#truncate(Number(number - this.#first) + 1);
  }

  #truncate(count: number): void {
    while (this.#blocks.length > count) {
      const block = this.#blocks.pop()!;
      this.#byHash.delete(bytesToHex(block.hash));
      for (const t of block.transactions) this.#txIndex.delete(bytesToHex(t.hash));
    }
  }

  /** Empties the index; the next block appended is number `first`. */
  clear(first = 0n): void {
    this.#first = first;
    this.#blocks = [];
    this.#byHash.clear();
    this.#txIndex.clear();
  }

  // A snapshot of the index is its length: blocks are only ever appended after it.
  save(): number {
    return this.#blocks.length;
  }

  restore(count: number): void {
    this.#truncate(count);
  }
}
