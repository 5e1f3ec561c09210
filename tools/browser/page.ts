/**
 * The page that `browser.test.ts` bundles for Chromium: the engine's state-test runner and an
 * in-memory dev node driven by viem through its EIP-1193 provider, all inside the page. It
 * exposes its steps on `globalThis.polyvmPage`; the test calls them and checks the results.
 */
import { createPublicClient, createWalletClient, custom, parseEther, type Hex } from 'viem';
import { foundry } from 'viem/chains';
import { loadKzgSetup, loadPrecompiles, initBrotliDecoder, createEvm } from '../../dist/index.js';
import { decompressProgram } from '../../dist/wasm/decompress.js';
import { bytesToHex, hexToBytes } from '../../dist/primitives/bytes.js';
import { createNode } from '../../dist/node/node.js';
import { parseStateTests } from '../../dist/cli/statetest/state-test-file.js';
import { runVector } from '../../dist/cli/statetest/run-vector.js';

export interface VectorOutcome {
  name: string;
  fork: string;
  pass: boolean;
  stateRoot: string;
  error: string;
}

/** What the page reports when a step throws: the error's class name and message. */
export interface Thrown {
  thrown: string;
  message: string;
}

function thrown(error: unknown): Thrown {
  return { thrown: (error as Error)?.name ?? 'unknown', message: String((error as Error)?.message ?? error) };
}

/** Every vector of a state-test file, through the runner `polyvm statetest` uses. */
function runStateTests(json: unknown): VectorOutcome[] | Thrown {
  try {
    const outcomes: VectorOutcome[] = [];
    for (const test of parseStateTests(json)) {
      for (const [fork, entries] of test.post) {
        for (const entry of entries) {
          const { name, pass, stateRoot, error } = runVector(test, fork, entry);
          outcomes.push({ name, fork, pass, stateRoot, error });
        }
      }
    }
    return outcomes;
  } catch (error) {
    return thrown(error);
  }
}

/**
 * Runtime: with no calldata, returns storage slot 0; with a word of calldata, stores it there.
 *   CALLDATASIZE PUSH1 0x0f JUMPI PUSH1 0 SLOAD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
 *   0x0f: JUMPDEST PUSH1 0 CALLDATALOAD PUSH1 0 SSTORE STOP
 */
const RUNTIME = '36600f576000546000526020' + '6000f35b60003560005500';
/** Init code: stores 42 in slot 0, then returns the 23-byte runtime that follows its 16 bytes. */
const STORE_CONTRACT = ('0x602a600055' + '6017806010600039' + '6000f3' + RUNTIME) as Hex;

/** Deploy, call, store, transfer and a newHeads subscription, by viem, against createNode(). */
async function viemSession(): Promise<Record<string, unknown>> {
  const node = createNode();
  const transport = custom(node);
  const publicClient = createPublicClient({ chain: foundry, transport });
  const [account] = await createWalletClient({ chain: foundry, transport }).getAddresses();
  const wallet = createWalletClient({ account: account!, chain: foundry, transport });
  const heads: unknown[] = [];
  node.on('message', (message: { type: string; data: { result: unknown } }) => heads.push(message.data.result));
  await node.request({ method: 'eth_subscribe', params: ['newHeads'] });

  const deployHash = await wallet.deployContract({ abi: [], bytecode: STORE_CONTRACT });
  const deployed = await publicClient.waitForTransactionReceipt({ hash: deployHash });
  const contract = deployed.contractAddress!;
  const before = (await publicClient.call({ to: contract })).data;
  const storeHash = await wallet.sendTransaction({ to: contract, data: `0x${'7'.padStart(64, '0')}` });
  const stored = await publicClient.waitForTransactionReceipt({ hash: storeHash });
  const after = (await publicClient.call({ to: contract })).data;

  const recipient = '0x00000000000000000000000000000000000b0b00';
  const senderBefore = await publicClient.getBalance({ address: account! });
  const value = parseEther('1.5');
  const transferHash = await wallet.sendTransaction({ to: recipient, value });
  const transfer = await publicClient.waitForTransactionReceipt({ hash: transferHash });
  const senderAfter = await publicClient.getBalance({ address: account! });
  const recipientBalance = await publicClient.getBalance({ address: recipient });
  const chainId = await publicClient.getChainId();
  await node.close();
  return {
    account,
    chainId,
    deployStatus: deployed.status,
    contract,
    before,
    storeStatus: stored.status,
    after,
    transferStatus: transfer.status,
    transferBlock: String(transfer.blockNumber),
    senderPaid: String(senderBefore - senderAfter),
    transferCost: String(value + transfer.gasUsed * transfer.effectiveGasPrice),
    recipientBalance: String(recipientBalance),
    heads: heads.length,
  };
}

async function loadAll(): Promise<true | Thrown> {
  try {
    await loadPrecompiles();
    return true;
  } catch (error) {
    return thrown(error);
  }
}

async function loadKzg(): Promise<true | Thrown> {
  try {
    await loadKzgSetup();
    return true;
  } catch (error) {
    return thrown(error);
  }
}

async function session(): Promise<Record<string, unknown> | Thrown> {
  try {
    return await viemSession();
  } catch (error) {
    return thrown(error);
  }
}

/**
 * A Stylus program compressed under Node.js, decompressed here: first without the decoder (a
 * clear error), then after fetching the decoder's WebAssembly from `decoderUrl` and handing the
 * bytes to initBrotliDecoder. Returns the module as hex and whether Chromium compiles it.
 */
async function decompressInPage(args: { program: string; decoderUrl: string }): Promise<Record<string, unknown> | Thrown> {
  try {
    const program = hexToBytes(args.program);
    let before: Thrown | undefined;
    try {
      decompressProgram(program);
    } catch (error) {
      before = thrown(error);
    }
    const response = await fetch(args.decoderUrl);
    initBrotliDecoder(new Uint8Array(await response.arrayBuffer()));
    const module = decompressProgram(program);
    // The engine runs it too: deployed in place, called with calldata it echoes.
    const evm = createEvm({ fork: 'Osaka', wasm: true });
    const address = '0x00000000000000000000000000000000000000aa';
    evm.setAccount(address, { code: program });
    const call = evm.runCall({
      caller: '0x00000000000000000000000000000000000000cc',
      to: address,
      data: hexToBytes('0xc0ffee'),
      gas: 1_000_000n,
    });
    return {
      before,
      module: bytesToHex(module),
      compiles: WebAssembly.validate(module),
      run: { success: call.success, output: bytesToHex(call.output), error: call.error ?? null },
    };
  } catch (error) {
    return thrown(error);
  }
}

(globalThis as { polyvmPage?: unknown }).polyvmPage = { runStateTests, loadKzg, loadAll, viemSession: session, decompressInPage };
