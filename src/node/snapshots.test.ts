import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshots, snapshotPart } from './snapshots.js';

test('snapshots: every part saves and restores, in the order given', () => {
  const log: string[] = [];
  let a = 1;
  let b = 'x';
  const snapshots = new Snapshots([
    snapshotPart(
      () => a,
      (saved) => (log.push(`a=${saved}`), (a = saved)),
    ),
    snapshotPart(
      () => b,
      (saved) => (log.push(`b=${saved}`), (b = saved)),
    ),
  ]);
  const first = snapshots.take();
  a = 2;
  b = 'y';
  assert.equal(snapshots.revert(first), true);
  assert.deepEqual([a, b], [1, 'x']);
  assert.deepEqual(log, ['a=1', 'b=x']);
});

test('snapshots: reverting drops that snapshot and every later one, not the earlier ones', () => {
  let value = 0;
  const snapshots = new Snapshots([
    snapshotPart(
      () => value,
      (saved) => (value = saved),
    ),
  ]);
  const one = snapshots.take();
  value = 1;
  const two = snapshots.take();
  value = 2;
  const three = snapshots.take();
  value = 3;
  assert.equal(snapshots.revert(two), true);
  assert.equal(value, 1);
  assert.equal(snapshots.revert(three), false);
  assert.equal(snapshots.revert(two), false);
  assert.equal(snapshots.revert(one), true);
  assert.equal(value, 0);
  // Ids keep rising after a clear, so an old id never names a new snapshot.
  snapshots.clear();
  assert.ok(snapshots.take() > three);
  assert.equal(snapshots.revert(one), false);
});
