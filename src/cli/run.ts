/**
 * `polyvm run --code HEX | --codefile FILE [--input HEX] [--gas N] [--value N] [--fork NAME]
 * [--trace] [--bench]`: runs code at an address in a fresh state and prints the result as JSON.
 * The code may be a WebAssembly program (a `.wasm` module, or Stylus code `EF F0 00`...): it
 * then runs on a chain with programs on, and `--trace` lists its host calls.
 */
import { readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes, parseQuantity, HexError } from '../primitives/bytes.js';
import { createEvm } from '../create-evm.js';
import { CodeCache } from '../evm/code-cache.js';
import { jitOption, parseArgs, stringOption, UsageError } from './args.js';
import { createJsonTracer } from '../evm/eip3155-tracer.js';
import type { HostCall, TracedFrame, Tracer } from '../host/index.js';
import { isProgram, isWasmModule } from '../wasm/format.js';
import { compressProgram } from '../wasm/compress.js';

export const RUN_USAGE = `usage: polyvm run (--code HEX | --codefile FILE) [--input HEX] [--gas N] [--value N] [--fork NAME] [--jit MODE] [--trace] [--bench]
  --jit    when EVM code is compiled to JavaScript: auto (once hot, the default), always, never
  --bench  time the run: cold (a fresh engine each run, nothing cached) and warm (one engine whose
           code cache keeps the analysis and compiled code), each the median of runs after a warm-up`;

const CALLER = '0x000000000000000000000000000000000000c0de';
const TARGET = '0x00000000000000000000000000000000000c0de0';

function hexOption(value: string, name: string): Uint8Array {
  try {
    return hexToBytes(value.trim());
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as HexError).message}`);
  }
}

function quantityOption(value: string | undefined, name: string, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  try {
    return parseQuantity(value);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['trace', 'bench', 'help'], ['code', 'codefile', 'input', 'gas', 'value', 'fork', 'jit']);
  if (args.options.has('help')) {
    process.stdout.write(RUN_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"\n${RUN_USAGE}`);
  const codeHex = stringOption(args, 'code');
  const codeFile = stringOption(args, 'codefile');
  if ((codeHex === undefined) === (codeFile === undefined)) throw new UsageError('give exactly one of --code and --codefile\n' + RUN_USAGE);
  let code: Uint8Array;
  if (codeHex !== undefined) code = hexOption(codeHex, 'code');
  else {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(codeFile!);
    } catch (e) {
      throw new UsageError(`--codefile: cannot read ${codeFile}: ${(e as Error).message}`);
    }
    // A binary WebAssembly module or Stylus program as it is; anything else is hex text.
    code = isWasmModule(bytes) || isProgram(bytes) ? bytes : hexOption(new TextDecoder().decode(bytes), 'codefile');
  }
  if (isWasmModule(code)) code = compressProgram(code);
  const wasm = isProgram(code);
  const input = hexOption(stringOption(args, 'input') ?? '0x', 'input');
  const gas = quantityOption(stringOption(args, 'gas'), 'gas', 10_000_000_000n);
  const value = quantityOption(stringOption(args, 'value'), 'value', 0n);
  const fork = stringOption(args, 'fork');
  const tracer = args.options.has('trace') ? traceTo((line) => process.stderr.write(line + '\n')) : undefined;
  const jit = jitOption(stringOption(args, 'jit'));

  /** One run on a fresh state; with `codeCache`, sharing that cache (warm), else a cache of its own (cold). */
  const once = (codeCache?: CodeCache) => {
    const evm = createEvm({ fork, wasm, jit, codeCache });
    evm.setAccount(CALLER, { balance: 1n << 200n });
    evm.setAccount(TARGET, { code });
    return evm.runCall({ caller: CALLER, to: TARGET, data: input, value, gas, tracer });
  };
  const result = once();
  const out: Record<string, unknown> = {
    output: bytesToHex(result.output),
    gasUsed: '0x' + result.gasUsed.toString(16),
    error: result.error ?? null,
  };
  if (args.options.has('bench')) {
    const cold = benchmark(() => once());
    const warmCache = new CodeCache({ jit });
    const warm = benchmark(() => once(warmCache));
    out.runs = warm.runs;
    out.medianNs = warm.medianNs;
    out.cold = cold;
    out.warm = { ...warm, compiledRegions: warmCache.stats.compilations, compileMs: Math.round(warmCache.stats.compileMs * 100) / 100 };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}

/** EIP-3155 lines for EVM steps, and a line per host call of a WebAssembly program. */
function traceTo(write: (line: string) => void): Tracer {
  const evm = createJsonTracer(write);
  return {
    step: evm.step.bind(evm),
    hostCall(frame: TracedFrame, call: HostCall): void {
      const line: Record<string, unknown> = {
        hostio: call.name,
        args: call.args.map((a) => (typeof a === 'bigint' ? '0x' + BigInt.asUintN(64, a).toString(16) : a)),
      };
      if (call.result !== undefined)
        line.result = typeof call.result === 'bigint' ? '0x' + BigInt.asUintN(64, call.result).toString(16) : call.result;
      line.ink = '0x' + (call.inkBefore - call.inkAfter).toString(16);
      line.inkLeft = '0x' + call.inkAfter.toString(16);
      line.depth = frame.message.depth + 1;
      if (call.error !== undefined) line.error = call.error;
      write(JSON.stringify(line));
    },
  };
}

/** Repeats `fn` after a warm-up until about a second has been measured; the median time per run. */
export function benchmark(fn: () => unknown, seconds = 1): { runs: number; medianNs: number } {
  const warmupEnd = performance.now() + 200;
  while (performance.now() < warmupEnd) fn();
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end || samples.length < 5) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  samples.sort((a, b) => a - b);
  return { runs: samples.length, medianNs: samples[samples.length >> 1]! };
}
