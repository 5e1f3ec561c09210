/**
 * eth_config (EIP-7910) on a dev chain: the fork in force with its precompiles, system contracts
 * and blob schedule, and EIP-2124's fork hash of the genesis; and CRC-32 itself.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNode } from '../node.js';
import { crc32 } from '../../primitives/crc32.js';
import { hexToBytes } from '../../primitives/bytes.js';
import { genesisForkId } from './config.js';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32 gives the check value, continues across pieces, and EIP-2124 hashes the mainnet genesis', () => {
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
  assert.equal(crc32(ascii('')), 0);
  assert.equal(crc32(ascii('56789'), crc32(ascii('1234'))), 0xcbf43926);
  // EIP-2124's first test case: mainnet before Homestead, its genesis alone.
  assert.equal(genesisForkId(hexToBytes('0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3')), '0xfc64ec04');
});

const prague = createNode({ fork: 'Prague', chainId: 560048 });
const osaka = createNode({});
const cancun = createNode({ fork: 'Cancun' });
after(() => Promise.all([prague.close(), osaka.close(), cancun.close()]));

const addresses = (n: number[]) => n.map((i) => '0x' + i.toString(16).padStart(40, '0'));

test('eth_config: the current fork of a dev chain, as EIP-7910 lays it out', async () => {
  const config = (await prague.request({ method: 'eth_config', params: [] })) as any;
  assert.equal(config.next, null);
  assert.equal(config.last, null);
  const current = config.current;
  assert.equal(current.activationTime, 0);
  assert.equal(current.chainId, '0x88bb0');
  // Prague's blob parameters (EIP-7691) and system contracts, as in EIP-7910's Hoodi example.
  assert.deepEqual(current.blobSchedule, { baseFeeUpdateFraction: 5007716, max: 9, target: 6 });
  assert.deepEqual(current.systemContracts, {
    BEACON_ROOTS_ADDRESS: '0x000f3df6d732807ef1319fb7b8bb8522d0beac02',
    CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS: '0x0000bbddc7ce488642fb579f8b00f3a590007251',
    DEPOSIT_CONTRACT_ADDRESS: '0x00000000219ab540356cbb839cbe05303d7705fa',
    HISTORY_STORAGE_ADDRESS: '0x0000f90827f1c53a10cb7a02335b175320002935',
    WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS: '0x00000961ef480eb55e80d19ad83579a64c007002',
  });
  assert.deepEqual(Object.values(current.precompiles).sort(), addresses([...Array(17).keys()].map((i) => i + 1)));
  assert.equal(current.precompiles.BN254_PAIRING, addresses([8])[0]);
  assert.equal(current.precompiles.BLS12_MAP_FP2_TO_G2, addresses([0x11])[0]);
  // The genesis's fork hash: CRC-32 of its hash.
  const genesis = (await prague.request({ method: 'eth_getBlockByNumber', params: ['0x0', false] })) as { hash: string };
  assert.equal(current.forkId, genesisForkId(hexToBytes(genesis.hash)));
});

test('eth_config follows the fork: Osaka adds P256VERIFY, Cancun has one system contract and its blob schedule', async () => {
  const o = ((await osaka.request({ method: 'eth_config', params: [] })) as any).current;
  assert.equal(o.precompiles.P256VERIFY, addresses([0x100])[0]);
  assert.equal(Object.keys(o.precompiles).length, 18);
  assert.equal(o.chainId, '0x7a69');
  const c = ((await cancun.request({ method: 'eth_config', params: [] })) as any).current;
  assert.deepEqual(c.systemContracts, { BEACON_ROOTS_ADDRESS: '0x000f3df6d732807ef1319fb7b8bb8522d0beac02' });
  assert.deepEqual(c.blobSchedule, { baseFeeUpdateFraction: 3338477, max: 6, target: 3 });
  assert.equal(Object.keys(c.precompiles).length, 10);
  await assert.rejects(cancun.request({ method: 'eth_config', params: [1] }), /param/i);
});

test("Anvil's other names: Tenderly's balance methods, eth_signTypedData_v3, and the proof-of-work methods refused", async () => {
  const who = '0x00000000000000000000000000000000000000aa';
  assert.equal(await osaka.request({ method: 'tenderly_setBalance', params: [who, '0x10'] }), null);
  await osaka.request({ method: 'tenderly_addBalance', params: [who, '0x5'] });
  assert.equal(await osaka.request({ method: 'eth_getBalance', params: [who, 'latest'] }), '0x15');
  const typed = {
    types: {
      EIP712Domain: [{ name: 'name', type: 'string' }],
      Mail: [
        { name: 'to', type: 'address' },
        { name: 'contents', type: 'string' },
      ],
    },
    primaryType: 'Mail',
    domain: { name: 'polyvm' },
    message: { to: who, contents: 'hello' },
  };
  const signer = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
  const v4 = await osaka.request({ method: 'eth_signTypedData_v4', params: [signer, JSON.stringify(typed)] });
  const v3 = await osaka.request({ method: 'eth_signTypedData_v3', params: [signer, JSON.stringify(typed)] });
  assert.match(String(v3), /^0x[0-9a-f]{130}$/);
  assert.equal(v3, v4);
  for (const method of ['eth_getWork', 'eth_submitWork', 'eth_submitHashrate']) {
    const params = {
      eth_getWork: [],
      eth_submitWork: ['0x0000000000000001', `0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`],
      eth_submitHashrate: ['0x1', `0x${'33'.repeat(32)}`],
    }[method];
    await assert.rejects(osaka.request({ method, params }), (e: { code?: number }) => e.code === -32004);
  }
});
