/**
 * `createNode(options)`: a dev chain with its JSON-RPC methods, usable in-process as an
 * EIP-1193 provider (`request({method, params})`, `on('message')` for subscriptions) and
 * servable over HTTP and WebSocket with `listen`.
 */
import type { JitMode } from '../evm/code-cache.js';
import { logError } from './log.js';
import { parseFork, getRules, forkIndex, type ForkName, type Rules } from '../forks/index.js';
import { parseAddress, type Address } from '../primitives/address.js';
import { signHashPublicKey } from '../tx/signers.js';
import { nodeBuiltin, nodeModule } from '../primitives/node-require.js';
import { deriveDevAccounts, TEST_MNEMONIC, type DevAccount } from './accounts.js';
import { DevChain } from './dev-chain.js';
import { FilterManager } from './rpc/filters.js';
import { Dispatcher, isPromise } from './rpc/dispatch.js';
import { DEFAULT_LIMITS, type MethodTable, type NodeLimits, type NodeSettings, type SubscriptionSink } from './rpc/context.js';
import { RpcError } from './rpc/errors.js';
import { Emitter } from './emitter.js';
import { ethMethods } from './rpc/eth.js';
import { ethSendMethods } from './rpc/eth-send.js';
import { netMethods } from './rpc/net.js';
import { web3Methods } from './rpc/web3.js';
import { configMethods } from './rpc/config.js';
import { txpoolMethods } from './rpc/txpool.js';
import { anvilMethods } from './rpc/anvil.js';
import { anvilNodeMethods } from './rpc/anvil-node.js';
import { erc20Methods } from './rpc/erc20.js';
import { chainEditMethods } from './rpc/chain-edit.js';
import { simulateV1Methods } from './rpc/simulate-v1.js';
import { accountQueryMethods } from './rpc/account-queries.js';
import { debugMethods } from './rpc/debug.js';
import { traceMethods } from './rpc/trace.js';
import { otsMethods } from './rpc/ots.js';
import type { ChainStore } from './store.js';
import { LmdbStore, checkDataDirectory } from './lmdb-store.js';
import type { ChainFork, ForkConfig } from './dev-chain.js';
import { openFork, type ForkOptions } from './fork/open.js';
import { remoteHardfork } from './fork/hardfork.js';
import { forkAware } from './rpc/fork.js';
import { startServer, type RunningServer, type ServerOptions } from './server.js';
import { BlockWorkers } from './block-workers.js';
import { ParallelExecutor } from '../chain/parallel.js';
import { TracePool } from './trace-pool.js';
import { ConsoleLogTracer } from '../trace/console-log.js';
import { consoleLines, minedBlockLines, type ConsoleOrigin } from './node-log.js';
import type { ArtifactIndex, ContractArtifact } from '../trace/artifacts.js';
import { addressesIn, formatCallTree, type CallFrameJson } from '../trace/call-tree.js';

export type { ConsoleOrigin } from './node-log.js';

/** In a browser, await it before running code that calls the point evaluation precompile (0x0a). */
export { loadKzgSetup, loadPrecompiles } from '../evm/precompiles/lazy.js';

export interface NodeOptions {
  /** Default 31337. */
  chainId?: number | bigint;
  /** Default Osaka. */
  fork?: string;
  /** Dev accounts to derive (default 10). */
  accounts?: number;
  /** Each dev account's balance in ether (default 10000). */
  balance?: number | bigint | string;
  mnemonic?: string;
  /** Interval mining every so many seconds; turns automine off unless `mining` is set (as Anvil's --block-time). */
  blockTime?: number;
  /** Automine: a block per transaction (default true). */
  mining?: boolean;
  /** Block gas limit (default 30,000,000, or a fork's block's). */
  gasLimit?: number | bigint;
  /**
   * No block gas limit to speak of (Anvil's --disable-block-gas-limit): blocks get the largest
   * limit this node allows (2^63 - 1), so no transaction is refused for its gas. Not with `gasLimit`.
   */
  disableBlockGasLimit?: boolean;
  /** Genesis base fee in wei (default 1 gwei). */
  baseFee?: number | bigint;
  /** Persist the chain in LMDB under this directory. */
  dataDir?: string;
  /** Genesis timestamp in seconds (default now). */
  genesisTimestamp?: number | bigint;
  coinbase?: string;
  limits?: Partial<NodeLimits>;
  /** How many recent blocks' states queries may ask for (default 20,000). */
  historyBlocks?: number;
  /**
   * Deploy and run Stylus-format WebAssembly programs beside EVM contracts (code `EF F0 00`...;
   * breaks EIP-3541 on purpose, so off by default). See docs/wasm.md.
   */
  wasm?: boolean;
  /**
   * The operator's log, as Anvil prints it: each request's method, Solidity console.log output,
   * and each mined block's transactions (hash, contract created, gas used, the failure decoded)
   * and number, hash and time. `true` writes it to stderr (the console in a browser); a function
   * gets each line. Default off: an in-process node is silent (`polyvm node` turns it on unless
   * --quiet). console.log lines are also the node's 'console' events, log or not.
   */
  log?: boolean | ((line: string) => void);
  /**
   * Compiler artifacts (`polyvm node --artifacts DIR`): with them the log draws each mined
   * transaction's call tree with contract names, decoded calls, events and errors.
   */
  artifacts?: ArtifactIndex;
  /** Largest deployed code in bytes (initcode: twice that), instead of EIP-170's 24,576 (Anvil's --code-size-limit). */
  codeSizeLimit?: number;
  /** No limit on code size (Anvil's --disable-code-size-limit). */
  disableCodeSizeLimit?: boolean;
  /** Lift Osaka's per-transaction gas cap of 2^24 (EIP-7825), which is kept by default as on mainnet. */
  disableTxGasLimitCap?: boolean;
  /**
   * Fork a remote chain (Anvil's --fork-url, Hardhat's `forking`): state, code and earlier blocks
   * are read from it over JSON-RPC as needed. Node.js only. See docs/forking.md.
   */
  forking?: ForkingOptions;
  /**
   * How many worker threads may run traces (debug_trace*, trace_*, ots_ traces) at once, so the
   * node keeps answering other requests meanwhile (default 2, created when first needed; more
   * traces wait their turn). 0: trace on the node's own thread, answering nothing else until
   * done, as where there are no worker threads (a browser).
   */
  traceWorkers?: number;
  /** When EVM code is compiled to JavaScript: 'auto' (default, once hot), 'always' or 'never' (docs/compiler.md). */
  jit?: JitMode;
  /**
   * Mine with parallel execution (Block-STM) on this many worker threads (`--parallel [N]`);
   * 0 or absent: one transaction after another. The block is the same either way. Without
   * worker threads (a browser), blocks are mined one by one. See docs/parallel.md.
   */
  parallel?: number;
}

export interface ForkingOptions {
  /** The remote's JSON-RPC URL (http or https). */
  url: string;
  /** The block to fork at (default: the remote's latest; negative: that many blocks before it). */
  blockNumber?: number | bigint;
  /** HTTP headers for every request to the remote (--fork-header). */
  headers?: Record<string, string>;
  /** Retries of a failed request (default 5), the first after `retryBackoffMs` (default 500), doubling. */
  retries?: number;
  retryBackoffMs?: number;
  /** Per request, in ms (default 45,000). */
  timeoutMs?: number;
  /** The fork's chain id, instead of asking the remote for it (Anvil's --fork-chain-id). */
  chainId?: number | bigint;
  /**
   * Keep what was fetched in `dataDir`/fork-cache, so a restart on the same fork block fetches
   * nothing again (default true when `dataDir` is given; Anvil's --no-storage-caching turns it off).
   */
  storageCaching?: boolean;
}

export const DEFAULT_CHAIN_ID = 31337n;
export const DEFAULT_NODE_FORK: ForkName = 'Osaka';
export const DEFAULT_BALANCE_ETHER = 10000n;
export const DEFAULT_GAS_LIMIT = 30_000_000n;
/** The block gas limit with --disable-block-gas-limit: the largest a header field here may hold. */
export const UNLIMITED_BLOCK_GAS = (1n << 63n) - 1n;
export const DEFAULT_TRACE_WORKERS = 2;
const WEI_PER_ETHER = 10n ** 18n;

export class NodeOptionsError extends Error {
  override name = 'NodeOptionsError';
}

/** An EIP-1193 error as viem and ethers read it. */
export class ProviderRpcError extends Error {
  override name = 'ProviderRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/**
 * web3_clientVersion. It starts with "anvil-compatible" because Hardhat's network helpers run
 * only against a node whose version starts with "anvil", "hardhatnetwork" or "zksync"; the rest
 * names polyvm, so nothing takes it for Anvil itself (which answers "anvil/v1.x").
 */
function clientVersion(): string {
  // Outside Node.js (a browser bundle) there is no package.json to read.
  if (!nodeBuiltin('node:module')) return `${CLIENT_PREFIX}/polyvm/v0.0.0/browser`;
  let version = '0.0.0';
  try {
    version = nodeModule<{ version: string }>(import.meta.url, '../../package.json')!.version;
  } catch {
    // Not in the package layout; keep the placeholder.
  }
  return `${CLIENT_PREFIX}/polyvm/v${version}/${process.platform}-${process.arch}/node${process.versions.node}`;
}

const CLIENT_PREFIX = 'anvil-compatible';

function etherToWei(value: number | bigint | string): bigint {
  const text = String(value).trim();
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(text);
  if (!match) throw new NodeOptionsError(`balance must be a non-negative number of ether, got "${text}"`);
  return BigInt(match[1]!) * WEI_PER_ETHER + BigInt((match[2] ?? '').padEnd(18, '0'));
}

function positiveBigint(value: number | bigint | undefined, name: string, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new NodeOptionsError(`${name} must be an integer`);
  const n = BigInt(value);
  if (n < 0n) throw new NodeOptionsError(`${name} must not be negative`);
  return n;
}

/** The fork's rules with the limits a dev chain may lift or change (code size, the transaction gas cap). */
function devRules(rules: Rules, options: NodeOptions): Rules {
  const { codeSizeLimit, disableCodeSizeLimit, disableTxGasLimitCap } = options;
  if (codeSizeLimit === undefined && !disableCodeSizeLimit && !disableTxGasLimitCap) return rules;
  if (codeSizeLimit !== undefined && (!Number.isSafeInteger(codeSizeLimit) || codeSizeLimit < 1))
    throw new NodeOptionsError('code size limit must be a positive whole number of bytes');
  const maxCodeSize = disableCodeSizeLimit ? Infinity : (codeSizeLimit ?? rules.maxCodeSize);
  return Object.freeze({
    ...rules,
    maxCodeSize,
    maxInitcodeSize: disableCodeSizeLimit ? Infinity : codeSizeLimit !== undefined ? 2 * codeSizeLimit : rules.maxInitcodeSize,
    txGasLimitCap: disableTxGasLimitCap ? undefined : rules.txGasLimitCap,
  });
}

export const ALL_METHODS: MethodTable = forkAware({
  ...ethMethods,
  ...ethSendMethods,
  ...netMethods,
  ...web3Methods,
  ...configMethods,
  ...txpoolMethods,
  ...anvilMethods,
  ...anvilNodeMethods,
  ...erc20Methods,
  ...chainEditMethods,
  ...simulateV1Methods,
  ...accountQueryMethods,
  ...debugMethods,
  ...traceMethods,
  ...otsMethods,
});

/**
 * Events: 'message' (EIP-1193 subscriptions), and 'console' with `(line, origin)` for each
 * Solidity console.log line, of mined transactions (`origin` `{kind: 'transaction', hash}`,
 * after the block is committed) and of eth_call (`{kind: 'call'}`; eth_estimateGas stays quiet).
 */
/** A timer that does not keep the process alive. */
function runLater(run: () => void, ms: number): void {
  setTimeout(run, ms).unref();
}

export class PolyvmNode extends Emitter {
  readonly chain: DevChain;
  readonly accounts: DevAccount[];
  readonly dispatcher: Dispatcher;
  readonly filters: FilterManager;
  readonly limits: NodeLimits;
  #sinkClosers = new Set<() => void>();
  /** The trace workers; undefined: traces run on this thread. */
  readonly #traces: TracePool | undefined;
  /** The workers that execute mined blocks in parallel (`parallel`); undefined: one by one. */
  readonly #blockWorkers: BlockWorkers | undefined;
  #servers = new Set<RunningServer>();
  #closed = false;

  readonly #log: ((line: string) => void) | undefined;
  readonly settings: NodeSettings = { logging: true };

  constructor(
    chain: DevChain,
    limits: NodeLimits,
    operatorLog?: (line: string) => void,
    artifacts?: ArtifactIndex,
    traceWorkers = DEFAULT_TRACE_WORKERS,
    parallel = 0,
  ) {
    super();
    const settings = this.settings;
    // anvil_setLoggingEnabled(false) silences the log without unhooking it.
    const log = operatorLog && ((line: string) => settings.logging && operatorLog(line));
    this.#log = log;
    this.chain = chain;
    this.accounts = chain.devAccounts;
    this.limits = limits;
    this.filters = new FilterManager(chain);
    this.#traces = TracePool.create(chain, traceWorkers);
    this.#blockWorkers = BlockWorkers.create(parallel);
    const workers = this.#blockWorkers;
    if (workers !== undefined) chain.miner.executor = new ParallelExecutor({ parts: (job) => workers.parts(job) });
    this.dispatcher = new Dispatcher(
      ALL_METHODS,
      { chain, settings, limits, filters: this.filters, clientVersion: clientVersion(), traces: this.#traces },
      (error, method) => {
        logError(`polyvm: internal error in ${method}: ${(error as Error)?.stack ?? error}`);
      },
    );
    if (log !== undefined) this.dispatcher.onRequest = log;
    // console.log output runs under a tracer only while someone wants it (the log, or a 'console'
    // listener); mined blocks are reported only to the log.
    chain.observer = {
      consoleTracer: () => (log !== undefined || this.listenerCount('console') > 0 ? new ConsoleLogTracer() : undefined),
      console: (lines, origin) => this.#console(lines, origin),
      wantsBlocks: log !== undefined,
      mined: (block, transactions) => {
        if (log === undefined) return;
        const tree = artifacts === undefined ? undefined : (hash: string) => this.#callTree(hash, artifacts);
        for (const line of minedBlockLines(block, transactions, artifacts, tree)) log(line);
      },
    };
  }

  /**
   * Builds, ahead of the first transaction, the secp256k1 tables every signature and signer
   * check uses (some 40 ms that the first transaction would otherwise wait for), then, once the
   * requests that came meanwhile are answered, loads the WebSocket server of each listening
   * server (else the first WebSocket connection waits for it). Changes nothing.
   */
  /**
   * Warms up once no message has come for `quietMs`: a client's first requests (a wallet's
   * eth_chainId, a script's first calls) are answered without waiting for the tables. A
   * transaction signed before then builds them itself, as it would with no warm-up.
   */
  warmUpWhenIdle(quietMs = 50, later: (run: () => void, ms: number) => void = runLater): void {
    let seen = this.dispatcher.messages;
    const check = (): void => {
      if (this.#closed) return;
      if (this.dispatcher.messages === seen) return this.warmUp();
      seen = this.dispatcher.messages;
      later(check, quietMs);
    };
    later(check, quietMs);
  }

  /** Whether warmUp has run. */
  warm = false;

  warmUp(): void {
    if (this.#closed) return;
    this.warm = true;
    signHashPublicKey(new Uint8Array(32).fill(1), new Uint8Array(32).fill(1));
    // A timer: the requests that came during the tables are answered first.
    setTimeout(() => {
      if (!this.#closed) for (const server of this.#servers) server.loadWebSockets();
    }, 0);
  }

  /** A mined transaction's call tree, decoded with the artifacts (for the log). */
  #callTree(hash: string, artifacts: ArtifactIndex): string[] {
    try {
      // The method's handler directly, on this thread: the log lists requests, and this is not one.
      const params = [hash, { tracer: 'callTracer', tracerConfig: { withLog: true } }];
      const root = ALL_METHODS.debug_traceTransaction!({ ...this.dispatcher.context, traces: undefined, sink: undefined }, params);
      const names = new Map<Address, ContractArtifact>();
      for (const address of addressesIn(root as CallFrameJson)) {
        const found = artifacts.identifyRuntime(this.chain.state.getCode(address));
        if (found !== undefined) names.set(address, found);
      }
      return ['    Traces:', ...formatCallTree(root as CallFrameJson, { artifacts, names }).map((line) => '    ' + line)];
    } catch (error) {
      return [`    Traces: not available (${(error as Error)?.message ?? error})`];
    }
  }

  #console(lines: readonly string[], origin: ConsoleOrigin): void {
    if (this.#log !== undefined) for (const line of consoleLines(lines)) this.#log(line);
    for (const line of lines) {
      try {
        this.emit('console', line, origin);
      } catch (error) {
        logError(`polyvm: a 'console' listener threw: ${(error as Error)?.stack ?? error}`);
      }
    }
  }

  /** The in-process subscriptions deliver EIP-1193 'message' events. */
  readonly #sink: SubscriptionSink = {
    notify: (subscription, result) => this.emit('message', { type: 'eth_subscription', data: { subscription, result } }),
    onClose: (listener) => this.#sinkClosers.add(listener),
  };

  /** EIP-1193 request. */
  async request(args: { method: string; params?: unknown }): Promise<unknown> {
    if (this.#closed) throw new ProviderRpcError(4900, 'the node is closed');
    if (typeof args !== 'object' || args === null || typeof args.method !== 'string') {
      throw new ProviderRpcError(-32600, 'invalid request: expected {method, params}');
    }
    try {
      const result = this.dispatcher.call(args.method, args.params, this.#sink);
      return isPromise(result) ? result.catch(providerError) : result;
    } catch (error) {
      return providerError(error);
    }
  }

  /** Serves JSON-RPC over HTTP and WebSocket on one port; resolves with the URL. */
  async listen(options: ServerOptions = {}): Promise<{ url: string; port: number; host: string }> {
    const server = await startServer(this, options);
    this.#servers.add(server);
    return { url: server.url, port: server.port, host: server.host };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const server of this.#servers) await server.close();
    this.#servers.clear();
    for (const close of this.#sinkClosers) close();
    this.filters.close();
    await this.#traces?.close();
    await this.#blockWorkers?.close();
    this.chain.close();
  }

  /** How many trace worker threads are alive (0 before the first trace, and after close). */
  get traceWorkerCount(): number {
    return this.#traces?.workers ?? 0;
  }
}

/** A failed request as EIP-1193 reports it. */
function providerError(error: unknown): never {
  const e = error instanceof RpcError ? error : new RpcError(-32603, String((error as Error)?.message ?? error));
  throw new ProviderRpcError(e.code, e.message, e.data);
}

function openStore(dataDir: string): ChainStore {
  return new LmdbStore(dataDir);
}

/**
 * How this node opens a fork, now or at anvil_reset: `forking`'s settings for the remote (the
 * defaults when the node did not start forked), and its cache in the data directory.
 */
function forkOpener(options: NodeOptions): (config: ForkConfig) => ChainFork {
  const forking = options.forking;
  const cacheDir = options.dataDir !== undefined && (forking?.storageCaching ?? true) ? `${options.dataDir}/fork-cache` : undefined;
  const settings: Omit<ForkOptions, 'url'> = {
    headers: forking?.headers,
    retries: forking?.retries,
    backoffMs: forking?.retryBackoffMs,
    timeoutMs: forking?.timeoutMs,
    cacheDir,
    chainId: forking?.chainId === undefined ? undefined : positiveBigint(forking.chainId, 'fork chain id', 0n),
  };
  return (config) => {
    // The fork's cache goes into the data directory only if it is polyvm's to write.
    const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
    if (cacheDir !== undefined && fs !== undefined) checkDataDirectory(fs, options.dataDir!);
    return openFork({ ...settings, ...config });
  };
}

/** The fork `forking` names, opened (connecting to its remote), or undefined when there is none. */
function startForking(options: NodeOptions, open: (config: ForkConfig) => ChainFork): ChainFork | undefined {
  const forking = options.forking;
  if (forking === undefined) return undefined;
  if (typeof forking.url !== 'string' || forking.url === '') throw new NodeOptionsError('forking.url must be the remote JSON-RPC URL');
  if (forking.blockNumber !== undefined && typeof forking.blockNumber === 'number' && !Number.isSafeInteger(forking.blockNumber))
    throw new NodeOptionsError('forking.blockNumber must be a whole number');
  const blockNumber = forking.blockNumber === undefined ? undefined : BigInt(forking.blockNumber);
  return open({ url: forking.url, blockNumber });
}

export function createNode(options: NodeOptions = {}): PolyvmNode {
  const open = forkOpener(options);
  const fork = startForking(options, open);
  try {
    return createNodeOn(options, fork, open);
  } catch (error) {
    fork?.close();
    throw error;
  }
}

function createNodeOn(options: NodeOptions, remote: ChainFork | undefined, openFork: (config: ForkConfig) => ChainFork): PolyvmNode {
  // A fork runs the remote block's hardfork unless one is named.
  const fork = parseFork(
    options.fork ?? (remote ? remoteHardfork(remote.chainId, remote.block.header, DEFAULT_NODE_FORK) : DEFAULT_NODE_FORK),
  );
  if (forkIndex(fork) < forkIndex('Byzantium'))
    throw new NodeOptionsError(`the dev node runs Byzantium or later (receipts with a status); got ${fork}`);
  const rules = devRules(getRules(fork, { wasm: options.wasm === true }), options);
  const chainId = positiveBigint(options.chainId, 'chain id', remote?.chainId ?? DEFAULT_CHAIN_ID);
  if (chainId === 0n || chainId >= 1n << 64n) throw new NodeOptionsError('chain id must be between 1 and 2^64 - 1');
  const count = options.accounts ?? 10;
  if (!Number.isSafeInteger(count) || count < 0 || count > 10_000) throw new NodeOptionsError('accounts must be from 0 to 10000');
  if (options.disableBlockGasLimit && options.gasLimit !== undefined)
    throw new NodeOptionsError('give a gas limit or disable the block gas limit, not both');
  const gasLimit = options.disableBlockGasLimit
    ? UNLIMITED_BLOCK_GAS
    : positiveBigint(options.gasLimit, 'gas limit', remote?.block.header.gasLimit ?? DEFAULT_GAS_LIMIT);
  if (gasLimit < 21000n || gasLimit >= 1n << 63n) throw new NodeOptionsError('gas limit must be at least 21000 and below 2^63');
  const limits: NodeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const accounts = deriveDevAccounts(options.mnemonic ?? TEST_MNEMONIC, count);
  // A forked chain keeps only what it fetched in the data directory (startForking).
  const store = options.dataDir !== undefined && remote === undefined ? openStore(options.dataDir) : undefined;
  try {
    const chain = new DevChain({
      chainId,
      rules,
      accounts,
      balance: etherToWei(options.balance ?? DEFAULT_BALANCE_ETHER),
      gasLimit,
      baseFee: positiveBigint(options.baseFee, 'base fee', 1_000_000_000n),
      coinbase: options.coinbase ? parseAddress(options.coinbase, 'coinbase') : '0x0000000000000000000000000000000000000000',
      automine: options.mining ?? !options.blockTime,
      blockTime: options.blockTime,
      genesisTimestamp: options.genesisTimestamp === undefined ? undefined : BigInt(options.genesisTimestamp),
      store,
      historyBlocks: options.historyBlocks,
      fork: remote,
      openFork,
      jit: options.jit,
    });
    const log = options.log === true ? logError : typeof options.log === 'function' ? options.log : undefined;
    const traceWorkers = options.traceWorkers ?? DEFAULT_TRACE_WORKERS;
    if (!Number.isSafeInteger(traceWorkers) || traceWorkers < 0 || traceWorkers > 64)
      throw new NodeOptionsError('traceWorkers must be a whole number from 0 to 64');
    const parallel = options.parallel ?? 0;
    if (!Number.isSafeInteger(parallel) || parallel < 0 || parallel > 64)
      throw new NodeOptionsError('parallel must be a whole number from 0 to 64');
    return new PolyvmNode(chain, limits, log, options.artifacts, traceWorkers, parallel);
  } catch (error) {
    store?.close();
    throw error;
  }
}
