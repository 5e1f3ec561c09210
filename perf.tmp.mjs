import { createEvm, compressProgram } from './dist/index.js';
import { compileWat } from './dist/wasm/testing/compile.js';
const wasm = await compileWat(`(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 0)))`);
const evm = createEvm({ fork: 'Osaka', wasm: true });
const P = '0x00000000000000000000000000000000000000aa', C = '0x00000000000000000000000000000000000000cc', E='0x00000000000000000000000000000000000000ee';
evm.setAccount(P, { code: compressProgram(wasm) });
evm.setAccount(E, { code: Buffer.from('366000600037366000f3', 'hex') });
evm.setAccount(C, { balance: 10n ** 18n });
const data = new Uint8Array(32);
for (const [name, to] of [['wasm', P], ['wasm', P]]) {
  const n = 20000; const t = performance.now();
  for (let i = 0; i < n; i++) evm.runCall({ caller: C, to, data, gas: 1_000_000n });
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(2), 'us/call');
}
