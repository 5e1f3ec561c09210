// `npm run bench:block [-- options]`: runs `polyvm bench block --json` (parallel block execution
// against sequential, same run) and writes its rows to results/block-latest.json with the
// machine, the date and the load average before and after (a shared machine's load changes what
// parallel execution can gain). Options are passed on (--gas, --workers, --rounds, --kind).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machine } from './machine.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const loadBefore = loadavg();
const started = new Date().toISOString();
const out = execFileSync(process.execPath, [`${ROOT}bin/polyvm.js`, 'bench', 'block', '--json', ...args], {
  encoding: 'utf8',
  maxBuffer: 1 << 26,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const rows = JSON.parse(out);
const record = { date: started, machine: machine(), args, loadBefore, loadAfter: loadavg(), rows };
writeFileSync(`${ROOT}bench/results/block-latest.json`, JSON.stringify(record, null, 2) + '\n');
for (const r of rows)
  process.stdout.write(
    `${r.kind.padEnd(12)} ${String(r.transactions).padStart(6)} txs  ${r.workers} workers  sequential ${r.sequentialMs} ms  parallel ${r.parallelMs} ms  ${r.speedup}x  ${r.sameResult ? 'same' : 'DIFFERENT'}\n`,
  );
process.stdout.write(
  `load ${loadBefore.map((l) => l.toFixed(2)).join(' ')} -> ${record.loadAfter.map((l) => l.toFixed(2)).join(' ')}; wrote bench/results/block-latest.json\n`,
);
