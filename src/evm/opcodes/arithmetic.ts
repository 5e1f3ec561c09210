/**
 * Stop and arithmetic operations, 0x00-0x0b. Each handler is written out (not made by a shared
 * factory) so that V8 sees one call target per handler and can inline the word operation.
 */
import * as w from '../../primitives/words.js';
import { Status } from '../../host/status.js';
import { useGas } from '../memory.js';
import type { OpcodeDeclaration } from './types.js';

// One row per opcode reads as a table; the formatter leaves it so.
// prettier-ignore
export const arithmeticOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x00, name: 'STOP', inputs: 0, outputs: 0, gas: 0, since: 'Frontier', endsBlock: true,
    handler: (f) => {
      f.status = Status.Stop;
    },
  },
  {
    code: 0x01, name: 'ADD', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.add,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = w.add(a, s[f.sp - 1]!);
    },
  },
  {
    code: 0x02, name: 'MUL', inputs: 2, outputs: 1, gas: 5, since: 'Frontier', pure: w.mul,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = w.mul(a, s[f.sp - 1]!);
    },
  },
  {
    code: 0x03, name: 'SUB', inputs: 2, outputs: 1, gas: 3, since: 'Frontier', pure: w.sub,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = w.sub(a, s[f.sp - 1]!);
    },
  },
  {
    code: 0x04, name: 'DIV', inputs: 2, outputs: 1, gas: 5, since: 'Frontier', pure: w.div,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = w.div(a, s[f.sp - 1]!);
    },
  },
  {
    code: 0x05, name: 'SDIV', inputs: 2, outputs: 1, gas: 5, since: 'Frontier', pure: w.sdiv,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = w.sdiv(a, s[f.sp - 1]!);
    },
  },
  {
    code: 0x06, name: 'MOD', inputs: 2, outputs: 1, gas: 5, since: 'Frontier', pure: w.mod,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = w.mod(a, s[f.sp - 1]!);
    },
  },
  {
    code: 0x07, name: 'SMOD', inputs: 2, outputs: 1, gas: 5, since: 'Frontier', pure: w.smod,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      s[f.sp - 1] = w.smod(a, s[f.sp - 1]!);
    },
  },
  {
    code: 0x08, name: 'ADDMOD', inputs: 3, outputs: 1, gas: 8, since: 'Frontier', pure: w.addmod,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[--f.sp]!;
      s[f.sp - 1] = w.addmod(a, b, s[f.sp - 1]!);
    },
  },
  {
    code: 0x09, name: 'MULMOD', inputs: 3, outputs: 1, gas: 8, since: 'Frontier', pure: w.mulmod,
    handler: (f) => {
      const s = f.stack;
      const a = s[--f.sp]!;
      const b = s[--f.sp]!;
      s[f.sp - 1] = w.mulmod(a, b, s[f.sp - 1]!);
    },
  },
  {
    code: 0x0a, name: 'EXP', inputs: 2, outputs: 1, gas: 10, since: 'Frontier',
    handler: (f) => {
      const s = f.stack;
      const base = s[--f.sp]!;
      const exponent = s[f.sp - 1]!;
      // EXP: 10 + per byte of the exponent (10 before EIP-160, 50 after).
      if (!useGas(f, f.env.rules.gasExpByte * w.byteLength(exponent))) return;
      s[f.sp - 1] = w.exp(base, exponent);
    },
  },
  {
    code: 0x0b, name: 'SIGNEXTEND', inputs: 2, outputs: 1, gas: 5, since: 'Frontier', pure: w.signextend,
    handler: (f) => {
      const s = f.stack;
      const k = s[--f.sp]!;
      s[f.sp - 1] = w.signextend(k, s[f.sp - 1]!);
    },
  },
];
