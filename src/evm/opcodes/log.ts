/** LOG0-LOG4: 375 + 375 per topic + 8 per byte, plus memory. */
import { readMemory, useMemory } from '../memory.js';
import { writeProtected } from './helpers.js';
import type { OpcodeDeclaration } from './types.js';

function logN(n: number): OpcodeDeclaration {
  return {
    code: 0xa0 + n,
    name: `LOG${n}`,
    inputs: 2 + n,
    outputs: 0,
    gas: 375 + 375 * n,
    since: 'Frontier',
    handler: (f) => {
      const offset = f.stack[--f.sp]!;
      const size = f.stack[--f.sp]!;
      const topics: bigint[] = [];
      for (let i = 0; i < n; i++) topics.push(f.stack[--f.sp]!);
      const dataCost = size > 0xffffffffn ? Infinity : f.env.rules.gasLogData * Number(size);
      if (!useMemory(f, offset, size, dataCost)) return;
      if (writeProtected(f)) return;
      const data = readMemory(f, Number(size === 0n ? 0n : offset), Number(size));
      const log = { address: f.message.address, topics, data };
      f.env.host.emitLog(log);
      const tracer = f.env.tracer;
      if (tracer !== undefined && tracer.log !== undefined) tracer.log(log);
    },
  };
}

export const logOpcodes: OpcodeDeclaration[] = [logN(0), logN(1), logN(2), logN(3), logN(4)];
