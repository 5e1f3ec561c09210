/**
 * Blocks for the proofs that parallel execution equals sequential (tests, `fuzz --mode block`,
 * `bench block`): a pre-state with funded senders and a few small contracts, and a block of
 * transactions of chosen kinds whose conflict rate is tunable (0: every transaction touches its
 * own accounts; 1: they all meet on a few hot accounts, slots and senders).
 *
 * The contracts are a few bytes of hand-assembled EVM code each: a token (balances keyed by
 * address, transfers revert on a short balance, a log per transfer), a constant-product pair
 * (two reserves, `amountIn` in, `out = r1 * in / (r0 + in)`, a log), a counter, a contract that
 * stores the coinbase's balance, one that self-destructs to its caller, one that always reverts,
 * one that hashes a word many times (heavy transactions), and creations of a counter (which later
 * transactions of the block call). From Prague, EIP-7702 authorities delegating to the counter.
 */
import type { Address } from '../../primitives/address.js';
import { bigintToAddress, createAddress } from '../../primitives/address.js';
import { hexToBytes, bigintToFixedBytes, concatBytes, EMPTY_BYTES } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import { addressToBigint } from '../../primitives/address.js';
import { Account } from '../../state/account.js';
import { encodeTransaction } from '../../tx/encode.js';
import { feeMarketTransaction, type Authorization } from '../../tx/types.js';
import { signAuthorization } from '../../tx/sender.js';
import { privateKeyToAddress } from '../../tx/keys.js';
import type { BlockTransaction } from '../block.js';
import { seededRandom } from '../parallel.js';

export type TxKind =
  | 'transfer'
  | 'erc20'
  | 'swap'
  | 'create'
  | 'call-created'
  | 'selfdestruct'
  | 'revert'
  | 'coinbase-reader'
  | 'pay-coinbase'
  | 'counter'
  | 'compute'
  | 'delegate'
  | 'call-delegated';

export const ALL_KINDS: readonly TxKind[] = [
  'transfer',
  'erc20',
  'swap',
  'create',
  'call-created',
  'selfdestruct',
  'revert',
  'coinbase-reader',
  'pay-coinbase',
  'counter',
  'compute',
];

/**
 * EIP-7702 kinds (Prague on): `delegate` sends a set-code transaction whose authorization (signed
 * by one of a few authority keys, now and then with a stale nonce, which is skipped) delegates
 * the authority to the counter, or clears its delegation, and calls the authority; `call-delegated`
 * calls an authority, delegated or not.
 */
export const SET_CODE_KINDS: readonly TxKind[] = ['delegate', 'call-delegated'];

/** The authorities' keys: fixed, so their addresses are too. */
const AUTHORITY_KEYS = Array.from({ length: 6 }, (_, k) => keccak256(new TextEncoder().encode(`polyvm stm authority ${k}`)));
const AUTHORITIES = AUTHORITY_KEYS.map((key) => privateKeyToAddress(key));

export interface GeneratorOptions {
  seed: number;
  transactions: number;
  /** 0 to 1: how often a transaction picks a hot account, pair or sender. */
  conflict: number;
  kinds?: readonly TxKind[];
  /** How many pairs the swaps spread over (default 100). */
  pairs?: number;
  chainId?: bigint;
}

export interface GeneratedBlock {
  pre: Map<Address, Account>;
  transactions: BlockTransaction[];
  coinbase: Address;
  /** The base fee the block must have for these fees (maxFeePerGas is above it). */
  baseFee: bigint;
  gasLimit: bigint;
}

const code = (hex: string): Uint8Array => hexToBytes('0x' + hex.replace(/\s+/g, ''));

/** calldata (to, amount): moves `amount` from the caller's slot to `to`'s, or reverts. */
export const TOKEN_CODE = code('602035 3354 818110 602457 819003 3355 600035 8054 8201 9055 600052 6001 6020 6000 a1 00 5b 6000 80 fd');
/** calldata (amountIn): reserves in slots 0 and 1. */
export const PAIR_CODE = code('600035 600054 818101 80600055 9050 600154 808302 829004 90819003 600155 600052 6002 6020 6000 a1 00');
/** slot 0 += 1. */
export const COUNTER_CODE = code('600054 600101 600055 00');
/** slot[caller] = balance(coinbase). */
export const COINBASE_READER_CODE = code('41 31 33 55 00');
/** selfdestruct(caller). */
export const SELFDESTRUCT_CODE = code('33 ff');
export const REVERT_CODE = code('6000 80 fd');
/** calldata (n): hashes a word n times (about 90 gas a round), stores the result in slot[caller]. */
export const COMPUTE_CODE = code('600035 5b 8015601857 6020600020600052 60019003 600356 5b 600051 33 55 00');
/** Stores 7 in slot 0, deploys COUNTER_CODE. */
export const CREATE_COUNTER_INIT = code('6007 6000 55 69 600054600101600055 00 600052 600a 6016 f3');

const TOKEN: Address = bigintToAddress(0x70000n);
const COUNTER: Address = bigintToAddress(0x70001n);
export const COINBASE_READER: Address = bigintToAddress(0x70002n);
const REVERTER: Address = bigintToAddress(0x70003n);
const COMPUTE: Address = bigintToAddress(0x70004n);
const PAIR_BASE = 0x80000n;
const DESTRUCTOR_BASE = 0x90000n;
const DESTRUCTORS = 8;
const HOT = 4;

function contract(runtime: Uint8Array, balance = 0n, storage: [bigint, bigint][] = []): Account {
  const a = new Account();
  a.nonce = 1n;
  a.balance = balance;
  a.setCode(runtime);
  for (const [slot, value] of storage) a.storage.set(slot, value);
  return a;
}

const word = (value: bigint): Uint8Array => bigintToFixedBytes(value, 32);

/** A block of `transactions` transactions over a fresh pre-state; the same options give the same block. */
export function generateBlock(options: GeneratorOptions): GeneratedBlock {
  const random = seededRandom(options.seed * 2654435761 + 17);
  const int = (n: number): number => Math.floor(random() * n);
  const kinds = options.kinds ?? ALL_KINDS;
  const pairs = options.pairs ?? 100;
  const chainId = options.chainId ?? 1n;
  const n = options.transactions;
  const pre = new Map<Address, Account>();
  const coinbase = bigintToAddress(0xc0ffeen + BigInt(options.seed % 3));
  // Senders: one each, unless a hot one is picked; also the token's holders.
  const senders: Address[] = [];
  const tokenStorage: [bigint, bigint][] = [];
  for (let i = 0; i < n + HOT; i++) {
    const address = bigintToAddress(0x1000000n + BigInt(i));
    senders.push(address);
    const a = new Account();
    a.balance = 10n ** 21n;
    pre.set(address, a);
    tokenStorage.push([addressToBigint(address), 1_000_000n]);
  }
  pre.set(TOKEN, contract(TOKEN_CODE, 0n, tokenStorage));
  pre.set(COUNTER, contract(COUNTER_CODE));
  pre.set(COINBASE_READER, contract(COINBASE_READER_CODE));
  pre.set(REVERTER, contract(REVERT_CODE));
  pre.set(COMPUTE, contract(COMPUTE_CODE));
  for (let p = 0; p < pairs; p++)
    pre.set(
      bigintToAddress(PAIR_BASE + BigInt(p)),
      contract(PAIR_CODE, 0n, [
        [0n, 10n ** 12n],
        [1n, 10n ** 12n],
      ]),
    );
  for (let d = 0; d < DESTRUCTORS; d++) pre.set(bigintToAddress(DESTRUCTOR_BASE + BigInt(d)), contract(SELFDESTRUCT_CODE, 10n ** 15n));
  // The coinbase sometimes exists before the block, sometimes not.
  if (options.seed % 2 === 0) {
    const a = new Account();
    a.balance = 5n;
    pre.set(coinbase, a);
  }

  // Some authorities hold ether and have sent before (a nonce above zero); the others do not exist.
  const authorityNonces = AUTHORITIES.map((address, k) => {
    if (k % 2 === 1) return 0n;
    const a = new Account();
    a.balance = 10n ** 18n;
    a.nonce = BigInt(k);
    pre.set(address, a);
    return a.nonce;
  });

  const hot = (): boolean => random() < options.conflict;
  const nonces = new Map<Address, bigint>();
  const created: Address[] = [];
  const transactions: BlockTransaction[] = [];
  const baseFee = 7n;
  for (let i = 0; i < n; i++) {
    const sender = hot() && random() < 0.5 ? senders[n + int(HOT)]! : senders[i]!;
    // A recipient: a hot sender, or one that no other transaction touches.
    const other = (): Address => (hot() ? senders[n + int(HOT)]! : bigintToAddress(0x3000000n + BigInt(i)));
    const nonce = nonces.get(sender) ?? 0n;
    const kind = kinds[int(kinds.length)]!;
    let to: Address | null = null;
    let value = 0n;
    let data: Uint8Array = EMPTY_BYTES;
    let gasLimit = 200_000n;
    let authorizationList: Authorization[] | undefined;
    switch (kind) {
      case 'transfer': {
        // Sometimes to an address that holds nothing yet (it is created).
        to = random() < 0.2 ? bigintToAddress(0x5000000n + BigInt(int(hot() ? 2 : 1_000_000))) : other();
        value = BigInt(1 + int(1000));
        gasLimit = 21_000n;
        break;
      }
      case 'erc20': {
        to = TOKEN;
        const amount = random() < 0.05 ? 10n ** 9n : BigInt(1 + int(1000)); // a short balance reverts
        data = concatBytes(word(addressToBigint(other())), word(amount));
        break;
      }
      case 'swap':
        to = bigintToAddress(PAIR_BASE + BigInt(hot() ? int(2) : int(pairs)));
        data = word(BigInt(1 + int(10_000)));
        break;
      case 'create':
        data = CREATE_COUNTER_INIT;
        gasLimit = 300_000n;
        created.push(createAddress(sender, nonce));
        break;
      case 'call-created':
        to = created.length > 0 ? created[int(created.length)]! : COUNTER;
        break;
      case 'selfdestruct':
        to = bigintToAddress(DESTRUCTOR_BASE + BigInt(int(hot() ? 2 : DESTRUCTORS)));
        value = BigInt(int(3));
        break;
      case 'revert':
        to = REVERTER;
        value = 1n;
        break;
      case 'coinbase-reader':
        to = COINBASE_READER;
        break;
      case 'pay-coinbase':
        to = coinbase;
        value = BigInt(1 + int(100));
        gasLimit = 21_000n;
        break;
      case 'counter':
        to = COUNTER;
        break;
      case 'compute':
        // Heavy and independent: each sender its own slot.
        to = COMPUTE;
        data = word(BigInt(1500 + int(1000)));
        gasLimit = 400_000n;
        break;
      case 'delegate': {
        const k = hot() ? int(2) : int(AUTHORITIES.length);
        const stale = random() < 0.1;
        const nonce = authorityNonces[k]! - (stale && authorityNonces[k]! > 0n ? 1n : 0n);
        // Valid authorizations bump the authority's nonce, in block order.
        if (!stale || authorityNonces[k] === 0n) authorityNonces[k] = authorityNonces[k]! + 1n;
        const target = random() < 0.2 ? bigintToAddress(0n) : COUNTER;
        authorizationList = [signAuthorization({ chainId, address: target, nonce }, AUTHORITY_KEYS[k]!)];
        to = AUTHORITIES[k]!;
        gasLimit = 100_000n;
        break;
      }
      case 'call-delegated':
        to = AUTHORITIES[hot() ? int(2) : int(AUTHORITIES.length)]!;
        value = BigInt(int(2));
        gasLimit = 100_000n;
        break;
    }
    nonces.set(sender, nonce + 1n);
    const tx = feeMarketTransaction({
      chainId,
      nonce,
      maxPriorityFeePerGas: BigInt(1 + int(3)),
      maxFeePerGas: 100n,
      gasLimit,
      to,
      value,
      data,
      ...(authorizationList === undefined ? {} : { type: 4 as const, authorizationList }),
    });
    const encoded = encodeTransaction(tx);
    transactions.push({ tx, sender, hash: keccak256(encoded), encoded });
  }
  const gasLimit = transactions.reduce((sum, t) => sum + t.tx.gasLimit, 0n) + 1_000_000n;
  return { pre, transactions, coinbase, baseFee, gasLimit };
}

/** A copy of the pre-state's accounts (each run needs its own). */
export function clonePre(pre: ReadonlyMap<Address, Account>): Map<Address, Account> {
  const copy = new Map<Address, Account>();
  for (const [address, account] of pre) copy.set(address, account.clone());
  return copy;
}
