/** The polyvm command line, in the conventions of geth's `evm` tool. */
import { UsageError } from './args.js';
import { UnknownForkError } from '../forks/index.js';

const USAGE = `usage: polyvm <command> [options]
commands:
  statetest   run Ethereum state tests (files or folders)
  blocktest   run Ethereum blockchain tests: import each block, check head and state
  tracetest   run geth's tracer tests (callTracer, flatCallTracer, prestateTracer, ...)
  run         run EVM bytecode in a fresh state
  node        run a local dev chain with JSON-RPC over HTTP and WebSocket
  trace       draw a mined transaction's call tree (as cast run), names from --artifacts
  wasm        tooling for WebAssembly (Stylus) programs: build FILE.ts, deploy-code FILE.wasm
  bench       bench block: parallel block execution against sequential, in one run
run "polyvm <command> --help" for a command's options`;

/**
 * Each command's module is imported when it runs, so that a command loads only what it uses
 * (start-up time of `polyvm node` is mostly module loading).
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'statetest':
        return await (await import('./statetest/index.js')).statetestCommand(rest);
      case 'blocktest':
        return await (await import('./blocktest/index.js')).blocktestCommand(rest);
      case 'tracetest':
        return await (await import('./tracetest/index.js')).tracetestCommand(rest);
      case 'run':
        return await (await import('./run.js')).runCommand(rest);
      case 'node':
        return await (await import('./node.js')).nodeCommand(rest);
      case 'trace':
        return await (await import('./trace.js')).traceCommand(rest);
      case 'wasm':
        return await (await import('./wasm.js')).wasmCommand(rest);
      case 'bench':
        return await (await import('./bench.js')).benchCommand(rest);
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof UnknownForkError) {
      process.stderr.write(`polyvm: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
