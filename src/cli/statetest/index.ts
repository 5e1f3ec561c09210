/**
 * `polyvm statetest [--json] [--fork NAME] [--run REGEX] [--trace] [--workers N] PATH...`
 * Runs every vector of the state tests found under PATH, on worker threads.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { jitOption, parseArgs, regexOption, stringOption, UsageError } from '../args.js';
import { parseFork } from '../../forks/index.js';
import { createJsonTracer } from '../../evm/eip3155-tracer.js';
import { runFile, type FileOutcome, type TimedResult } from './run-file.js';
import { createMachines } from '../../exec/code.js';
import type { JitMode } from '../../evm/code-cache.js';

export const STATETEST_USAGE = `usage: polyvm statetest [--json] [--fork NAME] [--run REGEX] [--trace] [--workers N] [--slow MS] [--jit MODE] PATH...
  PATH      a state test file, or a folder searched recursively for .json files
  --json    print the results as one JSON array on stdout
  --fork    run only the entries of this fork
  --run     run only tests whose name matches REGEX
  --trace   write EIP-3155 JSON lines to stderr (runs in one thread)
  --workers number of worker threads (default: the number of cores)
  --slow    list on stderr the vectors that took longer than MS milliseconds, slowest first
  --jit     when EVM code is compiled to JavaScript: auto (once hot, the default), always
            (every frame compiled on first call) or never (the interpreter only)`;

export function findJsonFiles(paths: string[]): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else if (path.endsWith('.json')) {
      files.push(path);
    }
  };
  for (const path of paths) {
    try {
      visit(path);
    } catch (e) {
      throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
    }
  }
  return files;
}

export interface StatetestSummary {
  results: TimedResult[];
  errors: string[];
}

/** Runs the files on `workers` threads, calling `onFile` as each finishes. */
export async function runStateTests(
  files: string[],
  filter: { fork?: string; run?: string; jit?: JitMode },
  workers: number,
  onFile: (outcome: FileOutcome) => void = () => {},
): Promise<StatetestSummary> {
  const results: TimedResult[] = [];
  const errors: string[] = [];
  const collect = (outcome: FileOutcome) => {
    for (const r of outcome.results) results.push(r);
    for (const e of outcome.errors) errors.push(e);
    onFile(outcome);
  };
  if (workers <= 1 || files.length <= 1) {
    const regex = filter.run === undefined ? undefined : new RegExp(filter.run);
    const machines = createMachines({ jit: filter.jit });
    for (const file of files) collect(runFile(file, { fork: filter.fork, run: regex }, { machines }));
    return { results, errors };
  }
  const queue = [...files];
  const threads = Math.min(workers, files.length);
  await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL('./worker.js', import.meta.url), {
            workerData: { fork: filter.fork, run: filter.run, jit: filter.jit },
          });
          let current: string | undefined;
          const next = () => {
            current = queue.shift();
            worker.postMessage(current ?? null);
          };
          worker.on('message', (message: FileOutcome | 'ready') => {
            if (message !== 'ready') collect(message);
            next();
          });
          worker.on('error', (e) => {
            errors.push(`${current ?? 'worker'}: worker failed: ${e.stack ?? e.message}`);
            reject(e);
          });
          worker.on('exit', () => resolve());
        }),
    ),
  );
  return { results, errors };
}

export async function statetestCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'trace', 'help'], ['fork', 'run', 'workers', 'slow', 'jit']);
  if (args.options.has('help')) {
    process.stdout.write(STATETEST_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('statetest needs at least one PATH\n' + STATETEST_USAGE);
  const fork = stringOption(args, 'fork');
  if (fork !== undefined) parseFork(fork);
  const run = regexOption(args, 'run');
  const json = args.options.has('json');
  const jit = jitOption(stringOption(args, 'jit'));
  const files = findJsonFiles(args.positionals);
  const workersOption = stringOption(args, 'workers');
  let workers = workersOption === undefined ? availableParallelism() : Number(workersOption);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, got ${workersOption}`);
  const slowOption = stringOption(args, 'slow');
  const slow = slowOption === undefined ? undefined : Number(slowOption);
  if (slow !== undefined && (slowOption!.trim() === '' || !Number.isFinite(slow) || slow < 0)) {
    throw new UsageError(`--slow must be a number of milliseconds, got ${slowOption}`);
  }

  const progress = !json && process.stderr.isTTY;
  let done = 0;
  let passed = 0;
  let failed = 0;
  const onFile = (outcome: FileOutcome) => {
    done++;
    for (const r of outcome.results) {
      if (r.pass) passed++;
      else {
        failed++;
        if (!json) {
          if (progress) process.stderr.write('\r\x1b[K');
          process.stdout.write(
            `FAIL ${r.name} ${r.fork} d${r.index.data} g${r.index.gas} v${r.index.value}: ${r.error || 'state mismatch'} (stateRoot ${r.stateRoot}, logs ${r.logsHash})\n`,
          );
        }
      }
    }
    for (const e of outcome.errors) {
      failed++;
      if (progress) process.stderr.write('\r\x1b[K');
      process.stderr.write(`error: ${e}\n`);
    }
    if (progress) process.stderr.write(`\r\x1b[K[${done}/${files.length} files] ${passed} passed, ${failed} failed`);
  };

  let summary: StatetestSummary;
  if (args.options.has('trace')) {
    const tracer = createJsonTracer((line) => process.stderr.write(line + '\n'));
    const regex = run === undefined ? undefined : new RegExp(run);
    const results: TimedResult[] = [];
    const errors: string[] = [];
    const machines = createMachines({ jit });
    for (const file of files) {
      // After each vector, as geth's `evm statetest --trace`: the EIP-3155 summary, then the state root.
      const onEnd = ({
        output,
        gasUsed,
        error,
        stateRoot,
      }: {
        output: string;
        gasUsed: string;
        error: string | null;
        stateRoot: string;
      }) => {
        process.stderr.write(JSON.stringify({ output, gasUsed, error }) + '\n');
        process.stderr.write(JSON.stringify({ stateRoot }) + '\n');
      };
      const outcome = runFile(file, { fork, run: regex }, { tracer, onEnd, machines });
      results.push(...outcome.results);
      errors.push(...outcome.errors);
      onFile(outcome);
    }
    summary = { results, errors };
  } else {
    summary = await runStateTests(files, { fork, run, jit }, workers, onFile);
  }
  if (progress) process.stderr.write('\r\x1b[K');
  if (json) process.stdout.write(JSON.stringify(summary.results, null, 1) + '\n');
  if (slow !== undefined) {
    const slowest = summary.results.filter((r) => r.ms > slow).sort((a, b) => b.ms - a.ms);
    process.stderr.write(`${slowest.length} vectors slower than ${slow} ms:\n`);
    for (const r of slowest) {
      process.stderr.write(`slow ${r.ms} ms ${r.file} ${r.name} ${r.fork} d${r.index.data} g${r.index.gas} v${r.index.value}\n`);
    }
  }
  process.stderr.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
