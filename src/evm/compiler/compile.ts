/**
 * The compiled tier of one code under one fork: its regions (codegen.ts), each compiled into a
 * function when it becomes hot, and the loop that runs a frame through compiled regions and the
 * interpreter alike. Both leave the frame in the same state at every block boundary (pc, sp,
 * stack, gas, memory), so control passes between them there.
 *
 * Tier-up (`'auto'`): the interpreter runs `sampleBlocks` blocks at a time and the code is
 * credited with the gas they used; once it has `hotGas`, from its `minCalls`-th frame on (or
 * `soloGas` in any number of frames), the code is hot and each region is compiled when a frame
 * enters it (with `'always'`, from the start). So only code that runs a lot costs compile time
 * and V8's optimising time: a single call stays interpreted unless it is very long, because V8
 * takes longer to optimise generated code than most calls last on this kind of machine
 * (docs/compiler.md). Regions never entered are never compiled.
 *
 * Code generation may be forbidden (a browser page whose content security policy has no
 * 'unsafe-eval'): the first refusal is remembered and the interpreter runs everything from then on.
 */
import type { Frame } from '../frame.js';
import { refillGas } from '../frame.js';
import type { OpcodeTable } from '../table.js';
import type { BlockAnalysis } from '../blocks.js';
import type { CodeAnalysis } from '../analysis.js';
import { readWord, useWord, writeWord } from '../memory.js';
import { interpret } from '../interpreter.js';
import { Status } from '../../host/status.js';
import { DEFAULT_LIMITS, generateRegion, planRegions, type CodegenLimits, type RegionPlan } from './codegen.js';

/**
 * When code is hot: `hotGas` spent interpreting it (counted every `sampleBlocks` blocks) and
 * `minCalls` frames started, or `soloGas` spent interpreting it whatever the number of frames.
 */
export interface TierUpRule {
  readonly sampleBlocks: number;
  readonly hotGas: number;
  readonly minCalls: number;
  readonly soloGas: number;
}

/**
 * Code is hot after a million gas of interpreting (a few milliseconds), from its second call on:
 * generated code is slower than the interpreter until V8 has optimised it, which takes thousands
 * of runs of it, so compiling code that runs less than that loses time (docs/compiler.md). A
 * single call gets hot after 200 million gas (about a second interpreted, more than any
 * benchmark's call: snailtracer's is 166 million): what remains of such a call is long enough for
 * V8 to optimise what it compiles.
 */
export const DEFAULT_TIER_UP: TierUpRule = { sampleBlocks: 64, hotGas: 1_000_000, minCalls: 2, soloGas: 200_000_000 };

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
  /** Regions and their functions: made when the code first gets hot. */
  private hot: { plan: RegionPlan; functions: (RegionFunction | null | undefined)[]; runtime: object } | undefined;
  /** Frames of this code started (a frame resumed after a call is not counted again). */
  private calls = 0;
  /** Gas spent interpreting this code: past `hotGas` it is hot. */
  private heat = 0;

  constructor(
    private readonly code: Uint8Array,
    private readonly table: OpcodeTable,
    private readonly blocks: BlockAnalysis,
    private readonly analysis: CodeAnalysis,
    private readonly stats: CompileStats,
    private readonly limits: CodegenLimits = DEFAULT_LIMITS,
    private readonly tierUp: TierUpRule = DEFAULT_TIER_UP,
  ) {}

  private regions(): { plan: RegionPlan; functions: (RegionFunction | null | undefined)[]; runtime: object } {
    if (this.hot === undefined) {
      const plan = planRegions(this.code, this.blocks, this.limits);
      const table = this.table;
      const runtime = {
        H: table.handlers,
        P: table.pure,
        R: table.read,
        index: plan.index,
        jd: this.analysis.jumpDestinations,
        refill: refillGas,
        fail,
        useWord,
        readWord,
        writeWord,
      };
      this.hot = { plan, functions: new Array<RegionFunction | null | undefined>(plan.regions).fill(undefined), runtime };
    }
    return this.hot;
  }

  /** Compiles region `r` now; null when declined. */
  compileRegion(r: number): RegionFunction | null {
    const { plan, functions, runtime } = this.regions();
    let fn: RegionFunction | null = null;
    if (codegenAllowed) {
      const started = performance.now();
      const source = generateRegion(this.code, this.table, this.blocks, this.analysis, plan, r, this.limits);
      if (source !== undefined) {
        try {
          fn = (new Function('rt', source) as (rt: object) => RegionFunction)(runtime);
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
    functions[r] = fn;
    return fn;
  }

  private isHot(rule: TierUpRule): boolean {
    return this.heat >= rule.soloGas || (this.calls >= rule.minCalls && this.heat >= rule.hotGas);
  }

  /**
   * Runs `f` until it halts or suspends: in the interpreter while the code is not hot (counting
   * the gas it spends), then in compiled regions, compiling each on first entry (from the start
   * with `always`), and in the interpreter where a region was declined.
   */
  run(f: Frame, always: boolean): Status {
    f.status = Status.Running;
    f.request = undefined;
    const rule = this.tierUp;
    if (f.pc === 0) this.calls++;
    if (!always && !this.isHot(rule)) {
      for (;;) {
        const gas = f.gas;
        const status = interpret(f, rule.sampleBlocks, this.table, this.blocks);
        this.heat += gas - f.gas;
        if (status !== Status.Running) return status;
        if (this.isHot(rule)) break;
      }
    }
    const { plan, functions } = this.regions();
    const { index, regionOf, starts } = plan;
    const n = this.code.length;
    // The block to run next (-1: f.pc is not a block start; -2: past the end of code).
    let b = f.pc < n ? index[f.pc]! : -2;
    for (;;) {
      if (b === -2) {
        f.status = Status.Stop;
        return Status.Stop;
      }
      if (b >= 0) {
        let fn = functions[regionOf[b]!];
        if (fn === undefined) fn = this.compileRegion(regionOf[b]!);
        if (fn) {
          // From one compiled region straight to the next without touching f.pc.
          b = fn(f, b);
          if (b < 0) return f.status;
          continue;
        }
        f.pc = starts[b]!;
      }
      // A declined region: the interpreter, a few blocks at a time (one with `always`, so that
      // every compiled region is entered).
      const status = interpret(f, always ? 1 : rule.sampleBlocks, this.table, this.blocks);
      if (status !== Status.Running) return status;
      b = f.pc < n ? index[f.pc]! : -2;
    }
  }
}
