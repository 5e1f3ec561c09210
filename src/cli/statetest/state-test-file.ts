/**
 * The state test format (ethereum/tests' and execution-spec-tests' state tests),
 * read strictly: a malformed field is a StateTestFileError naming the test and the field.
 */
import { parseAddress, type Address } from '../../primitives/address.js';
import { hexToBytes, parseQuantity } from '../../primitives/bytes.js';
import { Account } from '../../state/account.js';
import type { AccessListEntry, Authorization } from '../../tx/types.js';

export class StateTestFileError extends Error {
  override name = 'StateTestFileError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface StateTestEnv {
  coinbase: Address;
  gasLimit: bigint;
  number: bigint;
  timestamp: bigint;
  difficulty: bigint;
  baseFee: bigint | undefined;
  prevRandao: bigint | undefined;
  excessBlobGas: bigint | undefined;
}

export interface StateTestTransaction {
  data: Uint8Array[];
  gasLimit: bigint[];
  value: bigint[];
  accessLists: (AccessListEntry[] | null)[] | undefined;
  nonce: bigint;
  gasPrice: bigint | undefined;
  maxFeePerGas: bigint | undefined;
  maxPriorityFeePerGas: bigint | undefined;
  maxFeePerBlobGas: bigint | undefined;
  blobVersionedHashes: Uint8Array[] | undefined;
  authorizationList: Authorization[] | undefined;
  to: Address | null;
  secretKey: Uint8Array;
  sender: Address | undefined;
}

export interface PostEntry {
  index: { data: number; gas: number; value: number };
  hash: string;
  logs: string;
  expectException: string | undefined;
}

export interface StateTest {
  name: string;
  env: StateTestEnv;
  pre: Map<Address, Account>;
  transaction: StateTestTransaction;
  /** Fork name as written in the file, to its entries. */
  post: Map<string, PostEntry[]>;
  chainId: bigint;
}

type Json = Record<string, unknown>;

export function object(value: unknown, field: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new StateTestFileError(field, 'expected an object');
  return value as Json;
}

export function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new StateTestFileError(field, 'expected an array');
  return value;
}

/** retesteth writes integers wider than 256 bits as "0x:bigint 0x..."; such a value can only be rejected. */
const BIGINT_PREFIX = '0x:bigint ';

export function quantity(value: unknown, field: string): bigint {
  try {
    if (typeof value === 'string' && value.startsWith(BIGINT_PREFIX)) return parseQuantity(value.slice(BIGINT_PREFIX.length));
    return parseQuantity(value as string);
  } catch (e) {
    throw new StateTestFileError(field, (e as Error).message);
  }
}

export function optionalQuantity(value: unknown, field: string): bigint | undefined {
  return value === undefined || value === null ? undefined : quantity(value, field);
}

export function bytes(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string') throw new StateTestFileError(field, 'expected a hex string');
  try {
    return hexToBytes(value);
  } catch (e) {
    throw new StateTestFileError(field, (e as Error).message);
  }
}

export function address(value: unknown, field: string): Address {
  try {
    return parseAddress(value as string, field);
  } catch (e) {
    throw new StateTestFileError(field, (e as Error).message);
  }
}

/** An `alloc`/`pre`/`postState` object: address to {balance, nonce, code, storage}. */
export function parseAccounts(raw: unknown, field: string): Map<Address, Account> {
  const accounts = new Map<Address, Account>();
  for (const [addr, rawAccount] of Object.entries(object(raw, field))) {
    const where = `${field}.${addr}`;
    const a = object(rawAccount, where);
    const account = new Account();
    account.balance = quantity(a.balance, `${where}.balance`);
    account.nonce = quantity(a.nonce, `${where}.nonce`);
    account.setCode(bytes(a.code ?? '0x', `${where}.code`));
    for (const [slot, value] of Object.entries(object(a.storage ?? {}, `${where}.storage`))) {
      const v = quantity(value, `${where}.storage.${slot}`);
      if (v !== 0n) account.storage.set(quantity(slot, `${where}.storage`), v);
    }
    accounts.set(address(addr, where), account);
  }
  return accounts;
}

/** Reads every test of one parsed state-test file. */
export function parseStateTests(json: unknown): StateTest[] {
  const tests: StateTest[] = [];
  for (const [name, raw] of Object.entries(object(json, 'file'))) {
    tests.push(parseStateTest(name, raw));
  }
  return tests;
}

function parseStateTest(name: string, raw: unknown): StateTest {
  const t = object(raw, name);
  const f = (field: string) => `${name}.${field}`;
  const env = object(t.env, f('env'));
  const pre = parseAccounts(t.pre, f('pre'));

  const tx = object(t.transaction, f('transaction'));
  const to = tx.to === '' || tx.to === undefined || tx.to === null ? null : address(tx.to, f('transaction.to'));
  const transaction: StateTestTransaction = {
    data: array(tx.data, f('transaction.data')).map((d, i) => bytes(d, f(`transaction.data[${i}]`))),
    gasLimit: array(tx.gasLimit, f('transaction.gasLimit')).map((g, i) => quantity(g, f(`transaction.gasLimit[${i}]`))),
    value: array(tx.value, f('transaction.value')).map((v, i) => quantity(v, f(`transaction.value[${i}]`))),
    accessLists:
      tx.accessLists === undefined
        ? undefined
        : array(tx.accessLists, f('transaction.accessLists')).map((list, i) =>
            list === null ? null : parseAccessList(list, f(`transaction.accessLists[${i}]`)),
          ),
    nonce: quantity(tx.nonce, f('transaction.nonce')),
    gasPrice: optionalQuantity(tx.gasPrice, f('transaction.gasPrice')),
    maxFeePerGas: optionalQuantity(tx.maxFeePerGas, f('transaction.maxFeePerGas')),
    maxPriorityFeePerGas: optionalQuantity(tx.maxPriorityFeePerGas, f('transaction.maxPriorityFeePerGas')),
    maxFeePerBlobGas: optionalQuantity(tx.maxFeePerBlobGas, f('transaction.maxFeePerBlobGas')),
    blobVersionedHashes:
      tx.blobVersionedHashes === undefined
        ? undefined
        : array(tx.blobVersionedHashes, f('transaction.blobVersionedHashes')).map((h, i) =>
            bytes(h, f(`transaction.blobVersionedHashes[${i}]`)),
          ),
    authorizationList:
      tx.authorizationList === undefined
        ? undefined
        : array(tx.authorizationList, f('transaction.authorizationList')).map((a, i) =>
            parseAuthorization(a, f(`transaction.authorizationList[${i}]`)),
          ),
    to,
    secretKey: bytes(tx.secretKey, f('transaction.secretKey')),
    sender: tx.sender === undefined ? undefined : address(tx.sender, f('transaction.sender')),
  };

  const post = new Map<string, PostEntry[]>();
  for (const [fork, entries] of Object.entries(object(t.post, f('post')))) {
    post.set(
      fork,
      array(entries, f(`post.${fork}`)).map((e, i) => {
        const where = f(`post.${fork}[${i}]`);
        const entry = object(e, where);
        const indexes = object(entry.indexes, `${where}.indexes`);
        return {
          index: {
            data: Number(quantity(indexes.data, `${where}.indexes.data`)),
            gas: Number(quantity(indexes.gas, `${where}.indexes.gas`)),
            value: Number(quantity(indexes.value, `${where}.indexes.value`)),
          },
          hash: String(entry.hash).toLowerCase(),
          logs: String(entry.logs).toLowerCase(),
          expectException: typeof entry.expectException === 'string' ? entry.expectException : undefined,
        };
      }),
    );
  }

  const config = t.config === undefined ? {} : object(t.config, f('config'));
  return {
    name,
    env: {
      coinbase: address(env.currentCoinbase, f('env.currentCoinbase')),
      gasLimit: quantity(env.currentGasLimit, f('env.currentGasLimit')),
      number: quantity(env.currentNumber, f('env.currentNumber')),
      timestamp: quantity(env.currentTimestamp, f('env.currentTimestamp')),
      difficulty: optionalQuantity(env.currentDifficulty, f('env.currentDifficulty')) ?? 0n,
      baseFee: optionalQuantity(env.currentBaseFee, f('env.currentBaseFee')),
      prevRandao: optionalQuantity(env.currentRandom, f('env.currentRandom')),
      excessBlobGas: optionalQuantity(env.currentExcessBlobGas, f('env.currentExcessBlobGas')),
    },
    pre,
    transaction,
    post,
    chainId: optionalQuantity(config.chainid, f('config.chainid')) ?? 1n,
  };
}

function parseAccessList(raw: unknown, field: string): AccessListEntry[] {
  return array(raw, field).map((e, i) => {
    const entry = object(e, `${field}[${i}]`);
    return {
      address: address(entry.address, `${field}[${i}].address`),
      storageKeys: array(entry.storageKeys, `${field}[${i}].storageKeys`).map((k, j) => quantity(k, `${field}[${i}].storageKeys[${j}]`)),
    };
  });
}

function parseAuthorization(raw: unknown, field: string): Authorization {
  const a = object(raw, field);
  return {
    chainId: quantity(a.chainId, `${field}.chainId`),
    address: address(a.address, `${field}.address`),
    nonce: quantity(a.nonce, `${field}.nonce`),
    yParity: quantity(a.v ?? a.yParity, `${field}.v`),
    r: quantity(a.r, `${field}.r`),
    s: quantity(a.s, `${field}.s`),
  };
}
