/**
 * Building a block on a parent: the header fields that follow from the parent (base fee, excess
 * blob gas), the pre-block system calls, the transactions one by one with their receipts, and
 * at the end the rewards, withdrawals and requests, the roots, the bloom and the hash. The dev
 * node mines with it, and block import (`import.ts`) re-executes a block through it, so both
 * follow one set of rules.
 */
import type { Address } from '../primitives/address.js';
import { createAddress } from '../primitives/address.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import type { BlockContext } from '../host/index.js';
import type { Rules } from '../forks/index.js';
import { GAS_PER_BLOB } from '../forks/blobs.js';
import type { WorldState } from '../state/world-state.js';
import { EMPTY_TRIE_ROOT } from '../state/trie.js';
import type { Tracer } from '../host/index.js';
import { runValidatedTransaction, type TransactionResult } from '../exec/transaction.js';
import type { Machines } from '../exec/code.js';
import { isValidated, validateTransaction } from '../tx/validate.js';
import { keccak256 } from '../primitives/hash.js';
import { rlpEncodeList } from '../primitives/rlp.js';
import { EMPTY_OMMERS_HASH, ZERO_NONCE, encodeHeader, headerHash, type BlockHeader } from './header.js';
import { applyRewards, applyWithdrawals, withdrawalsRoot, type Withdrawal } from './withdrawals.js';
import { nextBaseFee, nextExcessBlobGas, INITIAL_BASE_FEE } from './fees.js';
import { BLOOM_BYTES, orBloom } from './bloom.js';
import { createReceipt, type Receipt } from './receipt.js';
import {
  MAX_RLP_BLOCK_SIZE,
  encodeBlock,
  receiptsRoot,
  transactionBodyItem,
  transactionsRoot,
  type Block,
  type BlockTransaction,
  type ValidatedBlockTransaction,
} from './block.js';
import { applyPreBlockSystemCalls, collectRequests, requestsHash } from './system-contracts.js';
import type { StateRootTracker } from './state-root.js';
import type { BlockCommit } from './commit.js';
import { blockContextFromHeader } from './block-context.js';
import type { BlockExecutor } from './executor.js';

export interface BlockBuilderOptions {
  rules: Rules;
  /** Where programs' debug output goes (WebAssembly `console` host functions). */
  print?: (line: string) => void;
  /** The engine's VMs (its code cache and compiler tier); the shared default when absent. */
  machines?: Machines;
  chainId: bigint;
  /** The parent's header and hash; undefined for a genesis block. */
  parent: BlockHeader | undefined;
  parentHash: Uint8Array;
  timestamp: bigint;
  coinbase: Address;
  gasLimit: bigint;
  /** Overrides the base fee that follows from the parent (anvil_setNextBlockBaseFeePerGas). */
  baseFee?: bigint;
  prevRandao: Uint8Array;
  extraData?: Uint8Array;
  /** Cancun: the beacon root the header carries and EIP-4788 stores. */
  parentBeaconBlockRoot?: Uint8Array;
  /** BLOCKHASH for earlier blocks. */
  blockHash(number: bigint): bigint;
  /** Pre-merge: the block's difficulty (default 1; 0 from Paris) and nonce (default zero). */
  difficulty?: bigint;
  nonce?: Uint8Array;
  /** Pre-merge ommers: their hash goes in the header and their miners are rewarded. */
  ommers?: readonly BlockHeader[];
  /**
   * Before Byzantium a receipt holds the state root after its transaction: given this tracker,
   * each transaction's changes are committed to it for that root (block import).
   */
  intermediateRoots?: StateRootTracker;
  /** Pre-merge: the miner's reward (`blockReward(rules)` on a real chain; none on a dev chain). */
  reward?: bigint;
  /** EIP-4895 (Shanghai): the withdrawals credited at the end of the block (default none). */
  withdrawals?: readonly Withdrawal[];
  /**
   * EIP-7685 (Prague): a missing or failing request contract makes the block invalid (import);
   * otherwise (a dev chain without them) such a contract contributes no requests.
   */
  strictRequests?: boolean;
}

/**
 * The options that rebuild an existing block on its parent (block import, a trace's replay): the
 * header's own fields; the caller adds what only it knows.
 */
export function optionsFromHeader(
  header: BlockHeader,
  parent: { header: BlockHeader; hash: Uint8Array },
  rules: Rules,
  chainId: bigint,
  blockHash: (number: bigint) => bigint,
): BlockBuilderOptions {
  return {
    rules,
    chainId,
    parent: parent.header,
    parentHash: parent.hash,
    timestamp: header.timestamp,
    coinbase: header.coinbase,
    gasLimit: header.gasLimit,
    baseFee: header.baseFeePerGas,
    prevRandao: header.mixHash,
    extraData: header.extraData,
    parentBeaconBlockRoot: header.parentBeaconBlockRoot,
    blockHash,
  };
}

/** Why a transaction does not fit in the block being built. */
export type FitFailure = 'gas' | 'blob gas' | 'size';

/** An upper bound of the header's RLP, for the EIP-7934 size check before the header exists. */
const HEADER_SIZE_BOUND = 1024;

export class BlockBuilder {
  readonly context: BlockContext;
  readonly transactions: BlockTransaction[] = [];
  readonly receipts: Receipt[] = [];
  gasUsed = 0n;
  blobGasUsed = 0n;
  readonly #state: WorldState;
  readonly #options: BlockBuilderOptions;
  readonly #baseFee: bigint | undefined;
  readonly #excessBlobGas: bigint | undefined;
  #bodySize = 0;

  constructor(state: WorldState, options: BlockBuilderOptions) {
    this.#state = state;
    this.#options = options;
    const { rules, parent } = options;
    if (rules.london) {
      this.#baseFee =
        options.baseFee ?? (parent === undefined || parent.baseFeePerGas === undefined ? INITIAL_BASE_FEE : nextBaseFee(parent));
    }
    if (rules.cancun) this.#excessBlobGas = parent === undefined ? 0n : nextExcessBlobGas(parent, rules);
    const number = parent === undefined ? 0n : parent.number + 1n;
    const header = {
      coinbase: options.coinbase,
      number,
      timestamp: options.timestamp,
      gasLimit: options.gasLimit,
      baseFeePerGas: this.#baseFee,
      mixHash: options.prevRandao,
      difficulty: options.difficulty ?? (rules.paris ? 0n : 1n),
      excessBlobGas: this.#excessBlobGas,
    };
    this.context = blockContextFromHeader(header, rules, options.chainId, options.blockHash);
    if (parent !== undefined) {
      applyPreBlockSystemCalls(state, this.context, rules, options.parentHash, rules.cancun ? this.#beaconRoot() : undefined);
    }
  }

  get baseFee(): bigint {
    return this.context.baseFee;
  }

  /** Whether `item` can still go in: block gas, blob gas and (Osaka, EIP-7934) RLP size. */
  fits(item: BlockTransaction): FitFailure | undefined {
    const { tx } = item;
    if (tx.gasLimit > this.context.gasLimit - this.gasUsed) return 'gas';
    if (tx.type === 3) {
      const blobGas = BigInt(tx.blobVersionedHashes?.length ?? 0) * GAS_PER_BLOB;
      if (this.blobGasUsed + blobGas > this.#options.rules.maxBlobGasPerBlock) return 'blob gas';
    }
    if (this.#options.rules.osaka) {
      const size = HEADER_SIZE_BOUND + this.#bodySize + transactionBodyItem(item.encoded, tx.type).length + 16;
      if (size > MAX_RLP_BLOCK_SIZE) return 'size';
    }
    return undefined;
  }

  /**
   * Runs a transaction and appends it with its receipt. A transaction the protocol rejects
   * throws `InvalidTransactionError` and leaves the block and the state as they were. One not
   * validated yet (its sender known) meets the stateless rules here first.
   */
  add(item: BlockTransaction | ValidatedBlockTransaction, tracer?: Tracer): { receipt: Receipt; result: TransactionResult } {
    const validated = this.#validated(item);
    const result = runValidatedTransaction(this.#state, validated, this.context, this.#options.rules, {
      blockGasUsed: this.gasUsed,
      blockBlobGasUsed: this.blobGasUsed,
      tracer,
      print: this.#options.print,
      machines: this.#options.machines,
      allowSenderWithCode: item.impersonated === true,
    });
    return { receipt: this.#append(item, result), result };
  }

  /**
   * Runs `items` in order and appends each with its receipt, as `add` one by one would: through
   * `executor` (Block-STM, `parallel.ts`) when it takes the batch. A transaction the protocol
   * rejects throws as `add` does; the transactions before it stay in the block. Returns each
   * transaction's receipt and result.
   */
  addAll(
    items: readonly (BlockTransaction | ValidatedBlockTransaction)[],
    executor?: BlockExecutor,
  ): { receipt: Receipt; result: TransactionResult }[] {
    const done = (executor && this.addParallel(items, executor)) ?? [];
    // What the executor did not take (all of it, or the rest after a prefix) runs one by one.
    for (const item of items.slice(done.length)) done.push(this.add(item));
    return done;
  }

  /**
   * Runs `items` through `executor` and appends them, with their changes applied to the state at
   * once: all of them, or a prefix when the executor stopped early (conflicts). When the executor
   * declines the batch (a transaction the protocol rejects, one before Byzantium's receipts, a
   * batch too small), runs and changes nothing and returns undefined.
   */
  addParallel(
    items: readonly (BlockTransaction | ValidatedBlockTransaction)[],
    executor: BlockExecutor,
  ): { receipt: Receipt; result: TransactionResult }[] | undefined {
    if (this.#options.intermediateRoots !== undefined) return undefined;
    let validated: ValidatedBlockTransaction[];
    try {
      validated = items.map((item) => this.#validated(item));
    } catch {
      return undefined;
    }
    const { rules, print } = this.#options;
    const parallel = executor.execute(this.#state, validated, { block: this.context, rules, print, gasUsed: this.gasUsed });
    if (parallel === undefined) return undefined;
    parallel.apply(this.#state);
    return parallel.results.map((result, i) => ({ receipt: this.#append(items[i]!, result), result }));
  }

  #validated(item: BlockTransaction | ValidatedBlockTransaction): ValidatedBlockTransaction {
    const { rules, chainId } = this.#options;
    if (isValidated(item)) return item;
    return { ...item, ...validateTransaction(item.tx, rules, { chainId, sender: item.sender }) };
  }

  /** Appends an executed transaction with its receipt (and, before Byzantium, its state root). */
  #append(item: BlockTransaction, result: TransactionResult): Receipt {
    const { rules } = this.#options;
    const { tx, sender } = item;
    this.gasUsed += result.blockGasUsed;
    this.blobGasUsed += result.blobGasUsed;
    const receipt = createReceipt({
      type: tx.type,
      success: result.success,
      cumulativeGasUsed: this.gasUsed,
      logs: result.logs,
      gasUsed: result.gasUsed,
      effectiveGasPrice: effectiveGasPrice(tx, this.context.baseFee),
      blobGasUsed: result.blobGasUsed,
      // The block's blob base fee, on every receipt from Cancun on (as geth and Anvil report it).
      blobGasPrice: rules.cancun ? this.context.blobBaseFee : undefined,
      // As geth reports it: the address a creation targets, whether or not it succeeded.
      contractAddress: tx.to === null ? createAddress(sender, tx.nonce) : undefined,
    });
    const tracker = this.#options.intermediateRoots;
    if (!rules.byzantium && tracker !== undefined) {
      tracker.commit(this.#state, this.#state.takeChangedAddresses());
      receipt.postState = tracker.root();
    }
    this.transactions.push(item);
    this.receipts.push(receipt);
    this.#bodySize += transactionBodyItem(item.encoded, tx.type).length;
    return receipt;
  }

  /**
   * The end of the block: the pre-merge rewards, the withdrawals (Shanghai) and the requests
   * (Prague), then commits the state changes to the tracker, computes the roots and seals the
   * header. Throws `InvalidBlockError` when a request contract fails under `strictRequests`.
   */
  finish(tracker: StateRootTracker, changedAddresses: Iterable<Address>): BlockCommit {
    const { rules } = this.#options;
    const state = this.#state;
    const ommers = this.#options.ommers ?? [];
    const withdrawals = this.#options.withdrawals ?? [];
    applyRewards(state, this.context.coinbase, this.context.number, ommers, this.#options.reward ?? 0n);
    if (rules.shanghai) applyWithdrawals(state, withdrawals);
    let requests: Uint8Array[] = [];
    if (rules.prague && this.context.number > 0n) {
      requests = collectRequests(
        state,
        this.receipts.flatMap((r) => r.logs),
        this.context,
        rules,
        this.#options.strictRequests === true,
      );
    }
    const changed = new Set(changedAddresses);
    for (const address of state.takeChangedAddresses()) changed.add(address);
    const changes = tracker.commit(state, changed);
    const bloom = new Uint8Array(BLOOM_BYTES);
    for (const receipt of this.receipts) orBloom(bloom, receipt.logsBloom);
    const header: BlockHeader = {
      parentHash: this.#options.parentHash,
      ommersHash: ommers.length === 0 ? EMPTY_OMMERS_HASH : keccak256(rlpEncodeList(ommers.map(encodeHeader))),
      coinbase: this.context.coinbase,
      stateRoot: tracker.root(),
      transactionsRoot: transactionsRoot(this.transactions),
      receiptsRoot: receiptsRoot(this.receipts),
      logsBloom: bloom,
      difficulty: this.context.difficulty,
      number: this.context.number,
      gasLimit: this.context.gasLimit,
      gasUsed: this.gasUsed,
      timestamp: this.context.timestamp,
      extraData: this.#options.extraData ?? EMPTY_BYTES,
      mixHash: this.#options.prevRandao,
      nonce: this.#options.nonce ?? ZERO_NONCE,
    };
    if (rules.london) header.baseFeePerGas = this.#baseFee;
    if (rules.shanghai) header.withdrawalsRoot = withdrawals.length === 0 ? EMPTY_TRIE_ROOT : withdrawalsRoot(withdrawals);
    if (rules.cancun) {
      header.blobGasUsed = this.blobGasUsed;
      header.excessBlobGas = this.#excessBlobGas;
      header.parentBeaconBlockRoot = this.#beaconRoot();
    }
    if (rules.prague) header.requestsHash = requestsHash(requests);
    const encoded = encodeBlock(header, this.transactions, ommers, withdrawals);
    const block: Block = {
      header,
      hash: headerHash(header),
      transactions: this.transactions,
      receipts: this.receipts,
      size: encoded.length,
    };
    return { block, stateBlock: Number(header.number), changes };
  }

  #beaconRoot(): Uint8Array {
    return this.#options.parentBeaconBlockRoot ?? new Uint8Array(32);
  }
}

/** What a transaction pays per gas in a block with this base fee. */
export function effectiveGasPrice(
  tx: { type: number; gasPrice?: bigint | undefined; maxFeePerGas?: bigint | undefined; maxPriorityFeePerGas?: bigint | undefined },
  baseFee: bigint,
): bigint {
  if (tx.type < 2) return tx.gasPrice!;
  const withTip = baseFee + tx.maxPriorityFeePerGas!;
  return withTip < tx.maxFeePerGas! ? withTip : tx.maxFeePerGas!;
}
