/**
 * Reverts: Solidity's `Error(string)` (what `require(cond, "msg")` and `revert("msg")` produce),
 * custom errors (`error ERC20InsufficientBalance(address,uint256,uint256)`: selector + ABI
 * arguments), raw revert data, and the handler AssemblyScript's `abort` is pointed at (a failed
 * `assert`, a thrown error, an array index out of bounds), which reverts with Error(message).
 * None of these return: the program stops with exit_early(1), its storage writes unflushed.
 */
import { AbiWriter } from './abi';
import { selector } from './crypto';
import { write_result, exit_early } from './vm_hooks';

/** Reverts with `data` as the revert data. */
export function revertWithData(data: Uint8Array): void {
  write_result(data.dataStart, <usize>data.length);
  exit_early(1);
  unreachable();
}

/** Reverts with Error(message), as Solidity's revert("message") does. */
export function revert(message: string): void {
  revertWithData(new AbiWriter().string(message).encodeWithSelector(0x08c379a0));
}

/** Reverts with Error(message) unless `condition` holds: Solidity's require(condition, "message"). */
export function require(condition: bool, message: string): void {
  if (!condition) revert(message);
}

/**
 * Reverts with a custom error: the first 4 bytes of keccak256(signature), then `args` encoded.
 * `revertError('ERC20InsufficientBalance(address,uint256,uint256)', new AbiWriter().address(a).u256(b).u256(c))`.
 */
export function revertError(signature: string, args: AbiWriter = new AbiWriter()): void {
  revertWithData(args.encodeWithSelector(selector(signature)));
}

/** Reverts with a custom error whose selector is already known (saves hashing the signature). */
export function revertErrorSelector(errorSelector: u32, args: AbiWriter = new AbiWriter()): void {
  revertWithData(args.encodeWithSelector(errorSelector));
}

/**
 * AssemblyScript's `abort`, replaced by this function (`--use abort=...`, which `polyvm wasm
 * build` passes): reverts with Error("message (file:line:column)").
 */
export function abortWithError(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = message !== null ? message : 'abort';
  if (fileName !== null) text += ' (' + fileName + ':' + line.toString() + ':' + column.toString() + ')';
  revert(text);
}
