/**
 * The rewrite that makes a Stylus program pay for what it runs and stop at the same point on
 * every machine (docs/wasm-notes.md §2.2). Each function passes through nitro's middlewares in
 * nitro's order (crates/prover/src/binary.rs `instrument`): ink meter → dynamic meter → depth
 * checker → heap bound. Each stage sees the operators the previous stage emitted, as in nitro, so
 * the depth checker's stack model includes the meter's checks and the operator counts match.
 * Checks are inlined: no function is added, so no function index changes.
 */
import { type FuncType, functionType, inserted, Op, OPCODES, type Operator, Reader, SectionId, encodeOperator, Writer } from './binary.js';
import { INK_LEFT_GLOBAL, INK_STATUS_GLOBAL, MEMORY_IMPORT, STACK_LEFT_GLOBAL } from './hostio.js';
import { endsBasicBlock, INK_HEADER_COST, MEMORY_BYTE_INK, operatorPrice, U64_MAX } from './pricing.js';
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
 * Inserted operators are never changed once made, so each distinct one is made once and shared:
 * instrumenting a large module inserts hundreds of thousands, and the allocations were much of
 * its time.
 */
const made = new Map<string, Operator>();
function shared(key: string, make: () => Operator): Operator {
  let op = made.get(key);
  if (op === undefined) {
    op = make();
    if (made.size < 1 << 16) made.set(key, op);
  }
  return op;
}
const get = (global: number): Operator => shared(`g${global}`, () => inserted(Op.globalGet, global));
const set = (global: number): Operator => shared(`s${global}`, () => inserted(Op.globalSet, global));
const i32 = (value: number): Operator => shared(`i${value}`, () => inserted(Op.i32Const, 0, BigInt(value)));
const i64 = (value: bigint): Operator => shared(`l${value}`, () => inserted(Op.i64Const, 0, BigInt.asIntN(64, value)));
const simple = (code: number): Operator => shared(`o${code}`, () => inserted(code));
const IF_EMPTY: Operator = { ...inserted(Op.if), blockType: null };
const ifEmpty = (): Operator => IF_EMPTY;

/** Sets the ink status to 1 (out of ink) and traps. */
function outOfInk(g: AddedGlobals): Operator[] {
  return [ifEmpty(), i32(1), set(g.inkStatus), simple(Op.unreachable), simple(Op.end)];
}

/**
 * Ink meter (nitro programs/meter.rs): before each basic block, trap with status 1 if the ink
 * left is below the block's cost (sum of prices + header, saturating at u64::MAX), else pay it.
 */
function meter(ops: readonly Operator[], types: readonly FuncType[], g: AddedGlobals, func: number): Operator[] {
  const out: Operator[] = [];
  let block: Operator[] = [];
  let cost = 0n;
  for (const op of ops) {
    cost = saturate(cost + operatorPrice(op, types));
    block.push(op);
    if (!endsBasicBlock(op.code)) continue;
    const total = saturate(cost + INK_HEADER_COST);
    out.push(get(g.inkLeft), i64(total), simple(Op.i64LtU), ...outOfInk(g));
    out.push(get(g.inkLeft), i64(total), simple(Op.i64Sub), set(g.inkLeft));
    out.push(...block);
    block = [];
    cost = 0n;
    // The later passes only add operators: past the limit now, the function is refused anyway,
    // so stop before building the rest (a module of nested blocks would otherwise cost seconds).
    if (out.length > LIMITS.operatorsPerFunction) throw tooManyOperators(func, out.length);
  }
  return out; // a body ends with `end`, which ends a block, so nothing is left over
}

function tooManyOperators(func: number, count: number): ProgramError {
  return new ProgramError(`too many operators in function ${func} after instrumentation: ${count} > ${LIMITS.operatorsPerFunction}`);
}

function saturate(value: bigint): bigint {
  return value > U64_MAX ? U64_MAX : value;
}

/**
 * Dynamic meter (nitro programs/dynamic.rs): before `memory.copy`/`memory.fill`, take the byte
 * count off the stack into the scratch global, subtract count × 100 from the ink, and trap with
 * status 1 if that wrapped around; then put the count back.
 */
function dynamicMeter(ops: readonly Operator[], g: AddedGlobals): Operator[] {
  const out: Operator[] = [];
  for (const op of ops) {
    if (op.code === Op.memoryCopy || op.code === Op.memoryFill) {
      out.push(set(g.scratch), get(g.inkLeft), get(g.inkLeft), get(g.scratch), simple(Op.i64ExtendI32U));
      out.push(i64(MEMORY_BYTE_INK), simple(Op.i64Mul), simple(Op.i64Sub), set(g.inkLeft), get(g.inkLeft));
      out.push(simple(Op.i64LtU), ...outOfInk(g), get(g.scratch));
    }
    out.push(op);
  }
  return out;
}

/**
 * The worst-case operand stack height of a function in nitro's model (programs/depth.rs
 * `worst_case_depth`): each operator pushes its results, then pops its inputs (never below zero);
 * a block with a result counts it as pushed on entry; `else` and `end` return to the height at
 * the block's entry.
 */
export function worstCaseDepth(
  ops: readonly Operator[],
  types: readonly FuncType[],
  funcType: (index: number) => FuncType | undefined,
  func: number,
): number {
  let worst = 0;
  let stack = 0;
  const scopes = [0];
  const push = (n: number) => {
    stack += n;
    if (stack > worst) worst = stack;
  };
  const pop = (n: number) => {
    stack = Math.max(0, stack - n);
  };
  const malformed = (op: Operator): never => {
    throw new ProgramError(`malformed block structure at byte ${op.start} in function ${func}`);
  };
  for (const op of ops) {
    switch (op.code) {
      case Op.block:
      case Op.loop:
      case Op.if:
        if (op.code === Op.if) pop(1);
        if (op.blockType !== undefined && op.blockType !== null) push(1);
        scopes.push(stack);
        break;
      case Op.else:
        stack = scopes.at(-1) ?? malformed(op);
        break;
      case Op.end:
        stack = scopes.pop() ?? malformed(op);
        break;
      case Op.call:
      case Op.callIndirect: {
        const type = op.code === Op.call ? funcType(op.index) : types[op.index];
        if (type === undefined) throw new ProgramError(`missing type for operator at byte ${op.start} in function ${func}`);
        push(type.results.length);
        pop(type.params.length + (op.code === Op.callIndirect ? 1 : 0));
        break;
      }
      default: {
        const info = OPCODES.get(op.code)!;
        push(info.pushes);
        pop(info.pops);
      }
    }
  }
  return worst;
}

/**
 * Depth checker (nitro programs/depth.rs): a frame of worst-case height + declared locals + 4
 * words. On entry, trap with stack left set to 0 if the space left is at most the frame, else
 * take it; give it back before every `return`, including one added before the final `end`.
 */
function depthCheck(ops: readonly Operator[], frame: number, g: AddedGlobals): Operator[] {
  const out: Operator[] = [get(g.stackLeft), i32(frame), simple(Op.i32LeU), ifEmpty(), i32(0), set(g.stackLeft)];
  out.push(simple(Op.unreachable), simple(Op.end), get(g.stackLeft), i32(frame), simple(Op.i32Sub), set(g.stackLeft));
  const body = [...ops.slice(0, -1), simple(Op.return), ops.at(-1)!];
  for (const op of body) {
    if (op.code === Op.return) out.push(get(g.stackLeft), i32(frame), simple(Op.i32Add), set(g.stackLeft));
    out.push(op);
  }
  return out;
}

/** Heap bound (nitro programs/heap.rs): pass a copy of the page count to pay_for_memory_grow first. */
function heapBound(ops: readonly Operator[], payFunction: number | undefined, g: AddedGlobals): Operator[] {
  if (payFunction === undefined) return [...ops];
  const out: Operator[] = [];
  for (const op of ops) {
    if (op.code === Op.memoryGrow) out.push(set(g.scratch), get(g.scratch), get(g.scratch), inserted(Op.call, payFunction));
    out.push(op);
  }
  return out;
}

/** Instruments every function and writes the module back: exports reduced, four globals added. */
export function instrumentModule(checked: CheckedModule): InstrumentedModule {
  const m = checked.module;
  const first = m.globals.length;
  const g: AddedGlobals = { inkLeft: first, inkStatus: first + 1, scratch: first + 2, stackLeft: first + 3 };
  const imported = m.imports.length; // imports are all functions (validated)
  const funcType = (index: number) => functionType(m, index);
  let operatorCount = 0;
  const bodies = checked.bodies.map((ops, i) => {
    const func = imported + i;
    const metered = dynamicMeter(meter(ops, m.types, g, func), g);
    const worst = worstCaseDepth(metered, m.types, funcType, func);
    if (worst > MAX_FRAME_CONTENTION) {
      throw new ProgramError(`too many values on the stack at once in function ${func}: ${worst} > ${MAX_FRAME_CONTENTION}`);
    }
    const frame = worst + m.codes[i]!.localCount + 4;
    if (frame > MAX_FRAME_SIZE) throw new ProgramError(`frame too large in function ${func}: ${frame} > ${MAX_FRAME_SIZE} words`);
    const out = heapBound(depthCheck(metered, frame, g), checked.payForMemoryGrow, g);
    if (out.length > LIMITS.operatorsPerFunction) throw tooManyOperators(func, out.length);
    operatorCount += out.length;
    return out;
  });
  return { wasm: writeModule(checked, bodies, g), operatorCount };
}

/** Section ids in the order the binary format requires. */
const SECTION_ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];

function writeModule(checked: CheckedModule, bodies: readonly Operator[][], g: AddedGlobals): Uint8Array {
  const m = checked.module;
  const out = new Writer().bytes(m.bytes.subarray(0, 8));
  for (const id of SECTION_ORDER) {
    const original = m.sections.find((s) => s.id === id);
    if (id === SectionId.import) out.section(id, importSection(checked));
    else if (id === SectionId.memory)
      continue; // the memory is imported instead (below)
    else if (id === SectionId.global) out.section(id, globalSection(checked, g));
    else if (id === SectionId.export) out.section(id, exportSection(checked, g));
    else if (id === SectionId.code) out.section(id, codeSection(checked, bodies));
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

function codeSection(checked: CheckedModule, bodies: readonly Operator[][]): Writer {
  const m = checked.module;
  const w = new Writer().u32(bodies.length);
  for (const [i, ops] of bodies.entries()) {
    const code = m.codes[i]!;
    const body = new Writer().bytes(m.bytes.subarray(code.localsStart, code.bodyStart));
    for (const op of ops) encodeOperator(body, op, m.bytes);
    w.u32(body.length).bytes(body.result());
  }
  return w;
}
