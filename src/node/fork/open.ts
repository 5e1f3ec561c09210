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
import { ForkCache, ForkState, type CacheFile, type CacheRecord, type RemoteLink } from './fork-state.js';
import { redactUrl, RemoteRpc, RemoteRpcError, RemoteUnavailableError, type RemoteOptions } from './remote.js';

export interface ForkOptions extends ForkConfig, Omit<RemoteOptions, 'url'> {
  /** Where fetched state is kept between runs (`<data-dir>/fork-cache`); none: memory only. */
  cacheDir?: string;
  /** The remote's chain id when known (not asked for then). */
  chainId?: bigint;
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
  let made = false;
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
      if (!made) fs.mkdirSync(dir, { recursive: true });
      made = true;
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
    throw forkError(options.url, error);
  }
}

/** A remote's failure while opening a fork, said as such. */
function forkError(url: string, error: unknown): unknown {
  if (error instanceof RemoteUnavailableError || error instanceof RemoteRpcError)
    return new ForkedChainError(`cannot fork ${redactUrl(url)}: ${error.message}`);
  return error;
}

function startFork(first: RemoteRpc, options: ForkOptions): ChainFork {
  let current = first;
  const remote: RemoteLink & { readonly requests: number } = {
    batch: (calls) => current.batch(calls),
    call: (method, params) => current.call(method, params),
    get requests() {
      return current.requests;
    },
  };
  // Without a block number the fork is at the remote's latest block, read in the same round trip
  // as the chain id; a block number is checked against the latest first.
  const atLatest = options.blockNumber === undefined;
  const opening = remote.batch([
    ...(atLatest ? [['eth_getBlockByNumber', ['latest', false]] as const] : [['eth_blockNumber', []] as const]),
    ...(options.chainId === undefined ? [['eth_chainId', []] as const] : []),
  ]);
  const chainId = options.chainId ?? parseQuantity(opening[1] as string);
  let blockJson = opening[0];
  let what = 'the latest block';
  if (!atLatest) {
    const latest = parseQuantity(opening[0] as string);
    // A negative number counts back from the remote's latest block (Anvil's --fork-block-number -N).
    const number = options.blockNumber! < 0n ? latest + options.blockNumber! : options.blockNumber!;
    if (number > latest || number < 0n) {
      throw new ForkedChainError(`cannot fork ${redactUrl(options.url)} at block ${number}: its blocks are 0 to ${latest}`);
    }
    what = `block 0x${number.toString(16)}`;
    blockJson = remote.call('eth_getBlockByNumber', [`0x${number.toString(16)}`, false]);
  }
  const { header, hash, size } = headerFromRpc(blockJson, what);
  const tag = `0x${header.number.toString(16)}`;
  const block: Block = { header, hash, transactions: [], receipts: [], size };
  const cache = new ForkCache(options.cacheDir === undefined ? undefined : cacheFile(options.cacheDir, bytesToHex(hash)));
  const states = new Map<bigint, ForkState>();
  const stateAt = (number: bigint): ForkState => {
    let state = states.get(number);
    if (state === undefined) states.set(number, (state = new ForkState(remote, number, cache)));
    return state;
  };
  const earlier = new Map<string, Block | null>();
  const earlierBlock = (at: bigint | string): Block | undefined => {
    const key = typeof at === 'bigint' ? `0x${at.toString(16)}` : at.toLowerCase();
    let found = earlier.get(key);
    if (found === undefined) {
      const json = remote.call(typeof at === 'bigint' ? 'eth_getBlockByNumber' : 'eth_getBlockByHash', [key, false]);
      found = null;
      if (json !== null) {
        const parsed = headerFromRpc(json, `block ${key}`);
        if (parsed.header.number <= header.number)
          found = { header: parsed.header, hash: parsed.hash, transactions: [], receipts: [], size: parsed.size };
      }
      earlier.set(key, found);
    }
    return found ?? undefined;
  };
  const config = { url: options.url, blockNumber: header.number };
  return {
    config,
    setUrl(url) {
      const next = new RemoteRpc({ ...options, url });
      try {
        const json = next.call('eth_getBlockByNumber', [tag, false]) as { hash?: unknown } | null;
        if (json?.hash !== bytesToHex(hash)) {
          throw new ForkedChainError(
            `${redactUrl(url)} does not hold this fork's block ${header.number} (${bytesToHex(hash)}): it is another chain, or not synced that far`,
          );
        }
      } catch (error) {
        next.close();
        throw forkError(url, error);
      }
      current.close();
      current = next;
      config.url = url;
    },
    chainId,
    block,
    state: stateAt(header.number),
    stateAt,
    earlierBlock,
    blockHash: (number) => {
      const found = earlierBlock(number);
      return found === undefined ? 0n : bytesToBigint(found.hash);
    },
    requestCount: () => remote.requests,
    request: (method, params) => remote.call(method, params),
    close: () => current.close(),
  };
}
