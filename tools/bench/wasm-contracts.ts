/**
 * The contracts of `npm run bench:wasm` (bench/wasm.mjs): the same algorithms as Solidity for the
 * EVM and as C for WebAssembly (sources in bench/wasm/), built here, deployed on one
 * `createEvm({ wasm: true })` chain, and checked against references computed in JavaScript.
 *
 * Calling convention, the same on both VMs and without an ABI: the calldata is the input, the
 * output is the result (see each source's header).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import solcModule from 'solc';
import { createEvm, type Evm } from '../../dist/create-evm.js';
import type { Address } from '../../dist/primitives/address.js';
import { bigintToFixedBytes, bytesToBigint, bytesToHex, concatBytes, equalBytes } from '../../dist/primitives/bytes.js';
import { compressProgram } from '../../dist/wasm/compress.js';
import { deployCode } from '../../dist/wasm/format.js';
import { compileC, compileWat, findTool } from '../../dist/wasm/testing/compile.js';
import { transaction } from '../../dist/wasm/testing/transactions.js';

/** bench/wasm/, where the C and Solidity sources are. */
export const SOURCES = resolve(import.meta.dirname, '../../bench/wasm');

/** How the C programs are compiled (on top of compileC's `--target=wasm32 -mcpu=mvp -nostdlib`). */
export const C_FLAGS: readonly string[] = ['-O2'];

/** solc's settings: the optimizer on, default runs, no IR pipeline. */
export const SOLC_SETTINGS = { optimizer: { enabled: true, runs: 200 } } as const;

/** Gas for each benchmark call (far more than any needs). */
export const CALL_GAS = 1_000_000_000n;

const SENDER: Address = '0x00000000000000000000000000000000000b3ec0';

interface Solc {
  compile(input: string): string;
  version(): string;
}

const solc = solcModule as Solc;

/** The versions of the compilers used, for the results file. */
export function compilerVersions(): { solc: string; clang: string } {
  return { solc: solc.version(), clang: clangVersion() };
}

function clangVersion(): string {
  return execFileSync(findTool('clang'), ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
}

/** Runtime bytecode of `contract` in bench/wasm/`file`, compiled by solc-js with SOLC_SETTINGS. */
export function compileSolidity(file: string, contract: string): Uint8Array {
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: readFileSync(resolve(SOURCES, file), 'utf8') } },
    settings: { ...SOLC_SETTINGS, outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed on ${file}:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const object = output.contracts?.[file]?.[contract]?.evm.deployedBytecode.object;
  if (!object) throw new Error(`solc produced no ${contract} in ${file}`);
  return Uint8Array.from(Buffer.from(object, 'hex'));
}

/** The WebAssembly module of bench/wasm/`file` (C), with `defines` prepended as #define lines. */
export function compileProgram(file: string, defines: readonly string[] = []): Uint8Array {
  const source = defines.map((d) => `#define ${d} 1\n`).join('') + readFileSync(resolve(SOURCES, file), 'utf8');
  return compileC(source, { cflags: C_FLAGS });
}

/** Deterministic pseudo-random bytes: SHA-256 of `seed` and a counter, concatenated. */
export function seededBytes(seed: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0, at = 0; at < length; i++, at += 32) {
    out.set(
      createHash('sha256')
        .update(`${seed}/${i}`)
        .digest()
        .subarray(0, Math.min(32, length - at)),
      at,
    );
  }
  return out;
}

export const word = (value: bigint): Uint8Array => bigintToFixedBytes(value, 32);

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n % modulus;
  base %= modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
  }
  return result;
}

/** One algorithm with its input and the output it must give. */
export interface BenchCase {
  readonly name: string;
  /** What the work is, in words, for the report. */
  readonly description: string;
  readonly input: Uint8Array;
  readonly expected: Uint8Array;
  readonly evm: Address;
  readonly wasm: Address;
  /** The program's WebAssembly module, as compiled (before activation). */
  readonly module: Uint8Array;
}

export interface CaseSizes {
  /** Bytes hashed by the sha256 case. */
  readonly shaBytes: number;
  /** Numbers sorted. */
  readonly sortCount: number;
  /** Modular exponentiations chained in the modexp cases. */
  readonly modexpRounds: number;
}

export const BENCH_SIZES: CaseSizes = { shaBytes: 8192, sortCount: 1000, modexpRounds: 16 };

/** The BN254 base-field prime: an odd 254-bit modulus. */
const MODULUS = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n;

/** The deployed contracts: one chain with every contract of the benchmark on it. */
export interface BenchChain {
  readonly evm: Evm;
  readonly caller: Address;
  readonly cases: BenchCase[];
  /** Addresses for the call-cost measurement. */
  readonly calls: { evmLoop: Address; wasmLoop: Address; evmEmpty: Address; wasmEmpty: Address };
  /** Gas each deploy transaction used (a program's activation included), by contract. */
  readonly deployGas: Record<string, bigint>;
  /** The caller's next nonce, for more create transactions. */
  nextNonce(): bigint;
}

/**
 * Compiles every contract, deploys them with create transactions on a fresh
 * `createEvm({ fork: 'Osaka', wasm: true })`, and builds the cases' inputs and references.
 */
export async function deployBenchChain(sizes: CaseSizes = BENCH_SIZES): Promise<BenchChain> {
  const evm = createEvm({ fork: 'Osaka', wasm: true });
  evm.setAccount(SENDER, { balance: 10n ** 24n });
  let nonce = 0n;
  const deployGas: Record<string, bigint> = {};
  const create = (name: string, initcode: Uint8Array): Address => {
    const result = evm.runTx(transaction(null, initcode, nonce++, 1n << 24n), SENDER);
    if (!result.success || !result.createdAddress) throw new Error(`deploying ${name} failed: ${result.error} ${result.reason ?? ''}`);
    deployGas[name] = result.gasUsed;
    return result.createdAddress;
  };
  const deployEvm = (name: string, runtime: Uint8Array): Address => create(name, evmInitcode(runtime));
  const deployWasm = (name: string, wasm: Uint8Array): Address => create(name, deployCode(compressProgram(wasm)));
  const program = (name: string, wasm: Uint8Array) => ({ wasm: deployWasm(name, wasm), module: wasm });

  const cases: BenchCase[] = [];

  const message = seededBytes('sha256', sizes.shaBytes);
  cases.push({
    name: `sha256 ${sizes.shaBytes % 1024 === 0 ? `${sizes.shaBytes / 1024} KiB` : `${sizes.shaBytes} bytes`}`,
    description: `SHA-256 written out over ${sizes.shaBytes} bytes (${Math.ceil((sizes.shaBytes + 9) / 64)} compressions)`,
    input: message,
    expected: new Uint8Array(createHash('sha256').update(message).digest()),
    evm: deployEvm('Sha256.sol', compileSolidity('Sha256.sol', 'Sha256')),
    ...program('sha256.c', compileProgram('sha256.c')),
  });

  const numbers = Array.from({ length: sizes.sortCount }, (_, i) => bytesToBigint(seededBytes(`sort/${i}`, 32)));
  const sorted = [...numbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  cases.push({
    name: `sort ${sizes.sortCount} × u256`,
    description: `quicksort of ${sizes.sortCount} random 256-bit numbers`,
    input: concatBytes(...numbers.map(word)),
    expected: concatBytes(...sorted.map(word)),
    evm: deployEvm('Sort.sol', compileSolidity('Sort.sol', 'Sort')),
    ...program('sort.c', compileProgram('sort.c')),
  });

  const base = bytesToBigint(seededBytes('modexp/base', 32));
  const exponent = bytesToBigint(seededBytes('modexp/exponent', 32));
  let x = base;
  for (let r = 0; r < sizes.modexpRounds; r++) x = modPow(x, exponent, MODULUS);
  const modexpInput = concatBytes(word(base), word(exponent), word(MODULUS), word(BigInt(sizes.modexpRounds)));
  const modexpEvm = deployEvm('ModExp.sol', compileSolidity('ModExp.sol', 'ModExp'));
  const modexpDescription = `${sizes.modexpRounds} chained 256-bit modexps (256-bit exponent, 254-bit odd modulus)`;
  cases.push({
    name: `modexp ×${sizes.modexpRounds}`,
    description: `${modexpDescription}; WASM: its own Montgomery multiplication`,
    input: modexpInput,
    expected: word(x),
    evm: modexpEvm,
    ...program('modexp.c', compileProgram('modexp.c')),
  });
  cases.push({
    name: `modexp ×${sizes.modexpRounds} (host mulmod)`,
    description: `${modexpDescription}; WASM: the host's math_mul_mod for each multiplication`,
    input: modexpInput,
    expected: word(x),
    evm: modexpEvm,
    ...program('modexp.c -DHOST_MULMOD', compileProgram('modexp.c', ['HOST_MULMOD'])),
  });

  const calls = {
    evmLoop: deployEvm('CallLoop.sol', compileSolidity('CallLoop.sol', 'CallLoop')),
    wasmLoop: deployWasm('call-loop.c', compileProgram('call-loop.c')),
    evmEmpty: deployEvm('STOP', Uint8Array.of(0x00)),
    wasmEmpty: deployWasm('empty.wat', await compileWat(readFileSync(resolve(SOURCES, 'empty.wat'), 'utf8'))),
  };
  return { evm, caller: SENDER, cases, calls, deployGas, nextNonce: () => nonce++ };
}

/** Init code returning `runtime`: PUSH2 len DUP1 PUSH1 12 PUSH1 0 CODECOPY PUSH1 0 RETURN, then the code. */
function evmInitcode(runtime: Uint8Array): Uint8Array {
  const n = runtime.length;
  return concatBytes(Uint8Array.of(0x61, n >> 8, n & 0xff, 0x80, 0x60, 12, 0x60, 0, 0x39, 0x60, 0, 0xf3), runtime);
}

/** Input of a call loop (CallLoop.sol, call-loop.c): target, count, and whether to call at all. */
export function callLoopInput(target: Address, count: number, call: boolean): Uint8Array {
  return concatBytes(word(BigInt(target)), word(BigInt(count)), word(call ? 1n : 0n));
}

export interface Outcome {
  readonly gasUsed: bigint;
  readonly output: Uint8Array;
}

/** Calls `to` with `input` and returns its output and gas; throws if the call did not succeed. */
export function call(chain: BenchChain, to: Address, input: Uint8Array): Outcome {
  const result = chain.evm.runCall({ caller: chain.caller, to, data: input, gas: CALL_GAS });
  if (!result.success) throw new Error(`call to ${to} failed: ${result.error}`);
  return { gasUsed: result.gasUsed, output: result.output };
}

/**
 * Runs a case on both VMs and checks both outputs against the reference; returns the gas each
 * used and how long each call took (the first call's time, when it is the first).
 */
export function checkCase(chain: BenchChain, c: BenchCase): { evmGas: bigint; wasmGas: bigint; evmMs: number; wasmMs: number } {
  const timed = (to: Address) => {
    const t0 = performance.now();
    const outcome = call(chain, to, c.input);
    return { ...outcome, ms: performance.now() - t0 };
  };
  const results = { evm: timed(c.evm), wasm: timed(c.wasm) };
  for (const [vm, result] of Object.entries(results)) {
    if (!equalBytes(result.output, c.expected)) {
      throw new Error(
        `${c.name} on ${vm}: wrong result ${bytesToHex(result.output).slice(0, 74)}…, expected ${bytesToHex(c.expected).slice(0, 74)}…`,
      );
    }
  }
  return { evmGas: results.evm.gasUsed, wasmGas: results.wasm.gasUsed, evmMs: results.evm.ms, wasmMs: results.wasm.ms };
}
