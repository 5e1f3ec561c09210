/**
 * `polyvm blocktest [--json] [--run REGEX] [--fork NAME] [--workers N] PATH...`
 * Runs every blockchain test found under PATH, on worker threads.
 */
import { availableParallelism } from 'node:os';
import { parseArgs, regexOption, stringOption, UsageError } from '../args.js';
import { findJsonFiles } from '../statetest/index.js';
import { runOnWorkers } from '../worker-pool.js';
import { runBlocktestFile, type BlocktestFileOutcome } from './run-file.js';

export const BLOCKTEST_USAGE = `usage: polyvm blocktest [--json] [--run REGEX] [--fork NAME] [--workers N] PATH...
  PATH      a blockchain test file, or a folder searched recursively for .json files
  --json    print the results as one JSON array of {name, fork, pass, error} on stdout
  --fork    run only the tests of this network (e.g. Prague, CancunToPragueAtTime15k)
  --run     run only tests whose name matches REGEX
  --workers number of worker threads (default: the number of cores)`;

export async function blocktestCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'help'], ['fork', 'run', 'workers']);
  if (args.options.has('help')) {
    process.stdout.write(BLOCKTEST_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('blocktest needs at least one PATH\n' + BLOCKTEST_USAGE);
  const fork = stringOption(args, 'fork');
  const run = regexOption(args, 'run');
  const workersOption = stringOption(args, 'workers');
  const workers = workersOption === undefined ? availableParallelism() : Number(workersOption);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, got ${workersOption}`);
  const json = args.options.has('json');
  const files = findJsonFiles(args.positionals);

  const progress = !json && process.stderr.isTTY;
  const results: BlocktestFileOutcome['results'] = [];
  let done = 0;
  let passed = 0;
  let failed = 0;
  const clearLine = () => {
    if (progress) process.stderr.write('\r\x1b[K');
  };
  const onFile = (outcome: BlocktestFileOutcome) => {
    done++;
    for (const r of outcome.results) {
      results.push(r);
      if (r.pass) passed++;
      else {
        failed++;
        if (!json) {
          clearLine();
          process.stdout.write(`FAIL ${r.name} ${r.fork}: ${r.error}\n`);
        }
      }
    }
    for (const e of outcome.errors) {
      failed++;
      clearLine();
      process.stderr.write(`error: ${e}\n`);
    }
    if (progress) process.stderr.write(`\r\x1b[K[${done}/${files.length} files] ${passed} passed, ${failed} failed`);
  };
  if (workers <= 1 || files.length <= 1) {
    const filter = { fork, run: run === undefined ? undefined : new RegExp(run) };
    for (const file of files) onFile(runBlocktestFile(file, filter));
  } else {
    await runOnWorkers<string, BlocktestFileOutcome>(
      new URL('./worker.js', import.meta.url),
      { fork, run },
      files,
      workers,
      onFile,
      (file, e) => {
        failed++;
        clearLine();
        process.stderr.write(`error: ${file ?? 'worker'}: worker failed: ${e.stack ?? e.message}\n`);
      },
    );
  }
  clearLine();
  if (json) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  process.stderr.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
