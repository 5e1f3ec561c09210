/**
 * Test support (Node.js only, imported by tests): Stylus programs written in WAT with every
 * `vm_hooks` function imported under its own name ($read_args, $storage_load_bytes32, ...), made
 * into deployable code, and small EVM contracts to call them from.
 */
import { VM_HOOKS } from '../hostio.js';
import { compileWat } from './compile.js';
import { compressProgram } from '../compress.js';
import { hexToBytes } from '../../primitives/bytes.js';
import type { Address } from '../../primitives/address.js';

/** The import declarations of every vm_hooks function. */
export const HOOK_IMPORTS = Object.entries(VM_HOOKS)
  .map(([name, { params, results }]) => {
    const p = params.length > 0 ? ` (param ${params.join(' ')})` : '';
    const r = results.length > 0 ? ` (result ${results.join(' ')})` : '';
    return `  (import "vm_hooks" "${name}" (func $${name}${p}${r}))`;
  })
  .join('\n');

export interface WatOptions {
  /** Further imports (they must come before the memory). */
  imports?: string;
  /** The memory declaration (default one page, fixed). */
  memory?: string;
  /** Further module fields: data segments, globals, helper functions. */
  fields?: string;
}

/** A module whose `user_entrypoint` runs `body` (its parameter is `$len`, it must leave an i32). */
export function watModule(body: string, options: WatOptions = {}): string {
  return `(module
${HOOK_IMPORTS}
  ${options.imports ?? ''}
  (memory (export "memory") ${options.memory ?? '1 1'})
  ${options.fields ?? ''}
  (func (export "user_entrypoint") (param $len i32) (result i32)
    ${body}))`;
}

/** Deployable code (EF F0 00 00 + brotli) for a WAT program. */
export async function watProgram(body: string, options: WatOptions = {}): Promise<Uint8Array> {
  return compressProgram(await compileWat(watModule(body, options)));
}

/** WAT data-segment text for bytes (`\\xx` escapes). */
export function watBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => '\\' + b.toString(16).padStart(2, '0')).join('');
}

/** An address's 20 bytes as WAT data text. */
export function watAddress(address: Address): string {
  return watBytes(hexToBytes(address));
}

export const CALL = 0xf1;
export const CALLCODE = 0xf2;
export const DELEGATECALL = 0xf4;
export const STATICCALL = 0xfa;

/**
 * EVM code that calls `target` with `opcode`, passing its own calldata (and value for CALL and
 * CALLCODE), then returns a word with the call's success (1 or 0) followed by the return data.
 */
export function evmCaller(target: Address, opcode: number): Uint8Array {
  const withValue = opcode === CALL || opcode === CALLCODE;
  const hex =
    '366000600037' + // CALLDATACOPY(0, 0, CALLDATASIZE)
    '60006000' + // retSize 0, retOffset 0
    '366000' + // argsSize CALLDATASIZE, argsOffset 0
    (withValue ? '34' : '') + // CALLVALUE
    '73' +
    target.slice(2) +
    '5a' + // GAS
    opcode.toString(16) +
    '600052' + // MSTORE(0, success)
    '3d60006020' + // RETURNDATACOPY(32, 0, RETURNDATASIZE)
    '3e' +
    '3d602001' + // RETURNDATASIZE + 32
    '6000f3'; // RETURN(0, 32 + RETURNDATASIZE)
  return hexToBytes(hex);
}
