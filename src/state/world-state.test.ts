import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorldState } from './world-state.js';
import { Account } from './account.js';
import type { StateReader } from './reader.js';
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
    root: bytesToHex(stateRoot(state.accountEntries())),
    accounts: [...state.addresses()].sort(),
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

/** A reader that answers per location only (as a remote fork will) and counts what it was asked. */
class CountingReader implements StateReader {
  reads = 0;
  constructor(private readonly base: WorldState) {}
  readAccount(address: string) {
    this.reads++;
    return this.base.readAccount(address);
  }
  readStorage(address: string, slot: bigint) {
    this.reads++;
    return this.base.readStorage(address, slot);
  }
  hasStorage(address: string) {
    return this.base.hasStorage(address);
  }
}

test('a WorldState over a reader reads through per location and never writes to it', () => {
  const base = fresh();
  const rootBefore = bytesToHex(stateRoot(base.accountEntries()));
  const reader = new CountingReader(base);
  const state = new WorldState(reader);
  assert.equal(state.getBalance(A), 1000n);
  assert.equal(state.getStorage(A, 1n), 11n);
  assert.equal(state.getStorage(A, 2n), 0n);
  assert.equal(state.accountExists(NEW), false);
  state.addBalance(A, 1n);
  state.setStorage(A, 1n, 0n);
  state.setStorage(A, 2n, 22n);
  state.setNonce(NEW, 3n);
  assert.equal(state.getBalance(A), 1001n);
  assert.equal(state.getStorage(A, 1n), 0n, 'a slot cleared here hides the one beneath');
  assert.equal(state.getStorage(A, 2n), 22n);
  assert.equal(state.getNonce(NEW), 3n);
  // The reader's state is untouched.
  assert.equal(base.getBalance(A), 1000n);
  assert.equal(base.getStorage(A, 1n), 11n);
  assert.equal(base.accountExists(NEW), false);
  assert.equal(bytesToHex(stateRoot(base.accountEntries())), rootBefore);
  // The account was copied once: later reads of it do not go to the reader.
  const reads = reader.reads;
  state.getBalance(A);
  state.getCode(A);
  assert.equal(reader.reads, reads);
});

test('over a reader: reverts, deletions and EIP-7610 storage checks behave as on a full state', () => {
  const base = fresh();
  const state = new WorldState(base);
  const checkpoint = state.checkpoint();
  state.setStorage(A, 1n, 0n);
  assert.equal(state.hasStorage(A), false, 'the only slot was cleared');
  state.revert(checkpoint);
  assert.equal(state.getStorage(A, 1n), 11n);
  assert.equal(state.hasStorage(A), true);
  state.deleteAccount(B);
  assert.equal(state.accountExists(B), false, 'a deleted account stays deleted although the reader has it');
  assert.equal(base.accountExists(B), true);
  state.setBalance(B, 5n);
  assert.equal(state.getBalance(B), 5n, 'and can be created afresh');
  // A reader that cannot list its accounts cannot be dumped; one that can, can.
  assert.throws(() => [...new WorldState(new CountingReader(base)).accountEntries()], /cannot be listed/);
  const listed = new WorldState(base);
  listed.setStorage(A, 2n, 22n);
  assert.deepEqual([...listed.addresses()].sort(), [A, B]);
  assert.deepEqual(
    [...listed.getAccount(A)!.storage].sort((x, y) => Number(x[0] - y[0])),
    [
      [1n, 11n],
      [2n, 22n],
    ],
  );
});
