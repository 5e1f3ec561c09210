/**
 * The rewrite that makes a Stylus program pay for what it runs and stop at the same point on
 * every machine (docs/wasm-notes.md §2.2). Each function passes through nitro's middlewares in
 * nitro's order (crates/prover/src/binary.rs `instrument`): ink meter → dynamic meter → depth
 * checker → heap bound. Each stage sees the operators the previous stage emitted, as in nitro, so
 * the depth checker's stack model includes the meter's checks and the operator counts match.
 * Checks are inlined: no function is added, so no function index changes.
 */
import { type FuncType, Op, OPCODE_POPS, OPCODE_PUSHES, opcodeSlot, type Operator, Reader, SectionId, Writer } from './binary.js';
import { INK_LEFT_GLOBAL, INK_STATUS_GLOBAL, MEMORY_IMPORT, STACK_LEFT_GLOBAL } from './hostio.js';
import { ENDS_BASIC_BLOCK, INK_HEADER_COST, inkPrice, MEMORY_BYTE_INK, U64_MAX } from './pricing.js';
import { ProgramError } from './program-error.js';
import { type CheckedModule, ENTRYPOINT, LIMITS } from './validate.js';

/** Largest frame a function may have, in words (`max_frame_size`). */
export const MAX_FRAME_SIZE = 10 * 1024;

/** Most values a function's operand stack may hold at once (`max_frame_contention`). */
export const MAX_FRAME_CONTENTION = 4096;

export interface InstrumentedModule {
  readonly wasm: Uint8Array;
  /** Operators of all functions after instrumentation (nitro's activation gas counts these). */
  readonly operatorCount: number;
}

/** Indices of the added globals, which follow the module's own. */
interface AddedGlobals {
  readonly inkLeft: number;
  readonly inkStatus: number;
  readonly scratch: number;
  readonly stackLeft: number;
}

/**
 * An operator the rewrite inserts: its opcode and its immediate, a global named by role, a
 * constant, or a hole for the value each use fills in (the block's cost, the frame's size).
 */
type Immediate = number | keyof AddedGlobals | 'value' | 'pay' | undefined;
type Insert = readonly [code: number, immediate?: Immediate];

/** Sets the ink status to 1 (out of ink) and traps. */
const OUT_OF_INK: readonly Insert[] = [[Op.if], [Op.i32Const, 1], [Op.globalSet, 'inkStatus'], [Op.unreachable], [Op.end]];

/**
 * Ink meter (nitro programs/meter.rs), before each basic block: trap with status 1 if the ink
 * left is below the block's cost (sum of prices + header, saturating at u64::MAX), else pay it.
 */
const METER: readonly Insert[] = [
  [Op.globalGet, 'inkLeft'],
  [Op.i64Const, 'value'],
  [Op.i64LtU],
  ...OUT_OF_INK,
  [Op.globalGet, 'inkLeft'],
  [Op.i64Const, 'value'],
  [Op.i64Sub],
  [Op.globalSet, 'inkLeft'],
];

/**
 * Dynamic meter (nitro programs/dynamic.rs), before `memory.copy`/`memory.fill`: take the byte
 * count off the stack into the scratch global, subtract count × 100 from the ink, and trap with
 * status 1 if that wrapped around; then put the count back.
 */
const DYNAMIC_METER: readonly Insert[] = [
  [Op.globalSet, 'scratch'],
  [Op.globalGet, 'inkLeft'],
  [Op.globalGet, 'inkLeft'],
  [Op.globalGet, 'scratch'],
  [Op.i64ExtendI32U],
  [Op.i64Const, Number(MEMORY_BYTE_INK)],
  [Op.i64Mul],
  [Op.i64Sub],
  [Op.globalSet, 'inkLeft'],
  [Op.globalGet, 'inkLeft'],
  [Op.i64LtU],
  ...OUT_OF_INK,
  [Op.globalGet, 'scratch'],
];

/**
 * Depth checker (nitro programs/depth.rs): a frame of worst-case height + declared locals + 4
 * words. On entry, trap with stack left set to 0 if the space left is at most the frame, else
 * take it; give it back before every `return`, including one added before the final `end`.
 */
const FRAME_ENTRY: readonly Insert[] = [
  [Op.globalGet, 'stackLeft'],
  [Op.i32Const, 'value'],
  [Op.i32LeU],
  [Op.if],
  [Op.i32Const, 0],
  [Op.globalSet, 'stackLeft'],
  [Op.unreachable],
  [Op.end],
  [Op.globalGet, 'stackLeft'],
  [Op.i32Const, 'value'],
  [Op.i32Sub],
  [Op.globalSet, 'stackLeft'],
];
const FRAME_EXIT: readonly Insert[] = [[Op.globalGet, 'stackLeft'], [Op.i32Const, 'value'], [Op.i32Add], [Op.globalSet, 'stackLeft']];

/** Heap bound (nitro programs/heap.rs), before `memory.grow`: pass a copy of the page count to pay_for_memory_grow. */
const HEAP_BOUND: readonly Insert[] = [
  [Op.globalSet, 'scratch'],
  [Op.globalGet, 'scratch'],
  [Op.globalGet, 'scratch'],
  [Op.call, 'pay'],
];

/** A sequence of inserted operators as bytes, split where each use writes its own value. */
class Snippet {
  readonly codes: Int32Array;
  private readonly pieces: Uint8Array[] = [];
  private readonly wide: boolean[] = [];

  constructor(inserts: readonly Insert[], g: AddedGlobals, pay: number | undefined) {
    this.codes = Int32Array.from(inserts, ([code]) => code);
    let piece = new Writer();
    for (const [code, immediate] of inserts) {
      piece.u8(code);
      if (code === Op.if) piece.u8(0x40);
      if (immediate === undefined) continue;
      if (immediate === 'value') {
        this.pieces.push(piece.result());
        this.wide.push(code === Op.i64Const);
        piece = new Writer();
      } else if (typeof immediate === 'number') piece.signedNumber(immediate);
      else piece.u32(immediate === 'pay' ? pay! : g[immediate]);
    }
    this.pieces.push(piece.result());
  }

  get length(): number {
    return this.codes.length;
  }

  /** Writes the operators with `value` in every hole (an i64's as a signed 64-bit number). */
  write(w: Writer, value: number | bigint): void {
    const pieces = this.pieces;
    for (let i = 0; i < pieces.length; i++) {
      w.bytes(pieces[i]!);
      if (i === pieces.length - 1) break;
      if (typeof value === 'number') w.signedNumber(value);
      else w.signed(this.wide[i] ? BigInt.asIntN(64, value) : value);
    }
  }
}

/** What the rewrite inserts in one module (its globals and pay_for_memory_grow index filled in). */
interface Snippets {
  readonly meter: Snippet;
  readonly dynamicMeter: Snippet;
  readonly frameEntry: Snippet;
  readonly frameExit: Snippet;
  readonly heapBound: Snippet | undefined;
}

function tooManyOperators(func: number, count: number): ProgramError {
  return new ProgramError(`too many operators in function ${func} after instrumentation: ${count} > ${LIMITS.operatorsPerFunction}`);
}

/** Ink of a block whose sum passed 2^52: the sum goes on in bigint, exactly. */
const SAFE_SUM = 2 ** 52;

/**
 * nitro's operand stack model (programs/depth.rs `worst_case_depth`): each operator pushes its
 * results, then pops its inputs (never below zero); a block with a result counts it as pushed on
 * entry; `else` and `end` return to the height at the block's entry.
 */
class DepthModel {
  worst = 0;
  private stack = 0;
  private scopes: number[] = [0];
  /** The first operator the model could not take, as an error to throw. */
  error: ProgramError | undefined;

  constructor(
    private readonly types: readonly FuncType[],
    private readonly funcType: (index: number) => FuncType | undefined,
    private readonly func: number,
  ) {}

  private push(n: number): void {
    this.stack += n;
    if (this.stack > this.worst) this.worst = this.stack;
  }

  private pop(n: number): void {
    this.stack = this.stack > n ? this.stack - n : 0;
  }

  /** One operator; `start` is its byte offset for errors. */
  step(code: number, index: number, hasResult: boolean, start: number): void {
    if (this.error !== undefined) return;
    switch (code) {
      case Op.block:
      case Op.loop:
      case Op.if:
        if (code === Op.if) this.pop(1);
        if (hasResult) this.push(1);
        this.scopes.push(this.stack);
        return;
      case Op.else:
      case Op.end: {
        const scope = code === Op.end ? this.scopes.pop() : this.scopes.at(-1);
        if (scope === undefined) this.error = new ProgramError(`malformed block structure at byte ${start} in function ${this.func}`);
        else this.stack = scope;
        return;
      }
      case Op.call:
      case Op.callIndirect: {
        const type = code === Op.call ? this.funcType(index) : this.types[index];
        if (type === undefined) {
          this.error = new ProgramError(`missing type for operator at byte ${start} in function ${this.func}`);
          return;
        }
        this.push(type.results.length);
        this.pop(type.params.length + (code === Op.callIndirect ? 1 : 0));
        return;
      }
      default: {
        const slot = opcodeSlot(code);
        this.push(OPCODE_PUSHES[slot]!);
        this.pop(OPCODE_POPS[slot]!);
      }
    }
  }

  /** Inserted operators (none has a result type, a call or a byte offset). */
  steps(snippet: Snippet): void {
    const codes = snippet.codes;
    for (let i = 0; i < codes.length; i++) this.step(codes[i]!, 0, false, -1);
  }
}

/** The worst-case operand stack height of a function's operators in nitro's model (see DepthModel). */
export function worstCaseDepth(
  ops: readonly Operator[],
  types: readonly FuncType[],
  funcType: (index: number) => FuncType | undefined,
  func: number,
): number {
  const model = new DepthModel(types, funcType, func);
  for (const op of ops) {
    model.step(op.code, op.index, op.blockType !== undefined && op.blockType !== null, op.start);
    if (model.error !== undefined) throw model.error;
  }
  return model.worst;
}

/**
 * Instruments every function and writes the module back: exports reduced, four globals added.
 * Each function passes through nitro's middlewares in nitro's order (meter → dynamic meter →
 * depth checker → heap bound), computed in two passes over its operators: the first works out
 * each basic block's cost, the worst stack height (over the metered operators, as nitro's depth
 * checker sees them) and the operator counts, with nitro's refusals; the second writes the body,
 * copying each run of original operators as one piece of the source.
 */
export function instrumentModule(checked: CheckedModule): InstrumentedModule {
  const m = checked.module;
  const first = m.globals.length;
  const g: AddedGlobals = { inkLeft: first, inkStatus: first + 1, scratch: first + 2, stackLeft: first + 3 };
  const pay = checked.payForMemoryGrow;
  const snippets: Snippets = {
    meter: new Snippet(METER, g, pay),
    dynamicMeter: new Snippet(DYNAMIC_METER, g, pay),
    frameEntry: new Snippet(FRAME_ENTRY, g, pay),
    frameExit: new Snippet(FRAME_EXIT, g, pay),
    heapBound: pay === undefined ? undefined : new Snippet(HEAP_BOUND, g, pay),
  };
  const imported = m.imports.length; // imports are all functions (validated)
  const funcTypes: FuncType[] = [...m.imports.map((imp) => m.types[imp.typeIndex]!), ...m.functions.map((t) => m.types[t]!)];
  const funcType = (index: number): FuncType | undefined => funcTypes[index];
  const codeBytes = m.codes.reduce((sum, code) => sum + code.bodyEnd - code.localsStart, 0);
  const bodies = new Writer(codeBytes * 3 + 64);
  const ends: number[] = [];
  let operatorCount = 0;
  for (let i = 0; i < m.codes.length; i++) {
    operatorCount += instrumentFunction(checked, i, imported + i, funcType, snippets, bodies);
    ends.push(bodies.length);
  }
  return { wasm: writeModule(checked, bodies, ends, g), operatorCount };
}

/** Block costs of the function being instrumented, reused: a number, or NaN with the bigint in `bigCosts`. */
let blockCosts = new Float64Array(1024);
const bigCosts = new Map<number, bigint>();

/** Instruments function `i` (index `func`) onto `out`; returns its operator count after instrumentation. */
function instrumentFunction(
  checked: CheckedModule,
  i: number,
  func: number,
  funcType: (index: number) => FuncType | undefined,
  snippets: Snippets,
  out: Writer,
): number {
  const m = checked.module;
  const source = m.bytes;
  const body = m.codes[i]!;
  const ops = checked.bodies;
  const from = ops.first[i]!;
  const to = ops.first[i + 1]!;
  const { code, index, hasResult, start } = ops;
  const types = m.types;

  // Pass 1: block costs, counts, and the stack model over the metered operators.
  const depth = new DepthModel(types, funcType, func);
  let blocks = 0;
  let meterLength = 0;
  let blockStart = from;
  let cost = 0;
  let big: bigint | undefined;
  let saturated = false;
  let copies = 0;
  let returns = 0;
  let grows = 0;
  bigCosts.clear();
  for (let k = from; k < to; k++) {
    if (k === blockStart) depth.steps(snippets.meter);
    const op = code[k]!;
    const price = inkPrice(op, index[k]!, types);
    if (price < 0) saturated = true;
    else if (big !== undefined) big += BigInt(price);
    else if ((cost += price) > SAFE_SUM) big = BigInt(cost);
    if (op === Op.memoryCopy || op === Op.memoryFill) {
      depth.steps(snippets.dynamicMeter);
      copies++;
    } else if (op === Op.return) returns++;
    else if (op === Op.memoryGrow) grows++;
    depth.step(op, index[k]!, hasResult[k] === 1, start[k]!);
    if (ENDS_BASIC_BLOCK[opcodeSlot(op)] !== 1) continue;
    if (blocks === blockCosts.length) {
      const wider = new Float64Array(blocks * 2);
      wider.set(blockCosts);
      blockCosts = wider;
    }
    if (saturated) {
      blockCosts[blocks] = NaN;
      bigCosts.set(blocks, U64_MAX);
    } else if (big !== undefined) {
      const total = big + INK_HEADER_COST;
      blockCosts[blocks] = NaN;
      bigCosts.set(blocks, total > U64_MAX ? U64_MAX : total);
    } else blockCosts[blocks] = cost + HEADER_INK;
    blocks++;
    meterLength += snippets.meter.length + (k + 1 - blockStart);
    // Past the limit now, the function is refused anyway: stop before the rest (as nitro's
    // meter, which a module of nested blocks would otherwise keep busy for seconds).
    if (meterLength > LIMITS.operatorsPerFunction) throw tooManyOperators(func, meterLength);
    blockStart = k + 1;
    cost = 0;
    big = undefined;
    saturated = false;
  }
  if (depth.error !== undefined) throw depth.error;
  const worst = depth.worst;
  if (worst > MAX_FRAME_CONTENTION) {
    throw new ProgramError(`too many values on the stack at once in function ${func}: ${worst} > ${MAX_FRAME_CONTENTION}`);
  }
  const frame = worst + body.localCount + 4;
  if (frame > MAX_FRAME_SIZE) throw new ProgramError(`frame too large in function ${func}: ${frame} > ${MAX_FRAME_SIZE} words`);
  const heapBound = snippets.heapBound;
  const count =
    snippets.frameEntry.length +
    meterLength +
    copies * snippets.dynamicMeter.length +
    (returns + 1) * (snippets.frameExit.length + 1) -
    returns + // the returns themselves are already in meterLength; the one added is not
    (heapBound === undefined ? 0 : grows * heapBound.length);
  if (count > LIMITS.operatorsPerFunction) throw tooManyOperators(func, count);

  // Pass 2: the body, original operators copied from the source in runs.
  out.bytes(source.subarray(body.localsStart, body.bodyStart));
  snippets.frameEntry.write(out, frame);
  let run = body.bodyStart; // the first source byte not yet copied
  let block = 0;
  blockStart = from;
  for (let k = from; k < to; k++) {
    const op = code[k]!;
    const at = start[k]!;
    const meterHere = k === blockStart;
    const inserts =
      op === Op.memoryCopy || op === Op.memoryFill || op === Op.return || (op === Op.memoryGrow && heapBound !== undefined) || k === to - 1;
    if (meterHere || inserts) {
      out.bytes(source.subarray(run, at));
      run = at;
    }
    if (meterHere) {
      const total = blockCosts[block]!;
      snippets.meter.write(out, Number.isNaN(total) ? bigCosts.get(block)! : total);
      block++;
    }
    if (inserts) {
      if (op === Op.memoryCopy || op === Op.memoryFill) snippets.dynamicMeter.write(out, 0);
      else if (op === Op.memoryGrow) heapBound!.write(out, 0);
      else if (op === Op.return) snippets.frameExit.write(out, frame);
      else {
        // The final `end`: a return (giving the frame back) before it.
        snippets.frameExit.write(out, frame);
        out.u8(Op.return);
      }
    }
    if (ENDS_BASIC_BLOCK[opcodeSlot(op)] === 1) blockStart = k + 1;
  }
  out.bytes(source.subarray(run, body.bodyEnd));
  return count;
}

/** INK_HEADER_COST as a number. */
const HEADER_INK = Number(INK_HEADER_COST);

/** Section ids in the order the binary format requires. */
const SECTION_ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];

function writeModule(checked: CheckedModule, bodies: Writer, ends: readonly number[], g: AddedGlobals): Uint8Array {
  const m = checked.module;
  const out = new Writer(m.bytes.length + bodies.length + 256).bytes(m.bytes.subarray(0, 8));
  for (const id of SECTION_ORDER) {
    const original = m.sections.find((s) => s.id === id);
    if (id === SectionId.import) out.section(id, importSection(checked));
    else if (id === SectionId.memory)
      continue; // the memory is imported instead (below)
    else if (id === SectionId.global) out.section(id, globalSection(checked, g));
    else if (id === SectionId.export) out.section(id, exportSection(checked, g));
    else if (id === SectionId.code) out.section(id, codeSection(bodies, ends));
    else if (original !== undefined) out.section(id, new Writer().bytes(m.bytes.subarray(original.start, original.end)));
  }
  return out.result();
}

/**
 * The module's imports, then its memory as an import (`MEMORY_IMPORT`) with the limits it
 * declared: the host hands each call a memory from a pool of ones already mapped, which saves
 * V8 mapping and faulting in fresh pages on every call. The memory keeps index 0, its export and
 * its data segments, so the program sees no difference.
 */
function importSection(checked: CheckedModule): Writer {
  const m = checked.module;
  const w = new Writer().u32(m.imports.length + 1);
  const original = m.sections.find((s) => s.id === SectionId.import);
  if (original !== undefined) {
    const r = new Reader(m.bytes, original.start, original.end);
    r.u32(); // the count, rewritten above
    w.bytes(m.bytes.subarray(r.pos, original.end));
  }
  const { min, max } = checked.memory.limits;
  w.name(MEMORY_IMPORT.module).name(MEMORY_IMPORT.name).u8(0x02);
  if (max === undefined) w.u8(0).u32(min);
  else w.u8(1).u32(min).u32(max);
  return w;
}

function globalSection(checked: CheckedModule, g: AddedGlobals): Writer {
  const m = checked.module;
  const w = new Writer().u32(m.globals.length + 4);
  const original = m.sections.find((s) => s.id === SectionId.global);
  if (original !== undefined) {
    const r = new Reader(m.bytes, original.start, original.end);
    r.u32(); // the count, rewritten above
    w.bytes(m.bytes.subarray(r.pos, original.end));
  }
  for (const index of [g.inkLeft, g.inkStatus, g.scratch, g.stackLeft]) {
    const wide = index === g.inkLeft;
    w.valueType(wide ? 'i64' : 'i32').u8(1); // mutable
    w.u8(wide ? Op.i64Const : Op.i32Const)
      .u8(0)
      .u8(Op.end);
  }
  return w;
}

/** Keeps `user_entrypoint` and `memory` (nitro drops all other exports) and exports the host's globals. */
function exportSection(checked: CheckedModule, g: AddedGlobals): Writer {
  const kept = checked.module.exports.filter(
    (e) => (e.name === ENTRYPOINT && e.kind === 'func') || (e.name === 'memory' && e.kind === 'memory'),
  );
  const w = new Writer().u32(kept.length + 3);
  const kinds = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };
  for (const e of kept) w.name(e.name).u8(kinds[e.kind]).u32(e.index);
  w.name(INK_LEFT_GLOBAL).u8(kinds.global).u32(g.inkLeft);
  w.name(INK_STATUS_GLOBAL).u8(kinds.global).u32(g.inkStatus);
  w.name(STACK_LEFT_GLOBAL).u8(kinds.global).u32(g.stackLeft);
  return w;
}

/** The code section: the instrumented bodies (written one after another in `bodies`), each with its size. */
function codeSection(bodies: Writer, ends: readonly number[]): Writer {
  const w = new Writer(bodies.length + 5 * ends.length + 5).u32(ends.length);
  const all = bodies.view();
  let start = 0;
  for (const end of ends) {
    w.u32(end - start).bytes(all.subarray(start, end));
    start = end;
  }
  return w;
}
