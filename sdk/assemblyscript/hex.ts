/** Hex digits, for U256 and Address. */

export const HEX_DIGITS = '0123456789abcdef';

/** The value of one hex digit's character code (either case); throws (reverts) on anything else. */
export function hexDigit(c: i32): u8 {
  if (c >= 48 && c <= 57) return <u8>(c - 48);
  if (c >= 97 && c <= 102) return <u8>(c - 87);
  if (c >= 65 && c <= 70) return <u8>(c - 55);
  throw new RangeError('not a hex digit');
}

/** The number of characters of a 0x or 0X prefix: 2, or 0 without one. */
export function hexPrefix(hex: string): i32 {
  return hex.startsWith('0x') || hex.startsWith('0X') ? 2 : 0;
}

/** Bytes as 0x and two lowercase hex digits each. */
export function toHex(bytes: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < bytes.length; i++) s += HEX_DIGITS.charAt(bytes[i] >> 4) + HEX_DIGITS.charAt(bytes[i] & 15);
  return s;
}
