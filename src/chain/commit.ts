/**
 * One commit of the chain: a block mined, or state changed between blocks (dev methods). It is
 * the one value that everything following the chain reads: the state history, the store and
 * the subscriptions.
 */
import type { Block } from './block.js';
import type { AccountChange } from './state-root.js';

export interface ChainCommit {
  /** The block mined; undefined for changes made between blocks. */
  block: Block | undefined;
  /** The block whose state the changes are part of: the mined one, or else the next one. */
  stateBlock: number;
  /** Each account changed, with what it was before (`StateRootTracker.commit`). */
  changes: AccountChange[];
}

/** The commit of a mined block. */
export interface BlockCommit extends ChainCommit {
  block: Block;
}
