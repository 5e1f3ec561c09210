/** Memory, transient storage and control flow: 0x51-0x53, 0x56-0x5e. */
import type { OpcodeDeclaration } from './types.js';
import { copyCost, forgetWords, readWord, useMemory, useWord, writeWord } from '../memory.js';
import { totalGas, type Frame } from '../frame.js';
import { Status } from '../../host/status.js';
import { toSmall, writeProtected } from './helpers.js';

/** Moves pc to a JUMPDEST; anywhere else is an exceptional halt. */
function jump(f: Frame, dest: bigint): void {
  // One conversion: a destination too large for a double's exact range reads as past every
  // JUMPDEST (the interpreter's inline JUMP checks the same way).
  const at = Number(dest);
  if (!(f.jumpDestinations[at] === 1)) {
    f.status = Status.InvalidJump;
    return;
  }
  f.pc = at;
}

export const memoryFlowOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x51,
    name: 'MLOAD',
    inputs: 1,
    outputs: 1,
    gas: 3,
    since: 'Frontier',
    handler: (f) => {
      const at = useWord(f, f.stack[f.sp - 1]!);
      if (at < 0) return;
      f.stack[f.sp - 1] = readWord(f, at);
    },
  },
  {
    code: 0x52,
    name: 'MSTORE',
    inputs: 2,
    outputs: 0,
    gas: 3,
    since: 'Frontier',
    handler: (f) => {
      const offset = f.stack[--f.sp]!;
      const value = f.stack[--f.sp]!;
      const at = useWord(f, offset);
      if (at < 0) return;
      writeWord(f, at, value);
    },
  },
  {
    code: 0x53,
    name: 'MSTORE8',
    inputs: 2,
    outputs: 0,
    gas: 3,
    since: 'Frontier',
    handler: (f) => {
      const offset = f.stack[--f.sp]!;
      const value = f.stack[--f.sp]!;
      if (!useMemory(f, offset, 1n)) return;
      const at = Number(offset);
      f.memory[at] = Number(value & 0xffn);
      forgetWords(f, at, at + 1);
    },
  },
  {
    code: 0x56,
    name: 'JUMP',
    inputs: 1,
    outputs: 0,
    gas: 8,
    since: 'Frontier',
    endsBlock: true,
    handler: (f) => jump(f, f.stack[--f.sp]!),
  },
  {
    code: 0x57,
    name: 'JUMPI',
    inputs: 2,
    outputs: 0,
    gas: 10,
    since: 'Frontier',
    endsBlock: true,
    handler: (f) => {
      const dest = f.stack[--f.sp]!;
      const condition = f.stack[--f.sp]!;
      if (condition !== 0n) jump(f, dest);
    },
  },
  {
    code: 0x58,
    name: 'PC',
    inputs: 0,
    outputs: 1,
    gas: 2,
    since: 'Frontier',
    handler: (f) => {
      f.stack[f.sp++] = BigInt(f.pc - 1);
    },
  },
  {
    code: 0x59,
    name: 'MSIZE',
    inputs: 0,
    outputs: 1,
    gas: 2,
    since: 'Frontier',
    handler: (f) => {
      f.stack[f.sp++] = BigInt(f.memorySize);
    },
  },
  {
    code: 0x5a,
    name: 'GAS',
    inputs: 0,
    outputs: 1,
    gas: 2,
    since: 'Frontier',
    observesGas: true,
    handler: (f) => {
      f.stack[f.sp++] = totalGas(f);
    },
  },
  { code: 0x5b, name: 'JUMPDEST', inputs: 0, outputs: 0, gas: 1, since: 'Frontier', handler: () => {} },
  // EIP-1153
  {
    code: 0x5c,
    name: 'TLOAD',
    inputs: 1,
    outputs: 1,
    gas: 100,
    since: 'Cancun',
    handler: (f) => {
      f.stack[f.sp - 1] = f.env.host.getTransientStorage(f.message.address, f.stack[f.sp - 1]!);
    },
  },
  {
    code: 0x5d,
    name: 'TSTORE',
    inputs: 2,
    outputs: 0,
    gas: 100,
    since: 'Cancun',
    handler: (f) => {
      const slot = f.stack[--f.sp]!;
      const value = f.stack[--f.sp]!;
      if (writeProtected(f)) return;
      f.env.host.setTransientStorage(f.message.address, slot, value);
    },
  },
  // EIP-5656
  {
    code: 0x5e,
    name: 'MCOPY',
    inputs: 3,
    outputs: 0,
    gas: 3,
    since: 'Cancun',
    handler: (f) => {
      const destination = f.stack[--f.sp]!;
      const source = f.stack[--f.sp]!;
      const size = f.stack[--f.sp]!;
      const far = destination > source ? destination : source;
      if (!useMemory(f, far, size, copyCost(size, f.env.rules.gasCopyWord))) return;
      if (size === 0n) return;
      const n = Number(size);
      const s = Number(source);
      const d = toSmall(destination, 0);
      f.memory.copyWithin(d, s, s + n);
      forgetWords(f, d, d + n);
    },
  },
];
