/** C programs built with Debian's clang and lld against testdata/c/stylus.h link as Stylus expects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { C_TESTDATA, compileC, importTypes, sections, signatureText } from './testing/compile.js';
import { VM_HOOKS } from './hostio.js';

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
