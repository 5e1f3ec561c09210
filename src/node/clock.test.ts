import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from './clock.js';
import { TimestampNotAfterParentError } from './errors.js';

function clockAt(ms: { now: number }): Clock {
  return new Clock(() => ms.now);
}

test('clock: block timestamps follow the wall clock, after the parent', () => {
  const ms = { now: 1_000_500 };
  const clock = clockAt(ms);
  assert.equal(clock.seconds(), 1000n);
  assert.equal(clock.peek(900n), 1000n);
  assert.equal(clock.take(900n), 1000n);
  // Two blocks in the same second: the second is one second after its parent.
  assert.equal(clock.peek(1000n), 1001n);
  assert.equal(clock.take(1000n), 1001n);
  ms.now = 1_010_000;
  assert.equal(clock.take(1001n), 1010n);
});

test('clock: increaseTime and setTime move the offset; a timestamp set by hand is used once and time continues from it', () => {
  const ms = { now: 1_000_000 };
  const clock = clockAt(ms);
  assert.equal(clock.increase(60n), 60n);
  assert.equal(clock.peek(0n), 1060n);
  assert.equal(clock.setTime(5000n), 4000n);
  assert.equal(clock.peek(0n), 5000n);
  clock.setNext(7000n, 5000n);
  assert.equal(clock.peek(0n), 7000n);
  assert.equal(clock.take(5000n), 7000n);
  assert.equal(clock.next, undefined);
  ms.now = 1_002_000;
  assert.equal(clock.take(7000n), 7002n);
  // An explicit timestamp (anvil_mine's interval) moves the clock the same way.
  assert.equal(clock.take(7002n, 9000n), 9000n);
  assert.equal(clock.peek(9000n), 9001n);
});

test('clock: the next timestamp must be after the parent; reset, save and restore', () => {
  const clock = clockAt({ now: 1_000_000 });
  assert.throws(
    () => clock.setNext(1000n, 1000n),
    (error: unknown) => error instanceof TimestampNotAfterParentError && error.timestamp === 1000n && error.parent === 1000n,
  );
  clock.increase(10n);
  clock.setNext(2000n, 1000n);
  const saved = clock.save();
  clock.reset();
  assert.deepEqual(clock.save(), { offset: 0n, next: undefined, interval: undefined });
  clock.restore(saved);
  assert.deepEqual(clock.save(), { offset: 10n, next: 2000n, interval: undefined });
});

test('clock: increase counts from the latest block when blocks ran ahead of the clock', () => {
  const ms = { now: 1_000_000 };
  const clock = clockAt(ms);
  let parent = 999n;
  for (let i = 0; i < 50; i++) parent = clock.take(parent);
  assert.equal(parent, 1049n, 'fifty blocks in one second run 49 s ahead');
  clock.increase(3600n, parent);
  assert.equal(clock.take(parent), parent + 3600n);
  // Behind the clock, the move counts from the clock as before.
  const behind = clockAt({ now: 2_000_000 });
  behind.increase(60n, 1500n);
  assert.equal(behind.peek(1500n), 2060n);
});
