/**
 * Memory: loads, stores, copies (from calldata, code, another contract's code, return data, and
 * MCOPY within memory, overlapping), hashing and logging, at offsets and sizes around the word
 * boundaries, around 2^32 and 2^64, and with size zero at huge offsets (which must cost nothing).
 */
import { CONTRACT_A, CONTRACT_B } from '../case.js';
import { O } from '../opcodes.js';
import { calleeProgram } from './callee.js';
import { ProgramWriter, forkAtLeast, memoryOffset, size, type GenContext } from './program.js';
import { contract, writeCall, type Scenario } from './scenario.js';

export function memoryScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const cancun = forkAtLeast(ctx.fork, 'Cancun');
  const offset = () => (rng.chance(0.75) ? BigInt(rng.int(200)) : memoryOffset(rng));
  const length = () => (rng.chance(0.7) ? BigInt(rng.int(100)) : size(rng));
  const steps = rng.range(2, 14);
  const used: string[] = [];
  for (let i = 0; i < steps; i++) {
    const kind = rng.weighted<string>([
      [10, 'mstore'],
      [6, 'mstore8'],
      [8, 'mload'],
      [8, 'calldatacopy'],
      [6, 'codecopy'],
      [6, 'extcodecopy'],
      [8, 'returndatacopy'],
      [cancun ? 12 : 0, 'mcopy'],
      [8, 'keccak'],
      [5, 'log'],
      [5, 'msize'],
      [3, 'zero-size'],
      [3, 'calldataload'],
    ]);
    used.push(kind);
    switch (kind) {
      case 'mstore':
      case 'mstore8':
        w.push(rng.bigint(256));
        w.push(offset());
        a.op(kind === 'mstore' ? O.MSTORE! : O.MSTORE8!);
        break;
      case 'mload':
        w.push(offset());
        a.op(O.MLOAD!);
        w.record(rng.int(4));
        break;
      case 'calldatacopy':
      case 'codecopy':
        w.push(length());
        w.push(rng.chance(0.7) ? BigInt(rng.int(120)) : memoryOffset(rng));
        w.push(offset());
        a.op(kind === 'calldatacopy' ? O.CALLDATACOPY! : O.CODECOPY!);
        break;
      case 'extcodecopy':
        w.push(length());
        w.push(rng.chance(0.7) ? BigInt(rng.int(120)) : memoryOffset(rng));
        w.push(offset());
        w.push(BigInt(rng.pick([CONTRACT_B, CONTRACT_A, '0x000000000000000000000000000000000000dead'])));
        a.op(O.EXTCODECOPY!);
        break;
      case 'returndatacopy':
        if (rng.chance(0.6)) {
          writeCall(w, O.STATICCALL!, BigInt(CONTRACT_B));
          a.op(O.POP!);
        }
        // Copying past the end of the return data is an exceptional halt.
        if (rng.chance(0.6)) {
          a.op(O.RETURNDATASIZE!);
          w.push(0);
        } else {
          w.push(rng.chance(0.6) ? BigInt(rng.int(40)) : length());
          w.push(rng.chance(0.8) ? BigInt(rng.int(40)) : memoryOffset(rng));
        }
        w.push(offset());
        a.op(O.RETURNDATACOPY!);
        break;
      case 'mcopy': {
        const src = offset();
        // Overlapping copies in both directions are the interesting ones.
        const dst = rng.chance(0.5) ? src + BigInt(rng.range(-40, 40)) : offset();
        w.push(length());
        w.push(src);
        w.push(dst < 0n ? 0n : dst);
        a.op(O.MCOPY!);
        break;
      }
      case 'keccak':
        w.push(length());
        w.push(offset());
        a.op(O.KECCAK256!);
        w.record(4 + rng.int(4));
        break;
      case 'log': {
        const topics = rng.int(5);
        for (let t = 0; t < topics; t++) w.push(rng.bigint(256));
        w.push(length());
        w.push(offset());
        a.op(O.LOG0! + topics);
        break;
      }
      case 'msize':
        a.op(O.MSIZE!);
        w.record(8 + rng.int(2));
        break;
      case 'zero-size': {
        // Size zero: the offset may be anything and no memory is charged.
        w.push(0);
        w.push(rng.pick([(1n << 256n) - 1n, 1n << 64n, 1n << 32n]));
        const op = rng.pick([O.KECCAK256!, O.RETURN!, O.REVERT!, O.LOG0!]);
        if (op === O.KECCAK256) {
          a.op(op);
          w.record(10);
        } else a.op(op);
        break;
      }
      case 'calldataload':
        w.push(rng.chance(0.8) ? BigInt(rng.int(100)) : memoryOffset(rng));
        a.op(O.CALLDATALOAD!);
        w.record(11);
        break;
    }
  }
  // Hand memory back, so every byte written is compared.
  if (rng.chance(0.7)) {
    a.op(O.MSIZE!);
    w.push(0);
    a.op(rng.chance(0.85) ? O.RETURN! : O.REVERT!);
  }
  return {
    name: `memory/${[...new Set(used)].sort().join('+')}`,
    accounts: [
      [CONTRACT_A, contract(ctx, w.finish())],
      [CONTRACT_B, contract(ctx, calleeProgram(ctx, rng.pick(['return', 'big-return', 'revert', 'context'] as const)))],
    ],
    data: rng.bytes(rng.int(120)),
  };
}
