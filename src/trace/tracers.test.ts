import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToBytes } from '../primitives/bytes.js';
import { getRules } from '../forks/index.js';
import { WorldState } from '../state/world-state.js';
import { Account } from '../state/account.js';
import { runTransaction } from '../exec/transaction.js';
import type { BlockContext, TracedEnter, TracedExit, Tracer } from '../host/index.js';
import type { Transaction } from '../tx/index.js';
import { feeMarketTransaction } from '../tx/types.js';
import { createTracer, TracerConfigError, UnknownTracerError } from './index.js';
import { createStructLogger } from './struct-logger.js';
import { word } from './json.js';
import { createAddress } from '../primitives/address.js';

const SENDER = '0x1000000000000000000000000000000000000001';
const A = '0x2000000000000000000000000000000000000002';
const B = '0x3000000000000000000000000000000000000003';
const C = '0x4000000000000000000000000000000000000004';
const D = '0x6000000000000000000000000000000000000006';
const E = '0x5000000000000000000000000000000000000005';
const rules = getRules('Cancun');

// B: store 0x01 at memory 0, REVERT(0, 1)
const revertingCode = '600160005360016000fd';
// A: CALL B (reverts); STATICCALL the identity precompile; CREATE a contract (initcode RETURN(0, 1));
// CALL C with 1000 wei A does not have; SELFDESTRUCT to C.
const callerCode =
  '6000600060006000600073' +
  B.slice(2) +
  '61fffff150' +
  '60006000600060006004' +
  '61fffffa50' +
  '646001600' +
  '0f3600052' +
  '6005601b6000f050' +
  '60006000600060006103e873' +
  C.slice(2) +
  '61fffff150' +
  '73' +
  C.slice(2) +
  'ff';

function put(state: WorldState, address: string, code: string, balance = 0n, storage: [bigint, bigint][] = []): void {
  const account = new Account();
  account.balance = balance;
  account.setCode(hexToBytes(code));
  state.putAccount(address, account);
  for (const [slot, value] of storage) state.setStorage(address, slot, value);
}

function setup(): WorldState {
  const state = new WorldState();
  put(state, SENDER, '0x', 10n ** 18n);
  put(state, A, '0x' + callerCode, 5n);
  put(state, B, '0x' + revertingCode);
  return state;
}

const block: BlockContext = {
  coinbase: '0x' + 'cc'.repeat(20),
  number: 1n,
  timestamp: 1n,
  gasLimit: 30_000_000n,
  baseFee: 7n,
  prevRandao: 0n,
  difficulty: 0n,
  blobBaseFee: 1n,
  chainId: 1n,
  blockHash: () => 0n,
};

const tx: Transaction = feeMarketTransaction({
  chainId: 1n,
  nonce: 0n,
  maxPriorityFeePerGas: 1n,
  maxFeePerGas: 100n,
  gasLimit: 1_000_000n,
  to: A,
});

test('a tracer sees enter and exit for each call, revert, precompile, create, refused call and self-destruct', () => {
  const events: string[] = [];
  const exits: TracedExit[] = [];
  let started = 0;
  let ended = 0n;
  const tracer: Tracer = {
    txStart: (s) => {
      started++;
      assert.equal(s.sender, SENDER);
      assert.equal(s.to, A);
      assert.equal(s.host.getNonce(SENDER), 0n, 'txStart comes before the nonce moves');
    },
    enter: (e: TracedEnter) => events.push(`enter ${e.type} ${e.depth} ${e.from}->${e.to} value=${e.value}`),
    exit: (e: TracedExit) => {
      exits.push(e);
      events.push(`exit ${e.depth} ${e.error ?? 'ok'}`);
    },
    txEnd: (e) => {
      ended = e.gasUsed;
    },
  };
  const result = runTransaction(setup(), tx, SENDER, block, rules, { tracer });
  assert.equal(result.success, true, result.error);
  const created = events
    .find((e) => e.startsWith('enter CREATE'))!
    .split('->')[1]!
    .split(' ')[0]!;
  assert.deepEqual(events, [
    `enter CALL 0 ${SENDER}->${A} value=0`,
    `enter CALL 1 ${A}->${B} value=0`,
    'exit 1 execution reverted',
    `enter STATICCALL 1 ${A}->0x0000000000000000000000000000000000000004 value=undefined`,
    'exit 1 ok',
    `enter CREATE 1 ${A}->${created} value=0`,
    'exit 1 ok',
    `enter CALL 1 ${A}->${C} value=1000`,
    'exit 1 insufficient balance for transfer',
    `enter SELFDESTRUCT 1 ${A}->${C} value=5`,
    'exit 1 ok',
    'exit 0 ok',
  ]);
  assert.deepEqual([...exits[0]!.output], [1], "the revert's data");
  assert.equal(exits[3]!.gasUsed, 0n, 'a refused call uses no gas');
  assert.deepEqual([...exits[2]!.output], [0], "the created contract's code");
  assert.equal(started, 1);
  assert.equal(ended, result.gasUsed);
});

test('the call tracer nests the frames as geth does', () => {
  const tracer = createTracer('callTracer', { withLog: true });
  runTransaction(setup(), tx, SENDER, block, rules, { tracer });
  const out = tracer.result() as Record<string, unknown> & { calls: Record<string, unknown>[] };
  assert.equal(out.type, 'CALL');
  assert.equal(out.gas, '0xf4240');
  assert.deepEqual(
    out.calls.map((c) => [c.type, c.error ?? null]),
    [
      ['CALL', 'execution reverted'],
      ['STATICCALL', null],
      ['CREATE', null],
      ['CALL', 'insufficient balance for transfer'],
      ['SELFDESTRUCT', null],
    ],
  );
  assert.equal(out.calls[0]!.output, '0x01');
  assert.equal('value' in out.calls[1]!, false, 'a STATICCALL has no value');
});

test('DELEGATECALL and CALLCODE to an EIP-7702 delegated account report the account named, not its delegate', () => {
  // A: DELEGATECALL D, CALLCODE D, STOP. D delegates to E, whose code stores 1 at slot 0.
  const code = '6000600060006000' + '73' + D.slice(2) + '61fffff450' + '60006000600060006000' + '73' + D.slice(2) + '61fffff250' + '00';
  const state = new WorldState();
  put(state, SENDER, '0x', 10n ** 18n);
  put(state, A, '0x' + code);
  put(state, D, '0xef0100' + E.slice(2));
  put(state, E, '0x600160005500');
  const tracer = createTracer('callTracer', {});
  runTransaction(state, tx, SENDER, block, getRules('Prague'), { tracer });
  const out = tracer.result() as { calls: Record<string, unknown>[] };
  assert.deepEqual(
    out.calls.map((c) => [c.type, c.to, c.error ?? null]),
    [
      ['DELEGATECALL', D, null],
      ['CALLCODE', D, null],
    ],
  );
  // The delegate's code ran in A's storage.
  assert.equal(state.getStorage(A, 0n), 1n);
});

test('struct logger: an instruction that cannot pay its memory expansion logs the whole charge, as geth does', () => {
  // PUSH3 0x03ffff MLOAD: reads the word at 0x3ffff, so memory grows to 8193 words.
  const state = new WorldState();
  put(state, SENDER, '0x', 10n ** 18n);
  put(state, A, '0x6203ffff5100');
  const tracer = createStructLogger();
  runTransaction(state, { ...tx, gasLimit: 21_000n + 1000n }, SENDER, block, rules, { tracer });
  const out = tracer.result() as { failed: boolean; structLogs: { op: string; gasCost: number; error?: string }[] };
  const words = 8193;
  const expansion = 3 * words + Math.floor((words * words) / 512);
  assert.equal(out.failed, true);
  assert.deepEqual(
    out.structLogs.map((l) => [l.op, l.gasCost, l.error ?? null]),
    [
      ['PUSH3', 3, null],
      ['MLOAD', 3 + expansion, 'out of gas'],
    ],
  );
});

test('tracing changes nothing: the same gas and state with and without a tracer, and no steps for a frame-only tracer', () => {
  const plain = setup();
  const untraced = runTransaction(plain, tx, SENDER, block, rules);
  const traced = setup();
  let frames = 0;
  const steps: Tracer = {
    enter: () => frames++,
  };
  const result = runTransaction(traced, tx, SENDER, block, rules, { tracer: steps });
  assert.equal(result.gasUsed, untraced.gasUsed);
  assert.equal(frames, 6);
  for (const address of [SENDER, A, B, C]) {
    assert.equal(traced.getBalance(address), plain.getBalance(address));
    assert.equal(traced.getNonce(address), plain.getNonce(address));
  }
});

test('createTracer names an unknown tracer and rejects a bad config', () => {
  assert.throws(() => createTracer('fancyTracer'), UnknownTracerError);
  assert.throws(() => createTracer('callTracer', { onlyTopCall: 'yes' }), /onlyTopCall must be true or false/);
  assert.throws(() => createTracer('prestateTracer', { diffMode: true, includeEmpty: true }), /diffMode with includeEmpty/);
  const mux = createTracer('muxTracer', { '4byteTracer': {}, noopTracer: {} });
  runTransaction(setup(), { ...tx, to: B, data: hexToBytes('0xa9059cbb00') }, SENDER, block, rules, { tracer: mux });
  assert.deepEqual(mux.result(), { '4byteTracer': { '0xa9059cbb-1': 1 }, noopTracer: {} });
});

// D's code, one instruction group a line.
const code = [
  '602a600052', // MSTORE(0, 42)
  '602060002050', // KECCAK256(0, 32)
  '604060102050', // KECCAK256(16, 64): 48 bytes past the end of memory, padded with zeros
  '60015450', // SLOAD(1): read before any write, its value kept
  '6005600155', // SSTORE(1, 5)
  '60015450', // SLOAD(1) again: not a new read
  '6009600355', // SSTORE(3, 9)
  '60035450', // SLOAD(3) after the frame wrote it: not a read
  '60045c50', // TLOAD(4)
  '600160045d', // TSTORE(4, 1)
  '73' + B.slice(2) + '3b1550', // EXTCODESIZE(B) then ISZERO: allowed, not listed
  '73' + C.slice(2) + '3f50', // EXTCODEHASH(C): listed
  '5a50', // GAS not followed by a call: counted
  '6000600060006000600073' + E.slice(2) + '5af150', // CALL E with GAS: GAS not counted
  '00',
].join('');

/** setup()'s accounts, D, and E whose code (JUMPDEST PUSH1 0 JUMP) loops until out of gas. */
function setupValidation(): WorldState {
  const state = setup();
  put(state, D, '0x' + code, 0n, [[1n, 7n]]);
  put(state, E, '0x5b600056');
  return state;
}

type TraceFrame = Record<string, unknown> & { calls?: TraceFrame[] };

function trace(config?: unknown): TraceFrame {
  const tracer = createTracer('erc7562Tracer', config);
  runTransaction(setupValidation(), { ...tx, to: D, gasLimit: 300_000n }, SENDER, block, rules, { tracer });
  return tracer.result() as TraceFrame;
}

test('erc7562Tracer: storage, transient storage, code access, opcodes and preimages of a frame', () => {
  const root = trace();
  assert.equal(root.type, 'CALL');
  assert.equal(root.to, D);
  assert.deepEqual(root.accessedSlots, {
    reads: { [word(1n)]: [word(7n)] },
    writes: { [word(1n)]: 1, [word(3n)]: 1 },
    transientReads: { [word(4n)]: 1 },
    transientWrites: { [word(4n)]: 1 },
  });
  assert.deepEqual(root.extCodeAccessInfo, [C]);
  assert.deepEqual(root.contractSize, {
    [B]: { contractSize: 10, opcode: 0x3b },
    [C]: { contractSize: 0, opcode: 0x3f },
    [E]: { contractSize: 4, opcode: 0xf1 },
  });
  // PUSH, POP and ISZERO are not counted; GAS once (the one before CALL is allowed).
  assert.deepEqual(root.usedOpcodes, {
    '0x0': 1,
    '0x20': 2,
    '0x3b': 1,
    '0x3f': 1,
    '0x52': 1,
    '0x54': 3,
    '0x55': 2,
    '0x5a': 1,
    '0x5c': 1,
    '0x5d': 1,
    '0xf1': 1,
  });
  assert.equal(root.outOfGas, false);
  const w42 = word(42n);
  const padded = '0x' + w42.slice(2 + 32) + '00'.repeat(48);
  assert.deepEqual(root.keccak, [w42, padded].sort());
  assert.equal(padded.length, 2 + 128);

  const [call] = root.calls!;
  assert.equal(call!.to, E);
  assert.equal(call!.error, 'out of gas');
  assert.equal(call!.outOfGas, true);
  assert.equal('keccak' in call!, false, 'the preimages are on the top frame only');
  const used = call!.usedOpcodes as Record<string, number>;
  assert.deepEqual(Object.keys(used), ['0x56', '0x5b']);
  assert.ok(used['0x5b']! > 100 && used['0x56']! >= used['0x5b']! - 1 && used['0x56']! <= used['0x5b']!);
});

test('erc7562Tracer: ignoredOpcodes replaces the default list; a bad config is named', () => {
  const root = trace({ ignoredOpcodes: ['0x0', '0x20'] });
  const used = root.usedOpcodes as Record<string, number>;
  assert.equal(used['0x0'], undefined);
  assert.equal(used['0x20'], undefined);
  assert.equal(used['0x60'], 21, 'PUSH1 is counted once no longer ignored');
  assert.equal(used['0x73'], 3);
  assert.equal(used['0x50'], 10);
  assert.equal(used['0x15'], 1);
  assert.throws(() => createTracer('erc7562Tracer', { ignoredOpcodes: ['0x100'] }), /ignoredOpcodes\[0\] must be an opcode/);
  assert.throws(() => createTracer('erc7562Tracer', { withLog: 1 }), TracerConfigError);
  assert.throws(() => createTracer('erc7562Tracer', { stackTopItemsSize: -1 }), /stackTopItemsSize/);
});

test('callTracerLegacy: calls rebuilt from the instructions, in the JS tracer’s format', () => {
  const tracer = createTracer('callTracerLegacy');
  const result = runTransaction(setup(), tx, SENDER, block, rules, { tracer });
  const out = tracer.result() as Record<string, unknown> & { calls: Record<string, unknown>[] };
  assert.deepEqual(
    { ...out, calls: undefined },
    {
      type: 'CALL',
      from: SENDER,
      to: A,
      value: '0x0',
      gas: '0xf4240',
      gasUsed: '0x' + result.gasUsed.toString(16),
      input: '0x',
      output: '0x',
      calls: undefined,
    },
  );
  // B: PUSH1 PUSH1 MSTORE8 (with a word of memory) PUSH1 PUSH1 REVERT = 18 gas of the 0xffff given.
  assert.deepEqual(out.calls[0], {
    type: 'CALL',
    from: A,
    to: B,
    value: '0x0',
    gas: '0xffff',
    gasUsed: '0x12',
    input: '0x',
    error: 'execution reverted',
  });
  // The STATICCALL to the identity precompile is left out; the create shows its code.
  const create = out.calls[1]!;
  assert.equal(create.type, 'CREATE');
  assert.equal(create.to, createAddress(A, 0n));
  assert.equal(create.input, '0x60016000f3');
  assert.equal(create.output, '0x00');
  assert.equal(create.gasUsed, '0xd1', 'PUSH1 PUSH1 RETURN with a word of memory (9) and one byte of code (200)');
  assert.ok(typeof create.gas === 'string');
  // A call that ran no code has no gas; its failure is not shown by any instruction.
  assert.deepEqual(out.calls[2], { type: 'CALL', from: A, to: C, value: '0x3e8', input: '0x', error: 'internal failure' });
  assert.deepEqual(out.calls[3], { type: 'SELFDESTRUCT', from: A, to: C, value: '0x5' });
  assert.equal(out.calls.length, 4);
});

test('prestateTracerLegacy: every account touched, with code, nonce and storage, balances worked back', () => {
  const tracer = createTracer('prestateTracerLegacy');
  const state = setupValidation();
  const result = runTransaction(state, { ...tx, to: D, gasLimit: 300_000n }, SENDER, block, rules, { tracer });
  const out = tracer.result() as Record<string, { balance: string; code: string; nonce: number; storage: Record<string, string> }>;
  const account = (balance: bigint, code: string, storage: Record<string, string> = {}) => ({
    balance: '0x' + balance.toString(16),
    code,
    nonce: 0,
    storage,
  });
  assert.deepEqual(out, {
    // The sender gets back the value and the gas at its tip (1 of the 8 paid): as geth's JS tracer does.
    [SENDER]: account(10n ** 18n - 7n * result.gasUsed, '0x'),
    // EXTCODESIZE, EXTCODEHASH and the call bring in B, C and E; D's slots as they were before.
    [D]: account(0n, '0x' + code, { [word(1n)]: word(7n), [word(3n)]: word(0n) }),
    [B]: account(0n, '0x' + revertingCode),
    [C]: account(0n, '0x'),
    [E]: account(0n, '0x5b600056'),
  });
});
