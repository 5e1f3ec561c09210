import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorldState } from './world-state.js';
import { Account } from './account.js';
import { stateRoot } from './roots.js';
import { bytesToHex } from '../primitives/bytes.js';

const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';
const NEW = '0x00000000000000000000000000000000000000cc';

function fresh(): WorldState {
  const state = new WorldState();
  const a = new Account();
  a.balance = 1000n;
  a.nonce = 5n;
  a.setCode(Uint8Array.of(0x60, 0x00));
  a.storage.set(1n, 11n);
  state.putAccount(A, a);
  const b = new Account();
  b.balance = 7n;
  state.putAccount(B, b);
  return state;
}

/** Everything observable about the state, for before/after comparisons. */
function snapshot(state: WorldState) {
  return {
    root: bytesToHex(stateRoot(state.accounts)),
    accounts: [...state.accounts.keys()].sort(),
    refund: state.refund,
    logs: state.logs.length,
    warmA: state.isWarmAddress(A),
    warmNew: state.isWarmAddress(NEW),
    transient: state.getTransientStorage(A, 3n),
    destructed: state.hasSelfdestructed(A),
    created: state.isCreatedInTx(NEW),
    original: state.getOriginalStorage(A, 1n),
    warmSlot: state.isWarmSlot(A, 9n),
    touched: state.isTouched(B),
  };
}

const changes: [string, (s: WorldState) => void][] = [
  ['balance', (s) => s.addBalance(A, 5n)],
  ['balance of a new account (creation)', (s) => s.addBalance(NEW, 5n)],
  ['nonce', (s) => s.incrementNonce(A)],
  ['code', (s) => s.setCode(B, Uint8Array.of(0x00))],
  ['storage write', (s) => s.setStorage(A, 1n, 12n)],
  ['storage clear', (s) => s.setStorage(A, 1n, 0n)],
  ['storage of a new slot', (s) => s.setStorage(A, 2n, 22n)],
  ['transient storage', (s) => s.setTransientStorage(A, 3n, 33n)],
  ['contract creation over an existing balance', (s) => s.createContractAccount(B, 1n)],
  ['contract creation at a new address', (s) => s.createContractAccount(NEW, 1n)],
  ['warm address', (s) => s.warmAddress(NEW)],
  ['warm slot', (s) => s.warmSlot(A, 9n)],
  ['refund add', (s) => s.addRefund(4800)],
  ['refund sub', (s) => s.subRefund(4800)],
  ['log', (s) => s.emitLog({ address: A, topics: [1n], data: new Uint8Array(2) })],
  ['selfdestruct', (s) => s.selfdestruct(A, B, false)],
  ['touch', (s) => s.touch(B)],
];

for (const [name, change] of changes) {
  test(`revert undoes a ${name}`, () => {
    const state = fresh();
    const before = snapshot(state);
    const checkpoint = state.checkpoint();
    change(state);
    assert.notDeepEqual(snapshot(state), before, 'the change is observable');
    state.revert(checkpoint);
    assert.deepEqual(snapshot(state), before);
  });
}

test('a touch reverted is not deleted at the end of the transaction', () => {
  const state = fresh();
  state.putAccount(NEW, new Account());
  const checkpoint = state.checkpoint();
  state.touch(NEW);
  state.revert(checkpoint);
  state.finalizeTransaction({ deleteEmptyTouched: true });
  assert.ok(state.accountExists(NEW));
  state.touch(NEW);
  state.finalizeTransaction({ deleteEmptyTouched: true });
  assert.ok(!state.accountExists(NEW));
});

test('nested checkpoints revert only their own changes', () => {
  const state = fresh();
  state.addBalance(A, 1n);
  const outer = state.checkpoint();
  state.addBalance(A, 10n);
  const inner = state.checkpoint();
  state.setStorage(A, 1n, 99n);
  state.revert(inner);
  assert.equal(state.getStorage(A, 1n), 11n);
  assert.equal(state.getBalance(A), 1011n);
  state.revert(outer);
  assert.equal(state.getBalance(A), 1001n);
});

test('the original storage value survives writes and reverts within a transaction', () => {
  const state = fresh();
  state.setStorage(A, 1n, 12n);
  const checkpoint = state.checkpoint();
  state.setStorage(A, 1n, 13n);
  state.revert(checkpoint);
  assert.equal(state.getStorage(A, 1n), 12n);
  assert.equal(state.getOriginalStorage(A, 1n), 11n);
  state.finalizeTransaction({ deleteEmptyTouched: true });
  assert.equal(state.getOriginalStorage(A, 1n), 12n);
});

test('EIP-6780: selfdestruct deletes only an account created in the transaction', () => {
  const state = fresh();
  state.selfdestruct(A, B, true);
  assert.equal(state.getBalance(B), 1007n);
  state.finalizeTransaction({ deleteEmptyTouched: true });
  assert.ok(state.accountExists(A));
  state.createContractAccount(NEW, 1n);
  state.addBalance(NEW, 50n);
  state.selfdestruct(NEW, NEW, true);
  assert.equal(state.getBalance(NEW), 0n, 'a balance sent to itself is burnt');
  state.finalizeTransaction({ deleteEmptyTouched: true });
  assert.ok(!state.accountExists(NEW));
});
