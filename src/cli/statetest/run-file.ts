/** Reads one state-test file and runs its vectors, reporting malformed content with file and field. */
import { readFileSync } from 'node:fs';
import { parseFork } from '../../forks/index.js';
import { StateTestFileError, parseStateTests } from './state-test-file.js';
import { performance } from 'node:perf_hooks';
import { runVector, type RunVectorOptions, type VectorResult } from './run-vector.js';

export interface FileFilter {
  fork: string | undefined;
  run: RegExp | undefined;
}

/** A vector's result with where it came from and how long it took (milliseconds, wall clock). */
export interface TimedResult extends VectorResult {
  file: string;
  ms: number;
}

export interface FileOutcome {
  file: string;
  results: TimedResult[];
  /** Problems with the file itself: a field that could not be read, an unknown fork. */
  errors: string[];
}

export function runFile(file: string, filter: FileFilter, options: RunVectorOptions = {}): FileOutcome {
  const outcome: FileOutcome = { file, results: [], errors: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    outcome.errors.push(`${file}: cannot read as JSON: ${(e as Error).message}`);
    return outcome;
  }
  let tests;
  try {
    tests = parseStateTests(json);
  } catch (e) {
    if (e instanceof StateTestFileError) {
      outcome.errors.push(`${file}: ${e.message}`);
      return outcome;
    }
    throw e;
  }
  const wantFork = filter.fork === undefined ? undefined : parseFork(filter.fork);
  for (const test of tests) {
    if (filter.run && !filter.run.test(test.name)) continue;
    for (const [fork, entries] of test.post) {
      let forkName;
      try {
        forkName = parseFork(fork);
      } catch {
        outcome.errors.push(`${file}: ${test.name}.post.${fork}: unknown fork`);
        continue;
      }
      if (wantFork !== undefined && forkName !== wantFork) continue;
      for (const entry of entries) {
        try {
          const start = performance.now();
          const result = runVector(test, fork, entry, options);
          outcome.results.push({ ...result, file, ms: Math.round((performance.now() - start) * 10) / 10 });
        } catch (e) {
          const where = `${test.name}.post.${fork}[d${entry.index.data},g${entry.index.gas},v${entry.index.value}]`;
          outcome.errors.push(`${file}: ${where}: ${(e as Error).stack ?? String(e)}`);
        }
      }
    }
  }
  return outcome;
}
