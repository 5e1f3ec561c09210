/**
 * `npm run gst-blocks [-- --fork NAME] [--mode lanes|split] [--json]`: every GeneralStateTests
 * transaction of a fork (Cancun by default) packed into blocks (gst-blocks.ts), each block run one
 * by one and in parallel (Block-STM's lanes, the default, or split execution), compared. Prints a summary (one JSON object with --json) and every difference; exits
 * 1 when there is one.
 */
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fixtureDir, jsonFiles, root } from './suite-check.js';
import { compareBlock, packTests, readTests, type PackedOutcome, type ParallelMode } from './gst-blocks.js';

const args = process.argv.slice(2);
let fork = 'Cancun';
let json = false;
let mode: ParallelMode = 'lanes';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--fork' && args[i + 1] !== undefined) fork = args[++i]!;
  else if (args[i] === '--mode' && (args[i + 1] === 'lanes' || args[i + 1] === 'split')) mode = args[++i] as ParallelMode;
  else if (args[i] === '--json') json = true;
  else {
    process.stderr.write(`gst-blocks: unknown argument ${args[i]} (options: --fork NAME, --mode lanes|split, --json)\n`);
    process.exit(2);
  }
}
const started = performance.now();
const base = fixtureDir('ethereum-tests/GeneralStateTests');
const files = jsonFiles(base);
const packings = packTests(readTests(files, base), fork);
const interactive = process.stderr.isTTY && !json;
const differing: PackedOutcome[] = [];
let transactions = 0;
let parallelTransactions = 0;
let parallelBlocks = 0;
let rejected = 0;
for (const [i, packing] of packings.entries()) {
  if (interactive) process.stderr.write(`\r\x1b[Kblock ${i + 1}/${packings.length}`);
  const outcome = compareBlock(packing, fork, i + 1, mode);
  transactions += outcome.transactions;
  if (outcome.parallel) {
    parallelBlocks++;
    parallelTransactions += outcome.transactions;
  }
  if (outcome.rejected !== undefined) rejected++;
  if (outcome.differences.length > 0) differing.push(outcome);
}
if (interactive) process.stderr.write('\r\x1b[K');
let commit = 'unknown';
try {
  commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  // not a checkout
}
const summary = {
  date: new Date().toISOString(),
  commit,
  machine: `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}`,
  fork,
  mode,
  files: files.length,
  blocks: packings.length,
  transactions,
  parallelBlocks,
  parallelTransactions,
  rejectedBlocks: rejected,
  differences: differing.length,
  seconds: Math.round((performance.now() - started) / 100) / 10,
};
if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
else {
  process.stdout.write(
    `${fork} (${mode}): ${summary.files} files, ${summary.blocks} blocks, ${transactions} transactions (${parallelTransactions} in ${parallelBlocks} parallel blocks), ` +
      `${rejected} blocks rejected both ways, ${differing.length} with differences, ${summary.seconds} s\n`,
  );
}
for (const d of differing) process.stderr.write(`difference: ${d.tests}: ${d.differences.slice(0, 5).join('; ')}\n`);
process.exit(differing.length > 0 ? 1 : 0);
