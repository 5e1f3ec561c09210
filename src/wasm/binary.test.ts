import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBody, OPCODES, parseModule, Reader, Writer } from './binary.js';
import { ProgramError } from './program-error.js';
import { worstCaseDepth } from './instrument.js';
import { wat } from './testing/activation.js';

const reader = (...bytes: number[]) => new Reader(new Uint8Array(bytes));

test('unsigned LEB128: values, the 32-bit bound, overlong and truncated encodings', () => {
  assert.equal(reader(0x00).u32(), 0);
  assert.equal(reader(0xe5, 0x8e, 0x26).u32(), 624485);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x00).u32(), 0); // padded zero is allowed
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x0f).u32(), 0xffffffff);
  assert.throws(() => reader(0xff, 0xff, 0xff, 0xff, 0x1f).u32(), /integer too large at byte 0/);
  assert.throws(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(), /integer too large/);
  assert.throws(() => reader(0x80).u32(), ProgramError);
});

test('signed LEB128: 32 and 64 bits, sign extension and the unused high bits', () => {
  assert.equal(reader(0x7f).s32(), -1);
  assert.equal(reader(0x3f).s32(), 63);
  assert.equal(reader(0xc0, 0x00).s32(), 64);
  assert.equal(reader(0xc0, 0xbb, 0x78).s32(), -123456);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x78).s32(), -(2 ** 31));
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x07).s32(), 2 ** 31 - 1);
  assert.throws(() => reader(0xff, 0xff, 0xff, 0xff, 0x0f).s32(), /integer too large/); // 2^31 does not fit
  assert.throws(() => reader(0x80, 0x80, 0x80, 0x80, 0x70).s32(), /integer too large/);
  const max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
  assert.equal(reader(...max).s64(), 2n ** 63n - 1n);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).s64(), -(2n ** 63n));
  assert.throws(() => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).s64(), /integer too large/);
});

test('the writer encodes what the reader decodes', () => {
  for (const value of [0, 1, 127, 128, 624485, 0xffffffff]) {
    assert.equal(new Reader(new Writer().u32(value).result()).u32(), value);
  }
  for (const value of [0n, -1n, 63n, 64n, -64n, -65n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 63n - 1n, -(2n ** 63n)]) {
    assert.equal(new Reader(new Writer().signed(value).result()).s64(), value);
  }
  assert.deepEqual([...new Writer().signed(-1n).result()], [0x7f]);
  assert.deepEqual([...new Writer().signed(64n).result()], [0xc0, 0x00]);
});

test('function bodies decode into operators with exact byte ranges', () => {
  const bytes = wat(`(module (memory 1) (func (param i32) (result i32)
    (i32.store offset=300 (i32.const 8) (i32.const -1))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
    (block $b (br_table $b $b $b (local.get 0)))
    (i64.const -9223372036854775808) drop
    local.get 0))`);
  const module = parseModule(bytes);
  const ops = decodeBody(module, module.codes[0]!);
  const names = ops.map((op) => OPCODES.get(op.code)!.name);
  assert.deepEqual(names, [
    ...['i32.const', 'i32.const', 'i32.store'],
    ...['i32.const', 'i32.const', 'i32.const', 'memory.fill'],
    ...['block', 'local.get', 'br_table', 'end'],
    ...['i64.const', 'drop', 'local.get', 'end'],
  ]);
  for (let i = 1; i < ops.length; i++) assert.equal(ops[i]!.start, ops[i - 1]!.end, `operator ${i} follows the previous one`);
  assert.equal(ops.at(-1)!.end, module.codes[0]!.bodyEnd);
  assert.equal(ops[1]!.value, -1n);
  assert.deepEqual([...bytes.subarray(ops[2]!.start, ops[2]!.end)], [0x36, 0x02, 0xac, 0x02]); // align 2, offset 300
  assert.deepEqual([...bytes.subarray(ops[6]!.start, ops[6]!.end)], [0xfc, 0x0b, 0x00]);
  assert.equal(ops[9]!.index, 2); // br_table: labels without the default
  assert.equal(ops[11]!.value, -(2n ** 63n));
});

test('worst-case depth follows nitro: results count on block entry, else and end return to it', () => {
  const bytes = wat(`(module (func $f (param i32 i32) (result i32) local.get 0)
    (func (result i32)
      (if (result i32) (i32.const 1)            ;; if pops its condition, then reserves its result: 1
        (then i32.const 2 i32.const 3 i32.add)  ;; 1 + 2 = 3
        (else i32.const 4))                     ;; back to 1, then 2
      i32.const 5 i32.const 6 call $f           ;; 1 + 2 = 3; the call pushes 1 before popping 2: 4, then 2
      i32.add))`);
  const module = parseModule(bytes);
  const ops = decodeBody(module, module.codes[1]!);
  const funcType = (index: number) => module.types[module.functions[index]!];
  assert.equal(worstCaseDepth(ops, module.types, funcType, 1), 4);
});
