/** The LMDB store's state as a StateReader: per-location reads of what the node committed. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode } from './node.js';
import { LmdbStore } from './lmdb-store.js';
import { WorldState } from '../state/world-state.js';
import { readAllAccounts } from '../state/read-all.js';
import { stateRoot } from '../state/roots.js';
import { bytesToHex } from '../primitives/bytes.js';

const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
// Stores 0x2a at slot 1, returns one byte of code (0x00).
const STORE_INITCODE = '0x602a600155600160006000396001' + '6000f3';
const dir = mkdtempSync(join(tmpdir(), 'polyvm-lmdb-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the stored state reads per location what the node answered, and lists to the same state root', async () => {
  const node = createNode({ dataDir: dir });
  const call = (method: string, params: unknown[] = []) => node.request({ method, params }) as Promise<any>;
  await call('eth_sendTransaction', [{ from: A0, to: A1, value: '0x1234' }]);
  const deploy = await call('eth_sendTransaction', [{ from: A1, data: STORE_INITCODE }]);
  const contract = (await call('eth_getTransactionReceipt', [deploy])).contractAddress as string;
  const expected = {
    a0: BigInt(await call('eth_getBalance', [A0, 'latest'])),
    a1: BigInt(await call('eth_getBalance', [A1, 'latest'])),
    nonce: BigInt(await call('eth_getTransactionCount', [A1, 'latest'])),
    code: await call('eth_getCode', [contract, 'latest']),
    slot: BigInt(await call('eth_getStorageAt', [contract, '0x1', 'latest'])),
    root: (await call('eth_getBlockByNumber', ['latest', false])).stateRoot as string,
  };
  await node.close();

  const store = new LmdbStore(dir);
  try {
    const reader = store.load().state;
    // A WorldState over the store reads each location on demand.
    const state = new WorldState(reader);
    assert.equal(state.getBalance(A0), expected.a0);
    assert.equal(state.getBalance(A1), expected.a1);
    assert.equal(state.getNonce(A1), expected.nonce);
    assert.equal(bytesToHex(state.getCode(contract)), expected.code);
    assert.equal(state.getStorage(contract, 1n), expected.slot);
    assert.equal(expected.slot, 0x2an);
    assert.equal(state.getStorage(contract, 2n), 0n);
    assert.equal(reader.hasStorage(contract), true);
    assert.equal(reader.hasStorage(A0), false);
    assert.equal(reader.readAccount('0x00000000000000000000000000000000000000ee'), undefined);
    // Listed whole, it is the state the last block committed to.
    assert.equal(bytesToHex(stateRoot(readAllAccounts(reader))), expected.root);
  } finally {
    store.close();
  }
});

test('--data-dir: an existing directory whose name has a dot works; one holding other files is refused and left alone', async () => {
  const base = mkdtempSync(join(tmpdir(), 'polyvm-datadir-'));
  try {
    const dotted = join(base, 'chain.db');
    mkdirSync(dotted);
    let node = createNode({ dataDir: dotted });
    await node.request({ method: 'evm_mine', params: [] });
    await node.close();
    node = createNode({ dataDir: dotted });
    assert.equal(await node.request({ method: 'eth_blockNumber', params: [] }), '0x1');
    await node.close();
    // A directory that does not exist yet, with a dot too.
    node = createNode({ dataDir: join(base, 'new.chain') });
    await node.close();

    const foreign = join(base, 'someone-else');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    assert.throws(() => createNode({ dataDir: foreign }), /holds files polyvm did not write \("notes.txt"\)/);
    assert.deepEqual(readdirSync(foreign), ['notes.txt']);
    assert.throws(() => createNode({ dataDir: join(foreign, 'notes.txt') }), /is a file, not a directory/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
