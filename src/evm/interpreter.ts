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
  const code = f.code;
  let budget = blockBudget;
  const { gas: blockGas, length: blockLength, minStack, maxGrowth } = blocks;
  const codeLength = code.length;
  while (f.status === Status.Running) {
    const start = f.pc;
    if (start >= codeLength) {
      f.status = Status.Stop;
      break;
    }
    // Every pc reached here starts a block (pc 0, a JUMPDEST, or the instruction after a block's
    // end, a call's included), analysed the first time it runs.
    if (--budget < 0) break;
    let count = blockLength[start]!;
    if (count === 0) count = blocks.analyseAt(start);
    const gas = blockGas[start]!;
    if (f.sp < minStack[start]!) {
      f.status = Status.StackUnderflow;
      break;
    }
    if (f.sp + maxGrowth[start]! > STACK_LIMIT) {
      f.status = Status.StackOverflow;
      break;
    }
    if (gas > f.gas && !refillGas(f, gas)) {
      f.status = Status.OutOfGas;
      break;
    }
    f.gas -= gas;
    for (let i = 0; i < count; i++) {
      const pc = f.pc;
      f.pc = pc + 1;
      handlers[code[pc]!]!(f);
      if (f.status !== Status.Running) break;
    }
  }
  return f.status;
}

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
