import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activateProgram } from './activate.js';
import { wat } from './testing/activation.js';

// The gas formulas of docs/wasm-notes.md §2.3 (nitro programs/mod.rs and binary.rs), applied by
// hand to small modules whose counts are read off the WAT.

const floor = Math.floor;

test('activation and init gas of a one-function program', () => {
  const source = `(module (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`;
  const bytes = wat(source);
  const w = bytes.length;
  const program = activateProgram(bytes);
  // Operators after instrumentation: depth prologue 12, ink check 12, local.get, stack refund 4,
  // the added return, end.
  const operators = 12 + 12 + 1 + 4 + 1 + 1;
  const microseconds = [floor((w * 31733) / 100000), floor(17263 / 100000), 0, 0, 1 * 2217, floor((operators * 535) / 1000)];
  assert.equal(program.activationGas, microseconds.reduce((a, b) => a + b) * 28);
  // 1 function of type (i32) -> i32 (2 values), 0 globals of its own + 4 added, no segments, 1 page.
  const cachedCost = floor(13420 / 100000) + floor((2 * 89) / 100000) + floor((w * 122) / 100000) + floor((4 * 1628) / 1000) + 0 + 5;
  const initCost = floor(8252 / 1000) + floor((2 * 1059) / 1000) + floor((w * 1286) / 10000);
  assert.equal(program.cachedInitGas, 11 * 32 + cachedCost);
  assert.equal(program.initGas, 69 * 128 + initCost + 11 * 32 + cachedCost);
  assert.equal(program.footprint, 1);
  assert.deepEqual(program.imports, []);
});

test('segments, globals, pages and imports enter the formulas', () => {
  const source = `(module
    (import "vm_hooks" "msg_value" (func $value (param i32)))
    (import "vm_hooks" "read_args" (func $args (param i32)))
    (memory (export "memory") 3 3)
    (global (mut i32) (i32.const 0))
    (global i64 (i64.const 7))
    (table 2 funcref)
    (elem (i32.const 0) $f $f)
    (data (i32.const 0) "abcdef")
    (data "xy")
    (func $f (param i32 i64) (result i64) local.get 1)
    (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`;
  const bytes = wat(source);
  const w = bytes.length;
  const program = activateProgram(bytes);
  assert.deepEqual(program.imports, [
    { module: 'vm_hooks', name: 'msg_value' },
    { module: 'vm_hooks', name: 'read_args' },
  ]);
  assert.equal(program.footprint, 3);
  // Encoded segments: elem = flags, i32.const 0 (2 bytes), end, count, 2 indices = 7 bytes;
  // data 0 = flags, i32.const 0 (2), end, length, 6 bytes = 11; data 1 = flags, length, 2 bytes = 4.
  const elementBytes = 7;
  const dataBytes = 6 + 2;
  const segmentBytes = elementBytes + 11 + 4;
  // Both functions: depth prologue 12, ink check 12, local.get, refund 4, return, end.
  const operators = 2 * 31;
  const microseconds = [
    floor((w * 31733) / 100000),
    floor((2 * 17263) / 100000),
    floor((dataBytes * 17376) / 100000),
    floor((elementBytes * 17376) / 100000),
    3 * 2217,
    floor((operators * 535) / 1000),
  ];
  assert.equal(program.activationGas, microseconds.reduce((a, b) => a + b) * 28);
  const typeLength = 3 + 2; // (i32, i64) -> i64 and (i32) -> i32
  const globals = 2 + 4;
  const cachedCost =
    floor((2 * 13420) / 100000) +
    floor((typeLength * 89) / 100000) +
    floor((w * 122) / 100000) +
    floor((globals * 1628) / 1000) +
    floor((segmentBytes * 75244) / 100000) +
    3 * 5;
  const initCost = floor((2 * 8252) / 1000) + floor((typeLength * 1059) / 1000) + floor((w * 1286) / 10000);
  assert.equal(program.cachedInitGas, 352 + cachedCost);
  assert.equal(program.initGas, 8832 + initCost + 352 + cachedCost);
});
