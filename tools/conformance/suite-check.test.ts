/** The conformance checks themselves: each kind of discrepancy between fixtures, runs and KNOWN_FAILURES fails. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSuite, type Declared, type Outcome } from './suite-check.js';

const declared: Declared[] = [
  { id: 'a.json t Cancun d0 g0 v0', fork: 'Cancun' },
  { id: 'b.json t Cancun d0 g0 v0', fork: 'Cancun' },
  { id: 'b.json t Prague d0 g0 v0', fork: 'Prague' },
];
const pass = (id: string, fork = 'Cancun'): Outcome => ({ id, fork, pass: true, error: '' });
const fail = (id: string, fork = 'Cancun'): Outcome => ({ id, fork, pass: false, error: 'boom' });
const allPass = () => [pass(declared[0]!.id), pass(declared[1]!.id), pass(declared[2]!.id, 'Prague')];

test('checkSuite: counts per fork when everything declared ran and passed', () => {
  assert.deepEqual(checkSuite('s', declared, allPass(), {}), [
    { fork: 'Cancun', vectors: 2, pass: 2, fail: 0 },
    { fork: 'Prague', vectors: 1, pass: 1, fail: 0 },
  ]);
});

test('checkSuite: a known failure that still fails is accepted and counted as a failure', () => {
  const outcomes = allPass();
  outcomes[2] = fail(declared[2]!.id, 'Prague');
  const rows = checkSuite('s', declared, outcomes, { [declared[2]!.id]: 'reason' });
  assert.deepEqual(rows[1], { fork: 'Prague', vectors: 1, pass: 0, fail: 1 });
});

test('checkSuite: a declared vector that did not run fails', () => {
  assert.throws(() => checkSuite('s', declared, allPass().slice(0, 2), {}), /1 declared vectors did not run/);
});

test('checkSuite: a vector no fixture declares, or one that ran twice, fails', () => {
  assert.throws(() => checkSuite('s', declared, [...allPass(), pass('c.json t Cancun d0 g0 v0')], {}), /no fixture declares/);
  assert.throws(() => checkSuite('s', declared, [...allPass(), pass(declared[0]!.id)], {}), /ran twice/);
});

test('checkSuite: the same name in two files does not collide (the file is part of the ID)', () => {
  const outcomes = allPass();
  outcomes[1] = fail(declared[1]!.id);
  assert.throws(() => checkSuite('s', declared, outcomes, { [declared[0]!.id]: 'listed for a.json only' }), /new failures/);
});

test('checkSuite: a new failure, a listed one that passes, and a stale entry each fail', () => {
  const outcomes = allPass();
  outcomes[0] = fail(declared[0]!.id);
  assert.throws(() => checkSuite('s', declared, outcomes, {}), /1 new failures/);
  assert.throws(() => checkSuite('s', declared, allPass(), { [declared[0]!.id]: 'r' }), /known failures now pass/);
  assert.throws(() => checkSuite('s', declared, allPass(), { 'gone.json t Cancun d0 g0 v0': 'r' }), /did not run \(stale\)/);
});
