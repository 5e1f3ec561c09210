/**
 * Building a block on a parent: the header fields that follow from the parent (base fee, excess
 * blob gas), the pre-block system calls, the transactions one by one with their receipts, and
 * at the end the roots, the bloom and the hash.
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
import { isValidated, validateTransaction } from '../tx/validate.js';
import { EMPTY_OMMERS_HASH, ZERO_NONCE, headerHash, type BlockHeader } from './header.js';
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
import { applyPreBlockSystemCalls, requestsHash } from './system-contracts.js';
import type { StateRootTracker } from './state-root.js';
import type { BlockCommit } from './commit.js';
import { blockContextFromHeader } from './block-context.js';

export interface BlockBuilderOptions {
  rules: Rules;
  /** Where programs' debug output goes (WebAssembly `console` host functions). */
  print?: (line: string) => void;
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
      difficulty: rules.paris ? 0n : 1n,
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
    const { rules, chainId } = this.#options;
    const validated = isValidated(item) ? item : validateTransaction(item.tx, rules, { chainId, sender: item.sender });
    const { tx, sender } = item;
    const result = runValidatedTransaction(this.#state, validated, this.context, rules, {
      blockGasUsed: this.gasUsed,
      blockBlobGasUsed: this.blobGasUsed,
      tracer,
      print: this.#options.print,
      allowSenderWithCode: item.impersonated === true,
    });
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
    this.transactions.push(item);
    this.receipts.push(receipt);
    this.#bodySize += transactionBodyItem(item.encoded, tx.type).length;
    return { receipt, result };
  }

  /** Commits the state changes to the tracker, computes the roots and seals the header. */
  finish(tracker: StateRootTracker, changedAddresses: Iterable<Address>): BlockCommit {
    const { rules } = this.#options;
    const changes = tracker.commit(this.#state, changedAddresses);
    const bloom = new Uint8Array(BLOOM_BYTES);
    for (const receipt of this.receipts) orBloom(bloom, receipt.logsBloom);
    const header: BlockHeader = {
      parentHash: this.#options.parentHash,
      ommersHash: EMPTY_OMMERS_HASH,
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
      nonce: ZERO_NONCE,
    };
    if (rules.london) header.baseFeePerGas = this.#baseFee;
    if (rules.shanghai) header.withdrawalsRoot = EMPTY_TRIE_ROOT;
    if (rules.cancun) {
      header.blobGasUsed = this.blobGasUsed;
      header.excessBlobGas = this.#excessBlobGas;
      header.parentBeaconBlockRoot = this.#beaconRoot();
    }
    if (rules.prague) header.requestsHash = requestsHash([]);
    const encoded = encodeBlock(header, this.transactions);
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
