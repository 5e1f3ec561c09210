import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm } from '../create-evm.js';
import { bytesToBigint, hexToBytes } from '../primitives/bytes.js';
import type { ChildRunner, Environment, FrameRequest, FrameResult, Message, VirtualMachine, VmFrame } from '../host/index.js';
import { Status } from '../host/status.js';
import { getRules } from '../forks/index.js';
import { WorldState } from '../state/world-state.js';
import { Account } from '../state/account.js';
import { createEvmVm } from '../evm/frame.js';
import { FrameLoop } from './frame-loop.js';
import { codeResolver } from './code.js';

const CALLER = '0x1000000000000000000000000000000000000001';
const RECURSIVE = '0x2000000000000000000000000000000000000002';

// slot0 += 1; CALL(gas, ADDRESS, 0, 0, 0, 0, 0); STOP
const recursiveCode = hexToBytes('6000546001016000556000600060006000600030' + '5af100');

test('1024 nested calls run, the 1025th fails at the depth limit, without using the JavaScript stack', () => {
  const evm = createEvm({ fork: 'Cancun' });
  evm.setAccount(CALLER, { balance: 10n ** 18n });
  evm.setAccount(RECURSIVE, { code: recursiveCode });
  const run = () => evm.runCall({ caller: CALLER, to: RECURSIVE, gas: 10n ** 15n });
  // Run from deep inside the JavaScript stack: an interpreter that recursed per call would overflow.
  const nest = (n: number): ReturnType<typeof run> => (n === 0 ? run() : nest(n - 1));
  const result = nest(5000);
  assert.equal(result.success, true, result.error);
  // Frames at depths 0..1024 each increment the counter once.
  assert.equal(evm.state.getStorage(RECURSIVE, 0n), 1025n);
});

test('a call with more gas than available forwards all but 1/64 (EIP-150)', () => {
  const evm = createEvm({ fork: 'Cancun' });
  // Callee stores GAS in slot 0. Caller: CALL(0xffff..., callee, ...)
  const callee = '0x3000000000000000000000000000000000000003';
  evm.setAccount(callee, { code: hexToBytes('5a60005500') });
  const callerCode = hexToBytes(
    '6000600060006000600073' + callee.slice(2) + '7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' + 'f100',
  );
  evm.setAccount(RECURSIVE, { code: callerCode });
  evm.setAccount(CALLER, { balance: 10n ** 18n });
  const gas = 1_000_000n;
  const result = evm.runCall({ caller: CALLER, to: RECURSIVE, gas });
  assert.equal(result.success, true);
  // Before CALL: 7 pushes (3 each) = 21; CALL costs 100 warm? no: callee is cold, 2600.
  const left = Number(gas) - 21 - 2600;
  const forwarded = left - Math.floor(left / 64);
  // The callee's GAS opcode costs 2 and reports what is left after it.
  assert.equal(evm.state.getStorage(callee, 0n), BigInt(forwarded - 2));
});

test('gas above 2^53 is counted exactly: GAS, the 63/64 rule and gas used', () => {
  const callee = '0x3000000000000000000000000000000000000003';
  const callerCode = hexToBytes(
    '6000600060006000600073' + callee.slice(2) + '7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' + 'f100',
  );
  for (const gas of [1_000_000n, (1n << 62n) + 12_345n, (1n << 63n) - 1n]) {
    const evm = createEvm({ fork: 'Cancun' });
    evm.setAccount(callee, { code: hexToBytes('5a60005500') });
    evm.setAccount(RECURSIVE, { code: callerCode });
    evm.setAccount(CALLER, { balance: 10n ** 18n });
    const result = evm.runCall({ caller: CALLER, to: RECURSIVE, gas });
    assert.equal(result.success, true);
    const left = gas - 21n - 2600n;
    const forwarded = left - left / 64n;
    assert.equal(evm.state.getStorage(callee, 0n), forwarded - 2n, `GAS in the callee with ${gas}`);
    // 7 pushes, a cold CALL, then GAS, PUSH1 and a cold SSTORE that sets a slot.
    assert.equal(result.gasUsed, 21n + 2600n + 2n + 3n + 22_100n, `gas used with ${gas}`);
  }
});

// ---- the VmFrame contract: the loop drives any VM's frames, and calls cross between VMs ----

const EVM_CONTRACT = '0x4000000000000000000000000000000000000004';
const PROGRAM = '0x5000000000000000000000000000000000000005';
/** Code that marks a scripted program (a stand-in for another VM's code). */
const SCRIPTED = Uint8Array.of(0xfe, 0x57);

/** A frame of a scripted VM: calls EVM_CONTRACT with 50,000 gas, then returns what it got back. */
class ScriptedFrame implements VmFrame {
  status: Status = Status.Running;
  request: FrameRequest | undefined;
  gas: number;
  reserve = 0n;
  output: Uint8Array = new Uint8Array(0);
  readonly seen: string[] = [];
  constructor(readonly message: Message) {
    this.gas = message.gas;
  }
  run(): Status {
    if (this.request === undefined) {
      this.gas -= 50_000;
      this.request = {
        kind: 'call',
        opcode: 0xf1,
        gas: 50_000,
        reserve: 0n,
        caller: this.message.address,
        to: EVM_CONTRACT,
        target: EVM_CONTRACT,
        codeAddress: EVM_CONTRACT,
        code: evmCode,
        codeKind: 'evm',
        precompilesDisabled: false,
        value: 0n,
        transfersValue: true,
        isStatic: false,
        input: new Uint8Array(0),
        outOffset: 0,
        outSize: 0,
      };
      return (this.status = Status.Suspended);
    }
    return (this.status = Status.Return);
  }
  resume(result: FrameResult): void {
    this.seen.push(`resume ${result.status}`);
    this.gas += result.gasLeft;
    this.output = result.output;
    this.status = Status.Running;
  }
  fail(gasBack: number): void {
    this.seen.push('fail');
    this.gas += gasBack;
    this.status = Status.Running;
  }
  depositCode(): Status {
    return Status.Return;
  }
  release(): void {}
}

// SSTORE(0, 7); MSTORE(0, 42); RETURN(0, 32)
const evmCode = hexToBytes('6007600055602a60005260206000f3');
// CALL(100000, PROGRAM, 0, 0, 0, 0, 32); RETURN(0, 32): returns what the program returned
const evmCallerCode = hexToBytes('60206000600060006000' + '73' + PROGRAM.slice(2) + '620186a0' + 'f1' + '60206000f3');

function scriptedWorld() {
  const state = new WorldState();
  const put = (address: string, code: Uint8Array) => {
    const account = new Account();
    account.setCode(code);
    state.putAccount(address, account);
  };
  put(EVM_CONTRACT, evmCode);
  put(PROGRAM, SCRIPTED);
  put(RECURSIVE, evmCallerCode);
  const rules = getRules('Cancun');
  const frames: ScriptedFrame[] = [];
  const evm = createEvmVm();
  const machines = (): VirtualMachine => ({
    createFrame: (message: Message, env: Environment, children: ChildRunner) => {
      if (message.code[0] !== SCRIPTED[0] || message.code[1] !== SCRIPTED[1]) return evm.createFrame(message, env, children);
      const frame = new ScriptedFrame(message);
      frames.push(frame);
      return frame;
    },
  });
  const env: Environment = {
    host: state,
    code: codeResolver(state, rules),
    block: createEvm().block,
    tx: { origin: CALLER, gasPrice: 0n, blobVersionedHashes: [] },
    rules,
    tracer: undefined,
  };
  const loop = new FrameLoop(state, env, machines);
  const message = (to: string, code: Uint8Array, data = new Uint8Array(0)): Message => ({
    caller: CALLER,
    address: to,
    codeAddress: to,
    value: 0n,
    data,
    code,
    codeKind: 'evm',
    gas: 200_000,
    depth: 0,
    isStatic: false,
    isCreate: false,
    transfersValue: true,
  });
  return { state, loop, frames, message };
}

test("the frame loop drives another VM's frame: it suspends with a call, an EVM frame runs, it resumes with the result", () => {
  const { state, loop, frames, message } = scriptedWorld();
  const result = loop.run(message(PROGRAM, SCRIPTED));
  assert.equal(result.status, Status.Return);
  assert.equal(bytesToBigint(result.output), 42n, 'the program returns what the EVM contract returned');
  assert.deepEqual(frames[0]!.seen, [`resume ${Status.Return}`]);
  assert.equal(state.getStorage(EVM_CONTRACT, 0n), 7n, "the EVM contract's write stands");
  // The program paid nothing itself: the gas used is the EVM contract's (six pushes, a cold
  // SSTORE that sets a slot, MSTORE and its first memory word).
  assert.equal(200_000 - result.gasLeft, 6 * 3 + 22_100 + 3 + 3);
});

test('an EVM contract calls the other VM: the call goes through the same loop, and the program can call back into the EVM', () => {
  const { state, loop, frames, message } = scriptedWorld();
  const result = loop.run(message(RECURSIVE, evmCallerCode));
  assert.equal(result.status, Status.Return);
  assert.equal(frames.length, 1, 'the program ran as a frame of its own VM');
  assert.equal(bytesToBigint(result.output), 42n, "the EVM caller got the program's output, which it got from the EVM callee");
  assert.equal(state.getStorage(EVM_CONTRACT, 0n), 7n);
});

test("a request that cannot start (call depth) is the frame's to handle: fail gives its gas back", () => {
  const { loop, frames, message } = scriptedWorld();
  const deep = { ...message(PROGRAM, SCRIPTED), depth: 1024 };
  const result = loop.run(deep);
  assert.deepEqual(frames[0]!.seen, ['fail']);
  assert.equal(result.status, Status.Return);
  assert.equal(result.gasLeft, 200_000, 'the 50,000 gas of the refused call came back');
});
