/**
 * Account queries of geth and Anvil beyond the basic getters: eth_getAccount (the state-trie
 * fields), eth_getAccountInfo (balance, nonce and code at once), eth_getStorageValues (many
 * slots of many accounts), debug_codeByHash, and eth_getTransactionBySenderAndNonce.
 */
import { bigintToHex as q, bytesToHex, equalBytes } from '../../primitives/bytes.js';
import { KECCAK256_EMPTY } from '../../primitives/hash.js';
import { requireLatestState, requireState, type Method, type MethodTable } from './context.js';
import { invalidParams } from './errors.js';
import { word } from './format.js';
import { otsMethods } from './ots.js';
import { ethMethods } from './eth.js';
import * as p from './params.js';

/** Most slots one eth_getStorageValues may ask for. */
const MAX_SLOTS = 10_000;

/** eth_getAccount: nonce, balance, storage root and code hash (the latest block: the tries are the latest's). */
const getAccount: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 2);
  const address = p.address(list[0], p.where(0, 'address'));
  requireLatestState(ctx.chain, p.blockRef(list[1], p.where(1, 'block')), 'eth_getAccount');
  const chain = ctx.chain;
  chain.commitState();
  const account = chain.state.getAccount(address);
  return {
    nonce: q(account?.nonce ?? 0n),
    balance: q(account?.balance ?? 0n),
    storageRoot: bytesToHex(chain.tracker.accountProof(address).storageRoot),
    codeHash: bytesToHex(account?.codeHash ?? KECCAK256_EMPTY),
  };
};

const getAccountInfo: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 2);
  const address = p.address(list[0], p.where(0, 'address'));
  const { state } = requireState(ctx.chain, p.blockRef(list[1], p.where(1, 'block')));
  return { balance: q(state.getBalance(address)), nonce: q(state.getNonce(address)), code: bytesToHex(state.getCode(address)) };
};

/** eth_getStorageValues [{address: [slot, ...]}, block] -> {address: [value, ...]}. */
const getStorageValues: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 2);
  const request = p.object(list[0], p.where(0, 'slots by address'));
  const { state } = requireState(ctx.chain, p.blockRef(list[1], p.where(1, 'block')));
  let count = 0;
  const out: Record<string, string[]> = {};
  for (const [key, slots] of Object.entries(request)) {
    const address = p.address(key, `${p.where(0, 'slots by address')} key`);
    const at = `${p.where(0, 'slots by address')}.${key.slice(0, 42)}`;
    const values = p.array(slots, at, MAX_SLOTS).map((slot, i) => {
      if (typeof slot !== 'string' || slot.length !== 66) throw invalidParams(`${at}[${i}]: expected a 32-byte slot`);
      return word(state.getStorage(address, p.word(slot, `${at}[${i}]`)));
    });
    count += values.length;
    if (count > MAX_SLOTS) throw invalidParams(`${p.where(0, 'slots by address')}: more than ${MAX_SLOTS} slots`);
    out[address] = values;
  }
  return out;
};

/** debug_codeByHash [hash, block?]: the code with that hash among the state's accounts, or "0x". */
const codeByHash: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 2);
  const hash = p.hash(list[0], p.where(0, 'code hash'));
  p.blockRef(list[1], p.where(1, 'block'));
  if (equalBytes(hash, KECCAK256_EMPTY)) return '0x';
  for (const [, account] of ctx.chain.state.accountEntries()) if (equalBytes(account.codeHash, hash)) return bytesToHex(account.code);
  return '0x';
};

/** The mined transaction with this sender and nonce, or one in the pool, or null. */
const transactionBySenderAndNonce: Method = (ctx, params) => {
  const list = p.expectParams(params, 2, 2);
  const sender = p.address(list[0], p.where(0, 'sender'));
  const nonce = p.uint64(list[1], p.where(1, 'nonce'));
  const hash = otsMethods.ots_getTransactionBySenderAndNonce!(ctx, [sender, q(nonce)]) as string | null;
  if (hash !== null) return ethMethods.eth_getTransactionByHash!(ctx, [hash]);
  for (const pooled of ctx.chain.pool.all())
    if (pooled.sender === sender && pooled.tx.nonce === nonce) return ethMethods.eth_getTransactionByHash!(ctx, [pooled.hashHex]);
  return null;
};

export const accountQueryMethods: MethodTable = {
  eth_getAccount: getAccount,
  eth_getAccountInfo: getAccountInfo,
  eth_getStorageValues: getStorageValues,
  debug_codeByHash: codeByHash,
  eth_getTransactionBySenderAndNonce: transactionBySenderAndNonce,
};
