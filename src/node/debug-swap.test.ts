/**
 * The README's recipe "Why did my swap fail?": a Uniswap V2 swap (the pair from
 * @uniswap/v2-core's npm build, two Solidity tokens) that asks for more than x·y = k allows is
 * mined and reverts; debug_traceTransaction with the callTracer, through viem, shows where and
 * why: the pair sent the tokens out optimistically, read both balances, then reverted with
 * "UniswapV2: K".
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeFunctionData, erc20Abi, getAddress, type Address, type Hex } from 'viem';
import { EXAMPLES, compileSolidity, startSession, uniswapArtifact, type Session } from './testing/wasm-examples.js';

const E18 = 10n ** 18n;
let s: Session | undefined;
after(async () => {
  await s?.node.close();
});

interface CallFrame {
  type: string;
  from: Address;
  to: Address;
  input: Hex;
  error?: string;
  revertReason?: string;
  calls?: CallFrame[];
}

test('a failed swap, traced with the callTracer through viem, shows the K check that refused it', async () => {
  s = await startSession();
  const session = s;
  const wallet = session.wallets[0]!;
  const alice = getAddress(wallet.account.address);
  const solidity = compileSolidity({ 'SolToken.sol': readFileSync(resolve(EXAMPLES, 'cross-vm/SolToken.sol'), 'utf8') });
  const tokenA = getAddress(await session.deployContract(wallet, solidity.SolToken!, ['A', 'A', 1_000_000n * E18]));
  const tokenB = getAddress(await session.deployContract(wallet, solidity.SolToken!, ['B', 'B', 1_000_000n * E18]));
  const factory = uniswapArtifact('UniswapV2Factory');
  const pairAbi = uniswapArtifact('UniswapV2Pair').abi;
  const factoryAddress = getAddress(await session.deployContract(wallet, factory, [alice]));
  await session.mined(
    wallet.writeContract({ address: factoryAddress, abi: factory.abi, functionName: 'createPair', args: [tokenA, tokenB] }),
  );
  const pair = (await session.client.readContract({
    address: factoryAddress,
    abi: factory.abi,
    functionName: 'getPair',
    args: [tokenA, tokenB],
  })) as Address;
  for (const token of [tokenA, tokenB])
    await session.mined(wallet.writeContract({ address: token, abi: erc20Abi, functionName: 'transfer', args: [pair, 1000n * E18] }));
  await session.mined(wallet.writeContract({ address: pair, abi: pairAbi, functionName: 'mint', args: [alice] }));

  // 10 of token0 in; asking for 10 of token1 out breaks x·y = k (the fair output is about 9.87).
  const token0 = (await session.client.readContract({ address: pair, abi: pairAbi, functionName: 'token0' })) as Address;
  const token1 = getAddress(token0) === tokenA ? tokenB : tokenA;
  await session.mined(wallet.writeContract({ address: token0, abi: erc20Abi, functionName: 'transfer', args: [pair, 10n * E18] }));
  const hash = await wallet.writeContract({
    address: pair,
    abi: pairAbi,
    functionName: 'swap',
    args: [0n, 10n * E18, alice, '0x'],
    gas: 300_000n, // a fixed limit, so that the node mines it rather than refusing the estimate
  });
  const receipt = await session.client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'reverted');

  // The recipe: trace the mined transaction with geth's callTracer.
  const trace = (await session.client.request({
    method: 'debug_traceTransaction',
    params: [hash, { tracer: 'callTracer' }],
  } as never)) as CallFrame;
  assert.equal(trace.to.toLowerCase(), pair.toLowerCase());
  assert.equal(trace.error, 'execution reverted');
  assert.equal(trace.revertReason, 'UniswapV2: K');
  // Inside: the optimistic transfer of token1 out, then the two balance reads, then the revert.
  const inner = trace.calls!.map((c) => [c.type, getAddress(c.to), decodeFunctionData({ abi: erc20Abi, data: c.input }).functionName]);
  assert.deepEqual(inner, [
    ['CALL', getAddress(token1), 'transfer'],
    ['STATICCALL', getAddress(token0), 'balanceOf'],
    ['STATICCALL', getAddress(token1), 'balanceOf'],
  ]);
  assert.ok(trace.calls!.every((c) => c.error === undefined));
});
