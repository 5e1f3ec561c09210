/**
 * `polyvm tracetest [--json] [--tracer NAME] PATH...`: runs geth's tracer tests (the files of
 * eth/tracers/internal/tracetest/testdata) and compares each tracer result with the file's.
 */
import { parseArgs, stringOption, UsageError } from '../args.js';
import { findJsonFiles } from '../statetest/index.js';
import { TRACER_NAMES } from '../../trace/index.js';
import { runTraceTestFile, type TraceTestResult } from './run-trace-test.js';

export const TRACETEST_USAGE = `usage: polyvm tracetest [--json] [--tracer NAME] PATH...
  PATH      a tracer test file, or a folder searched recursively for .json files
  --json    print the results as one JSON array of {name, tracer, pass, error} on stdout
  --tracer  the tracer to run (default: the one the file's folder is named after:
            call_tracer* callTracer, call_tracer_flat flatCallTracer, call_tracer_legacy
            callTracerLegacy, prestate_tracer* prestateTracer, prestate_tracer_legacy
            prestateTracerLegacy, erc7562_tracer erc7562Tracer); known: ${TRACER_NAMES.join(', ')}`;

export async function tracetestCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'help'], ['tracer']);
  if (args.options.has('help')) {
    process.stdout.write(TRACETEST_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('tracetest needs at least one PATH\n' + TRACETEST_USAGE);
  const tracer = stringOption(args, 'tracer');
  if (tracer !== undefined && !TRACER_NAMES.includes(tracer))
    throw new UsageError(`--tracer: unknown tracer "${tracer}"; known: ${TRACER_NAMES.join(', ')}`);
  const json = args.options.has('json');
  const files = findJsonFiles(args.positionals);
  const progress = !json && process.stderr.isTTY;
  const results: TraceTestResult[] = [];
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const r = runTraceTestFile(file, tracer);
    results.push(r);
    if (r.pass) passed++;
    else {
      failed++;
      if (!json) {
        if (progress) process.stderr.write('\r\x1b[K');
        process.stdout.write(`FAIL ${r.name} (${r.tracer}): ${r.error}\n`);
      }
    }
    if (progress) process.stderr.write(`\r\x1b[K[${results.length}/${files.length} files] ${passed} passed, ${failed} failed`);
  }
  if (progress) process.stderr.write('\r\x1b[K');
  if (json) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  process.stderr.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
