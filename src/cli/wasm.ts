/** `polyvm wasm build|deploy-code`: tooling for Stylus-format WebAssembly programs. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { bytesToHex } from '../primitives/bytes.js';
import { deployCode, isWasmModule } from '../wasm/format.js';
import { compressProgram } from '../wasm/compress.js';
import { parseArgs, UsageError } from './args.js';
import { AssemblyScriptError, buildAssemblyScript } from './assemblyscript.js';

export const WASM_USAGE = `usage: polyvm wasm build FILE.ts [-o OUT.wasm] [--wat OUT.wat]
       polyvm wasm deploy-code FILE.wasm
  build         compile an AssemblyScript contract written with polyvm's SDK (sdk/assemblyscript) to
                a program; writes OUT.wasm (default: FILE with .wasm) and prints its size
  deploy-code   print the init code (0x-hex) that deploys FILE.wasm as a Stylus program: the module
                compressed with brotli behind EF F0 00 00, after cargo-stylus's 43-byte prelude`;

/** EIP-170: the largest runtime code, which a program (prefix and brotli stream) must fit in. */
const MAX_CODE_SIZE = 24_576;

export async function wasmCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'build':
      return buildCommand(rest);
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

async function buildCommand(argv: string[]): Promise<number> {
  const args = parseArgs(
    argv.map((a) => (a === '-o' ? '--out' : a)),
    ['help'],
    ['out', 'wat'],
  );
  if (args.options.has('help')) {
    process.stdout.write(WASM_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError(`build takes one FILE.ts\n${WASM_USAGE}`);
  const file = args.positionals[0]!;
  if (!existsSync(file)) throw new UsageError(`FILE: ${file} does not exist`);
  const out = (args.options.get('out') as string | undefined) ?? file.replace(/\.ts$/, '') + '.wasm';
  const wat = args.options.get('wat') as string | undefined;
  let build;
  try {
    build = await buildAssemblyScript(file, { text: wat !== undefined });
  } catch (e) {
    if (!(e instanceof AssemblyScriptError)) throw e;
    process.stderr.write(`${e.message}\npolyvm: ${file} does not compile\n`);
    return 1;
  }
  for (const warning of build.warnings) process.stderr.write(warning + '\n');
  writeFileSync(out, build.wasm);
  if (wat !== undefined && build.text !== undefined) writeFileSync(wat, build.text);
  const program = compressProgram(build.wasm);
  process.stdout.write(`${out}: ${build.wasm.length} bytes (${program.length} bytes compressed, as deployed)\n`);
  if (program.length > MAX_CODE_SIZE) {
    process.stderr.write(`polyvm: warning: the compressed program is more than the ${MAX_CODE_SIZE}-byte code size limit (EIP-170)\n`);
  }
  return 0;
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
