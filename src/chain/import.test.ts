/**
 * Block import's own rules, without fixtures: the proof-of-work difficulty formulas, the header
 * checks and their names, strict block decoding, fork schedules, and a small chain built with
 * `BlockBuilder` and imported, with side chains and a tampered block.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRules } from '../forks/index.js';
import { Account } from '../state/account.js';
import { WorldState } from '../state/world-state.js';
import { rlpDecode as rlpDecodeForTest, rlpEncode } from '../primitives/rlp.js';
import { bytesToHex } from '../primitives/bytes.js';
import { EMPTY_OMMERS_HASH, ZERO_NONCE, encodeHeader, headerHash, type BlockHeader } from './header.js';
import { powDifficulty, validateHeader } from './header-rules.js';
import { BlockTree, decodeBlock, importErrorCode, importErrorCodes } from './import.js';
import { privateKeyToAddress } from '../tx/keys.js';
import { signTransaction } from '../tx/sender.js';
import { encodeTransaction, transactionHash } from '../tx/encode.js';
import { feeMarketTransaction, type Transaction } from '../tx/types.js';
import { ForkSchedule, withBlobParameters } from './fork-schedule.js';
import { BlockBuilder } from './builder.js';
import { StateRootTracker } from './state-root.js';
import { MAX_RLP_BLOCK_SIZE, encodeBlock } from './block.js';
import { EMPTY_TRIE_ROOT } from '../state/trie.js';

const FRONTIER = getRules('Frontier');
const HOMESTEAD = getRules('Homestead');
const BYZANTIUM = getRules('Byzantium');
const CANCUN = getRules('Cancun');
const PRAGUE = getRules('Prague');
const OSAKA = getRules('Osaka');

/** Any ommers hash but the empty list's: the parent had ommers. */
const withUncles = new Uint8Array(32).fill(1);

test('proof-of-work difficulty: Frontier, Homestead (EIP-2), Byzantium (EIP-100) and the bomb', () => {
  const parent = { difficulty: 1_000_000n, timestamp: 1000n, ommersHash: EMPTY_OMMERS_HASH };
  // 1,000,000 / 2048 = 488 per step.
  assert.equal(powDifficulty(parent, 10n, 1012n, FRONTIER, 0n), 1_000_488n);
  assert.equal(powDifficulty(parent, 10n, 1013n, FRONTIER, 0n), 999_512n);
  assert.equal(powDifficulty(parent, 10n, 1005n, HOMESTEAD, 0n), 1_000_488n);
  assert.equal(powDifficulty(parent, 10n, 1010n, HOMESTEAD, 0n), 1_000_000n);
  assert.equal(powDifficulty(parent, 10n, 1025n, HOMESTEAD, 0n), 999_512n);
  assert.equal(powDifficulty(parent, 10n, 3000n, HOMESTEAD, 0n), 1_000_000n - 99n * 488n);
  assert.equal(powDifficulty(parent, 10n, 1009n, BYZANTIUM, 0n), 1_000_000n);
  assert.equal(powDifficulty({ ...parent, ommersHash: withUncles }, 10n, 1009n, BYZANTIUM, 0n), 1_000_488n);
  // Never below 131072.
  assert.equal(powDifficulty({ ...parent, difficulty: 131_072n }, 10n, 1100n, HOMESTEAD, 0n), 131_072n);
  // The bomb: 2^(number / 100000 - 2) from block 200,000, counted from the delayed number after Byzantium.
  assert.equal(powDifficulty(parent, 300_000n, 1012n, FRONTIER, 0n), 1_000_488n + 2n);
  assert.equal(powDifficulty(parent, 3_300_000n, 1009n, BYZANTIUM, 3_000_000n), 1_000_000n + 2n);
  assert.equal(powDifficulty(parent, 3_100_000n, 1009n, BYZANTIUM, 3_000_000n), 1_000_000n);
});

function header(fields: Partial<BlockHeader>): BlockHeader {
  return {
    parentHash: new Uint8Array(32),
    ommersHash: EMPTY_OMMERS_HASH,
    coinbase: '0x0000000000000000000000000000000000000000',
    stateRoot: EMPTY_TRIE_ROOT,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number: 0n,
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    timestamp: 0n,
    extraData: new Uint8Array(0),
    mixHash: new Uint8Array(32),
    nonce: ZERO_NONCE,
    ...fields,
  };
}

function rejection(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return importErrorCode(e) ?? `unexpected ${e}`;
  }
  return 'accepted';
}

test('header rules against the parent, named as execution-spec-tests name them', () => {
  const cancunFields = {
    baseFeePerGas: 7n,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: new Uint8Array(32),
  };
  const parent = header({ number: 5n, timestamp: 100n, gasUsed: 15_000_000n, ...cancunFields });
  const child = (fields: Partial<BlockHeader>) => header({ number: 6n, timestamp: 112n, ...cancunFields, ...fields });
  const check = (h: BlockHeader, rules = CANCUN, parentRules = CANCUN) =>
    rejection(() => validateHeader(h, parent, { rules, parentRules, bombDelay: 0n }));
  assert.equal(check(child({})), 'accepted');
  assert.equal(check(child({ number: 7n })), 'BlockException.INVALID_BLOCK_NUMBER');
  assert.equal(check(child({ timestamp: 100n })), 'BlockException.INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT');
  assert.equal(check(child({ extraData: new Uint8Array(33) })), 'BlockException.EXTRA_DATA_TOO_BIG');
  // 30,000,000 / 1024 = 29296: the limit moves by less than that.
  assert.equal(check(child({ gasLimit: 30_029_295n })), 'accepted');
  assert.equal(check(child({ gasLimit: 30_029_296n })), 'BlockException.INVALID_GASLIMIT');
  assert.equal(check(child({ gasLimit: 29_970_704n })), 'BlockException.INVALID_GASLIMIT');
  assert.equal(check(child({ gasUsed: 30_000_001n })), 'BlockException.GAS_USED_OVERFLOW');
  assert.equal(check(child({ baseFeePerGas: 8n })), 'BlockException.INVALID_BASEFEE_PER_GAS');
  assert.equal(check(child({ difficulty: 1n })), 'BlockException.IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS');
  assert.equal(check(child({ excessBlobGas: 131_072n })), 'BlockException.INCORRECT_EXCESS_BLOB_GAS');
  assert.equal(check(child({ parentBeaconBlockRoot: undefined })), 'BlockException.INCORRECT_BLOCK_FORMAT');
  assert.equal(
    check(child({ withdrawalsRoot: undefined, blobGasUsed: undefined, excessBlobGas: undefined, parentBeaconBlockRoot: undefined })),
    'BlockException.IMPORT_IMPOSSIBLE_PARIS_OVER_SHANGHAI',
  );
  // London's first block: twice the parent's gas limit is the new reference, and the base fee starts at 1 gwei.
  const berlinParent = header({ number: 4n, timestamp: 100n, gasLimit: 10_000_000n, difficulty: 131_072n });
  const london = getRules('London');
  const first = header({ number: 5n, timestamp: 112n, gasLimit: 20_000_000n, baseFeePerGas: 1_000_000_000n, difficulty: 131_072n });
  const checkLondon = (h: BlockHeader) =>
    rejection(() => validateHeader(h, berlinParent, { rules: london, parentRules: getRules('Berlin'), bombDelay: 0n }));
  assert.equal(checkLondon(first), 'accepted');
  assert.equal(checkLondon({ ...first, baseFeePerGas: undefined }), 'BlockException.IMPORT_IMPOSSIBLE_LEGACY');
  assert.equal(checkLondon({ ...first, baseFeePerGas: 7n }), 'BlockException.INVALID_BASEFEE_PER_GAS');
  assert.equal(checkLondon({ ...first, difficulty: 131_073n }), 'BlockException.INVALID_DIFFICULTY');
});

test('decodeBlock is strict: wrong field sizes and shapes are named', () => {
  const h = header({});
  assert.equal(
    rejection(() => decodeBlock(Uint8Array.of(0xc3, 1))),
    'BlockException.RLP_STRUCTURES_ENCODING',
  );
  assert.equal(
    rejection(() => decodeBlock(rlpEncode([]))),
    'BlockException.RLP_STRUCTURES_ENCODING',
  );
  const good = rlpEncode([[], [], []]);
  assert.equal(
    rejection(() => decodeBlock(good)),
    'BlockException.RLP_STRUCTURES_ENCODING',
  );
  const decoded = decodeBlock(encodeBlock(h, []));
  assert.deepEqual(decoded.hash, headerHash(h));
  assert.equal(decoded.withdrawals, undefined);
  // A 19-byte coinbase; a 9-byte number.
  const fields = (patch: (f: Uint8Array[]) => void) => {
    const f = [
      h.parentHash,
      h.ommersHash,
      new Uint8Array(20),
      h.stateRoot,
      h.transactionsRoot,
      h.receiptsRoot,
      h.logsBloom,
      new Uint8Array(0),
      new Uint8Array(0),
      Uint8Array.of(1),
      new Uint8Array(0),
      new Uint8Array(0),
      h.extraData,
      h.mixHash,
      h.nonce,
    ];
    patch(f);
    return rlpEncode([f, [], []]);
  };
  assert.equal(
    rejection(() => decodeBlock(fields(() => {}))),
    'accepted',
  );
  assert.equal(
    rejection(() => decodeBlock(fields((f) => (f[2] = new Uint8Array(19))))),
    'BlockException.RLP_INVALID_ADDRESS',
  );
  assert.equal(
    rejection(() => decodeBlock(fields((f) => (f[8] = new Uint8Array(9).fill(1))))),
    'BlockException.RLP_INVALID_FIELD_OVERFLOW_64',
  );
  assert.equal(
    rejection(() => decodeBlock(fields((f) => (f[0] = new Uint8Array(31))))),
    'BlockException.RLP_STRUCTURES_ENCODING',
  );
});

test('fork schedules: by block, by timestamp, by total difficulty; BPO blob parameters', () => {
  const schedule = new ForkSchedule([
    { name: 'Cancun', rules: CANCUN },
    { name: 'Prague', rules: PRAGUE, timestamp: 15_000n },
    { name: 'Osaka', rules: OSAKA, timestamp: 30_000n },
  ]);
  assert.equal(schedule.at(1n, 14_999n).name, 'Cancun');
  assert.equal(schedule.at(1n, 15_000n).name, 'Prague');
  assert.equal(schedule.at(1n, 30_001n).name, 'Osaka');
  const byBlock = new ForkSchedule([
    { name: 'Frontier', rules: FRONTIER },
    { name: 'Homestead', rules: HOMESTEAD, block: 5n },
  ]);
  assert.equal(byBlock.at(4n, 0n).name, 'Frontier');
  assert.equal(byBlock.at(5n, 0n).name, 'Homestead');
  const byDifficulty = new ForkSchedule([
    { name: 'London', rules: getRules('London') },
    { name: 'Paris', rules: getRules('Paris'), totalDifficulty: 100n },
  ]);
  assert.equal(byDifficulty.at(9n, 0n, 99n).name, 'London');
  assert.equal(byDifficulty.at(9n, 0n, 100n).name, 'Paris');
  const bpo = withBlobParameters(OSAKA, { target: 10n, max: 15n, baseFeeUpdateFraction: 8_346_193n });
  assert.equal(bpo.maxBlobGasPerBlock, 15n * 131_072n);
  assert.equal(bpo.targetBlobGasPerBlock, 10n * 131_072n);
  assert.equal(bpo.osaka, true);
  assert.equal(OSAKA.maxBlobGasPerBlock, 9n * 131_072n, 'the base rules are unchanged');
});

/** A Cancun genesis (base fee 1 gwei) holding one funded account, and a tree on it. */
function cancunChain(schedule: ForkSchedule, address: string, balance: bigint): { genesis: BlockHeader; tree: BlockTree } {
  const pre = (): [string, Account][] => {
    const a = new Account();
    a.balance = balance;
    return [[address, a]];
  };
  const genesisState = new WorldState();
  for (const [a, account] of pre()) genesisState.putAccount(a, account);
  const tracker = new StateRootTracker();
  tracker.rebuild(genesisState);
  const genesis = header({
    stateRoot: tracker.root(),
    baseFeePerGas: 1_000_000_000n,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: new Uint8Array(32),
  });
  return { genesis, tree: new BlockTree(schedule, 1n, { header: genesis, accounts: pre() }) };
}

test('a chain built with BlockBuilder imports; after the merge the latest valid block is the head; a tampered block is refused', () => {
  const rules = CANCUN;
  const schedule = new ForkSchedule([{ name: 'Cancun', rules }]);
  const { genesis, tree } = cancunChain(schedule, '0x00000000000000000000000000000000000000aa', 10n ** 18n);
  // Blocks built on a parent's state, each with a different coinbase so that siblings differ.
  const build = (parent: { header: BlockHeader; hash: Uint8Array }, coinbaseByte: number) => {
    const state = tree.stateAfter(tree.get(bytesToHex(parent.hash))!);
    const t = new StateRootTracker();
    t.rebuild(state);
    const builder = new BlockBuilder(state, {
      rules,
      chainId: 1n,
      parent: parent.header,
      parentHash: parent.hash,
      timestamp: parent.header.timestamp + 12n,
      coinbase: `0x${coinbaseByte.toString(16).padStart(40, '0')}`,
      gasLimit: parent.header.gasLimit,
      prevRandao: new Uint8Array(32),
      parentBeaconBlockRoot: new Uint8Array(32),
      blockHash: () => 0n,
    });
    return builder.finish(t, state.takeChangedAddresses()).block;
  };
  const a1 = build({ header: genesis, hash: headerHash(genesis) }, 1);
  assert.equal(tree.importRlp(encodeBlock(a1.header, [])).hashHex, bytesToHex(a1.hash));
  const a2 = build(a1, 1);
  tree.importRlp(encodeBlock(a2.header, []));
  const b1 = build({ header: genesis, hash: headerHash(genesis) }, 2);
  tree.importRlp(encodeBlock(b1.header, []));
  // After the merge the latest valid block is the head, wherever it is.
  assert.equal(tree.head.header.number, 1n);
  assert.equal(tree.head.header.coinbase, b1.header.coinbase);
  const b2 = build(b1, 2);
  tree.importRlp(encodeBlock(b2.header, []));
  const b3 = build(b2, 2);
  tree.importRlp(encodeBlock(b3.header, []));
  assert.equal(tree.head.header.number, 3n);
  const wrongRoot = { ...a2.header, stateRoot: new Uint8Array(32) };
  assert.equal(
    rejection(() => tree.importRlp(encodeBlock(wrongRoot, []))),
    'BlockException.INVALID_STATE_ROOT',
  );
  const orphan = { ...a2.header, parentHash: new Uint8Array(32).fill(9) };
  assert.equal(
    rejection(() => tree.importRlp(encodeBlock(orphan, []))),
    'BlockException.UNKNOWN_PARENT',
  );
  assert.equal(tree.head.header.number, 3n, 'rejected blocks change nothing');
});

test('Osaka (EIP-7934): a block whose RLP exceeds 8 MiB is refused before anything else', () => {
  const schedule = new ForkSchedule([{ name: 'Osaka', rules: OSAKA }]);
  const genesis = header({
    baseFeePerGas: 1_000_000_000n,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: new Uint8Array(32),
    requestsHash: new Uint8Array(32),
  });
  const tree = new BlockTree(schedule, 1n, { header: genesis, accounts: [] });
  const child = { ...genesis, parentHash: headerHash(genesis), number: 1n, timestamp: 12n };
  // A decodable (unsigned, unvalidated) legacy transaction carrying `size` bytes of data.
  const withData = (size: number) => {
    const tx = rlpEncode([
      new Uint8Array(0),
      Uint8Array.of(1),
      Uint8Array.of(1),
      new Uint8Array(20),
      new Uint8Array(0),
      new Uint8Array(size),
      Uint8Array.of(27),
      Uint8Array.of(1),
      Uint8Array.of(1),
    ]);
    return rlpEncode([rlpDecodeForTest(encodeHeader(child)), [rlpDecodeForTest(tx)], [], []] as never);
  };
  const over = withData(8 * 1024 * 1024);
  assert.ok(over.length > MAX_RLP_BLOCK_SIZE);
  assert.equal(
    rejection(() => tree.importRlp(over)),
    'BlockException.RLP_BLOCK_LIMIT_EXCEEDED',
  );
  const under = withData(MAX_RLP_BLOCK_SIZE - 4096);
  assert.ok(under.length <= MAX_RLP_BLOCK_SIZE);
  assert.notEqual(
    rejection(() => tree.importRlp(under)),
    'BlockException.RLP_BLOCK_LIMIT_EXCEEDED',
  );
});

test('a transaction breaking several rules names them all: the stateless one first, then those against the block and the sender', () => {
  const key = new Uint8Array(32).fill(7);
  const poor = privateKeyToAddress(key);
  const { genesis, tree } = cancunChain(new ForkSchedule([{ name: 'Cancun', rules: CANCUN }]), poor, 1000n);
  // An empty parent: the base fee falls by an eighth.
  const child = { ...genesis, parentHash: headerHash(genesis), number: 1n, timestamp: 12n, baseFeePerGas: 875_000_000n };
  const withTransaction = (fields: Pick<Transaction, 'gasLimit'> & Partial<Transaction>) => {
    const tx = signTransaction(feeMarketTransaction({ chainId: 1n, nonce: 0n, to: poor, ...fields }), key);
    return encodeBlock(child, [{ tx, sender: poor, hash: transactionHash(tx), encoded: encodeTransaction(tx) }]);
  };
  const codes = (rlp: Uint8Array) => {
    try {
      tree.importRlp(rlp);
    } catch (e) {
      return importErrorCodes(e);
    }
    return 'accepted';
  };
  // Below the intrinsic gas, a fee cap below the base fee, and more than the sender holds.
  assert.deepEqual(codes(withTransaction({ gasLimit: 20_000n, maxFeePerGas: 1n })), [
    'TransactionException.INTRINSIC_GAS_TOO_LOW',
    'TransactionException.INSUFFICIENT_MAX_FEE_PER_GAS',
    'TransactionException.INSUFFICIENT_ACCOUNT_FUNDS',
  ]);
  // A zero fee cap costs nothing: the balance suffices and is not named.
  assert.deepEqual(codes(withTransaction({ gasLimit: 20_000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n })), [
    'TransactionException.INTRINSIC_GAS_TOO_LOW',
    'TransactionException.INSUFFICIENT_MAX_FEE_PER_GAS',
  ]);
  // A rule against the state alone is the first and only reason.
  assert.deepEqual(codes(withTransaction({ gasLimit: 21_000n, maxFeePerGas: 1n })), ['TransactionException.INSUFFICIENT_MAX_FEE_PER_GAS']);
  assert.equal(tree.head.header.number, 0n, 'rejected blocks change nothing');
});
