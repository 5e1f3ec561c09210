/**
 * Test support for the examples in examples/wasm/: builds their C programs (with sdk/c/abi.h) and
 * Solidity contracts, and drives an in-process `createNode({ wasm: true })` with viem through its
 * EIP-1193 provider, as a dapp would.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  custom,
  parseAbi,
  type Abi,
  type Address,
  type Hash,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
  type Account,
  type Chain,
  type Transport,
} from 'viem';
import { foundry } from 'viem/chains';
import { compileC } from '../../wasm/testing/compile.js';
import { compressProgram } from '../../wasm/compress.js';
import { deployCode } from '../../wasm/format.js';
import { bytesToHex } from '../../primitives/bytes.js';
import { nodeModule } from '../../primitives/node-require.js';
import { createNode, type PolyvmNode } from '../node.js';

/** The repository's root, from dist/node/testing/ (or src/node/testing/). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const EXAMPLES = resolve(REPO_ROOT, 'examples/wasm');
export const SDK_C = resolve(REPO_ROOT, 'sdk/c');

/** Builds a C example (a path under examples/wasm/) as the README's recipe does. */
export function compileCExample(path: string): Uint8Array {
  const file = resolve(EXAMPLES, path);
  return compileC(readFileSync(file, 'utf8'), { cflags: ['-I', SDK_C, '-I', dirname(file)] });
}

/** The init code `polyvm wasm deploy-code` prints for a module. */
export function programInitCode(wasm: Uint8Array): Hex {
  return bytesToHex(deployCode(compressProgram(wasm))) as Hex;
}

/** OpenZeppelin v5's ERC-20 errors, for viem to decode the C token's reverts. */
export const OZ_ERC20_ERRORS = parseAbi([
  'error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)',
  'error ERC20InvalidSender(address sender)',
  'error ERC20InvalidReceiver(address receiver)',
  'error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)',
  'error ERC20InvalidApprover(address approver)',
  'error ERC20InvalidSpender(address spender)',
]);

/** The C token's own function and error beyond the ERC-20 interface. */
export const C_TOKEN_EXTRAS = parseAbi(['function init(uint256 supply)', 'error AlreadyInitialized()']);

/** Compiles Solidity sources with solc-js; returns each contract's ABI and creation code by name. */
export function compileSolidity(sources: Record<string, string>): Record<string, { abi: Abi; bytecode: Hex }> {
  const solc = nodeModule<{ compile(input: string): string }>(import.meta.url, 'solc')!;
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
        settings: { outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  ) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error').map((e) => e.formattedMessage);
  assert.deepEqual(errors, []);
  const out: Record<string, { abi: Abi; bytecode: Hex }> = {};
  for (const file of Object.values(output.contracts)) {
    for (const [name, contract] of Object.entries(file)) out[name] = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  }
  return out;
}

/** A build artifact of @uniswap/v2-core (UniswapV2Factory, UniswapV2Pair, ERC20, ...). */
export function uniswapArtifact(name: string): { abi: Abi; bytecode: Hex } {
  const json = nodeModule<{ abi: Abi; bytecode: string }>(import.meta.url, `@uniswap/v2-core/build/${name}.json`)!;
  return { abi: json.abi, bytecode: (json.bytecode.startsWith('0x') ? json.bytecode : `0x${json.bytecode}`) as Hex };
}

export type Wallet = WalletClient<Transport, Chain, Account>;

export interface Session {
  node: PolyvmNode;
  client: PublicClient;
  /** One wallet per dev account (the node signs for them). */
  wallets: Wallet[];
  /** Waits for a transaction's receipt and asserts that it succeeded. */
  mined(hash: Hash | Promise<Hash>): Promise<TransactionReceipt>;
  /** Deploys WebAssembly from `wallet` with an ordinary create transaction; returns its address. */
  deployProgram(wallet: Wallet, wasm: Uint8Array): Promise<Address>;
  /** Deploys an EVM contract; returns its address. */
  deployContract(wallet: Wallet, artifact: { abi: Abi; bytecode: Hex }, args?: readonly unknown[]): Promise<Address>;
  /**
   * The error a call reverts with, as viem decodes it against `abi`: a custom error's name and
   * arguments, or for Error(string) the name 'Error' and [reason]. Fails if the call succeeds.
   */
  revertOf(
    from: Address,
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
  ): Promise<{ name?: string; args?: readonly unknown[] }>;
}

/** A fresh `createNode({ wasm: true })` and viem clients on its in-process provider. */
export async function startSession(): Promise<Session> {
  const node = createNode({ wasm: true });
  // No retries: viem maps a revert's code 3 to an unknown error and retries it with a backoff.
  const transport = custom(node, { retryCount: 0 });
  const client = createPublicClient({ chain: foundry, transport, pollingInterval: 5 }) as PublicClient;
  const addresses = await createWalletClient({ chain: foundry, transport }).getAddresses();
  const wallets = addresses.map((account) => createWalletClient({ account, chain: foundry, transport }) as Wallet);
  const mined = async (hash: Hash | Promise<Hash>): Promise<TransactionReceipt> => {
    const receipt = await client.waitForTransactionReceipt({ hash: await hash, pollingInterval: 5 });
    assert.equal(receipt.status, 'success', `transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };
  return {
    node,
    client,
    wallets,
    mined,
    async deployProgram(wallet, wasm) {
      const receipt = await mined(wallet.sendTransaction({ data: programInitCode(wasm) }));
      return receipt.contractAddress!;
    },
    async deployContract(wallet, artifact, args = []) {
      const receipt = await mined(wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args }));
      return receipt.contractAddress!;
    },
    async revertOf(from, address, abi, functionName, args) {
      try {
        await client.simulateContract({ account: from, address, abi, functionName, args });
      } catch (error) {
        assert.ok(error instanceof BaseError, String(error));
        const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
        assert.ok(reverted instanceof ContractFunctionRevertedError, error.message);
        return { name: reverted.data?.errorName, args: reverted.data?.args };
      }
      assert.fail(`${functionName} did not revert`);
    },
  };
}
