/**
 * Cross-VM DeFi on `createNode({ wasm: true })`, driven by viem: the C ERC-20 of
 * examples/wasm/erc20-c (a WebAssembly program) beside Solidity contracts on one chain.
 *
 * - The C token and a Solidity ERC-20 (examples/wasm/cross-vm/SolToken.sol) run the same
 *   operations and return, revert, log and store byte for byte alike.
 * - A Uniswap V2 pair from @uniswap/v2-core's npm build trades the C token against the Solidity
 *   token: liquidity in, swaps both ways (amounts from x·y = k with the 0.3% fee, computed here),
 *   liquidity out. The pair calls the program with `call` and checks its returned bool.
 * - A Solidity vault (examples/wasm/cross-vm/Vault.sol) calls the program; a C router
 *   (examples/wasm/cross-vm/router.c) calls the Solidity token, and the C token too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  encodeAbiParameters,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  keccak256,
  parseAbi,
  parseEventLogs,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
  type Log,
} from 'viem';
import {
  C_TOKEN_EXTRAS,
  EXAMPLES,
  OZ_ERC20_ERRORS,
  compileCExample,
  compileSolidity,
  startSession,
  uniswapArtifact,
  type Session,
} from './testing/wasm-examples.js';

const E18 = 10n ** 18n;
const SUPPLY = 1_000_000n * E18;
const TOKEN_ABI = [...erc20Abi, ...OZ_ERC20_ERRORS, ...C_TOKEN_EXTRAS] as const;
const ROUTER_ABI = parseAbi([
  'function balanceOf(address token, address account) view returns (uint256)',
  'function forward(address token, address to, uint256 amount) returns (bool)',
  'function forwarded() view returns (uint256)',
  'error TransferFailed(address token)',
]);
const factoryArtifact = uniswapArtifact('UniswapV2Factory');
const PAIR_ABI = uniswapArtifact('UniswapV2Pair').abi;

let s: Session;
let alice: Address, bob: Address, carol: Address;
let cToken: Address; // the C program
let solToken: Address; // SolToken.sol
let solidity: ReturnType<typeof compileSolidity>;
let tokenWasm: Uint8Array;

before(async () => {
  solidity = compileSolidity({
    'SolToken.sol': readFileSync(resolve(EXAMPLES, 'cross-vm/SolToken.sol'), 'utf8'),
    'Vault.sol': readFileSync(resolve(EXAMPLES, 'cross-vm/Vault.sol'), 'utf8'),
  });
  s = await startSession();
  [alice, bob, carol] = s.wallets.map((w) => getAddress(w.account.address)) as [Address, Address, Address];
  tokenWasm = compileCExample('erc20-c/token.c');
  cToken = getAddress(await s.deployProgram(s.wallets[0]!, tokenWasm));
  await write(0, cToken, TOKEN_ABI, 'init', [SUPPLY]);
  solToken = getAddress(await s.deployContract(s.wallets[0]!, solidity.SolToken!, ['Solidity Token', 'STK', SUPPLY]));
});

after(async () => {
  await s?.node.close();
});

function write(from: number, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) {
  return s.mined(s.wallets[from]!.writeContract({ address, abi, functionName, args }));
}

function read<T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
  return s.client.readContract({ address, abi, functionName, args }) as Promise<T>;
}

const balance = (token: Address, who: Address) => read<bigint>(token, erc20Abi, 'balanceOf', [who]);

const revertOf = (from: Address, address: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
  s.revertOf(from, address, abi, functionName, args);

/** A receipt's logs decoded against `abi`, as [emitter, event, args]. */
function events(abi: Abi, logs: Log[]): [Address, string, unknown][] {
  return parseEventLogs({ abi, logs }).map((l) => [getAddress(l.address), l.eventName, l.args]);
}

test('the C token and a Solidity ERC-20 return, revert, log and store alike', async () => {
  const other = getAddress(await s.deployContract(s.wallets[0]!, solidity.SolToken!, ['Solidity Token', 'STK', SUPPLY]));
  const steps: [from: number, data: Hex][] = [
    [0, encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [bob, 1000n] })],
    [1, encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [bob, 10n] })],
    [1, encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [carol, 300n] })],
    [2, encodeFunctionData({ abi: erc20Abi, functionName: 'transferFrom', args: [bob, carol, 120n] })],
    [2, encodeFunctionData({ abi: erc20Abi, functionName: 'transferFrom', args: [bob, carol, 181n] })], // over the allowance
    [2, encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [alice, 121n] })], // over the balance
    [0, encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [zeroAddress, 1n] })],
    [0, encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [zeroAddress, 1n] })],
    [0, encodeFunctionData({ abi: erc20Abi, functionName: 'allowance', args: [bob, carol] })],
    [0, encodeFunctionData({ abi: erc20Abi, functionName: 'decimals' })],
    [0, encodeFunctionData({ abi: erc20Abi, functionName: 'totalSupply' })],
  ];
  // A fresh C token, so both start from the same state.
  const program = getAddress(await s.deployProgram(s.wallets[0]!, tokenWasm));
  await write(0, program, TOKEN_ABI, 'init', [SUPPLY]);
  let reverts = 0;
  for (const [from, data] of steps) {
    const outcome = async (to: Address) => {
      const account = s.wallets[from]!.account.address;
      const call = await s.node.request({ method: 'eth_call', params: [{ from: account, to, data }, 'latest'] }).then(
        (output) => ({ output }),
        (e: { message: string; data?: unknown }) => ({ reverted: e.data, message: e.message }),
      );
      if ('reverted' in call) return call;
      const hash = await s.wallets[from]!.sendTransaction({ to, data });
      const receipt = await s.mined(hash);
      return { ...call, logs: receipt.logs.map((l) => [l.topics, l.data]) };
    };
    const [c, sol] = [await outcome(program), await outcome(other)];
    assert.deepEqual(c, sol, data);
    if ('reverted' in c) reverts++;
  }
  assert.equal(reverts, 4);
  // The same storage: balances at keccak256(owner ‖ 0), allowances at keccak256(spender ‖ keccak256(owner ‖ 1)).
  const slot = (key: Address, base: Hex) => keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'bytes32' }], [key, base]));
  const word = (n: bigint): Hex => `0x${n.toString(16).padStart(64, '0')}`;
  const slots = [word(2n), slot(alice, word(0n)), slot(bob, word(0n)), slot(carol, word(0n)), slot(carol, slot(bob, word(1n)))];
  for (const key of slots) {
    const [c, sol] = await Promise.all([program, other].map((address) => s.client.getStorageAt({ address, slot: key })));
    assert.equal(c, sol, key);
  }
  assert.equal(await balance(program, carol), 120n);
  assert.equal(await read(program, erc20Abi, 'allowance', [bob, carol]), 180n);
});

/** Uniswap V2's getAmountOut: the output for `amountIn` after the 0.3% fee, keeping x·y = k. */
function amountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const withFee = amountIn * 997n;
  return (withFee * reserveOut) / (reserveIn * 1000n + withFee);
}

/** ⌊√n⌋, as Uniswap's Math.sqrt computes it. */
function sqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) [x, y] = [y, (y + n / y) / 2n];
  return x;
}

const MINIMUM_LIQUIDITY = 1000n;

/** The pair and what the test knows it holds. */
const pool = {
  address: zeroAddress as Address,
  /** Whether the C token is token0 (the lower address). */
  cFirst: false,
  reserveC: 0n,
  reserveSol: 0n,
  liquidity: 0n, // alice's LP tokens
  lpSupply: 0n,
  /** [amount0, amount1] from amounts in the C token and the Solidity token. */
  ordered(c: bigint, sol: bigint): [bigint, bigint] {
    return this.cFirst ? [c, sol] : [sol, c];
  },
};

async function reserves(): Promise<[bigint, bigint]> {
  const [r0, r1] = await read<[bigint, bigint, number]>(pool.address, PAIR_ABI, 'getReserves');
  return [r0, r1];
}

test('Uniswap V2: the factory from the npm build creates a pair of the C token and the Solidity token, and liquidity goes in', async () => {
  const factory = getAddress(await s.deployContract(s.wallets[0]!, factoryArtifact, [alice]));
  const created = await write(0, factory, factoryArtifact.abi, 'createPair', [cToken, solToken]);
  pool.address = getAddress(await read<Address>(factory, factoryArtifact.abi, 'getPair', [solToken, cToken]));
  pool.cFirst = BigInt(cToken) < BigInt(solToken);
  const [token0, token1] = pool.cFirst ? [cToken, solToken] : [solToken, cToken];
  // The event's last parameter (the pair count) has no name, so viem gives the arguments as a list.
  assert.deepEqual(events(factoryArtifact.abi, created.logs), [[factory, 'PairCreated', [token0, token1, pool.address, 1n]]]);
  assert.equal(await read(pool.address, PAIR_ABI, 'token0'), token0);

  // 10,000 C and 40,000 STK: √(10,000 · 40,000) = 20,000 LP tokens, less the 1,000 wei locked forever.
  const [c, sol] = [10_000n * E18, 40_000n * E18];
  await write(0, cToken, erc20Abi, 'transfer', [pool.address, c]);
  await write(0, solToken, erc20Abi, 'transfer', [pool.address, sol]);
  const minted = await write(0, pool.address, PAIR_ABI, 'mint', [alice]);
  const root = sqrt(c * sol);
  assert.equal(root, 20_000n * E18);
  pool.liquidity = root - MINIMUM_LIQUIDITY;
  pool.lpSupply = root;
  [pool.reserveC, pool.reserveSol] = [c, sol];
  const [amount0, amount1] = pool.ordered(c, sol);
  assert.deepEqual(events(PAIR_ABI, minted.logs), [
    [pool.address, 'Transfer', { from: zeroAddress, to: zeroAddress, value: MINIMUM_LIQUIDITY }],
    [pool.address, 'Transfer', { from: zeroAddress, to: alice, value: pool.liquidity }],
    [pool.address, 'Sync', { reserve0: amount0, reserve1: amount1 }],
    [pool.address, 'Mint', { sender: alice, amount0, amount1 }],
  ]);
  assert.equal(await read(pool.address, PAIR_ABI, 'balanceOf', [alice]), pool.liquidity);
  assert.equal(await read(pool.address, PAIR_ABI, 'totalSupply'), root);
  assert.deepEqual(await reserves(), [amount0, amount1]);
});

/**
 * Sends `amountIn` of one token to the pair from `who` and swaps for the x·y = k output of the
 * other, after checking that one wei more fails the pair's K check. Returns the swap's receipt.
 */
async function swap(from: number, cIn: boolean, amountIn: bigint) {
  const who = getAddress(s.wallets[from]!.account.address);
  const [reserveIn, reserveOut] = cIn ? [pool.reserveC, pool.reserveSol] : [pool.reserveSol, pool.reserveC];
  const out = amountOut(amountIn, reserveIn, reserveOut);
  assert.ok(out > 0n);
  const [tokenIn, tokenOut] = cIn ? [cToken, solToken] : [solToken, cToken];
  const outBefore = await balance(tokenOut, who);
  await write(from, tokenIn, erc20Abi, 'transfer', [pool.address, amountIn]);
  const outs = (amount: bigint) => (cIn ? pool.ordered(0n, amount) : pool.ordered(amount, 0n));
  const greedy = await revertOf(who, pool.address, PAIR_ABI, 'swap', [...outs(out + 1n), who, '0x']);
  assert.deepEqual(greedy, { name: 'Error', args: ['UniswapV2: K'] });
  const receipt = await write(from, pool.address, PAIR_ABI, 'swap', [...outs(out), who, '0x']);

  const kBefore = pool.reserveC * pool.reserveSol;
  if (cIn) [pool.reserveC, pool.reserveSol] = [pool.reserveC + amountIn, pool.reserveSol - out];
  else [pool.reserveC, pool.reserveSol] = [pool.reserveC - out, pool.reserveSol + amountIn];
  assert.ok(pool.reserveC * pool.reserveSol > kBefore, 'the fee grows k');
  const [reserve0, reserve1] = pool.ordered(pool.reserveC, pool.reserveSol);
  const [amount0In, amount1In] = cIn ? pool.ordered(amountIn, 0n) : pool.ordered(0n, amountIn);
  const [amount0Out, amount1Out] = outs(out);
  // The output token's Transfer (from whichever VM runs it), then the pair's Sync and Swap.
  assert.deepEqual(events([...erc20Abi, ...PAIR_ABI], receipt.logs), [
    [tokenOut, 'Transfer', { from: pool.address, to: who, value: out }],
    [pool.address, 'Sync', { reserve0, reserve1 }],
    [pool.address, 'Swap', { sender: who, amount0In, amount1In, amount0Out, amount1Out, to: who }],
  ]);
  assert.deepEqual(await reserves(), [reserve0, reserve1]);
  assert.equal(await balance(tokenOut, who), outBefore + out);
  return out;
}

test('Uniswap V2: swap the Solidity token for the C token (the pair calls transfer on the WASM program)', async () => {
  await write(0, solToken, erc20Abi, 'transfer', [bob, 5_000n * E18]);
  const out = await swap(1, false, 1_000n * E18);
  // 1,000 STK into 40,000 STK : 10,000 C.
  assert.equal(out, (1_000n * E18 * 997n * 10_000n * E18) / (40_000n * E18 * 1000n + 1_000n * E18 * 997n));
  assert.equal(await balance(cToken, bob), out);
  assert.equal(await balance(cToken, pool.address), pool.reserveC);
});

test('Uniswap V2: swap the C token for the Solidity token (the pair reads the program with balanceOf)', async () => {
  await write(0, cToken, erc20Abi, 'transfer', [carol, 300n * E18]);
  const before = await balance(solToken, carol);
  const out = await swap(2, true, 250n * E18 + 12345n);
  assert.equal(await balance(solToken, carol), before + out);
  assert.equal(await balance(cToken, carol), 50n * E18 - 12345n);
  assert.equal(await balance(solToken, pool.address), pool.reserveSol);
});

test('Uniswap V2: burning the liquidity returns both tokens pro rata', async () => {
  const [cBefore, solBefore] = [await balance(cToken, alice), await balance(solToken, alice)];
  await write(0, pool.address, PAIR_ABI, 'transfer', [pool.address, pool.liquidity]);
  const { result } = await s.client.simulateContract({
    account: alice,
    address: pool.address,
    abi: PAIR_ABI,
    functionName: 'burn',
    args: [alice],
  });
  const c = (pool.liquidity * pool.reserveC) / pool.lpSupply;
  const sol = (pool.liquidity * pool.reserveSol) / pool.lpSupply;
  const [amount0, amount1] = pool.ordered(c, sol);
  assert.deepEqual(result, [amount0, amount1]);
  const burned = await write(0, pool.address, PAIR_ABI, 'burn', [alice]);
  const [reserve0, reserve1] = pool.ordered(pool.reserveC - c, pool.reserveSol - sol);
  const [token0, token1] = pool.cFirst ? [cToken, solToken] : [solToken, cToken];
  assert.deepEqual(events([...erc20Abi, ...PAIR_ABI], burned.logs), [
    [pool.address, 'Transfer', { from: pool.address, to: zeroAddress, value: pool.liquidity }],
    [token0, 'Transfer', { from: pool.address, to: alice, value: amount0 }],
    [token1, 'Transfer', { from: pool.address, to: alice, value: amount1 }],
    [pool.address, 'Sync', { reserve0, reserve1 }],
    [pool.address, 'Burn', { sender: alice, amount0, amount1, to: alice }],
  ]);
  assert.equal(await balance(cToken, alice), cBefore + c);
  assert.equal(await balance(solToken, alice), solBefore + sol);
  assert.deepEqual(await reserves(), [reserve0, reserve1]);
  assert.equal(await read(pool.address, PAIR_ABI, 'totalSupply'), MINIMUM_LIQUIDITY);
  // What stays behind backs the locked minimum: more than 1,000 wei of each, thanks to the fees.
  assert.ok(pool.reserveC - c > 0n && pool.reserveSol - sol > 0n);
});

test('a Solidity vault calls the WASM token: transferFrom in, transfer out, balanceOf, and its custom errors bubble up', async () => {
  const vault = getAddress(await s.deployContract(s.wallets[0]!, solidity.Vault!, [cToken]));
  const VAULT_ABI = [...solidity.Vault!.abi, ...OZ_ERC20_ERRORS] as Abi;
  assert.equal(await read(vault, VAULT_ABI, 'token'), cToken);
  const aliceBefore = await balance(cToken, alice);

  await write(0, cToken, erc20Abi, 'approve', [vault, 700n]);
  const deposited = await write(0, vault, VAULT_ABI, 'deposit', [500n]);
  assert.deepEqual(events([...erc20Abi, ...VAULT_ABI], deposited.logs), [
    [cToken, 'Transfer', { from: alice, to: vault, value: 500n }],
    [vault, 'Deposited', { account: alice, amount: 500n }],
  ]);
  assert.equal(await balance(cToken, vault), 500n);
  assert.equal(await balance(cToken, alice), aliceBefore - 500n);
  assert.equal(await read(cToken, erc20Abi, 'allowance', [alice, vault]), 200n);
  assert.equal(await read(vault, VAULT_ABI, 'deposits', [alice]), 500n);
  assert.equal(await read(vault, VAULT_ABI, 'holdings'), 500n, 'a static call from the EVM into the program');

  // The program's revert data comes back through the vault: viem decodes the C token's error.
  const over = await revertOf(alice, vault, VAULT_ABI, 'deposit', [201n]);
  assert.deepEqual(over, { name: 'ERC20InsufficientAllowance', args: [vault, 200n, 201n] });

  const withdrawn = await write(0, vault, VAULT_ABI, 'withdraw', [300n]);
  assert.deepEqual(events([...erc20Abi, ...VAULT_ABI], withdrawn.logs), [
    [cToken, 'Transfer', { from: vault, to: alice, value: 300n }],
    [vault, 'Withdrawn', { account: alice, amount: 300n }],
  ]);
  assert.equal(await balance(cToken, vault), 200n);
  assert.equal(await balance(cToken, alice), aliceBefore - 200n);
  assert.deepEqual(await revertOf(alice, vault, VAULT_ABI, 'withdraw', [201n]), { name: 'InsufficientDeposit', args: [200n, 201n] });
});

test('a C router calls the Solidity token (and the C token): balanceOf by static call, transfer by call, reverts passed on', async () => {
  const router = getAddress(await s.deployProgram(s.wallets[0]!, compileCExample('cross-vm/router.c')));
  const ABI = [...ROUTER_ABI, ...OZ_ERC20_ERRORS, ...solidity.SolToken!.abi] as Abi;
  await write(0, solToken, erc20Abi, 'transfer', [router, 1_000n]);
  await write(0, cToken, erc20Abi, 'transfer', [router, 50n]);
  assert.equal(await read(router, ABI, 'balanceOf', [solToken, router]), 1_000n);
  assert.equal(await read(router, ABI, 'balanceOf', [cToken, router]), 50n);
  assert.equal(await read(router, ABI, 'balanceOf', [solToken, alice]), await balance(solToken, alice));

  const carolBefore = await balance(solToken, carol);
  const forwarded = await write(0, router, ABI, 'forward', [solToken, carol, 400n]);
  assert.deepEqual(events(erc20Abi, forwarded.logs), [[solToken, 'Transfer', { from: router, to: carol, value: 400n }]]);
  assert.equal(await balance(solToken, carol), carolBefore + 400n);
  assert.equal(await balance(solToken, router), 600n);
  await write(1, router, ABI, 'forward', [cToken, bob, 30n]); // WASM to WASM
  assert.equal(await balance(cToken, router), 20n);
  assert.equal(await read(router, ABI, 'forwarded'), 430n);

  // The callee's revert, passed on: the Solidity token's and the C token's custom errors.
  assert.deepEqual(await revertOf(alice, router, ABI, 'forward', [solToken, carol, 601n]), {
    name: 'ERC20InsufficientBalance',
    args: [router, 600n, 601n],
  });
  assert.deepEqual(await revertOf(alice, router, ABI, 'forward', [cToken, carol, 21n]), {
    name: 'ERC20InsufficientBalance',
    args: [router, 20n, 21n],
  });
  // An account with no code "succeeds" with no return data: not a token, so TransferFailed.
  assert.deepEqual(await revertOf(alice, router, ABI, 'forward', [carol, bob, 1n]), { name: 'TransferFailed', args: [carol] });

  // Mined, a failed forward undoes the router's own write (made and flushed before the call).
  const hash = await s.wallets[0]!.writeContract({
    address: router,
    abi: ABI,
    functionName: 'forward',
    args: [solToken, carol, 601n],
    gas: 300_000n,
  });
  assert.equal((await s.client.waitForTransactionReceipt({ hash, pollingInterval: 5 })).status, 'reverted');
  assert.equal(await read(router, ABI, 'forwarded'), 430n);
  assert.equal(await balance(solToken, router), 600n);
});
