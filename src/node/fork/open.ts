/**
 * Opening a fork (`polyvm node --fork-url`, anvil_reset with `forking`): the remote's chain id and
 * the block to fork at, read over JSON-RPC, and the `ChainFork` the dev chain starts from. What is
 * fetched is cached per fork block (in memory, and in `cacheDir` when given).
 */
import { bytesToBigint, bytesToHex, hexToBytes, parseQuantity } from '../../primitives/bytes.js';
import { parseAddress } from '../../primitives/address.js';
import type { BlockHeader } from '../../chain/header.js';
import type { Block } from '../../chain/block.js';
import { nodeBuiltin } from '../../primitives/node-require.js';
import type { ChainFork, ForkConfig } from '../dev-chain.js';
import { ForkedChainError } from '../errors.js';
import { ForkCache, ForkState, type CacheFile, type CacheRecord } from './fork-state.js';
import { redactUrl, RemoteRpc, RemoteRpcError, RemoteUnavailableError, type RemoteOptions } from './remote.js';

export interface ForkOptions extends ForkConfig, Omit<RemoteOptions, 'url'> {
  /** Where fetched state is kept between runs (`<data-dir>/fork-cache`); none: memory only. */
  cacheDir?: string;
}

/** The header of a block as eth_getBlockByNumber gives it; `what` names the block in errors. */
export function headerFromRpc(json: unknown, what: string): { header: BlockHeader; hash: Uint8Array; size: number } {
  if (json === null || typeof json !== 'object') throw new ForkedChainError(`${what}: the remote gave no block`);
  const o = json as Record<string, unknown>;
  const field = (name: string): string => {
    const value = o[name];
    if (typeof value !== 'string') throw new ForkedChainError(`${what}: the remote's block has no ${name}`);
    return value;
  };
  const optional = <T>(name: string, parse: (v: string) => T): T | undefined =>
    typeof o[name] === 'string' ? parse(o[name] as string) : undefined;
  const bytes = (name: string): Uint8Array => hexToBytes(field(name));
  const quantity = (name: string): bigint => parseQuantity(field(name));
  try {
    const header: BlockHeader = {
      parentHash: bytes('parentHash'),
      ommersHash: bytes('sha3Uncles'),
      coinbase: parseAddress(field('miner'), 'miner'),
      stateRoot: bytes('stateRoot'),
      transactionsRoot: bytes('transactionsRoot'),
      receiptsRoot: bytes('receiptsRoot'),
      logsBloom: bytes('logsBloom'),
      difficulty: quantity('difficulty'),
      number: quantity('number'),
      gasLimit: quantity('gasLimit'),
      gasUsed: quantity('gasUsed'),
      timestamp: quantity('timestamp'),
      extraData: bytes('extraData'),
      mixHash: optional('mixHash', hexToBytes) ?? new Uint8Array(32),
      nonce: optional('nonce', hexToBytes) ?? new Uint8Array(8),
      baseFeePerGas: optional('baseFeePerGas', parseQuantity),
      withdrawalsRoot: optional('withdrawalsRoot', hexToBytes),
      blobGasUsed: optional('blobGasUsed', parseQuantity),
      excessBlobGas: optional('excessBlobGas', parseQuantity),
      parentBeaconBlockRoot: optional('parentBeaconBlockRoot', hexToBytes),
      requestsHash: optional('requestsHash', hexToBytes),
    };
    const size = typeof o.size === 'string' ? Number(parseQuantity(o.size)) : 0;
    return { header, hash: bytes('hash'), size };
  } catch (error) {
    if (error instanceof ForkedChainError) throw error;
    throw new ForkedChainError(`${what}: the remote's block is malformed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Cache records in a JSON-lines file, one per fork block (its hash names the file). */
function cacheFile(dir: string, blockHash: string): CacheFile | undefined {
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  if (fs === undefined) return undefined;
  const path = `${dir}/${blockHash}.jsonl`;
  return {
    load() {
      if (!fs.existsSync(path)) return [];
      const records: CacheRecord[] = [];
      for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
        if (line.length === 0) continue;
        try {
          records.push(JSON.parse(line) as CacheRecord);
        } catch {
          // A line cut short by a crash: the location is fetched again.
        }
      }
      return records;
    },
    append(record) {
      fs.mkdirSync(dir, { recursive: true });
      fs.appendFileSync(path, `${JSON.stringify(record)}\n`);
    },
  };
}

/** Connects to the remote, pins the block and returns the fork; errors say what was wrong. */
export function openFork(options: ForkOptions): ChainFork {
  const remote = new RemoteRpc({ ...options, url: options.url });
  try {
    return startFork(remote, options);
  } catch (error) {
    remote.close();
    if (error instanceof RemoteUnavailableError || error instanceof RemoteRpcError)
      throw new ForkedChainError(`cannot fork ${redactUrl(options.url)}: ${error.message}`);
    throw error;
  }
}

function startFork(remote: RemoteRpc, options: ForkOptions): ChainFork {
  const tag = options.blockNumber === undefined ? 'latest' : `0x${options.blockNumber.toString(16)}`;
  const [chainIdHex, latestHex, blockJson] = remote.batch([
    ['eth_chainId', []],
    ['eth_blockNumber', []],
    ['eth_getBlockByNumber', [tag, false]],
  ]);
  const chainId = parseQuantity(chainIdHex as string);
  const latest = parseQuantity(latestHex as string);
  if (options.blockNumber !== undefined && options.blockNumber > latest) {
    throw new ForkedChainError(`cannot fork ${redactUrl(options.url)} at block ${options.blockNumber}: its latest block is ${latest}`);
  }
  const { header, hash, size } = headerFromRpc(blockJson, `block ${tag}`);
  const block: Block = { header, hash, transactions: [], receipts: [], size };
  const cache = new ForkCache(options.cacheDir === undefined ? undefined : cacheFile(options.cacheDir, bytesToHex(hash)));
  const states = new Map<bigint, ForkState>();
  const stateAt = (number: bigint): ForkState => {
    let state = states.get(number);
    if (state === undefined) states.set(number, (state = new ForkState(remote, number, cache)));
    return state;
  };
  const hashes = new Map<bigint, bigint>();
  return {
    config: { url: options.url, blockNumber: header.number },
    chainId,
    block,
    state: stateAt(header.number),
    stateAt,
    blockHash(number) {
      let value = hashes.get(number);
      if (value === undefined) {
        const json = remote.call('eth_getBlockByNumber', [`0x${number.toString(16)}`, false]) as { hash?: unknown } | null;
        value = typeof json?.hash === 'string' ? bytesToBigint(hexToBytes(json.hash)) : 0n;
        hashes.set(number, value);
      }
      return value;
    },
    request: (method, params) => remote.call(method, params),
    close: () => remote.close(),
  };
}
