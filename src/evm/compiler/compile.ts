/**
 * Turning generated source into a function. Code generation may be forbidden (a browser page
 * whose content security policy has no 'unsafe-eval'): the first refusal is remembered and the
 * interpreter runs everything from then on.
 */
import type { Frame } from '../frame.js';
import { refillGas } from '../frame.js';
import type { OpcodeTable } from '../table.js';
import type { BlockAnalysis } from '../blocks.js';
import type { CodeAnalysis } from '../analysis.js';
import { readWord, useMemory, writeWord } from '../memory.js';
import { interpret } from '../interpreter.js';
import type { Status } from '../../host/status.js';
import { DEFAULT_LIMITS, generate, type CodegenLimits } from './codegen.js';

/** A compiled contract: runs a frame from its pc until it halts or suspends, as `interpret` does. */
export type CompiledCode = (f: Frame) => Status;

export interface Compilation {
  readonly run: CompiledCode;
  /** Characters of generated source. */
  readonly sourceSize: number;
  readonly blocks: number;
  readonly regions: number;
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

/**
 * Compiles `code` for one fork's table; undefined when it is over the size limits or the platform
 * forbids code generation (the interpreter then runs it).
 */
export function compile(
  code: Uint8Array,
  table: OpcodeTable,
  blocks: BlockAnalysis,
  analysis: CodeAnalysis,
  limits: CodegenLimits = DEFAULT_LIMITS,
): Compilation | undefined {
  if (!codegenAllowed) return undefined;
  const generated = generate(code, table, blocks, analysis, limits);
  if (generated === undefined) return undefined;
  let factory: (rt: unknown) => CompiledCode;
  try {
    factory = new Function('rt', generated.source) as (rt: unknown) => CompiledCode;
  } catch (error) {
    // EvalError: code generation from strings is disallowed here. Anything else is a bug.
    if (error instanceof EvalError) {
      codegenAllowed = false;
      return undefined;
    }
    throw error;
  }
  const run = factory({
    H: table.handlers,
    P: table.pure,
    index: generated.index,
    jd: analysis.jumpDestinations,
    refill: refillGas,
    fail,
    useMemory,
    readWord,
    writeWord,
    interpret,
  });
  return { run, sourceSize: generated.source.length, blocks: generated.blocks, regions: generated.regions };
}
