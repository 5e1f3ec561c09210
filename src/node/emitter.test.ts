import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from './emitter.js';

test("Emitter: on, once and off in the order Node's EventEmitter uses", () => {
  const emitter = new Emitter();
  const calls: string[] = [];
  const a = (x: number) => calls.push(`a${x}`);
  const b = (x: number) => calls.push(`b${x}`);
  assert.equal(emitter.emit('message', 0), false);
  emitter.on('message', a).once('message', b).addListener('message', a);
  assert.equal(emitter.listenerCount('message'), 3);
  assert.deepEqual(emitter.listeners('message'), [a, b, a]);
  assert.equal(emitter.emit('message', 1), true);
  emitter.emit('message', 2);
  assert.deepEqual(calls, ['a1', 'b1', 'a1', 'a2', 'a2']);
  emitter.off('message', a);
  assert.equal(emitter.listenerCount('message'), 1);
  emitter.removeListener('message', a);
  assert.equal(emitter.emit('message', 3), false);
});

test('Emitter: off removes a once listener by the function given; removing during emit keeps that emit whole', () => {
  const emitter = new Emitter();
  const calls: string[] = [];
  const once = () => calls.push('once');
  emitter.once('message', once);
  emitter.off('message', once);
  assert.equal(emitter.emit('message'), false);
  const second = () => calls.push('second');
  emitter.on('message', () => {
    calls.push('first');
    emitter.off('message', second);
  });
  emitter.on('message', second);
  emitter.emit('message');
  emitter.emit('message');
  assert.deepEqual(calls, ['first', 'second', 'first']);
  emitter.on('other', once).removeAllListeners();
  assert.equal(emitter.listenerCount('message') + emitter.listenerCount('other'), 0);
});
