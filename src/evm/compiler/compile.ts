/**
 * The compiled tier of one code under one fork: its regions (codegen.ts), each compiled into a
 * function when it becomes hot, and the loop that runs a frame through compiled regions and the
 * interpreter alike. Both leave the frame in the same state at every block boundary (pc, sp,
 * stack, gas, memory), so control passes between them there.
 *
 * Heat is sampled: the interpreter runs SAMPLE_BLOCKS blocks at a time and the region it stops in
 * gets a point; at HOT_SAMPLES points the region is compiled (with `always`, at first entry). So
 * only code that runs often costs compile time, and a region V8 is asked to optimise is one that
 * runs often enough to be worth it.
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

/** Blocks the interpreter runs between two looks at where it is. */
export const SAMPLE_BLOCKS = 32;
/** Samples after which a region is compiled. */
export const HOT_SAMPLES = 8;

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
  private readonly heat: Uint8Array;
  private readonly runtime: object;

  constructor(
    private readonly code: Uint8Array,
    private readonly table: OpcodeTable,
    private readonly blocks: BlockAnalysis,
    private readonly analysis: CodeAnalysis,
    private readonly stats: CompileStats,
    private readonly limits: CodegenLimits = DEFAULT_LIMITS,
  ) {
    this.plan = planRegions(code, blocks, limits);
    this.functions = new Array<RegionFunction | null | undefined>(this.plan.regions).fill(undefined);
    this.heat = new Uint8Array(this.plan.regions);
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
    const sample = always ? 1 : SAMPLE_BLOCKS;
    for (;;) {
      const pc = f.pc;
      if (pc >= n) {
        f.status = Status.Stop;
        return Status.Stop;
      }
      const b = index[pc]!;
      if (b >= 0) {
        const r = regionOf[b]!;
        let fn = functions[r];
        if (fn === undefined && (always || ++heat[r]! >= HOT_SAMPLES)) fn = this.compileRegion(r);
        if (fn) {
          const next = fn(f, b);
          if (next < 0) return f.status;
          f.pc = starts[next]!;
          continue;
        }
      }
      // Cold or declined code, or a frame resumed mid-block: the interpreter, a few blocks at a time.
      const status = interpret(f, sample);
      if (status !== Status.Running) return status;
    }
  }
}
