/**
 * The interpreter loop: runs a frame until it halts or suspends on a call or create. It never
 * recurses: calls are requests handled by the frame loop in exec/.
 *
 * Without a tracer (or with a `framesOnly` one), gas and stack bounds are checked once per basic
 * block (blocks.ts); with one, per instruction, so every step reports its own gas.
 */
import type { Frame } from './frame.js';
import { STACK_LIMIT, refillGas } from './frame.js';
import { Status } from '../host/status.js';
import { getOpcodeTable, type OpcodeTable } from './table.js';
import type { BlockAnalysis } from './blocks.js';
import { add, mul, sub } from '../primitives/words.js';
import { pushValue } from './analysis.js';

/**
 * Runs `f` from its pc. With a `blockBudget`, returns with the frame still `Running` at the start
 * of a block once that many blocks have run (the tier-up to compiled code, code-cache.ts).
 */
export function interpret(
  f: Frame,
  blockBudget = Infinity,
  table: OpcodeTable = getOpcodeTable(f.env.rules),
  blocks: BlockAnalysis = f.entry.blocks(table),
): Status {
  f.status = Status.Running;
  f.request = undefined;
  if (f.env.tracer !== undefined && f.env.tracer.framesOnly !== true) return interpretTraced(f, table);
  const { handlers } = table;
  const jumpdestGas = table.staticGas[0x5b]!;
  const code = f.code;
  const stack = f.stack;
  const jumpDestinations = f.jumpDestinations;
  const pushValues = f.pushValues;
  let budget = blockBudget;
  const { block: blockIndex, ops, operand } = blocks;
  let info = blocks.info;
  const codeLength = code.length;
  // pc, sp and gas live in locals; the frame gets them back before any handler runs and at the end.
  let pc = f.pc;
  let sp = f.sp;
  let gasLeft = f.gas;
  run: for (;;) {
    if (pc >= codeLength) {
      f.status = Status.Stop;
      break;
    }
    // Every pc reached here starts a block (pc 0, a JUMPDEST, or the instruction after a block's
    // end, a call's included), analysed the first time it runs.
    if (--budget < 0) break;
    let b = blockIndex[pc]!;
    if (b === 0) {
      b = blocks.analyseAt(pc);
      info = blocks.info; // a longer copy when it filled up
    }
    // The block's numbers (blocks.ts: END, GAS, MIN_STACK, MAX_GROWTH at b + 0..3).
    const end = info[b]!;
    const gas = info[b + 1]!;
    if (sp < info[b + 2]!) {
      f.status = Status.StackUnderflow;
      break;
    }
    if (sp + info[b + 3]! > STACK_LIMIT) {
      f.status = Status.StackOverflow;
      break;
    }
    if (gas > gasLeft) {
      f.gas = gasLeft;
      if (!refillGas(f, gas)) {
        f.status = Status.OutOfGas;
        break;
      }
      gasLeft = f.gas;
    }
    gasLeft -= gas;
    // A block's JUMPDEST does nothing once its gas is charged.
    if (ops[pc] === 0x5b) {
      pc++;
      if (pc === end && pc < codeLength && ops[pc] === 0x5b) {
        // A block that is a lone JUMPDEST, followed by more: each JUMPDEST of the run but the last
        // is such a block, with no stack needs, so their gas is charged at once and the run left
        // at its last JUMPDEST, which starts a block of its own. Running out of gas inside the run
        // halts the frame all the same, only a few JUMPDESTs earlier.
        let last = pc;
        while (last + 1 < codeLength && ops[last + 1] === 0x5b) last++;
        const runGas = (last - pc) * jumpdestGas;
        if (runGas > gasLeft) {
          f.gas = gasLeft;
          if (!refillGas(f, runGas)) {
            f.status = Status.OutOfGas;
            break;
          }
          gasLeft = f.gas;
        }
        gasLeft -= runGas;
        pc = last;
        continue;
      }
    }
    while (pc < end) {
      const op = ops[pc++]!;
      // Every case label is a number literal, so the switch compiles to a jump table (an imported
      // constant as a label makes it a chain of comparisons); 0x0c-0x0f, 0x21 and 0x22 are blocks.ts's
      // fused pairs.
      // The commonest instructions run here, without a call. Each is a Frontier opcode no fork
      // changed (INLINED_OPCODES; table.test checks every fork has them), and none can fail once
      // the block's gas and stack bounds are checked, except a jump to a bad destination.
      switch (op) {
        case 0x01: {
          const a = stack[--sp]!;
          stack[sp - 1] = add(a, stack[sp - 1]!);
          continue;
        }
        case 0x02: {
          const a = stack[--sp]!;
          stack[sp - 1] = mul(a, stack[sp - 1]!);
          continue;
        }
        case 0x03: {
          const a = stack[--sp]!;
          stack[sp - 1] = sub(a, stack[sp - 1]!);
          continue;
        }
        case 0x10: {
          const a = stack[--sp]!;
          stack[sp - 1] = a < stack[sp - 1]! ? 1n : 0n;
          continue;
        }
        case 0x11: {
          const a = stack[--sp]!;
          stack[sp - 1] = a > stack[sp - 1]! ? 1n : 0n;
          continue;
        }
        case 0x14: {
          const a = stack[--sp]!;
          stack[sp - 1] = a === stack[sp - 1]! ? 1n : 0n;
          continue;
        }
        case 0x15:
          stack[sp - 1] = stack[sp - 1]! === 0n ? 1n : 0n;
          continue;
        case 0x16: {
          const a = stack[--sp]!;
          stack[sp - 1] = a & stack[sp - 1]!;
          continue;
        }
        case 0x17: {
          const a = stack[--sp]!;
          stack[sp - 1] = a | stack[sp - 1]!;
          continue;
        }
        case 0x50:
          sp--;
          continue;
        case 0x0c: // PUSH_JUMP
          // A PUSH of a checked destination and the JUMP after it (blocks.ts).
          pc = operand[pc - 1]!;
          continue run;
        case 0x0d: // PUSH_JUMPI
          if (stack[--sp]! !== 0n) {
            pc = operand[pc - 1]!;
            continue run;
          }
          pc = end;
          continue run;
        case 0x0f: {
          // SWAP_POP: SWAPn then POP; the top replaces the nth below it, and goes.
          const top = --sp;
          stack[top - operand[pc - 1]!] = stack[top]!;
          pc++;
          continue;
        }
        case 0x21: {
          // SWAP_SWAP: SWAPn then SWAPm.
          const operands = operand[pc - 1]!;
          const top = sp - 1;
          const first = top - (operands & 0xff);
          const second = top - (operands >> 8);
          const t = stack[top]!;
          stack[top] = stack[first]!;
          stack[first] = t;
          const u = stack[top]!;
          stack[top] = stack[second]!;
          stack[second] = u;
          pc++;
          continue;
        }
        case 0x22:
          // PUSH1_DUP: PUSH1 then DUPn (the DUP byte follows the immediate, which is in the code).
          stack[sp] = BYTE_WORDS[code[pc]!]!;
          stack[sp + 1] = stack[sp + 1 - operand[pc - 1]!]!;
          sp += 2;
          pc += 2;
          continue;
        case 0x0e: {
          // POP_JUMP: POP, then JUMP.
          sp -= 2;
          const dest = Number(stack[sp]!);
          if (!(jumpDestinations[dest] === 1)) {
            pc++; // at the JUMP, as its failure leaves it
            f.status = Status.InvalidJump;
            break run;
          }
          pc = dest;
          continue run;
        }
        case 0x56: {
          // A destination too large for a double's exact range reads as past every JUMPDEST.
          const dest = Number(stack[--sp]!);
          if (!(jumpDestinations[dest] === 1)) {
            f.status = Status.InvalidJump;
            break run;
          }
          pc = dest;
          continue run;
        }
        case 0x57: {
          sp -= 2;
          if (stack[sp]! !== 0n) {
            const dest = Number(stack[sp + 1]!);
            if (!(jumpDestinations[dest] === 1)) {
              f.status = Status.InvalidJump;
              break run;
            }
            pc = dest;
          }
          continue run;
        }
        case 0x5b:
          continue;
        case 0x60:
          // Past the end of code, the missing byte reads as 0.
          stack[sp++] = BYTE_WORDS[pc < codeLength ? code[pc]! : 0]!;
          pc++;
          continue;
        case 0x61:
        case 0x62:
        case 0x63:
        case 0x64:
        case 0x65:
        case 0x66:
        case 0x67:
        case 0x68:
        case 0x69:
        case 0x6a:
        case 0x6b:
        case 0x6c:
        case 0x6d:
        case 0x6e:
        case 0x6f:
        case 0x70:
        case 0x71:
        case 0x72:
        case 0x73:
        case 0x74:
        case 0x75:
        case 0x76:
        case 0x77:
        case 0x78:
        case 0x79:
        case 0x7a:
        case 0x7b:
        case 0x7c:
        case 0x7d:
        case 0x7e:
        case 0x7f: {
          // Decoded the first time this PUSH runs, then read from the analysis.
          const at = pc - 1;
          const page = pushValues[at >> 11]; // PUSH_PAGE_BITS
          const n = op - 0x5f;
          stack[sp++] = (page === undefined ? undefined : page[at & 2047]) ?? pushValue(pushValues, code, at, n);
          pc += n;
          continue;
        }
        case 0x80:
        case 0x81:
        case 0x82:
        case 0x83:
        case 0x84:
        case 0x85:
        case 0x86:
        case 0x87:
        case 0x88:
        case 0x89:
        case 0x8a:
        case 0x8b:
        case 0x8c:
        case 0x8d:
        case 0x8e:
        case 0x8f:
          stack[sp] = stack[sp - (op - 0x7f)]!;
          sp++;
          continue;
        case 0x90:
        case 0x91:
        case 0x92:
        case 0x93:
        case 0x94:
        case 0x95:
        case 0x96:
        case 0x97:
        case 0x98:
        case 0x99:
        case 0x9a:
        case 0x9b:
        case 0x9c:
        case 0x9d:
        case 0x9e:
        case 0x9f: {
          const top = sp - 1;
          const other = top - (op - 0x8f);
          const t = stack[top]!;
          stack[top] = stack[other]!;
          stack[other] = t;
          continue;
        }
        default:
          f.pc = pc;
          f.sp = sp;
          f.gas = gasLeft;
          handlers[op]!(f);
          pc = f.pc;
          sp = f.sp;
          gasLeft = f.gas;
          if (f.status !== Status.Running) break run;
      }
    }
  }
  f.pc = pc;
  f.sp = sp;
  f.gas = gasLeft;
  return f.status;
}

/** The opcodes `interpret` runs inline rather than through the fork's table (every fork has them). */
export const INLINED_OPCODES: readonly number[] = [
  0x01,
  0x02,
  0x03,
  0x10,
  0x11,
  0x14,
  0x15,
  0x16,
  0x17,
  0x50,
  0x56,
  0x57,
  0x5b,
  ...Array.from({ length: 0xa0 - 0x60 }, (_, i) => 0x60 + i),
];

/** The words 0..255, made once. */
const BYTE_WORDS = Array.from({ length: 256 }, (_, i) => BigInt(i));

/** The reference loop: checks and charges per instruction, and reports each step to the tracer. */
function interpretTraced(f: Frame, table: OpcodeTable): Status {
  const { handlers, staticGas, minStack, maxStack } = table;
  const code = f.code;
  const tracer = f.env.tracer!;
  // A tracer of frames only (a call tracer) still gets this loop: a failing frame's pc and stack
  // are then those of the failing instruction, which its error text names.
  const step = tracer.step === undefined ? undefined : tracer.step.bind(tracer);
  const stepEnd = tracer.stepEnd === undefined ? undefined : tracer.stepEnd.bind(tracer);
  while (f.status === Status.Running) {
    const pc = f.pc;
    if (pc >= code.length) {
      // geth runs (and struct-logs) a STOP past the end of code; a tracer of whole steps sees it.
      if (stepEnd !== undefined && code.length > 0) {
        if (step !== undefined) step(f, 0x00, 0);
        f.status = Status.Stop;
        stepEnd(f, 0x00, 0);
      }
      f.status = Status.Stop;
      break;
    }
    const op = code[pc]!;
    const gas = staticGas[op]!;
    if (step !== undefined) step(f, op, gas);
    if (f.sp < minStack[op]!) {
      f.status = Status.StackUnderflow;
      if (stepEnd !== undefined) stepEnd(f, op, gas);
      break;
    }
    if (f.sp > maxStack[op]!) {
      f.status = Status.StackOverflow;
      if (stepEnd !== undefined) stepEnd(f, op, gas);
      break;
    }
    if (gas > f.gas && !refillGas(f, gas)) {
      f.status = Status.OutOfGas;
      if (stepEnd !== undefined) stepEnd(f, op, gas);
      break;
    }
    const gasBefore = f.gas;
    const reserveBefore = f.reserve;
    f.gas -= gas;
    f.pc = pc + 1;
    handlers[op]!(f);
    if (stepEnd !== undefined) stepEnd(f, op, stepCost(f, gasBefore, reserveBefore));
  }
  return f.status;
}

/** What the instruction just run cost, as geth counts it (a create's gas for its child aside; an unpaid charge included). */
function stepCost(f: Frame, gasBefore: number, reserveBefore: bigint): number {
  let cost = gasBefore - f.gas;
  if (f.reserve !== reserveBefore) cost += Number(reserveBefore - f.reserve);
  if (f.status === Status.OutOfGas) cost += f.failedCharge;
  const request = f.request;
  if (f.status === Status.Suspended && request !== undefined && request.kind === 'create') {
    cost -= request.gas + Number(request.reserve);
  }
  return cost;
}
