/**
 * The compiler tier against the interpreter: the same programs on both give the same result
 * (and the expected one, worked out by hand), the tier-up rule compiles hot code only, hostile
 * code cannot make compilation large, only numeric literals from a program reach the generated
 * source, and the interpreter runs where code generation is forbidden or a tracer is attached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createEvm, type Evm } from '../../create-evm.js';
import { CodeCache, type JitMode } from '../code-cache.js';
import { hexToBytes, bytesToHex } from '../../primitives/bytes.js';
import { createJsonTracer } from '../eip3155-tracer.js';
import { analyzeCode } from '../analysis.js';
import { analyzeBlocks } from '../blocks.js';
import { getOpcodeTable } from '../table.js';
import { getRules } from '../../forks/index.js';
import { DEFAULT_LIMITS, generateRegion, planRegions } from './codegen.js';

const CALLER = '0x00000000000000000000000000000000000000c0';
const TARGET = '0x00000000000000000000000000000000000000aa';
const OTHER = '0x00000000000000000000000000000000000000bb';

function evmWith(jit: JitMode | CodeCache, code: string, other?: string): Evm {
  const evm = createEvm(typeof jit === 'string' ? { fork: 'Osaka', jit } : { fork: 'Osaka', codeCache: jit });
  evm.setAccount(CALLER, { balance: 10n ** 18n });
  evm.setAccount(TARGET, { code: hexToBytes(code) });
  if (other !== undefined) evm.setAccount(OTHER, { code: hexToBytes(other) });
  return evm;
}

/** Runs `code` on both tiers (every frame compiled on one) and checks they agree; returns the result. */
function both(code: string, options: { data?: string; gas?: bigint; other?: string } = {}) {
  const results = (['never', 'always'] as const).map((jit) => {
    const evm = evmWith(jit, code, options.other);
    const r = evm.runCall({
      caller: CALLER,
      to: TARGET,
      data: options.data === undefined ? undefined : hexToBytes(options.data),
      gas: options.gas ?? 1_000_000n,
    });
    return { ...r, output: bytesToHex(r.output), root: bytesToHex(evm.stateRoot()), compiled: evm.codeCache.stats.compilations };
  });
  const [interpreted, compiled] = results as [(typeof results)[0], (typeof results)[0]];
  assert.equal(interpreted.compiled, 0, 'the interpreter compiled something');
  assert.ok(compiled.compiled > 0, 'nothing was compiled');
  assert.deepEqual({ ...compiled, compiled: 0 }, { ...interpreted, compiled: 0 }, 'the compiled tier and the interpreter disagree');
  return interpreted;
}

const word = (n: bigint) => '0x' + n.toString(16).padStart(64, '0');

const OPS: Record<string, number> = {
  STOP: 0x00,
  ADD: 0x01,
  SUB: 0x03,
  LT: 0x10,
  GT: 0x11,
  SLT: 0x12,
  SGT: 0x13,
  EQ: 0x14,
  MUL: 0x02,
  ISZERO: 0x15,
  CALLDATALOAD: 0x35,
  POP: 0x50,
  MLOAD: 0x51,
  MSTORE: 0x52,
  SLOAD: 0x54,
  SSTORE: 0x55,
  JUMP: 0x56,
  JUMPI: 0x57,
  GAS: 0x5a,
  JUMPDEST: 0x5b,
  DUP1: 0x80,
  DUP2: 0x81,
  DUP3: 0x82,
  SWAP1: 0x90,
  SWAP2: 0x91,
  CALL: 0xf1,
  RETURN: 0xf3,
};

/**
 * A small assembler for the tests: opcode names, `0x..` or decimal numbers (pushed with the
 * smallest PUSH), `name:` (a JUMPDEST with that label) and `@name` (PUSH1 of the label).
 */
function asm(source: string): string {
  const tokens = source.trim().split(/\s+/);
  const assemble = (labels: Map<string, number>): number[] => {
    const out: number[] = [];
    for (const token of tokens) {
      if (token.endsWith(':')) {
        labels.set(token.slice(0, -1), out.length);
        out.push(0x5b);
      } else if (token.startsWith('@')) {
        out.push(0x60, labels.get(token.slice(1)) ?? 0);
      } else if (OPS[token] !== undefined) {
        out.push(OPS[token]!);
      } else {
        let v = BigInt(token);
        const bytes: number[] = [];
        do {
          bytes.unshift(Number(v & 0xffn));
          v >>= 8n;
        } while (v > 0n);
        out.push(0x5f + bytes.length, ...bytes);
      }
    }
    return out;
  };
  const labels = new Map<string, number>();
  assemble(labels); // first pass: where the labels are
  return bytesToHex(Uint8Array.from(assemble(labels)));
}

const sumLoop = (n: number) =>
  asm(`0 ${n} loop: DUP1 ISZERO @end JUMPI DUP1 SWAP2 ADD SWAP1 1 SWAP1 SUB @loop JUMP
  end: POP 0 MSTORE 32 0 RETURN`);
const SUM_LOOP = sumLoop(100);

test('a counting loop: sum of 1..100 is 5050 on both tiers, with the same gas', () => {
  const r = both(SUM_LOOP);
  assert.equal(r.success, true);
  assert.equal(r.output, word(5050n));
});

test('comparisons feeding JUMPI (LT, GT, EQ, ISZERO) take the same branches', () => {
  // Each taken branch adds its marker: 3 < 5 (1), 5 > 3 (2), 7 == 7 (4), iszero(0) (8); 3 > 5 is not taken (16).
  const code = asm(`0
    5 3 LT @a JUMPI STOP a: 1 ADD
    3 5 GT @b JUMPI STOP b: 2 ADD
    7 7 EQ @c JUMPI STOP c: 4 ADD
    0 ISZERO @d JUMPI STOP d: 8 ADD
    5 3 GT @e JUMPI 0 MSTORE 32 0 RETURN
    e: 16 ADD 0 MSTORE 32 0 RETURN`);
  const r = both(code);
  assert.equal(r.success, true, r.error);
  assert.equal(r.output, word(15n));
});

test("SLT and SGT on operands of every pair of signs, as values and as branch conditions, match two's complement order", () => {
  // The operands come from call data, so the compiled tier cannot fold them. The output word holds
  // SLT(a, b) + 2 SGT(a, b) as values, and 4 and 8 when the same comparisons take a JUMPI.
  const code = asm(`0 CALLDATALOAD 32 CALLDATALOAD SWAP1
    DUP2 DUP2 SLT DUP3 DUP3 SGT 2 MUL ADD
    DUP3 DUP3 SLT @a JUMPI @x JUMP a: 4 ADD x:
    DUP3 DUP3 SGT @b JUMPI @y JUMP b: 8 ADD y:
    0 MSTORE 32 0 RETURN`);
  const signed = (v: bigint) => BigInt.asIntN(256, v);
  const edges = [0n, 1n, 2n, (1n << 255n) - 1n, 1n << 255n, (1n << 255n) + 1n, (1n << 256n) - 2n, (1n << 256n) - 1n];
  for (const a of edges) {
    for (const b of edges) {
      const r = both(code, { data: word(a).slice(2) + word(b).slice(2) });
      assert.equal(r.success, true, r.error);
      const less = signed(a) < signed(b) ? 1n : 0n;
      const greater = signed(a) > signed(b) ? 1n : 0n;
      assert.equal(r.output, word(less + 2n * greater + 4n * less + 8n * greater), `${a} vs ${b}`);
    }
  }
});

test('a dynamic jump to a JUMPDEST from calldata works; to anything else it is an invalid jump', () => {
  const code = asm('0 CALLDATALOAD JUMP STOP STOP STOP there: 42 0 MSTORE 32 0 RETURN');
  const there = hexToBytes(code).indexOf(0x5b);
  const ok = both(code, { data: word(BigInt(there)) });
  assert.equal(ok.success, true);
  assert.equal(ok.output, word(42n));
  const bad = both(code, { data: word(BigInt(there - 1)), gas: 50_000n });
  assert.equal(bad.success, false);
  assert.equal(bad.gasUsed, 50_000n);
  // A destination beyond 32 bits, and a static jump into PUSH data.
  assert.equal(both(code, { data: word(1n << 200n) }).success, false);
  assert.equal(both('0x600356605b00').success, false);
});

test('exceptional halts at block starts and inside blocks match: underflow, overflow, out of gas, memory', () => {
  assert.equal(both('0x01').success, false); // ADD on an empty stack
  assert.equal(both('0x5b' + '6000'.repeat(1025)).success, false); // 1025 pushes
  const oog = both('0x' + '6000'.repeat(40), { gas: 100n });
  assert.equal(oog.success, false);
  assert.equal(oog.gasUsed, 100n);
  // MSTORE far away: the expansion cannot be paid.
  assert.equal(both(asm('1 0xffffffff MSTORE'), { gas: 100_000n }).success, false);
  // MLOAD inside and past what the gas pays for.
  assert.equal(both(asm('0x100 MLOAD STOP'), { gas: 3_000n }).success, true);
  assert.equal(both(asm('0x10000 MLOAD STOP'), { gas: 3_000n }).success, false);
});

test('a loop that calls another contract suspends and resumes inside compiled code', () => {
  const other = asm('0 SLOAD 1 ADD 0 SSTORE STOP'); // storage[0] += 1
  const code = asm(`5 loop: DUP1 ISZERO @end JUMPI
    0 0 0 0 0 0xbb GAS CALL POP
    1 SWAP1 SUB @loop JUMP end: STOP`);
  const r = both(code, { other });
  assert.equal(r.success, true, r.error);
  const evm = evmWith('always', code, other);
  evm.runCall({ caller: CALLER, to: TARGET, gas: 1_000_000n });
  assert.equal(evm.state.getStorage(OTHER, 0n), 5n);
});

test("'auto' compiles a loop's region from the code's second call once it has run enough, or within a call that runs very long, and nothing else", () => {
  // The default rule: a million gas spent in a region, and a second call. 20,000 iterations of 55 gas.
  const hot = evmWith('auto', sumLoop(20_000));
  const call = () => bytesToHex(hot.runCall({ caller: CALLER, to: TARGET, gas: 30_000_000n }).output);
  assert.equal(call(), word((20_000n * 20_001n) / 2n));
  assert.equal(hot.codeCache.stats.compilations, 0, 'a single call was compiled');
  assert.equal(call(), word((20_000n * 20_001n) / 2n));
  assert.equal(hot.codeCache.stats.compilations, 1, 'the loop was not compiled on its second call');
  const short = evmWith('auto', sumLoop(1000));
  for (let i = 0; i < 5; i++) short.runCall({ caller: CALLER, to: TARGET, gas: 1_000_000n });
  assert.equal(short.codeCache.stats.compilations, 0, 'a loop that ran 275,000 gas in all was compiled');
  // An engine's own rule: eager.
  const eager = evmWith(
    new CodeCache({ jit: 'auto', tierUp: { sampleBlocks: 16, hotGas: 20_000, minCalls: 1, soloGas: Infinity } }),
    sumLoop(1000),
  );
  eager.runCall({ caller: CALLER, to: TARGET, gas: 1_000_000n });
  assert.equal(eager.codeCache.stats.compilations, 1);
  // A single call that runs `soloGas` is compiled in its course, and computes the same.
  const solo = { sampleBlocks: 16, hotGas: 1_000_000, minCalls: 2, soloGas: 500_000 };
  const long = evmWith(new CodeCache({ jit: 'auto', tierUp: solo }), sumLoop(20_000));
  assert.equal(bytesToHex(long.runCall({ caller: CALLER, to: TARGET, gas: 30_000_000n }).output), word((20_000n * 20_001n) / 2n));
  assert.equal(long.codeCache.stats.compilations, 1, 'a call past soloGas was not compiled');
  const shorter = evmWith(new CodeCache({ jit: 'auto', tierUp: solo }), sumLoop(5000));
  shorter.runCall({ caller: CALLER, to: TARGET, gas: 30_000_000n });
  assert.equal(shorter.codeCache.stats.compilations, 0, 'a call of 275,000 gas was compiled');
});

test('with a step tracer the interpreter runs, never compiled code', () => {
  const evm = evmWith('always', asm('1 2 ADD STOP'));
  const lines: string[] = [];
  evm.runCall({ caller: CALLER, to: TARGET, gas: 100_000n, tracer: createJsonTracer((l) => lines.push(l)) });
  assert.equal(lines.length, 4);
  assert.equal(evm.codeCache.stats.compilations, 0);
});

/** Compiles every region of `code` as 'always' would, and returns the total source size. */
function compileAll(code: Uint8Array): { source: string; declined: number } {
  const table = getOpcodeTable(getRules('Osaka'));
  const analysis = analyzeCode(code);
  const blocks = analyzeBlocks(code, table, analysis.jumpDestinations);
  const plan = planRegions(code, blocks);
  let source = '';
  let declined = 0;
  for (let r = 0; r < plan.regions; r++) {
    const text = generateRegion(code, table, blocks, analysis, plan, r);
    if (text === undefined) declined++;
    else source += text;
  }
  return { source, declined };
}

test('hostile code cannot make the generated source large: it is bounded per byte of bytecode', () => {
  const cases: [string, Uint8Array][] = [
    ['24 KiB of JUMPDESTs', new Uint8Array(24 * 1024).fill(0x5b)],
    ['10^4 tiny blocks (PUSH1 1, PUSH1 3, JUMPI)', hexToBytes('0x' + '600160035757'.repeat(10_000).slice(0, 24 * 1024 * 2))],
    ['a deep PUSH/POP chain', hexToBytes('0x' + '6001'.repeat(1000) + '50'.repeat(1000) + '6001'.repeat(5000))],
    ['PUSH32 of large values', hexToBytes('0x' + ('7f' + 'ff'.repeat(32)).repeat(700))],
  ];
  for (const [name, code] of cases) {
    const { source } = compileAll(code);
    assert.ok(
      source.length <= DEFAULT_LIMITS.sourcePerByte * code.length + 1000,
      `${name}: ${source.length} chars for ${code.length} bytes`,
    );
  }
  // One straight-line block too large for V8 to optimise is left to the interpreter.
  assert.ok(compileAll(hexToBytes('0x' + '6001600101'.repeat(5000))).declined > 0);
});

test('only numeric literals from the program reach the generated source', () => {
  // Bytes that spell quotes, backslashes, backticks and "${" in PUSH data and as opcodes.
  const text = new TextEncoder().encode('"\'`\\${alert(1)}</script>');
  const bytes: number[] = [];
  for (let i = 0; i < 200; i++) bytes.push(0x7f, ...Array.from({ length: 32 }, (_, k) => text[(i + k) % text.length]!));
  for (const b of text) bytes.push(b);
  const { source } = compileAll(Uint8Array.from(bytes));
  const withoutPrelude = source.replaceAll('"use strict";', '');
  assert.doesNotMatch(withoutPrelude, /["'`\\$]/);
  for (const literal of withoutPrelude.match(/\b0x[0-9a-z]+n?\b|\b\d+n\b/g) ?? []) assert.match(literal, /^(0x[0-9a-f]+n?|\d+n)$/);
});

test('where code generation is forbidden, the interpreter runs everything', () => {
  const script = `
    import { createEvm } from ${JSON.stringify(new URL('../../create-evm.js', import.meta.url).href)};
    const evm = createEvm({ fork: 'Osaka', jit: 'always' });
    evm.setAccount('0x00000000000000000000000000000000000000aa', { code: Uint8Array.from([0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]) });
    const r = evm.runCall({ caller: '0x00000000000000000000000000000000000000c0', to: '0x00000000000000000000000000000000000000aa', gas: 100000n });
    console.log(JSON.stringify({ ok: r.success, last: r.output[31], stats: evm.codeCache.stats }));`;
  const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { ok: boolean; last: number; stats: { compilations: number; declined: number } };
  assert.deepEqual({ ok: out.ok, last: out.last, compiled: out.stats.compilations }, { ok: true, last: 42, compiled: 0 });
  assert.ok(out.stats.declined > 0);
});

test('the code cache: keyed by code hash, bounded, one per engine', () => {
  const cache = new CodeCache({ capacity: 2 });
  const a = hexToBytes('0x600100');
  const sameAsA = hexToBytes('0x600100');
  assert.equal(cache.entry(a), cache.entry(sameAsA), 'equal code in another array is the same entry');
  assert.equal(cache.stats.analyses, 1);
  cache.entry(hexToBytes('0x600200'));
  cache.entry(hexToBytes('0x600300'));
  assert.equal(cache.size, 2, 'the least recently used entry was not dropped');
  cache.entry(a);
  assert.equal(cache.stats.analyses, 4, 'a dropped entry is analysed again');
  const one = createEvm({ jit: 'always' });
  const two = createEvm({ jit: 'always' });
  assert.notEqual(one.codeCache, two.codeCache);
});

test('PUSH values on a page of the code past 4 kB, decoded on the first pass and read back on the second, on both tiers', () => {
  // PUSH32 a, then 5,100 bytes of PUSH1 0 POP, then twice: PUSH2 0xabcd ADD, PUSH32 c ADD.
  const a = (1n << 255n) + 5n;
  const c = 0x1122334455667788990011223344556677889900112233445566778899001122n;
  const hex = (n: bigint, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
  const head = '7f' + hex(a, 32) + '600050'.repeat(1700);
  const loop = head.length / 2; // pc of the next JUMPDEST
  const body =
    '5b' + // loop: JUMPDEST
    '61abcd01' + // PUSH2 0xabcd ADD
    '7f' +
    hex(c, 32) +
    '01' + // PUSH32 c ADD
    '600054' + // PUSH1 0 SLOAD (the pass counter)
    '80600101600055' + // DUP1 PUSH1 1 ADD PUSH1 0 SSTORE
    '15' +
    '61' +
    hex(BigInt(loop), 2) +
    '57' + // ISZERO PUSH2 loop JUMPI: a second pass
    '60005260206000f3'; // PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
  const expected = (a + 2n * (0xabcdn + c)) & ((1n << 256n) - 1n);
  const result = both('0x' + head + body, { gas: 1_000_000n });
  assert.equal(result.output, word(expected));
});
