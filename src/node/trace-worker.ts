/**
 * A trace worker's thread (started by `trace-pool.ts`): it runs each tracing job it is sent with
 * `runTraceJob`, the same code that runs a job on the node's thread, on a state read from the
 * node's thread through a synchronous call (`sync-call.ts`), and posts back the result or the
 * error. It holds no state of its own between jobs but the code of contracts (by code hash, so
 * each contract's code is analysed once).
 */
import type { Address } from '../primitives/address.js';
import { bytesToHex } from '../primitives/bytes.js';
import { nodeBuiltin, nodeOnly } from '../primitives/node-require.js';
import type { Rules } from '../forks/index.js';
import type { AccountFields, StateReader } from '../state/reader.js';
import { WorldState } from '../state/world-state.js';
import { toRpcError } from './rpc/dispatch.js';
import { INTERNAL_ERROR } from './rpc/errors.js';
import { runTraceJob, type TraceJob } from './rpc/trace-job.js';
import { BEACON_ROOTS_ADDRESS, HISTORY_STORAGE_ADDRESS } from '../chain/system-contracts.js';
import { SyncCaller, type SyncChannelEnd } from './sync-call.js';
import type { JobFailure, JobMessage, StateRequest, WorkerMessage } from './trace-pool.js';

type WorkerThreads = typeof import('node:worker_threads');

const { parentPort, workerData } = nodeOnly(nodeBuiltin<WorkerThreads>('node:worker_threads'), 'a trace worker');
const { rules, end } = workerData as { rules: Rules; end: SyncChannelEnd };
const node = new SyncCaller(end);

/** Contract code by code hash, kept across jobs (bounded), so that its analysis is cached. */
const codes = new Map<string, Uint8Array>();
const MAX_CODES = 4096;

function ask(request: StateRequest): unknown {
  return node.call(request);
}

/** The job's starting state, read from the node's thread once per location. */
class NodeState implements StateReader {
  readonly #accounts = new Map<Address, AccountFields | undefined>();
  readonly #slots = new Map<string, bigint>();
  readonly #hasStorage = new Map<Address, boolean>();
  readonly #hashes = new Map<bigint, bigint>();

  readAccount(address: Address): AccountFields | undefined {
    if (!this.#accounts.has(address)) this.#keep(address, ask({ op: 'account', address }) as AccountFields | undefined);
    return this.#accounts.get(address);
  }

  /** Reads in one call the accounts not read yet among `addresses` (each call costs a round trip). */
  prefetch(addresses: Iterable<Address>): void {
    const missing = [...new Set(addresses)].filter((address) => !this.#accounts.has(address));
    if (missing.length === 0) return;
    const accounts = ask({ op: 'accounts', addresses: missing }) as (AccountFields | undefined)[];
    missing.forEach((address, i) => this.#keep(address, accounts[i]));
  }

  #keep(address: Address, account: AccountFields | undefined): void {
    if (account !== undefined && account.code.length > 0) {
      const key = bytesToHex(account.codeHash);
      const known = codes.get(key);
      if (known !== undefined) account = { ...account, code: known };
      else {
        if (codes.size >= MAX_CODES) codes.clear();
        codes.set(key, account.code);
      }
    }
    this.#accounts.set(address, account);
  }

  readStorage(address: Address, slot: bigint): bigint {
    const key = `${address}:${slot}`;
    let value = this.#slots.get(key);
    if (value === undefined) {
      value = ask({ op: 'storage', address, slot }) as bigint;
      this.#slots.set(key, value);
    }
    return value;
  }

  hasStorage(address: Address): boolean {
    let has = this.#hasStorage.get(address);
    if (has === undefined) {
      has = ask({ op: 'hasStorage', address }) as boolean;
      this.#hasStorage.set(address, has);
    }
    return has;
  }

  blockHash = (number: bigint): bigint => {
    let hash = this.#hashes.get(number);
    if (hash === undefined) {
      hash = ask({ op: 'blockHash', number }) as bigint;
      this.#hashes.set(number, hash);
    }
    return hash;
  };
}

/** The accounts a job reads first: the block's system contracts and coinbase, the senders and recipients. */
function* firstReads(job: TraceJob): Generator<Address> {
  const replay = job.kind === 'calls' ? job.prefix?.replay : job.replay;
  if (replay !== undefined) {
    yield BEACON_ROOTS_ADDRESS;
    yield HISTORY_STORAGE_ADDRESS;
    yield replay.block.header.coinbase;
    const count = job.kind === 'transaction' ? job.index + 1 : job.kind === 'block' ? replay.block.transactions.length : job.prefix!.count;
    for (const { sender, tx } of replay.block.transactions.slice(0, count)) {
      yield sender;
      if (tx.to !== null) yield tx.to;
    }
  }
  if (job.kind === 'calls') {
    yield job.header.coinbase;
    for (const { request } of job.calls) {
      if (request.from !== undefined) yield request.from;
      if (request.to !== undefined && request.to !== null) yield request.to;
    }
  }
}

function failure(error: unknown): JobFailure {
  const rpc = toRpcError(error);
  if (rpc.code !== INTERNAL_ERROR) return { rpc: rpc.toJSON() };
  const e = error instanceof Error ? error : new Error(String(error));
  return { internal: { message: e.message, stack: e.stack } };
}

const port = nodeOnly(parentPort ?? undefined, 'a trace worker (no parent thread)');
port.on('message', ({ id, job, chainId }: JobMessage) => {
  const post = (message: WorkerMessage) => port.postMessage(message);
  const state = new NodeState();
  try {
    state.prefetch(firstReads(job));
    const result = runTraceJob(job, {
      rules,
      chainId,
      blockHash: state.blockHash,
      state: new WorldState(state),
      onDeadline: (at) => post({ id, type: 'deadline', at }),
    });
    post({ id, type: 'done', ok: true, result });
  } catch (error) {
    post({ id, type: 'done', ok: false, failure: failure(error) });
  }
});
