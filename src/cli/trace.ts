/**
 * `polyvm trace TXHASH`: a mined transaction's call tree, as `cast run` draws it, from any node
 * that serves geth's callTracer (polyvm, Anvil, geth, Erigon, ...). With `--artifacts DIR` the
 * contracts are named and calls, return values, events and custom errors decoded.
 */
import { UsageError, parseArgs, stringOption } from './args.js';
import { loadArtifacts } from './artifacts.js';
import { EMPTY_ARTIFACTS, type ContractArtifact } from '../trace/artifacts.js';
import { addressesIn, formatCallTree, type CallFrameJson } from '../trace/call-tree.js';
import type { Address } from '../primitives/address.js';
import { hexToBytes } from '../primitives/bytes.js';

const USAGE = `usage: polyvm trace [options] TXHASH
  --rpc-url URL      the node to ask (default http://127.0.0.1:8545)
  --artifacts DIR    Foundry out/ or Hardhat artifacts/: name contracts, decode calls,
                     events and errors
  --json             print the callTracer result instead of the tree`;

export class RpcClientError extends Error {}

/** One JSON-RPC client over fetch, with errors that say which call failed and why. */
export function rpcClient(url: string): (method: string, params: unknown[]) => Promise<unknown> {
  let id = 0;
  return async (method, params) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new RpcClientError(`cannot reach ${url}: ${cause}`);
    }
    const text = await response.text();
    let body: { result?: unknown; error?: { code: number; message: string } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new RpcClientError(`${method}: ${url} answered HTTP ${response.status} with something not JSON: ${text.slice(0, 200)}`);
    }
    if (body.error !== undefined) throw new RpcClientError(`${method}: ${body.error.message} (code ${body.error.code})`);
    return body.result;
  };
}

export async function traceCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'help'], ['rpc-url', 'artifacts']);
  if (args.options.has('help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError(`expected one transaction hash\n${USAGE}`);
  const hash = args.positionals[0]!;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new UsageError(`not a transaction hash (0x and 64 hex digits): "${hash}"`);
  const url = stringOption(args, 'rpc-url') ?? 'http://127.0.0.1:8545';
  const dir = stringOption(args, 'artifacts');
  const artifacts = dir === undefined ? EMPTY_ARTIFACTS : loadArtifacts(dir);
  const rpc = rpcClient(url);
  try {
    const tx = (await rpc('eth_getTransactionByHash', [hash])) as { blockNumber?: string | null } | null;
    if (tx === null) throw new RpcClientError(`transaction ${hash} not found at ${url}`);
    if (!tx.blockNumber) throw new RpcClientError(`transaction ${hash} is pending: it has no trace yet`);
    const root = (await rpc('debug_traceTransaction', [hash, { tracer: 'callTracer', tracerConfig: { withLog: true } }])) as CallFrameJson;
    if (args.options.has('json')) {
      process.stdout.write(JSON.stringify(root, null, 2) + '\n');
      return 0;
    }
    const names = new Map<Address, ContractArtifact>();
    if (dir !== undefined) {
      for (const address of addressesIn(root)) {
        const code = (await rpc('eth_getCode', [address, tx.blockNumber])) as string;
        const found = artifacts.identifyRuntime(hexToBytes(code));
        if (found !== undefined) names.set(address, found);
      }
    }
    const lines = ['Traces:', ...formatCallTree(root, { artifacts, names }), ''];
    lines.push(root.error === undefined ? 'Transaction successfully executed.' : 'Transaction failed.');
    lines.push(`Gas used: ${BigInt(root.gasUsed ?? '0x0')}`);
    process.stdout.write(lines.join('\n') + '\n');
    return root.error === undefined ? 0 : 1;
  } catch (error) {
    if (error instanceof RpcClientError) {
      process.stderr.write(`polyvm trace: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
