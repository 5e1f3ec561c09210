// node scripts/bundle.mjs: bundles the compiled command line (dist/cli/main.js and everything it
// imports, packages included) into one script, dist/polyvm.cjs, and records V8's code cache for
// it in dist/polyvm.cjs.cache, so that `polyvm` starts without resolving, reading and compiling
// ~200 ES modules (bin/polyvm.js loads the bundle; docs/architecture.md, "Start-up").
//
// Run after `tsc -p tsconfig.json` (npm run build does both). The compiled modules stay where
// they are: worker threads, the precompiles loaded on first use and library users load them.
//
// Each bundled module of dist/ keeps its own import.meta.url, .filename and .dirname (a file
// next to the bundle), so whatever it resolves from there (worker scripts, package.json, lmdb,
// ws, the KZG setup) is found where it was. Packages that load native code or are optional stay outside.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bundleFile = join(dist, 'polyvm.cjs');
const cacheFile = `${bundleFile}.cache`;

/** Packages loaded at run time from node_modules rather than bundled. */
const EXTERNAL = [
  'lmdb', // native code, and only with --data-dir
  'bufferutil', // ws's optional native helpers
  'utf-8-validate',
  'assemblyscript', // `polyvm wasm build` only, a large compiler
  'assemblyscript/*',
  'solc',
  'esbuild',
];

/**
 * import() of a specifier held in a variable: left to run, it would load a package outside the
 * bundle, and a script run by node:vm with a code cache cannot import; bin/bundle.js hands the
 * bundle an `__polyvmImport` of its own (its import() resolves from bin/, the same packages).
 */
const DYNAMIC_IMPORT = /(?<![.\w$])import\((?=[A-Za-z_$][\w$]*\))(?![\w$]*\)\s*\{)/g;

/**
 * `nodeModule(import.meta.url, 'ws')` (node-require.ts: how the engine reaches a package only
 * Node.js has) becomes require('ws'), so that esbuild bundles the package, to be evaluated on
 * first use with its code in the cache; an external package stays a require at run time.
 */
const NODE_MODULE = /nodeModule\(import\.meta\.url, '((?:@[\w.-]+\/)?[\w.-]+)'\)/g;

/** `import.meta.url` of a module of dist/, as seen from the bundle in dist/. */
const importMetaUrl = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta') && !DYNAMIC_IMPORT.test(source)) return undefined;
      const file = JSON.stringify(relative(dist, args.path).split(sep).join('/'));
      const contents = source
        .replace(NODE_MODULE, (_, name) => `require(${JSON.stringify(name)})`)
        .replaceAll('import.meta.url', `__polyvmModule.url(${file})`)
        .replaceAll('import.meta.filename', `__polyvmModule.filename(${file})`)
        .replaceAll('import.meta.dirname', `__polyvmModule.dirname(${file})`)
        .replace(DYNAMIC_IMPORT, '__polyvmImport(');
      return { contents, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [join(dist, 'cli', 'main.js')],
  outfile: bundleFile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  plugins: [importMetaUrl],
  banner: {
    // The directive first: the code was compiled from ES modules, which are strict.
    js: [
      "'use strict';",
      'const __polyvmModule = {',
      "  filename: (file) => require('node:path').join(__dirname, file),",
      "  dirname: (file) => require('node:path').dirname(__polyvmModule.filename(file)),",
      "  url: (file) => require('node:url').pathToFileURL(__polyvmModule.filename(file)).href,",
      '};',
    ].join('\n'),
  },
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
const text = result.outputFiles[0].text;
// The first line names the build, so that a code cache made for another bundle is never used.
const id = createHash('sha256').update(text).digest('hex').slice(0, 32);
writeAtomically(bundleFile, `// polyvm bundle ${id}\n${text}`);
rmSync(cacheFile, { force: true });

// The code cache: the bundle run once as users run it (warmRun); on exit bin/bundle.js writes
// the cache of every function compiled.
// Without it the bundle still runs, compiled as it loads.
try {
  await warmRun();
} catch (error) {
  rmSync(cacheFile, { force: true });
  process.stderr.write(`scripts/bundle.mjs: no code cache made (${error.message}); polyvm starts without it\n`);
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/** A bundled node on a free port: its URL, a JSON-RPC call, and its end (the exit status). */
async function startNode(env) {
  const child = spawn(process.execPath, [join(root, 'bin', 'polyvm.js'), 'node', '--port', '0', '--quiet'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let output = '';
  const url = await new Promise((found, failed) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (match) found(match[1]);
    });
    exited.then((code) => failed(new Error(`the bundled node exited (${code}) before listening:\n${output}`)));
  });
  const rpc = async (method, params) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const json = await response.json();
    if (json.error) throw new Error(`${method}: ${json.error.message}`);
    return json.result;
  };
  const stop = async () => {
    child.kill('SIGTERM');
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { url, rpc, stop };
}

/**
 * The run whose compiled functions the cache keeps: a node started, a contract deployed, called
 * and paid, blocks read; then the same node re-forked (anvil_reset) onto a second node holding
 * that contract, which it calls and pays through the fork.
 */
async function warmRun() {
  const nodes = [];
  try {
    const remote = await startNode({});
    nodes.push(remote);
    const node = await startNode({ POLYVM_WRITE_CODE_CACHE: cacheFile });
    nodes.push(node);
    // A contract whose code returns the storage slot named by its first argument.
    const deploy = async ({ rpc }) => {
      const [from] = await rpc('eth_accounts', []);
      const hash = await rpc('eth_sendTransaction', [{ from, data: '0x69600435545f5260205ff35f52600a6016f3' }]);
      const { contractAddress } = await rpc('eth_getTransactionReceipt', [hash]);
      return { from, call: { to: contractAddress, data: '0x70a08231' + from.slice(2).padStart(64, '0') } };
    };
    const use = async ({ rpc }, { from, call }) => {
      for (let i = 0; i < 20; i++) await rpc('eth_call', [call, 'latest']);
      await rpc('eth_estimateGas', [call]);
      const hash = await rpc('eth_sendTransaction', [{ from, to: call.to, value: '0x1' }]);
      await rpc('eth_getTransactionReceipt', [hash]);
      await rpc('eth_getBlockByNumber', ['latest', false]);
      await rpc('eth_getBalance', [from, 'latest']);
    };
    await node.rpc('eth_chainId', []);
    await use(node, await deploy(node));
    const onRemote = await deploy(remote);
    await node.rpc('anvil_reset', [{ forking: { jsonRpcUrl: remote.url } }]);
    await use(node, onRemote);
  } finally {
    const codes = await Promise.all(nodes.map((n) => n.stop()));
    if (codes.some((code) => code !== 0)) throw new Error(`a bundled node exited with ${codes.join(', ')}`);
  }
  readFileSync(cacheFile); // it must be there now
}
