/** Environmental information, 0x20 and 0x30-0x3f, and SELFBALANCE. */
import { bytesToBigint } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import type { Frame } from '../frame.js';
import { copyCost, copyToMemory, useGas, useMemory, wordAt } from '../memory.js';
import { Status } from '../../host/status.js';
import { accountAccessCost, addressToWord, toAddress, toSmall } from './helpers.js';
import type { OpcodeDeclaration } from './types.js';

function push(f: Frame, value: bigint): void {
  f.stack[f.sp++] = value;
}

/** CALLDATALOAD: the 32 bytes of call data at `offset`, zero past its end. */
function calldataWord(f: Frame, offset: bigint): bigint {
  const data = f.message.data;
  if (offset >= BigInt(data.length)) return 0n;
  const o = Number(offset);
  if (o + 32 <= data.length) return wordAt((f.callDataView ??= new DataView(data.buffer, data.byteOffset, data.length)), o);
  // The word runs past the end of the data: read it from a zero-padded copy.
  const padded = new Uint8Array(32);
  padded.set(data.subarray(o));
  return wordAt(new DataView(padded.buffer), 0);
}

const address = (f: Frame) => addressToWord(f.message.address);
const caller = (f: Frame) => addressToWord(f.message.caller);
const callValue = (f: Frame) => f.message.value;
const calldataSize = (f: Frame) => BigInt(f.message.data.length);
const codeSize = (f: Frame) => BigInt(f.code.length);

// One row per opcode reads as a table; the formatter leaves it so.
// prettier-ignore
export const environmentOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x20,
    name: 'KECCAK256',
    inputs: 2,
    outputs: 1,
    gas: 30,
    since: 'Frontier',
    handler: (f) => {
      const offset = f.stack[--f.sp]!;
      const size = f.stack[f.sp - 1]!;
      if (!useMemory(f, offset, size, copyCost(size, f.env.rules.gasKeccakWord))) return;
      const o = Number(offset);
      const data = size === 0n ? new Uint8Array(0) : f.memory.subarray(o, o + Number(size));
      f.stack[f.sp - 1] = f.entry.hashes.keccakWord(data);
    },
  },
  { code: 0x30, name: 'ADDRESS', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', read: address, handler: (f) => push(f, address(f)) },
  {
    code: 0x31,
    name: 'BALANCE',
    inputs: 1,
    outputs: 1,
    gas: (r) => r.gasBalance,
    since: 'Frontier',
    handler: (f) => {
      const address = toAddress(f.stack[f.sp - 1]!);
      if (!useGas(f, accountAccessCost(f, address))) return;
      f.stack[f.sp - 1] = f.env.host.getBalance(address);
    },
  },
  { code: 0x32, name: 'ORIGIN', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', handler: (f) => push(f, addressToWord(f.env.tx.origin)) },
  { code: 0x33, name: 'CALLER', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', read: caller, handler: (f) => push(f, caller(f)) },
  { code: 0x34, name: 'CALLVALUE', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', read: callValue, handler: (f) => push(f, callValue(f)) },
  {
    code: 0x35,
    name: 'CALLDATALOAD',
    inputs: 1,
    outputs: 1,
    gas: 3,
    since: 'Frontier',
    read: calldataWord,
    handler: (f) => {
      f.stack[f.sp - 1] = calldataWord(f, f.stack[f.sp - 1]!);
    },
  },
  { code: 0x36, name: 'CALLDATASIZE', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', read: calldataSize, handler: (f) => push(f, calldataSize(f)) },
  {
    code: 0x37,
    name: 'CALLDATACOPY',
    inputs: 3,
    outputs: 0,
    gas: 3,
    since: 'Frontier',
    handler: (f) => copyHandler(f, f.message.data),
  },
  { code: 0x38, name: 'CODESIZE', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', read: codeSize, handler: (f) => push(f, codeSize(f)) },
  {
    code: 0x39,
    name: 'CODECOPY',
    inputs: 3,
    outputs: 0,
    gas: 3,
    since: 'Frontier',
    handler: (f) => copyHandler(f, f.code),
  },
  { code: 0x3a, name: 'GASPRICE', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', handler: (f) => push(f, f.env.tx.gasPrice) },
  {
    code: 0x3b,
    name: 'EXTCODESIZE',
    inputs: 1,
    outputs: 1,
    gas: (r) => r.gasExtcodeSize,
    since: 'Frontier',
    handler: (f) => {
      const address = toAddress(f.stack[f.sp - 1]!);
      if (!useGas(f, accountAccessCost(f, address))) return;
      f.stack[f.sp - 1] = BigInt(f.env.host.getCode(address).length);
    },
  },
  {
    code: 0x3c,
    name: 'EXTCODECOPY',
    inputs: 4,
    outputs: 0,
    gas: (r) => r.gasExtcodeSize,
    since: 'Frontier',
    handler: (f) => {
      const address = toAddress(f.stack[--f.sp]!);
      const memoryOffset = f.stack[--f.sp]!;
      const codeOffset = f.stack[--f.sp]!;
      const size = f.stack[--f.sp]!;
      const access = accountAccessCost(f, address);
      if (!useMemory(f, memoryOffset, size, copyCost(size, f.env.rules.gasCopyWord) + access)) return;
      copyToMemory(f, toSmall(memoryOffset, 0), f.env.host.getCode(address), codeOffset, Number(size));
    },
  },
  { code: 0x3d, name: 'RETURNDATASIZE', inputs: 0, outputs: 1, gas: 2, since: 'Byzantium', handler: (f) => push(f, BigInt(f.returnData.length)) },
  {
    code: 0x3e,
    name: 'RETURNDATACOPY',
    inputs: 3,
    outputs: 0,
    gas: 3,
    since: 'Byzantium',
    handler: (f) => {
      const memoryOffset = f.stack[--f.sp]!;
      const dataOffset = f.stack[--f.sp]!;
      const size = f.stack[--f.sp]!;
      if (!useMemory(f, memoryOffset, size, copyCost(size, f.env.rules.gasCopyWord))) return;
      // EIP-211: reading past the end of the return data is an exceptional halt.
      if (dataOffset + size > BigInt(f.returnData.length)) {
        f.status = Status.ReturnDataOutOfBounds;
        return;
      }
      copyToMemory(f, toSmall(memoryOffset, 0), f.returnData, dataOffset, Number(size));
    },
  },
  {
    code: 0x3f,
    name: 'EXTCODEHASH',
    inputs: 1,
    outputs: 1,
    gas: (r) => r.gasExtcodeHash,
    since: 'Constantinople',
    handler: (f) => {
      const address = toAddress(f.stack[f.sp - 1]!);
      if (!useGas(f, accountAccessCost(f, address))) return;
      const host = f.env.host;
      // EIP-1052: 0 for an account that does not exist (or is empty, EIP-161).
      f.stack[f.sp - 1] = host.isEmpty(address) ? 0n : bytesToBigint(host.getCodeHash(address));
    },
  },
  {
    code: 0x47,
    name: 'SELFBALANCE',
    inputs: 0,
    outputs: 1,
    gas: 5,
    since: 'Istanbul',
    handler: (f) => push(f, f.env.host.getBalance(f.message.address)),
  },
];

function copyHandler(f: Frame, source: Uint8Array): void {
  const memoryOffset = f.stack[--f.sp]!;
  const sourceOffset = f.stack[--f.sp]!;
  const size = f.stack[--f.sp]!;
  if (!useMemory(f, memoryOffset, size, copyCost(size, f.env.rules.gasCopyWord))) return;
  copyToMemory(f, toSmall(memoryOffset, 0), source, sourceOffset, Number(size));
}
