/**
 * The blockchain test format (ethereum/tests' BlockchainTests and execution-spec-tests'
 * blockchain_tests), read strictly: a malformed field is a StateTestFileError naming the test and
 * the field. Also the networks these tests name (`Prague`, `CancunToPragueAtTime15k`,
 * `FrontierToHomesteadAt5`, `ArrowGlacierToParisAtDiffC0000`, `BPO1ToBPO2AtTime15k`, ...) as
 * fork schedules.
 */
import type { Address } from '../../primitives/address.js';
import type { Account } from '../../state/account.js';
import { getRules, parseFork } from '../../forks/index.js';
import { ForkSchedule, withBlobParameters, type BlobParameters, type ForkActivation } from '../../chain/fork-schedule.js';
import type { BlockHeader } from '../../chain/header.js';
import {
  StateTestFileError,
  address,
  array,
  bytes,
  object,
  optionalQuantity,
  parseAccounts,
  quantity,
} from '../statetest/state-test-file.js';

export interface BlockEntry {
  /** The block's RLP as written (hex); a test may give one that does not decode. */
  rlp: string;
  expectException: string | undefined;
}

export interface BlockchainTest {
  name: string;
  network: string;
  schedule: ForkSchedule;
  chainId: bigint;
  genesis: BlockHeader;
  genesisHash: string;
  pre: Map<Address, Account>;
  blocks: BlockEntry[];
  /** One of the two. */
  postState: Map<Address, Account> | undefined;
  postStateHash: string | undefined;
  lastBlockHash: string;
}

function hash(value: unknown, field: string): string {
  const b = bytes(value, field);
  if (b.length !== 32) throw new StateTestFileError(field, `expected 32 bytes, got ${b.length}`);
  return String(value).toLowerCase();
}

function header(raw: unknown, field: string): BlockHeader {
  const h = object(raw, field);
  const f = (name: string) => `${field}.${name}`;
  const optionalBytes = (name: string) => (h[name] === undefined ? undefined : bytes(h[name], f(name)));
  return {
    parentHash: bytes(h.parentHash, f('parentHash')),
    ommersHash: bytes(h.uncleHash, f('uncleHash')),
    coinbase: address(h.coinbase, f('coinbase')),
    stateRoot: bytes(h.stateRoot, f('stateRoot')),
    transactionsRoot: bytes(h.transactionsTrie, f('transactionsTrie')),
    receiptsRoot: bytes(h.receiptTrie, f('receiptTrie')),
    logsBloom: bytes(h.bloom, f('bloom')),
    difficulty: quantity(h.difficulty, f('difficulty')),
    number: quantity(h.number, f('number')),
    gasLimit: quantity(h.gasLimit, f('gasLimit')),
    gasUsed: quantity(h.gasUsed, f('gasUsed')),
    timestamp: quantity(h.timestamp, f('timestamp')),
    extraData: bytes(h.extraData, f('extraData')),
    mixHash: bytes(h.mixHash, f('mixHash')),
    nonce: bytes(h.nonce, f('nonce')),
    baseFeePerGas: optionalQuantity(h.baseFeePerGas, f('baseFeePerGas')),
    withdrawalsRoot: optionalBytes('withdrawalsRoot'),
    blobGasUsed: optionalQuantity(h.blobGasUsed, f('blobGasUsed')),
    excessBlobGas: optionalQuantity(h.excessBlobGas, f('excessBlobGas')),
    parentBeaconBlockRoot: optionalBytes('parentBeaconBlockRoot'),
    requestsHash: optionalBytes('requestsHash'),
  };
}

/** Pre-merge forks that only moved the difficulty bomb: their base fork's rules and the delay. */
const BOMB_FORKS: Record<string, { base: string; delay: bigint }> = {
  muirglacier: { base: 'Istanbul', delay: 9_000_000n },
  arrowglacier: { base: 'London', delay: 10_700_000n },
  grayglacier: { base: 'London', delay: 11_400_000n },
};

/** One fork of a network name, with the chain's blob schedule applied. */
function fork(name: string, blobSchedule: Map<string, BlobParameters>, field: string): Omit<ForkActivation, 'block' | 'timestamp'> {
  const lower = name.toLowerCase();
  const bomb = BOMB_FORKS[lower];
  const bpo = /^bpo[1-9]$/.test(lower);
  let rules;
  try {
    rules = getRules(bomb !== undefined ? bomb.base : bpo ? 'Osaka' : lower === 'dao' ? 'Homestead' : parseFork(name));
  } catch (e) {
    throw new StateTestFileError(field, (e as Error).message);
  }
  const blobs = [...blobSchedule].find(([key]) => key.toLowerCase() === lower)?.[1];
  if (bpo && blobs === undefined) throw new StateTestFileError(field, `${name} needs its blob parameters in config.blobSchedule`);
  if (blobs !== undefined && rules.cancun) rules = withBlobParameters(rules, blobs);
  return { name, rules, bombDelay: bomb?.delay };
}

/**
 * A network name as a schedule: a fork name, or `AToBAt<block>`, `AToBAtTime<timestamp>` (`15k`
 * = 15000), `AToBAtDiff<hex total difficulty>`; `HomesteadToDaoAt5` adds the DAO fork.
 */
export function parseNetwork(network: string, blobSchedule: Map<string, BlobParameters>, field = 'network'): ForkSchedule {
  const m = /^(\w+?)To(\w+?)At(Time|Diff)?([0-9A-Fa-f]+k?)$/.exec(network);
  if (m === null) return new ForkSchedule([fork(network, blobSchedule, field)]);
  const [, from, to, kind, amountText] = m as unknown as [string, string, string, string | undefined, string];
  const amount = amountText.endsWith('k')
    ? BigInt(amountText.slice(0, -1)) * 1000n
    : kind === 'Diff'
      ? BigInt('0x' + amountText)
      : BigInt(amountText);
  const first = fork(from, blobSchedule, field);
  if (to.toLowerCase() === 'dao') return new ForkSchedule([first], { daoForkBlock: amount });
  const second = fork(to, blobSchedule, field);
  const activation: ForkActivation =
    kind === 'Time'
      ? { ...second, timestamp: amount }
      : kind === 'Diff'
        ? { ...second, totalDifficulty: amount }
        : { ...second, block: amount };
  return new ForkSchedule([first, activation]);
}

function parseBlobSchedule(raw: unknown, field: string): Map<string, BlobParameters> {
  const schedule = new Map<string, BlobParameters>();
  if (raw === undefined) return schedule;
  for (const [name, value] of Object.entries(object(raw, field))) {
    const p = object(value, `${field}.${name}`);
    schedule.set(name, {
      target: quantity(p.target, `${field}.${name}.target`),
      max: quantity(p.max, `${field}.${name}.max`),
      baseFeeUpdateFraction: quantity(p.baseFeeUpdateFraction, `${field}.${name}.baseFeeUpdateFraction`),
    });
  }
  return schedule;
}

/** Reads every test of one parsed blockchain-test file. */
export function parseBlockchainTests(json: unknown): BlockchainTest[] {
  return Object.entries(object(json, 'file')).map(([name, raw]) => parseBlockchainTest(name, raw));
}

function parseBlockchainTest(name: string, raw: unknown): BlockchainTest {
  const t = object(raw, name);
  const f = (field: string) => `${name}.${field}`;
  if (typeof t.network !== 'string') throw new StateTestFileError(f('network'), 'expected a string');
  const config = t.config === undefined ? {} : object(t.config, f('config'));
  const blobSchedule = parseBlobSchedule(config.blobSchedule, f('config.blobSchedule'));
  const genesisRaw = object(t.genesisBlockHeader, f('genesisBlockHeader'));
  const blocks = array(t.blocks, f('blocks')).map((b, i) => {
    const block = object(b, f(`blocks[${i}]`));
    if (typeof block.rlp !== 'string') throw new StateTestFileError(f(`blocks[${i}].rlp`), 'expected a hex string');
    const expect = block.expectException;
    if (expect !== undefined && typeof expect !== 'string')
      throw new StateTestFileError(f(`blocks[${i}].expectException`), 'expected a string');
    return { rlp: block.rlp, expectException: expect };
  });
  if (t.postState === undefined && t.postStateHash === undefined)
    throw new StateTestFileError(f('postState'), 'neither postState nor postStateHash');
  return {
    name,
    network: t.network,
    schedule: parseNetwork(t.network, blobSchedule, f('network')),
    chainId: optionalQuantity(config.chainid, f('config.chainid')) ?? 1n,
    genesis: header(genesisRaw, f('genesisBlockHeader')),
    genesisHash: hash(genesisRaw.hash, f('genesisBlockHeader.hash')),
    pre: parseAccounts(t.pre, f('pre')),
    blocks,
    postState: t.postState === undefined ? undefined : parseAccounts(t.postState, f('postState')),
    postStateHash: t.postStateHash === undefined ? undefined : hash(t.postStateHash, f('postStateHash')),
    lastBlockHash: hash(t.lastblockhash, f('lastblockhash')),
  };
}
