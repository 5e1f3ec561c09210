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
 * calls itself `evmLevels` times, then calls PROGRAM back. Frames alternate between the VMs until
 * the depth limit, the page limit or the JavaScript stack stops the innermost call, which fails
 * cleanly while the others finish.
 */
export async function alternatingChain(evmLevels = 0): Promise<{ success: boolean; frames: number }> {
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
    (i32.store8 (i32.const 331) (i32.const ${evmLevels}))
    (drop (call $call_contract (i32.const 200) (i32.const 300) (i32.const 32) (i32.const 400) (i64.const -1) (i32.const 500)))
    (i32.const 0)`;
  evm.setAccount(PROGRAM, { code: await watProgram(body, { fields: `(data (i32.const 200) "${watAddress(CONTRACT)}")` }) });
  // CONTRACT, given n: n > 0 calls itself with n - 1; n = 0 calls PROGRAM. Then STOP.
  const contract =
    '0x60003580156' +
    '01e57' + // n = CALLDATALOAD(0); if n == 0 jump to 0x1e
    '600190036000526000600060206000600030' +
    '5af15000' + // MSTORE(0, n - 1); CALL(GAS, ADDRESS, 0, 0, 32, 0, 0); STOP
    '5b6000600060006000600073' +
    PROGRAM.slice(2) +
    '5af15000'; // 0x1e: CALL(GAS, PROGRAM, 0, 0, 0, 0, 0); STOP
  evm.setAccount(CONTRACT, { code: hexToBytes(contract) });
  const result = evm.runCall({ caller: CALLER, to: PROGRAM, gas: 2n ** 48n });
  return { success: result.success, frames: Number(evm.state.getStorage(PROGRAM, 0n)) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await alternatingChain(Number(process.argv[2] ?? 0))));
}
