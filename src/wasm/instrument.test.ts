import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activateProgram } from './activate.js';
import { activate, entrypoint, inkSpent, run, wat } from './testing/activation.js';

// Expected ink is counted by hand from the v1 price table (docs/wasm-notes.md §2.2): every basic
// block costs its operators' prices plus a 2,450-ink header, charged before the block runs.
const HEADER = 2450n;

test('a straight-line entrypoint pays one block: header + the sum of its prices', () => {
  // local.get 75, i32.const 1, i32.mul 160, i32.const 1, i32.add 70, end 1
  const program = activate(entrypoint('local.get 0 i32.const 7 i32.mul i32.const 3 i32.add'));
  assert.equal(inkSpent(program), HEADER + 75n + 1n + 160n + 1n + 70n + 1n);
  assert.equal(run(program).call(5, 1n << 40n), 38);
});

test('a loop pays its body block once per iteration', () => {
  const program = activate(
    entrypoint(
      `i32.const 3 local.set 1
       (loop $l local.get 1 i32.const 1 i32.sub local.tee 1 br_if $l)
       local.get 1`,
      '',
      '(local i32)',
    ),
  );
  const before = HEADER + 1n + 210n + 1n; // i32.const, local.set, loop (loop ends a block)
  const body = HEADER + 75n + 1n + 70n + 75n + 765n; // local.get, i32.const, i32.sub, local.tee, br_if
  const loopEnd = HEADER + 1n; // the loop's `end`, reached once when br_if falls through
  const after = HEADER + 75n + 1n; // local.get, end
  assert.equal(inkSpent(program), before + 3n * body + loopEnd + after);
});

test('call ends a block; the callee pays its own blocks', () => {
  const program = activate(entrypoint('call $h', '(func $h (result i32) i32.const 5)'));
  const caller = HEADER + 3800n + (HEADER + 1n); // call | end
  const callee = HEADER + 1n + 1n; // i32.const, end
  assert.equal(inkSpent(program), caller + callee);
});

test('br_table costs 2,400 + 325 per label, and a branch skips the blocks it jumps over', () => {
  const program = activate(entrypoint('(block $a (block $b (br_table $a $b $a (local.get 0)))) i32.const 0'));
  const first = HEADER + 1n + 1n + 75n + (2400n + 325n * 2n); // block, block, local.get, br_table
  const outerEnd = HEADER + 1n; // the inner `end` never runs: br_table always branches
  const tail = HEADER + 1n + 1n; // i32.const, end
  assert.equal(inkSpent(program, 0), first + tail); // to $a: past both ends
  assert.equal(inkSpent(program, 1), first + outerEnd + tail); // to $b: lands before the outer end
  assert.equal(inkSpent(program, 5), first + tail); // default $a
});

test('call_indirect costs 13,610 + 650 per parameter', () => {
  const program = activate(
    entrypoint(
      '(call_indirect (param i32 i32) (result i32) (i32.const 2) (i32.const 3) (i32.const 0))',
      '(type $t (func (param i32 i32) (result i32))) (table 1 funcref) (elem (i32.const 0) $add) (func $add (type $t) (i32.add (local.get 0) (local.get 1)))',
    ),
  );
  const caller = HEADER + 3n + (13610n + 650n * 2n) + (HEADER + 1n);
  const callee = HEADER + 75n + 75n + 70n + 1n;
  assert.equal(inkSpent(program), caller + callee);
  assert.equal(run(program).call(0, 1n << 40n), 5);
});

test('memory.fill of n bytes charges 100 ink per byte on top of its price', () => {
  const program = activate(entrypoint('(memory.fill (i32.const 0) (i32.const 7) (local.get 0)) i32.const 0'));
  const fixed = HEADER + 1n + 1n + 75n + 950n + 1n + 1n;
  assert.equal(inkSpent(program, 0), fixed);
  assert.equal(inkSpent(program, 1000), fixed + 100_000n);
  const copy = activate(entrypoint('(memory.copy (i32.const 0) (i32.const 10) (local.get 0)) i32.const 0'));
  assert.equal(inkSpent(copy, 33) - inkSpent(copy, 0), 3300n);
});

test('running out of ink sets status 1 and traps; exactly enough ink runs', () => {
  const program = activate(entrypoint('local.get 0'));
  const cost = HEADER + 75n + 1n;
  const running = run(program);
  assert.equal(running.call(9, cost), 9);
  assert.equal(running.inkLeft.value, 0n);
  assert.equal(running.inkStatus.value, 0);
  assert.throws(() => running.call(9, cost - 1n), WebAssembly.RuntimeError);
  assert.equal(running.inkStatus.value, 1);
});

test('a memory.fill that cannot be paid sets status 1 and traps before filling', () => {
  const program = activate(entrypoint('(memory.fill (i32.const 0) (i32.const 7) (local.get 0)) i32.const 0'));
  const running = run(program);
  const fixed = HEADER + 1n + 1n + 75n + 950n + 1n + 1n;
  assert.throws(() => running.call(100, fixed + 9_999n), WebAssembly.RuntimeError);
  assert.equal(running.inkStatus.value, 1);
  const memory = running.instance.exports['memory'] as { buffer: ArrayBuffer };
  assert.equal(new Uint8Array(memory.buffer)[0], 0);
});

test('a block holding a float operator can never be paid', () => {
  const program = activate(entrypoint('(drop (f32.add (f32.const 1) (f32.const 2))) local.get 0'));
  const running = run(program);
  assert.throws(() => running.call(0, (1n << 64n) - 2n), WebAssembly.RuntimeError);
  assert.equal(running.inkStatus.value, 1);
});

test('frame size is worst stack height + declared locals + 4, and entry needs more than that', () => {
  // Height peaks at 2 in the meter's own check (ink, cost); `local.get` alone reaches 1.
  const program = activate(entrypoint('local.get 0'));
  const running = run(program);
  assert.throws(() => running.call(1, 1n << 40n, 6), WebAssembly.RuntimeError);
  assert.equal(running.stackLeft.value, 0);
  assert.equal(running.inkStatus.value, 0);
  assert.equal(running.call(1, 1n << 40n, 7), 1);
  assert.equal(running.stackLeft.value, 7); // given back at return
  // Two declared locals and three values pushed: frame 3 + 2 + 4 = 9.
  const locals = run(activate(entrypoint('i32.const 1 i32.const 2 i32.const 3 i32.add i32.add', '', '(local i64 i32)')));
  assert.throws(() => locals.call(0, 1n << 40n, 9), WebAssembly.RuntimeError);
  assert.equal(locals.call(0, 1n << 40n, 10), 6);
});

test('deep recursion drains stack_left to 0 and traps, with ink to spare', () => {
  const program = activate(entrypoint('local.get 0 call $main'));
  const running = run(program);
  assert.throws(() => running.call(0, 1n << 60n, 100_000), WebAssembly.RuntimeError);
  assert.equal(running.stackLeft.value, 0);
  assert.equal(running.inkStatus.value, 0);
});

test('stack space is given back on early return and at the end', () => {
  const program = activate(entrypoint('(if (local.get 0) (then (return (i32.const 1)))) i32.const 2'));
  const running = run(program);
  assert.equal(running.call(1, 1n << 40n, 500), 1);
  assert.equal(running.stackLeft.value, 500);
  assert.equal(running.call(0, 1n << 40n, 500), 2);
  assert.equal(running.stackLeft.value, 500);
});

test('memory.grow calls pay_for_memory_grow with the page count before growing', () => {
  const source = `(module
    (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
    (memory (export "memory") 1 10)
    (func (export "user_entrypoint") (param i32) (result i32)
      (memory.grow (local.get 0))))`;
  const program = activateProgram(wat(source));
  const calls: [pages: number, sizeAtCall: number][] = [];
  let memory: { buffer: ArrayBuffer } | undefined;
  const running = run(program, {
    pay_for_memory_grow: (pages: number) => calls.push([pages, memory!.buffer.byteLength / 65536]),
  });
  memory = running.instance.exports['memory'] as { buffer: ArrayBuffer };
  assert.equal(running.call(3, 1n << 40n), 1); // memory.grow returns the old size
  assert.deepEqual(calls, [[3, 1]]);
  assert.equal(memory.buffer.byteLength / 65536, 4);
});

test('instrumentation keeps results: a program computes the same as the original', () => {
  const source = `(module
    (memory (export "memory") 1 1)
    (global $acc (mut i64) (i64.const 0))
    (data (i32.const 16) "\\05\\00\\00\\00")
    (func $fact (param i64) (result i64)
      (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
        (then (i64.const 1))
        (else (i64.mul (local.get 0) (call $fact (i64.sub (local.get 0) (i64.const 1)))))))
    (func (export "user_entrypoint") (param i32) (result i32) (local i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
          (global.set $acc (i64.add (global.get $acc) (call $fact (i64.extend_i32_u (local.get 1)))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br $next)))
      (memory.copy (i32.const 32) (i32.const 16) (i32.const 4))
      (i32.add (i32.wrap_i64 (global.get $acc)) (i32.load (i32.const 32))))
    (func (export "extra") (result i32) i32.const 0))`;
  const original = wat(source);
  const program = activateProgram(original);
  for (const n of [0, 1, 5, 10]) {
    const plain = new WebAssembly.Instance(new WebAssembly.Module(original), {});
    const expected = (plain.exports['user_entrypoint'] as (n: number) => number)(n);
    const running = run(program);
    assert.equal(running.call(n, 1n << 50n), expected, `n = ${n}`);
  }
  // Other exports are dropped; the host's globals are added.
  const exported = Object.keys(run(program).instance.exports).sort();
  assert.deepEqual(exported, ['memory', 'stylus_ink_left', 'stylus_ink_status', 'stylus_stack_left', 'user_entrypoint']);
});
