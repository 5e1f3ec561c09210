/**
 * What the chain's parts refuse, as typed values: the facts of each refusal, not its wording.
 * The JSON-RPC layer (rpc/chain-errors.ts) words them for clients.
 */
/** A refusal by one of the chain's parts (not a fault of the engine). */
export abstract class ChainError extends Error {}

/** Why the pool would not take a transaction. */
export type PoolRejection =
  | { kind: 'exceeds block gas limit'; gas: bigint; limit: bigint }
  | { kind: 'nonce too low'; next: bigint; nonce: bigint }
  | { kind: 'insufficient funds'; balance: bigint; cost: bigint }
  | { kind: 'fee below base fee'; maxFee: bigint; baseFee: bigint }
  | { kind: 'already known'; hashHex: string }
  | { kind: 'gas price below minimum'; gasPrice: bigint; min: bigint }
  | { kind: 'replacement underpriced' };

export class PoolRejectedError extends ChainError {
  override name = 'PoolRejectedError';
  constructor(readonly rejection: PoolRejection) {
    super(rejection.kind);
  }
}

/** The state of block `number` is not there: not mined yet, or older than the history kept. */
export class StateUnavailableError extends ChainError {
  override name = 'StateUnavailableError';
  constructor(
    readonly number: bigint,
    readonly latest: bigint,
    /** The oldest block whose state is kept. */
    readonly floor: number,
    /** How many blocks' states are kept at most. */
    readonly keep: number,
  ) {
    super(number > latest ? 'block not mined yet' : 'state not available');
  }
}

/** A timestamp set for the next block must be after the latest block's. */
export class TimestampNotAfterParentError extends ChainError {
  override name = 'TimestampNotAfterParentError';
  constructor(
    readonly timestamp: bigint,
    readonly parent: bigint,
  ) {
    super('timestamp not after the parent');
  }
}

/** A chain to load has no blocks, not even a genesis. */
export class EmptyChainError extends ChainError {
  override name = 'EmptyChainError';
  constructor() {
    super('empty chain');
  }
}

/** A chain kept in a data directory keeps the chain id it was created with. */
export class ChainIdFixedError extends ChainError {
  override name = 'ChainIdFixedError';
  constructor(readonly chainId: bigint) {
    super('chain id fixed by the store');
  }
}

/** What a forked chain cannot do, or forking itself failed; the message says which. */
export class ForkedChainError extends ChainError {
  override name = 'ForkedChainError';
}

/** The chain's past was rewritten (a snapshot restored, a rollback, a reset, a load) while a trace read the state it pinned. */
export class ChainRewrittenError extends ChainError {
  override name = 'ChainRewrittenError';
  constructor() {
    super('chain rewritten during the trace');
  }
}
