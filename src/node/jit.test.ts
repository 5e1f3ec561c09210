/**
 * The dev node's compiler tier: each node has its own code cache, `jit` picks the tier, and the
 * chain's blocks and calls come out the same whichever tier runs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNode } from './node.js';

const SENDER = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
// Runtime: sum = 0; for (i = calldata[0]; i != 0; i--) sum += i; storage[0] = sum; return sum.
// 0: PUSH1 0, PUSH1 0, CALLDATALOAD; 5: JUMPDEST DUP1 ISZERO PUSH1 22 JUMPI DUP1 SWAP2 ADD SWAP1 PUSH1 1
// SWAP1 SUB PUSH1 5 JUMP; 22: JUMPDEST POP DUP1 PUSH1 0 SSTORE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
const RUNTIME = '6000600035' + '5b80156016578091019060019003600556' + '5b5080600055600052' + '60206000f3';
/** Initcode that copies RUNTIME from its own tail and returns it. */
const INITCODE = '0x' + '60' + (RUNTIME.length / 2).toString(16).padStart(2, '0') + '80' + '600b' + '6000' + '39' + '6000' + 'f3' + RUNTIME;

async function run(jit: 'never' | 'always') {
  const node = createNode({ jit, genesisTimestamp: 1_700_000_000 });
  try {
    const rpc = (method: string, params: unknown[] = []) => node.request({ method, params }) as Promise<any>;
    // Block times from the genesis, not the clock: the two runs' blocks must be identical even
    // when they straddle a second.
    await rpc('anvil_setBlockTimestampInterval', [12]);
    const deploy = await rpc('eth_sendTransaction', [{ from: SENDER, data: INITCODE, gas: '0x100000' }]);
    const { contractAddress } = await rpc('eth_getTransactionReceipt', [deploy]);
    const arg = (n: number) => '0x' + n.toString(16).padStart(64, '0');
    const call = await rpc('eth_call', [{ to: contractAddress, data: arg(3000) }, 'latest']);
    const estimate = await rpc('eth_estimateGas', [{ from: SENDER, to: contractAddress, data: arg(3000) }]);
    const tx = await rpc('eth_sendTransaction', [{ from: SENDER, to: contractAddress, data: arg(2000), gas: '0x200000' }]);
    const receipt = await rpc('eth_getTransactionReceipt', [tx]);
    const block = await rpc('eth_getBlockByNumber', ['latest', false]);
    const stored = await rpc('eth_getStorageAt', [contractAddress, '0x0', 'latest']);
    return {
      call,
      estimate,
      gasUsed: receipt.gasUsed,
      stateRoot: block.stateRoot,
      stored,
      compiled: node.chain.machines.codeCache.stats.compilations,
    };
  } finally {
    await node.close();
  }
}

test('a node with jit always runs compiled code and gives the blocks and answers the interpreter gives', async () => {
  const interpreted = await run('never');
  const compiled = await run('always');
  assert.equal(interpreted.compiled, 0);
  assert.ok(compiled.compiled > 0, 'nothing was compiled');
  assert.equal(BigInt(interpreted.call), (3000n * 3001n) / 2n);
  assert.equal(BigInt(interpreted.stored), (2000n * 2001n) / 2n);
  assert.deepEqual({ ...compiled, compiled: 0 }, { ...interpreted, compiled: 0 });
});
