/**
 * The transaction object of eth_sendTransaction, eth_call, eth_estimateGas and
 * eth_createAccessList, read strictly, and turned into a Transaction with the node's defaults.
 */
import type { Address } from '../../primitives/address.js';
import type { AccessListEntry, Authorization, TxType } from '../../tx/types.js';
import { invalidParams } from './errors.js';
import * as p from './params.js';

export interface TransactionRequest {
  from?: Address;
  to?: Address | null;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  data?: Uint8Array;
  nonce?: bigint;
  type?: TxType;
  accessList?: AccessListEntry[];
  chainId?: bigint;
  maxFeePerBlobGas?: bigint;
  blobVersionedHashes?: Uint8Array[];
  authorizationList?: Authorization[];
}

const FIELDS = [
  'from',
  'to',
  'gas',
  'gasLimit',
  'gasPrice',
  'maxFeePerGas',
  'maxPriorityFeePerGas',
  'value',
  'data',
  'input',
  'nonce',
  'type',
  'accessList',
  'chainId',
  'maxFeePerBlobGas',
  'blobVersionedHashes',
  'authorizationList',
  // Accepted and ignored: clients send them along.
  'blobs',
  'sidecars',
  'kzgCommitments',
  'kzgProofs',
  'yParity',
  'v',
  'r',
  's',
  'hash',
];

/** A transaction object; `maxDataBytes` bounds the input. */
export function transactionRequest(value: unknown, at: p.Where, maxDataBytes: number): TransactionRequest {
  const o = p.object(value, at);
  p.onlyKeys(o, FIELDS, at);
  const f = (name: string) => `${at}.${name}`;
  const request: TransactionRequest = {
    from: p.optional(o.from, (v) => p.address(v, f('from'))),
    to: o.to === null ? null : p.optional(o.to, (v) => p.address(v, f('to'))),
    gas: p.optional(o.gas ?? o.gasLimit, (v) => p.uint64(v, f('gas'))),
    gasPrice: p.optional(o.gasPrice, (v) => p.quantity(v, f('gasPrice'))),
    maxFeePerGas: p.optional(o.maxFeePerGas, (v) => p.quantity(v, f('maxFeePerGas'))),
    maxPriorityFeePerGas: p.optional(o.maxPriorityFeePerGas, (v) => p.quantity(v, f('maxPriorityFeePerGas'))),
    value: p.optional(o.value, (v) => p.quantity(v, f('value'))),
    nonce: p.optional(o.nonce, (v) => p.uint64(v, f('nonce'))),
    chainId: p.optional(o.chainId, (v) => p.uint64(v, f('chainId'))),
    maxFeePerBlobGas: p.optional(o.maxFeePerBlobGas, (v) => p.quantity(v, f('maxFeePerBlobGas'))),
  };
  const input = p.optional(o.input, (v) => p.data(v, f('input'), maxDataBytes));
  const data = p.optional(o.data, (v) => p.data(v, f('data'), maxDataBytes));
  if (input && data && (input.length !== data.length || input.some((b, i) => b !== data[i]))) {
    throw invalidParams(`${at}: both "data" and "input" are set and differ; set one`);
  }
  request.data = input ?? data;
  const type = p.optional(o.type, (v) => p.quantity(v, f('type'), 0xffn));
  if (type !== undefined) {
    if (type > 4n) throw invalidParams(`${f('type')}: transaction type ${type} is not supported (0-4)`);
    request.type = Number(type) as TxType;
  }
  if (o.accessList !== undefined && o.accessList !== null) request.accessList = accessList(o.accessList, f('accessList'));
  if (o.blobVersionedHashes !== undefined && o.blobVersionedHashes !== null) {
    request.blobVersionedHashes = p
      .array(o.blobVersionedHashes, f('blobVersionedHashes'), 64)
      .map((h, i) => p.hash(h, `${f('blobVersionedHashes')}[${i}]`));
  }
  if (o.authorizationList !== undefined && o.authorizationList !== null) {
    request.authorizationList = p
      .array(o.authorizationList, f('authorizationList'), 1024)
      .map((a, i) => authorization(a, `${f('authorizationList')}[${i}]`));
  }
  if (request.gasPrice !== undefined && (request.maxFeePerGas !== undefined || request.maxPriorityFeePerGas !== undefined)) {
    throw invalidParams(`${at}: both gasPrice and maxFeePerGas/maxPriorityFeePerGas are set; set one kind of fee`);
  }
  return request;
}

export function accessList(value: unknown, at: p.Where): AccessListEntry[] {
  return p.array(value, at).map((entry, i) => {
    const w = `${at}[${i}]`;
    const o = p.object(entry, w);
    p.onlyKeys(o, ['address', 'storageKeys'], w);
    return {
      address: p.address(o.address, `${w}.address`),
      storageKeys: p.array(o.storageKeys ?? [], `${w}.storageKeys`).map((k, j) => p.word(k, `${w}.storageKeys[${j}]`)),
    };
  });
}

function authorization(value: unknown, at: p.Where): Authorization {
  const o = p.object(value, at);
  p.onlyKeys(o, ['chainId', 'address', 'nonce', 'yParity', 'v', 'r', 's'], at);
  return {
    chainId: p.quantity(o.chainId, `${at}.chainId`),
    address: p.address(o.address, `${at}.address`),
    nonce: p.uint64(o.nonce, `${at}.nonce`),
    yParity: p.quantity(o.yParity ?? o.v, `${at}.yParity`, 0xffn),
    r: p.quantity(o.r, `${at}.r`),
    s: p.quantity(o.s, `${at}.s`),
  };
}

/** The type a request asks for, explicitly or by the fields it sets. */
export function inferType(request: TransactionRequest, london: boolean): TxType {
  if (request.type !== undefined) return request.type;
  if (request.authorizationList !== undefined) return 4;
  if (request.blobVersionedHashes !== undefined || request.maxFeePerBlobGas !== undefined) return 3;
  if (request.maxFeePerGas !== undefined || request.maxPriorityFeePerGas !== undefined) return 2;
  if (request.gasPrice !== undefined) return request.accessList !== undefined ? 1 : 0;
  if (london) return 2;
  return request.accessList !== undefined ? 1 : 0;
}
