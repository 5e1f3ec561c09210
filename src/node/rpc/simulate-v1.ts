/**
 * eth_simulateV1 (execution-apis): blocks of calls run in order on a throw-away overlay of a
 * block's state, each block with its own state and block overrides, each call seeing what the
 * earlier ones changed. Calls run as eth_call runs them (no fee given: no fee charged). The
 * simulated blocks are not mined: their hashes and transaction hashes are placeholders derived
 * from the block number and position, and their roots and bloom are not computed.
 * With `traceTransfers`, every ether transfer shows as an ERC-20 `Transfer` log of the address
 * 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE, in order among the call's own logs (as geth does).
 * With `validation`, each call is checked as a transaction (nonce, fees against the base fee,
 * funds, a sender without code) and a failing one fails the request with execution-apis' code
 * (-38010 nonce too low, -38011 too high, -38012 fee below the base fee, -38014 funds, ...).
 */
import { bigintToHex as q, bytesToBigint, bytesToHex, concatBytes, bigintToFixedBytes } from '../../primitives/bytes.js';
import { addressToBigint } from '../../primitives/address.js';
import type { Log, TracedEnter, TracedExit, Tracer as HostTracer } from '../../host/index.js';
import { keccak256 } from '../../primitives/hash.js';
import { createOverlayState } from '../../chain/overlay-state.js';
import { invalidParams } from './errors.js';
import { requireState, type Method, type MethodTable } from './context.js';
import { applyBlockOverrides, applyStateOverrides, executionError, simulate } from './simulate.js';
import { blockOverrides, stateOverrides } from './eth.js';
import { transactionRequest } from './tx-request.js';
import { word, type Json } from './format.js';
import * as p from './params.js';

/** geth's bound on the blocks of one simulation. */
const MAX_BLOCKS = 256;
const MAX_CALLS = 1000;
/** A simulated block follows its parent by this many seconds unless its overrides say otherwise (geth). */
const BLOCK_SECONDS = 12n;
/** execution-apis: a call that failed for a reason other than a revert. */
const VM_ERROR = -32015;

const bigintToFixed32 = (n: bigint): Uint8Array => bigintToFixedBytes(n, 32);

/** Where traceTransfers' logs come from (geth's choice): no contract lives there. */
const ETHER_ADDRESS = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
const TRANSFER_TOPIC = bytesToBigint(keccak256(new TextEncoder().encode('Transfer(address,address,uint256)')));

/**
 * The logs of one call with each ether transfer (a call or create with value, the
 * transaction's own value, a self-destruct's balance) as a Transfer log where it happened; the
 * logs of a frame that reverted are dropped, its transfer's too.
 */
class TransferLogs implements HostTracer {
  readonly framesOnly = true;
  /** The logs of each frame not yet ended, innermost last; the first holds the finished ones. */
  readonly #frames: Log[][] = [[]];

  enter(frame: TracedEnter): void {
    const logs: Log[] = [];
    if (frame.type !== 'DELEGATECALL' && frame.value !== undefined && frame.value > 0n) {
      logs.push({
        address: ETHER_ADDRESS,
        topics: [TRANSFER_TOPIC, addressToBigint(frame.from), addressToBigint(frame.to)],
        data: bigintToFixed32(frame.value),
      });
    }
    this.#frames.push(logs);
  }

  exit(frame: TracedExit): void {
    const logs = this.#frames.pop()!;
    if (!frame.reverted) this.#frames[this.#frames.length - 1]!.push(...logs);
  }

  log(log: Log): void {
    this.#frames[this.#frames.length - 1]!.push(log);
  }

  logs(): Log[] {
    return this.#frames[0]!;
  }
}

const simulateV1: Method = (ctx, params) => {
  const list = p.expectParams(params, 1, 2);
  const at = p.where(0, 'simulation');
  const payload = p.object(list[0], at);
  p.onlyKeys(payload, ['blockStateCalls', 'traceTransfers', 'validation', 'returnFullTransactions'], at);
  const validation = payload.validation !== undefined && p.boolean(payload.validation, `${at}.validation`);
  const traceTransfers = payload.traceTransfers !== undefined && p.boolean(payload.traceTransfers, `${at}.traceTransfers`);
  if (payload.returnFullTransactions !== undefined) p.boolean(payload.returnFullTransactions, `${at}.returnFullTransactions`);
  const blocksIn = p.array(payload.blockStateCalls, `${at}.blockStateCalls`, MAX_BLOCKS);
  let callCount = 0;
  const parsed = blocksIn.map((raw, i) => {
    const w = `${at}.blockStateCalls[${i}]`;
    const o = p.object(raw, w);
    p.onlyKeys(o, ['blockOverrides', 'stateOverrides', 'calls'], w);
    const calls = o.calls === undefined || o.calls === null ? [] : p.array(o.calls, `${w}.calls`, MAX_CALLS);
    callCount += calls.length;
    if (callCount > MAX_CALLS) throw invalidParams(`${at}: more than ${MAX_CALLS} calls`);
    return {
      blockOverrides: blockOverrides(o.blockOverrides, `${w}.blockOverrides`),
      stateOverrides: stateOverrides(o.stateOverrides, `${w}.stateOverrides`),
      calls: calls.map((c, j) => transactionRequest(c, `${w}.calls[${j}]`, ctx.limits.maxBodyBytes)),
    };
  });
  const { block: base, pending, state: baseState } = requireState(ctx.chain, p.blockRef(list[1], p.where(1, 'block')));
  const baseContext = ctx.chain.blockContext(base, pending);
  let state = createOverlayState(baseState);
  let parentHash = bytesToHex(base.hash);
  let number = base.header.number;
  let timestamp = base.header.timestamp;
  const out: Json[] = [];
  parsed.forEach((b, i) => {
    const o = b.blockOverrides;
    if (o?.number !== undefined && o.number <= number)
      throw invalidParams(`${at}.blockStateCalls[${i}].blockOverrides.number: ${o.number} is not after block ${number}`);
    if (o?.time !== undefined && o.time <= timestamp)
      throw invalidParams(`${at}.blockStateCalls[${i}].blockOverrides.time: ${o.time} is not after ${timestamp}`);
    number = o?.number ?? number + 1n;
    timestamp = o?.time ?? timestamp + BLOCK_SECONDS;
    const context = applyBlockOverrides({ ...baseContext, number, timestamp }, o);
    applyStateOverrides(state, b.stateOverrides);
    const hash = bytesToHex(keccak256(concatBytes(new TextEncoder().encode('polyvm simulated block'), bigintToFixed32(number))));
    let gasUsed = 0n;
    let logIndex = 0;
    const txHashes: string[] = [];
    const calls = b.calls.map((request, index) => {
      const transfers = traceTransfers ? new TransferLogs() : undefined;
      const run = simulate(ctx.chain, { request, state, context, gasCap: ctx.limits.callGasCap, validation }, transfers);
      state = run.state;
      const { result } = run;
      const logs = transfers?.logs() ?? result.logs;
      const txHash = bytesToHex(keccak256(concatBytes(bigintToFixed32(number), bigintToFixed32(BigInt(index)))));
      txHashes.push(txHash);
      gasUsed += result.gasUsed;
      const call: Record<string, Json> = {
        // A creation answers the code its init code returned, as eth_call does.
        returnData: bytesToHex(result.createdAddress !== undefined ? state.getCode(result.createdAddress) : result.output),
        logs: logs.map((log) => ({
          address: log.address,
          topics: log.topics.map(word),
          data: bytesToHex(log.data),
          blockNumber: q(number),
          blockHash: hash,
          blockTimestamp: q(context.timestamp),
          transactionHash: txHash,
          transactionIndex: q(BigInt(index)),
          logIndex: q(BigInt(logIndex++)),
          removed: false,
        })),
        gasUsed: q(result.gasUsed),
        status: result.success ? '0x1' : '0x0',
      };
      if (!result.success) {
        const error = executionError(result);
        call.error = result.error === 'execution reverted' ? (error.toJSON() as Json) : { code: VM_ERROR, message: error.message };
      }
      return call;
    });
    out.push({
      number: q(number),
      hash,
      parentHash,
      timestamp: q(context.timestamp),
      gasLimit: q(context.gasLimit),
      gasUsed: q(gasUsed),
      baseFeePerGas: q(context.baseFee),
      miner: context.coinbase,
      mixHash: word(context.prevRandao),
      difficulty: '0x0',
      nonce: '0x0000000000000000',
      extraData: '0x',
      logsBloom: '0x' + '00'.repeat(256),
      transactions: txHashes,
      uncles: [],
      withdrawals: [],
      calls,
    });
    parentHash = hash;
  });
  return out;
};

export const simulateV1Methods: MethodTable = {
  eth_simulateV1: simulateV1,
};
