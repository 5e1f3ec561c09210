// The benchmark cases: every test and every input of the evmone benchmark set, which is written in
// the state test format. Each input becomes one message call on a pre-state built once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStateTests } from '../dist/cli/statetest/state-test-file.js';
import { blockContext, buildTransaction } from '../dist/cli/statetest/run-vector.js';
import { getRules, parseFork } from '../dist/forks/index.js';
import { intrinsicGas } from '../dist/tx/intrinsic-gas.js';
import { privateKeyToAddress } from '../dist/tx/keys.js';

export const DEFAULT_BENCHMARKS = new URL('../../shared/fixtures/evm-benchmarks/benchmarks/', import.meta.url).pathname;

/**
 * @typedef {object} BenchCase
 * @property {string} name      group/benchmark/input, e.g. "main/snailtracer/0"
 * @property {string} group     "main" or "micro"
 * @property {string} benchmark
 * @property {string} input     the fixture's label for the input, or its index
 * @property {string} fork
 * @property {Map<string, import('../dist-tools/peer/types.js').AccountState>} pre
 * @property {import('../dist-tools/peer/types.js').MessageCall} call
 * @property {import('../dist/host/index.js').BlockContext} block
 */

/** @returns {BenchCase[]} */
export function loadBenchCases(root = DEFAULT_BENCHMARKS) {
  /** @type {BenchCase[]} */
  const cases = [];
  for (const group of readdirSync(root).sort()) {
    const dir = join(root, group);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      for (const test of parseStateTests(raw)) {
        const labels = raw[test.name]?._info?.labels ?? {};
        for (const [fork, entries] of test.post) {
          const rules = getRules(parseFork(fork));
          const block = blockContext(test, rules);
          const sender = test.transaction.sender ?? privateKeyToAddress(test.transaction.secretKey);
          for (const entry of entries) {
            const tx = buildTransaction(test, entry);
            if (tx.to === null) throw new Error(`${file}: a benchmark must call a contract, not create one`);
            const gasPrice =
              tx.gasPrice ??
              (tx.maxFeePerGas < block.baseFee + tx.maxPriorityFeePerGas ? tx.maxFeePerGas : block.baseFee + tx.maxPriorityFeePerGas);
            const index = entry.index.data;
            const input = entries.length > 1 || labels[index] !== undefined ? String(labels[index] ?? index) : '';
            cases.push({
              name: [group, test.name, input].filter((p) => p !== '').join('/'),
              group,
              benchmark: test.name,
              input,
              fork: rules.name,
              pre: test.pre,
              call: {
                caller: sender,
                to: tx.to,
                data: tx.data,
                value: tx.value,
                // What the message gets inside a transaction: the limit less the intrinsic gas.
                gas: tx.gasLimit - intrinsicGas(tx, rules),
                gasPrice,
              },
              block,
            });
          }
        }
      }
    }
  }
  return cases;
}
