/**
 * From deployed code to a compiled program: decompress the Stylus container, validate and
 * instrument the module (activation), compile it with the platform's WebAssembly. Done once per
 * code and kept in a bounded cache by code hash, so a program deployed once runs many times
 * without recompiling, and code placed in state without a deploy (genesis, `anvil_setCode`) is
 * activated on its first call.
 */
import type { Activation } from '../host/index.js';
import { keccak256 } from '../primitives/hash.js';
import { bytesToHex } from '../primitives/bytes.js';
import { BrotliDecoderMissingError, decompressProgram } from './decompress.js';
import { activateProgram, type ActivatedProgram } from './activate.js';

export interface Program extends ActivatedProgram {
  readonly module: WebAssembly.Module;
}

/** Programs kept compiled, by code hash; the least recently used is dropped beyond this. */
export const PROGRAM_CACHE_SIZE = 256;

const byHash = new Map<string, Program>();
const byCode = new WeakMap<Uint8Array, Program>();

/** A program could not be activated: the reason says what was wrong. */
export class InvalidProgramError extends Error {
  override readonly name = 'InvalidProgramError';
}

/** The compiled program for deployed code (`EF F0 00` ...); throws `InvalidProgramError`. */
export function loadProgram(code: Uint8Array): Program {
  const known = byCode.get(code);
  if (known !== undefined) return known;
  const hash = bytesToHex(keccak256(code));
  let program = byHash.get(hash);
  if (program !== undefined) {
    byHash.delete(hash); // re-inserted below as the most recent
  } else {
    program = compile(code);
  }
  byHash.set(hash, program);
  if (byHash.size > PROGRAM_CACHE_SIZE) byHash.delete(byHash.keys().next().value!);
  byCode.set(code, program);
  return program;
}

function compile(code: Uint8Array): Program {
  let activated: ActivatedProgram;
  try {
    // The console and debug host functions are linked on every polyvm chain (a development chain,
    // like Arbitrum's debug chains): they print through the node and change nothing.
    activated = activateProgram(decompressProgram(code), { debug: true });
  } catch (error) {
    // A browser that never initialised the decoder: the environment's fault, not the program's.
    if (error instanceof BrotliDecoderMissingError) throw error;
    throw new InvalidProgramError(error instanceof Error ? error.message : String(error));
  }
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(activated.wasm);
  } catch (error) {
    throw new InvalidProgramError(`module does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ...activated, module };
}

/** Activation at deploy: the gas it costs, or why the program is refused. */
export function activateCode(code: Uint8Array): Activation {
  try {
    return { gas: loadProgram(code).activationGas };
  } catch (error) {
    if (error instanceof InvalidProgramError) return { error: `program refused: ${error.message}` };
    throw error;
  }
}
