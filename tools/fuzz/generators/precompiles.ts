/**
 * Precompiles: each of the fork's precompiles called with a structured input (precompile-inputs)
 * through CALL, STATICCALL, DELEGATECALL or CALLCODE, with all the gas, a little, or amounts
 * around its price; the result and the returned bytes are kept.
 */
import { CONTRACT_A } from '../case.js';
import { O } from '../opcodes.js';
import { ProgramWriter, precompileAddresses, type GenContext } from './program.js';
import { precompileInput } from './precompile-inputs.js';
import { CALL_OPCODES, contract, writeCall, type Scenario } from './scenario.js';

export function precompilesScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const addresses = precompileAddresses(ctx.fork).map((p) => Number(BigInt(p)));
  const called: string[] = [];
  const calls = rng.weighted([
    [70, 1],
    [20, 2],
    [10, 3],
  ]);
  for (let i = 0; i < calls; i++) {
    const target = rng.pick(addresses);
    called.push(target.toString(16));
    const input = precompileInput(rng, target);
    const offset = rng.chance(0.8) ? 0n : BigInt(rng.int(64));
    if (input.length > 0) w.copyToMemory(input, offset);
    const opcode = rng.weighted([
      [50, O.CALL!],
      [30, O.STATICCALL!],
      [10, O.DELEGATECALL!],
      [10, O.CALLCODE!],
    ]);
    const gas = rng.weighted<bigint | 'all' | undefined>([
      [45, 'all'],
      [25, BigInt(rng.int(5000))],
      [20, BigInt(rng.int(300_000))],
      [10, undefined],
    ]);
    const outSize = rng.weighted([
      [60, BigInt(rng.int(129))],
      [20, 32n],
      [20, BigInt(rng.int(600))],
    ]);
    writeCall(w, CALL_OPCODES.includes(opcode) ? opcode : O.CALL!, BigInt(target), {
      gas,
      value: rng.chance(0.9) ? 0n : BigInt(rng.int(100)),
      argsOffset: offset,
      argsSize: rng.chance(0.9) ? BigInt(input.length) : BigInt(rng.int(input.length + 40)),
      retOffset: BigInt(rng.int(64)),
      retSize: outSize,
    });
    w.record(i);
    a.op(O.RETURNDATASIZE!);
    w.record(4 + i);
  }
  // The last output, whole.
  a.op(O.RETURNDATASIZE!);
  w.push(0);
  w.push(0);
  a.op(O.RETURNDATACOPY!);
  a.op(O.RETURNDATASIZE!);
  w.push(0);
  a.op(O.RETURN!);
  return {
    name: `precompiles/${called.join('+')}`,
    accounts: [[CONTRACT_A, contract(ctx, w.finish())]],
    gas: rng.weighted([
      [60, BigInt(rng.range(50_000, 1_000_000))],
      [30, BigInt(rng.range(0, 50_000))],
      [10, 10_000_000n],
    ]),
  };
}
