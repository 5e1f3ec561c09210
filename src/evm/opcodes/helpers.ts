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

/** EIP-2929 gas for touching an account: warm or cold (and warms it); nothing before Berlin. */
export function accountAccessCost(f: Frame, address: Address): number {
  const rules = f.env.rules;
  if (!rules.berlin) return 0;
  return f.env.host.warmAddress(address) ? rules.gasColdAccountAccess : rules.gasWarmAccess;
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
