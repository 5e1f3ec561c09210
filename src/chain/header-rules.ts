/**
 * The rules a header must meet against its parent, per fork (execution-specs `validate_header`):
 * number, timestamp, extra data, gas limit bounds, the EIP-1559 base fee, the proof-of-work
 * difficulty before the merge and its absence after (EIP-3675), and the EIP-4844 blob gas fields.
 * The roots, gas and blob gas used and the bloom are checked once the block has been executed
 * (`import.ts`): a transaction that breaks a block limit is named before the header's total.
 */
import type { Rules } from '../forks/index.js';
import { equalBytes } from '../primitives/bytes.js';
import { EMPTY_OMMERS_HASH, ZERO_NONCE, type BlockHeader } from './header.js';
import { ELASTICITY_MULTIPLIER, INITIAL_BASE_FEE, nextBaseFee, nextExcessBlobGas } from './fees.js';
import { invalidBlock } from './block-error.js';

export const MAX_EXTRA_DATA = 32;
export const MIN_GAS_LIMIT = 5000n;
export const GAS_LIMIT_BOUND_DIVISOR = 1024n;
/** geth's cap on a header's gas limit (2^63 - 1). */
export const MAX_GAS_LIMIT = 2n ** 63n - 1n;
export const MINIMUM_DIFFICULTY = 131_072n;

/** How far each pre-merge fork delays the difficulty bomb, when the chain does not say. */
export function defaultBombDelay(rules: Rules): bigint {
  if (rules.london) return 9_700_000n;
  if (rules.berlin) return 9_000_000n;
  if (rules.constantinople) return 5_000_000n;
  if (rules.byzantium) return 3_000_000n;
  return 0n;
}

/** The proof-of-work difficulty of a block after `parent` (Frontier, EIP-2 Homestead, EIP-100 Byzantium). */
export function powDifficulty(
  parent: Pick<BlockHeader, 'difficulty' | 'timestamp' | 'ommersHash'>,
  number: bigint,
  timestamp: bigint,
  rules: Rules,
  bombDelay: bigint,
): bigint {
  const step = parent.difficulty / 2048n;
  const elapsed = timestamp - parent.timestamp;
  let difficulty: bigint;
  let fakeNumber = number;
  if (rules.byzantium) {
    const uncles = equalBytes(parent.ommersHash, EMPTY_OMMERS_HASH) ? 1n : 2n;
    const factor = uncles - elapsed / 9n;
    difficulty = parent.difficulty + step * (factor > -99n ? factor : -99n);
    fakeNumber = number > bombDelay ? number - bombDelay : 0n;
  } else if (rules.homestead) {
    const factor = 1n - elapsed / 10n;
    difficulty = parent.difficulty + step * (factor > -99n ? factor : -99n);
  } else {
    difficulty = elapsed < 13n ? parent.difficulty + step : parent.difficulty - step;
  }
  const periods = fakeNumber / 100_000n - 2n;
  if (periods >= 0n) difficulty += 2n ** periods;
  return difficulty > MINIMUM_DIFFICULTY ? difficulty : MINIMUM_DIFFICULTY;
}

/**
 * Which optional fields a header of this fork carries: a header of another shape is not of this
 * fork. The names follow the fixtures: a header with the field of a fork not yet active is
 * IMPORT_IMPOSSIBLE_<that fork> (London's: a London header on a pre-London parent), one without
 * London's base fee is a legacy header (on a London parent: LEGACY_WRONG_PARENT), one without
 * Shanghai's withdrawals root a Paris header over Shanghai.
 */
export function checkHeaderFormat(header: BlockHeader, rules: Rules, parentRules: Rules): void {
  const fields: [boolean, boolean, string, string, string][] = [
    // [active, present, field, name when present too early, name when missing]
    [
      rules.london,
      header.baseFeePerGas !== undefined,
      'baseFeePerGas',
      'IMPORT_IMPOSSIBLE_LONDON_WRONG_PARENT',
      parentRules.london ? 'IMPORT_IMPOSSIBLE_LEGACY_WRONG_PARENT' : 'IMPORT_IMPOSSIBLE_LEGACY',
    ],
    [
      rules.shanghai,
      header.withdrawalsRoot !== undefined,
      'withdrawalsRoot',
      'IMPORT_IMPOSSIBLE_SHANGHAI',
      'IMPORT_IMPOSSIBLE_PARIS_OVER_SHANGHAI',
    ],
    [rules.cancun, header.blobGasUsed !== undefined, 'blobGasUsed', 'INCORRECT_BLOCK_FORMAT', 'INCORRECT_BLOCK_FORMAT'],
    [rules.cancun, header.excessBlobGas !== undefined, 'excessBlobGas', 'INCORRECT_BLOCK_FORMAT', 'INCORRECT_BLOCK_FORMAT'],
    [rules.cancun, header.parentBeaconBlockRoot !== undefined, 'parentBeaconBlockRoot', 'INCORRECT_BLOCK_FORMAT', 'INCORRECT_BLOCK_FORMAT'],
    [rules.prague, header.requestsHash !== undefined, 'requestsHash', 'INCORRECT_BLOCK_FORMAT', 'INCORRECT_BLOCK_FORMAT'],
  ];
  for (const [active, present, field, early, missing] of fields) {
    if (active && !present) throw invalidBlock(missing, `a ${rules.name} header must have ${field}`);
    if (!active && present) throw invalidBlock(early, `a ${rules.name} header must not have ${field}`);
  }
}

export interface HeaderCheckContext {
  rules: Rules;
  /** The parent's rules: a fork's first block (London's gas limit and base fee) is told by them. */
  parentRules: Rules;
  bombDelay: bigint;
  /**
   * The chain reaches the merge by a terminal total difficulty: a proof-of-stake header before it
   * and a proof-of-work header after it are each named as such (a wrong proof-of-work difficulty
   * first).
   */
  mergeByDifficulty?: boolean;
}

/** Throws `InvalidBlockError` for the first rule `header` breaks as the child of `parent`. */
export function validateHeader(header: BlockHeader, parent: BlockHeader, context: HeaderCheckContext): void {
  const { rules, parentRules } = context;
  if (header.number !== parent.number + 1n) {
    throw invalidBlock('INVALID_BLOCK_NUMBER', `number ${header.number} does not follow the parent's ${parent.number}`);
  }
  if (header.timestamp <= parent.timestamp) {
    throw invalidBlock(
      'INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT',
      `timestamp ${header.timestamp} is not after the parent's ${parent.timestamp}`,
    );
  }
  if (header.extraData.length > MAX_EXTRA_DATA) {
    throw invalidBlock('EXTRA_DATA_TOO_BIG', `extra data of ${header.extraData.length} bytes exceeds ${MAX_EXTRA_DATA}`);
  }
  if (header.gasLimit > MAX_GAS_LIMIT) throw invalidBlock('GASLIMIT_TOO_BIG', `gas limit ${header.gasLimit} exceeds 2^63 - 1`);
  // EIP-1559: the first London block's gas limit is measured against twice its parent's.
  const parentGasLimit = rules.london && !parentRules.london ? parent.gasLimit * ELASTICITY_MULTIPLIER : parent.gasLimit;
  const bound = parentGasLimit / GAS_LIMIT_BOUND_DIVISOR;
  if (header.gasLimit >= parentGasLimit + bound || header.gasLimit <= parentGasLimit - bound || header.gasLimit < MIN_GAS_LIMIT) {
    throw invalidBlock('INVALID_GASLIMIT', `gas limit ${header.gasLimit} is out of bounds for the parent's ${parentGasLimit}`);
  }
  if (header.gasUsed > header.gasLimit) {
    throw invalidBlock('GAS_USED_OVERFLOW', `gas used ${header.gasUsed} exceeds the gas limit ${header.gasLimit}`);
  }
  checkHeaderFormat(header, rules, parentRules);
  if (rules.london) {
    const expected = parentRules.london ? nextBaseFee(parent) : INITIAL_BASE_FEE;
    if (header.baseFeePerGas !== expected) {
      throw invalidBlock('INVALID_BASEFEE_PER_GAS', `base fee ${header.baseFeePerGas} is not the expected ${expected}`);
    }
  }
  if (rules.paris) {
    if (header.difficulty !== 0n && context.mergeByDifficulty) {
      const pow = powDifficulty(parent, header.number, header.timestamp, parentRules, context.bombDelay);
      if (header.difficulty !== pow) throw invalidBlock('INVALID_DIFFICULTY', `difficulty ${header.difficulty} is not the expected ${pow}`);
      throw invalidBlock('IMPORT_IMPOSSIBLE_PARIS_WRONG_POW', 'a proof-of-work block after the terminal total difficulty');
    }
    if (header.difficulty !== 0n)
      throw invalidBlock('IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS', `difficulty ${header.difficulty} after the merge`);
    if (!equalBytes(header.ommersHash, EMPTY_OMMERS_HASH))
      throw invalidBlock('IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS', 'ommers after the merge');
    if (!equalBytes(header.nonce, ZERO_NONCE)) throw invalidBlock('INVALID_BLOCK_NONCE', 'a non-zero nonce after the merge');
  } else {
    if (header.difficulty === 0n && context.mergeByDifficulty) {
      throw invalidBlock('IMPORT_IMPOSSIBLE_PARIS_WRONG_POS', 'a proof-of-stake block before the terminal total difficulty');
    }
    const expected = powDifficulty(parent, header.number, header.timestamp, rules, context.bombDelay);
    if (header.difficulty !== expected) {
      throw invalidBlock('INVALID_DIFFICULTY', `difficulty ${header.difficulty} is not the expected ${expected}`);
    }
  }
  if (rules.cancun) {
    const expected = nextExcessBlobGas(parent, rules);
    if (header.excessBlobGas !== expected) {
      throw invalidBlock('INCORRECT_EXCESS_BLOB_GAS', `excess blob gas ${header.excessBlobGas} is not the expected ${expected}`);
    }
  }
}
