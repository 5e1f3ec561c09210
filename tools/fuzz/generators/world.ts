/**
 * The world around a frame: SELFDESTRUCT in every situation EIP-6780 distinguishes (created in
 * this transaction or not, to itself, to a new account, under STATICCALL, in a reverted frame);
 * the environment opcodes on every kind of account (cold then warm); and EIP-7702 delegated
 * accounts (Prague on): calls to them and code-reading opcodes on them.
 */
import type { Address } from '../../../dist/primitives/address.js';
import type { AccountState } from '../../peer/types.js';
import { account, CALLER, CONTRACT_A, CONTRACT_B, CONTRACT_C, EMPTY_ACCOUNT, NOBODY, RICH_EOA } from '../case.js';
import { O } from '../opcodes.js';
import { calleeProgram } from './callee.js';
import { ProgramWriter, blockNumberArg, forkAtLeast, precompileAddresses, smallIndex, type GenContext } from './program.js';
import { writeRandomOps } from './random-ops.js';
import { CALL_OPCODES, contract, writeCall, type Scenario } from './scenario.js';

function beneficiary(ctx: GenContext): bigint {
  const rng = ctx.rng;
  return BigInt(
    rng.pick([
      NOBODY,
      EMPTY_ACCOUNT,
      CALLER,
      CONTRACT_A,
      CONTRACT_B,
      RICH_EOA,
      rng.pick(precompileAddresses(ctx.fork)),
      '0x00000000000000000000000000000000000be9e1',
    ]),
  );
}

export function selfdestructScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const kind = rng.pick(['direct', 'in-initcode', 'create-then-call', 'callee', 'static', 'reverted'] as const);
  if (rng.chance(0.4)) {
    w.push(1);
    w.push(rng.int(2));
    a.op(O.SSTORE!);
  }
  const selfdestructing = (): Uint8Array => {
    const p = new ProgramWriter(ctx);
    if (rng.chance(0.3)) {
      p.push(7);
      p.push(0);
      p.asm.op(O.SSTORE!);
    }
    p.push(rng.chance(0.3) ? 0n : beneficiary(ctx));
    if (rng.chance(0.25)) p.asm.op(O.POP!, O.ADDRESS!); // to itself
    p.asm.op(O.SELFDESTRUCT!);
    return p.asm.build();
  };
  const accounts: [Address, AccountState][] = [];
  switch (kind) {
    case 'direct':
      w.push(beneficiary(ctx));
      if (rng.chance(0.2)) a.op(O.POP!, O.ADDRESS!);
      a.op(O.SELFDESTRUCT!);
      break;
    case 'in-initcode':
    case 'create-then-call': {
      let init: Uint8Array;
      if (kind === 'in-initcode') init = selfdestructing();
      else {
        const runtime = selfdestructing();
        const iw = new ProgramWriter(ctx);
        iw.copyToMemory(runtime, 0);
        iw.push(runtime.length);
        iw.push(0);
        iw.asm.op(O.RETURN!);
        init = iw.finish();
      }
      w.copyToMemory(init, 0);
      w.push(init.length);
      w.push(0);
      w.push(rng.pick([0, 0, 5, 1000]));
      a.op(O.CREATE!);
      a.op(O.DUP1!);
      w.record(1);
      if (kind === 'create-then-call') {
        // [created]: call it, then look at it.
        writeCall(w, O.CALL!, () => a.op(O.DUP6!), { value: rng.pick([0n, 3n]) });
        w.record(2);
      }
      a.op(O.DUP1!, O.EXTCODESIZE!);
      w.record(3);
      a.op(O.BALANCE!);
      w.record(4);
      break;
    }
    case 'callee':
    case 'static':
    case 'reverted': {
      const opcode = kind === 'static' ? O.STATICCALL! : kind === 'reverted' ? O.CALL! : rng.pick(CALL_OPCODES);
      writeCall(w, opcode, BigInt(kind === 'reverted' ? CONTRACT_C : CONTRACT_B), { gas: rng.chance(0.7) ? 'all' : undefined });
      w.record(2);
      w.push(BigInt(CONTRACT_B));
      a.op(O.BALANCE!);
      w.record(3);
      break;
    }
  }
  accounts.push([CONTRACT_A, contract(ctx, w.finish())]);
  accounts.push([CONTRACT_B, contract(ctx, selfdestructing())]);
  if (kind === 'reverted') {
    // C calls B (which self-destructs), then reverts.
    const c = new ProgramWriter(ctx);
    writeCall(c, O.CALL!, BigInt(CONTRACT_B), { gas: 'all' });
    c.push(0);
    c.push(0);
    c.asm.op(O.REVERT!);
    accounts.push([CONTRACT_C, contract(ctx, c.finish())]);
  }
  return { name: `selfdestruct/${kind}`, accounts };
}

const ENV_OPS: [string, string][] = [
  ['ADDRESS', ''],
  ['BALANCE', 'a'],
  ['ORIGIN', ''],
  ['CALLER', ''],
  ['CALLVALUE', ''],
  ['CALLDATASIZE', ''],
  ['CODESIZE', ''],
  ['GASPRICE', ''],
  ['EXTCODESIZE', 'a'],
  ['EXTCODEHASH', 'a'],
  ['RETURNDATASIZE', ''],
  ['BLOCKHASH', 'b'],
  ['COINBASE', ''],
  ['TIMESTAMP', ''],
  ['NUMBER', ''],
  ['PREVRANDAO', ''],
  ['GASLIMIT', ''],
  ['CHAINID', ''],
  ['SELFBALANCE', ''],
  ['BASEFEE', ''],
  ['BLOBHASH', 'i'],
  ['BLOBBASEFEE', ''],
  ['GAS', ''],
  ['PC', ''],
  ['MSIZE', ''],
  ['EXTCODECOPY', 'a'],
];

export function environmentScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const available = ENV_OPS.filter(([name]) => w.ops.some((o) => o.name === name));
  const steps = rng.range(2, 16);
  for (let i = 0; i < steps; i++) {
    const [name, arg] = rng.pick(available);
    const code = O[name]!;
    if (name === 'EXTCODECOPY') {
      w.push(rng.chance(0.8) ? BigInt(rng.int(40)) : BigInt(rng.int(30000)));
      w.push(rng.int(30));
      w.push(32 * rng.int(8));
      w.arg('a');
      a.op(code);
      continue;
    }
    if (arg === 'a') w.arg('a');
    else if (arg === 'b') w.push(blockNumberArg(ctx));
    else if (arg === 'i') w.push(smallIndex(rng));
    a.op(code);
    if (rng.chance(0.5)) w.record(i);
    else {
      w.push(32 * i);
      a.op(O.MSTORE!);
    }
  }
  w.push(32 * steps);
  w.push(0);
  a.op(O.RETURN!);
  return {
    name: 'environment',
    accounts: [
      [CONTRACT_A, contract(ctx, w.finish())],
      [CONTRACT_B, contract(ctx, calleeProgram(ctx))],
    ],
    data: rng.bytes(rng.int(40)),
    value: rng.chance(0.3) ? BigInt(rng.int(1000)) : 0n,
  };
}

export const DELEGATED_1: Address = '0x00000000000000000000000000000000000d1000';
export const DELEGATED_2: Address = '0x00000000000000000000000000000000000d2000';

function designator(target: Address): Uint8Array {
  const out = new Uint8Array(23);
  out.set([0xef, 0x01, 0x00]);
  for (let i = 0; i < 20; i++) out[3 + i] = parseInt(target.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

/** EIP-7702 (Prague on): accounts whose code delegates to another, and what reads or calls them. */
export function delegationScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  ctx.addresses.push(DELEGATED_1, DELEGATED_2);
  const targetOf = (): Address =>
    rng.pick([
      CONTRACT_B,
      CONTRACT_B,
      CONTRACT_C,
      DELEGATED_2,
      DELEGATED_1,
      NOBODY,
      rng.pick(precompileAddresses(ctx.fork)),
      EMPTY_ACCOUNT,
    ]);
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const steps = rng.range(1, 5);
  for (let i = 0; i < steps; i++) {
    const who = BigInt(rng.pick([DELEGATED_1, DELEGATED_1, DELEGATED_2]));
    rng.weighted<() => void>([
      [
        50,
        () => {
          writeCall(w, rng.pick(CALL_OPCODES), who);
          w.record(i);
          a.op(O.RETURNDATASIZE!);
          w.record(8 + i);
        },
      ],
      [
        12,
        () => {
          w.push(who);
          a.op(O.EXTCODESIZE!);
          w.record(i);
        },
      ],
      [
        12,
        () => {
          w.push(who);
          a.op(O.EXTCODEHASH!);
          w.record(i);
        },
      ],
      [
        12,
        () => {
          w.push(rng.range(0, 40));
          w.push(rng.int(25));
          w.push(0);
          w.push(who);
          a.op(O.EXTCODECOPY!);
          w.push(0);
          a.op(O.MLOAD!);
          w.record(i);
        },
      ],
      [14, () => writeRandomOps(w, rng.range(1, 8))],
    ])();
  }
  w.push(64);
  w.push(0);
  a.op(O.RETURN!);
  return {
    name: 'delegation',
    accounts: [
      [CONTRACT_A, contract(ctx, w.finish())],
      [CONTRACT_B, contract(ctx, calleeProgram(ctx))],
      [CONTRACT_C, contract(ctx, calleeProgram(ctx))],
      [DELEGATED_1, account({ code: designator(targetOf()), nonce: BigInt(rng.int(3)), balance: BigInt(rng.int(1000)) })],
      [
        DELEGATED_2,
        account({ code: designator(targetOf()), nonce: 1n, balance: 0n, storage: rng.chance(0.3) ? new Map([[0n, 5n]]) : new Map() }),
      ],
    ],
  };
}

export function usesDelegation(ctx: GenContext): boolean {
  return forkAtLeast(ctx.fork, 'Prague');
}
