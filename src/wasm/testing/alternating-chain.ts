/**
 * Test support: a chain of calls alternating between a program and an EVM contract. Run as a
 * script (a test starts it with a small --stack-size), it prints the outcome as JSON.
 */
import { pathToFileURL } from 'node:url';
import { createEvm } from '../../create-evm.js';
import { hexToBytes } from '../../primitives/bytes.js';
import { watAddress, watProgram } from './programs.js';

const PROGRAM = '0x00000000000000000000000000000000000000aa';
const CONTRACT = '0x00000000000000000000000000000000000000bb';
const CALLER = '0x00000000000000000000000000000000000000cc';

/**
 * A chain of calls: PROGRAM counts itself in slot 0 and calls CONTRACT with all its gas; CONTRACT
 * calls PROGRAM back. Frames alternate EVM and WebAssembly until the depth limit, the page limit
 * or the JavaScript stack stops the innermost call, which fails cleanly while the others finish.
 */
export async function alternatingChain(): Promise<{ success: boolean; frames: number }> {
  const evm = createEvm({ fork: 'Osaka', wasm: true });
  evm.setAccount(CALLER, { balance: 10n ** 20n });
  const body = `
    (call $storage_load_bytes32 (i32.const 1000) (i32.const 64))
    ;; the count is a big-endian word: bump its low byte, carrying into the next
    (i32.store8 (i32.const 95) (i32.add (i32.load8_u (i32.const 95)) (i32.const 1)))
    (if (i32.eqz (i32.load8_u (i32.const 95)))
      (then (i32.store8 (i32.const 94) (i32.add (i32.load8_u (i32.const 94)) (i32.const 1)))))
    (call $storage_cache_bytes32 (i32.const 1000) (i32.const 64))
    (call $storage_flush_cache (i32.const 0))
    (drop (call $call_contract (i32.const 200) (i32.const 0) (i32.const 0) (i32.const 300) (i64.const -1) (i32.const 400)))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body, { fields: `(data (i32.const 200) "${watAddress(CONTRACT)}")` }) });
  // CONTRACT: CALL(GAS, PROGRAM, 0, 0, 0, 0, 0); STOP.
  evm.setAccount(CONTRACT, { code: hexToBytes('0x6000600060006000600073' + PROGRAM.slice(2) + '5af100') });
  const result = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 2n ** 48n });
  return { success: result.success, frames: Number(evm.state.getStorage(PROGRAM, 0n)) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await alternatingChain()));
}
