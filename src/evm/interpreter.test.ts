/**
 * The interpreter's fast loop (inlined opcodes, fused pairs, checks per block) against its
 * reference loop (every instruction through the table, checked one by one), which a step tracer
 * selects: both must give the same status, gas, output and state, on the edges of each shortcut.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm } from '../create-evm.js';
import { hexToBytes, bytesToHex } from '../primitives/bytes.js';

const CALLER = '0x00000000000000000000000000000000000000c0';
const TARGET = '0x00000000000000000000000000000000000000aa';

function run(code: string, gas: bigint, traced: boolean) {
  const evm = createEvm({ fork: 'Osaka', jit: 'never' });
  evm.setAccount(CALLER, { balance: 10n ** 18n });
  evm.setAccount(TARGET, { code: hexToBytes(code) });
  let steps = 0;
  const tracer = traced ? { step: () => void steps++ } : undefined;
  const r = evm.runCall({ caller: CALLER, to: TARGET, gas, tracer });
  if (traced) assert.ok(steps > 0, 'the tracer saw no step');
  return { success: r.success, error: r.error, gasUsed: r.gasUsed, output: bytesToHex(r.output), root: bytesToHex(evm.stateRoot()) };
}

/** Runs `code` both ways; returns the result (the same for both). */
function same(code: string, gas = 100_000n) {
  const fast = run(code, gas, false);
  assert.deepEqual(fast, run(code, gas, true), code);
  return fast;
}

const hex = (n: number, bytes = 1) => n.toString(16).padStart(bytes * 2, '0');
const push1 = (n: number) => '60' + hex(n);
const push2 = (n: number) => '61' + hex(n, 2);
/** Stores the top `k` stack words at 0, 32, ... and returns them. */
const returnTop = (k: number) => Array.from({ length: k }, (_, i) => push2(i * 32) + '52').join('') + push2(k * 32) + '6000f3';

test('SWAPn then POP (fused) leaves the stack as the two instructions do, for every n', () => {
  for (let n = 1; n <= 16; n++) {
    let code = '';
    for (let v = 1; v <= 17; v++) code += push1(v);
    code += hex(0x8f + n) + '50' + returnTop(16);
    const r = same(code);
    assert.equal(r.success, true);
    // The top (17) replaced the nth below it, and the stack is one shorter.
    const words = Array.from({ length: 16 }, (_, i) => parseInt(r.output.slice(2 + i * 64, 2 + (i + 1) * 64), 16));
    const expected = [16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expected[n - 1] = 17;
    assert.deepEqual(words, expected, `SWAP${n} POP`);
  }
});

test('SWAPn then SWAPm, and PUSH1 then DUPn (fused), for every n and m', () => {
  const seventeen = Array.from({ length: 17 }, (_, v) => push1(v + 1)).join('');
  for (let n = 1; n <= 16; n++) {
    for (let m = 1; m <= 16; m++) same(seventeen + hex(0x8f + n) + hex(0x8f + m) + returnTop(16));
    const r = same(seventeen + push1(0xab) + hex(0x7f + n) + returnTop(16));
    // The top is what DUPn copied: 0xab itself for DUP1, else the value n-1 below it (17 - n + 2).
    assert.equal(parseInt(r.output.slice(2, 66), 16), n === 1 ? 0xab : 19 - n, `PUSH1 DUP${n}`);
  }
  // SWAP2 then SWAP1 on [1, 2, 3]: [3, 2, 1], then [3, 1, 2].
  const r = same(push1(1) + push1(2) + push1(3) + '91' + '90' + returnTop(3));
  assert.equal(r.output, '0x' + [2, 1, 3].map((v) => hex(v, 32)).join(''));
});

test('PUSH then JUMP or JUMPI (fused): taken, not taken, and to a byte that is no JUMPDEST', () => {
  // 0: PUSH1 5, 2: JUMP, 3: INVALID, 4: INVALID, 5: JUMPDEST, ...
  assert.equal(same(push1(5) + '56' + 'fefe' + '5b' + push1(42) + returnTop(1)).success, true);
  // JUMPI taken (condition 1) and not taken (condition 0): 0: PUSH1 c, 2: PUSH1 9, 4: JUMPI, 5: PUSH1 1, 7: STOP, 8: INVALID, 9: JUMPDEST.
  const jumpi = (cond: number) => push1(cond) + push1(9) + '57' + push1(1) + '00' + 'fe' + '5b' + push1(2) + returnTop(1);
  assert.equal(same(jumpi(1)).output.endsWith('02'), true);
  assert.equal(same(jumpi(0)).success, true);
  // A PUSH of a byte that is not a JUMPDEST, or is one inside PUSH data: the jump fails.
  assert.equal(same(push1(3) + '56' + 'fe' + '00').success, false);
  assert.equal(same(push1(4) + '56' + '00' + '605b' + '00').success, false);
  // A PUSH2 reaching past the end of code pads with zeros: PUSH2 0x5b00 then JUMP is not in the code.
  assert.equal(same('5b' + '61005b' + '56').success, false);
  // A destination too large for any code.
  assert.equal(same('7f' + 'ff'.repeat(32) + '56').success, false);
  assert.equal(same(push1(1) + '7f' + 'ff'.repeat(31) + '00' + '57').success, false);
});

test('POP then JUMP (fused): a return to a valid address, and to an invalid one', () => {
  // 0: PUSH1 7, 2: PUSH1 99, 4: POP, 5: JUMP, 6: INVALID, 7: JUMPDEST, PUSH1 1, return it.
  assert.equal(same(push1(7) + push1(99) + '50' + '56' + 'fe' + '5b' + push1(1) + returnTop(1)).success, true);
  assert.equal(same(push1(6) + push1(99) + '50' + '56' + 'fe' + '5b' + '00').success, false);
  // SWAP1 POP JUMP: the pairs overlap (the POP is the second of one and the first of the other);
  // [1, 99, 11] becomes [1, 11], and the JUMP to 11 leaves [1].
  assert.equal(same(push1(1) + push1(99) + push1(11) + '90' + '50' + '56' + 'fe' + 'fe' + '5b' + returnTop(1)).output.endsWith('01'), true);
});

test('a loop of fused and inlined instructions, and running out of gas at each point inside it', () => {
  // counter = 300; loop: JUMPDEST, DUP1 ISZERO PUSH1 end JUMPI, PUSH1 1 SWAP1 SUB, PUSH1 loop JUMP; end: JUMPDEST return.
  const loop =
    push2(300) + // 0
    '5b' + // 3: loop
    '80' +
    '15' +
    push1(15) +
    '57' + // 4..8: exit when zero
    push1(1) +
    '90' +
    '03' + // 9..12
    push1(3) +
    '56' + // 13..15? PUSH1 at 13, JUMP at 15
    '5b' +
    returnTop(1); // 16
  // The exit PUSH must point at the JUMPDEST: fix the layout by computing it.
  const exit = loop.indexOf('5b', 8) / 2;
  const code = loop.replace(push1(15) + '57', push1(exit) + '57');
  const full = same(code);
  assert.equal(full.success, true);
  for (let gas = 21_000n + 10n; gas < full.gasUsed; gas += 97n) same(code, gas);
});

test("the code's own bytes of the fused pairs' numbers halt as undefined opcodes", () => {
  for (const byte of ['0c', '0d', '0e', '0f', '21', '22']) {
    for (const code of [byte, push1(1) + push1(2) + byte + '00', '5b' + push1(0) + push1(0) + byte]) {
      const r = same(code);
      assert.equal(r.success, false, code);
      assert.match(r.error ?? '', /invalid opcode/, code);
      assert.equal(r.gasUsed, 100_000n, 'an invalid opcode takes all the gas');
    }
  }
});

test('stack underflow and overflow in a block of inlined instructions', () => {
  assert.equal(same('50').success, false);
  assert.equal(same('60019050').success, false);
  assert.equal(same(push1(1).repeat(1024) + '00').success, true);
  assert.equal(same(push1(1).repeat(1025) + '00').success, false);
  assert.equal(same(push1(1).repeat(1024) + '80').success, false);
});

test('a straight run longer than a block may be is cut into blocks, and runs out of gas the same at the cut', () => {
  // 70,000 instructions without a jump (ADDRESS, POP): blocks.ts cuts them after 65,536.
  const code = '3050'.repeat(35_000) + '00';
  const full = same(code, 1_000_000n);
  assert.equal(full.success, true);
  // 2 + 2 per instruction pair (a message call: no intrinsic gas).
  assert.equal(full.gasUsed, 35_000n * 4n);
  // Gas for the first block and a little of the second; for exactly the first; for one less.
  for (const left of [65_536n * 2n + 10n, 65_536n * 2n, 65_536n * 2n - 1n]) {
    const r = same(code, left);
    assert.equal(r.success, false);
    assert.match(r.error ?? '', /out of gas/);
  }
});

test('runs of JUMPDESTs charged at once: entered at the start and in the middle, at the end of code, and out of gas inside', () => {
  // 0: PUSH1 dest, JUMP; 3..: 40 JUMPDESTs; then PUSH1 7, return it.
  const run = '5b'.repeat(40);
  for (const dest of [3, 4, 20, 41, 42]) {
    const code = push1(dest) + '56' + run + push1(7) + returnTop(1);
    const r = same(code);
    assert.equal(r.success, true, `into the run at ${dest}`);
    // The JUMPDESTs from dest on, one gas each, are all charged.
    assert.equal(r.output.endsWith('07'), true);
  }
  // A run at the very end of the code, and one that the code ends inside of (no instruction after).
  assert.equal(same(push1(1) + run).success, true);
  // A run inside a loop, with gas running out at every point of it.
  const loop = push1(5) + '5b' + run + push1(1) + '90' + '03' + '80' + push1(2) + '57' + '00';
  const full = same(loop);
  assert.equal(full.success, true);
  for (let gas = 1n; gas < full.gasUsed; gas += 7n) assert.equal(same(loop, gas).success, false);
  // Each JUMPDEST costs its gas: a run of 40 more costs 40 more.
  assert.equal(same(push1(1) + run + run + '00').gasUsed - same(push1(1) + run + '00').gasUsed, 40n);
});
