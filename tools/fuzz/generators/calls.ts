/**
 * Calls: CALL, CALLCODE, DELEGATECALL and STATICCALL from A to contracts that return, revert,
 * write storage, log, re-enter, self-destruct, loop or do random things; then what the caller
 * does with the result (return data, its size, copies past its end).
 */
import { CONTRACT_A, CONTRACT_B, CONTRACT_C, EMPTY_ACCOUNT, NOBODY, RICH_EOA } from '../case.js';
import { O } from '../opcodes.js';
import { calleeProgram } from './callee.js';
import { ProgramWriter, precompileAddresses, type GenContext } from './program.js';
import { writeRandomOps } from './random-ops.js';
import { CALL_OPCODES, contract, mstore, writeCall, type Scenario } from './scenario.js';

const NAMES: Record<number, string> = {
  [O.CALL!]: 'call',
  [O.CALLCODE!]: 'callcode',
  [O.DELEGATECALL!]: 'delegatecall',
  [O.STATICCALL!]: 'staticcall',
};

export function callsScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const targets = [
    CONTRACT_B,
    CONTRACT_C,
    CONTRACT_B,
    CONTRACT_C,
    CONTRACT_A,
    RICH_EOA,
    NOBODY,
    EMPTY_ACCOUNT,
    rng.pick(precompileAddresses(ctx.fork)),
  ];
  const kinds: string[] = [];
  const calls = rng.range(1, 4);
  for (let i = 0; i < calls; i++) {
    if (rng.chance(0.3)) writeRandomOps(w, rng.range(1, 6));
    for (let j = rng.int(4); j > 0; j--) mstore(w, 32 * rng.int(4), rng.bigint(256));
    const opcode = rng.pick(CALL_OPCODES);
    kinds.push(NAMES[opcode]!);
    writeCall(w, opcode, BigInt(rng.pick(targets)));
    // The result, the return data's size, and sometimes a copy of it (possibly out of bounds).
    if (rng.chance(0.8)) w.record(i);
    else a.op(O.POP!);
    a.op(O.RETURNDATASIZE!);
    w.record(8 + i);
    if (rng.chance(0.5)) {
      // Mostly within the return data; sometimes past its end (an exceptional halt).
      if (rng.chance(0.75)) {
        a.op(O.RETURNDATASIZE!);
        w.push(0);
      } else {
        w.push(rng.chance(0.7) ? BigInt(rng.int(33)) : BigInt(rng.int(100)));
        w.push(rng.int(40));
      }
      w.push(rng.int(64));
      a.op(O.RETURNDATACOPY!);
    }
  }
  if (rng.chance(0.5)) {
    // Hand the last return data back.
    a.op(O.RETURNDATASIZE!);
    w.push(0);
    w.push(0);
    a.op(O.RETURNDATACOPY!);
    a.op(O.RETURNDATASIZE!);
    w.push(0);
    a.op(rng.chance(0.8) ? O.RETURN! : O.REVERT!);
  }
  return {
    name: `calls/${kinds.join('+')}`,
    accounts: [
      [CONTRACT_A, contract(ctx, w.finish())],
      [CONTRACT_B, contract(ctx, calleeProgram(ctx))],
      [CONTRACT_C, contract(ctx, calleeProgram(ctx))],
    ],
    data: rng.bytes(rng.int(80)),
  };
}
