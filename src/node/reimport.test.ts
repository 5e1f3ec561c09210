/**
 * What `polyvm blocktest` proves holds for the dev node: a busy node's chain (transfers,
 * contract deployments, calls with logs, a blob transaction, empty blocks) re-imported block by
 * block through `chain/import.ts` passes every header and body check and reaches the same
 * state roots and head.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '../primitives/bytes.js';
import type { Address } from '../primitives/address.js';
import type { Account } from '../state/account.js';
import { signTransaction } from '../tx/sender.js';
import { encodeTransaction } from '../tx/encode.js';
import { encodeBlock } from '../chain/block.js';
import { BlockTree, importErrorCode } from '../chain/import.js';
import { ForkSchedule } from '../chain/fork-schedule.js';
import { createNode, type PolyvmNode } from './node.js';

const nodes: PolyvmNode[] = [];
after(() => nodes.forEach((n) => n.close()));

// SSTORE(0, CALLDATALOAD(0)); LOG1(0, 0, topic 0xaa); return SLOAD(0), and initcode deploying it.
const RUNTIME = '60003560005560aa60006000a160005460005260206000f3';
const INITCODE = '0x6018600c60003960186000f3' + RUNTIME;

async function busyChain(fork: string): Promise<{ node: PolyvmNode; genesisAccounts: [Address, Account][] }> {
  const node = createNode({ fork, genesisTimestamp: 1_700_000_000 });
  nodes.push(node);
  const genesisAccounts = [...node.chain.state.accountEntries()].map(([a, acc]) => [a, acc.clone()] as [Address, Account]);
  const rpc = (method: string, params: unknown[] = []) => node.request({ method, params }) as Promise<any>;
  const [a0, a1, a2] = node.accounts.map((a) => a.address);
  await rpc('evm_setAutomine', [false]);
  for (let block = 0; block < 4; block++) {
    await rpc('eth_sendTransaction', [{ from: a0, to: a1, value: '0x' + (1000 + block).toString(16) }]);
    await rpc('eth_sendTransaction', [{ from: a1, to: a2, value: '0x1', type: '0x0', gasPrice: '0x' + (5n * 10n ** 9n).toString(16) }]);
    await rpc('eth_sendTransaction', [{ from: a2, data: INITCODE }]);
    await rpc('evm_mine');
    const receipts = await rpc('eth_getBlockReceipts', ['latest']);
    const created = receipts.find((r: { contractAddress: string | null }) => r.contractAddress)?.contractAddress;
    await rpc('eth_sendTransaction', [{ from: a0, to: created, data: '0x' + (block + 7).toString(16).padStart(64, '0') }]);
    await rpc('eth_sendTransaction', [
      { from: a1, to: created, data: '0x' + 'ff'.repeat(32), accessList: [{ address: created, storageKeys: [] }] },
    ]);
    await rpc('evm_mine');
  }
  await rpc('evm_mine'); // an empty block
  if (node.chain.rules.cancun) {
    const key = node.accounts[3]!.privateKey;
    const latest = node.chain.latest().header;
    const blob = signTransaction(
      {
        type: 3,
        chainId: node.chain.chainId,
        nonce: node.chain.pendingNonce(node.accounts[3]!.address),
        gasPrice: undefined,
        maxPriorityFeePerGas: 10n ** 9n,
        maxFeePerGas: latest.baseFeePerGas! * 2n + 10n ** 9n,
        gasLimit: 21000n,
        to: a0,
        value: 1n,
        data: new Uint8Array(0),
        accessList: [],
        maxFeePerBlobGas: 10n,
        blobVersionedHashes: [hexToBytes('0x01' + '11'.repeat(31))],
        authorizationList: undefined,
        v: 0n,
        r: 0n,
        s: 0n,
      },
      key,
    );
    await rpc('eth_sendRawTransaction', [bytesToHex(encodeTransaction(blob))]);
    await rpc('evm_mine');
  }
  return { node, genesisAccounts };
}

// Proof-of-stake forks: a pre-merge dev chain (difficulty 1, no miner reward) is not a valid
// proof-of-work chain, and is not meant to be.
for (const fork of ['Osaka', 'Prague', 'Cancun', 'Shanghai', 'Paris']) {
  test(`a busy ${fork} dev chain re-imports block by block with the same state roots`, async () => {
    const { node, genesisAccounts } = await busyChain(fork);
    const chain = node.chain;
    const genesis = chain.blocks.byNumber(0n)!;
    const tree = new BlockTree(new ForkSchedule([{ name: fork, rules: chain.rules }]), chain.chainId, {
      header: genesis.header,
      accounts: genesisAccounts,
    });
    assert.equal(tree.head.hashHex, bytesToHex(genesis.hash));
    let transactions = 0;
    for (let n = 1n; n <= chain.blockNumber; n++) {
      const block = chain.blocks.byNumber(n)!;
      transactions += block.transactions.length;
      let imported;
      try {
        imported = tree.importRlp(encodeBlock(block.header, block.transactions));
      } catch (e) {
        assert.fail(`block ${n} rejected: ${importErrorCode(e) ?? ''} ${(e as Error).message}`);
      }
      assert.equal(imported.hashHex, bytesToHex(block.hash), `block ${n}`);
      assert.equal(bytesToHex(imported.header.stateRoot), bytesToHex(block.header.stateRoot));
    }
    assert.equal(tree.head.hashHex, bytesToHex(chain.latest().hash));
    assert.ok(chain.blockNumber >= 9n && transactions >= 20, `${chain.blockNumber} blocks, ${transactions} transactions`);
    // A tampered header is refused with the reason.
    const last = chain.latest();
    const wrong = { ...last.header, gasUsed: last.header.gasUsed + 1n };
    assert.throws(() => tree.importRlp(encodeBlock(wrong, last.transactions)), /INVALID_GAS_USED/);
  });
}
