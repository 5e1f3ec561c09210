/** keccak-256 through the host (`native_keccak256`). */
import { native_keccak256 } from './vm_hooks';

/** keccak-256 of `data`: 32 bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  native_keccak256(data.dataStart, <usize>data.length, out.dataStart);
  return out;
}

/** keccak-256 of a string's UTF-8 bytes (a signature such as "Transfer(address,address,uint256)"). */
export function keccak256String(text: string): Uint8Array {
  return keccak256(utf8(text));
}

/** A string's UTF-8 bytes. */
export function utf8(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

/** Bytes decoded as UTF-8 (invalid sequences become U+FFFD). */
export function fromUtf8(bytes: Uint8Array): string {
  return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length);
}

/** The 4-byte selector of a function or error signature, such as "transfer(address,uint256)". */
export function selector(signature: string): u32 {
  return bswap<u32>(load<u32>(keccak256String(signature).dataStart));
}

/** Two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  return memory.compare(a.dataStart, b.dataStart, <usize>a.length) == 0;
}

/** `a` followed by `b`. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
