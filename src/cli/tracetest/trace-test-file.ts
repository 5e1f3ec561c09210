/**
 * geth's tracer test format (eth/tracers/internal/tracetest/testdata): `genesis` (the chain
 * config and `alloc`), `context` (the block), `input` (the signed raw transaction),
 * `tracerConfig` and the expected `result`. Read strictly: a bad field is a TraceTestFileError
 * that names it.
 */
import { parseAddress, type Address } from '../../primitives/address.js';
import { hexToBytes, parseQuantity } from '../../primitives/bytes.js';
import { Account } from '../../state/account.js';
import { FORK_ORDER, type ForkName } from '../../forks/index.js';

export class TraceTestFileError extends Error {
  override name = 'TraceTestFileError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface TraceTest {
  alloc: Map<Address, Account>;
  fork: ForkName;
  chainId: bigint;
  coinbase: Address;
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  difficulty: bigint;
  baseFee: bigint;
  /** The genesis mix hash, the block's randomness once the chain has merged. */
  prevRandao: bigint | undefined;
  /** EIP-4844: the blob base fee geth's test harness gives the block (1 when the genesis has blob fields, else 0). */
  blobBaseFee: bigint;
  input: Uint8Array;
  tracerConfig: unknown;
  result: unknown;
}

type JsonObject = Record<string, unknown>;

function object(value: unknown, field: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TraceTestFileError(field, 'expected an object');
  return value as JsonObject;
}

function quantity(value: unknown, field: string): bigint {
  try {
    return parseQuantity(value as string);
  } catch (e) {
    throw new TraceTestFileError(field, (e as Error).message);
  }
}

function optionalQuantity(value: unknown, field: string): bigint | undefined {
  return value === undefined || value === null ? undefined : quantity(value, field);
}

function bytes(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string') throw new TraceTestFileError(field, 'expected a hex string');
  try {
    return hexToBytes(value);
  } catch (e) {
    throw new TraceTestFileError(field, (e as Error).message);
  }
}

function address(value: unknown, field: string): Address {
  try {
    return parseAddress(value as string, field);
  } catch (e) {
    throw new TraceTestFileError(field, (e as Error).message);
  }
}

/** The fork blocks of a geth chain config, oldest first (a missing Petersburg comes with Constantinople). */
const BLOCK_FORKS: [string, ForkName][] = [
  ['homesteadBlock', 'Homestead'],
  ['eip150Block', 'TangerineWhistle'],
  ['eip158Block', 'SpuriousDragon'],
  ['byzantiumBlock', 'Byzantium'],
  ['constantinopleBlock', 'Constantinople'],
  ['petersburgBlock', 'Petersburg'],
  ['istanbulBlock', 'Istanbul'],
  ['berlinBlock', 'Berlin'],
  ['londonBlock', 'London'],
];

/** The timestamp forks, which follow the merge. */
const TIME_FORKS: [string, ForkName][] = [
  ['shanghaiTime', 'Shanghai'],
  ['cancunTime', 'Cancun'],
  ['pragueTime', 'Prague'],
  ['osakaTime', 'Osaka'],
];

/**
 * The fork a geth chain config runs at a block. The merge counts as reached when the terminal
 * total difficulty is 0 (geth's test harness then gives the block its randomness).
 */
export function forkAt(raw: JsonObject, number: bigint, timestamp: bigint, field = 'genesis.config'): { fork: ForkName; merged: boolean } {
  // Go reads JSON field names without regard to case ("IstanbulBlock" is istanbulBlock).
  const config: JsonObject = {};
  const byLower = new Map(Object.entries(raw).map(([key, value]) => [key.toLowerCase(), value]));
  for (const [key] of [...BLOCK_FORKS, ...TIME_FORKS, ['terminalTotalDifficulty']]) config[key!] = byLower.get(key!.toLowerCase());
  let fork = 'Frontier' as ForkName;
  const later = (candidate: ForkName) => {
    if (FORK_ORDER.indexOf(candidate) > FORK_ORDER.indexOf(fork)) fork = candidate;
  };
  for (const [key, name] of BLOCK_FORKS) {
    const at = optionalQuantity(config[key], `${field}.${key}`);
    if (at !== undefined && number >= at) later(name);
    if (key === 'petersburgBlock' && at === undefined && fork === 'Constantinople') later('Petersburg');
  }
  const ttd = optionalQuantity(config.terminalTotalDifficulty, `${field}.terminalTotalDifficulty`);
  const merged = ttd === 0n;
  if (merged) {
    later('Paris');
    for (const [key, name] of TIME_FORKS) {
      const at = optionalQuantity(config[key], `${field}.${key}`);
      if (at !== undefined && timestamp >= at) later(name);
    }
  }
  return { fork, merged };
}

export function parseTraceTest(json: unknown): TraceTest {
  const t = object(json, 'file');
  const genesis = object(t.genesis, 'genesis');
  const config = object(genesis.config, 'genesis.config');
  const context = object(t.context, 'context');
  const number = quantity(context.number, 'context.number');
  const timestamp = quantity(context.timestamp, 'context.timestamp');
  const { fork, merged } = forkAt(config, number, timestamp);

  const alloc = new Map<Address, Account>();
  for (const [addr, raw] of Object.entries(object(genesis.alloc, 'genesis.alloc'))) {
    const where = `genesis.alloc.${addr}`;
    const a = object(raw, where);
    const account = new Account();
    account.balance = optionalQuantity(a.balance, `${where}.balance`) ?? 0n;
    account.nonce = optionalQuantity(a.nonce, `${where}.nonce`) ?? 0n;
    account.setCode(bytes(a.code ?? '0x', `${where}.code`));
    for (const [slot, value] of Object.entries(object(a.storage ?? {}, `${where}.storage`))) {
      const v = quantity(value, `${where}.storage.${slot}`);
      if (v !== 0n) account.storage.set(quantity(slot, `${where}.storage`), v);
    }
    alloc.set(address(addr, where), account);
  }

  const london = FORK_ORDER.indexOf(fork) >= FORK_ORDER.indexOf('London');
  const hasBlobFields =
    genesis.excessBlobGas !== undefined &&
    genesis.excessBlobGas !== null &&
    genesis.blobGasUsed !== undefined &&
    genesis.blobGasUsed !== null;
  return {
    alloc,
    fork,
    chainId: optionalQuantity(config.chainId, 'genesis.config.chainId') ?? 1n,
    coinbase: address(context.miner, 'context.miner'),
    number,
    timestamp,
    gasLimit: quantity(context.gasLimit, 'context.gasLimit'),
    difficulty: optionalQuantity(context.difficulty, 'context.difficulty') ?? 0n,
    baseFee: london ? (optionalQuantity(context.baseFeePerGas, 'context.baseFeePerGas') ?? 0n) : 0n,
    prevRandao: merged ? quantity(genesis.mixHash ?? '0x0', 'genesis.mixHash') : undefined,
    // geth's harness prices blobs at the excess of a block whose parent has none: the minimum.
    blobBaseFee: hasBlobFields ? 1n : 0n,
    input: bytes(t.input, 'input'),
    tracerConfig: t.tracerConfig,
    result: t.result,
  };
}
