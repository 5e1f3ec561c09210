import type { Address } from '../../primitives/address.js';
import type { Frame } from '../frame.js';
import { Status } from '../../host/status.js';

const ADDRESS_MASK = (1n << 160n) - 1n;

export function toAddress(word: bigint): Address {
  return '0x' + (word & ADDRESS_MASK).toString(16).padStart(40, '0');
}

export function addressToWord(address: Address): bigint {
  return BigInt(address);
}

/** EIP-2929 gas for touching an account: 100 if warm, 2600 if cold (and warms it). */
export const WARM_ACCESS = 100;
export const COLD_ACCOUNT_ACCESS = 2600;
export const COLD_SLOAD = 2100;

export function accountAccessCost(f: Frame, address: Address): number {
  if (!f.env.rules.berlin) return 0;
  return f.env.host.warmAddress(address) ? COLD_ACCOUNT_ACCESS : WARM_ACCESS;
}

/** Reads a stack value as a small number, or returns `fallback` when it does not fit. */
export function toSmall(value: bigint, fallback: number): number {
  return value > 0xffffffffn ? fallback : Number(value);
}

export function writeProtected(f: Frame): boolean {
  if (f.message.isStatic) {
    f.status = Status.StaticStateChange;
    return true;
  }
  return false;
}
