import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activateProgram, ProgramError } from './activate.js';
import { type Features, activate, entrypoint, wat } from './testing/activation.js';

/** Asserts activation refuses `source` with a ProgramError whose message matches `reason`. */
function refuses(
  source: string | Uint8Array,
  reason: RegExp,
  options?: { pageLimit?: number; debug?: boolean },
  features?: Features,
): void {
  const bytes = typeof source === 'string' ? wat(source, features) : source;
  assert.throws(
    () => activateProgram(bytes, options),
    (error: unknown) => {
      assert.ok(error instanceof ProgramError, `not a ProgramError: ${String(error)}`);
      assert.match(error.message, reason);
      return true;
    },
  );
}

/** Asserts activation accepts `source` and V8 compiles the result. */
function accepts(source: string, options?: { pageLimit?: number; debug?: boolean }, features?: Features): void {
  const program = activate(source, options, features);
  assert.ok(new WebAssembly.Module(program.wasm));
}

const OK = entrypoint('local.get 0');

/**
 * The module with its section of id `id` replaced by `payload`, or removed (to get past one check
 * and reach another, or to write what wabt will not).
 */
function replaceSection(bytes: Uint8Array, id: number, payload?: number[]): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    pos++;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[pos++]!;
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    pos += size;
    if (bytes[start] !== id) parts.push(bytes.subarray(start, pos));
    else if (payload !== undefined) parts.push(new Uint8Array([id, payload.length, ...payload]));
  }
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

test('a minimal program is accepted and V8 compiles it', () => {
  accepts(OK);
});

test('not a module, or a truncated one, is refused with the byte offset', () => {
  refuses(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), /not a WebAssembly module at byte 0/);
  const bytes = wat(OK);
  refuses(bytes.subarray(0, bytes.length - 3), /malformed module: .* at byte \d+/);
});

test('refused operators name the feature, the opcode and where it is', () => {
  refuses(
    entrypoint('(drop (i32x4.splat (i32.const 1))) local.get 0'),
    /module uses SIMD \(a SIMD operator, opcode 0xfd at byte \d+ in function 0\)/,
    {},
    { simd: true },
  );
  refuses(
    entrypoint('(drop (i32.atomic.load (i32.const 0))) local.get 0'),
    /module uses threads \(an atomic operator, opcode 0xfe at byte \d+/,
    {},
    { threads: true },
  );
  refuses(entrypoint('(drop (ref.is_null (ref.null func))) local.get 0'), /module uses reference types \(ref.null, opcode 0xd0/);
  refuses(entrypoint('(select (result i32) (local.get 0) (i32.const 1) (i32.const 1))'), /reference types \(select t, opcode 0x1c/);
  refuses(entrypoint('(return_call $main (local.get 0))'), /tail calls \(return_call, opcode 0x12/, {}, { tail_call: true });
  refuses(entrypoint('(try (do nop) (catch_all nop)) local.get 0'), /exception handling \(try, opcode 0x06/, {}, { exceptions: true });
  refuses(entrypoint('(drop (table.size $t)) local.get 0', '(table $t 1 funcref)'), /bulk memory .*\(table.size, opcode 0xfc 16/);
  const init = wat(entrypoint('(memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) local.get 0', '(data $d "x")'));
  refuses(init, /unsupported section: data count \(id 12\)/);
  refuses(replaceSection(init, 12), /\(memory.init, opcode 0xfc 8 at byte \d+/);
  const dropData = replaceSection(wat(entrypoint('(data.drop $d) local.get 0', '(data $d "x")')), 12);
  refuses(dropData, /\(data.drop, opcode 0xfc 9/);
  // An unassigned opcode: patch the entrypoint's `nop` (0x01) to 0x27.
  const bytes = wat(entrypoint('nop local.get 0'));
  const at = bytes.lastIndexOf(0x01, bytes.lastIndexOf(0x20));
  bytes[at] = 0x27;
  refuses(bytes, new RegExp(`unknown opcode 0x27 at byte ${at} in function 0`));
});

test('floats, saturating truncation, sign extension and memory.copy/fill are accepted', () => {
  accepts(
    entrypoint(`(drop (i32.trunc_sat_f32_s (f32.const 1.5))) (drop (i64.extend32_s (i64.const 1)))
      (memory.copy (i32.const 0) (i32.const 1) (i32.const 2)) (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))
      (drop (f64.sqrt (f64.const 2))) local.get 0`),
  );
});

test('multi-value and non-numeric value types are refused', () => {
  refuses(entrypoint('local.get 0', '(func $two (result i32 i32) i32.const 1 i32.const 2)'), /multi-value \(type \d+ has 2 results\)/);
  refuses(entrypoint('local.get 0 (block (param i32) (result i32))'), /multi-value \(block type \d+ at byte \d+ in function 0\)/);
  refuses(entrypoint('local.get 0', '(func $v (param v128))'), /SIMD \(value type v128 in type/, {}, { simd: true });
  refuses(entrypoint('local.get 0', '(func $r (param externref))'), /reference types \(value type externref in type/);
  refuses(entrypoint('local.get 0', '', '(local v128)'), /SIMD \(value type v128 in the locals of function 0\)/, {}, { simd: true });
});

test('imports must be known host functions at their exact types', () => {
  accepts(`(module (import "vm_hooks" "read_args" (func (param i32))) (import "vm_hooks" "msg_reentrant" (func (result i32)))
    (memory (export "memory") 1 1) (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`);
  refuses(
    `(module (import "vm_hooks" "foo" (func)) (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`,
    /import vm_hooks.foo is not a host function/,
  );
  refuses(
    `(module (import "vm_hooks" "read_args" (func (param i64))) (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`,
    /import vm_hooks.read_args has type \(i64\) -> \(\) but the host function is \(i32\) -> \(\)/,
  );
  refuses(
    `(module (import "env" "memory" (memory 1)) (export "memory" (memory 0))
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`,
    /import env.memory is a memory; only functions may be imported/,
  );
  refuses(
    `(module (import "vm_hooks" "g" (global i32)) (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`,
    /import vm_hooks.g is a global/,
  );
  refuses(
    `(module (import "vm_hooks" "stylus_ink" (func)) (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`,
    /import vm_hooks.stylus_ink uses the reserved prefix "stylus"/,
  );
  const console = `(module (import "console" "log_i32" (func (param i32))) (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`;
  refuses(console, /import console.log_i32 is not a host function/);
  accepts(console, { debug: true });
});

test('exports: user_entrypoint (i32) -> i32 and memory are required; reserved and clashing names are refused', () => {
  refuses(
    '(module (memory (export "memory") 1 1) (func (export "main") (param i32) (result i32) local.get 0))',
    /missing export user_entrypoint/,
  );
  refuses(
    '(module (memory (export "memory") 1 1) (func (export "user_entrypoint") (param i64) (result i32) i32.const 0))',
    /export user_entrypoint must have type \(i32\) -> i32, not \(i64\) -> i32/,
  );
  refuses(
    '(module (memory (export "memory") 1 1) (global (export "user_entrypoint") i32 (i32.const 0)))',
    /export user_entrypoint must be a function, not a global/,
  );
  refuses(
    '(module (memory 1 1) (func (export "user_entrypoint") (param i32) (result i32) local.get 0))',
    /missing memory exported as "memory"/,
  );
  refuses(
    '(module (memory (export "mem") 1 1) (func (export "user_entrypoint") (param i32) (result i32) local.get 0))',
    /missing memory exported as "memory"/,
  );
  refuses(entrypoint('local.get 0', '(func (export "stylus_x"))'), /export stylus_x uses the reserved prefix/);
  refuses(entrypoint('local.get 0', '(func (export "a__stylus_x"))'), /export a__stylus_x uses the reserved prefix/);
  refuses(
    `(module (import "vm_hooks" "read_args" (func (param i32))) (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0) (func (export "x__read_args")))`,
    /export x__read_args has the name of an import \(read_args\)/,
  );
});

test('memory: exactly one, unshared, 32-bit, within the page limits', () => {
  refuses('(module (func (export "user_entrypoint") (param i32) (result i32) local.get 0))', /missing memory/);
  refuses(
    '(module (memory (export "memory") 1 1 shared) (func (export "user_entrypoint") (param i32) (result i32) local.get 0))',
    /module uses threads \(shared memory/,
    {},
    { threads: true },
  );
  refuses(
    '(module (memory (export "memory") i64 1 1) (func (export "user_entrypoint") (param i32) (result i32) local.get 0))',
    /unsupported memory limits \(flags 5\)/,
    {},
    { memory64: true },
  );
  const pages = (n: number) =>
    `(module (memory (export "memory") ${n} ${n}) (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`;
  accepts(pages(128));
  refuses(pages(129), /memory of 129 pages exceeds the bound of 128 pages/);
  accepts(pages(2), { pageLimit: 2 });
  refuses(pages(3), /memory of 3 pages exceeds the limit of 2 pages/, { pageLimit: 2 });
});

test('a memory that can grow needs vm_hooks.pay_for_memory_grow', () => {
  const growable = (imports: string, limits: string) =>
    `(module ${imports} (memory (export "memory") ${limits}) (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`;
  refuses(growable('', '1 2'), /memory can grow \(1 to 2 pages\) but vm_hooks.pay_for_memory_grow is not imported/);
  refuses(growable('', '1'), /memory can grow \(1 to unbounded pages\)/);
  accepts(growable('(import "vm_hooks" "pay_for_memory_grow" (func (param i32)))', '1'));
  accepts(growable('', '3 3'));
});

test('start functions, non-constant initializers and out-of-range segments are refused', () => {
  refuses(entrypoint('local.get 0', '(func $s) (start $s)'), /start function \(\d+\) not allowed/);
  refuses(
    entrypoint('local.get 0', '(global $a i32 (i32.const 1)) (global $b i32 (global.get $a))'),
    /initializer of global 1 must be a single constant, found global.get/,
  );
  refuses(
    entrypoint('local.get 0', '(data (i32.const 65530) "0123456789")'),
    /data segment 0 \(offset 65530, 10 bytes\) is outside the initial memory of 65536 bytes/,
  );
  accepts(entrypoint('local.get 0', '(data (i32.const 65526) "0123456789")'));
  accepts(entrypoint('local.get 0', '(data "passive segments are ignored")'));
  refuses(
    entrypoint('local.get 0', '(table 1 funcref) (elem (i32.const 1) $main)'),
    /element segment 0 \(offset 1, 1 entries\) is outside the table of 1/,
  );
  // wabt writes (ref.func $main) items as indices, so write flags 4 by hand: offset i32.const 0,
  // one item `ref.func 0`.
  const expressions = [1, 4, 0x41, 0, 0x0b, 1, 0xd2, 0, 0x0b];
  const table = wat(entrypoint('local.get 0', '(table 1 funcref) (elem (i32.const 0) $main)'));
  refuses(replaceSection(table, 9, expressions), /element segment 0 uses expressions/);
  refuses(entrypoint('local.get 0', '(table $a 1 funcref) (table $b 1 funcref)'), /reference types \(2 tables\)/);
  refuses(entrypoint('local.get 0', '(table 1 externref)'), /reference types \(table of externref/);
});

// Count limits (nitro parse_user), each at the limit and one past it.

function repeat(n: number, text: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => text(i)).join(' ');
}

test('functions: 4,096 defined, not 4,097', () => {
  accepts(
    entrypoint(
      'local.get 0',
      repeat(4095, () => '(func)'),
    ),
  );
  refuses(
    entrypoint(
      'local.get 0',
      repeat(4096, () => '(func)'),
    ),
    /too many functions: 4097 > 4096/,
  );
});

test('declared locals: 348 per function, not 349 (parameters do not count)', () => {
  accepts(entrypoint('local.get 0', '', `(local ${repeat(348, () => 'i32')})`));
  refuses(entrypoint('local.get 0', '', `(local ${repeat(349, () => 'i32')})`), /too many locals in function 0: 349 > 348/);
});

test('data and element segments: 128 each, not 129', () => {
  accepts(
    entrypoint(
      'local.get 0',
      repeat(128, (i) => `(data (i32.const ${i}) "x")`),
    ),
  );
  refuses(
    entrypoint(
      'local.get 0',
      repeat(129, (i) => `(data (i32.const ${i}) "x")`),
    ),
    /too many data segments: 129 > 128/,
  );
  accepts(entrypoint('local.get 0', `(table 200 funcref) ${repeat(128, (i) => `(elem (i32.const ${i}) $main)`)}`));
  refuses(
    entrypoint('local.get 0', `(table 200 funcref) ${repeat(129, (i) => `(elem (i32.const ${i}) $main)`)}`),
    /too many element segments: 129 > 128/,
  );
});

test('imports: 513, not 514', () => {
  const imports = (n: number) =>
    `(module ${repeat(n, () => '(import "vm_hooks" "msg_reentrant" (func (result i32)))')} (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) local.get 0))`;
  accepts(imports(513));
  refuses(imports(514), /too many imports: 514 > 513/);
});

test('table entries: 4,096, not 4,097; element segment bytes: 4,096, not 4,097', () => {
  accepts(entrypoint('local.get 0', '(table 4096 funcref)'));
  refuses(entrypoint('local.get 0', '(table 4097 funcref)'), /too many table entries: 4097 > 4096/);
  // One active segment of n indices of function 0: flags (1) + i32.const 0 end (3) + count (2 bytes
  // for n >= 128) + n one-byte indices = n + 6 bytes.
  const elems = (n: number) => entrypoint('local.get 0', `(table 4096 funcref) (elem (i32.const 0) ${repeat(n, () => '$main')})`);
  accepts(elems(4090));
  refuses(elems(4091), /element segments too large: 4097 bytes > 4096/);
});

test('operators per function after instrumentation: 65,536, not 65,537', () => {
  // A body of n nops and end is one block. Instrumented: the depth prologue (12), the meter's
  // check (12), the n nops, the return added before the end with its stack refund (1 + 4), the end.
  const nops = (n: number) => entrypoint(`${repeat(n, () => 'nop')} local.get 0`);
  // With local.get the body has n + 2 operators, so the total is n + 2 + 29.
  accepts(nops(65536 - 31));
  refuses(nops(65537 - 31), /too many operators in function 0 after instrumentation: 65537 > 65536/);
});

test('operand stack: 4,096 values at once, not 4,097', () => {
  // n constants then n drops in one block: the height peaks at n (the meter's check before it peaks at 2).
  const values = (n: number) => entrypoint(`${repeat(n, () => 'i32.const 0')} ${repeat(n, () => 'drop')} local.get 0`);
  accepts(values(4096));
  refuses(values(4097), /too many values on the stack at once in function 0: 4097 > 4096/);
});

test('decompressed size: 131,072 bytes, not 131,073', () => {
  const padded = (total: number) => {
    const base = wat(OK);
    // A custom section: id 0, size (3-byte LEB128), name "pad" (1 + 3 bytes), then filler.
    const payload = total - base.length - 4;
    const section = [0, 0x80 | (payload & 0x7f), 0x80 | ((payload >> 7) & 0x7f), payload >> 14, 3, 0x70, 0x61, 0x64];
    return new Uint8Array([...base, ...section, ...new Uint8Array(payload - 4)]);
  };
  assert.equal(padded(131_072).length, 131_072);
  assert.ok(activateProgram(padded(131_072)));
  refuses(padded(131_073), /program is 131073 bytes, more than 131072/);
});

test('a module V8 refuses is refused with V8s reason', () => {
  refuses(entrypoint('i64.const 0'), /invalid WebAssembly: .*/);
});

test('module name from the name section: 512 bytes, not 513', () => {
  const named = (length: number) => {
    const name = [0x80 | (length & 0x7f), length >> 7, ...new Uint8Array(length).fill(0x61)]; // LEB128 length (2 bytes), then "aaa…"
    const subsection = [0, (name.length & 0x7f) | 0x80, name.length >> 7, ...name];
    const payload = [4, 0x6e, 0x61, 0x6d, 0x65, ...subsection]; // "name"
    return new Uint8Array([...wat(OK), 0, 0x80 | (payload.length & 0x7f), payload.length >> 7, ...payload]);
  };
  assert.ok(activateProgram(named(512)));
  refuses(named(513), /module name too long: more than 512 bytes/);
});
