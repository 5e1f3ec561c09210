/**
 * The compiled tier of one code under one fork: its regions (codegen.ts), each compiled into a
 * function when it becomes hot, and the loop that runs a frame through compiled regions and the
 * interpreter alike. Both leave the frame in the same state at every block boundary (pc, sp,
 * stack, gas, memory), so control passes between them there.
 *
 * Heat is sampled: the interpreter runs `sampleBlocks` blocks at a time and the region it stops in
 * is credited with the gas those blocks used (a sample lands in a region about as often as the
 * frame spends time there); at `hotGas` the region is compiled (with `always`, at first entry).
 * So only code that runs a lot costs compile time, and a region V8 is asked to optimise is one
 * that runs often enough for that to pay.
 *
 * Code generation may be forbidden (a browser page whose content security policy has no
 * 'unsafe-eval'): the first refusal is remembered and the interpreter runs everything from then on.
 */
import type { Frame } from '../frame.js';
import { refillGas } from '../frame.js';
import type { OpcodeTable } from '../table.js';
import type { BlockAnalysis } from '../blocks.js';
import type { CodeAnalysis } from '../analysis.js';
import { readWord, useMemory, writeWord } from '../memory.js';
import { interpret } from '../interpreter.js';
import { Status } from '../../host/status.js';
import { DEFAULT_LIMITS, generateRegion, planRegions, type CodegenLimits, type RegionPlan } from './codegen.js';

/** When a region is hot: the interpreter looks where it is every `sampleBlocks` blocks; a region credited with `hotGas` is compiled. */
export interface TierUpRule {
  readonly sampleBlocks: number;
  readonly hotGas: number;
}

/**
 * A region is compiled once about 5 million gas was spent around it (tens of milliseconds of
 * interpreting): generated code is slower than the interpreter until V8 has optimised it, which
 * takes thousands of runs of it, so compiling code that runs less than that loses time
 * (docs/compiler.md has the measurements).
 */
export const DEFAULT_TIER_UP: TierUpRule = { sampleBlocks: 64, hotGas: 5_000_000 };

/** A compiled region: runs from block `b`; returns the block to continue at, or -1 (halted or suspended). */
export type RegionFunction = (f: Frame, b: number) => number;

/** What compiling costs, counted per code cache. */
export interface CompileStats {
  /** Regions compiled. */
  compilations: number;
  /** Regions the generator declined (over the size budget, or code generation forbidden). */
  declined: number;
  /** Milliseconds spent generating and compiling source. */
  compileMs: number;
  /** Characters of source generated. */
  sourceSize: number;
}

let codegenAllowed = true;

/** Whether this platform lets the compiler run (false after the first refusal). */
export function compilerAvailable(): boolean {
  return codegenAllowed;
}

/** Halts a frame: what every exit of compiled code but a suspension does. */
function fail(f: Frame, sp: number, pc: number, status: Status): number {
  f.sp = sp;
  f.pc = pc;
  f.status = status;
  return -1;
}

export class CompiledCode {
  readonly plan: RegionPlan;
  /** Per region: undefined until hot, null when declined. */
  private readonly functions: (RegionFunction | null | undefined)[];
  private readonly heat: Float64Array;
  private readonly runtime: object;

  constructor(
    private readonly code: Uint8Array,
    private readonly table: OpcodeTable,
    private readonly blocks: BlockAnalysis,
    private readonly analysis: CodeAnalysis,
    private readonly stats: CompileStats,
    private readonly limits: CodegenLimits = DEFAULT_LIMITS,
    private readonly tierUp: TierUpRule = DEFAULT_TIER_UP,
  ) {
    this.plan = planRegions(code, blocks, limits);
    this.functions = new Array<RegionFunction | null | undefined>(this.plan.regions).fill(undefined);
    this.heat = new Float64Array(this.plan.regions);
    this.runtime = {
      H: table.handlers,
      P: table.pure,
      index: this.plan.index,
      jd: analysis.jumpDestinations,
      refill: refillGas,
      fail,
      useMemory,
      readWord,
      writeWord,
    };
  }

  /** Compiles region `r` now; null when declined. */
  compileRegion(r: number): RegionFunction | null {
    let fn: RegionFunction | null = null;
    if (codegenAllowed) {
      const started = performance.now();
      const source = generateRegion(this.code, this.table, this.blocks, this.analysis, this.plan, r, this.limits);
      if (source !== undefined) {
        try {
          fn = (new Function('rt', source) as (rt: object) => RegionFunction)(this.runtime);
          this.stats.sourceSize += source.length;
        } catch (error) {
          // EvalError: code generation from strings is disallowed here. Anything else is a bug.
          if (!(error instanceof EvalError)) throw error;
          codegenAllowed = false;
        }
      }
      this.stats.compileMs += performance.now() - started;
    }
    if (fn === null) this.stats.declined++;
    else this.stats.compilations++;
    this.functions[r] = fn;
    return fn;
  }

  /** Regions compiled so far (not declined). */
  get compiledRegions(): number {
    return this.functions.filter((fn) => typeof fn === 'function').length;
  }

  /**
   * Runs `f` until it halts or suspends, in compiled regions where they exist (with `always`,
   * compiling each region on first entry) and in the interpreter elsewhere.
   */
  run(f: Frame, always: boolean): Status {
    f.status = Status.Running;
    f.request = undefined;
    const { index, regionOf, starts } = this.plan;
    const functions = this.functions;
    const heat = this.heat;
    const n = this.code.length;
    const sample = always ? 1 : this.tierUp.sampleBlocks;
    const hot = this.tierUp.hotGas;
    // The block to run next (-1: f.pc is not a block start).
    let b = f.pc < n ? index[f.pc]! : -2;
    for (;;) {
      if (b === -2) {
        f.status = Status.Stop;
        return Status.Stop;
      }
      if (b >= 0) {
        const r = regionOf[b]!;
        let fn = functions[r];
        if (fn === undefined && (always || heat[r]! >= hot)) fn = this.compileRegion(r);
        if (fn) {
          // From one compiled region straight to the next without touching f.pc.
          b = fn(f, b);
          if (b < 0) return f.status;
          continue;
        }
        f.pc = starts[b]!;
      }
      // Cold or declined code, or a frame resumed mid-block: the interpreter, a few blocks at a time.
      const gas = f.gas;
      const status = interpret(f, sample);
      if (status !== Status.Running) return status;
      b = f.pc < n ? index[f.pc]! : -2;
      if (b >= 0) heat[regionOf[b]!]! += gas - f.gas;
    }
  }
}
