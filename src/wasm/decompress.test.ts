/** Bounded brotli decompression of programs: round trips, the size limit, bombs and broken streams. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { brotliDecoderReady, decompressProgram, loadBrotliDecoder } from './decompress.js';
import { MAX_WASM_SIZE } from './format.js';
import { ProgramFormatError } from './format.js';
import { compressProgram } from './compress.js';
import { compileWat } from './testing/compile.js';
import { zeroBomb } from './testing/bomb.js';
import { bytesToHex, concatBytes } from '../primitives/bytes.js';

const PREFIX = Uint8Array.of(0xef, 0xf0, 0x00, 0x00);

/** Bytes that brotli cannot shrink much: a xorshift stream. */
function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function refused(code: Uint8Array, message: RegExp, limit?: number): void {
  assert.throws(
    () => decompressProgram(code, limit),
    (e: unknown) => e instanceof ProgramFormatError && message.test(e.message),
  );
}

const WAT = `(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))`;

test('a module compressed as cargo-stylus does comes back byte for byte, and under Node.js the decoder loads itself', async () => {
  const wasm = await compileWat(WAT);
  const program = compressProgram(wasm);
  assert.equal(bytesToHex(program.subarray(0, 4)), '0xeff00000');
  const back = decompressProgram(program);
  assert.equal(brotliDecoderReady(), true);
  assert.equal(bytesToHex(back), bytesToHex(wasm));
  assert.ok(WebAssembly.validate(back));
  loadBrotliDecoder(); // a second initialisation is harmless
  assert.equal(bytesToHex(decompressProgram(program)), bytesToHex(wasm));
});

test('round trips at several sizes, compressible and not', () => {
  for (const data of [new Uint8Array(0), Uint8Array.of(0), noise(1000), noise(70_000, 7), new Uint8Array(100_000).fill(0x41)]) {
    assert.equal(bytesToHex(decompressProgram(compressProgram(data))), bytesToHex(data), `${data.length} bytes`);
  }
});

test('the limit: 131,072 bytes are accepted, 131,073 refused; a caller-given limit the same way', () => {
  assert.equal(MAX_WASM_SIZE, 131_072);
  for (const make of [noise, (n: number) => new Uint8Array(n).fill(7)]) {
    assert.equal(decompressProgram(compressProgram(make(MAX_WASM_SIZE))).length, MAX_WASM_SIZE);
    refused(compressProgram(make(MAX_WASM_SIZE + 1)), /larger than the limit of 131072 bytes/);
  }
  assert.equal(decompressProgram(compressProgram(noise(1000)), 1000).length, 1000);
  refused(compressProgram(noise(1001)), /larger than the limit of 1000 bytes/, 1000);
  assert.equal(decompressProgram(compressProgram(new Uint8Array(0)), 0).length, 0);
  refused(compressProgram(Uint8Array.of(1)), /larger than the limit of 0 bytes/, 0);
  assert.throws(() => decompressProgram(compressProgram(Uint8Array.of(1)), -1), RangeError);
  assert.throws(() => decompressProgram(compressProgram(Uint8Array.of(1)), 1.5), RangeError);
});

test('a decompression bomb (1 GiB of zeros in under 1 KB) is refused at the limit, quickly', async () => {
  // The construction is sound: four blocks decompress (by Node's zlib) to exactly 64 MiB of zeros.
  const small = brotliDecompressSync(await zeroBomb(4));
  assert.equal(small.length, 4 << 24);
  assert.ok(small.every((b) => b === 0));

  const bomb = await zeroBomb(64); // 64 × 16 MiB = 1 GiB
  assert.ok(bomb.length < 1024, `the bomb is ${bomb.length} bytes`);
  const started = performance.now();
  refused(concatBytes(PREFIX, bomb), /larger than the limit of 131072 bytes/);
  const ms = performance.now() - started;
  assert.ok(ms < 2000, `refusing the bomb took ${ms} ms`);
});

test('a truncated stream is refused at every cut', () => {
  const program = compressProgram(noise(3000));
  for (let length = 5; length < program.length; length++) {
    assert.throws(() => decompressProgram(program.subarray(0, length)), ProgramFormatError, `cut at ${length}`);
  }
  refused(program.subarray(0, program.length - 1), /truncated brotli stream|corrupt brotli stream/);
});

test('a corrupt stream is refused with the decoder’s reason', () => {
  refused(concatBytes(PREFIX, new Uint8Array(16).fill(0xff)), /corrupt brotli stream/);
  const stream = brotliCompressSync(noise(5000));
  const flipped = Uint8Array.from(stream);
  flipped[0] ^= 0x55; // the window-size bits and the first meta-block header
  refused(concatBytes(PREFIX, flipped), /corrupt brotli stream/);
});

test('bytes after the end of the stream are refused, even another whole stream', () => {
  const program = compressProgram(noise(2000));
  assert.equal(decompressProgram(program).length, 2000);
  refused(concatBytes(program, Uint8Array.of(0)), /1 bytes follow the end of the brotli stream/);
  const second = brotliCompressSync(noise(10));
  refused(concatBytes(program, second), new RegExp(`${second.length} bytes follow the end`));
});

test('dictionary bytes: 0x00 only', () => {
  const stream = compressProgram(noise(100)).subarray(4);
  assert.equal(decompressProgram(concatBytes(Uint8Array.of(0xef, 0xf0, 0x00, 0x00), stream)).length, 100);
  refused(concatBytes(Uint8Array.of(0xef, 0xf0, 0x00, 0x01), stream), /^dictionary 1 \(nitro's stylus-program-11\) is not supported/);
  for (const dictionary of [2, 0x7f, 0xff]) {
    refused(concatBytes(Uint8Array.of(0xef, 0xf0, 0x00, dictionary), stream), new RegExp(`^unsupported dictionary type ${dictionary}$`));
  }
});

test('code that is not a program is refused before decoding', () => {
  refused(Uint8Array.of(0xef, 0xf0, 0x00, 0x00), /needs a dictionary byte and a brotli stream/);
  refused(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0), /does not start with EF F0 00/);
  refused(Uint8Array.of(0xef, 0xf0, 0x01, 0x00, 0x00), /does not start with EF F0 00/);
});

test('random streams and random damage give a module or a ProgramFormatError, and the decoder keeps working', () => {
  const good = compressProgram(noise(4000, 3));
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    let code: Uint8Array;
    if (i % 2 === 0) {
      code = concatBytes(PREFIX, noise(1 + (i % 97), i + 1));
    } else {
      code = Uint8Array.from(good);
      const r = noise(4, i);
      code[4 + (((r[0]! << 8) | r[1]!) % (code.length - 4))] ^= r[2]! | 1;
    }
    try {
      assert.ok(decompressProgram(code).length <= MAX_WASM_SIZE);
      decoded++;
    } catch (e) {
      assert.ok(e instanceof ProgramFormatError, `case ${i}: ${String(e)}`);
    }
  }
  assert.ok(decoded < 3000);
  assert.equal(bytesToHex(decompressProgram(good)), bytesToHex(noise(4000, 3)));
});
