import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRules } from '../forks/index.js';
import { WorldState } from '../state/world-state.js';
import { Account } from '../state/account.js';
import { stateRoot } from '../state/roots.js';
import { verifyProof } from '../state/trie.js';
import { bytesToHex, hexToBytes, bigintToFixedBytes, bytesToBigint } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { addressToBytes } from '../primitives/address.js';
import { signTransaction } from '../tx/sender.js';
import { encodeTransaction } from '../tx/encode.js';
import { privateKeyToAddress } from '../tx/keys.js';
import type { Transaction } from '../tx/types.js';
import { InvalidTransactionError, feeMarketTransaction } from '../tx/types.js';
import {
  BlockBuilder,
  BEACON_ROOTS_ADDRESS,
  BEACON_ROOTS_CODE,
  HISTORY_STORAGE_ADDRESS,
  HISTORY_STORAGE_CODE,
  MAX_RLP_BLOCK_SIZE,
  StateRootTracker,
  bloomMayContain,
  createOverlayState,
  decodeHeader,
  decodeStoredReceipt,
  encodeHeader,
  encodeStoredReceipt,
  headerHash,
  logsBloom,
  nextBaseFee,
  nextExcessBlobGas,
  requestsHash,
  systemContracts,
  blockContextFromHeader,
  type BlockTransaction,
} from './index.js';
import { validateTransaction } from '../tx/validate.js';

const osaka = getRules('Osaka');
const KEY = hexToBytes('ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const SENDER = privateKeyToAddress(KEY);
const OTHER = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

function transfer(nonce: bigint, value = 1n, extra: Partial<Transaction> = {}): BlockTransaction {
  const tx = signTransaction(
    feeMarketTransaction({
      chainId: 31337n,
      nonce,
      maxPriorityFeePerGas: 1n,
      maxFeePerGas: 10_000_000_000n,
      gasLimit: 21000n,
      to: OTHER,
      value,
      ...extra,
    }),
    KEY,
  );
  const encoded = encodeTransaction(tx);
  return { tx, sender: SENDER, hash: keccak256(encoded), encoded };
}

function genesisState(): WorldState {
  const state = new WorldState();
  const a = new Account();
  a.balance = 10n ** 21n;
  state.putAccount(SENDER, a);
  for (const c of systemContracts(osaka)) {
    const acc = new Account();
    acc.nonce = 1n;
    acc.setCode(c.code);
    state.putAccount(c.address, acc);
  }
  return state;
}

function builderOn(state: WorldState, parent: ReturnType<BlockBuilder['finish']>['block'] | undefined, timestamp: bigint) {
  return new BlockBuilder(state, {
    rules: osaka,
    chainId: 31337n,
    parent: parent?.header,
    parentHash: parent?.hash ?? new Uint8Array(32),
    timestamp,
    coinbase: '0x00000000000000000000000000000000000000cc',
    gasLimit: 30_000_000n,
    prevRandao: new Uint8Array(32).fill(7),
    parentBeaconBlockRoot: new Uint8Array(32).fill(9),
    blockHash: () => 0n,
  });
}

test('base fee follows EIP-1559 around the target', () => {
  const parent = { gasLimit: 30_000_000n, baseFeePerGas: 1_000_000_000n };
  assert.equal(nextBaseFee({ ...parent, gasUsed: 15_000_000n }), 1_000_000_000n);
  assert.equal(nextBaseFee({ ...parent, gasUsed: 30_000_000n }), 1_125_000_000n);
  assert.equal(nextBaseFee({ ...parent, gasUsed: 0n }), 875_000_000n);
  // Above the target the fee rises by at least 1 wei.
  assert.equal(nextBaseFee({ gasLimit: 30_000_000n, baseFeePerGas: 1n, gasUsed: 15_000_001n }), 2n);
  assert.equal(nextBaseFee({ gasLimit: 30_000_000n, baseFeePerGas: 7n, gasUsed: 0n }), 7n);
});

test('excess blob gas: EIP-4844, and EIP-7918 reserve price at Osaka', () => {
  const prague = getRules('Prague');
  const target = prague.targetBlobGasPerBlock;
  assert.equal(nextExcessBlobGas({ excessBlobGas: 0n, blobGasUsed: target - 1n, baseFeePerGas: 1n }, prague), 0n);
  assert.equal(nextExcessBlobGas({ excessBlobGas: 0n, blobGasUsed: target + 131072n, baseFeePerGas: 1n }, prague), 131072n);
  // At Osaka a blob fee below BLOB_BASE_COST × base fee lets the excess grow by used × (max - target) / max.
  const used = osaka.maxBlobGasPerBlock;
  const expected = (used * (osaka.maxBlobGasPerBlock - osaka.targetBlobGasPerBlock)) / osaka.maxBlobGasPerBlock;
  assert.equal(nextExcessBlobGas({ excessBlobGas: 0n, blobGasUsed: used, baseFeePerGas: 10n ** 12n }, osaka), expected);
  assert.equal(nextExcessBlobGas({ excessBlobGas: 0n, blobGasUsed: used, baseFeePerGas: 0n }, osaka), used - osaka.targetBlobGasPerBlock);
});

test('EIP-7685: the requests hash of empty requests is sha256 of nothing', () => {
  assert.equal(bytesToHex(requestsHash([])), '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(bytesToHex(requestsHash([Uint8Array.of(0), Uint8Array.of(1)])), bytesToHex(requestsHash([])));
});

test('system contract code matches the published code hashes', () => {
  assert.equal(bytesToHex(keccak256(BEACON_ROOTS_CODE)), '0xf57acd40259872606d76197ef052f3d35588dadf919ee1f0e3cb9b62d3f4b02c');
  assert.equal(HISTORY_STORAGE_CODE.length > 0, true);
});

test('logs bloom sets the bits of addresses and topics', () => {
  const log = { address: OTHER, topics: [5n], data: new Uint8Array(0) };
  const bloom = logsBloom([log]);
  assert.ok(bloomMayContain(bloom, addressToBytes(OTHER)));
  assert.ok(bloomMayContain(bloom, bigintToFixedBytes(5n, 32)));
  assert.ok(!bloomMayContain(bloom, addressToBytes(SENDER)));
  assert.equal(bloom.filter((b) => b !== 0).length <= 6, true);
});

test('state root tracker agrees with a full recomputation after every kind of change', () => {
  const state = genesisState();
  const tracker = new StateRootTracker();
  tracker.rebuild(state);
  assert.deepEqual(tracker.root(), stateRoot(state.accountEntries()));
  const contract = '0x00000000000000000000000000000000000000aa';
  for (let round = 0; round < 20; round++) {
    state.setBalance(OTHER, BigInt(round * 1000));
    state.setStorage(contract, BigInt(round % 7), BigInt(round));
    if (round % 5 === 4) state.setStorage(contract, 0n, 0n);
    if (round === 10) state.setCode(contract, Uint8Array.of(0x60, 0x00));
    if (round === 15) state.deleteAccount(OTHER);
    state.clearTransaction();
    const changes = tracker.commit(state, state.takeChangedAddresses());
    assert.ok(changes.length > 0);
    assert.deepEqual(bytesToHex(tracker.root()), bytesToHex(stateRoot(state.accountEntries())), `round ${round}`);
  }
  // Proofs verify against the root.
  const { proof } = tracker.accountProof(contract);
  assert.ok(verifyProof(tracker.root(), keccak256(addressToBytes(contract)), proof));
});

test('an overlay never changes its base state', () => {
  const state = genesisState();
  state.setStorage(OTHER, 1n, 2n);
  state.clearTransaction();
  const overlay = createOverlayState(state);
  overlay.setBalance(SENDER, 5n);
  overlay.setStorage(OTHER, 1n, 0n);
  overlay.setStorage(OTHER, 3n, 4n);
  overlay.deleteAccount(HISTORY_STORAGE_ADDRESS);
  assert.equal(overlay.getBalance(SENDER), 5n);
  assert.equal(overlay.getStorage(OTHER, 1n), 0n);
  assert.equal(overlay.getStorage(OTHER, 3n), 4n);
  assert.equal(overlay.accountExists(HISTORY_STORAGE_ADDRESS), false);
  assert.equal(overlay.getAccount(OTHER)!.storage.size, 1);
  assert.equal(state.getBalance(SENDER), 10n ** 21n);
  assert.equal(state.getStorage(OTHER, 1n), 2n);
  assert.equal(state.getStorage(OTHER, 3n), 0n);
  assert.equal(state.accountExists(HISTORY_STORAGE_ADDRESS), true);
});

test('blocks: roots, receipts, header round trip, system contracts, base fee', () => {
  const state = genesisState();
  const tracker = new StateRootTracker();
  const genesis = builderOn(state, undefined, 1000n).finish(tracker, state.takeChangedAddresses()).block;
  assert.deepEqual(genesis.header.stateRoot, stateRoot(state.accountEntries()));
  assert.equal(genesis.header.number, 0n);

  const b1 = builderOn(state, genesis, 1012n);
  b1.add(transfer(0n));
  b1.add(transfer(1n, 2n));
  assert.throws(() => b1.add(transfer(1n)), InvalidTransactionError);
  const { block, changes } = b1.finish(tracker, state.takeChangedAddresses());
  assert.equal(block.transactions.length, 2);
  assert.equal(block.receipts[1]!.cumulativeGasUsed, 42000n);
  assert.equal(block.header.gasUsed, 42000n);
  assert.deepEqual(block.header.stateRoot, stateRoot(state.accountEntries()));
  assert.ok(changes.some((c) => c.address === OTHER));
  assert.equal(block.header.baseFeePerGas, nextBaseFee(genesis.header));
  // Header encoding round-trips and the hash is of the encoding.
  const decoded = decodeHeader(encodeHeader(block.header));
  assert.deepEqual(decoded, block.header);
  assert.deepEqual(headerHash(decoded), block.hash);
  // EIP-4788 stored the beacon root under timestamp % 8191; EIP-2935 the parent hash under (n - 1) % 8191.
  const rootSlot = (1012n % 8191n) + 8191n;
  assert.equal(state.getStorage(BEACON_ROOTS_ADDRESS, 1012n % 8191n), 1012n);
  assert.equal(state.getStorage(BEACON_ROOTS_ADDRESS, rootSlot), bytesToBigint(new Uint8Array(32).fill(9)));
  assert.equal(state.getStorage(HISTORY_STORAGE_ADDRESS, 0n), bytesToBigint(genesis.hash));
  // Stored receipts keep every field.
  for (const receipt of block.receipts) assert.deepEqual(decodeStoredReceipt(encodeStoredReceipt(receipt)), receipt);
});

test('EIP-7934: a transaction that would push the block past the size limit does not fit', () => {
  const state = genesisState();
  const tracker = new StateRootTracker();
  const genesis = builderOn(state, undefined, 1000n).finish(tracker, state.takeChangedAddresses()).block;
  const builder = builderOn(state, genesis, 1001n);
  const big = transfer(0n, 1n, { data: new Uint8Array(MAX_RLP_BLOCK_SIZE), gasLimit: 16_000_000n });
  assert.equal(builder.fits(big), 'size');
  assert.equal(builder.fits(transfer(0n)), undefined);
  assert.equal(builder.fits(transfer(0n, 1n, { gasLimit: 30_000_001n })), 'gas');
});

test('a block context from a header: the same one the builder ran the block with', () => {
  const state = genesisState();
  const tracker = new StateRootTracker();
  const genesis = builderOn(state, undefined, 1000n).finish(tracker, state.takeChangedAddresses()).block;
  const b1 = builderOn(state, genesis, 1012n);
  b1.add({ ...transfer(0n), ...validateTransaction(transfer(0n).tx, osaka, { chainId: 31337n }) });
  const commit = b1.finish(tracker, state.takeChangedAddresses());
  assert.equal(commit.stateBlock, 1);
  const blockHash = b1.context.blockHash;
  assert.deepEqual(blockContextFromHeader(commit.block.header, osaka, 31337n, blockHash), b1.context);
  assert.equal(blockContextFromHeader(commit.block.header, getRules('Shanghai'), 31337n, blockHash).blobBaseFee, 0n);
});
