/** POP, PUSH0-PUSH32, DUP1-DUP16, SWAP1-SWAP16. */
import type { Frame } from '../frame.js';
import type { OpcodeDeclaration } from './types.js';

/** Reads `n` bytes of immediate data at f.pc (zero-padded past the end of code) and skips them. */
function readImmediate(f: Frame, n: number): bigint {
  const code = f.code;
  const start = f.pc;
  f.pc = start + n;
  if (n <= 6 && start + n <= code.length) {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + code[start + i]!;
    return BigInt(v);
  }
  let hex = '0x0';
  for (let i = 0; i < n; i++) {
    const b = start + i < code.length ? code[start + i]! : 0;
    hex += (b < 16 ? '0' : '') + b.toString(16);
  }
  return BigInt(hex);
}

function pushN(n: number): OpcodeDeclaration {
  return {
    code: 0x5f + n,
    name: `PUSH${n}`,
    inputs: 0,
    outputs: 1,
    gas: 3,
    since: 'Frontier',
    handler: (f) => {
      f.stack[f.sp++] = readImmediate(f, n);
    },
  };
}

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
