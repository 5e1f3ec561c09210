/**
 * Which rules a block follows: a chain's forks, each from a block number, a timestamp or (the
 * merge) a total difficulty. Blob-parameter-only forks (BPO1-BPO4, after Osaka) keep their base
 * fork's rules with new blob parameters (EIP-7892).
 */
import { GAS_PER_BLOB } from '../forks/blobs.js';
import type { Rules } from '../forks/index.js';

export interface BlobParameters {
  /** Blobs per block. */
  target: bigint;
  max: bigint;
  baseFeeUpdateFraction: bigint;
}

/** The rules with other blob parameters (a BPO fork, or a chain's `blobSchedule`). */
export function withBlobParameters(rules: Rules, blobs: BlobParameters): Rules {
  return Object.freeze({
    ...rules,
    targetBlobGasPerBlock: blobs.target * GAS_PER_BLOB,
    maxBlobGasPerBlock: blobs.max * GAS_PER_BLOB,
    blobBaseFeeUpdateFraction: blobs.baseFeeUpdateFraction,
  });
}

export interface ForkActivation {
  /** The fork's name as the chain calls it (e.g. `BPO1`, `ArrowGlacier`). */
  name: string;
  rules: Rules;
  /** Active from this block number, or from this timestamp, or (Paris) once the parent's total difficulty reaches this; none given: from genesis. */
  block?: bigint;
  timestamp?: bigint;
  totalDifficulty?: bigint;
  /** Pre-merge: how far the difficulty bomb is delayed (EIP-649, 1234, 2384, 3554, 4345, 5133). */
  bombDelay?: bigint;
}

export class ForkSchedule {
  /** In activation order. */
  readonly forks: readonly ForkActivation[];
  /** The block of the DAO fork (EIP-779), if the chain has one. */
  readonly daoForkBlock: bigint | undefined;

  constructor(forks: readonly ForkActivation[], options: { daoForkBlock?: bigint } = {}) {
    if (forks.length === 0) throw new Error('a fork schedule needs at least one fork');
    this.forks = forks;
    this.daoForkBlock = options.daoForkBlock;
  }

  /** The fork of a block with this number and timestamp whose parent's total difficulty is given. */
  at(number: bigint, timestamp: bigint, parentTotalDifficulty = 0n): ForkActivation {
    let active = this.forks[0]!;
    for (const fork of this.forks) {
      if (fork.block !== undefined && number < fork.block) break;
      if (fork.timestamp !== undefined && timestamp < fork.timestamp) break;
      if (fork.totalDifficulty !== undefined && parentTotalDifficulty < fork.totalDifficulty) break;
      active = fork;
    }
    return active;
  }
}
