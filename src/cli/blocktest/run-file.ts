/** Reads one blockchain-test file and runs its tests, reporting malformed content with file and field. */
import { readFileSync } from 'node:fs';
import { StateTestFileError } from '../statetest/state-test-file.js';
import { parseBlockchainTests } from './blocktest-file.js';
import { runBlockchainTest, type BlocktestResult } from './runner.js';

export interface BlocktestFilter {
  fork: string | undefined;
  run: RegExp | undefined;
}

export interface BlocktestFileOutcome {
  file: string;
  results: (BlocktestResult & { file: string })[];
  /** Problems with the file itself: a field that could not be read, an unknown fork. */
  errors: string[];
}

export function runBlocktestFile(file: string, filter: BlocktestFilter): BlocktestFileOutcome {
  const outcome: BlocktestFileOutcome = { file, results: [], errors: [] };
  let tests;
  try {
    tests = parseBlockchainTests(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    if (e instanceof StateTestFileError || e instanceof SyntaxError) {
      outcome.errors.push(`${file}: ${e.message}`);
      return outcome;
    }
    throw e;
  }
  const fork = filter.fork?.toLowerCase();
  for (const test of tests) {
    if (filter.run && !filter.run.test(test.name)) continue;
    if (fork !== undefined && test.network.toLowerCase() !== fork) continue;
    try {
      outcome.results.push({ file, ...runBlockchainTest(test) });
    } catch (e) {
      outcome.errors.push(`${file}: ${test.name}: ${(e as Error).stack ?? String(e)}`);
    }
  }
  return outcome;
}
