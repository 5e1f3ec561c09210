/**
 * Revert data in words, for people: `Error(string)` its message, `Panic(uint256)` what the code
 * means in Solidity, anything else as a custom error's selector and arguments.
 */
import { bytesToBigint, bytesToHex } from '../primitives/bytes.js';
import { selectorOfData } from './abi.js';

/** What each Panic(uint256) code means (Solidity's list). */
export const PANIC_CODES: ReadonlyMap<number, string> = new Map([
  [0x00, 'generic compiler panic'],
  [0x01, 'assertion failed'],
  [0x11, 'arithmetic underflow or overflow'],
  [0x12, 'division or modulo by zero'],
  [0x21, 'conversion to an enum out of range'],
  [0x22, 'access to an incorrectly encoded storage byte array'],
  [0x31, 'pop() on an empty array'],
  [0x32, 'array index out of bounds'],
  [0x41, 'out of memory (too large an allocation)'],
  [0x51, 'call to a zero-initialized function variable'],
]);

export function hasSelector(data: Uint8Array, selector: number): boolean {
  return selectorOfData(data) === selector;
}

/** The string of an ABI-encoded Error(string), or undefined when `data` is not one. */
export function errorString(data: Uint8Array): string | undefined {
  if (!hasSelector(data, 0x08c379a0)) return undefined;
  const body = data.subarray(4);
  if (body.length < 32) return undefined;
  const offset = bytesToBigint(body.subarray(0, 32));
  if (offset + 32n > BigInt(body.length)) return undefined;
  const start = Number(offset) + 32;
  const length = bytesToBigint(body.subarray(start - 32, start));
  if (BigInt(start) + length > BigInt(body.length)) return undefined;
  return new TextDecoder().decode(body.subarray(start, start + Number(length)));
}

/**
 * Revert data in words: `Error(string)` its string, `Panic(uint256)` its code and meaning, any
 * other data as a custom error's raw selector and arguments.
 */
export function decodeRevertData(data: Uint8Array): string {
  if (data.length === 0) return 'no data';
  const message = errorString(data);
  if (message !== undefined) return message;
  if (hasSelector(data, 0x4e487b71) && data.length === 4 + 32) {
    const code = bytesToBigint(data.subarray(4));
    const meaning = code <= 0xffn ? PANIC_CODES.get(Number(code)) : undefined;
    return `panic: ${meaning ?? 'unknown panic code'} (0x${code.toString(16).padStart(2, '0')})`;
  }
  if (data.length < 4) return `unrecognized data ${bytesToHex(data)}`;
  const args = data.subarray(4);
  return `custom error ${bytesToHex(data.subarray(0, 4))}${args.length > 0 ? `, data ${bytesToHex(args)}` : ''}`;
}
