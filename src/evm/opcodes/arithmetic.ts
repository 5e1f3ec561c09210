/** Stop and arithmetic operations, 0x00-0x0b. */
import * as w from '../../primitives/words.js';
import { Status } from '../status.js';
import { useGas } from '../memory.js';
import type { OpcodeDeclaration } from './types.js';
import type { Frame } from '../frame.js';

function binary(code: number, name: string, gas: number, op: (a: bigint, b: bigint) => bigint): OpcodeDeclaration {
  return {
    code,
    name,
    inputs: 2,
    outputs: 1,
    gas,
    since: 'Frontier',
    handler: (f: Frame) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = op(a, s[f.sp - 1]!);
    },
  };
}

function ternary(code: number, name: string, op: (a: bigint, b: bigint, c: bigint) => bigint): OpcodeDeclaration {
  return {
    code,
    name,
    inputs: 3,
    outputs: 1,
    gas: 8,
    since: 'Frontier',
    handler: (f: Frame) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[--f.sp]!;
      s[f.sp - 1] = op(a, b, s[f.sp - 1]!);
    },
  };
}

export const arithmeticOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x00,
    name: 'STOP',
    inputs: 0,
    outputs: 0,
    gas: 0,
    since: 'Frontier',
    handler: (f) => {
      f.status = Status.Stop;
    },
  },
  binary(0x01, 'ADD', 3, w.add),
  binary(0x02, 'MUL', 5, w.mul),
  binary(0x03, 'SUB', 3, w.sub),
  binary(0x04, 'DIV', 5, w.div),
  binary(0x05, 'SDIV', 5, w.sdiv),
  binary(0x06, 'MOD', 5, w.mod),
  binary(0x07, 'SMOD', 5, w.smod),
  ternary(0x08, 'ADDMOD', w.addmod),
  ternary(0x09, 'MULMOD', w.mulmod),
  {
    code: 0x0a,
    name: 'EXP',
    inputs: 2,
    outputs: 1,
    gas: 10,
    since: 'Frontier',
    handler: (f) => {
      const s = f.stack;
      const base = s[--f.sp]!;
      const exponent = s[f.sp - 1]!;
      // EXP: 10 + per byte of the exponent (10 before EIP-160, 50 after).
      if (!useGas(f, Number(f.env.rules.gasExpByte) * w.byteLength(exponent))) return;
      s[f.sp - 1] = w.exp(base, exponent);
    },
  },
  binary(0x0b, 'SIGNEXTEND', 5, w.signextend),
];
