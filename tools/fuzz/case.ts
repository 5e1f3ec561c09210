/**
 * A fuzz case: a pre-state, a block and one message call, on one fork; the fixed cast of accounts
 * the generators write programs for; and the case as JSON (for findings and regressions).
 */
import type { ForkName } from '../../dist/forks/index.js';
import type { BlockContext } from '../../dist/host/index.js';
import type { Address } from '../../dist/primitives/address.js';
import { bytesToBigint, bytesToHex, EMPTY_BYTES, hexToBytes } from '../../dist/primitives/bytes.js';
import { keccak256 } from '../../dist/primitives/hash.js';
import type { AccountState, MessageCall, StateDump } from '../peer/types.js';

export interface FuzzCase {
  /** Which generator made it (and how), for statistics and reports. */
  generator: string;
  fork: ForkName;
  block: BlockContext;
  pre: StateDump;
  call: MessageCall;
}

/** The cast. Contracts sit at small addresses so programs can push them cheaply. */
export const CALLER: Address = '0x00000000000000000000000000000000000ca11e';
export const CONTRACT_A: Address = '0x00000000000000000000000000000000000a0000';
export const CONTRACT_B: Address = '0x00000000000000000000000000000000000b0000';
export const CONTRACT_C: Address = '0x00000000000000000000000000000000000c0000';
/** An account with a balance and no code. */
export const RICH_EOA: Address = '0x00000000000000000000000000000000000e0a00';
/** An account that exists but is empty (EIP-161: it is deleted when touched). */
export const EMPTY_ACCOUNT: Address = '0x00000000000000000000000000000000000e0000';
/** An address with no account. */
export const NOBODY: Address = '0x000000000000000000000000000000000000dead';
export const COINBASE: Address = '0x00000000000000000000000000000000000c0b00';

export const CALLER_BALANCE = 10n ** 24n;

/** BLOCKHASH in fuzz blocks: keccak256 of the number's decimal digits (as the state tests). */
export function fuzzBlockHash(number: bigint): bigint {
  return bytesToBigint(keccak256(new TextEncoder().encode(number.toString())));
}

export function fuzzBlock(overrides: Partial<BlockContext> = {}): BlockContext {
  return {
    coinbase: COINBASE,
    number: 1000n,
    timestamp: 1_700_000_000n,
    gasLimit: 30_000_000n,
    baseFee: 7n,
    prevRandao: 0x1234n,
    difficulty: 0n,
    blobBaseFee: 1n,
    chainId: 1n,
    blockHash: fuzzBlockHash,
    ...overrides,
  };
}

export function account(init: Partial<AccountState> = {}): AccountState {
  return { balance: init.balance ?? 0n, nonce: init.nonce ?? 0n, code: init.code ?? EMPTY_BYTES, storage: init.storage ?? new Map() };
}

/** The usual world: the caller, a rich account without code, an empty account. Generators add contracts. */
export function baseWorld(): StateDump {
  return new Map<Address, AccountState>([
    [CALLER, account({ balance: CALLER_BALANCE })],
    [RICH_EOA, account({ balance: 10n ** 20n, nonce: 3n })],
    [EMPTY_ACCOUNT, account()],
  ]);
}

// ---- JSON ----

export interface FuzzCaseJson {
  generator: string;
  fork: string;
  block: Record<string, string>;
  pre: Record<string, { balance: string; nonce: string; code: string; storage: Record<string, string> }>;
  call: { caller: string; to: string; data: string; value: string; gas: string; gasPrice: string };
}

const q = (v: bigint) => '0x' + v.toString(16);

export function caseToJson(c: FuzzCase): FuzzCaseJson {
  const pre: FuzzCaseJson['pre'] = {};
  for (const [address, a] of c.pre) {
    const storage: Record<string, string> = {};
    for (const [slot, value] of [...a.storage].sort((x, y) => (x[0] < y[0] ? -1 : 1))) storage[q(slot)] = q(value);
    pre[address] = { balance: q(a.balance), nonce: q(a.nonce), code: bytesToHex(a.code), storage };
  }
  const b = c.block;
  return {
    generator: c.generator,
    fork: c.fork,
    block: {
      coinbase: b.coinbase,
      number: q(b.number),
      timestamp: q(b.timestamp),
      gasLimit: q(b.gasLimit),
      baseFee: q(b.baseFee),
      prevRandao: q(b.prevRandao),
      difficulty: q(b.difficulty),
      blobBaseFee: q(b.blobBaseFee),
      chainId: q(b.chainId),
    },
    pre,
    call: {
      caller: c.call.caller,
      to: c.call.to,
      data: bytesToHex(c.call.data),
      value: q(c.call.value),
      gas: q(c.call.gas),
      gasPrice: q(c.call.gasPrice),
    },
  };
}

export function caseFromJson(j: FuzzCaseJson): FuzzCase {
  const pre: StateDump = new Map();
  for (const [address, a] of Object.entries(j.pre)) {
    const storage = new Map<bigint, bigint>();
    for (const [slot, value] of Object.entries(a.storage)) storage.set(BigInt(slot), BigInt(value));
    pre.set(address.toLowerCase(), { balance: BigInt(a.balance), nonce: BigInt(a.nonce), code: hexToBytes(a.code), storage });
  }
  const b = j.block;
  return {
    generator: j.generator,
    fork: j.fork as ForkName,
    block: fuzzBlock({
      coinbase: b.coinbase!.toLowerCase(),
      number: BigInt(b.number!),
      timestamp: BigInt(b.timestamp!),
      gasLimit: BigInt(b.gasLimit!),
      baseFee: BigInt(b.baseFee!),
      prevRandao: BigInt(b.prevRandao!),
      difficulty: BigInt(b.difficulty!),
      blobBaseFee: BigInt(b.blobBaseFee!),
      chainId: BigInt(b.chainId!),
    }),
    pre,
    call: {
      caller: j.call.caller.toLowerCase(),
      to: j.call.to.toLowerCase(),
      data: hexToBytes(j.call.data),
      value: BigInt(j.call.value),
      gas: BigInt(j.call.gas),
      gasPrice: BigInt(j.call.gasPrice),
    },
  };
}
