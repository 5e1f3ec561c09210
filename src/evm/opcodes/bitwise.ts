/**
 * Comparison and bitwise operations, 0x10-0x1e. Handlers are written out one by one so each has
 * its own call site (see arithmetic.ts). Binary operations take a = top of stack, b = next.
 */
import * as w from '../../primitives/words.js';
import type { OpcodeDeclaration } from './types.js';

// One row per opcode reads as a table; the formatter leaves it so.
// prettier-ignore
export const bitwiseOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x10, name: 'LT', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.lt,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.lt(a, b);
    },
  },
  {
    code: 0x11, name: 'GT', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.gt,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.gt(a, b);
    },
  },
  {
    code: 0x12, name: 'SLT', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.slt,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.slt(a, b);
    },
  },
  {
    code: 0x13, name: 'SGT', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.sgt,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.sgt(a, b);
    },
  },
  {
    code: 0x14, name: 'EQ', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.eq,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = a === b ? 1n : 0n;
    },
  },
  {
    code: 0x15, name: 'ISZERO', inputs: 1, outputs: 1, gas: 3, since: 'Frontier', pure: w.iszero,
    handler: (f) => {
      const s = f.stack;
      const a = s[f.sp - 1]!;
      s[f.sp - 1] = a === 0n ? 1n : 0n;
    },
  },
  {
    code: 0x16, name: 'AND', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.and,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = a & b;
    },
  },
  {
    code: 0x17, name: 'OR', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.or,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = a | b;
    },
  },
  {
    code: 0x18, name: 'XOR', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.xor,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = a ^ b;
    },
  },
  {
    code: 0x19, name: 'NOT', inputs: 1, outputs: 1, gas: 3, since: 'Frontier', pure: w.not,
    handler: (f) => {
      const s = f.stack;
      const a = s[f.sp - 1]!;
      s[f.sp - 1] = w.not(a);
    },
  },
  {
    code: 0x1a, name: 'BYTE', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.byte,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.byte(a, b);
    },
  },
  {
    code: 0x1b, name: 'SHL', inputs: 2, outputs: 1, gas: 3, since: 'Constantinople', pure: w.shl,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.shl(a, b);
    },
  },
  {
    code: 0x1c, name: 'SHR', inputs: 2, outputs: 1, gas: 3, since: 'Constantinople', pure: w.shr,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.shr(a, b);
    },
  },
  {
    code: 0x1d, name: 'SAR', inputs: 2, outputs: 1, gas: 3, since: 'Constantinople', pure: w.sar,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[f.sp - 1]!;
      s[f.sp - 1] = w.sar(a, b);
    },
  },
  {
    code: 0x1e, name: 'CLZ', inputs: 1, outputs: 1, gas: 5, since: 'Osaka', pure: w.clz,
    handler: (f) => {
      const s = f.stack;
      const a = s[f.sp - 1]!;
      s[f.sp - 1] = w.clz(a);
    },
  },
];
