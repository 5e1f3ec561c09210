/** `polyvm wasm deploy-code FILE.wasm`: tooling for Stylus-format WebAssembly programs. */
import { readFileSync } from 'node:fs';
import { bytesToHex } from '../primitives/bytes.js';
import { deployCode, isWasmModule } from '../wasm/format.js';
import { compressProgram } from '../wasm/compress.js';
import { parseArgs, UsageError } from './args.js';

export const WASM_USAGE = `usage: polyvm wasm deploy-code FILE.wasm
  deploy-code   print the init code (0x-hex) that deploys FILE.wasm as a Stylus program: the module
                compressed with brotli behind EF F0 00 00, after cargo-stylus's 43-byte prelude`;

/** EIP-170: the largest runtime code, which a program (prefix and brotli stream) must fit in. */
const MAX_CODE_SIZE = 24_576;

export async function wasmCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'deploy-code':
      return deployCodeCommand(rest);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(WASM_USAGE + '\n');
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown wasm command "${sub}"\n${WASM_USAGE}`);
  }
}

function deployCodeCommand(argv: string[]): number {
  const args = parseArgs(argv, ['help'], []);
  if (args.options.has('help')) {
    process.stdout.write(WASM_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError(`deploy-code takes one FILE.wasm\n${WASM_USAGE}`);
  const file = args.positionals[0]!;
  let wasm: Uint8Array;
  try {
    wasm = readFileSync(file);
  } catch (e) {
    throw new UsageError(`FILE: cannot read ${file}: ${(e as Error).message}`);
  }
  if (!isWasmModule(wasm)) {
    throw new UsageError(
      `FILE: ${file} is not a WebAssembly binary module (it does not start with \\0asm; compile .wat files to .wasm first)`,
    );
  }
  const program = compressProgram(wasm);
  if (program.length > MAX_CODE_SIZE) {
    process.stderr.write(
      `polyvm: warning: the compressed program is ${program.length} bytes, more than the ${MAX_CODE_SIZE}-byte code size limit (EIP-170)\n`,
    );
  }
  process.stdout.write(bytesToHex(deployCode(program)) + '\n');
  return 0;
}
