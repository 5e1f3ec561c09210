/** POP, PUSH0-PUSH32, DUP1-DUP16, SWAP1-SWAP16. */
import type { OpcodeDeclaration } from './types.js';
import { pushValue } from '../analysis.js';

function pushN(n: number): OpcodeDeclaration {
  return {
    code: 0x5f + n,
    name: `PUSH${n}`,
    inputs: 0,
    outputs: 1,
    gas: 3,
    since: 'Frontier',
    immediate: n,
    handler:
      n === 1
        ? (f) => {
            // One byte: a table of the 256 values, no decoding to keep (past the end of code, 0).
            f.stack[f.sp++] = BYTE_WORDS[f.code[f.pc] ?? 0]!;
            f.pc += 1;
          }
        : (f) => {
            // Decoded the first time this PUSH runs, then read from the analysis.
            const pc = f.pc - 1;
            const page = f.pushValues[pc >> 11]; // PUSH_PAGE_BITS
            f.stack[f.sp++] = (page === undefined ? undefined : page[pc & 2047]) ?? pushValue(f.pushValues, f.code, pc, n);
            f.pc += n;
          },
  };
}

/** The words 0..255, made once. */
const BYTE_WORDS = Array.from({ length: 256 }, (_, i) => BigInt(i));

function dupN(n: number): OpcodeDeclaration {
  return {
    code: 0x7f + n,
    name: `DUP${n}`,
    inputs: n,
    outputs: n + 1,
    gas: 3,
    since: 'Frontier',
    handler: (f) => {
      f.stack[f.sp] = f.stack[f.sp - n]!;
      f.sp++;
    },
  };
}

function swapN(n: number): OpcodeDeclaration {
  return {
    code: 0x8f + n,
    name: `SWAP${n}`,
    inputs: n + 1,
    outputs: n + 1,
    gas: 3,
    since: 'Frontier',
    handler: (f) => {
      const s = f.stack;
      const top = f.sp - 1;
      const other = top - n;
      const t = s[top]!;
      s[top] = s[other]!;
      s[other] = t;
    },
  };
}

export const stackOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x50,
    name: 'POP',
    inputs: 1,
    outputs: 0,
    gas: 2,
    since: 'Frontier',
    handler: (f) => {
      f.sp--;
    },
  },
  // EIP-3855
  {
    code: 0x5f,
    name: 'PUSH0',
    inputs: 0,
    outputs: 1,
    gas: 2,
    since: 'Shanghai',
    handler: (f) => {
      f.stack[f.sp++] = 0n;
    },
  },
];
for (let n = 1; n <= 32; n++) stackOpcodes.push(pushN(n));
for (let n = 1; n <= 16; n++) stackOpcodes.push(dupN(n));
for (let n = 1; n <= 16; n++) stackOpcodes.push(swapN(n));
