/** C programs built with Debian's clang and lld against sdk/c/stylus.h link as Stylus expects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { C_TESTDATA, compileC, importTypes, sections, signatureText } from './testing/compile.js';
import { VM_HOOKS } from './hostio.js';
import { createEvm } from '../create-evm.js';
import { createAddress } from '../primitives/address.js';
import { bytesToBigint, bytesToHex, hexToBytes } from '../primitives/bytes.js';
import { compressProgram } from './compress.js';
import { deployCode } from './format.js';
import { transaction } from './testing/transactions.js';

const ECHO = `#include "stylus.h"
static uint8_t buffer[1024];
static const char greeting[] = "echo:";
ENTRYPOINT {
  __builtin_memcpy(buffer, greeting, 5);
  read_args(buffer + 5);
  write_result(buffer, 5 + (size_t)args_len);
  return 0;
}
`;

test('a trivial C program exports user_entrypoint and memory, imports only vm_hooks, and runs', () => {
  const wasm = compileC(ECHO);
  const module = new WebAssembly.Module(wasm);
  assert.deepEqual(
    WebAssembly.Module.exports(module)
      .map((e) => `${e.kind} ${e.name}`)
      .sort(),
    ['function user_entrypoint', 'memory memory'],
  );
  const imports = WebAssembly.Module.imports(module);
  assert.deepEqual(imports.map((i) => `${i.module}.${i.name}:${i.kind}`).sort(), [
    'vm_hooks.read_args:function',
    'vm_hooks.write_result:function',
  ]);

  // Run it with two stub hooks: the output is the greeting followed by the calldata.
  const args = new TextEncoder().encode('hello');
  let memory: WebAssembly.Memory | undefined;
  let result: Uint8Array | undefined;
  const instance = new WebAssembly.Instance(module, {
    vm_hooks: {
      read_args: (dest: number) => new Uint8Array(memory!.buffer).set(args, dest),
      write_result: (ptr: number, len: number) => void (result = new Uint8Array(memory!.buffer).slice(ptr, ptr + len)),
    },
  });
  memory = instance.exports.memory as WebAssembly.Memory;
  const status = (instance.exports.user_entrypoint as (len: number) => number)(args.length);
  assert.equal(status, 0);
  assert.equal(new TextDecoder().decode(result), 'echo:hello');
});

test('stylus.h declares every vm_hooks function at the type hostio.ts gives it', () => {
  const wasm = compileC(readFileSync(join(C_TESTDATA, 'all-hooks.c'), 'utf8'));
  const imported = importTypes(wasm);
  const expected = new Map(Object.entries(VM_HOOKS).map(([name, signature]) => [`vm_hooks.${name}`, signatureText(signature)]));
  assert.deepEqual([...imported.keys()].sort(), [...expected.keys()].sort());
  for (const [name, type] of expected) assert.equal(imported.get(name), type, name);
});

test('lld emits no data-count section (id 12, which nitro refuses) for -mcpu=mvp, nor with -mbulk-memory', () => {
  // Initialised data, so the module has a data section; bulk memory turns the copy into memory.copy.
  for (const cflags of [[], ['-mbulk-memory']]) {
    const ids = sections(compileC(ECHO, { cflags })).map((s) => s.id);
    assert.ok(ids.includes(11), `${cflags.join(' ') || 'mvp'}: no data section (${ids.join(',')})`);
    assert.ok(!ids.includes(12), `${cflags.join(' ') || 'mvp'}: a data-count section (${ids.join(',')})`);
  }
});

/**
 * A counter and echo in C: with no calldata it adds 1 to the word in slot 0 (loaded and written
 * through the storage cache, then flushed), logs the new count as a topic with msg_sender as the
 * data, and returns the count; with calldata it echoes it (reverting over 256 bytes).
 */
const COUNTER = `#include "stylus.h"
static uint8_t args[256];
static uint8_t key[32];
static uint8_t count[32];
static uint8_t record[32 + 20];

ENTRYPOINT {
  /* wasm-ld's memory can grow, which activation allows only with pay_for_memory_grow imported:
     the Stylus SDKs keep it with this call, which costs the hook's base ink. */
  pay_for_memory_grow(0);
  if (args_len == 0) {
    storage_load_bytes32(key, count);
    for (int i = 31; i >= 0; i--) {
      if (++count[i] != 0) break;
    }
    storage_cache_bytes32(key, count);
    storage_flush_cache(false);
    __builtin_memcpy(record, count, 32);
    msg_sender(record + 32);
    emit_log(record, sizeof record, 1);
    write_result(count, 32);
    return 0;
  }
  if (args_len > (int32_t)sizeof args) return 1;
  read_args(args);
  write_result(args, (size_t)args_len);
  return 0;
}
`;

test('a C counter deployed by a create transaction counts in storage, logs, and echoes', () => {
  const sender = '0x00000000000000000000000000000000000000cc';
  const evm = createEvm({ fork: 'Osaka', wasm: true });
  evm.setAccount(sender, { balance: 10n ** 20n });
  const deployed = evm.runTx(transaction(null, deployCode(compressProgram(compileC(COUNTER))), 0n), sender);
  assert.equal(deployed.success, true, deployed.error);
  const counter = deployed.createdAddress!;
  assert.equal(counter, createAddress(sender, 0n));

  for (let n = 1n; n <= 3n; n++) {
    const r = evm.runTx(transaction(counter, new Uint8Array(), n), sender);
    assert.equal(r.success, true, r.error);
    assert.equal(bytesToBigint(r.output), n);
    assert.equal(r.logs.length, 1);
    assert.equal(r.logs[0]!.address, counter);
    assert.deepEqual(r.logs[0]!.topics, [n]);
    assert.equal(bytesToHex(r.logs[0]!.data), sender);
    assert.equal(evm.state.getStorage(counter, 0n), n);
  }
  // Carrying into the next byte: from 0xff to 0x100.
  evm.setAccount(counter, { code: evm.state.getCode(counter), storage: { 0: 0xffn } });
  const carried = evm.runTx(transaction(counter, new Uint8Array(), 4n), sender);
  assert.equal(bytesToBigint(carried.output), 0x100n);

  const echoed = evm.runTx(transaction(counter, hexToBytes('0x68656c6c6f'), 5n), sender);
  assert.equal(echoed.success, true, echoed.error);
  assert.equal(bytesToHex(echoed.output), '0x68656c6c6f');
  assert.equal(echoed.logs.length, 0);
  assert.equal(evm.state.getStorage(counter, 0n), 0x100n, 'an echo leaves the count alone');

  const tooLong = evm.runTx(transaction(counter, new Uint8Array(257).fill(1), 6n), sender);
  assert.equal(tooLong.success, false);
  assert.equal(tooLong.error, 'execution reverted');
  assert.equal(tooLong.output.length, 0);
});
