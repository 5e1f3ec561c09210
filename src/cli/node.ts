/** `polyvm node`: a local dev chain served over JSON-RPC (HTTP and WebSocket on one port). */
import { bytesToHex } from '../primitives/bytes.js';
import { UsageError, jitOption, parseArgs, stringOption, takeRepeated } from './args.js';
import { ForkedChainError } from '../node/errors.js';
import { createNode, NodeOptionsError, DEFAULT_CHAIN_ID, type NodeOptions } from '../node/node.js';
import { MnemonicError, TEST_MNEMONIC } from '../node/accounts.js';
import { checksumAddress } from '../primitives/address.js';
import { StoreMismatchError } from '../node/dev-chain.js';
import { StoreError } from '../node/lmdb-store.js';
import { loadArtifacts } from './artifacts.js';
import { redactUrl } from '../node/fork/remote.js';
import { existsSync } from 'node:fs';
import { nodeModule } from '../primitives/node-require.js';
import { loadStateFile, saveStateFile } from './state-file.js';

const USAGE = `usage: polyvm node [options]
Numbers may be given in decimal or as 0x-prefixed hex.
  --host ADDRESS        interface to listen on (default 127.0.0.1)
  -p, --port N          port for HTTP and WebSocket (default 8545; 0 picks a free one)
  --chain-id N          chain id (default ${DEFAULT_CHAIN_ID})
  --hardfork NAME       hardfork (default Osaka, or a fork's block's; "latest" is Osaka too)
  -f, --fork-url URL    fork the chain at URL (JSON-RPC over http/https): its state, code and
                        blocks are read as needed, local transactions sit on top (docs/forking.md)
  --fork URL            the same (Hardhat's spelling); --fork NAME is a deprecated --hardfork NAME
  --fork-block-number N fork at block N (default the remote's latest; negative: that many
                        blocks before it)
  --fork-header K:V     an HTTP header for every request to the remote (repeatable)
  --fork-retries N      retries of a failed request to the remote (default 5; also --retries)
  --fork-retry-backoff MS  wait before the first retry, doubled each time (default 500)
  --timeout MS          time limit of one request to the remote (default 45000)
  --fork-chain-id N     the chain id of the fork (default: the remote's, asked at start)
  --compute-units-per-second N, --no-rate-limit  accepted for Anvil's command lines: polyvm
                        sends one request to the remote at a time and never throttles
  --no-storage-caching  keep what was fetched in memory only (default with --data-dir: kept
                        in DIR/fork-cache, so a restart on the same block fetches nothing again)
  --accounts N          dev accounts to create (default 10)
  --balance ETH         balance of each dev account in ether (default 10000)
  --mnemonic "WORDS"    BIP-39 mnemonic for the dev accounts (default: the public test mnemonic)
  --block-time SECONDS  mine a block every SECONDS instead of one per transaction
  --no-mining           no automine: mine with evm_mine / anvil_mine (or --block-time)
  --gas-limit N         block gas limit (default 30000000)
  --timestamp SECONDS   the genesis block's timestamp (default now)
  --prune-history [N]   keep the states of the last N blocks only (none but the latest without N;
                        default 20000)
  --code-size-limit N   largest deployed code in bytes (default 24576; initcode twice that)
  --disable-code-size-limit  no limit on code size
  --disable-block-gas-limit  blocks take any amount of gas (their limit is 2^63 - 1); not with
                        --gas-limit
  --parallel [N]        mine with parallel execution (Block-STM) on N worker threads (default
                        2); the blocks are the same as without
  --trace-workers N     worker threads that run traces, so the node keeps answering meanwhile
                        (default 2; 0: trace on the node's own thread)
  --jit MODE            when EVM code is compiled to JavaScript: auto (once hot, the default),
                        always or never
  --disable-tx-gas-limit-cap lift Osaka's per-transaction gas cap of 2^24 (EIP-7825; kept by
                        default, as on mainnet)
  --allow-origin ORIGIN the origin browsers may call from (default *)
  --no-cors             send no CORS headers
  --auto-impersonate    every address may send without its key (anvil_autoImpersonateAccount)
  --base-fee N          genesis base fee in wei (default 1000000000)
  --data-dir DIR        keep the chain in LMDB under DIR (default: in memory)
  --state FILE          load the chain from FILE if it exists, and save it there on exit and
                        every --state-interval seconds (default 60); written atomically
  --state-interval S    seconds between saves of --state (0: only on exit)
  --load-state FILE     load a state dump at start: polyvm's, or Anvil's (its accounts)
  --dump-state FILE     save the chain to FILE on exit (polyvm's JSON dump)
  --max-body-bytes N    largest request body or WebSocket message (default 16 MiB)
  --max-batch N         most requests in a batch (default 1000)
  --call-gas-cap N      most gas an eth_call or eth_estimateGas may use (default 50000000)
  --wasm                run Stylus WebAssembly programs beside EVM contracts (code EF F0 00...;
                        see docs/wasm.md)
  --artifacts DIR       Foundry out/ or Hardhat artifacts/: the log draws each mined
                        transaction's call tree with contract names, decoded calls,
                        events and errors
  --quiet, --silent     print only the listening address (no request, transaction or
                        console.log lines)
  -V, --version         print the version and exit
  -h, --help            print this help and exit`;

const FLAGS = [
  'no-mining',
  'quiet',
  'silent',
  'wasm',
  'help',
  'version',
  'auto-impersonate',
  'no-cors',
  'disable-code-size-limit',
  'disable-tx-gas-limit-cap',
  'disable-block-gas-limit',
  'no-storage-caching',
  'no-rate-limit',
] as const;
const SHORT = { p: 'port', h: 'help', V: 'version', f: 'fork-url' };
const VALUED = [
  'host',
  'port',
  'chain-id',
  'hardfork',
  'fork',
  'fork-url',
  'fork-block-number',
  'fork-retries',
  'retries',
  'fork-retry-backoff',
  'fork-chain-id',
  'compute-units-per-second',
  'timeout',
  'timestamp',
  'prune-history',
  'code-size-limit',
  'trace-workers',
  'jit',
  'parallel',
  'allow-origin',
  'state',
  'state-interval',
  'load-state',
  'dump-state',
  'accounts',
  'balance',
  'mnemonic',
  'block-time',
  'gas-limit',
  'base-fee',
  'data-dir',
  'max-body-bytes',
  'max-batch',
  'call-gas-cap',
  'artifacts',
] as const;

/** `--NAME` given without its value (last, or before another option) gets `fallback` (Anvil's optional values). */
function optionalValue(argv: string[], name: string, fallback: string): string[] {
  return argv.map((arg, i) =>
    arg === `--${name}` && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-')) ? `--${name}=${fallback}` : arg,
  );
}

/** A whole number in decimal or 0x-prefixed hex. */
function big(args: ReturnType<typeof parseArgs>, name: string): bigint | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(text)) throw new UsageError(`--${name} must be a whole number (decimal or 0x hex), got "${text}"`);
  return BigInt(text);
}

function integer(args: ReturnType<typeof parseArgs>, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = big(args, name);
  if (n !== undefined && n > BigInt(max))
    throw new UsageError(`--${name} must be a whole number up to ${max}, got "${stringOption(args, name)}"`);
  return n === undefined ? undefined : Number(n);
}

const isUrl = (text: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(text);

/** --hardfork NAME, or the deprecated --fork NAME (--fork URL forks a remote chain: `forkUrl`). */
function hardfork(args: ReturnType<typeof parseArgs>): string | undefined {
  const name = stringOption(args, 'hardfork');
  let old = stringOption(args, 'fork');
  if (old !== undefined && isUrl(old)) old = undefined;
  if (old !== undefined) {
    if (name !== undefined) throw new UsageError('give --hardfork only (--fork NAME is its deprecated spelling)');
    process.stderr.write(`polyvm: --fork NAME is deprecated; use --hardfork ${old}\n`);
  }
  const chosen = name ?? old;
  return chosen?.toLowerCase() === 'latest' ? undefined : chosen;
}

/** The fork a command line asks for (--fork-url, or Hardhat's --fork URL), with its settings. */
function forking(args: ReturnType<typeof parseArgs>, headers: string[]): NodeOptions['forking'] {
  const hardhat = stringOption(args, 'fork');
  const url = stringOption(args, 'fork-url') ?? (hardhat !== undefined && isUrl(hardhat) ? hardhat : undefined);
  const settings = [
    'fork-block-number',
    'fork-retries',
    'retries',
    'fork-retry-backoff',
    'timeout',
    'no-storage-caching',
    'fork-chain-id',
    'compute-units-per-second',
    'no-rate-limit',
  ];
  if (url === undefined) {
    const stray = settings.find((name) => args.options.has(name)) ?? (headers.length > 0 ? 'fork-header' : undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} needs --fork-url URL`);
    return undefined;
  }
  if (stringOption(args, 'fork-url') !== undefined && hardhat !== undefined && isUrl(hardhat))
    throw new UsageError('give --fork-url or --fork URL, not both');
  const parsedHeaders: Record<string, string> = {};
  for (const header of headers) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`--fork-header must be KEY:VALUE, got "${header}"`);
    parsedHeaders[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  let blockNumber: bigint | undefined;
  const blockText = stringOption(args, 'fork-block-number');
  if (blockText !== undefined) {
    if (!/^-?(\d+|0x[0-9a-fA-F]+)$/.test(blockText)) throw new UsageError(`--fork-block-number must be a whole number, got "${blockText}"`);
    blockNumber = blockText.startsWith('-') ? -BigInt(blockText.slice(1)) : BigInt(blockText);
  }
  if (args.options.has('fork-retries') && args.options.has('retries')) throw new UsageError('give --fork-retries or --retries, not both');
  return {
    url,
    blockNumber,
    headers: parsedHeaders,
    retries: integer(args, 'fork-retries', 100) ?? integer(args, 'retries', 100),
    retryBackoffMs: integer(args, 'fork-retry-backoff', 600_000),
    timeoutMs: integer(args, 'timeout', 3_600_000),
    storageCaching: !args.options.has('no-storage-caching'),
    chainId: big(args, 'fork-chain-id'),
  };
}

function packageVersion(): string {
  return nodeModule<{ version: string }>(import.meta.url, '../../package.json')?.version ?? '0.0.0';
}

export async function nodeCommand(argv: string[]): Promise<number> {
  const headers = takeRepeated(argv, 'fork-header');
  const args = parseArgs(optionalValue(optionalValue(headers.rest, 'prune-history', '0'), 'parallel', '2'), FLAGS, VALUED, SHORT);
  if (args.options.has('help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args.options.has('version')) {
    process.stdout.write(`polyvm ${packageVersion()}\n`);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"\n${USAGE}`);
  const quiet = args.options.has('quiet') || args.options.has('silent');
  const blockTime = stringOption(args, 'block-time');
  if (blockTime !== undefined && !(Number(blockTime) > 0 && Number(blockTime) <= 86400)) {
    throw new UsageError(`--block-time must be a number of seconds from 0 to 86400, got "${blockTime}"`);
  }
  const limits: NonNullable<NodeOptions['limits']> = {};
  const maxBody = integer(args, 'max-body-bytes', 1 << 30);
  if (maxBody !== undefined) limits.maxBodyBytes = maxBody;
  const maxBatch = integer(args, 'max-batch', 1_000_000);
  if (maxBatch !== undefined) limits.maxBatch = maxBatch;
  const callGasCap = big(args, 'call-gas-cap');
  if (callGasCap !== undefined) limits.callGasCap = callGasCap;
  const artifactsDir = stringOption(args, 'artifacts');
  const options: NodeOptions = {
    chainId: big(args, 'chain-id'),
    fork: hardfork(args),
    accounts: integer(args, 'accounts', 10_000),
    balance: stringOption(args, 'balance'),
    mnemonic: stringOption(args, 'mnemonic'),
    blockTime: blockTime === undefined ? undefined : Number(blockTime),
    mining: args.options.has('no-mining') ? false : blockTime === undefined,
    gasLimit: big(args, 'gas-limit'),
    baseFee: big(args, 'base-fee'),
    dataDir: stringOption(args, 'data-dir'),
    genesisTimestamp: big(args, 'timestamp'),
    historyBlocks: integer(args, 'prune-history', 1_000_000_000),
    codeSizeLimit: integer(args, 'code-size-limit', 1 << 30),
    traceWorkers: integer(args, 'trace-workers', 64),
    jit: jitOption(stringOption(args, 'jit')),
    parallel: integer(args, 'parallel', 64),
    disableCodeSizeLimit: args.options.has('disable-code-size-limit'),
    disableTxGasLimitCap: args.options.has('disable-tx-gas-limit-cap'),
    disableBlockGasLimit: args.options.has('disable-block-gas-limit'),
    wasm: args.options.has('wasm'),
    limits,
    // The request, block and console.log lines, on stderr.
    log: !quiet,
    artifacts: artifactsDir === undefined ? undefined : loadArtifacts(artifactsDir),
    forking: forking(args, headers.values),
  };
  const stateFile = stringOption(args, 'state');
  const loadFile = stringOption(args, 'load-state') ?? (stateFile !== undefined && existsSync(stateFile) ? stateFile : undefined);
  const dumpFile = stringOption(args, 'dump-state') ?? stateFile;
  const stateInterval = integer(args, 'state-interval', 86_400) ?? 60;
  if (stringOption(args, 'state-interval') !== undefined && stateFile === undefined)
    throw new UsageError('--state-interval needs --state FILE');
  if (
    options.forking !== undefined &&
    (stateFile !== undefined || stringOption(args, 'dump-state') !== undefined || loadFile !== undefined)
  )
    throw new UsageError("--state, --load-state and --dump-state do not work with a fork (its state is the remote's, read as needed)");
  const port = integer(args, 'port', 65535) ?? 8545;
  if (args.options.has('no-cors') && args.options.has('allow-origin')) throw new UsageError('give --allow-origin or --no-cors, not both');
  const allowOrigin = args.options.has('no-cors') ? null : (stringOption(args, 'allow-origin') ?? '*');
  const host = stringOption(args, 'host') ?? '127.0.0.1';

  let node;
  try {
    node = createNode(options);
  } catch (error) {
    if (
      error instanceof NodeOptionsError ||
      error instanceof MnemonicError ||
      error instanceof StoreMismatchError ||
      error instanceof StoreError ||
      error instanceof ForkedChainError
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  if (args.options.has('auto-impersonate')) node.chain.keys.autoImpersonate = true;
  if (loadFile !== undefined) {
    try {
      loadStateFile(node.chain, loadFile);
    } catch (error) {
      await node.close();
      throw error;
    }
  }
  let server;
  try {
    server = await node.listen({ port, host, allowOrigin });
  } catch (error) {
    await node.close();
    throw new UsageError(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }

  const out: string[] = [];
  if (!quiet) {
    const chain = node.chain;
    out.push('polyvm node', '');
    out.push(`Chain id:   ${chain.chainId}`);
    out.push(`Hardfork:   ${chain.rules.name}${chain.rules.wasm ? ' + WebAssembly programs (Stylus)' : ''}`);
    out.push(`Gas limit:  ${chain.miner.gasLimit}`);
    out.push(`Mining:     ${chain.miner.automine ? 'automine' : 'manual'}${options.blockTime ? `, every ${options.blockTime} s` : ''}`);
    if (chain.fork !== undefined) {
      const cache =
        options.dataDir !== undefined && options.forking?.storageCaching !== false
          ? `, fetched state kept in ${options.dataDir}/fork-cache`
          : '';
      out.push(
        `Fork:       ${redactUrl(chain.fork.config.url)} at block ${chain.fork.config.blockNumber} (${bytesToHex(chain.fork.block.hash)})${cache}`,
      );
    }
    out.push(
      `Storage:    ${options.dataDir && chain.fork === undefined ? `${options.dataDir} (LMDB), at block ${chain.blockNumber}` : 'in memory'}`,
    );
    out.push('', 'Accounts', '========');
    node.accounts.forEach((a, i) =>
      out.push(`(${i}) ${checksumAddress(a.address)} (${formatEther(chain.state.getBalance(a.address))} ETH)`),
    );
    out.push('', 'Private keys', '============');
    node.accounts.forEach((a, i) => out.push(`(${i}) ${bytesToHex(a.privateKey)}`));
    if (!options.mnemonic || options.mnemonic.trim() === TEST_MNEMONIC) {
      out.push('', `Mnemonic: ${TEST_MNEMONIC}`);
    }
    out.push(
      '',
      'WARNING: these accounts and their private keys are publicly known.',
      'Any funds sent to them on a real network WILL BE LOST. Use them on this dev chain only.',
      '',
    );
  }
  out.push(`Listening on ${server.url} (HTTP and WebSocket)`);
  process.stdout.write(out.join('\n') + '\n');
  // Once requests pause: the tables every signature uses (40-100 ms, else the first
  // transaction's), after the first answers rather than before them.
  node.warmUpWhenIdle();

  const save = () => {
    if (dumpFile === undefined) return;
    try {
      saveStateFile(node.chain, dumpFile);
    } catch (error) {
      process.stderr.write(`polyvm: cannot save the state to ${dumpFile}: ${(error as Error).message}\n`);
    }
  };
  const timer = stateFile !== undefined && stateInterval > 0 ? setInterval(save, stateInterval * 1000) : undefined;
  timer?.unref();

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      if (timer !== undefined) clearInterval(timer);
      save();
      node.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function formatEther(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const fraction = (wei % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
