/** EIP-7702 delegation designators: code `0xef0100 || address` makes an account run another's code. */
import type { Address } from '../primitives/address.js';
import { bytesToHex, hexToBytes, concatBytes } from '../primitives/bytes.js';

export const DELEGATION_PREFIX = Uint8Array.of(0xef, 0x01, 0x00);
export const DELEGATION_CODE_LENGTH = 23;

/** The address a delegated account points to, or undefined when the code is not a designator. */
export function delegationTarget(code: Uint8Array): Address | undefined {
  if (code.length !== DELEGATION_CODE_LENGTH || code[0] !== 0xef || code[1] !== 0x01 || code[2] !== 0x00) return undefined;
  return bytesToHex(code.subarray(3));
}

export function isDelegation(code: Uint8Array): boolean {
  return delegationTarget(code) !== undefined;
}

export function delegationCode(address: Address): Uint8Array {
  return concatBytes(DELEGATION_PREFIX, hexToBytes(address));
}
