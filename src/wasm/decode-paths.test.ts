/**
 * Activation decodes function bodies in one pass into columns (`decodeBodyInto`) and leaves any
 * body that pass does not take to the operator-by-operator decoder (`decodeBody`), which knows
 * every error. These tests hold the two to each other: the same operators from both, and a
 * program whose bodies only the exact decoder takes metered and run exactly like the same
 * program in the encoding the one-pass decoder takes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBody, decodeBodyInto, OperatorColumns, OPCODES, parseModule, SectionId, Writer } from './binary.js';
import { activateProgram } from './activate.js';
import { INK_LEFT_GLOBAL, MEMORY_IMPORT, STACK_LEFT_GLOBAL } from './hostio.js';
import { compileWat } from './testing/compile.js';

const PROGRAM = `(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (memory (export "memory") 1 4)
  (type $binop (func (param i64 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $add $mul)
  (func $add (type $binop) (i64.add (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i64.mul (local.get 0) (local.get 1)))
  (func $step (param $x i64) (param $k i32) (result i64)
    (block $b2
      (block $b1
        (block $b0 (br_table $b0 $b1 $b2 (i32.and (local.get $k) (i32.const 3))))
        (return (call_indirect (type $binop) (local.get $x) (i64.const 0x1234567890) (i32.const 0))))
      (return (call_indirect (type $binop) (local.get $x) (i64.const 3) (i32.const 1))))
    (if (result i64) (i32.eq (i32.and (local.get $k) (i32.const 3)) (i32.const 2))
      (then (i64.rotl (local.get $x) (i64.const 13)))
      (else (i64.xor (local.get $x) (i64.const -7)))))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $i i32) (local $x i64)
    (call $pay (i32.const 0))
    (call $read_args (i32.const 0))
    (local.set $x (i64.load (i32.const 0)))
    (drop (memory.grow (i32.const 1)))
    (memory.fill (i32.const 64) (i32.const 7) (i32.const 100))
    (memory.copy (i32.const 200) (i32.const 64) (i32.const 50))
    (loop $l
      (local.set $x (call $step (local.get $x) (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 40))))
    (i64.store (i32.const 8) (local.get $x))
    (i64.store (i32.const 16) (i64.extend_i32_u (i32.load8_u (i32.const 230))))
    (call $write_result (i32.const 8) (i32.const 16))
    (i32.const 0)))`;

/** What PROGRAM computes, in bigint: 40 steps over the input's first eight bytes (little-endian). */
function reference(input: Uint8Array): Uint8Array {
  const u64 = (v: bigint) => BigInt.asUintN(64, v);
  let x = new DataView(input.buffer, input.byteOffset).getBigUint64(0, true);
  for (let k = 0; k < 40; k++) {
    if (k % 4 === 0) x = u64(x + 0x1234567890n);
    else if (k % 4 === 1) x = u64(x * 3n);
    else if (k % 4 === 2) x = u64((x << 13n) | (x >> 51n));
    else x = u64(x ^ u64(-7n));
  }
  const out = new DataView(new ArrayBuffer(16));
  out.setBigUint64(0, x, true);
  out.setBigUint64(8, 7n, true); // byte 230 was copied from 94, which memory.fill set to 7
  return new Uint8Array(out.buffer);
}

/** Runs an instrumented program in V8 with stub hooks; the ink it used and what it returned. */
function runMetered(wasm: Uint8Array, input: Uint8Array): { status: number; ink: bigint; output: Uint8Array | undefined } {
  const activated = activateProgram(wasm);
  const memory = new WebAssembly.Memory({ initial: activated.footprint, maximum: activated.maxPages });
  const view = () => new Uint8Array(memory.buffer);
  let output: Uint8Array | undefined;
  const imports = {
    vm_hooks: {
      read_args: (pointer: number) => view().set(input, pointer),
      write_result: (pointer: number, length: number) => void (output = view().slice(pointer, pointer + length)),
      pay_for_memory_grow: () => {},
    },
    [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory },
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(activated.wasm), imports as WebAssembly.Imports);
  const ink = instance.exports[INK_LEFT_GLOBAL] as WebAssembly.Global;
  const start = 10n ** 12n;
  ink.value = start;
  (instance.exports[STACK_LEFT_GLOBAL] as WebAssembly.Global).value = 22_000;
  const status = (instance.exports.user_entrypoint as (length: number) => number)(input.length);
  return { status, ink: start - (ink.value as bigint), output };
}

/** An unsigned LEB128 in five bytes, the longest a u32 may take. */
function longU32(value: number): number[] {
  return [0, 7, 14, 21].map((shift) => 0x80 | ((value >>> shift) & 0x7f)).concat((value >>> 28) & 0x0f);
}

/** The module with every index immediate in its bodies (local, global, call, branch) written in five bytes. */
function withLongIndices(wasm: Uint8Array): Uint8Array {
  const m = parseModule(wasm);
  const code = m.sections.find((s) => s.id === SectionId.code)!;
  const section = new Writer().u32(m.codes.length);
  for (const body of m.codes) {
    const w = new Writer().bytes(wasm.subarray(body.localsStart, body.bodyStart));
    for (const op of decodeBody(m, body)) {
      if (OPCODES.get(op.code)?.immediate === 'index') w.u8(op.code).bytes(Uint8Array.from(longU32(op.index)));
      else w.bytes(wasm.subarray(op.start, op.end));
    }
    section.u32(w.length).bytes(w.result());
  }
  return new Writer().bytes(wasm.subarray(0, code.offset)).section(SectionId.code, section).bytes(wasm.subarray(code.end)).result();
}

test('the one-pass decoder gives each body the operators the exact decoder gives', async () => {
  const wasm = await compileWat(PROGRAM);
  const m = parseModule(wasm);
  const columns = new OperatorColumns(wasm.length);
  for (const [i, body] of m.codes.entries()) {
    assert.equal(decodeBodyInto(wasm, body, columns), true, `body ${i} takes the one-pass decoder`);
    const from = columns.first[i]!;
    const exact = decodeBody(m, body);
    assert.equal(columns.first[i + 1]! - from, exact.length, `body ${i}: operator count`);
    for (const [k, op] of exact.entries()) {
      const row = [columns.code[from + k], columns.start[from + k], columns.index[from + k], columns.hasResult[from + k]];
      const hasResult = op.blockType !== undefined && op.blockType !== null ? 1 : 0;
      assert.deepEqual(row, [op.code, op.start, op.index, hasResult], `body ${i}, operator ${k}`);
    }
  }
  assert.ok(columns.hasResult.includes(1), 'the program has a block with a result');
});

test('a program only the exact decoder takes (five-byte indices) is metered and runs like its short form', async () => {
  const short = await compileWat(PROGRAM);
  const long = withLongIndices(short);
  assert.ok(long.length > short.length);
  const m = parseModule(long);
  for (const [i, body] of m.codes.entries()) {
    assert.equal(decodeBodyInto(long, body, new OperatorColumns(16)), false, `body ${i} needs the exact decoder`);
  }
  const input = Uint8Array.from({ length: 8 }, (_, i) => 0x11 * (i + 1));
  const a = runMetered(short, input);
  const b = runMetered(long, input);
  assert.equal(a.status, 0);
  assert.deepEqual(a.output, reference(input));
  assert.ok(a.ink > 0n);
  assert.deepEqual(b, a);
});
