/**
 * eth_call's answers on the latest block, kept until the chain changes (`DevChain.version`): the
 * same call asked again (a dapp polling a balance, a test reading a getter in a loop) is answered
 * without running it again. Only where running it has no other effect to repeat: not a call that
 * showed console.log lines (eth.ts), not for WebAssembly programs (they may print), and only
 * successes. Whether console output is wanted is part of the key: an answer kept while it was
 * not wanted says nothing about what the call would show.
 */
import type { Block } from '../../chain/block.js';
import type { DevChain } from '../dev-chain.js';

/** Most answers kept; past it the cache starts over. */
const MAX_ANSWERS = 1024;
/** Longest answer kept (hex characters), and longest call (its parameters as JSON). */
const MAX_ANSWER_LENGTH = 64 * 1024;
const MAX_KEY_LENGTH = 64 * 1024;

class CallResults {
  #version = -1;
  #latest: Block | undefined;
  readonly #answers = new Map<string, string>();

  /** The kept answers, emptied when the chain changed since they were kept. */
  #current(chain: DevChain): Map<string, string> {
    const latest = chain.latest();
    if (chain.version !== this.#version || latest !== this.#latest) {
      this.#answers.clear();
      this.#version = chain.version;
      this.#latest = latest;
    }
    return this.#answers;
  }

  get(chain: DevChain, key: string): string | undefined {
    return this.#current(chain).get(key);
  }

  set(chain: DevChain, key: string, answer: string): void {
    if (answer.length > MAX_ANSWER_LENGTH) return;
    const answers = this.#current(chain);
    if (answers.size >= MAX_ANSWERS) answers.clear();
    answers.set(key, answer);
  }
}

const kept = new WeakMap<DevChain, CallResults>();

/**
 * The key of an eth_call whose answer may be kept: its parameters as sent, and whether console
 * output is wanted, for a call on the latest block; undefined for any other (pending: its time
 * moves; earlier blocks are rare) and on a chain of WebAssembly programs (they may print).
 */
export function keptCallKey(chain: DevChain, params: readonly unknown[]): string | undefined {
  const block = params[1];
  if (block !== undefined && block !== null && block !== 'latest') return undefined;
  if (chain.rules.wasm) return undefined;
  const console = chain.observer?.consoleTracer() !== undefined;
  let key: string;
  try {
    key = JSON.stringify([console, params[0], params.slice(2)]);
  } catch {
    // Parameters JSON cannot hold (a bigint from an in-process caller): asked as they are, each time.
    return undefined;
  }
  return key.length > MAX_KEY_LENGTH ? undefined : key;
}

export function keptCallAnswer(chain: DevChain, key: string): string | undefined {
  return kept.get(chain)?.get(chain, key);
}

export function keepCallAnswer(chain: DevChain, key: string, answer: string): void {
  let results = kept.get(chain);
  if (results === undefined) {
    results = new CallResults();
    kept.set(chain, results);
  }
  results.set(chain, key, answer);
}
