/**
 * The blocks mined so far, in order, with the indexes queries need: block by hash, and where a
 * mined transaction is. BLOCKHASH reads it too.
 */
import { bytesToBigint, bytesToHex } from '../primitives/bytes.js';
import type { Block } from '../chain/block.js';

export class BlockIndex {
  #blocks: Block[] = [];
  readonly #byHash = new Map<string, number>();
  readonly #txIndex = new Map<string, { block: number; index: number }>();

  /** How many blocks there are (the genesis included). */
  get length(): number {
    return this.#blocks.length;
  }

  latest(): Block {
    return this.#blocks[this.#blocks.length - 1]!;
  }

  byNumber(number: bigint): Block | undefined {
    return number < BigInt(this.#blocks.length) && number >= 0n ? this.#blocks[Number(number)] : undefined;
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

  /** Drops the blocks after the first `count`. */
  truncate(count: number): void {
    while (this.#blocks.length > count) {
      const block = this.#blocks.pop()!;
      this.#byHash.delete(bytesToHex(block.hash));
      for (const t of block.transactions) this.#txIndex.delete(bytesToHex(t.hash));
    }
  }

  clear(): void {
    this.#blocks = [];
    this.#byHash.clear();
    this.#txIndex.clear();
  }

  // A snapshot of the index is its length: blocks are only ever appended after it.
  save(): number {
    return this.#blocks.length;
  }

  restore(count: number): void {
    this.truncate(count);
  }
}
