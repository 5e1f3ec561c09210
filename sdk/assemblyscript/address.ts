/** Address: a 20-byte account address. */
import { hexDigit, hexPrefix, toHex } from './hex';

export class Address {
  /** `bytes` must hold exactly 20 bytes. */
  constructor(public readonly bytes: Uint8Array) {
    if (bytes.length != 20) throw new RangeError('an address is 20 bytes');
  }

  static zero(): Address {
    return new Address(new Uint8Array(20));
  }

  /** 20 bytes at `ptr` in memory (copied). */
  static load(ptr: usize): Address {
    const bytes = new Uint8Array(20);
    memory.copy(bytes.dataStart, ptr, 20);
    return new Address(bytes);
  }

  /** The low 20 bytes of a 32-byte word at `ptr` (no check of the upper 12). */
  static fromWordAt(ptr: usize): Address {
    return Address.load(ptr + 12);
  }

  /** 0x and 40 hex digits (any case; no checksum check). */
  static fromHex(hex: string): Address {
    const start = hexPrefix(hex);
    if (hex.length - start != 40) throw new RangeError('an address is 40 hex digits');
    const bytes = new Uint8Array(20);
    for (let i = 0; i < 20; i++)
      bytes[i] = <u8>((hexDigit(hex.charCodeAt(start + 2 * i)) << 4) | hexDigit(hex.charCodeAt(start + 2 * i + 1)));
    return new Address(bytes);
  }

  get dataStart(): usize {
    return this.bytes.dataStart;
  }

  eq(other: Address): bool {
    return memory.compare(this.bytes.dataStart, other.bytes.dataStart, 20) == 0;
  }

  isZero(): bool {
    for (let i = 0; i < 20; i++) if (this.bytes[i] != 0) return false;
    return true;
  }

  /** Writes the address left-padded to 32 bytes at `ptr` (the ABI word, a topic, a mapping key). */
  storeWord(ptr: usize): void {
    memory.fill(ptr, 0, 12);
    memory.copy(ptr + 12, this.bytes.dataStart, 20);
  }

  /** The address left-padded to 32 bytes. */
  toWord(): Uint8Array {
    const word = new Uint8Array(32);
    this.storeWord(word.dataStart);
    return word;
  }

  /** 0x and 40 lowercase hex digits. */
  toHex(): string {
    return toHex(this.bytes);
  }
}
