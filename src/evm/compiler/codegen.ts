/**
 * The compiler tier's code generator: analysed EVM bytecode to JavaScript source.
 *
 * The basic blocks of blocks.ts become the cases of a `switch` inside a loop; consecutive blocks
 * are grouped into regions of bounded source size, one function each, so V8's optimising
 * compiler accepts every function (a contract of 24 KiB would otherwise be one function too large
 * to optimise). Inside a block the stack lives in `const` locals: pushes are literals, DUP and
 * SWAP move names at compile time, pure operations over literals fold, comparisons stay boolean
 * expressions until a value is needed (so `LT ISZERO PUSH JUMPI` is one `if`), and the real stack
 * is written once, where the block ends or before an instruction the interpreter's handler runs.
 * Static jumps go straight to their block's case; dynamic ones check the JUMPDEST table.
 *
 * Every block starts with the interpreter's checks in the interpreter's order (stack underflow,
 * overflow, then the block's static gas), and every instruction that is not generated inline runs
 * the interpreter's own handler with `pc`, `sp` and the stack as the interpreter would have them,
 * so the two tiers agree on gas, output, state and status. Only numeric literals from the program
 * reach the source: bigint literals of PUSH values and pcs, never text.
 */
import type { OpcodeTable } from '../table.js';
import type { BlockAnalysis } from '../blocks.js';
import { cachedPush, pushValue, type CodeAnalysis } from '../analysis.js';
import { IMMEDIATE_SIZE, JUMPDEST } from '../opcodes/index.js';
import { STACK_LIMIT } from '../frame.js';
import { Status } from '../../host/status.js';

/**
 * How a code is cut for compiling: its basic blocks in order, and regions of consecutive blocks
 * (about `regionBytes` of bytecode each), the unit that is compiled, once hot, into one function.
 */
export interface RegionPlan {
  /** Each block's first pc. */
  readonly starts: Int32Array;
  /** Each pc's block (-1 where no block starts). */
  readonly index: Int32Array;
  /** Each block's region. */
  readonly regionOf: Int32Array;
  /** Each region's first block; one more entry, the number of blocks. */
  readonly regionStart: Int32Array;
  readonly regions: number;
}

/** Limits of the generator: past them a region is declined and stays interpreted. */
export interface CodegenLimits {
  /** Largest source, in characters, per byte of the region's bytecode. */
  readonly sourcePerByte: number;
  /** Bytecode per region (a region ends at the first block boundary past it). */
  readonly regionBytes: number;
  /**
   * Largest source of one region: V8 does not optimise a function past a size, and unoptimised
   * generated code is slower than the interpreter (a single block of thousands of instructions).
   */
  readonly regionSource: number;
  /** Instructions per block, on average over a region of 16 blocks or more, below which it is declined. */
  readonly minBlockLength: number;
}

export const DEFAULT_LIMITS: CodegenLimits = { sourcePerByte: 200, regionBytes: 128, regionSource: 60_000, minBlockLength: 1.5 };

const MAX_UINT256 = (1n << 256n) - 1n;
const TWO_POW_256 = 1n << 256n;

/** A stack item at compile time: an expression over locals and literals, without side effects. */
interface Item {
  /** A literal or the name of a `const` local; undefined while the item is only `cond`. */
  expr: string | undefined;
  /** The item's value when it is known at compile time. */
  value: bigint | undefined;
  /** A boolean expression whose truth is the item (1n) or its falsity (0n). */
  cond: string | undefined;
  /** The real-stack position (relative to the block's entry height) it was read from, unchanged. */
  origin: number | undefined;
}

const literal = (v: bigint): string => (v < 0x10000n ? `${v}n` : `0x${v.toString(16)}n`);
const constant = (v: bigint): Item => ({ expr: literal(v), value: v, cond: undefined, origin: undefined });

/** Instructions generated inline: the rest run their handler. */
const INLINE_BINARY: Record<number, (a: string, b: string) => string> = {
  0x16: (a, b) => `${a} & ${b}`,
  0x17: (a, b) => `${a} | ${b}`,
  0x18: (a, b) => `${a} ^ ${b}`,
};
const CONDITIONS: Record<number, (a: string, b: string) => string> = {
  0x10: (a, b) => `${a} < ${b}`,
  0x11: (a, b) => `${a} > ${b}`,
  0x14: (a, b) => `${a} === ${b}`,
  // SLT and SGT as words.ts orders them (the operands are locals or literals: read twice, safely).
  0x12: (a, b) => signedLess(a, b),
  0x13: (a, b) => signedLess(b, a),
};
const SIGN = `0x${(1n << 255n).toString(16)}n`;
const signedLess = (a: string, b: string): string => `(${a} < ${SIGN} ? ${b} < ${SIGN} && ${a} < ${b} : ${b} < ${SIGN} || ${a} < ${b})`;

/** Cuts `code` into blocks and regions. */
export function planRegions(code: Uint8Array, blocks: BlockAnalysis, limits: CodegenLimits = DEFAULT_LIMITS): RegionPlan {
  blocks.complete();
  const n = code.length;
  const index = new Int32Array(n).fill(-1);
  const starts: number[] = [];
  const regionStart: number[] = [];
  let regionPc = -Infinity;
  for (let pc = 0; pc < n; pc++) {
    if (blocks.countAt(pc) > 0) {
      if (pc - regionPc >= limits.regionBytes) {
        regionStart.push(starts.length);
        regionPc = pc;
      }
      index[pc] = starts.length;
      starts.push(pc);
    }
  }
  regionStart.push(starts.length);
  const regionOf = new Int32Array(starts.length);
  for (let r = 0; r + 1 < regionStart.length; r++) regionOf.fill(r, regionStart[r]!, regionStart[r + 1]!);
  return {
    starts: Int32Array.from(starts),
    index,
    regionOf,
    regionStart: Int32Array.from(regionStart),
    regions: regionStart.length - 1,
  };
}

/**
 * The source of region `r`: the body of `new Function('rt', source)`, which returns the region's
 * function `(f, b) => next`. It runs the frame from the start of block `b` (in the region) until
 * the frame halts or suspends (-1; `f.status` says which) or control leaves the region (the block
 * to continue at, with `f.sp` up to date). Undefined when over the size budget.
 */
export function generateRegion(
  code: Uint8Array,
  table: OpcodeTable,
  blocks: BlockAnalysis,
  analysis: CodeAnalysis,
  plan: RegionPlan,
  r: number,
  limits: CodegenLimits = DEFAULT_LIMITS,
): string | undefined {
  const n = code.length;
  const lo = plan.regionStart[r]!;
  const hi = plan.regionStart[r + 1]!;
  const bytes = (hi < plan.starts.length ? plan.starts[hi]! : n) - plan.starts[lo]!;
  // Blocks of one instruction (runs of JUMPDESTs) leave compiled code only the checks every block
  // pays anyway, and V8 was seen not to optimise such regions at all: they stay interpreted.
  let instructions = 0;
  for (let b = lo; b < hi; b++) instructions += blocks.countAt(plan.starts[b]!);
  if (hi - lo >= 16 && instructions < limits.minBlockLength * (hi - lo)) return undefined;
  const budget = Math.min(limits.sourcePerByte * Math.max(bytes, 16), limits.regionSource);
  const out: string[] = [
    '"use strict";',
    'const { H, P, R, index, jd, refill, fail, useWord, readWord, writeWord } = rt;',
    'return function region(f, b) {',
    'const s = f.stack;',
    'let sp = f.sp;',
    'for (;;) {',
    'switch (b) {',
  ];
  let size = 0;
  for (let b = lo; b < hi; b++) {
    const body = generateBlock(code, table, blocks, analysis, plan, b, lo, hi);
    size += body.length;
    if (size > budget) return undefined;
    out.push(`case ${b}: {`, body, '}');
  }
  // Falling off the region's last block: the next region, or the end of code (STOP).
  if (hi < plan.starts.length) out.push(`f.sp = sp; return ${hi};`);
  else out.push(`return fail(f, sp, ${n}, ${Status.Stop});`);
  out.push('default: return b;', '}', '}', '};');
  return out.join('\n');
}

/** One block's statements, in a region of blocks [lo, hi). */
function generateBlock(
  code: Uint8Array,
  table: OpcodeTable,
  blocks: BlockAnalysis,
  analysis: CodeAnalysis,
  plan: RegionPlan,
  b: number,
  lo: number,
  hi: number,
): string {
  const n = code.length;
  const { index } = plan;
  const start = plan.starts[b]!;
  const lines: string[] = [];
  let locals = 0;
  const fresh = (): string => `t${b}_${locals++}`;
  // The virtual stack: relative position (to the entry height) -> item; absent below 0 = untouched.
  const items = new Map<number, Item>();
  let h = 0;

  const need = blocks.minStackAt(start);
  const growth = blocks.maxGrowthAt(start);
  const gas = blocks.gasAt(start);
  /** Leaves the frame halted with `status` at `pc` (the status may already be set). */
  const halt = (pc: number, status: Status): string => `return fail(f, sp, ${pc}, ${status});`;
  if (need > 0) lines.push(`if (sp < ${need}) ${halt(start, Status.StackUnderflow)}`);
  if (growth > 0) lines.push(`if (sp > ${STACK_LIMIT - growth}) ${halt(start, Status.StackOverflow)}`);
  if (gas > 0) lines.push(`if (${gas} > f.gas && !refill(f, ${gas})) ${halt(start, Status.OutOfGas)}`, `f.gas -= ${gas};`);

  /** The item at a position, read from the real stack into a local the first time. */
  const at = (p: number): Item => {
    let item = items.get(p);
    if (item === undefined) {
      const name = fresh();
      lines.push(`const ${name} = s[sp - ${-p}];`);
      item = { expr: name, value: undefined, cond: undefined, origin: p };
      items.set(p, item);
    }
    return item;
  };
  /** An item's value as an expression, materialising a condition once. */
  const value = (item: Item): string => {
    if (item.expr === undefined) {
      const name = fresh();
      lines.push(`const ${name} = ${item.cond} ? 1n : 0n;`);
      item.expr = name;
    }
    return item.expr;
  };
  const condition = (item: Item): string => item.cond ?? `${value(item)} !== 0n`;
  const pop = (): Item => at(--h);
  const push = (item: Item): void => {
    items.set(h++, item);
  };
  const pushExpr = (expr: string): void => {
    const name = fresh();
    lines.push(`const ${name} = ${expr};`);
    push({ expr: name, value: undefined, cond: undefined, origin: undefined });
  };
  const pushCond = (cond: string): void => push({ expr: undefined, value: undefined, cond: `(${cond})`, origin: undefined });
  /** Writes every moved or new item to the real stack and moves `sp` to the virtual height. */
  const flush = (): void => {
    const positions = [...items.keys()].filter((p) => p < h).sort((x, y) => x - y);
    for (const p of positions) {
      const item = items.get(p)!;
      if (item.origin === p) continue;
      const expr = value(item);
      lines.push(p >= 0 ? `s[sp + ${p}] = ${expr};` : `s[sp - ${-p}] = ${expr};`);
    }
    if (h !== 0) lines.push(h > 0 ? `sp += ${h};` : `sp -= ${-h};`);
    items.clear();
    h = 0;
  };
  /** Continues at block `target` (same region: the loop; another: the region dispatcher). */
  const goto = (target: number): string =>
    target >= lo && target < hi ? `{ b = ${target}; continue; }` : `{ f.sp = sp; return ${target}; }`;
  /** After a handler or an inline failure check: leave when the frame is no longer running. */
  const runHandler = (op: number, pc: number): void => {
    flush();
    lines.push(`f.sp = sp; f.pc = ${pc + 1}; H[${op}](f);`, `if (f.status !== ${Status.Running}) return -1;`, 'sp = f.sp;');
  };
  /** A word access at `offset`: free when inside memory already paid for, else the interpreter's charge. */
  const memoryCheck = (offset: Item, pc: number): string => {
    const charge = `useWord(f, ${value(offset)}) < 0`;
    const fail = halt(pc + 1, Status.OutOfGas);
    if (offset.value !== undefined) {
      if (offset.value > 0xffffffffn) return `if (${charge}) ${fail}`;
      return `if (${Number(offset.value) + 32} > f.memorySize && ${charge}) ${fail}`;
    }
    const o = value(offset);
    return `if ((${o} > 0xffffffffn || Number(${o}) + 32 > f.memorySize) && ${charge}) ${fail}`;
  };
  /** An offset already checked by `memoryCheck`, as a number. */
  const small = (offset: Item): string => (offset.value !== undefined ? String(Number(offset.value)) : `Number(${value(offset)})`);
  const jumpTo = (pc: number, dest: Item, conditionText: string | undefined): void => {
    // The condition is read before the stack is written: it names only locals and literals.
    flush();
    const open = conditionText === undefined ? '' : `if (${conditionText}) `;
    if (dest.value !== undefined) {
      const d = dest.value;
      const ok = d < BigInt(n) && analysis.jumpDestinations[Number(d)] === 1;
      lines.push(open + (ok ? goto(index[Number(d)]!) : halt(pc + 1, Status.InvalidJump)));
    } else {
      const d = value(dest);
      lines.push(
        `${open}{`,
        `if (${d} > 0xffffffffn || jd[Number(${d})] !== 1) ${halt(pc + 1, Status.InvalidJump)}`,
        `b = index[Number(${d})]; if (b >= ${lo} && b < ${hi}) continue; f.sp = sp; return b;`,
        '}',
      );
    }
  };

  let pc = start;
  const count = blocks.countAt(start);
  let ended = false;
  for (let i = 0; i < count; i++) {
    const op = code[pc]!;
    const next = pc + 1 + IMMEDIATE_SIZE[op]!;
    const pure = table.pure[op];
    if (table.handlers[op] === table.invalid) {
      runHandler(op, pc);
      ended = true;
    } else if (op >= 0x5f && op <= 0x7f) {
      push(constant(op === 0x5f ? 0n : (cachedPush(analysis.pushValues, pc) ?? pushValue(analysis.pushValues, code, pc, op - 0x5f))));
    } else if (op >= 0x80 && op <= 0x8f) {
      const source = at(h - (op - 0x7f));
      push({ ...source, origin: undefined });
    } else if (op >= 0x90 && op <= 0x9f) {
      const top = at(h - 1);
      const other = at(h - 1 - (op - 0x8f));
      items.set(h - 1, { ...other, origin: other.origin === h - 1 ? h - 1 : undefined });
      items.set(h - 1 - (op - 0x8f), { ...top, origin: top.origin === h - 1 - (op - 0x8f) ? top.origin : undefined });
    } else if (op === 0x50) {
      h--;
    } else if (op === JUMPDEST) {
      // nothing
    } else if (op === 0x58) {
      push(constant(BigInt(pc)));
    } else if (op === 0x59) {
      pushExpr('BigInt(f.memorySize)');
    } else if (op === 0x56) {
      jumpTo(pc, pop(), undefined);
      ended = true;
    } else if (op === 0x57) {
      const dest = pop();
      const cond = pop();
      if (cond.value !== undefined) jumpTo(pc, dest, cond.value !== 0n ? 'true' : 'false');
      else jumpTo(pc, dest, condition(cond));
    } else if (op === 0x51) {
      const offset = pop();
      lines.push(memoryCheck(offset, pc));
      pushExpr(`readWord(f, ${small(offset)})`);
    } else if (op === 0x52) {
      const offset = pop();
      const stored = value(pop());
      lines.push(memoryCheck(offset, pc));
      lines.push(`writeWord(f, ${small(offset)}, ${stored});`);
    } else if (op === 0x15) {
      const a = pop();
      if (a.value !== undefined) push(constant(a.value === 0n ? 1n : 0n));
      else if (a.cond !== undefined) pushCond(`!${a.cond}`);
      else pushCond(`${value(a)} === 0n`);
    } else if (table.read[op] !== undefined && table.minStack[op]! <= 1) {
      const inputs = table.minStack[op] === 1 ? [value(pop())] : [];
      pushExpr(`R[${op}](f${inputs.map((i) => `, ${i}`).join('')})`);
    } else if (pure !== undefined && table.minStack[op]! <= 3) {
      const inputs: Item[] = [];
      for (let k = 0; k < table.minStack[op]!; k++) inputs.push(pop());
      if (inputs.every((item) => item.value !== undefined)) {
        push(constant(pure(...inputs.map((item) => item.value!))));
      } else if (CONDITIONS[op] !== undefined) {
        pushCond(CONDITIONS[op]!(value(inputs[0]!), value(inputs[1]!)));
      } else if (INLINE_BINARY[op] !== undefined) {
        pushExpr(INLINE_BINARY[op]!(value(inputs[0]!), value(inputs[1]!)));
      } else if (op === 0x01) {
        const sum = fresh();
        lines.push(
          `let ${sum} = ${value(inputs[0]!)} + ${value(inputs[1]!)};`,
          `if (${sum} > ${literal(MAX_UINT256)}) ${sum} -= ${literal(TWO_POW_256)};`,
        );
        push({ expr: sum, value: undefined, cond: undefined, origin: undefined });
      } else if (op === 0x03) {
        const [a, c] = [value(inputs[0]!), value(inputs[1]!)];
        pushExpr(`${a} >= ${c} ? ${a} - ${c} : ${a} - ${c} + ${literal(TWO_POW_256)}`);
      } else if (op === 0x1c && inputs[0]!.value !== undefined && inputs[0]!.value < 256n) {
        pushExpr(`${value(inputs[1]!)} >> ${literal(inputs[0]!.value)}`);
      } else {
        pushExpr(`P[${op}](${inputs.map(value).join(', ')})`);
      }
    } else {
      runHandler(op, pc);
      // STOP, RETURN, REVERT and SELFDESTRUCT never continue; after any other, the next block follows.
      ended = op === 0x00 || op === 0xf3 || op === 0xfd || op === 0xff;
    }
    pc = next;
  }
  if (!ended) {
    flush();
    // Falls through to the next block (the next case) or past the end of code.
    if (pc >= n) lines.push(halt(n, Status.Stop));
  }
  return lines.join('\n');
}
