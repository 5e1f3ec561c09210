/**
 * The interpreter loop: runs a frame until it halts or suspends on a call or create. It never
 * recurses: calls are requests handled by the frame loop in exec/.
 */
import type { Frame } from './frame.js';
import { Status } from './status.js';
import { getOpcodeTable } from './table.js';

export function interpret(f: Frame): Status {
  const table = getOpcodeTable(f.env.rules);
  const { handlers, staticGas, minStack, maxStack } = table;
  const code = f.code;
  const tracer = f.env.tracer;
  f.status = Status.Running;
  f.request = undefined;
  while (f.status === Status.Running) {
    const pc = f.pc;
    if (pc >= code.length) {
      f.status = Status.Stop;
      break;
    }
    const op = code[pc]!;
    const gas = staticGas[op]!;
    if (tracer) tracer.step(f, op, gas);
    if (f.sp < minStack[op]!) {
      f.status = Status.StackUnderflow;
      break;
    }
    if (f.sp > maxStack[op]!) {
      f.status = Status.StackOverflow;
      break;
    }
    if (gas > f.gas) {
      f.status = Status.OutOfGas;
      break;
    }
    f.gas -= gas;
    f.pc = pc + 1;
    handlers[op]!(f);
  }
  return f.status;
}
