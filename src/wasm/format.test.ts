/** The program format: prefix, dictionary byte, and the init code that deploys a program. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEPLOY_PRELUDE_LENGTH,
  ProgramFormatError,
  STYLUS_PREFIX,
  WASM_MAGIC,
  deployCode,
  isProgram,
  isWasmModule,
  splitProgram,
} from './format.js';
import { bytesToHex, hexToBytes } from '../primitives/bytes.js';
import { createEvm } from '../create-evm.js';

test('isProgram: EF F0 00, a dictionary byte and at least one byte of stream', () => {
  assert.equal(isProgram(hexToBytes('0xeff0000000')), true);
  assert.equal(isProgram(hexToBytes('0xeff00001ffff')), true);
  assert.equal(isProgram(hexToBytes('0xeff00000')), false, 'no stream');
  assert.equal(isProgram(hexToBytes('0xeff000')), false);
  assert.equal(isProgram(hexToBytes('0xeff0010000')), false, 'a fragment (EF F0 01) is not a program here');
  assert.equal(isProgram(hexToBytes('0xeff0020000')), false, 'nor is a root (EF F0 02)');
  assert.equal(isProgram(hexToBytes('0xef00010000')), false, 'EOF');
  assert.equal(isProgram(hexToBytes('0x6000600055')), false);
  assert.equal(isProgram(new Uint8Array()), false);
  assert.deepEqual([...STYLUS_PREFIX], [0xef, 0xf0, 0x00]);
});

test('isWasmModule: the \\0asm magic', () => {
  assert.equal(isWasmModule(hexToBytes('0x0061736d01000000')), true);
  assert.equal(isWasmModule(WASM_MAGIC), true);
  assert.equal(isWasmModule(hexToBytes('0x0061736e01000000')), false);
  assert.equal(isWasmModule(hexToBytes('0x006173')), false);
  assert.equal(isWasmModule(hexToBytes('0xeff0000000')), false);
});

test('splitProgram: the dictionary byte and a view of the stream; anything else is a ProgramFormatError', () => {
  const code = hexToBytes('0xeff00001aabbcc');
  const { dictionary, compressed } = splitProgram(code);
  assert.equal(dictionary, 1);
  assert.equal(bytesToHex(compressed), '0xaabbcc');
  assert.equal(compressed.buffer, code.buffer, 'a view, not a copy');
  assert.throws(() => splitProgram(hexToBytes('0xeff00000')), {
    name: 'ProgramFormatError',
    message: /dictionary byte and a brotli stream/,
  });
  assert.throws(() => splitProgram(hexToBytes('0x0061736d01000000')), {
    name: 'ProgramFormatError',
    message: /does not start with EF F0 00/,
  });
});

test("deployCode: cargo-stylus's 43-byte prelude, byte for byte", () => {
  const program = hexToBytes('0xeff00000' + '0b'.repeat(300));
  const init = deployCode(program);
  assert.equal(init.length, DEPLOY_PRELUDE_LENGTH + program.length);
  const expected =
    '0x7f' + // PUSH32
    (304).toString(16).padStart(64, '0') + // the program's length: 4 + 300
    '80' + // DUP1
    '602b' + // PUSH1 43
    '6000' + // PUSH1 0
    '39' + // CODECOPY
    '6000' + // PUSH1 0
    'f3' + // RETURN
    '00' + // version
    bytesToHex(program).slice(2);
  assert.equal(bytesToHex(init), expected);
});

test('deployCode: the init code returns the program, run by the EVM', () => {
  const program = hexToBytes('0xeff00000' + '5a'.repeat(1000));
  const evm = createEvm();
  const caller = '0x000000000000000000000000000000000000c0de';
  evm.setAccount(caller, { balance: 10n ** 18n });
  // Run as a call, the init code's RETURN output is exactly what CREATE would deposit.
  evm.setAccount('0x00000000000000000000000000000000000c0de0', { code: deployCode(program) });
  const result = evm.runCall({
    caller,
    to: '0x00000000000000000000000000000000000c0de0',
    data: new Uint8Array(),
    value: 0n,
    gas: 1_000_000n,
  });
  assert.equal(result.error ?? null, null);
  assert.equal(bytesToHex(result.output), bytesToHex(program));
});

test('deployCode refuses a raw module and other non-programs', () => {
  assert.throws(
    () => deployCode(hexToBytes('0x0061736d01000000')),
    (e: unknown) => e instanceof ProgramFormatError && /not a raw WebAssembly module/.test(e.message),
  );
  assert.throws(() => deployCode(hexToBytes('0x6000')), ProgramFormatError);
});
