/**
 * Storage: sequences of SSTORE and SLOAD over a few slots whose original values are 0, 1 or 2, so
 * every case of EIP-2200/EIP-3529 metering and refunds comes up (including resets to the
 * original and the refund counter going below zero within a frame); stores under the 2300 gas
 * sentry; stores in a reverted frame; stores through DELEGATECALL and CALLCODE (A's storage) and
 * under STATICCALL (forbidden); and transient storage (EIP-1153) across frames and reverts.
 */
import { CONTRACT_A, CONTRACT_B } from '../case.js';
import { O } from '../opcodes.js';
import { calleeProgram } from './callee.js';
import { ProgramWriter, forkAtLeast, type GenContext } from './program.js';
import { contract, writeCall, type Scenario } from './scenario.js';

export function storageScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const cancun = forkAtLeast(ctx.fork, 'Cancun');
  const originals = new Map<bigint, bigint>();
  for (let s = 0n; s < 4n; s++) {
    const v = rng.pick([0n, 0n, 1n, 2n, rng.bigint(256)]);
    if (v !== 0n) originals.set(s, v);
  }
  const valueFor = (slot: bigint) => rng.pick([0n, 1n, 2n, 3n, originals.get(slot) ?? 0n, originals.get(slot) ?? 0n]);
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const used: string[] = [];
  const steps = rng.range(2, 12);
  for (let i = 0; i < steps; i++) {
    const kind = rng.weighted<string>([
      [30, 'sstore'],
      [10, 'sload'],
      [8, 'sentry'],
      [8, 'reverted-frame'],
      [8, 'delegate'],
      [5, 'static'],
      [cancun ? 10 : 0, 'tstore'],
      [cancun ? 6 : 0, 'tload'],
      [4, 'value-call'],
    ]);
    used.push(kind);
    switch (kind) {
      case 'sstore': {
        const slot = BigInt(rng.int(4));
        w.push(valueFor(slot));
        w.push(slot);
        a.op(O.SSTORE!);
        break;
      }
      case 'sload':
        w.push(rng.int(5));
        a.op(O.SLOAD!);
        w.push(32 * rng.int(4));
        a.op(O.MSTORE!);
        break;
      case 'sentry':
        // EIP-2200: SSTORE fails when no more than 2300 gas is left.
        writeCall(w, O.CALL!, BigInt(CONTRACT_B), { gas: BigInt(rng.pick([2300, 2301, 2299, 2400, 5000, 7000, 22100, 25000])) });
        w.record(5);
        break;
      case 'reverted-frame':
      case 'delegate':
      case 'static': {
        const opcode = kind === 'delegate' ? rng.pick([O.DELEGATECALL!, O.CALLCODE!]) : kind === 'static' ? O.STATICCALL! : O.CALL!;
        writeCall(w, opcode, BigInt(CONTRACT_B), { gas: rng.chance(0.6) ? 'all' : undefined });
        w.record(6);
        break;
      }
      case 'tstore':
        w.push(rng.pick([0n, 1n, 7n]));
        w.push(rng.int(3));
        a.op(O.TSTORE!);
        break;
      case 'tload':
        w.push(rng.int(3));
        a.op(O.TLOAD!);
        w.record(7);
        break;
      case 'value-call':
        // A value transfer adds the 2300 stipend: enough to log, not to store.
        writeCall(w, O.CALL!, BigInt(CONTRACT_B), { gas: BigInt(rng.int(3000)), value: BigInt(1 + rng.int(10)) });
        w.record(5);
        break;
    }
  }
  if (rng.chance(0.4)) {
    w.push(128);
    w.push(0);
    a.op(rng.chance(0.85) ? O.RETURN! : O.REVERT!);
  }
  const b = calleeProgram(ctx, rng.pick(['sstore', 'sstore-revert', 'transient', 'log', 'reenter', 'random'] as const));
  return {
    name: `storage/${[...new Set(used)].sort().join('+')}`,
    accounts: [
      [CONTRACT_A, contract(ctx, w.finish(), originals)],
      [CONTRACT_B, contract(ctx, b, rng.chance(0.5) ? new Map([[1n, 1n]]) : new Map())],
    ],
  };
}
