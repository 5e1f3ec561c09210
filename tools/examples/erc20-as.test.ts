/**
 * examples/wasm/erc20-as: the AssemblyScript ERC-20, built with `polyvm wasm build`'s function,
 * deployed on createNode({ wasm: true }) and checked through viem's erc20Abi as an OpenZeppelin
 * ERC-20 would be: balances, transfer, approve, transferFrom with allowances (an infinite one is
 * not spent), Transfer and Approval events in receipts and in eth_getLogs, OpenZeppelin v5's custom
 * errors decoded by viem, and storage at the slots OpenZeppelin's ERC20 uses.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  custom,
  encodeAbiParameters,
  erc20Abi,
  getAddress,
  keccak256,
  maxUint256,
  parseAbi,
  parseEther,
  parseEventLogs,
  type Address,
  type Hex,
} from 'viem';
import { foundry } from 'viem/chains';
import { buildAssemblyScript } from '../../dist/cli/assemblyscript.js';
import { compressProgram } from '../../dist/wasm/compress.js';
import { deployCode } from '../../dist/wasm/format.js';
import { bytesToHex } from '../../dist/primitives/bytes.js';
import { createNode } from '../../dist/node/node.js';

const TOKEN = resolve(import.meta.dirname, '../../examples/wasm/erc20-as/token.ts');

/** What the token adds to erc20Abi: its setup, and OpenZeppelin v5's errors. */
const TOKEN_ABI = [
  ...erc20Abi,
  ...parseAbi([
    'function initialize(string name, string symbol, uint256 initialSupply)',
    'function mint(address to, uint256 value)',
    'function owner() view returns (address)',
    'error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)',
    'error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)',
    'error ERC20InvalidSender(address sender)',
    'error ERC20InvalidReceiver(address receiver)',
    'error ERC20InvalidApprover(address approver)',
    'error ERC20InvalidSpender(address spender)',
    'error InvalidInitialization()',
    'error OwnableUnauthorizedAccount(address account)',
  ]),
] as const;

const node = createNode({ wasm: true });
after(() => node.close());
const transport = custom(node);
const client = createPublicClient({ chain: foundry, transport, pollingInterval: 10 });
const [alice, bob, carol] = node.accounts.slice(0, 3).map((a) => getAddress(a.address)) as [Address, Address, Address];
const walletOf = (account: Address) => createWalletClient({ chain: foundry, transport, account });
const SUPPLY = parseEther('1000000');

let deployed: Promise<Address> | undefined;
/** The token, built, deployed and initialized by alice (once for all tests). */
function token(): Promise<Address> {
  deployed ??= (async () => {
    const { wasm } = await buildAssemblyScript(TOKEN);
    const hash = await walletOf(alice).sendTransaction({ data: bytesToHex(deployCode(compressProgram(wasm))) as Hex });
    const receipt = await client.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, 'success');
    const address = getAddress(receipt.contractAddress!);
    await send(alice, { address, functionName: 'initialize', args: ['Polyvm Token', 'PVT', SUPPLY] });
    return address;
  })();
  return deployed;
}

/** Sends a token transaction from `from` and waits for a successful receipt. */
async function send(from: Address, call: { address: Address; functionName: string; args: readonly unknown[] }) {
  const hash = await walletOf(from).writeContract({ abi: TOKEN_ABI, ...call } as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'success', call.functionName);
  return receipt;
}

const balanceOf = async (account: Address) =>
  client.readContract({ address: await token(), abi: erc20Abi, functionName: 'balanceOf', args: [account] });

/** The custom error a call from `from` reverts with, decoded by viem against TOKEN_ABI. */
async function revertOf(from: Address, functionName: string, args: readonly unknown[]): Promise<ContractFunctionRevertedError> {
  try {
    await client.simulateContract({ address: await token(), abi: TOKEN_ABI, functionName, args, account: from } as never);
  } catch (e) {
    const reverted = (e as BaseError).walk((x) => x instanceof ContractFunctionRevertedError);
    assert.ok(reverted instanceof ContractFunctionRevertedError, String(e));
    return reverted;
  }
  assert.fail(`${functionName} did not revert`);
}

test('metadata and the initial supply through erc20Abi', async () => {
  const address = await token();
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'name' }), 'Polyvm Token');
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'symbol' }), 'PVT');
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'decimals' }), 18);
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'totalSupply' }), SUPPLY);
  assert.equal(await client.readContract({ address, abi: TOKEN_ABI, functionName: 'owner' }), alice);
  assert.equal(await balanceOf(alice), SUPPLY);
  // The mint in initialize is a Transfer from the zero address.
  const mints = await client.getContractEvents({
    address,
    abi: erc20Abi,
    eventName: 'Transfer',
    args: { from: ('0x' + '00'.repeat(20)) as Address },
    fromBlock: 0n,
  });
  assert.equal(mints.length, 1);
  assert.deepEqual(mints[0]!.args, { from: '0x0000000000000000000000000000000000000000', to: alice, value: SUPPLY });
});

test('transfer moves balance and logs Transfer in the receipt', async () => {
  const address = await token();
  const before = await balanceOf(bob);
  const receipt = await send(alice, { address, functionName: 'transfer', args: [bob, 250n] });
  const events = parseEventLogs({ abi: erc20Abi, logs: receipt.logs });
  assert.equal(events.length, 1);
  assert.equal(events[0]!.eventName, 'Transfer');
  assert.deepEqual(events[0]!.args, { from: alice, to: bob, value: 250n });
  assert.equal(await balanceOf(bob), before + 250n);
  assert.ok(receipt.gasUsed < 100_000n, `transfer used ${receipt.gasUsed} gas`);
  const { result } = await client.simulateContract({ address, abi: erc20Abi, functionName: 'transfer', args: [carol, 1n], account: alice });
  assert.equal(result, true);
});

test('approve, allowance and transferFrom: the allowance is spent, without an Approval event (OpenZeppelin v5)', async () => {
  const address = await token();
  const approval = await send(alice, { address, functionName: 'approve', args: [carol, 1000n] });
  const approvals = parseEventLogs({ abi: erc20Abi, logs: approval.logs, eventName: 'Approval' });
  assert.deepEqual(approvals[0]!.args, { owner: alice, spender: carol, value: 1000n });
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'allowance', args: [alice, carol] }), 1000n);

  const aliceBefore = await balanceOf(alice);
  const moved = await send(carol, { address, functionName: 'transferFrom', args: [alice, bob, 400n] });
  const events = parseEventLogs({ abi: erc20Abi, logs: moved.logs });
  assert.deepEqual(
    events.map((e) => e.eventName),
    ['Transfer'],
  );
  assert.deepEqual(events[0]!.args, { from: alice, to: bob, value: 400n });
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'allowance', args: [alice, carol] }), 600n);
  assert.equal(await balanceOf(alice), aliceBefore - 400n);

  const spent = await revertOf(carol, 'transferFrom', [alice, bob, 601n]);
  assert.equal(spent.data?.errorName, 'ERC20InsufficientAllowance');
  assert.deepEqual(spent.data?.args, [carol, 600n, 601n]);
});

test('an infinite allowance (2^256 - 1) is not spent', async () => {
  const address = await token();
  await send(bob, { address, functionName: 'approve', args: [carol, maxUint256] });
  await send(carol, { address, functionName: 'transferFrom', args: [bob, carol, 10n] });
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'allowance', args: [bob, carol] }), maxUint256);
});

test('eth_getLogs finds Transfer and Approval events, filtered by indexed address', async () => {
  const address = await token();
  const toBob = await client.getContractEvents({ address, abi: erc20Abi, eventName: 'Transfer', args: { to: bob }, fromBlock: 0n });
  assert.deepEqual(
    toBob.map((e) => e.args.value),
    [250n, 400n],
  );
  const logs = await client.getLogs({ address, fromBlock: 0n });
  const names = parseEventLogs({ abi: erc20Abi, logs }).map((e) => e.eventName);
  assert.equal(names.length, logs.length);
  assert.deepEqual([...new Set(names)].sort(), ['Approval', 'Transfer']);
  const approvals = await client.getContractEvents({ address, abi: erc20Abi, eventName: 'Approval', args: { owner: bob }, fromBlock: 0n });
  assert.deepEqual(
    approvals.map((e) => e.args),
    [{ owner: bob, spender: carol, value: maxUint256 }],
  );
});

test('a transfer beyond the balance reverts with ERC20InsufficientBalance, decoded by viem; a mined one changes nothing', async () => {
  const address = await token();
  const balance = await balanceOf(carol);
  const e = await revertOf(carol, 'transfer', [bob, balance + 1n]);
  assert.equal(e.data?.errorName, 'ERC20InsufficientBalance');
  assert.deepEqual(e.data?.args, [carol, balance, balance + 1n]);
  // The same revert mined in a block: status reverted, no logs, balances unchanged.
  const hash = await walletOf(carol).writeContract({
    address,
    abi: erc20Abi,
    functionName: 'transfer',
    args: [bob, balance + 1n],
    gas: 200_000n,
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'reverted');
  assert.deepEqual(receipt.logs, []);
  assert.equal(await balanceOf(carol), balance);
});

test("OpenZeppelin's other errors: zero addresses, a second initialize, mint by someone not the owner", async () => {
  const zero = '0x0000000000000000000000000000000000000000';
  const receiver = await revertOf(alice, 'transfer', [zero, 1n]);
  assert.equal(receiver.data?.errorName, 'ERC20InvalidReceiver');
  assert.equal((await revertOf(alice, 'approve', [zero, 1n])).data?.errorName, 'ERC20InvalidSpender');
  assert.equal((await revertOf(alice, 'initialize', ['Again', 'AGN', 1n])).data?.errorName, 'InvalidInitialization');
  const notOwner = await revertOf(bob, 'mint', [bob, 1n]);
  assert.equal(notOwner.data?.errorName, 'OwnableUnauthorizedAccount');
  assert.deepEqual(notOwner.data?.args, [bob]);
  const address = await token();
  const supply = await client.readContract({ address, abi: erc20Abi, functionName: 'totalSupply' });
  await send(alice, { address, functionName: 'mint', args: [bob, 5n] });
  assert.equal(await client.readContract({ address, abi: erc20Abi, functionName: 'totalSupply' }), supply + 5n);
});

test("storage is at OpenZeppelin ERC20's slots: balances at 0, allowances at 1, totalSupply at 2", async () => {
  const address = await token();
  const slotOf = (key: Address, slot: bigint | Hex) =>
    keccak256(encodeAbiParameters([{ type: 'address' }, { type: typeof slot === 'bigint' ? 'uint256' : 'bytes32' }], [key, slot as never]));
  const read = async (slot: Hex) => BigInt((await client.getStorageAt({ address, slot }))!);
  assert.equal(await read(slotOf(bob, 0n)), await balanceOf(bob));
  assert.equal(await read(slotOf(carol, slotOf(alice, 1n))), 600n);
  assert.equal(
    await read(('0x' + '2'.padStart(64, '0')) as Hex),
    await client.readContract({ address, abi: erc20Abi, functionName: 'totalSupply' }),
  );
});
