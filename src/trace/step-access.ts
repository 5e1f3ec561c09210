/**
 * The account or storage slot an EVM instruction is about to touch, read from its operands on
 * the stack before it runs: what the prestate tracer loads and `eth_createAccessList` collects.
 */
import type { Address } from '../primitives/address.js';
import { bigintToAddress } from '../primitives/address.js';
import type { Frame } from '../evm/frame.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';

const ADDRESS_MASK = (1n << 160n) - 1n;

export interface AccessVisitor {
  /** SLOAD or SSTORE of `slot` in the frame's own storage. */
  slot(address: Address, slot: bigint): void;
  /** BALANCE, EXTCODE*, SELFDESTRUCT's beneficiary, or a call's target (`isCall`). */
  account(address: Address, isCall: boolean): void;
}

/**
 * Reports what `op` touches. A call's target is reported only when the stack holds at least
 * `callMinStack` items (geth's prestate tracer asks for 5; the access list for the address alone).
 */
export function visitStepAccess(f: Frame, op: number, visit: AccessVisitor, callMinStack: number): void {
  const sp = f.sp;
  const stack = f.stack;
  switch (op) {
    case 0x54: // SLOAD
    case 0x55: // SSTORE
      if (sp >= 1) visit.slot(f.message.address, stack[sp - 1]!);
      break;
    case 0x31: // BALANCE
    case 0x3b: // EXTCODESIZE
    case 0x3c: // EXTCODECOPY
    case 0x3f: // EXTCODEHASH
    case 0xff: // SELFDESTRUCT
      if (sp >= 1) visit.account(bigintToAddress(stack[sp - 1]! & ADDRESS_MASK), false);
      break;
    case 0xf1: // CALL
    case 0xf2: // CALLCODE
    case 0xf4: // DELEGATECALL
    case 0xfa: // STATICCALL
      if (sp >= callMinStack) visit.account(bigintToAddress(stack[sp - 2]! & ADDRESS_MASK), true);
      break;
  }
}

const INT64_LIMIT = 1n << 63n;
const UINT64_MASK = (1n << 64n) - 1n;
/** The most zero bytes a copy past the end of memory is padded with (geth's limit). */
const PAD_LIMIT = 1024 * 1024;

/**
 * `size` bytes of the frame's memory from `offset`, zero past its end, as geth's tracers copy a
 * KECCAK256's or CREATE2's operand before the instruction grows memory: each operand's low 64
 * bits as a signed number; undefined for a negative one or more than 1 MiB of padding.
 */
export function memoryCopyPadded(f: Frame, offset: bigint, size: bigint): Uint8Array | undefined {
  const start = offset & UINT64_MASK;
  const length = size & UINT64_MASK;
  if (start >= INT64_LIMIT || length >= INT64_LIMIT) return undefined;
  if (length === 0n) return EMPTY_BYTES;
  const memorySize = BigInt(f.memorySize);
  if (start + length > memorySize && start + length - memorySize > PAD_LIMIT) return undefined;
  const out = new Uint8Array(Number(length));
  if (start < memorySize) out.set(f.memory.subarray(Number(start), Math.min(f.memorySize, Number(start + length))));
  return out;
}
