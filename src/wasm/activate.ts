/**
 * Activation of a Stylus program: check the decompressed module, instrument it, and work out
 * what it costs to activate and to call (docs/wasm-notes.md §2). The result is what polyvm stores
 * per code hash; the instrumented module is what V8 compiles and runs.
 */
import type { WasmModule } from './binary.js';
import { instrumentModule } from './instrument.js';
import { MAX_WASM_SIZE } from './format.js';
import { ProgramError } from './program-error.js';
import { ADDED_GLOBALS, HEAP_BOUND_PAGES, validateModule } from './validate.js';

export { ProgramError } from './program-error.js';

export interface ActivatedProgram {
  /** The instrumented module (what V8 compiles). */
  readonly wasm: Uint8Array;
  /** Initial memory pages, charged through the memory model at each call. */
  readonly footprint: number;
  /** The memory's declared maximum in pages, if any (the imported memory must match it). */
  readonly maxPages: number | undefined;
  /** Gas for activation at deploy (nitro's estimate: µs terms × 28; document the formula). */
  readonly activationGas: number;
  /** Gas charged at each call before it runs (nitro's init cost, Stylus v2 formula; see notes §2.3). */
  readonly initGas: number;
  readonly cachedInitGas: number;
  /** What the program imports, in import order (module, name). */
  readonly imports: readonly { module: string; name: string }[];
}

export interface ActivateOptions {
  /** Pages the program may start with (default 128: nitro's PageLimit with no pages open). */
  readonly pageLimit?: number;
  /** Link the `console` and `debug` host modules, as on a debug chain (default false). */
  readonly debug?: boolean;
}

/** Stylus v2 call-time minimums (nitro arbos/programs/params.go): 69 × 128 and 11 × 32 gas. */
export const MIN_INIT_GAS = 69 * 128;
export const MIN_CACHED_INIT_GAS = 11 * 32;

/**
 * Checks and instruments a decompressed Stylus program. Throws ProgramError, whose message says
 * why the program was refused, if nitro would refuse it.
 */
export function activateProgram(wasm: Uint8Array, options: ActivateOptions = {}): ActivatedProgram {
  if (wasm.length > MAX_WASM_SIZE) throw new ProgramError(`program is ${wasm.length} bytes, more than ${MAX_WASM_SIZE}`);
  const checked = validateModule(wasm, { pageLimit: options.pageLimit ?? HEAP_BOUND_PAGES, debug: options.debug ?? false });
  const instrumented = instrumentModule(checked);
  if (!WebAssembly.validate(instrumented.wasm)) throw new ProgramError(`invalid WebAssembly: ${compileError(wasm)}`);
  const m = checked.module;
  const footprint = checked.memory.limits.min;
  const { initCost, cachedInitCost } = initCosts(m, wasm.length, footprint);
  const cachedInitGas = MIN_CACHED_INIT_GAS + cachedInitCost;
  return {
    wasm: instrumented.wasm,
    footprint,
    maxPages: checked.memory.limits.max,
    activationGas: activationGas(m, wasm.length, footprint, instrumented.operatorCount),
    // Stylus v2: a call that is not cached pays the cached cost as well as the init cost.
    initGas: MIN_INIT_GAS + initCost + cachedInitGas,
    cachedInitGas,
    imports: m.imports.map(({ module, name }) => ({ module, name })),
  };
}

/** V8's reason for refusing the original module, or a note that the fault is in the rewrite. */
function compileError(wasm: Uint8Array): string {
  try {
    new WebAssembly.Module(wasm);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return 'the instrumented module does not validate although the original does (a polyvm bug)';
}

/**
 * nitro's activation estimate (crates/prover/src/programs/mod.rs `Module::activate`): each term
 * is microseconds rounded down, and each is converted to gas separately at 28 gas/µs
 * (fudge 2 × speed 7,000,000 / 500,000). Terms: decompressed bytes × 31,733/100,000; functions
 * defined × 17,263/100,000; data-segment payload bytes × 17,376/100,000; element-segment encoded
 * bytes × 17,376/100,000; initial pages × 2,217; operators after instrumentation × 535/1,000.
 * The chain-set flat `ActivationGas` (0 unless the owner sets it) and the data fee are not included.
 */
function activationGas(m: WasmModule, wasmLength: number, pages: number, operators: number): number {
  const gas = (microseconds: number) => Math.floor(microseconds) * 28;
  const dataBytes = m.datas.reduce((sum, d) => sum + d.size, 0);
  const elementBytes = m.elements.reduce((sum, e) => sum + e.encodedLength, 0);
  return (
    gas((wasmLength * 31_733) / 100_000) +
    gas((m.codes.length * 17_263) / 100_000) +
    gas((dataBytes * 17_376) / 100_000) +
    gas((elementBytes * 17_376) / 100_000) +
    gas(pages * 2_217) +
    gas((operators * 535) / 1_000)
  );
}

/**
 * nitro's "predict costs" (crates/prover/src/binary.rs `instrument`), Stylus v2, each term
 * rounded down. With f = functions defined, t = parameters + results summed over their types,
 * w = decompressed bytes, g = globals including the 4 added, d = encoded bytes of all data and
 * element segments, p = initial pages:
 *   cachedInitCost = f·13420/100000 + t·89/100000 + w·122/100000 + g·1628/1000 + d·75244/100000 + 5p
 *   initCost       = f·8252/1000 + t·1059/1000 + w·1286/10000
 * Both must fit 16 bits. The call-time scalars are 100%, so the gas is cost + minimum.
 */
function initCosts(m: WasmModule, wasmLength: number, pages: number): { initCost: number; cachedInitCost: number } {
  const functions = m.codes.length;
  const typeLength = m.functions.reduce((sum, t) => sum + m.types[t]!.params.length + m.types[t]!.results.length, 0);
  const globals = m.globals.length + ADDED_GLOBALS;
  const dataLength = m.datas.reduce((sum, d) => sum + d.encodedLength, 0) + m.elements.reduce((sum, e) => sum + e.encodedLength, 0);
  const term = (count: number, numerator: number, denominator: number) => Math.floor((count * numerator) / denominator);
  const cachedInitCost =
    term(functions, 13_420, 100_000) +
    term(typeLength, 89, 100_000) +
    term(wasmLength, 122, 100_000) +
    term(globals, 1_628, 1_000) +
    term(dataLength, 75_244, 100_000) +
    pages * 5;
  const initCost = term(functions, 8_252, 1_000) + term(typeLength, 1_059, 1_000) + term(wasmLength, 1_286, 10_000);
  if (cachedInitCost > 0xffff) throw new ProgramError(`cached init cost too high: ${cachedInitCost} > 65535`);
  if (initCost > 0xffff) throw new ProgramError(`init cost too high: ${initCost} > 65535`);
  return { initCost, cachedInitCost };
}
