/**
 * Programs whose every result is observable: arithmetic on awkward values with each result
 * written to memory and returned; and warm/cold access (EIP-2929) measured with GAS around each
 * access, across sub-calls that succeed, revert or halt (whose accesses must be forgotten).
 */
import { CONTRACT_A, CONTRACT_B, CONTRACT_C, EMPTY_ACCOUNT, NOBODY, RICH_EOA } from '../case.js';
import { O } from '../opcodes.js';
import { INTERESTING_WORDS, ProgramWriter, forkAtLeast, precompileAddresses, word, type GenContext } from './program.js';
import { contract, writeCall, type Scenario } from './scenario.js';

const ARITHMETIC = [
  'ADD',
  'MUL',
  'SUB',
  'DIV',
  'SDIV',
  'MOD',
  'SMOD',
  'ADDMOD',
  'MULMOD',
  'EXP',
  'SIGNEXTEND',
  'LT',
  'GT',
  'SLT',
  'SGT',
  'EQ',
  'ISZERO',
  'AND',
  'OR',
  'XOR',
  'NOT',
  'BYTE',
  'SHL',
  'SHR',
  'SAR',
  'CLZ',
];

export function arithmeticScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const ops = w.ops.filter((o) => ARITHMETIC.includes(o.name));
  const operand = () =>
    rng.weighted<bigint>([
      [50, rng.pick(INTERESTING_WORDS)],
      [25, word(rng)],
      [15, BigInt(rng.int(40))],
      [10, (1n << 256n) - BigInt(1 + rng.int(40))],
    ]);
  const steps = rng.range(4, 32);
  let chained = false;
  for (let i = 0; i < steps; i++) {
    const op = rng.pick(ops);
    // Arguments fresh, or the previous result (still on the stack) as the last one: a chain.
    const n = op.args.length;
    for (let j = n - 1; j >= (chained ? 1 : 0); j--) {
      if (op.name === 'EXP' && j === 1 && rng.chance(0.5)) w.push(BigInt(rng.int(300)));
      else w.push(operand());
    }
    a.op(op.code);
    chained = rng.chance(0.4);
    if (!chained || i === steps - 1) {
      w.push(32 * i);
      a.op(O.MSTORE!);
      chained = false;
    } else {
      a.op(O.DUP1!);
      w.push(32 * i);
      a.op(O.MSTORE!);
    }
  }
  w.push(32 * steps);
  w.push(0);
  a.op(O.RETURN!);
  return { name: 'arithmetic', accounts: [[CONTRACT_A, contract(ctx, w.finish())]], gas: 1_000_000n };
}

/** Writes `GAS <op> GAS SWAP1 SUB` around `body`, storing the cost in memory slot `index`. */
function measured(w: ProgramWriter, index: number, body: () => void): void {
  w.asm.op(O.GAS!);
  body();
  w.asm.op(O.GAS!, O.SWAP1!, O.SUB!);
  w.push(32 * index);
  w.asm.op(O.MSTORE!);
}

function accessProgram(ctx: GenContext, steps: number, slotBase: number, end: 'return' | 'revert' | 'halt' | 'sub'): Uint8Array {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const cancun = forkAtLeast(ctx.fork, 'Cancun');
  const addresses = [
    NOBODY,
    CONTRACT_B,
    CONTRACT_C,
    EMPTY_ACCOUNT,
    RICH_EOA,
    CONTRACT_A,
    rng.pick(precompileAddresses(ctx.fork)),
    '0x00000000000000000000000000000000000ace55',
  ];
  for (let i = 0; i < steps; i++) {
    const target = BigInt(rng.pick(addresses));
    const slot = BigInt(rng.int(4));
    rng.weighted<() => void>([
      [
        12,
        () =>
          measured(w, slotBase + i, () => {
            w.push(target);
            a.op(rng.pick([O.BALANCE!, O.EXTCODESIZE!, O.EXTCODEHASH!]), O.POP!);
          }),
      ],
      [
        6,
        () =>
          measured(w, slotBase + i, () => {
            w.push(0);
            w.push(0);
            w.push(0);
            w.push(target);
            a.op(O.EXTCODECOPY!);
          }),
      ],
      [
        8,
        () =>
          measured(w, slotBase + i, () => {
            writeCall(w, rng.pick([O.CALL!, O.STATICCALL!, O.DELEGATECALL!, O.CALLCODE!]), target, {
              gas: 0n,
              value: 0n,
              argsOffset: 0n,
              argsSize: 0n,
              retOffset: 0n,
              retSize: 0n,
            });
            a.op(O.POP!);
          }),
      ],
      [
        10,
        () =>
          measured(w, slotBase + i, () => {
            w.push(slot);
            a.op(O.SLOAD!, O.POP!);
          }),
      ],
      [
        8,
        () =>
          measured(w, slotBase + i, () => {
            w.push(rng.pick([0n, 1n, 2n]));
            w.push(slot);
            a.op(O.SSTORE!);
          }),
      ],
      [
        cancun ? 5 : 0,
        () => {
          w.push(rng.pick([0n, 1n]));
          w.push(slot);
          a.op(O.TSTORE!);
          w.push(slot);
          a.op(O.TLOAD!);
          w.push(32 * (slotBase + i));
          a.op(O.MSTORE!);
        },
      ],
      [
        6,
        () =>
          measured(w, slotBase + i, () => {
            // A sub-call that accesses things and then maybe forgets them.
            writeCall(w, O.CALL!, BigInt(CONTRACT_C), { gas: 'all', value: 0n, argsOffset: 0n, argsSize: 0n, retOffset: 0n, retSize: 0n });
            a.op(O.POP!);
          }),
      ],
    ])();
  }
  switch (end) {
    case 'return':
    case 'sub':
      w.push(32 * (slotBase + steps));
      w.push(0);
      a.op(O.RETURN!);
      break;
    case 'revert':
      w.push(32 * (slotBase + steps));
      w.push(0);
      a.op(O.REVERT!);
      break;
    case 'halt':
      a.op(O.INVALID!);
      break;
  }
  return w.asm.build();
}

export function accessScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const a = accessProgram(ctx, rng.range(3, 14), 0, 'return');
  const c = accessProgram(ctx, rng.range(1, 6), 0, rng.pick(['return', 'revert', 'revert', 'halt'] as const));
  return {
    name: 'access',
    accounts: [
      [
        CONTRACT_A,
        contract(
          ctx,
          a,
          new Map([
            [1n, 1n],
            [2n, 2n],
          ]),
        ),
      ],
      [CONTRACT_B, contract(ctx, Uint8Array.of(0x00))],
      [CONTRACT_C, contract(ctx, c, new Map([[0n, 5n]]))],
    ],
    gas: BigInt(rng.range(100_000, 2_000_000)),
  };
}
