/**
 * Block import: a block from its RLP, checked against its parent and executed through the same
 * `BlockBuilder` the dev node mines with. `BlockTree` keeps every imported block with its state,
 * so side chains can be extended, and follows the head as clients do: the greatest total
 * difficulty before the merge, the latest valid block after it.
 */
import type { Address } from '../primitives/address.js';
import { bytesToAddress } from '../primitives/address.js';
import { bytesToBigint, bytesToHex, equalBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { RlpError, rlpDecode, rlpEncode, rlpEncodeList, type RlpItem } from '../primitives/rlp.js';
import type { Rules } from '../forks/index.js';
import { Account } from '../state/account.js';
import { WorldState } from '../state/world-state.js';
import { EMPTY_TRIE_ROOT } from '../state/trie.js';
import { decodeTransaction } from '../tx/decode.js';
import { validateTransaction } from '../tx/validate.js';
import { InvalidTransactionError, type Transaction } from '../tx/types.js';
import { recoverSender } from '../tx/sender.js';
import { checkAgainstBlockAndSender } from '../exec/transaction.js';
import { EMPTY_OMMERS_HASH, encodeHeader, headerHash, type BlockHeader } from './header.js';
import { MAX_RLP_BLOCK_SIZE, transactionsRoot, type BlockTransaction } from './block.js';
import { BlockBuilder, optionsFromHeader } from './builder.js';
import { runBlock } from './run-block.js';
import type { BlockExecutor } from './executor.js';
import { StateRootTracker } from './state-root.js';
import { withdrawalsRoot, blockReward, type Withdrawal } from './withdrawals.js';
import { InvalidBlockError, invalidBlock } from './block-error.js';
import { defaultBombDelay, validateHeader } from './header-rules.js';
import type { ForkSchedule } from './fork-schedule.js';
import { applyDaoFork, checkDaoExtraData } from './dao.js';

/** A block as its RLP carries it. Transactions are decoded; their senders are recovered on import. */
export interface DecodedBlock {
  header: BlockHeader;
  hash: Uint8Array;
  transactions: { tx: ReturnType<typeof decodeTransaction>; encoded: Uint8Array; hash: Uint8Array }[];
  ommers: BlockHeader[];
  /** Undefined when the body has no withdrawals list (before Shanghai). */
  withdrawals: Withdrawal[] | undefined;
  /** The length of the block's RLP. */
  size: number;
}

function structure(message: string): InvalidBlockError {
  return invalidBlock('RLP_STRUCTURES_ENCODING', message);
}

function list(item: RlpItem | undefined, field: string): RlpItem[] {
  if (!Array.isArray(item)) throw structure(`${field} must be a list`);
  return item;
}

function bytes(item: RlpItem | undefined, field: string, length?: number): Uint8Array {
  if (!(item instanceof Uint8Array)) throw structure(`${field} must be a byte string`);
  if (length !== undefined && item.length !== length) {
    if (length === 20) throw invalidBlock('RLP_INVALID_ADDRESS', `${field} has ${item.length} bytes, not 20`);
    throw structure(`${field} has ${item.length} bytes, not ${length}`);
  }
  return item;
}

function uint(item: RlpItem | undefined, field: string, maxBytes: number): bigint {
  const b = bytes(item, field);
  if (b.length > 0 && b[0] === 0) throw structure(`${field} has leading zero bytes`);
  if (b.length > maxBytes) {
    if (maxBytes === 8) throw invalidBlock('RLP_INVALID_FIELD_OVERFLOW_64', `${field} exceeds 64 bits`);
    throw structure(`${field} exceeds ${maxBytes * 8} bits`);
  }
  return b.length === 0 ? 0n : bytesToBigint(b);
}

/** A header from its RLP list, each field of its exact size. */
export function decodeHeaderItem(item: RlpItem | undefined, field = 'header'): BlockHeader {
  const f = list(item, field);
  if (f.length < 15 || f.length > 21) throw structure(`${field} has ${f.length} fields, not 15 to 21`);
  const header: BlockHeader = {
    parentHash: bytes(f[0], `${field}.parentHash`, 32),
    ommersHash: bytes(f[1], `${field}.ommersHash`, 32),
    coinbase: bytesToAddress(bytes(f[2], `${field}.coinbase`, 20)),
    stateRoot: bytes(f[3], `${field}.stateRoot`, 32),
    transactionsRoot: bytes(f[4], `${field}.transactionsRoot`, 32),
    receiptsRoot: bytes(f[5], `${field}.receiptsRoot`, 32),
    logsBloom: bytes(f[6], `${field}.logsBloom`, 256),
    difficulty: uint(f[7], `${field}.difficulty`, 32),
    number: uint(f[8], `${field}.number`, 8),
    gasLimit: uint(f[9], `${field}.gasLimit`, 8),
    gasUsed: uint(f[10], `${field}.gasUsed`, 8),
    timestamp: uint(f[11], `${field}.timestamp`, 8),
    extraData: bytes(f[12], `${field}.extraData`),
    mixHash: bytes(f[13], `${field}.mixHash`, 32),
    nonce: bytes(f[14], `${field}.nonce`, 8),
  };
  if (f.length > 15) header.baseFeePerGas = uint(f[15], `${field}.baseFeePerGas`, 32);
  if (f.length > 16) header.withdrawalsRoot = bytes(f[16], `${field}.withdrawalsRoot`, 32);
  if (f.length > 17) header.blobGasUsed = uint(f[17], `${field}.blobGasUsed`, 8);
  if (f.length > 18) header.excessBlobGas = uint(f[18], `${field}.excessBlobGas`, 8);
  if (f.length > 19) header.parentBeaconBlockRoot = bytes(f[19], `${field}.parentBeaconBlockRoot`, 32);
  if (f.length > 20) header.requestsHash = bytes(f[20], `${field}.requestsHash`, 32);
  return header;
}

/**
 * Decodes rlp([header, transactions, ommers, withdrawals?]). A malformed block is an
 * `InvalidBlockError` (RLP_*), a malformed transaction the transaction's `InvalidTransactionError`.
 */
export function decodeBlock(encoded: Uint8Array): DecodedBlock {
  let item: RlpItem;
  try {
    item = rlpDecode(encoded);
  } catch (e) {
    if (e instanceof RlpError) throw structure(`block: ${e.message}`);
    throw e;
  }
  const parts = list(item, 'block');
  if (parts.length < 3 || parts.length > 4) throw structure(`block has ${parts.length} parts, not 3 or 4`);
  const header = decodeHeaderItem(parts[0]);
  const transactions = list(parts[1], 'block transactions').map((t) => {
    // A legacy transaction is a list in the body; a typed one an RLP string holding its envelope.
    const envelope = Array.isArray(t) ? rlpEncode(t) : t;
    if (!Array.isArray(t) && (t.length === 0 || t[0]! >= 0x80)) {
      throw invalidBlock('RLP_STRUCTURES_ENCODING', 'a typed transaction envelope must start with its type byte');
    }
    return { tx: decodeTransaction(envelope), encoded: envelope, hash: keccak256(envelope) };
  });
  const ommers = list(parts[2], 'block ommers').map((o, i) => decodeHeaderItem(o, `ommers[${i}]`));
  let withdrawals: Withdrawal[] | undefined;
  if (parts.length === 4) {
    withdrawals = list(parts[3], 'block withdrawals').map((w, i) => {
      const f = list(w, `withdrawals[${i}]`);
      if (f.length !== 4) throw structure(`withdrawals[${i}] has ${f.length} fields, not 4`);
      return {
        index: uint(f[0], `withdrawals[${i}].index`, 8),
        validatorIndex: uint(f[1], `withdrawals[${i}].validatorIndex`, 8),
        address: bytesToAddress(bytes(f[2], `withdrawals[${i}].address`, 20)),
        amount: uint(f[3], `withdrawals[${i}].amount`, 8),
      };
    });
  }
  return { header, hash: keccak256(rlpEncode(parts[0]!)), transactions, ommers, withdrawals, size: encoded.length };
}

/** A block the tree holds: its header, its rules, and the state after it. */
export interface TreeBlock {
  header: BlockHeader;
  hash: Uint8Array;
  hashHex: string;
  rules: Rules;
  totalDifficulty: bigint;
  ommers: BlockHeader[];
  /** The accounts after the block (never changed once stored). */
  accounts: Map<Address, Account>;
}

/** The parts of a genesis block: its header and the accounts of its state. */
export interface GenesisBlock {
  header: BlockHeader;
  accounts: Iterable<[Address, Account]>;
}

/** How many generations back an ommer's parent may lie (Yellow Paper §11.1). */
const MAX_OMMER_DEPTH = 6;

export class BlockTree {
  readonly #blocks = new Map<string, TreeBlock>();
  readonly #schedule: ForkSchedule;
  readonly #chainId: bigint;
  #head: TreeBlock;
  readonly genesis: TreeBlock;

  /** Parallel execution of each block's transactions (Block-STM); one by one without. */
  readonly #executor: BlockExecutor | undefined;

  /** Throws when the genesis header's state root is not that of its accounts. */
  constructor(schedule: ForkSchedule, chainId: bigint, genesis: GenesisBlock, executor?: BlockExecutor) {
    this.#executor = executor;
    this.#schedule = schedule;
    this.#chainId = chainId;
    const state = new WorldState();
    for (const [address, account] of genesis.accounts) state.putAccount(address, account.clone());
    const tracker = new StateRootTracker();
    tracker.rebuild(state);
    if (!equalBytes(tracker.root(), genesis.header.stateRoot)) {
      throw invalidBlock(
        'INVALID_STATE_ROOT',
        `genesis state root ${bytesToHex(tracker.root())} is not the header's ${bytesToHex(genesis.header.stateRoot)}`,
      );
    }
    const hash = headerHash(genesis.header);
    const fork = schedule.at(0n, genesis.header.timestamp);
    this.genesis = {
      header: genesis.header,
      hash,
      hashHex: bytesToHex(hash),
      rules: fork.rules,
      totalDifficulty: genesis.header.difficulty,
      ommers: [],
      accounts: new Map(state.accountEntries()),
    };
    this.#blocks.set(this.genesis.hashHex, this.genesis);
    this.#head = this.genesis;
  }

  get head(): TreeBlock {
    return this.#head;
  }

  get(hashHex: string): TreeBlock | undefined {
    return this.#blocks.get(hashHex);
  }

  /** A fresh state holding a copy of the accounts after `block`. */
  stateAfter(block: TreeBlock): WorldState {
    const state = new WorldState();
    for (const [address, account] of block.accounts) state.putAccount(address, account.clone());
    return state;
  }

  /**
   * Imports a block from its RLP. Throws `InvalidBlockError` or `InvalidTransactionError` (with
   * the reason) for an invalid block, which leaves the tree as it was. A block already held is
   * returned as it is.
   */
  importRlp(encoded: Uint8Array): TreeBlock {
    return this.import(decodeBlock(encoded));
  }

  import(block: DecodedBlock): TreeBlock {
    const { header } = block;
    const hashHex = bytesToHex(block.hash);
    const known = this.#blocks.get(hashHex);
    if (known !== undefined) return known;
    const parent = this.#blocks.get(bytesToHex(header.parentHash));
    if (parent === undefined) {
      if (header.parentHash.every((b) => b === 0)) throw invalidBlock('UNKNOWN_PARENT_ZERO', 'the parent hash is zero');
      throw invalidBlock('UNKNOWN_PARENT', `parent ${bytesToHex(header.parentHash)} is not known`);
    }
    const fork = this.#schedule.at(header.number, header.timestamp, parent.totalDifficulty);
    const rules = fork.rules;
    // EIP-7934 (Osaka): the whole block's RLP is bounded.
    if (rules.osaka && block.size > MAX_RLP_BLOCK_SIZE) {
      throw invalidBlock('RLP_BLOCK_LIMIT_EXCEEDED', `the block's RLP has ${block.size} bytes, more than ${MAX_RLP_BLOCK_SIZE}`);
    }
    const bombDelay = fork.bombDelay ?? defaultBombDelay(rules);
    const mergeByDifficulty = this.#schedule.forks.some((f) => f.totalDifficulty !== undefined);
    validateHeader(header, parent.header, { rules, parentRules: parent.rules, bombDelay, mergeByDifficulty });
    checkDaoExtraData(header, this.#schedule.daoForkBlock);
    if (!rules.paris) this.#checkOmmers(block, parent, bombDelay);

    const ancestors = this.#ancestorHashes(parent);
    const state = this.stateAfter(parent);
    const tracker = new StateRootTracker();
    tracker.rebuild(state);
    if (header.number === this.#schedule.daoForkBlock) applyDaoFork(state);
    // A transaction that breaks a stateless rule fails the block after the ones before it ran
    // (one of those may fail first, and names the failure).
    const items: BlockTransaction[] = [];
    let invalidTx: unknown;
    for (const t of block.transactions) {
      try {
        const validated = validateTransaction(t.tx, rules, { chainId: this.#chainId });
        items.push({ ...validated, tx: t.tx, sender: validated.sender, hash: t.hash, encoded: t.encoded });
      } catch (error) {
        invalidTx = error;
        break;
      }
    }
    const options = {
      ...optionsFromHeader(header, parent, rules, this.#chainId, (number: bigint) => ancestors.get(number) ?? 0n),
      difficulty: header.difficulty,
      nonce: header.nonce,
      ommers: block.ommers,
      reward: blockReward(rules),
      withdrawals: block.withdrawals,
      strictRequests: true,
      intermediateRoots: rules.byzantium ? undefined : tracker,
    };
    if (invalidTx !== undefined) {
      const builder = new BlockBuilder(state, options);
      builder.addAll(items, this.#executor);
      const failed = block.transactions[items.length]!.tx;
      if (invalidTx instanceof InvalidTransactionError)
        invalidTx.alsoBroken = stateRulesBroken(state, builder, failed, rules, this.#chainId);
      throw invalidTx;
    }
    const built = runBlock(state, options, items, tracker, this.#executor).block.header;
    this.#checkBody(block, rules);
    compareExecuted(header, built, rules);
    if (!equalBytes(headerHash(built), block.hash)) {
      throw invalidBlock('INVALID_BLOCK_HASH', `the executed block's hash ${bytesToHex(headerHash(built))} is not ${hashHex}`);
    }
    const imported: TreeBlock = {
      header,
      hash: block.hash,
      hashHex,
      rules,
      totalDifficulty: parent.totalDifficulty + header.difficulty,
      ommers: block.ommers,
      accounts: new Map(state.accountEntries()),
    };
    this.#blocks.set(hashHex, imported);
    const head = this.#head;
    if (imported.totalDifficulty > head.totalDifficulty || (rules.paris && imported.totalDifficulty >= head.totalDifficulty)) {
      this.#head = imported;
    }
    return imported;
  }

  /**
   * The roots of the body: transactions, ommers, withdrawals. As in execution-specs they are
   * compared after execution, so an invalid transaction is named first.
   */
  #checkBody(block: DecodedBlock, rules: Rules): void {
    const { header } = block;
    const txRoot = transactionsRoot(block.transactions as unknown as BlockTransaction[]);
    if (!equalBytes(txRoot, header.transactionsRoot)) {
      throw invalidBlock('INVALID_TRANSACTIONS_ROOT', `transactions root ${bytesToHex(txRoot)} is not the header's`);
    }
    const ommersHash = block.ommers.length === 0 ? EMPTY_OMMERS_HASH : keccak256(rlpEncodeList(block.ommers.map(encodeHeader)));
    if (!equalBytes(ommersHash, header.ommersHash)) {
      throw invalidBlock(
        rules.paris ? 'IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS' : 'INVALID_UNCLES_HASH',
        "the ommers do not match the header's hash",
      );
    }
    if (rules.shanghai) {
      if (block.withdrawals === undefined) throw invalidBlock('RLP_WITHDRAWALS_NOT_READ', 'a Shanghai block body needs a withdrawals list');
      const root = block.withdrawals.length === 0 ? EMPTY_TRIE_ROOT : withdrawalsRoot(block.withdrawals);
      if (!equalBytes(root, header.withdrawalsRoot!)) {
        throw invalidBlock('INVALID_WITHDRAWALS_ROOT', `withdrawals root ${bytesToHex(root)} is not the header's`);
      }
    } else if (block.withdrawals !== undefined) {
      throw invalidBlock('RLP_STRUCTURES_ENCODING', `a ${rules.name} block has no withdrawals list`);
    }
  }

  /** At most two ommers, each a valid header whose parent is a recent ancestor, none seen before. */
  #checkOmmers(block: DecodedBlock, parent: TreeBlock, bombDelay: bigint): void {
    if (block.ommers.length === 0) return;
    if (block.ommers.length > 2) throw invalidBlock('TOO_MANY_UNCLES', `${block.ommers.length} ommers, at most 2`);
    const ancestors = new Map<string, TreeBlock>();
    const seen = new Set<string>();
    let cursor: TreeBlock | undefined = parent;
    for (let i = 0; i <= MAX_OMMER_DEPTH && cursor !== undefined; i++) {
      ancestors.set(cursor.hashHex, cursor);
      for (const ommer of cursor.ommers) seen.add(bytesToHex(headerHash(ommer)));
      cursor = this.#blocks.get(bytesToHex(cursor.header.parentHash));
    }
    for (const ommer of block.ommers) {
      checkDaoExtraData(ommer, this.#schedule.daoForkBlock);
      const hash = bytesToHex(headerHash(ommer));
      if (seen.has(hash)) throw invalidBlock('UNCLE_IN_CHAIN', `ommer ${hash} is already included`);
      seen.add(hash);
      if (ancestors.has(hash)) throw invalidBlock('UNCLE_IS_ANCESTOR', `ommer ${hash} is an ancestor`);
      const ommerParent = ancestors.get(bytesToHex(ommer.parentHash));
      if (ommerParent === undefined || equalBytes(ommer.parentHash, block.header.parentHash)) {
        throw invalidBlock('UNCLE_PARENT_INCORRECT', `ommer ${hash}'s parent is not a recent ancestor`);
      }
      const ommerRules = this.#schedule.at(ommer.number, ommer.timestamp).rules;
      validateHeader(ommer, ommerParent.header, { rules: ommerRules, parentRules: ommerParent.rules, bombDelay });
    }
  }

  /** BLOCKHASH: the hashes of the 256 blocks before the one being imported, by number. */
  #ancestorHashes(parent: TreeBlock): Map<bigint, bigint> {
    const hashes = new Map<bigint, bigint>();
    let cursor: TreeBlock | undefined = parent;
    for (let i = 0; i < 256 && cursor !== undefined; i++) {
      hashes.set(cursor.header.number, bytesToBigint(cursor.hash));
      cursor = this.#blocks.get(bytesToHex(cursor.header.parentHash));
    }
    return hashes;
  }
}

/** What only execution tells: each header field against the executed block's. */
function compareExecuted(header: BlockHeader, built: BlockHeader, rules: Rules): void {
  if (header.gasUsed !== built.gasUsed) throw invalidBlock('INVALID_GAS_USED', `gas used ${header.gasUsed}, executed ${built.gasUsed}`);
  if (header.blobGasUsed !== built.blobGasUsed) {
    if (header.blobGasUsed! > rules.maxBlobGasPerBlock) {
      throw invalidBlock('BLOB_GAS_USED_ABOVE_LIMIT', `blob gas used ${header.blobGasUsed} exceeds ${rules.maxBlobGasPerBlock}`);
    }
    throw invalidBlock('INCORRECT_BLOB_GAS_USED', `blob gas used ${header.blobGasUsed}, executed ${built.blobGasUsed}`);
  }
  if (!equalBytes(header.logsBloom, built.logsBloom))
    throw invalidBlock('INVALID_LOG_BLOOM', 'the logs bloom differs from the executed one');
  if (!equalBytes(header.receiptsRoot, built.receiptsRoot)) {
    throw invalidBlock(
      'INVALID_RECEIPTS_ROOT',
      `receipts root ${bytesToHex(header.receiptsRoot)}, executed ${bytesToHex(built.receiptsRoot)}`,
    );
  }
  if (header.requestsHash !== undefined && !equalBytes(header.requestsHash, built.requestsHash!)) {
    throw invalidBlock('INVALID_REQUESTS', `requests hash ${bytesToHex(header.requestsHash)}, executed ${bytesToHex(built.requestsHash!)}`);
  }
  if (!equalBytes(header.stateRoot, built.stateRoot)) {
    throw invalidBlock('INVALID_STATE_ROOT', `state root ${bytesToHex(header.stateRoot)}, executed ${bytesToHex(built.stateRoot)}`);
  }
}

/** The code of an import failure: the block's or the transaction's exception name. */
export function importErrorCode(error: unknown): string | undefined {
  if (error instanceof InvalidBlockError || error instanceof InvalidTransactionError) return error.code;
  return undefined;
}

/**
 * Every reason an import failure names: its code, then, for a transaction, the other rules it
 * breaks. The specification checks a transaction's stateless rules (intrinsic gas, ...) before
 * its fees and balance, geth the other way round, and fixtures filled by one name its first.
 */
export function importErrorCodes(error: unknown): string[] | undefined {
  const code = importErrorCode(error);
  if (code === undefined) return undefined;
  return error instanceof InvalidTransactionError ? [code, ...error.alsoBroken] : [code];
}

/**
 * The rules against the block and the sender's account that `tx`, which broke a stateless rule,
 * also breaks at its place in the block (where `builder` stands). None when its sender cannot be
 * recovered.
 */
function stateRulesBroken(state: WorldState, builder: BlockBuilder, tx: Transaction, rules: Rules, chainId: bigint): string[] {
  let sender: Address;
  try {
    sender = recoverSender(tx, rules);
  } catch {
    return [];
  }
  if (tx.type !== 0 && tx.chainId !== chainId) return [];
  const broken: string[] = [];
  checkAgainstBlockAndSender(
    state,
    tx,
    sender,
    builder.context,
    rules,
    { blockGasUsed: builder.gasUsed, blockBlobGasUsed: builder.blobGasUsed },
    (name) => broken.push(`TransactionException.${name}`),
  );
  return broken;
}
