/** The command line as a user meets it: exit codes, summary lines, and clear errors for bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileWat } from '../wasm/testing/compile.js';
import { decompressProgram } from '../wasm/decompress.js';
import { bytesToHex, hexToBytes } from '../primitives/bytes.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/polyvm.js');

function polyvm(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

test('run: executes code and prints output, gas and error as JSON', () => {
  // PUSH1 2 PUSH1 3 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
  const r = polyvm('run', '--code', '0x600260030160005260206000f3', '--gas', '100000');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.output, '0x' + '00'.repeat(31) + '05');
  assert.equal(out.gasUsed, '0x18'); // 3 PUSH1s, ADD, MSTORE: 5 × 3; one word of memory: 3; 2 PUSH1s: 6; RETURN: 0
  assert.equal(out.error, null);
});

test('run --jit chooses the tier; --bench times cold and warm runs', () => {
  // A loop of 50,000 iterations: enough gas for 'auto' to compile its region on the warm engine.
  const loop =
    '0x' +
    '6000' +
    '61c350' +
    '5b' +
    '80' +
    '15' +
    '6016' +
    '57' +
    '80' +
    '91' +
    '01' +
    '90' +
    '6001' +
    '90' +
    '03' +
    '6005' +
    '56' +
    '5b' +
    '50' +
    '600052' +
    '60206000f3';
  const sum = '0x' + ((50_000n * 50_001n) / 2n).toString(16).padStart(64, '0');
  for (const jit of ['never', 'always', 'auto']) {
    const r = polyvm('run', '--code', loop, '--jit', jit);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).output, sum, `--jit ${jit}`);
  }
  const bench = JSON.parse(polyvm('run', '--code', loop, '--bench').stdout);
  assert.equal(bench.output, sum);
  assert.ok(bench.cold.runs > 0 && bench.cold.medianNs > 0 && bench.warm.runs > 0 && bench.warm.medianNs > 0);
  assert.equal(bench.medianNs, bench.warm.medianNs);
  assert.equal(bench.warm.compiledRegions, 1, 'the warm engine did not compile the loop');
});

test('run: an exceptional halt is reported in "error"', () => {
  const out = JSON.parse(polyvm('run', '--code', '0xfe').stdout);
  assert.equal(out.error, 'invalid opcode');
});

test('run --trace writes EIP-3155 lines to stderr', () => {
  const r = polyvm('run', '--code', '0x6001600201', '--trace');
  const lines = r.stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.deepEqual(Object.keys(lines[0]).sort(), ['depth', 'gas', 'gasCost', 'memSize', 'op', 'opName', 'pc', 'refund', 'stack'].sort());
  assert.equal(lines[2].opName, 'ADD');
  assert.deepEqual(lines[2].stack, ['0x1', '0x2']);
});

test('run: malformed hex and unknown options are clear usage errors (exit 2), not crashes', () => {
  for (const args of [
    ['run', '--code', '0x6g'],
    ['run', '--code', '0x600'],
    ['run'],
    ['run', '--code', '00', '--gas', 'lots'],
    ['run', '--nope'],
    // A stray argument (here the rest of a code split by a space) is refused, not ignored.
    ['run', '--code', '6001', '60'],
    ['run', '--code', '00', '--jit', 'sometimes'],
    ['trace', '0x' + '11'.repeat(32), 'extra'],
    ['nonsense'],
  ]) {
    const r = polyvm(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^polyvm: /);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  }
});

test('statetest: an unknown fork or a missing path is a usage error', () => {
  assert.equal(polyvm('statetest', '--fork', 'Atlantis', '.').status, 2);
  assert.equal(polyvm('statetest', '/does/not/exist').status, 2);
});

test('wasm deploy-code prints init code: the 43-byte prelude, then the compressed module', async () => {
  const wasm = await compileWat(
    '(module (memory (export "memory") 1) (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))',
  );
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-cli-'));
  const file = join(dir, 'program.wasm');
  writeFileSync(file, wasm);
  const r = polyvm('wasm', 'deploy-code', file);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^0x[0-9a-f]+\n$/);
  const init = hexToBytes(r.stdout.trim());
  const program = init.subarray(43);
  assert.equal(bytesToHex(init.subarray(0, 1)), '0x7f');
  assert.equal(Number(BigInt(bytesToHex(init.subarray(1, 33)))), program.length);
  assert.equal(bytesToHex(init.subarray(33, 43)), '0x80602b6000396000f300');
  assert.equal(bytesToHex(program.subarray(0, 4)), '0xeff00000');
  assert.equal(bytesToHex(decompressProgram(program)), bytesToHex(wasm));
});

test('wasm build compiles an AssemblyScript contract beside it (FILE.wasm) or to -o; a compile error is FILE:LINE:COLUMN and exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-cli-'));
  const file = join(dir, 'echo.ts');
  writeFileSync(
    file,
    [
      "import { AbiReader, dispatch } from 'polyvm/sdk/assemblyscript';",
      'export function user_entrypoint(len: i32): i32 {',
      '  return dispatch(len, (selector: u32, args: AbiReader): Uint8Array => args.data);',
      '}',
      '',
    ].join('\n'),
  );
  const r = polyvm('wasm', 'build', file);
  assert.equal(r.status, 0, r.stderr);
  const wasm = readFileSync(join(dir, 'echo.wasm'));
  assert.match(r.stdout, new RegExp(`^${join(dir, 'echo.wasm')}: ${wasm.length} bytes \\(\\d+ bytes compressed, as deployed\\)\n$`));
  assert.equal(bytesToHex(wasm.subarray(0, 4)), '0x0061736d');
  const out = join(dir, 'other.wasm');
  const wat = join(dir, 'other.wat');
  assert.equal(polyvm('wasm', 'build', file, '-o', out, '--wat', wat).status, 0);
  assert.deepEqual(readFileSync(out), wasm);
  assert.match(readFileSync(wat, 'utf8'), /\(export "user_entrypoint"/);

  writeFileSync(file, 'export function user_entrypoint(len: i32): i32 {\n  return undefinedName;\n}\n');
  const bad = polyvm('wasm', 'build', file);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /echo\.ts:2:10: error AS2304: Cannot find name 'undefinedName'\./);
  assert.match(bad.stderr, /polyvm: .*echo\.ts does not compile/);
  const missing = polyvm('wasm', 'build', join(dir, 'missing.ts'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing\.ts does not exist/);
});

test('run: a .wasm module runs as a Stylus program; --trace lists its host calls with their ink', async () => {
  const wasm = await compileWat(`(module
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
    (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param $len i32) (result i32)
      (call $read_args (i32.const 0))
      (call $write_result (i32.const 0) (local.get $len))
      (i32.const 0)))`);
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-cli-'));
  const file = join(dir, 'echo.wasm');
  writeFileSync(file, wasm);
  const r = polyvm('run', '--codefile', file, '--input', '0xdeadbeef', '--trace');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.output, '0xdeadbeef');
  assert.equal(out.error, null);
  const calls = r.stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    calls.map((c) => [c.hostio, c.args]),
    [
      ['read_args', [0]],
      ['write_result', [0, 4]],
    ],
  );
  // read_args: 8,400 ink, plus 5,040 to write up to 32 bytes into the program's memory.
  assert.equal(calls[0].ink, '0x' + (8_400 + 5_040).toString(16));
  // write_result: 8,400, plus twice 16,381 to read up to 32 bytes out of it.
  assert.equal(calls[1].ink, '0x' + (8_400 + 2 * 16_381).toString(16));
});

test('wasm deploy-code: a missing file, a file that is not a module, or no file is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-cli-'));
  const text = join(dir, 'program.wat');
  writeFileSync(text, '(module)');
  const cases: [string[], RegExp][] = [
    [['wasm', 'deploy-code', join(dir, 'missing.wasm')], /^polyvm: FILE: cannot read .*missing\.wasm/],
    [['wasm', 'deploy-code', text], /^polyvm: FILE: .*program\.wat is not a WebAssembly binary module/],
    [['wasm', 'deploy-code'], /^polyvm: deploy-code takes one FILE\.wasm/],
    [['wasm', 'deploy-code', 'a.wasm', 'b.wasm'], /^polyvm: deploy-code takes one FILE\.wasm/],
    [['wasm', 'frobnicate'], /^polyvm: unknown wasm command "frobnicate"/],
    [['wasm', 'deploy-code', '--nope', 'a.wasm'], /^polyvm: unknown option --nope/],
  ];
  for (const [args, message] of cases) {
    const r = polyvm(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  assert.equal(polyvm('wasm', 'deploy-code', '--help').status, 0);
  assert.match(polyvm('--help').stdout, /wasm +tooling for WebAssembly/);
});
