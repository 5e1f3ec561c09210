/**
 * Sending and signing: eth_sendTransaction (dev and impersonated accounts),
 * eth_sendRawTransaction (types 0-4), eth_signTransaction, eth_sign, personal_sign and
 * eth_signTypedData_v4.
 */
import type { Address } from '../../primitives/address.js';
import { bytesToHex, EMPTY_BYTES } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import type { Transaction } from '../../tx/types.js';
import { InvalidTransactionError } from '../../tx/types.js';
import { encodeTransaction } from '../../tx/encode.js';
import { signTransaction } from '../../tx/sender.js';
import { validateTransaction, withSignature, type ValidatedTransaction } from '../../tx/validate.js';
import type { ValidatedBlockTransaction } from '../../chain/block.js';
import type { DevChain } from '../dev-chain.js';
import type { DevAccount } from '../accounts.js';
import { transactionRejection } from './chain-errors.js';
import { estimateGas } from './simulate.js';
import { impersonatedSignature, personalMessageHash, signDigest } from '../signing.js';
import { hashTypedData, parseTypedData, TypedDataError } from '../typed-data.js';
import { RpcError, SERVER_ERROR, invalidParams } from './errors.js';
import type { MethodTable, RpcContext } from './context.js';
import * as p from './params.js';
import { inferType, transactionRequest, type TransactionRequest } from './tx-request.js';
import { decodeRawTransaction } from './raw-transaction.js';
import { DEFAULT_PRIORITY_FEE } from './eth.js';
import { formatTransaction } from './format.js';

function rejection(error: unknown): never {
  if (error instanceof InvalidTransactionError) throw transactionRejection(error);
  throw error;
}

/** The stateless rules, once: the pool and the block take the value they return. */
function validated(chain: DevChain, tx: Transaction, sender?: Address): ValidatedTransaction {
  try {
    return validateTransaction(tx, chain.rules, { chainId: chain.chainId, sender, signers: chain.keys.signers });
  } catch (error) {
    rejection(error);
  }
}

/** Submits to the pool; a transaction the automined block rejected is reported as rejected. */
function submit(chain: DevChain, item: ValidatedBlockTransaction): string {
  try {
    return chain.submit(item);
  } catch (error) {
    rejection(error);
  }
}

/** Who may send from `address`: a dev key, or impersonation (no key needed). */
function signerFor(chain: DevChain, address: Address): DevAccount | 'impersonated' {
  const account = chain.keys.account(address);
  if (account) return account;
  if (chain.keys.isImpersonated(address)) return 'impersonated';
  throw new RpcError(SERVER_ERROR, `no signer for ${address}: not a dev account; impersonate it first (anvil_impersonateAccount)`);
}

/** The transaction a request describes, with the node's defaults for what it leaves out. */
function fillTransaction(ctx: RpcContext, request: TransactionRequest, from: Address): Transaction {
  const chain = ctx.chain;
  const rules = chain.rules;
  const type = inferType(request, rules.london);
  if (request.chainId !== undefined && request.chainId !== chain.chainId) {
    throw new RpcError(SERVER_ERROR, `invalid chain id: the transaction names ${request.chainId}, the chain is ${chain.chainId}`);
  }
  const baseFee = chain.miner.nextBaseFee();
  let gasPrice: bigint | undefined;
  let maxFeePerGas: bigint | undefined;
  let maxPriorityFeePerGas: bigint | undefined;
  if (type < 2) {
    gasPrice = request.gasPrice ?? baseFee + DEFAULT_PRIORITY_FEE;
  } else {
    maxPriorityFeePerGas = request.maxPriorityFeePerGas ?? DEFAULT_PRIORITY_FEE;
    maxFeePerGas = request.maxFeePerGas ?? 2n * baseFee + maxPriorityFeePerGas;
    if (request.maxPriorityFeePerGas === undefined && maxPriorityFeePerGas > maxFeePerGas) maxPriorityFeePerGas = maxFeePerGas;
  }
  const base: Transaction = {
    type,
    chainId: type === 0 && !rules.eip155 ? undefined : chain.chainId,
    nonce: request.nonce ?? chain.pendingNonce(from),
    gasPrice,
    maxPriorityFeePerGas,
    maxFeePerGas,
    gasLimit: request.gas ?? 0n,
    to: request.to ?? null,
    value: request.value ?? 0n,
    data: request.data ?? EMPTY_BYTES,
    accessList: request.accessList ?? [],
    maxFeePerBlobGas: type === 3 ? (request.maxFeePerBlobGas ?? 2n * chain.miner.nextBlobBaseFee()) : undefined,
    blobVersionedHashes: type === 3 ? (request.blobVersionedHashes ?? []) : undefined,
    authorizationList: type === 4 ? (request.authorizationList ?? []) : undefined,
    v: 0n,
    r: 0n,
    s: 0n,
  };
  if (request.gas === undefined) {
    const latest = chain.latest();
    base.gasLimit = estimateGas(chain, {
      request: { ...request, from, type, gasPrice, maxFeePerGas, maxPriorityFeePerGas, nonce: undefined },
      state: chain.state,
      context: chain.blockContext(latest, true),
      gasCap: chain.miner.gasLimit,
    });
  }
  return base;
}

/** Validates a transaction from a known sender before signing it (or impersonating the signer). */
function sign(chain: DevChain, tx: Transaction, from: Address): ValidatedBlockTransaction {
  const signer = signerFor(chain, from);
  if (signer === 'impersonated') return impersonate(chain, tx, from);
  const valid = validated(chain, tx, from);
  const signed = signTransaction(tx, signer.privateKey, { keyIsPublic: signer.keyIsPublic === true });
  const encoded = encodeTransaction(signed);
  return { ...withSignature(valid, signed), hash: keccak256(encoded), encoded };
}

/** A transaction sent without the sender's key; the sender may be a contract (Anvil's rule). */
function impersonate(chain: DevChain, tx: Transaction, from: Address): ValidatedBlockTransaction {
  const valid = validated(chain, tx, from);
  const signed = impersonatedSignature(tx, from);
  const encoded = encodeTransaction(signed);
  return { ...withSignature(valid, signed), hash: keccak256(encoded), encoded, impersonated: true };
}

function requestFrom(ctx: RpcContext, value: unknown): { request: TransactionRequest; from: Address } {
  const request = transactionRequest(value, p.where(0, 'transaction'), ctx.limits.maxBodyBytes);
  if (request.from === undefined) throw invalidParams('parameter 1 (transaction): "from" is required');
  return { request, from: request.from };
}

function signature(ctx: RpcContext, address: Address, digest: Uint8Array): string {
  const key = ctx.chain.keys.privateKeyOf(address);
  if (!key) throw new RpcError(SERVER_ERROR, `no key for ${address}: only dev accounts can sign`);
  return signDigest(digest, key);
}

function typedDataSignature(ctx: RpcContext, params: unknown): string {
  const list = p.expectParams(params, 2, 2);
  const address = p.address(list[0], p.where(0, 'address'));
  try {
    return signature(ctx, address, hashTypedData(parseTypedData(list[1])));
  } catch (error) {
    if (error instanceof TypedDataError) throw invalidParams(`parameter 2 (typed data): ${error.message}`);
    throw error;
  }
}

export const ethSendMethods: MethodTable = {
  eth_sendTransaction: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const { request, from } = requestFrom(ctx, list[0]);
    signerFor(ctx.chain, from);
    return submit(ctx.chain, sign(ctx.chain, fillTransaction(ctx, request, from), from));
  },
  /** Anvil's: sends from any address without a signature, as if it were impersonated. */
  eth_sendUnsignedTransaction: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const { request, from } = requestFrom(ctx, list[0]);
    return submit(ctx.chain, impersonate(ctx.chain, fillTransaction(ctx, request, from), from));
  },
  /** geth's: the transaction with the node's defaults filled in, unsigned (`raw`: its encoding with a zero signature). */
  eth_fillTransaction: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const { request, from } = requestFrom(ctx, list[0]);
    const tx = fillTransaction(ctx, request, from);
    const encoded = encodeTransaction(tx);
    return { raw: bytesToHex(encoded), tx: formatTransaction({ tx, sender: from, hash: keccak256(encoded), encoded }, undefined) };
  },
  eth_signTransaction: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const { request, from } = requestFrom(ctx, list[0]);
    const key = ctx.chain.keys.privateKeyOf(from);
    if (!key) throw new RpcError(SERVER_ERROR, `no key for ${from}: only dev accounts can sign`);
    return bytesToHex(sign(ctx.chain, fillTransaction(ctx, request, from), from).encoded);
  },
  eth_sendRawTransaction: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const { tx, encoded, blobs } = decodeRawTransaction(p.data(list[0], p.where(0, 'transaction'), ctx.limits.maxBodyBytes));
    // A signature anvil_impersonateSignature registered sends for its address, unrecovered.
    const sender = ctx.chain.keys.impersonatedSigner(tx);
    const hash = submit(ctx.chain, { ...validated(ctx.chain, tx, sender), hash: keccak256(encoded), encoded });
    // Kept for anvil_getBlobByHash (Anvil keeps them too); a dev chain sends few blobs.
    blobs?.forEach((blob, i) => ctx.chain.blobs.set(bytesToHex(tx.blobVersionedHashes![i]!), blob));
    return hash;
  },
  eth_sign: (ctx, params) => {
    const list = p.expectParams(params, 2, 2);
    const address = p.address(list[0], p.where(0, 'address'));
    const message = p.data(list[1], p.where(1, 'message'), ctx.limits.maxBodyBytes);
    return signature(ctx, address, personalMessageHash(message));
  },
  personal_sign: (ctx, params) => {
    const list = p.expectParams(params, 2, 3);
    const message = p.data(list[0], p.where(0, 'message'), ctx.limits.maxBodyBytes);
    const address = p.address(list[1], p.where(1, 'address'));
    return signature(ctx, address, personalMessageHash(message));
  },
  eth_signTypedData_v4: typedDataSignature,
  // Version 3 is version 4 without arrays and recursive types: the same hash for what it allows.
  eth_signTypedData_v3: typedDataSignature,
  eth_signTypedData: typedDataSignature,
};
