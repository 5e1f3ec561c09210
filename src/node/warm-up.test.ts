/** The node warms up (signature tables) only once messages stop coming, not before the first answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNode } from './node.js';

test('warm-up waits for a pause in messages: none while they keep coming, then once a period passes with none', async () => {
  const node = createNode({ genesisTimestamp: 1_700_000_000 });
  try {
    // A scheduler the test runs by hand: each call queues the check for the next "tick".
    const queued: (() => void)[] = [];
    const tick = () => queued.splice(0).forEach((run) => run());
    node.warmUpWhenIdle(50, (run) => queued.push(run));
    const ask = () => node.dispatcher.handleMessage('{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}', undefined);
    for (let i = 0; i < 5; i++) {
      ask();
      tick();
      assert.equal(node.warm, false, `warmed up while messages came (tick ${i})`);
      assert.equal(queued.length, 1, 'the check is queued again');
    }
    tick(); // a period with no message
    assert.equal(node.warm, true);
    assert.equal(queued.length, 0, 'nothing more is queued once warm');
  } finally {
    await node.close();
  }
});
