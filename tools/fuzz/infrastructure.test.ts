/** The fuzzer's own parts: reproducibility, the assembler, case JSON, the shrinker, the comparisons. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex } from '../../dist/primitives/bytes.js';
import { runPolyvmCall } from '../peer/polyvm.js';
import { EthereumjsPeer } from '../peer/ethereumjs.js';
import { Assembler, instructions } from './assembler.js';
import { account, baseWorld, caseFromJson, caseToJson, CALLER, CONTRACT_A, fuzzBlock, type FuzzCase } from './case.js';
import { compareOutcomes, firstTraceDivergence } from './compare.js';
import { generateCase } from './generators/index.js';
import { O } from './opcodes.js';
import { Random } from './random.js';
import { shrinkCase } from './shrink.js';
import { Differential } from './differential.js';
import { fuzzEvm } from './runner.js';
import { knownBug } from './known-bugs.js';

test('a case is the same for the same seed and index, and differs for another index', () => {
  const a = caseToJson(generateCase(42, 7));
  const b = caseToJson(generateCase(42, 7));
  const c = caseToJson(generateCase(42, 8));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('the random generator is deterministic and spreads', () => {
  const x = new Random(1, 2);
  const y = new Random(1, 2);
  const values = Array.from({ length: 1000 }, () => x.int(10));
  assert.deepEqual(
    values,
    Array.from({ length: 1000 }, () => y.int(10)),
  );
  for (let d = 0; d < 10; d++) assert.ok(values.filter((v) => v === d).length > 50);
  assert.ok(new Random(1, 3).next() !== new Random(1, 2).next());
});

test('the assembler patches labels and splits instructions with push data', () => {
  const asm = new Assembler();
  asm
    .pushLabel('end')
    .op(O.JUMP!)
    .push(0x1234)
    .push((1n << 256n) + 5n)
    .jumpdest('end')
    .op(O.STOP!);
  const code = asm.build();
  // PUSH2 end, JUMP, PUSH2 0x1234, PUSH1 5 (2^256 + 5 wraps), end: JUMPDEST, STOP
  assert.equal(bytesToHex(code), '0x6100095661123460055b00');
  assert.deepEqual(
    instructions(code).map((i) => i.pc),
    [0, 3, 4, 7, 9, 10],
  );
  // A push cut off by the end of the code is one instruction.
  assert.deepEqual(instructions(Uint8Array.of(0x00, 0x7f, 0x01)), [
    { pc: 0, length: 1 },
    { pc: 1, length: 2 },
  ]);
});

test('a case survives JSON', () => {
  const c = generateCase(3, 14);
  assert.deepEqual(caseToJson(caseFromJson(caseToJson(c))), caseToJson(c));
});

function simpleCase(code: Uint8Array): FuzzCase {
  const pre = baseWorld();
  pre.set(CONTRACT_A, account({ code, nonce: 1n, storage: new Map([[9n, 9n]]) }));
  return {
    generator: 'test',
    fork: 'Cancun',
    block: fuzzBlock(),
    pre,
    call: { caller: CALLER, to: CONTRACT_A, data: Uint8Array.of(1, 2, 3), value: 5n, gas: 100_000n, gasPrice: 7n },
  };
}

test('the shrinker keeps only what the predicate needs', async () => {
  // "Fails" while the code still contains a SSTORE byte: everything else can go.
  const asm = new Assembler().push(1).push(2).op(O.ADD!).push(3).push(0).op(O.SSTORE!).push(4).op(O.POP!, O.STOP!);
  const small = await shrinkCase(simpleCase(asm.build()), async (c) => c.pre.get(CONTRACT_A)!.code.includes(O.SSTORE!));
  assert.deepEqual([...small.pre.get(CONTRACT_A)!.code], [O.SSTORE]);
  assert.deepEqual([...small.pre.keys()].sort(), [CALLER, CONTRACT_A].sort());
  assert.equal(small.call.data.length, 0);
  assert.equal(small.call.value, 0n);
  assert.equal(small.pre.get(CONTRACT_A)!.storage.size, 0);
});

test('both engines agree on a simple call, and a difference is named by its field', async () => {
  // SSTORE(0, CALLVALUE); LOG1(0, 0, topic 7); RETURN(0, 32) of MSTORE(0, 0xabc)
  const asm = new Assembler().op(O.CALLVALUE!).push(0).op(O.SSTORE!).push(7).push(0).push(0).op(O.LOG1!);
  asm.push(0xabc).push(0).op(O.MSTORE!).push(32).push(0).op(O.RETURN!);
  const c = simpleCase(asm.build());
  const ours = runPolyvmCall(c.pre, c.call, c);
  const peer = await EthereumjsPeer.create({ fork: c.fork });
  const theirs = await peer.run(c.pre, c.call, c.block);
  assert.deepEqual(compareOutcomes(ours, theirs), []);
  assert.equal(ours.outcome, 'success');
  assert.equal(ours.post.get(CONTRACT_A)!.storage.get(0n), 5n);
  assert.equal(ours.logs.length, 1);
  // The same peer, reused: the state was reset between runs.
  assert.deepEqual(compareOutcomes(ours, await peer.run(c.pre, c.call, c.block)), []);
  const changed = { ...theirs, gasUsed: theirs.gasUsed + 1n, post: new Map(theirs.post) };
  changed.post.delete(CONTRACT_A);
  assert.deepEqual(
    compareOutcomes(ours, changed).map((d) => d.field),
    ['gasUsed', `post.${CONTRACT_A}`],
  );
});

test('the first differing trace step is found', () => {
  const step = (pc: number, gas: number) => ({
    pc,
    op: 1,
    gas: '0x' + gas.toString(16),
    gasCost: '0x3',
    memSize: 0,
    stack: [],
    depth: 1,
    refund: 0,
    opName: 'ADD',
  });
  assert.equal(firstTraceDivergence([step(0, 10), step(1, 7)], [step(0, 10), step(1, 7)]), undefined);
  const d = firstTraceDivergence([step(0, 10), step(1, 7)], [step(0, 10), step(1, 6)])!;
  assert.equal(d.index, 1);
  assert.deepEqual(d.fields, ['gas']);
  assert.deepEqual(firstTraceDivergence([step(0, 10)], [step(0, 10), step(1, 7)])!.fields, ['polyvm trace ended']);
});

test('a case the peer cannot finish in time is cut off, and the next case runs on a fresh worker', async () => {
  // An endless loop with 10^12 gas: about 10^11 iterations.
  const loop = simpleCase(new Assembler().op(O.JUMPDEST!).push(0).op(O.JUMP!).build());
  loop.call.gas = 10n ** 12n;
  const differential = new Differential(1500);
  try {
    const started = performance.now();
    const cut = await differential.run(loop);
    assert.equal(cut.verdict, 'peer-timeout');
    assert.equal(cut.polyvm, undefined, 'polyvm does not run a case the peer did not finish');
    assert.ok(performance.now() - started < 10_000);
    const asm = new Assembler().op(O.CALLVALUE!).push(0).op(O.SSTORE!).push(32).push(0).op(O.RETURN!);
    const next = await differential.run(simpleCase(asm.build()));
    assert.equal(next.verdict, 'agree');
    assert.equal(next.peer?.post.get(CONTRACT_A)?.storage.get(0n), 5n);
  } finally {
    await differential.close();
  }
});

test('two peer workers give the same counts as one engine pair on the main thread', async () => {
  const inline = await fuzzEvm({ seed: 77, cases: 60, shrink: false });
  const pooled = await fuzzEvm({ seed: 77, cases: 60, shrink: false, caseTimeoutSeconds: 60, peerWorkers: 2 });
  assert.equal(pooled.cases, 60);
  assert.equal(pooled.peerTimeouts, 0);
  for (const key of ['agree', 'diverged', 'excluded', 'outcomes', 'byGenerator', 'kinds'] as const) {
    assert.deepEqual(pooled[key], inline[key], key);
  }
});

test('a known peer bug waives exactly the difference it explains, not a case that differs more', async () => {
  // A creates with initcode MSTORE8(0, 0xEF); REVERT(0, 1), then stores the create's result,
  // RETURNDATASIZE and GAS: @ethereumjs/evm turns the revert into an exceptional halt.
  const initcode = 0x60ef60005360016000fdn;
  const asm = new Assembler().push(initcode).push(0).op(O.MSTORE!).push(10).push(22).push(0).op(O.CREATE!);
  asm.push(0).op(O.SSTORE!).op(O.RETURNDATASIZE!).push(1).op(O.SSTORE!).op(O.GAS!).push(2).op(O.SSTORE!, O.STOP!);
  const c = simpleCase(asm.build());
  const ours = runPolyvmCall(c.pre, c.call, c);
  const peer = await EthereumjsPeer.create({ fork: c.fork });
  const theirs = await peer.run(c.pre, c.call, c.block);
  const differences = compareOutcomes(ours, theirs);
  assert.ok(
    differences.some((d) => d.field.endsWith('.storage[0x1]')),
    'the peer should see no return data from the reverted create',
  );
  assert.equal(knownBug(c, ours, theirs, differences)?.id, 'ethereumjs-eip3541-on-revert');
  // The same case where the peer also differs somewhere the bug cannot explain: not waived.
  const post = new Map(theirs.post);
  const a = post.get(CONTRACT_A)!;
  post.set(CONTRACT_A, { ...a, storage: new Map([...a.storage, [5n, 1n]]) });
  const more = { ...theirs, post };
  assert.equal(knownBug(c, ours, more, compareOutcomes(ours, more)), undefined);
});
