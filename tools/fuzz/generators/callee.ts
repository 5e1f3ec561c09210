/** Programs for called contracts: each does one recognisable thing a caller must cope with. */
import { EMPTY_BYTES } from '../../../dist/primitives/bytes.js';
import { CONTRACT_A } from '../case.js';
import { O } from '../opcodes.js';
import { ProgramWriter, address, forkAtLeast, type GenContext } from './program.js';
import { writeRandomOps } from './random-ops.js';
import { mstore, writeBurnLoop, writeCall } from './scenario.js';

export const CALLEE_KINDS = [
  'return',
  'revert',
  'sstore',
  'sstore-revert',
  'log',
  'transient',
  'reenter',
  'selfdestruct',
  'loop',
  'invalid',
  'random',
  'context',
  'big-return',
  'empty',
  'create',
] as const;

export type CalleeKind = (typeof CALLEE_KINDS)[number];

export function calleeProgram(ctx: GenContext, kind: CalleeKind = ctx.rng.pick(CALLEE_KINDS)): Uint8Array {
  const w = new ProgramWriter(ctx);
  const rng = ctx.rng;
  const a = w.asm;
  switch (kind) {
    case 'return':
      mstore(w, 0, w.rng.bigint(256));
      w.push(rng.int(65));
      w.push(rng.int(32));
      a.op(O.RETURN!);
      break;
    case 'revert':
      mstore(w, 0, w.rng.bigint(256));
      w.push(rng.int(65));
      w.push(0);
      a.op(O.REVERT!);
      break;
    case 'sstore':
    case 'sstore-revert':
      for (let i = rng.range(1, 3); i > 0; i--) {
        w.push(rng.pick([0n, 1n, 2n, rng.bigint(64)]));
        w.push(rng.int(4));
        a.op(O.SSTORE!);
      }
      if (kind === 'sstore-revert') {
        w.push(0);
        w.push(0);
        a.op(O.REVERT!);
      } else a.op(O.STOP!);
      break;
    case 'log': {
      const topics = rng.int(5);
      for (let i = 0; i < topics; i++) w.push(rng.bigint(256));
      mstore(w, 0, rng.bigint(256));
      w.push(rng.int(40));
      w.push(rng.int(8));
      a.op(O.LOG0! + topics);
      if (rng.chance(0.3)) w.returnMemory(O.REVERT!);
      break;
    }
    case 'transient':
      if (forkAtLeast(ctx.fork, 'Cancun')) {
        w.push(rng.pick([0n, 1n, 5n]));
        w.push(rng.int(3));
        a.op(O.TSTORE!);
        w.push(rng.int(3));
        a.op(O.TLOAD!);
        w.push(0);
        a.op(O.MSTORE!);
        w.push(32);
        w.push(0);
        a.op(rng.chance(0.7) ? O.RETURN! : O.REVERT!);
      } else a.op(O.STOP!);
      break;
    case 'reenter':
      writeCall(w, rng.pick([O.CALL!, O.STATICCALL!, O.DELEGATECALL!]), () => a.op(O.CALLER!), {
        gas: rng.chance(0.5) ? 'all' : undefined,
      });
      w.record(rng.int(4));
      break;
    case 'selfdestruct':
      w.push(rng.chance(0.3) ? BigInt(CONTRACT_A) : address(ctx));
      a.op(O.SELFDESTRUCT!);
      break;
    case 'loop':
      writeBurnLoop(w);
      break;
    case 'invalid':
      a.op(rng.pick([O.INVALID!, 0x0c, 0xef]));
      break;
    case 'random':
      writeRandomOps(w, rng.range(3, 40));
      break;
    case 'context':
      // What the frame sees: caller, value, self, balance; DELEGATECALL and CALLCODE differ here.
      for (const [i, op] of [O.CALLER!, O.CALLVALUE!, O.ADDRESS!, O.SELFBALANCE!, O.CALLDATASIZE!].entries()) {
        if (op === O.SELFBALANCE && !forkAtLeast(ctx.fork, 'Istanbul')) continue;
        a.op(op);
        w.push(i * 32);
        a.op(O.MSTORE!);
      }
      w.push(160);
      w.push(0);
      a.op(O.RETURN!);
      break;
    case 'big-return':
      w.push(rng.pick([1024, 4096, 33, 100_000]));
      w.push(0);
      a.op(rng.chance(0.8) ? O.RETURN! : O.REVERT!);
      break;
    case 'empty':
      return EMPTY_BYTES;
    case 'create': {
      // Deploys a small contract, returns its address.
      const init = Uint8Array.of(0x60, 0x01, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3); // MSTORE8(0,1) RETURN(0,1)
      w.copyToMemory(init, 0);
      w.push(init.length);
      w.push(0);
      w.push(rng.chance(0.8) ? 0 : 1);
      a.op(O.CREATE!);
      w.push(0);
      a.op(O.MSTORE!);
      w.push(32);
      w.push(0);
      a.op(O.RETURN!);
      break;
    }
  }
  return w.finish();
}
