/** What a generator returns: the contracts it wrote and, if it cares, the call's input, gas and value. */
import type { Address } from '../../../dist/primitives/address.js';
import type { AccountState } from '../../peer/types.js';
import { account } from '../case.js';
import { O } from '../opcodes.js';
import type { GenContext, ProgramWriter } from './program.js';

export interface Scenario {
  /** The generator and its variant, e.g. "calls/delegatecall". */
  name: string;
  accounts: [Address, AccountState][];
  data?: Uint8Array;
  /** Gas for the top frame; chosen by the caller when absent. */
  gas?: bigint;
  value?: bigint;
}

export type Generator = (ctx: GenContext) => Scenario;

/** A contract account: nonce 1 (EIP-161), sometimes a balance, sometimes storage. */
export function contract(ctx: GenContext, code: Uint8Array, storage?: Map<bigint, bigint>): AccountState {
  const rng = ctx.rng;
  return account({
    code,
    nonce: rng.chance(0.9) ? 1n : BigInt(rng.int(5)),
    balance: rng.weighted([
      [40, 0n],
      [40, BigInt(rng.int(100_000))],
      [20, 10n ** 18n],
    ]),
    storage: storage ?? new Map(),
  });
}

/** Writes `value` at `offset` in memory (MSTORE). */
export function mstore(w: ProgramWriter, offset: bigint | number, value: bigint): void {
  w.push(value);
  w.push(offset);
  w.asm.op(O.MSTORE!);
}

/**
 * A call of any kind: `opcode` with gas, target, value (CALL/CALLCODE only) and the input and
 * output regions, arguments chosen by the writer unless given.
 */
export function writeCall(
  w: ProgramWriter,
  opcode: number,
  target: bigint | (() => void),
  options: { gas?: bigint | 'all'; value?: bigint; argsOffset?: bigint; argsSize?: bigint; retOffset?: bigint; retSize?: bigint } = {},
): void {
  const rng = w.rng;
  w.push(options.retSize ?? (rng.chance(0.8) ? BigInt(rng.int(97)) : BigInt(rng.int(2000))));
  w.push(options.retOffset ?? (rng.chance(0.8) ? BigInt(rng.int(128)) : BigInt(rng.int(4000))));
  w.push(options.argsSize ?? BigInt(rng.int(100)));
  w.push(options.argsOffset ?? BigInt(rng.int(64)));
  if (opcode === O.CALL || opcode === O.CALLCODE) w.push(options.value ?? (rng.chance(0.7) ? 0n : BigInt(rng.int(1000))));
  if (typeof target === 'function') target();
  else w.push(target);
  if (options.gas === 'all') w.asm.op(O.GAS!);
  else if (options.gas !== undefined) w.push(options.gas);
  else w.arg('g');
  w.asm.op(opcode);
}

export const CALL_OPCODES = [O.CALL!, O.CALLCODE!, O.DELEGATECALL!, O.STATICCALL!];

/**
 * A loop that never ends, so the frame runs out of gas. Each turn reads the code size of a new
 * (cold) address, the gas left: about 2,600 gas in six instructions, so the gas runs out after
 * few steps however much there was.
 */
export function writeBurnLoop(w: ProgramWriter): void {
  const a = w.asm;
  const top = a.newLabel('burn');
  a.jumpdest(top);
  a.op(O.GAS!, O.EXTCODESIZE!, O.POP!);
  a.pushLabel(top);
  a.op(O.JUMP!);
}
