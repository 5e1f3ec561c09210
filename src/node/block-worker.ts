/**
 * A block worker's thread (started by `block-workers.ts`): for each batch it is sent, it holds
 * the batch's pre-block state and a replica of the coordinator's multi-version memory, kept
 * current by the writes and ESTIMATE marks the coordinator broadcasts, and runs the tasks it is
 * given with `executeTask`, the code that runs them on the coordinator's thread. Each outcome is
 * posted back on its port, and a shared counter is bumped to wake the coordinator.
 */
import type { Address } from '../primitives/address.js';
import { nodeBuiltin, nodeOnly } from '../primitives/node-require.js';
import type { Rules } from '../forks/index.js';
import type { BlockContext } from '../host/index.js';
import { Account } from '../state/account.js';
import { WorldState } from '../state/world-state.js';
import { KECCAK256_EMPTY } from '../primitives/hash.js';
import { validateTransaction, type ValidatedTransaction } from '../tx/validate.js';
import type { Transaction } from '../tx/types.js';
import { MultiVersionMemory } from '../chain/stm/memory.js';
import { executeTask } from '../chain/stm/task.js';
import { runPart } from '../chain/stm/split.js';
import { OutcomeEncoder } from '../chain/stm/wire.js';
import type { ToWorker, Snapshot } from './block-workers.js';

type WorkerThreads = typeof import('node:worker_threads');

const threads = nodeOnly(nodeBuiltin<WorkerThreads>('node:worker_threads'), 'a block worker');
const { port, signal, wake } = threads.workerData as {
  port: import('node:worker_threads').MessagePort;
  signal: Int32Array;
  wake: Int32Array;
};

interface Batch {
  id: number;
  memory: MultiVersionMemory;
  base: WorldState;
  transactions: (ValidatedTransaction & { impersonated?: boolean })[];
  block: BlockContext;
  rules: Rules;
  gasUsed: bigint;
}

let batch: Batch | undefined;

function loadState(snapshot: Snapshot): WorldState {
  const state = new WorldState();
  const accounts: Account[] = [];
  for (let i = 0; i < snapshot.addresses.length; i++) {
    const account = new Account();
    account.nonce = snapshot.nonces[i]!;
    account.balance = snapshot.balances[i]!;
    const c = snapshot.code[i]!;
    if (c >= 0) account.setCode(snapshot.codes[c]!, snapshot.codeHashes[c]!);
    accounts.push(account);
    state.putAccount(snapshot.addresses[i] as Address, account);
  }
  for (let k = 0; k < snapshot.slots.length; k++) accounts[snapshot.slotOwners[k]!]!.storage.set(snapshot.slots[k]!, snapshot.values[k]!);
  return state;
}

/** Outcomes not posted yet: they go in groups (each post costs), and before the worker sleeps. */
let answers: unknown[] = [];
const ANSWERS_AT_ONCE = 8;
/** A part's answers are taken after the coordinator's own part: larger groups, fewer posts. */
const PART_ANSWERS_AT_ONCE = 64;

function post(): void {
  if (answers.length === 0) return;
  port.postMessage(answers);
  answers = [];
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/** A part's answers not posted yet, encoded (`chain/stm/wire.ts`): they go as one string. */
const partAnswers = new OutcomeEncoder();

function postPart(id: number): void {
  if (partAnswers.size === 0) return;
  answers.push({ id, part: partAnswers.take() });
  post();
}

/** Handles one message; false after `end`. */
function handle(message: ToWorker): boolean {
  switch (message.t) {
    case 'batch': {
      const { hashes, ...fields } = message.block;
      const block: BlockContext = { ...fields, blockHash: (n: bigint) => hashes.get(n) ?? 0n };
      // Indexed as in the batch: those below `first` were not sent.
      const transactions: (ValidatedTransaction & { impersonated?: boolean })[] = new Array(message.first);
      for (const [tx, sender, impersonated] of message.transactions) {
        transactions.push({
          ...validateTransaction(tx as Transaction, message.rules, { chainId: block.chainId, sender: sender as Address }),
          impersonated,
        });
      }
      batch = {
        id: message.id,
        memory: new MultiVersionMemory(transactions.length, block.coinbase, KECCAK256_EMPTY),
        base: loadState(message.snapshot),
        transactions,
        block,
        rules: message.rules,
        gasUsed: message.gasUsed,
      };
      break;
    }
    case 'rec':
      if (batch?.id === message.id) batch.memory.record(message.tx, message.version, message.writes);
      break;
    case 'est':
      if (batch?.id === message.id) batch.memory.markEstimate(message.tx);
      break;
    case 'run': {
      if (batch?.id !== message.id) break;
      const { memory, transactions, block, rules, gasUsed } = batch;
      let outcome;
      try {
        outcome = executeTask(memory, batch.base, transactions[message.tx]!, message.tx, { block, rules, gasUsed });
      } catch (error) {
        outcome = { kind: 'unsupported' as const, message: `worker: ${(error as Error)?.stack ?? String(error)}` };
      }
      // Its own writes count at once for the next task queued here (the coordinator records the same).
      if (outcome.kind === 'done') memory.record(message.tx, message.version, outcome.writes);
      answers.push({ id: message.id, tx: message.tx, version: message.version, outcome });
      if (answers.length >= ANSWERS_AT_ONCE) post();
      return true;
    }
    case 'part': {
      // Its transactions in order, on the pre-block state and the part's own writes.
      if (batch?.id !== message.id) break;
      const { transactions, block, rules, gasUsed } = batch;
      let next = message.from;
      try {
        runPart(batch.base, transactions, message.from, message.to, { block, rules, gasUsed }, (tx, outcome) => {
          partAnswers.add(tx, outcome);
          next = tx + 1;
          if (partAnswers.size < PART_ANSWERS_AT_ONCE) return true;
          postPart(message.id);
          // An end (the batch is over) stops the part.
          drain();
          return batch?.id === message.id;
        });
      } catch (error) {
        // Not a result anyone can use: the coordinator runs the rest of the part itself.
        partAnswers.add(next, { kind: 'stop', reason: `worker: ${(error as Error)?.stack ?? String(error)}` });
      }
      postPart(message.id);
      return true;
    }
    case 'end':
      batch = undefined;
      if (message.id < 0) return false;
      break;
  }
  return true;
}

const tasks: Extract<ToWorker, { t: 'run' | 'part' }>[] = [];
let running = true;

/** Takes everything the coordinator posted (synchronously: writes and marks apply at once, tasks and parts queue). */
function drain(): void {
  let received = threads.receiveMessageOnPort(port) as { message: ToWorker[] } | undefined;
  while (received !== undefined) {
    for (const message of received.message) {
      if (message.t === 'run' || message.t === 'part') tasks.push(message);
      else if (!handle(message)) running = false;
    }
    received = threads.receiveMessageOnPort(port) as { message: ToWorker[] } | undefined;
  }
}

// The worker's whole life: take what was posted, run one task, and again; sleep when there is
// nothing (the coordinator bumps `wake` after each post).
while (running) {
  const seen = Atomics.load(wake, 0);
  drain();
  const task = tasks.shift();
  if (task !== undefined) handle(task);
  else {
    post();
    if (running) Atomics.wait(wake, 0, seen);
  }
}
port.close();
