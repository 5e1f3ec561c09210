/**
 * Control flow: jumps to real destinations, into push data that holds a JUMPDEST byte, past the
 * end, to huge numbers, and into a push cut off by the end of the code; the stack's limits
 * (1024 items, underflow); and deep recursion by calls and by creates, to the 1024 depth limit.
 */
import { CONTRACT_A, CONTRACT_B } from '../case.js';
import { O } from '../opcodes.js';
import { calleeProgram } from './callee.js';
import { ProgramWriter, word, type GenContext } from './program.js';
import { writeRandomOps } from './random-ops.js';
import { contract, writeCall, type Scenario } from './scenario.js';

export function jumpsScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  // A push whose data holds JUMPDEST bytes: its position is known, so jumps can aim inside it.
  const dataStart = a.length + 1;
  const data = rng.bytes(rng.range(2, 32));
  for (let i = 0; i < data.length; i++) if (rng.chance(0.5)) data[i] = O.JUMPDEST!;
  a.pushBytes(data);
  a.op(O.POP!);
  const targets: (() => void)[] = [
    () => w.push(dataStart + rng.int(data.length)), // inside push data
    () => w.push(dataStart - 1), // the PUSH itself
    () => w.push(rng.int(a.length + 50)),
    () => w.push(word(rng)),
    () => w.push(rng.pick([1n << 32n, 1n << 64n, (1n << 256n) - 1n, 0xffffn])),
  ];
  const good: string[] = [];
  const steps = rng.range(1, 6);
  for (let i = 0; i < steps; i++) {
    if (rng.chance(0.4)) writeRandomOps(w, rng.range(1, 5));
    const label = a.newLabel('T');
    good.push(label);
    const conditional = rng.chance(0.5);
    if (conditional) w.push(rng.pick([0n, 1n, 2n, (1n << 256n) - 1n]));
    if (rng.chance(0.6)) a.pushLabel(label);
    else rng.pick(targets)();
    a.op(conditional ? O.JUMPI! : O.JUMP!);
    if (rng.chance(0.3)) a.op(O.STOP!);
    w.push(i);
    w.record(i);
    if (rng.chance(0.85)) a.jumpdest(label);
    else a.mark(label); // a label without its JUMPDEST
    w.push(100 + i);
    w.record(i);
  }
  if (rng.chance(0.3)) {
    // The code ends inside a push: the missing bytes read as zero, and a JUMPDEST byte there is data.
    const tail = [0x60 + rng.int(32), ...(rng.chance(0.5) ? [O.JUMPDEST!] : [])];
    return { name: 'jumps/truncated-push', accounts: [[CONTRACT_A, contract(ctx, w.finish({ terminate: false, tail }))]] };
  }
  return { name: 'jumps', accounts: [[CONTRACT_A, contract(ctx, w.finish())]] };
}

export function stackLimitsScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  // A loop that pushes n items, then one instruction at the edge of the stack.
  const n = rng.pick([1020, 1021, 1022, 1023, 1024, 1025, rng.int(1026)]);
  const unrolled = rng.chance(0.3);
  if (unrolled) for (let i = 0; i < n; i++) a.op(rng.chance(0.5) ? O.PC! : O.CALLVALUE!);
  else {
    w.push(n);
    const top = a.newLabel('push');
    const done = a.newLabel('done');
    a.jumpdest(top);
    // counter on top: [counter, items...]
    a.op(O.DUP1!, O.ISZERO!);
    a.pushLabel(done);
    a.op(O.JUMPI!);
    w.push(1);
    a.op(O.SWAP1!, O.SUB!); // counter - 1
    a.op(O.PC!, O.SWAP1!); // an item under the counter
    a.pushLabel(top);
    a.op(O.JUMP!);
    a.jumpdest(done);
    a.op(O.POP!);
  }
  a.op(rng.pick([O.DUP1!, O.DUP16!, O.SWAP16!, O.ADD!, O.POP!, O.CALLER!, O.MSIZE!]));
  a.op(rng.pick([O.STOP!, O.DUP1!, O.POP!]));
  return { name: `stack/${n}${unrolled ? '/unrolled' : ''}`, accounts: [[CONTRACT_A, contract(ctx, w.finish())]], gas: 10_000_000n };
}

export function recursionScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const kind = rng.pick(['call', 'call', 'delegatecall', 'create', 'mutual'] as const);
  // A depth counter in transient or persistent storage shows how deep it went.
  if (rng.chance(0.5)) {
    w.push(0);
    a.op(O.SLOAD!);
    w.push(1);
    a.op(O.ADD!);
    w.push(0);
    a.op(O.SSTORE!);
  }
  if (kind === 'create') {
    // Initcode that copies itself and creates itself again: a chain of creates.
    a.op(O.CODESIZE!);
    w.push(0);
    w.push(0);
    a.op(O.CODECOPY!);
    a.op(O.CODESIZE!);
    w.push(0);
    w.push(0);
    a.op(O.CREATE!);
    w.record(1);
    return {
      name: 'recursion/create',
      accounts: [[CONTRACT_A, contract(ctx, w.finish())]],
      gas: rng.pick([10_000_000n, 100_000_000n, 1n << 40n]),
    };
  }
  const opcode = kind === 'delegatecall' ? O.DELEGATECALL! : O.CALL!;
  const target = kind === 'mutual' ? BigInt(CONTRACT_B) : BigInt(CONTRACT_A);
  writeCall(w, opcode, target, {
    gas: rng.chance(0.7) ? 'all' : BigInt(rng.pick([100_000, 1_000_000, 50_000])),
    value: 0n,
    argsOffset: 0n,
    argsSize: BigInt(rng.int(33)),
    retOffset: 0n,
    retSize: 32n,
  });
  w.record(2);
  if (rng.chance(0.3)) w.returnMemory(rng.chance(0.5) ? O.REVERT! : O.RETURN!);
  const accounts: Scenario['accounts'] = [[CONTRACT_A, contract(ctx, w.finish())]];
  if (kind === 'mutual') {
    const b = new ProgramWriter(ctx);
    writeCall(b, O.CALL!, BigInt(CONTRACT_A), { gas: 'all', value: 0n, argsOffset: 0n, argsSize: 0n, retOffset: 0n, retSize: 0n });
    b.record(3);
    accounts.push([CONTRACT_B, contract(ctx, b.finish())]);
  } else if (rng.chance(0.3)) accounts.push([CONTRACT_B, contract(ctx, calleeProgram(ctx))]);
  // Reaching depth 1024 needs a lot of gas: (63/64)^1024, about 10^-7 of it, is left at the
  // bottom. At most 2^41, though: growing memory to 1 GiB costs more than that (about 2.2·10^12),
  // so no frame can pay for memory past polyvm's 1 GiB bound (memory.ts), and the peer is not
  // asked to allocate gigabytes (seed 1003 case 124482 had @ethereumjs/evm allocate 2 GB in
  // frame after frame with 2^50 gas).
  return { name: `recursion/${kind}`, accounts, gas: rng.pick([1_000_000n, 30_000_000n, 1n << 40n, 1n << 41n]) };
}
