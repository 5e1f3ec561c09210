/** Comparison and bitwise operations, 0x10-0x1e. */
import * as w from '../../primitives/words.js';
import type { OpcodeDeclaration } from './types.js';
import type { ForkName } from '../../forks/index.js';

function binary(code: number, name: string, op: (a: bigint, b: bigint) => bigint, since: ForkName = 'Frontier'): OpcodeDeclaration {
  return {
    code,
    name,
    inputs: 2,
    outputs: 1,
    gas: 3,
    since,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = op(a, s[f.sp - 1]!);
    },
  };
}

function unary(code: number, name: string, gas: number, op: (a: bigint) => bigint, since: ForkName = 'Frontier'): OpcodeDeclaration {
  return {
    code,
    name,
    inputs: 1,
    outputs: 1,
    gas,
    since,
    handler: (f) => {
      const s = f.stack;
      s[f.sp - 1] = op(s[f.sp - 1]!);
    },
  };
}

export const bitwiseOpcodes: OpcodeDeclaration[] = [
  binary(0x10, 'LT', w.lt),
  binary(0x11, 'GT', w.gt),
  binary(0x12, 'SLT', w.slt),
  binary(0x13, 'SGT', w.sgt),
  binary(0x14, 'EQ', (a, b) => (a === b ? 1n : 0n)),
  unary(0x15, 'ISZERO', 3, (a) => (a === 0n ? 1n : 0n)),
  binary(0x16, 'AND', (a, b) => a & b),
  binary(0x17, 'OR', (a, b) => a | b),
  binary(0x18, 'XOR', (a, b) => a ^ b),
  unary(0x19, 'NOT', 3, w.not),
  binary(0x1a, 'BYTE', w.byte),
  // EIP-145
  binary(0x1b, 'SHL', w.shl, 'Constantinople'),
  binary(0x1c, 'SHR', w.shr, 'Constantinople'),
  binary(0x1d, 'SAR', w.sar, 'Constantinople'),
  // EIP-7939
  unary(0x1e, 'CLZ', 5, w.clz, 'Osaka'),
];
