/** Block information, 0x40-0x4a (SELFBALANCE lives with the environment opcodes). */
import { bytesToBigint } from '../../primitives/bytes.js';
import type { Frame } from '../frame.js';
import { addressToWord } from './helpers.js';
import type { OpcodeDeclaration } from './types.js';

function push(f: Frame, value: bigint): void {
  f.stack[f.sp++] = value;
}

// One row per opcode reads as a table; the formatter leaves it so.
// prettier-ignore
export const blockOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x40,
    name: 'BLOCKHASH',
    inputs: 1,
    outputs: 1,
    gas: 20,
    since: 'Frontier',
    handler: (f) => {
      const number = f.stack[f.sp - 1]!;
      const current = f.env.block.number;
      // Only the 256 most recent complete blocks are available.
      f.stack[f.sp - 1] = number < current && number + 256n >= current ? f.env.block.blockHash(number) : 0n;
    },
  },
  { code: 0x41, name: 'COINBASE', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', handler: (f) => push(f, addressToWord(f.env.block.coinbase)) },
  { code: 0x42, name: 'TIMESTAMP', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', handler: (f) => push(f, f.env.block.timestamp) },
  { code: 0x43, name: 'NUMBER', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', handler: (f) => push(f, f.env.block.number) },
  {
    // EIP-4399: PREVRANDAO from Paris; DIFFICULTY before.
    code: 0x44,
    name: 'PREVRANDAO',
    inputs: 0,
    outputs: 1,
    gas: 2,
    since: 'Frontier',
    handler: (f) => push(f, f.env.rules.paris ? f.env.block.prevRandao : f.env.block.difficulty),
  },
  { code: 0x45, name: 'GASLIMIT', inputs: 0, outputs: 1, gas: 2, since: 'Frontier', handler: (f) => push(f, f.env.block.gasLimit) },
  { code: 0x46, name: 'CHAINID', inputs: 0, outputs: 1, gas: 2, since: 'Istanbul', handler: (f) => push(f, f.env.block.chainId) },
  { code: 0x48, name: 'BASEFEE', inputs: 0, outputs: 1, gas: 2, since: 'London', handler: (f) => push(f, f.env.block.baseFee) },
  {
    code: 0x49,
    name: 'BLOBHASH',
    inputs: 1,
    outputs: 1,
    gas: 3,
    since: 'Cancun',
    handler: (f) => {
      const index = f.stack[f.sp - 1]!;
      const hashes = f.env.tx.blobVersionedHashes;
      f.stack[f.sp - 1] = index < BigInt(hashes.length) ? bytesToBigint(hashes[Number(index)]!) : 0n;
    },
  },
  { code: 0x4a, name: 'BLOBBASEFEE', inputs: 0, outputs: 1, gas: 2, since: 'Cancun', handler: (f) => push(f, f.env.block.blobBaseFee) },
];
