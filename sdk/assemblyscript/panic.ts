/**
 * Reverts with Solidity's `Panic(uint256)`: what Solidity 0.8 reverts with on an arithmetic
 * overflow (0x11) or a division by zero (0x12). Kept apart from revert.ts so U256 can use it
 * without importing the ABI encoder.
 */
import { write_result, exit_early } from './vm_hooks';

export const PANIC_ASSERT: u8 = 0x01;
export const PANIC_OVERFLOW: u8 = 0x11;
export const PANIC_DIVISION_BY_ZERO: u8 = 0x12;
export const PANIC_ARRAY_BOUNDS: u8 = 0x32;

/** Reverts with Panic(code): the selector 0x4e487b71 and the code as a uint256. Does not return. */
export function panic(code: u8): void {
  const data = new Uint8Array(36);
  data[0] = 0x4e;
  data[1] = 0x48;
  data[2] = 0x7b;
  data[3] = 0x71;
  data[35] = code;
  write_result(data.dataStart, 36);
  exit_early(1);
  unreachable();
}
