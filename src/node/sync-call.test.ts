import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createSyncChannel, serveSyncCalls, SyncCaller, SyncCallError, SyncCallTimeoutError } from './sync-call.js';

const moduleUrl = new URL('./sync-call.js', import.meta.url).href;

/** A worker (CommonJS eval) that imports this module and runs `body` with `m` and `workerData`. */
function worker(body: string, workerData: unknown, transferList: unknown[]): Worker {
  const source = `const { workerData, parentPort } = require('node:worker_threads');
import(${JSON.stringify(moduleUrl)}).then((m) => { ${body} });`;
  return new Worker(source, { eval: true, workerData, transferList: transferList as never });
}

test('the main thread blocks on a worker that answers asynchronously, in order, with its errors', async () => {
  const { caller, server } = createSyncChannel();
  const w = worker(
    `m.serveSyncCalls(workerData.end, async (r) => {
       await new Promise((res) => setTimeout(res, r.delay ?? 0));
       if (r.fail) throw new RangeError('cannot ' + r.fail);
       if (r.fn) return () => 1;
       return { doubled: r.x * 2n, bytes: new Uint8Array([r.x > 255n ? 255 : Number(r.x)]) };
     }); parentPort.postMessage('ready');`,
    { end: server },
    [server.port],
  );
  await new Promise((resolve) => w.once('message', resolve));
  const sync = new SyncCaller(caller, 5_000);
  // Synchronous: the answers arrive without the event loop turning.
  const answers = [1n, 2n, 300n].map((x, i) => sync.call({ x, delay: 3 - i }) as { doubled: bigint; bytes: Uint8Array });
  assert.deepEqual(
    answers.map((a) => a.doubled),
    [2n, 4n, 600n],
  );
  assert.deepEqual([...answers[2]!.bytes], [255]);
  assert.throws(
    () => sync.call({ fail: 'this' }),
    (e: unknown) => e instanceof SyncCallError && e.name === 'RangeError' && e.message === 'cannot this',
  );
  assert.throws(
    () => sync.call({ fn: true }),
    (e: unknown) => e instanceof SyncCallError && e.name === 'DataCloneError',
  );
  // Still usable after failures.
  assert.equal((sync.call({ x: 5n }) as { doubled: bigint }).doubled, 10n);
  sync.close();
  await w.terminate();
});

test('a caller whose server is gone times out with a clear error instead of hanging', async () => {
  const { caller, server } = createSyncChannel();
  server.port.close();
  const sync = new SyncCaller(caller, 200);
  assert.throws(() => sync.call({ x: 1 }), SyncCallTimeoutError);
  sync.close();
});

test('a worker blocks on the main thread, which keeps serving while it waits', async () => {
  const { caller, server } = createSyncChannel();
  const stop = serveSyncCalls(server, async (r) => {
    await new Promise((res) => setImmediate(res));
    return (r as { slot: number }).slot + 100;
  });
  const w = worker(
    `const sync = new m.SyncCaller(workerData.end, 5000);
     let sum = 0; for (let slot = 0; slot < 50; slot++) sum += sync.call({ slot });
     parentPort.postMessage(sum);`,
    { end: caller },
    [caller.port],
  );
  const sum = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  // 0 + 1 + ... + 49 plus 100 for each of the 50 calls.
  assert.equal(sum, 1225 + 5000);
  stop();
  await w.terminate();
});
