/**
 * Hostile programs get a clear failure and nothing else (issue 11): each is refused at deploy, or
 * fails its call with its gas accounted, the state unchanged and the time bounded by gas; an EVM
 * contract that calls one sees status 0 and carries on with its own state intact; and the engine
 * keeps working after all of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm, type Evm } from '../create-evm.js';
import { bytesToHex, concatBytes, hexToBytes } from '../primitives/bytes.js';
import { createAddress } from '../primitives/address.js';
import { Status } from '../host/status.js';
import { compressProgram } from './compress.js';
import { deployCode } from './format.js';
import { activateProgram } from './activate.js';
import { compileWat } from './testing/compile.js';
import { watBytes, watModule, type WatOptions } from './testing/programs.js';
import { transaction } from './testing/transactions.js';
import { zeroBomb } from './testing/bomb.js';

const PROGRAM = '0x00000000000000000000000000000000000000aa';
const CONTRACT = '0x00000000000000000000000000000000000000bb';
const SENDER = '0x00000000000000000000000000000000000000cc';

/** Generous: a hostile case must end well within this (gas bounds it; this only catches a hang). */
const WALL_CLOCK_MS = 60_000;

function chain(): Evm {
  const evm = createEvm({ fork: 'Osaka', wasm: true });
  evm.setAccount(SENDER, { balance: 10n ** 20n });
  return evm;
}

function timed<T>(run: () => T): T {
  const started = performance.now();
  const result = run();
  const ms = performance.now() - started;
  assert.ok(ms < WALL_CLOCK_MS, `took ${ms} ms`);
  return result;
}

const ECHO = `(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (local.get $len)) (i32.const 0)`;

/** Deploys, calls and checks a well-behaved program: the engine is still fine. */
async function stillWorks(evm: Evm, nonce: bigint): Promise<void> {
  const deployed = evm.runTx(transaction(null, deployCode(compressProgram(await compileWat(watModule(ECHO)))), nonce), SENDER);
  assert.equal(deployed.success, true, deployed.error);
  const called = evm.runTx(transaction(deployed.createdAddress!, hexToBytes('0x0102'), nonce + 1n), SENDER);
  assert.equal(bytesToHex(called.output), '0x0102');
}

// ---- refused at deploy ----

/** `count` functions that do nothing, beside the entrypoint. */
function manyFunctions(count: number): string {
  return watModule('(i32.const 0)', { fields: '(func)'.repeat(count) });
}

test('hostile modules are refused at deploy by a create transaction: all its gas, no code, the reason given', async () => {
  const module = async (source: string) => compressProgram(await compileWat(source));
  const prefixed = (stream: Uint8Array) => concatBytes(Uint8Array.of(0xef, 0xf0, 0x00, 0x00), stream);
  const cases: { name: string; code: Uint8Array; reason: RegExp }[] = [
    {
      name: 'invalid bytes',
      code: compressProgram(Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff)),
      reason: /malformed module: not a WebAssembly module/,
    },
    {
      name: 'invalid bytes after the magic',
      code: compressProgram(hexToBytes('0x0061736d01000000ffffffff')),
      reason: /malformed module: unexpected end/,
    },
    { name: 'a bad compression stream', code: prefixed(new Uint8Array(16).fill(0xff)), reason: /corrupt brotli stream/ },
    {
      name: 'a decompression bomb (1 GiB of zeros)',
      code: prefixed(await zeroBomb(64)),
      reason: /larger than the limit of 131072 bytes/,
    },
    {
      name: 'an unknown vm_hooks import',
      code: await module(`(module (import "vm_hooks" "self_destruct" (func)) (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))`),
      reason: /import vm_hooks.self_destruct is not a host function/,
    },
    {
      name: 'an import from another module',
      code: await module(`(module (import "env" "abort" (func)) (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))`),
      reason: /import env.abort is not a host function/,
    },
    {
      name: 'a host function imported at the wrong type',
      code: await module(`(module (import "vm_hooks" "read_args" (func (param i64))) (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))`),
      reason: /import vm_hooks.read_args has type/,
    },
    {
      name: 'user_entrypoint (i64) -> i32',
      code: await module(
        `(module (memory (export "memory") 1 1) (func (export "user_entrypoint") (param i64) (result i32) (i32.const 0)))`,
      ),
      reason: /user_entrypoint must have type \(i32\) -> i32/,
    },
    {
      name: 'user_entrypoint (i32) -> ()',
      code: await module(`(module (memory (export "memory") 1 1) (func (export "user_entrypoint") (param i32)))`),
      reason: /user_entrypoint must have type \(i32\) -> i32/,
    },
    {
      name: 'no memory export',
      code: await module(`(module (memory 1 1) (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))`),
      reason: /missing memory exported as "memory"/,
    },
    { name: 'a start function', code: await module(watModule(ECHO, { fields: '(func $s) (start $s)' })), reason: /start function/ },
    // 100,000 functions of 4 bytes each (a type index, then a body: size, no locals, end) are
    // 400,000 bytes: over the 131,072-byte limit before any count is checked.
    { name: '10^5 functions', code: await module(manyFunctions(100_000)), reason: /larger than the limit of 131072 bytes/ },
    // 4,097 functions (the entrypoint and 4,096 more) fit the size but not nitro's count.
    { name: '4,097 functions', code: await module(manyFunctions(4096)), reason: /too many functions: 4097 > 4096/ },
    {
      // 70,000 bytes of data placed in a memory of one page (65,536 bytes).
      name: 'a data segment beyond the initial memory',
      code: await module(watModule(ECHO, { fields: `(data (i32.const 0) "${watBytes(new Uint8Array(70_000))}")` })),
      reason: /data segment 0 \(offset 0, 70000 bytes\) is outside the initial memory of 65536 bytes/,
    },
    {
      // 200,000 bytes of data in a memory of four pages: the module itself is over the size limit.
      name: 'a huge data segment',
      code: await module(watModule(ECHO, { memory: '4 4', fields: `(data (i32.const 0) "${watBytes(new Uint8Array(200_000))}")` })),
      reason: /larger than the limit of 131072 bytes/,
    },
    {
      name: 'a memory of 129 pages',
      code: await module(watModule(ECHO, { memory: '129 129' })),
      reason: /memory of 129 pages exceeds the bound of 128 pages/,
    },
    {
      name: '129 data segments',
      code: await module(watModule(ECHO, { fields: Array.from({ length: 129 }, (_, i) => `(data (i32.const ${i}) "x")`).join(' ') })),
      reason: /too many data segments: 129 > 128/,
    },
  ];
  const evm = chain();
  let nonce = 0n;
  for (const { name, code, reason } of cases) {
    const gasLimit = 4_000_000n;
    const address = createAddress(SENDER, nonce);
    const r = timed(() => evm.runTx(transaction(null, deployCode(code), nonce, gasLimit), SENDER));
    nonce++;
    assert.equal(r.success, false, name);
    assert.equal(r.status, Status.CodeRejected, name);
    assert.equal(r.gasUsed, gasLimit, `${name}: all the create's gas`);
    assert.match(r.reason ?? '', reason, name);
    assert.match(r.error ?? '', /^contract code rejected: program refused: /, name);
    assert.equal(evm.state.getCode(address).length, 0, name);
    assert.equal(evm.state.accountExists(address), false, name);
  }
  await stillWorks(evm, nonce);
});

// ---- failing at run time ----

/**
 * Before its hostile part every program writes 9 to its slot 1 (flushed) and logs: the failure
 * must undo both.
 */
const PRELUDE = `
  (i32.store8 (i32.const 1031) (i32.const 1))
  (i32.store8 (i32.const 1063) (i32.const 9))
  (call $storage_cache_bytes32 (i32.const 1000) (i32.const 1032))
  (call $storage_flush_cache (i32.const 0))
  (call $emit_log (i32.const 1000) (i32.const 64) (i32.const 1))`;

/**
 * CONTRACT: SSTORE(0, 1); CALL(GAS, PROGRAM, 0, 0, 0, 0, 0); SSTORE(1, 0x10 + success); STOP.
 * Slot 1 = 0x10 shows it went on after a failed call.
 */
const CALLER_CODE = hexToBytes('0x600160005560006000600060006000' + '73' + PROGRAM.slice(2) + '5af1' + '601001' + '600155' + '00');

interface Hostile {
  name: string;
  body: string;
  options?: WatOptions;
  /** How the program's own call ends. */
  status: Status;
  error: string;
}

const RUNTIME: Hostile[] = [
  { name: 'an infinite loop', body: '(loop $again (br $again)) (i32.const 0)', status: Status.OutOfGas, error: 'out of gas' },
  {
    name: 'unbounded recursion',
    body: '(call $deeper) (i32.const 0)',
    options: { fields: '(func $deeper (call $deeper))' },
    status: Status.StackDepth,
    error: 'max call depth exceeded',
  },
  {
    // pay_for_memory_grow(65,535): 128 pages is the most memory can ever cost (exp is u64::MAX beyond).
    name: 'memory.grow by 65,535 pages',
    body: '(drop (memory.grow (i32.const 65535))) (i32.const 0)',
    options: { memory: '1' },
    status: Status.OutOfGas,
    error: 'out of gas',
  },
  {
    // One page at a time with no maximum: each paid, until the page model cannot be paid.
    name: 'memory.grow by 1 page, forever',
    body: '(loop $again (drop (memory.grow (i32.const 1))) (br $again)) (i32.const 0)',
    options: { memory: '1' },
    status: Status.OutOfGas,
    error: 'out of gas',
  },
  { name: 'unreachable', body: 'unreachable', status: Status.Revert, error: 'execution reverted' },
  {
    name: 'i32.div_s overflow',
    body: '(drop (i32.div_s (i32.const -2147483648) (i32.const -1))) (i32.const 0)',
    status: Status.Revert,
    error: 'execution reverted',
  },
  {
    name: 'division by zero',
    body: '(drop (i32.rem_u (i32.const 1) (i32.sub (local.get $len) (local.get $len)))) (i32.const 0)',
    status: Status.Revert,
    error: 'execution reverted',
  },
  {
    name: 'a load out of bounds',
    body: '(drop (i64.load (i32.const 65530))) (i32.const 0)',
    status: Status.Revert,
    error: 'execution reverted',
  },
  {
    name: 'a store out of bounds',
    body: '(i32.store (i32.const -4) (i32.const 7)) (i32.const 0)',
    status: Status.Revert,
    error: 'execution reverted',
  },
  {
    name: 'a host function given memory out of bounds',
    body: '(call $write_result (i32.const 65000) (i32.const 1000)) (i32.const 0)',
    status: Status.Revert,
    error: 'execution reverted',
  },
];

test('hostile programs fail their call: gas accounted, state and logs undone, time bounded by gas', async () => {
  const gasLimit = 10_000_000n;
  for (const hostile of RUNTIME) {
    const evm = chain();
    evm.setAccount(PROGRAM, { code: compressProgram(await compileWat(watModule(PRELUDE + hostile.body, hostile.options))) });
    const r = timed(() => evm.runTx(transaction(PROGRAM, new Uint8Array(), 0n, gasLimit), SENDER));
    assert.equal(r.success, false, hostile.name);
    assert.equal(r.status, hostile.status, hostile.name);
    assert.equal(r.error, hostile.error, hostile.name);
    assert.equal(r.output.length, 0, `${hostile.name}: no output`);
    assert.equal(r.logs.length, 0, `${hostile.name}: no logs`);
    assert.equal(evm.state.getStorage(PROGRAM, 1n), 0n, `${hostile.name}: the flushed write is undone`);
    if (hostile.status === Status.Revert) {
      // A trap keeps the unspent gas: the prelude's cold SSTORE (22,100) and a little more.
      assert.ok(r.gasUsed < 21_000n + 30_000n, `${hostile.name}: gas used ${r.gasUsed}`);
    } else {
      assert.equal(r.gasUsed, gasLimit, `${hostile.name}: all gas`);
    }
  }
});

test('an EVM contract calling a hostile program sees status 0 and goes on with its own state intact', async () => {
  for (const hostile of RUNTIME) {
    const evm = chain();
    evm.setAccount(PROGRAM, { code: compressProgram(await compileWat(watModule(PRELUDE + hostile.body, hostile.options))) });
    evm.setAccount(CONTRACT, { code: CALLER_CODE });
    const r = timed(() => evm.runTx(transaction(CONTRACT, new Uint8Array(), 0n, 10_000_000n), SENDER));
    assert.equal(r.success, true, `${hostile.name}: ${r.error}`);
    assert.equal(evm.state.getStorage(CONTRACT, 0n), 1n, `${hostile.name}: the caller's write before the call stays`);
    assert.equal(evm.state.getStorage(CONTRACT, 1n), 0x10n, `${hostile.name}: the call returned 0 and the caller went on`);
    assert.equal(evm.state.getStorage(PROGRAM, 1n), 0n, `${hostile.name}: the program's write is undone`);
    assert.equal(r.logs.length, 0, `${hostile.name}: the program's log is undone`);
    if (hostile.status !== Status.Revert) {
      // The program had 63/64 of what was left and spent all of it; the caller keeps the rest.
      assert.ok(r.gasUsed > 9_000_000n, `${hostile.name}: gas used ${r.gasUsed}`);
    }
  }
  await stillWorks(chain(), 0n);
});

test('a trap keeps exactly the unspent gas: call-time charges + the ink of the blocks entered, rounded up to gas', async () => {
  // Each program first sets 4 bytes of output, which the trap discards. Ink, with the header of
  // 2,450 a block: block 1 = i32.const 1 + i32.const 1 + call 3,800 + 2,450 = 6,252, then
  // write_result 8,400 + 2 × read_price(4) (16,381) = 41,162; block 2, paid before it runs, holds
  // the trapping operator and the rest of the body up to `end` (1).
  const first = 6_252 + 41_162;
  const traps = [
    { body: 'unreachable', block: 1 + 1 + 2_450 }, // unreachable, end
    // i32.const ×2, i32.div_s 1,120, drop 9, i32.const, end
    { body: '(drop (i32.div_s (i32.const -2147483648) (i32.const -1))) (i32.const 0)', block: 1 + 1 + 1_120 + 9 + 1 + 1 + 2_450 },
    { body: '(drop (i32.rem_u (i32.const 1) (i32.const 0))) (i32.const 0)', block: 1 + 1 + 1_120 + 9 + 1 + 1 + 2_450 },
    // i32.const, i32.load 670, drop, i32.const, end
    { body: '(drop (i32.load (i32.const 65535))) (i32.const 0)', block: 1 + 670 + 9 + 1 + 1 + 2_450 },
    // i32.const ×2, i32.store 825, i32.const, end
    { body: '(i32.store (i32.const 65534) (i32.const 7)) (i32.const 0)', block: 1 + 1 + 825 + 1 + 1 + 2_450 },
  ];
  for (const { body, block } of traps) {
    const wasm = await compileWat(watModule(`(call $write_result (i32.const 0) (i32.const 4)) ${body}`));
    const { cachedInitGas } = activateProgram(wasm);
    const evm = chain();
    evm.setAccount(PROGRAM, { code: compressProgram(wasm) });
    const r = evm.runCall({ caller: SENDER, to: PROGRAM, gas: 1_000_000n });
    assert.equal(r.success, false, body);
    assert.equal(r.error, 'execution reverted', body);
    assert.equal(r.output.length, 0, body);
    // One page of memory is within the transaction's 2 free pages: no memory charge.
    assert.equal(r.gasUsed, BigInt(cachedInitGas + Math.ceil((first + block) / 10_000)), body);
  }
});

test('memory.grow past what wasm32 allows returns -1, having paid for 0 pages; a maximum gives -1 too', async () => {
  const evm = chain();
  // pay_for_memory_grow takes a u16, as in nitro: 65,536 pages is read as 0 (charged the base
  // ink only), and the grow itself fails, since 1 + 65,536 pages exceed wasm32's 65,536.
  const once = `
    (i32.store (i32.const 0) (memory.grow (i32.const 65536)))
    (i32.store (i32.const 4) (memory.size))
    (call $write_result (i32.const 0) (i32.const 8))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: compressProgram(await compileWat(watModule(once, { memory: '1' }))) });
  const r = timed(() => evm.runCall({ caller: SENDER, to: PROGRAM, gas: 1_000_000n }));
  assert.equal(r.success, true, r.error);
  const view = new DataView(r.output.buffer, r.output.byteOffset);
  assert.deepEqual([view.getInt32(0, true), view.getInt32(4, true)], [-1, 1]);
  assert.ok(r.gasUsed < 1_000n, `gas used ${r.gasUsed}`);

  // Growing a page at a time up to a maximum of 4: three grows work, the fourth returns -1.
  const loop = `
    (block $full (loop $again
      (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (br $again)))
    (i32.store (i32.const 4) (memory.size))
    (call $write_result (i32.const 0) (i32.const 8))
    (i32.const 0)`;
  const wasm = await compileWat(watModule(loop, { memory: '1 4' }));
  evm.setAccount(CONTRACT, { code: compressProgram(wasm) });
  const bounded = timed(() => evm.runCall({ caller: SENDER, to: CONTRACT, gas: 1_000_000n }));
  assert.equal(bounded.success, true, bounded.error);
  const v = new DataView(bounded.output.buffer, bounded.output.byteOffset);
  assert.deepEqual([v.getInt32(0, true), v.getInt32(4, true)], [3, 4]);
  // Pages 3, 4 and the refused 5th are each paid before the grow: 1,000 a page beyond the free
  // two, and exp[3] − exp[2] = exp[4] − exp[3] = exp[5] − exp[4] = 0 (1, 1, 1, 1); page 2 is free.
  // Beside them, the call-time charge and under 100 gas of ink.
  const paid = bounded.gasUsed - BigInt(activateProgram(wasm).cachedInitGas);
  assert.ok(paid >= 3_000n && paid < 3_100n, `gas used ${bounded.gasUsed}`);
});
