/**
 * EVM contracts and WebAssembly programs on one state, calling each other: every call kind from
 * the EVM into a program, a program's calls into the EVM, revert data both ways, one journal,
 * reentrancy, and a chain of calls alternating between the VMs to the depth limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEvm, type Evm } from '../create-evm.js';
import { bigintToFixedBytes, bytesToBigint, bytesToHex, concatBytes, hexToBytes } from '../primitives/bytes.js';
import { CALL, CALLCODE, DELEGATECALL, STATICCALL, evmCaller, watAddress, watProgram } from './testing/programs.js';
import { alternatingChain } from './testing/alternating-chain.js';

const PROGRAM = '0x00000000000000000000000000000000000000aa';
const CONTRACT = '0x00000000000000000000000000000000000000bb';
const CALLER = '0x00000000000000000000000000000000000000cc';
const TARGET = '0x00000000000000000000000000000000000000dd';

function chain(): Evm {
  const evm = createEvm({ fork: 'Osaka', wasm: true });
  evm.setAccount(CALLER, { balance: 10n ** 20n });
  return evm;
}

function word(value: bigint): Uint8Array {
  return bigintToFixedBytes(value, 32);
}

/** Writes 1 to slot 7 (flushed), then returns msg_sender (20 bytes), msg_value (32) and contract_address (20). */
const RECORDER = `
  (i32.store8 (i32.const 31) (i32.const 7))
  (i32.store8 (i32.const 63) (i32.const 1))
  (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
  (call $storage_flush_cache (i32.const 0))
  (call $msg_sender (i32.const 100))
  (call $msg_value (i32.const 120))
  (call $contract_address (i32.const 152))
  (call $write_result (i32.const 100) (i32.const 72))
  (i32.const 0)`;

test('CALL, CALLCODE, DELEGATECALL and STATICCALL from the EVM run a program with the EVM call semantics', async () => {
  const recorder = await watProgram(RECORDER);
  const cases = [
    { opcode: CALL, sender: CONTRACT, value: 5n, context: PROGRAM, storageAt: PROGRAM },
    { opcode: CALLCODE, sender: CONTRACT, value: 5n, context: CONTRACT, storageAt: CONTRACT },
    { opcode: DELEGATECALL, sender: CALLER, value: 5n, context: CONTRACT, storageAt: CONTRACT },
  ];
  for (const c of cases) {
    const evm = chain();
    evm.setAccount(PROGRAM, { code: recorder });
    evm.setAccount(CONTRACT, { code: evmCaller(PROGRAM, c.opcode) });
    const r = evm.runCall({ caller: CALLER, to: CONTRACT, value: 5n, gas: 1_000_000n });
    assert.equal(r.success, true, r.error);
    const out = r.output;
    assert.equal(bytesToBigint(out.subarray(0, 32)), 1n, `opcode ${c.opcode} succeeded`);
    assert.equal(bytesToHex(out.subarray(32, 52)), c.sender);
    assert.equal(bytesToBigint(out.subarray(52, 84)), c.value);
    assert.equal(bytesToHex(out.subarray(84, 104)), c.context);
    assert.equal(evm.state.getStorage(c.storageAt, 7n), 1n, `opcode ${c.opcode} stores at ${c.storageAt}`);
    if (c.opcode === CALL) assert.equal(evm.state.getBalance(PROGRAM), 5n);
  }
  // STATICCALL: the program's storage write fails it.
  const evm = chain();
  evm.setAccount(PROGRAM, { code: recorder });
  evm.setAccount(CONTRACT, { code: evmCaller(PROGRAM, STATICCALL) });
  const r = evm.runCall({ caller: CALLER, to: CONTRACT, gas: 1_000_000n });
  assert.equal(bytesToBigint(r.output.subarray(0, 32)), 0n);
});

/** Calls the address in calldata bytes 0..20 with the rest of the calldata as input; returns status (4 bytes) then the return data. */
const FORWARDER = `
  (call $read_args (i32.const 0))
  (i32.store (i32.const 2000)
    (call $call_contract (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20)) (i32.const 1000) (i64.const -1) (i32.const 1100)))
  (i32.store (i32.const 2004) (call $return_data_size))
  (drop (call $read_return_data (i32.const 2008) (i32.const 0) (i32.load (i32.const 1100))))
  (call $write_result (i32.const 2000) (i32.add (i32.const 8) (i32.load (i32.const 1100))))
  (i32.const 0)`;

test('a program calls EVM contracts: return data, revert data and failures come back intact', async () => {
  const evm = chain();
  evm.setAccount(PROGRAM, { code: await watProgram(FORWARDER) });
  // Returns the word 42; reverts with the word 0xdead; runs out of gas.
  evm.setAccount(TARGET, { code: hexToBytes('0x602a60005260206000f3') });
  evm.setAccount(CONTRACT, { code: hexToBytes('0x61dead60005260206000fd') });
  const lookup = (to: string) => {
    const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: hexToBytes(to), gas: 1_000_000n });
    assert.equal(r.success, true, r.error);
    const view = new DataView(r.output.buffer, r.output.byteOffset);
    return { status: view.getUint32(0, true), size: view.getUint32(4, true), data: bytesToBigint(r.output.subarray(8)) };
  };
  assert.deepEqual(lookup(TARGET), { status: 0, size: 32, data: 42n });
  assert.deepEqual(lookup(CONTRACT), { status: 2, size: 32, data: 0xdeadn });
  // An account without code: success with no data.
  assert.deepEqual(lookup('0x00000000000000000000000000000000000000ee'), { status: 0, size: 0, data: 0n });
});

test('a revert anywhere undoes the storage and logs of the frames beneath it, in both VMs', async () => {
  const evm = chain();
  // The program writes slot 1 and logs, then calls CONTRACT, which writes its own slot 1 and reverts.
  const body = `
    (i32.store8 (i32.const 31) (i32.const 1))
    (i32.store8 (i32.const 63) (i32.const 9))
    (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
    (call $storage_flush_cache (i32.const 0))
    (call $emit_log (i32.const 0) (i32.const 32) (i32.const 1))
    (drop (call $call_contract (i32.const 200) (i32.const 0) (i32.const 0) (i32.const 300) (i64.const -1) (i32.const 400)))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body, { fields: `(data (i32.const 200) "${watAddress(CONTRACT)}")` }) });
  // CONTRACT: SSTORE(1, 1) then REVERT(0, 0).
  evm.setAccount(CONTRACT, { code: hexToBytes('0x600160015560006000fd') });
  // TARGET calls the program then reverts: everything the program did goes.
  evm.setAccount(TARGET, { code: concatBytes(evmCaller(PROGRAM, CALL).subarray(0, -1), hexToBytes('0xfd')) });

  const direct = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
  assert.equal(direct.success, true, direct.error);
  assert.equal(direct.logs.length, 1);
  assert.equal(evm.state.getStorage(PROGRAM, 1n), 9n);
  assert.equal(evm.state.getStorage(CONTRACT, 1n), 0n, "the reverting contract's write is undone");

  const fresh = chain();
  fresh.setAccount(PROGRAM, { code: await watProgram(body, { fields: `(data (i32.const 200) "${watAddress(CONTRACT)}")` }) });
  fresh.setAccount(CONTRACT, { code: hexToBytes('0x600160015560006000fd') });
  fresh.setAccount(TARGET, { code: concatBytes(evmCaller(PROGRAM, CALL).subarray(0, -1), hexToBytes('0xfd')) });
  const undone = fresh.runCall({ caller: CALLER, to: TARGET, gas: 1_000_000n });
  assert.equal(undone.success, false);
  assert.equal(undone.logs.length, 0);
  assert.equal(fresh.state.getStorage(PROGRAM, 1n), 0n);
});

test('msg_reentrant: a program entered again through the EVM knows it', async () => {
  const evm = chain();
  // With empty calldata: call CONTRACT (which calls back with one byte), return the inner answer.
  // With calldata: return msg_reentrant.
  const body = `
    (if (local.get $len)
      (then
        (i32.store (i32.const 0) (call $msg_reentrant))
        (call $write_result (i32.const 0) (i32.const 4))
        (return (i32.const 0))))
    (drop (call $call_contract (i32.const 200) (i32.const 0) (i32.const 0) (i32.const 300) (i64.const -1) (i32.const 400)))
    (drop (call $read_return_data (i32.const 500) (i32.const 0) (i32.const 64)))
    (i32.store (i32.const 600) (call $msg_reentrant))
    (call $write_result (i32.const 500) (i32.const 104))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body, { fields: `(data (i32.const 200) "${watAddress(CONTRACT)}")` }) });
  // CONTRACT calls PROGRAM with calldata 0x01 and returns [success, return data].
  const callBack = hexToBytes(
    '0x600160005360006000600160006000' + '73' + PROGRAM.slice(2) + '5af1' + '600052' + '3d60006020' + '3e' + '3d602001' + '6000f3',
  );
  evm.setAccount(CONTRACT, { code: callBack });
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  const view = new DataView(r.output.buffer, r.output.byteOffset);
  assert.equal(bytesToBigint(r.output.subarray(0, 32)), 1n, 'the call back succeeded');
  assert.equal(view.getUint32(32, true), 1, 'the inner frame is reentrant');
  assert.equal(view.getUint32(100, true), 0, 'the outer frame is not');
});

test('calls alternating between the VMs nest until a limit, and the innermost fails cleanly', async () => {
  const { success, frames } = await alternatingChain();
  assert.equal(success, true);
  // Each program frame keeps its memory page open while its children run, and Stylus lets a
  // transaction have at most 128 pages open: the 129th program cannot start.
  assert.equal(frames, 128);
});

test('with EVM frames between the programs the chain reaches depth 1024, where the next call fails', async () => {
  // Each cycle is one program frame and 8 EVM frames (the contract and 7 calls to itself), so
  // programs run at depths 0, 9, 18, ... up to 1,017: 114 of them. The 1,025th frame is refused.
  const { success, frames } = await alternatingChain(7);
  assert.equal(success, true);
  assert.equal(frames, Math.floor(1024 / 9) + 1);
});

test('a small JavaScript stack stops the chain early, cleanly, with every finished frame kept', () => {
  // The same chain in a process with a quarter of the usual stack.
  const script = fileURLToPath(new URL('./testing/alternating-chain.js', import.meta.url));
  const child = spawnSync(process.execPath, ['--stack-size=250', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { success: boolean; frames: string };
  assert.equal(result.success, true);
  const frames = Number(result.frames);
  assert.ok(frames > 2 && frames < 128, `frames ${frames}`);
});

/** Calls the address in calldata bytes 0..20 with `hook`; returns the status (4 bytes) and 72 bytes of return data. */
const forwardWith = (hook: string) => `
  (call $read_args (i32.const 0))
  (i32.store (i32.const 2000)
    (call $${hook} (i32.const 0) (i32.const 20) (i32.const 0) ${hook === 'call_contract' ? '(i32.const 1000)' : ''} (i64.const -1) (i32.const 1100)))
  (drop (call $read_return_data (i32.const 2004) (i32.const 0) (i32.const 72)))
  (call $write_result (i32.const 2000) (i32.const 76))
  (i32.const 0)`;

test('a program calls a program: call_contract, delegate_call_contract and static_call_contract', async () => {
  const recorder = await watProgram(RECORDER);
  const cases = [
    { hook: 'call_contract', status: 0, sender: PROGRAM, value: 0n, context: TARGET, storageAt: TARGET },
    { hook: 'delegate_call_contract', status: 0, sender: CALLER, value: 3n, context: PROGRAM, storageAt: PROGRAM },
    // The recorder writes storage, which a static call refuses: the call fails, the caller goes on.
    { hook: 'static_call_contract', status: 2, sender: undefined, value: undefined, context: undefined, storageAt: undefined },
  ];
  for (const c of cases) {
    const evm = chain();
    evm.setAccount(PROGRAM, { code: await watProgram(forwardWith(c.hook)) });
    evm.setAccount(TARGET, { code: recorder });
    const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: hexToBytes(TARGET), value: 3n, gas: 1_000_000n });
    assert.equal(r.success, true, r.error);
    const out = r.output;
    assert.equal(new DataView(out.buffer, out.byteOffset).getUint32(0, true), c.status, c.hook);
    if (c.sender === undefined) {
      assert.equal(evm.state.getStorage(TARGET, 7n) + evm.state.getStorage(PROGRAM, 7n), 0n);
      continue;
    }
    assert.equal(bytesToHex(out.subarray(4, 24)), c.sender, c.hook);
    assert.equal(bytesToBigint(out.subarray(24, 56)), c.value, c.hook);
    assert.equal(bytesToHex(out.subarray(56, 76)), c.context, c.hook);
    assert.equal(evm.state.getStorage(c.storageAt, 7n), 1n, c.hook);
  }
});

test('a program delegate-calls and static-calls EVM code', async () => {
  // SSTORE(7, 1), then return ADDRESS as a word.
  const writer = hexToBytes('0x600160075530600052' + '60206000f3');
  for (const [hook, status, stored] of [
    ['delegate_call_contract', 0, PROGRAM],
    ['static_call_contract', 2, undefined],
  ] as const) {
    const evm = chain();
    evm.setAccount(PROGRAM, { code: await watProgram(forwardWith(hook)) });
    evm.setAccount(TARGET, { code: writer });
    const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: hexToBytes(TARGET), gas: 1_000_000n });
    assert.equal(r.success, true, r.error);
    assert.equal(new DataView(r.output.buffer, r.output.byteOffset).getUint32(0, true), status, hook);
    if (stored === undefined) {
      assert.equal(evm.state.getStorage(TARGET, 7n), 0n);
      assert.equal(evm.state.getStorage(PROGRAM, 7n), 0n);
    } else {
      // The EVM code ran in the program's storage context and saw the program as ADDRESS.
      assert.equal(evm.state.getStorage(stored, 7n), 1n);
      assert.equal(bytesToHex(r.output.subarray(16, 36)), PROGRAM);
    }
  }
});

test('memory.grow is paid before it happens: free within 2 pages, 1,000 gas a page beyond, never past 128', async () => {
  // Grows by the calldata's first byte; returns what memory.grow gave and the new size.
  const body = `
    (call $read_args (i32.const 0))
    (i32.store (i32.const 100) (memory.grow (i32.load8_u (i32.const 0))))
    (i32.store (i32.const 104) (memory.size))
    (call $write_result (i32.const 100) (i32.const 8))
    (i32.const 0)`;
  const evm = chain();
  evm.setAccount(PROGRAM, { code: await watProgram(body, { memory: '1' }) });
  const grow = (pages: number) => evm.runCall({ caller: CALLER, to: PROGRAM, data: Uint8Array.of(pages), gas: 10_000_000n });
  const one = grow(1);
  const two = grow(2);
  for (const r of [one, two]) assert.equal(r.success, true, r.error);
  const view = (r: typeof one) => new DataView(r.output.buffer, r.output.byteOffset);
  assert.deepEqual([view(one).getInt32(0, true), view(one).getInt32(4, true)], [1, 2]);
  assert.deepEqual([view(two).getInt32(0, true), view(two).getInt32(4, true)], [1, 3]);
  // 2 pages open: free. 3 pages: 1,000 gas for the page beyond the free two, plus exp[3] − exp[1] = 0.
  assert.equal(two.gasUsed - one.gasUsed, 1_000n);
  // 200 more pages would pass 128: that growth can never be paid.
  const bomb = grow(200);
  assert.equal(bomb.success, false);
  assert.equal(bomb.error, 'out of gas');
  assert.equal(bomb.gasUsed, 10_000_000n);
});

test('EVM code a program delegate-calls cannot self-destruct it: the SELFDESTRUCT reverts', async () => {
  const evm = chain();
  evm.setAccount(PROGRAM, { code: await watProgram(forwardWith('delegate_call_contract')), balance: 100n });
  // SELFDESTRUCT(CALLER)
  evm.setAccount(TARGET, { code: hexToBytes('0x33ff') });
  const r = evm.runCall({ caller: CALLER, to: PROGRAM, data: hexToBytes(TARGET), gas: 1_000_000n });
  assert.equal(r.success, true, r.error);
  assert.equal(new DataView(r.output.buffer, r.output.byteOffset).getUint32(0, true), 2);
  assert.equal(evm.state.getBalance(PROGRAM), 100n);
  assert.ok(evm.state.getCode(PROGRAM).length > 0);
  // The same code called directly (not as a program's delegate) still self-destructs.
  evm.setAccount(CONTRACT, { code: hexToBytes('0x33ff'), balance: 5n });
  const direct = evm.runCall({ caller: CALLER, to: CONTRACT, gas: 1_000_000n });
  assert.equal(direct.success, true, direct.error);
  assert.equal(evm.state.getBalance(CONTRACT), 0n);
});
