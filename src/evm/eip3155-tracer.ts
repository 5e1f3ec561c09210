/**
 * EIP-3155 traces: one JSON object per instruction, written before the instruction runs. The
 * tracer writes each line through the caller's `write` (the CLI sends them to stderr), so it
 * needs no Node API and runs wherever the engine does.
 */
import { totalGas, type Frame, type Tracer } from './frame.js';
import { getOpcodeTable } from './table.js';

export function createJsonTracer(write: (line: string) => void): Tracer {
  return {
    step(f: Frame, op: number, gasCost: number): void {
      const stack: string[] = [];
      for (let i = 0; i < f.sp; i++) stack.push('0x' + f.stack[i]!.toString(16));
      write(
        JSON.stringify({
          pc: f.pc,
          op,
          gas: '0x' + totalGas(f).toString(16),
          gasCost: '0x' + gasCost.toString(16),
          memSize: f.memorySize,
          stack,
          depth: f.message.depth + 1,
          refund: (f.env.host as { refund?: number }).refund ?? 0,
          opName: getOpcodeTable(f.env.rules).names[op],
        }),
      );
    },
  };
}
