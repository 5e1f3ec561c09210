/**
 * The entrypoint: reads the calldata, splits off the 4-byte selector, runs the contract's handler,
 * flushes the storage cache and returns the handler's output.
 *
 *   export function user_entrypoint(len: i32): i32 {
 *     return dispatch(len, (selector: u32, args: AbiReader): Uint8Array => {
 *       if (selector == 0x70a08231) return encodeU256(balanceOf(args.address()));
 *       return unknownSelector();
 *     });
 *   }
 */
import { AbiReader } from './abi';
import { flushStorage } from './storage';
import { revertWithData } from './revert';
import { msg } from './context';
import { read_args, write_result, pay_for_memory_grow } from './vm_hooks';

/** A contract's body: the selector (0 when the calldata is shorter than 4 bytes) and the arguments after it. */
export type Handler = (selector: u32, args: AbiReader) => Uint8Array;

/**
 * Runs `handler` on the calldata of length `len` and returns user_entrypoint's status (0: the
 * handler returned; its output is the call's output). Reverts end the program inside the handler.
 */
export function dispatch(len: i32, handler: Handler): i32 {
  // Keeps the pay_for_memory_grow import, which a program whose memory can grow must have
  // (AssemblyScript's allocator grows memory); costs less than one gas.
  pay_for_memory_grow(0);
  const input = new Uint8Array(len);
  read_args(input.dataStart);
  const selector: u32 = len >= 4 ? bswap<u32>(load<u32>(input.dataStart)) : 0;
  const output = handler(selector, new AbiReader(input, len >= 4 ? 4 : len));
  flushStorage(false);
  write_result(output.dataStart, <usize>output.length);
  return 0;
}

/** Reverts with empty data: a call to a function the contract does not have (Solidity without a fallback). */
export function unknownSelector(): Uint8Array {
  revertWithData(new Uint8Array(0));
  return unreachable();
}

/** Reverts with empty data if the call sent value: what a Solidity function that is not payable does. */
export function nonPayable(): void {
  if (!msg.value().isZero()) revertWithData(new Uint8Array(0));
}

/** Empty output (a function that returns nothing). */
export function noOutput(): Uint8Array {
  return new Uint8Array(0);
}
