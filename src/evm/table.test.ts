/**
 * Every fork's dispatch table is complete and consistent, and the fork rules carry the gas
 * constants of the specifications. The expected values here are written from the Yellow Paper
 * (Appendix G, H) and the EIPs cited beside them, not read from the declarations under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORK_ORDER, forkIndex, getRules, type ForkName, type Rules } from '../forks/index.js';
import { IMMEDIATE_SIZE, JUMPDEST, OPCODES } from './opcodes/index.js';
import { getOpcodeTable } from './table.js';
import { INLINED_OPCODES } from './interpreter.js';
import { FUSED, MAX_BLOCK_INSTRUCTIONS } from './blocks.js';
import { Frame } from './frame.js';
import { CodeCache } from './code-cache.js';
import type { Environment, Message } from '../host/index.js';

/** Frontier's instruction set (Yellow Paper, Appendix H), counting 0xfe, the designated INVALID. */
const FRONTIER_OPCODE_COUNT =
  12 + // 0x00-0x0b STOP..SIGNEXTEND
  11 + // 0x10-0x1a LT..BYTE
  1 + // 0x20 KECCAK256
  13 + // 0x30-0x3c ADDRESS..EXTCODECOPY
  6 + // 0x40-0x45 BLOCKHASH..GASLIMIT
  12 + // 0x50-0x5b POP..JUMPDEST
  32 +
  16 +
  16 + // PUSH1-32, DUP1-16, SWAP1-16
  5 + // LOG0-4
  4 + // 0xf0-0xf3 CREATE, CALL, CALLCODE, RETURN
  2; // 0xfe INVALID, 0xff SELFDESTRUCT

/** Every opcode added after Frontier, with the fork (and EIP) that added it. */
const ARRIVALS: [code: number, name: string, fork: ForkName][] = [
  [0xf4, 'DELEGATECALL', 'Homestead'], // EIP-7
  [0x3d, 'RETURNDATASIZE', 'Byzantium'], // EIP-211
  [0x3e, 'RETURNDATACOPY', 'Byzantium'], // EIP-211
  [0xfa, 'STATICCALL', 'Byzantium'], // EIP-214
  [0xfd, 'REVERT', 'Byzantium'], // EIP-140
  [0x1b, 'SHL', 'Constantinople'], // EIP-145
  [0x1c, 'SHR', 'Constantinople'], // EIP-145
  [0x1d, 'SAR', 'Constantinople'], // EIP-145
  [0x3f, 'EXTCODEHASH', 'Constantinople'], // EIP-1052
  [0xf5, 'CREATE2', 'Constantinople'], // EIP-1014
  [0x46, 'CHAINID', 'Istanbul'], // EIP-1344
  [0x47, 'SELFBALANCE', 'Istanbul'], // EIP-1884
  [0x48, 'BASEFEE', 'London'], // EIP-3198
  [0x5f, 'PUSH0', 'Shanghai'], // EIP-3855
  [0x5c, 'TLOAD', 'Cancun'], // EIP-1153
  [0x5d, 'TSTORE', 'Cancun'], // EIP-1153
  [0x5e, 'MCOPY', 'Cancun'], // EIP-5656
  [0x49, 'BLOBHASH', 'Cancun'], // EIP-4844
  [0x4a, 'BLOBBASEFEE', 'Cancun'], // EIP-7516
  [0x1e, 'CLZ', 'Osaka'], // EIP-7939
];

/** Instructions that halt the frame or move pc elsewhere: nothing after them in code runs next. */
const HALTS_OR_JUMPS = ['STOP', 'JUMP', 'JUMPI', 'RETURN', 'REVERT', 'INVALID', 'SELFDESTRUCT'];

/**
 * Instructions whose result depends on the gas left: GAS; the CALL and CREATE families, which
 * forward all but a 64th of it (EIP-150); SSTORE, which fails with 2300 or less left (EIP-2200).
 */
const OBSERVES_GAS = ['GAS', 'CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL', 'CREATE', 'CREATE2', 'SSTORE'];

const byName = new Map(OPCODES.map((op) => [op.name, op]));
const available = (fork: ForkName) => OPCODES.filter((op) => forkIndex(fork) >= forkIndex(op.since));

test('each opcode byte is declared once', () => {
  const codes = OPCODES.map((op) => op.code);
  assert.equal(new Set(codes).size, codes.length, 'a byte declared twice');
  assert.equal(new Set(OPCODES.map((op) => op.name)).size, codes.length, 'a name declared twice');
  for (const code of codes) assert.ok(Number.isInteger(code) && code >= 0 && code < 256, `code ${code}`);
});

test('every fork has exactly its opcodes, each arriving at its fork', () => {
  for (const [code, name, fork] of ARRIVALS) {
    const op = byName.get(name);
    assert.ok(op, `${name} is declared`);
    assert.equal(op.code, code, name);
    assert.equal(op.since, fork, name);
  }
  const arrived = new Set(ARRIVALS.map(([, name]) => name));
  for (const op of OPCODES)
    if (!arrived.has(op.name)) assert.equal(op.since, 'Frontier', `${op.name} arrived later than Frontier unannounced`);
  let expected = FRONTIER_OPCODE_COUNT;
  for (const fork of FORK_ORDER) {
    expected += ARRIVALS.filter(([, , since]) => since === fork).length;
    const table = getOpcodeTable(getRules(fork));
    const present = [...Array(256).keys()].filter((b) => table.handlers[b] !== table.invalid);
    assert.equal(present.length, expected, `${fork}: number of opcodes`);
    for (const [code, name, since] of ARRIVALS) {
      const has = table.handlers[code] !== table.invalid;
      assert.equal(has, forkIndex(fork) >= forkIndex(since), `${fork}: ${name}`);
    }
  }
});

test("every fork's table: a handler for each byte, the declared one or the invalid one", () => {
  for (const fork of FORK_ORDER) {
    const rules = getRules(fork);
    const table = getOpcodeTable(rules);
    assert.equal(table.handlers.length, 256, fork);
    assert.equal(table.names.length, 256, fork);
    const declared = new Map(available(fork).map((op) => [op.code, op]));
    for (let b = 0; b < 256; b++) {
      const handler = table.handlers[b];
      assert.equal(typeof handler, 'function', `${fork}: byte ${b}`);
      const op = declared.get(b);
      if (op === undefined) {
        assert.equal(handler, table.invalid, `${fork}: byte ${b} is not an opcode`);
        assert.equal(table.endsBlock[b], 1, `${fork}: byte ${b} halts, so it ends its block`);
        continue;
      }
      assert.equal(handler, op.handler, `${fork}: ${op.name}`);
      const gas = typeof op.gas === 'function' ? op.gas(rules) : op.gas;
      assert.ok(Number.isInteger(gas) && gas >= 0, `${fork}: ${op.name} static gas ${gas}`);
      assert.equal(table.staticGas[b], gas, `${fork}: ${op.name}`);
      assert.equal(table.minStack[b], op.inputs, `${fork}: ${op.name}`);
      assert.equal(table.stackChange[b], op.outputs - op.inputs, `${fork}: ${op.name}`);
    }
  }
});

test('stack inputs and outputs: at most one output, except the DUP and SWAP patterns', () => {
  for (const op of OPCODES) {
    assert.ok(Number.isInteger(op.inputs) && op.inputs >= 0 && op.inputs <= 17, `${op.name} inputs`);
    const dup = /^DUP(\d+)$/.exec(op.name);
    const swap = /^SWAP(\d+)$/.exec(op.name);
    if (dup) {
      const n = Number(dup[1]);
      assert.deepEqual([op.code, op.inputs, op.outputs], [0x7f + n, n, n + 1], op.name);
    } else if (swap) {
      const n = Number(swap[1]);
      assert.deepEqual([op.code, op.inputs, op.outputs], [0x8f + n, n + 1, n + 1], op.name);
    } else {
      assert.ok(op.outputs === 0 || op.outputs === 1, `${op.name} outputs`);
    }
  }
  // Spot checks from the Yellow Paper: CALL takes seven, DELEGATECALL and STATICCALL six (EIP-7, EIP-214).
  assert.equal(byName.get('CALL')!.inputs, 7);
  assert.equal(byName.get('DELEGATECALL')!.inputs, 6);
  assert.equal(byName.get('STATICCALL')!.inputs, 6);
  assert.equal(byName.get('CREATE2')!.inputs, 4);
  assert.equal(byName.get('LOG4')!.inputs, 6);
});

test('immediate sizes: PUSHn is followed by n bytes, nothing else by any', () => {
  for (let b = 0; b < 256; b++) {
    const expected = b >= 0x60 && b <= 0x7f ? b - 0x5f : 0; // PUSH1 (0x60) .. PUSH32 (0x7f)
    assert.equal(IMMEDIATE_SIZE[b], expected, `byte 0x${b.toString(16)}`);
  }
  for (const op of OPCODES) assert.equal(IMMEDIATE_SIZE[op.code], op.immediate ?? 0, op.name);
  assert.equal(byName.get('PUSH0')!.immediate ?? 0, 0); // EIP-3855
  assert.equal(JUMPDEST, byName.get('JUMPDEST')!.code);
  // One table serves every fork only while every opcode with immediate data exists in all of them.
  for (const op of OPCODES) if ((op.immediate ?? 0) > 0) assert.equal(op.since, 'Frontier', op.name);
});

test('blocks end after every jump, halt and look at the gas left, and nowhere else', () => {
  const halts = OPCODES.filter((op) => op.endsBlock === true).map((op) => op.name);
  const observes = OPCODES.filter((op) => op.observesGas === true).map((op) => op.name);
  assert.deepEqual(halts.sort(), [...HALTS_OR_JUMPS].sort());
  assert.deepEqual(observes.sort(), [...OBSERVES_GAS].sort());
  for (const fork of FORK_ORDER) {
    const table = getOpcodeTable(getRules(fork));
    for (const op of available(fork)) {
      const ends = HALTS_OR_JUMPS.includes(op.name) || OBSERVES_GAS.includes(op.name);
      assert.equal(table.endsBlock[op.code], ends ? 1 : 0, `${fork}: ${op.name}`);
    }
  }
});

test("the interpreter's inlined opcodes are Frontier's, in every fork; its fused ones are no fork's", () => {
  // interpret() runs these without the table, so no fork may lack them or give them another handler.
  const frontier = new Map(available('Frontier').map((op) => [op.code, op]));
  for (const fork of FORK_ORDER) {
    const table = getOpcodeTable(getRules(fork));
    for (const code of INLINED_OPCODES) {
      const op = frontier.get(code);
      assert.ok(op !== undefined, `0x${code.toString(16)} is not a Frontier opcode`);
      assert.equal(table.handlers[code], op.handler, `${fork}: ${op.name}`);
    }
    for (const code of FUSED) assert.equal(table.handlers[code], table.invalid, `${fork}: 0x${code.toString(16)} is an opcode`);
  }
});

test("a block's static gas fits the analysis' 32-bit integers in every fork", () => {
  // blocks.ts keeps a block's summed static gas in an Int32Array and cuts blocks at
  // MAX_BLOCK_INSTRUCTIONS: that is exact only while no instruction's static gas is too large.
  for (const fork of FORK_ORDER) {
    const table = getOpcodeTable(getRules(fork));
    const largest = Math.max(...table.staticGas);
    assert.ok(largest * MAX_BLOCK_INSTRUCTIONS <= 2 ** 31 - 1, `${fork}: static gas ${largest}`);
  }
});

/** The rules' opcode gas constants, all of which must be plain non-negative integers. */
const GAS_FIELDS = [
  'gasSload',
  'gasBalance',
  'gasExtcodeSize',
  'gasExtcodeHash',
  'gasCall',
  'gasSelfdestruct',
  'gasExpByte',
  'gasWarmAccess',
  'gasColdAccountAccess',
  'gasColdSload',
  'gasSstoreSet',
  'gasSstoreReset',
  'gasSstoreNoop',
  'gasSstoreSentry',
  'sstoreClearsScheduleRefund',
  'selfdestructRefund',
  'gasCallValue',
  'gasNewAccount',
  'gasCallStipend',
  'gasCopyWord',
  'gasKeccakWord',
  'gasInitcodeWord',
  'gasLogData',
] as const satisfies readonly (keyof Rules)[];

test('fork gas constants are numbers', () => {
  for (const fork of FORK_ORDER) {
    const rules = getRules(fork);
    for (const field of GAS_FIELDS) {
      const value = rules[field];
      assert.ok(typeof value === 'number' && Number.isInteger(value) && value >= 0, `${fork}: ${field} = ${String(value)}`);
    }
  }
});

test("fork gas constants have the specifications' values", () => {
  const expect = (fork: ForkName, values: Partial<Record<(typeof GAS_FIELDS)[number], number>>) => {
    const rules = getRules(fork);
    for (const [field, value] of Object.entries(values)) assert.equal(rules[field as keyof Rules], value, `${fork}: ${field}`);
  };
  // Yellow Paper, Appendix G: constant in every fork.
  for (const fork of FORK_ORDER) {
    expect(fork, {
      gasSstoreSet: 20000,
      gasSstoreReset: 5000,
      gasCallValue: 9000,
      gasNewAccount: 25000,
      gasCallStipend: 2300,
      gasCopyWord: 3,
      gasKeccakWord: 6,
      gasLogData: 8,
    });
  }
  expect('Frontier', {
    gasSload: 50,
    gasBalance: 20,
    gasCall: 40,
    gasExpByte: 10,
    gasSelfdestruct: 0,
    sstoreClearsScheduleRefund: 15000,
    selfdestructRefund: 24000,
    gasSstoreNoop: 0,
    gasSstoreSentry: 0,
    gasInitcodeWord: 0,
  });
  // EIP-150.
  expect('TangerineWhistle', { gasSload: 200, gasBalance: 400, gasExtcodeSize: 700, gasCall: 700, gasSelfdestruct: 5000 });
  // EIP-160.
  expect('SpuriousDragon', { gasExpByte: 50 });
  // EIP-1283 (Constantinople only; EIP-1716 removed it in Petersburg): a no-op or dirty write costs 200.
  expect('Constantinople', { gasSstoreNoop: 200, gasSstoreSentry: 0 });
  expect('Petersburg', { gasSstoreNoop: 0 });
  // EIP-1884 and EIP-2200: no-op or dirty write at the new SLOAD price, 800; the 2300 sentry.
  expect('Istanbul', {
    gasSload: 800,
    gasBalance: 700,
    gasExtcodeHash: 700,
    gasSstoreNoop: 800,
    gasSstoreSentry: 2300,
    gasColdSload: 0,
    gasWarmAccess: 0,
    gasColdAccountAccess: 0,
  });
  // EIP-2929: WARM_STORAGE_READ_COST 100, COLD_ACCOUNT_ACCESS_COST 2600, COLD_SLOAD_COST 2100.
  expect('Berlin', {
    gasWarmAccess: 100,
    gasColdAccountAccess: 2600,
    gasColdSload: 2100,
    gasSstoreNoop: 100,
    gasSstoreSentry: 2300,
    sstoreClearsScheduleRefund: 15000,
    selfdestructRefund: 24000,
  });
  // EIP-3529: SSTORE_CLEARS_SCHEDULE = 5000 - 2100 + 1900 = 4800; no SELFDESTRUCT refund.
  expect('London', { sstoreClearsScheduleRefund: 4800, selfdestructRefund: 0, gasWarmAccess: 100 });
  // EIP-3860: INITCODE_WORD_COST 2.
  expect('Paris', { gasInitcodeWord: 0 });
  expect('Shanghai', { gasInitcodeWord: 2 });
  expect('Osaka', {
    gasWarmAccess: 100,
    gasColdAccountAccess: 2600,
    gasColdSload: 2100,
    sstoreClearsScheduleRefund: 4800,
    gasInitcodeWord: 2,
  });
});

test("each declaration's `pure` and `read` functions agree with its handler", () => {
  const rules = getRules('Osaka');
  const code = Uint8Array.from([0x60, 0x01, 0x00]);
  const message: Message = {
    caller: '0x00000000000000000000000000000000000000c0',
    address: '0x00000000000000000000000000000000000000aa',
    codeAddress: '0x00000000000000000000000000000000000000aa',
    value: 123456789n,
    data: Uint8Array.from({ length: 70 }, (_, i) => (i * 37 + 11) & 0xff),
    code,
    codeKind: 'evm',
    gas: 1_000_000,
    depth: 0,
    isStatic: false,
    isCreate: false,
    transfersValue: true,
  };
  const env = { rules, tracer: undefined } as unknown as Environment;
  const edges = [0n, 1n, 2n, 31n, 32n, 69n, 255n, 256n, (1n << 255n) - 1n, 1n << 255n, (1n << 256n) - 1n];
  let seed = 12345n;
  const random = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 256n) - 1n));
  let checked = 0;
  for (const op of OPCODES) {
    if (op.pure === undefined && op.read === undefined) continue;
    for (let trial = 0; trial < 60; trial++) {
      const inputs = Array.from({ length: op.inputs }, (_, k) => (trial < edges.length ? edges[(trial + k) % edges.length]! : random()));
      const frame = new Frame(message, env, new CodeCache().entry(code));
      for (let k = inputs.length - 1; k >= 0; k--) frame.stack[frame.sp++] = inputs[k]!;
      frame.pc = 1;
      op.handler(frame);
      assert.equal(frame.sp, 1, `${op.name}: stack height`);
      const expected = op.pure !== undefined ? op.pure(...inputs) : op.read!(frame, ...inputs);
      assert.equal(frame.stack[0], expected, `${op.name}(${inputs.join(', ')})`);
      checked++;
    }
  }
  assert.ok(checked >= 30 * 60, `only ${checked} checks`);
});
