/**
 * U256: an unsigned 256-bit integer as four 64-bit limbs (`lo` least significant), with the
 * checked arithmetic Solidity 0.8 has: an overflow, an underflow or a division by zero reverts
 * with `Panic(uint256)` (0x11, 0x12), as a Solidity contract would. Values are immutable: every
 * operation returns a new U256. In memory, in storage and in the ABI a U256 is 32 bytes
 * big-endian (`toBytes`, `fromBytes`, `store`, `load`).
 */
import { math_div, math_mod, math_pow, math_add_mod, math_mul_mod } from './vm_hooks';
import { panic, PANIC_OVERFLOW, PANIC_DIVISION_BY_ZERO } from './panic';
import { hexDigit, hexPrefix, toHex } from './hex';

export class U256 {
  constructor(
    public readonly lo: u64 = 0,
    public readonly m1: u64 = 0,
    public readonly m2: u64 = 0,
    public readonly hi: u64 = 0,
  ) {}

  static zero(): U256 {
    return new U256();
  }

  static one(): U256 {
    return new U256(1);
  }

  /** 2^256 - 1, the largest value (the "infinite" allowance of ERC-20s). */
  static max(): U256 {
    return new U256(u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE);
  }

  static fromU64(value: u64): U256 {
    return new U256(value);
  }

  /** 32 bytes big-endian at `ptr` in memory. */
  static load(ptr: usize): U256 {
    return new U256(
      bswap<u64>(load<u64>(ptr, 24)),
      bswap<u64>(load<u64>(ptr, 16)),
      bswap<u64>(load<u64>(ptr, 8)),
      bswap<u64>(load<u64>(ptr)),
    );
  }

  /** 32 bytes big-endian from `bytes` at `offset` (reverts on a short read through bounds checks). */
  static fromBytes(bytes: Uint8Array, offset: i32 = 0): U256 {
    if (offset < 0 || offset + 32 > bytes.length) throw new RangeError('U256.fromBytes: fewer than 32 bytes');
    return U256.load(bytes.dataStart + <usize>offset);
  }

  /** A hex string, with or without 0x, of at most 64 digits. */
  static fromHex(hex: string): U256 {
    const start = hexPrefix(hex);
    const digits = hex.length - start;
    if (digits > 64) throw new RangeError('U256.fromHex: more than 64 digits');
    const word = new Uint8Array(32);
    for (let i = 0; i < digits; i++) {
      const nibble = hexDigit(hex.charCodeAt(start + i));
      const pos = 64 - digits + i;
      word[pos >> 1] |= <u8>(pos & 1 ? nibble : nibble << 4);
    }
    return U256.fromBytes(word);
  }

  /** A decimal string of digits only. Reverts with Panic(0x11) past 2^256 - 1. */
  static fromDecimal(text: string): U256 {
    let result = U256.zero();
    const ten = U256.fromU64(10);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) throw new RangeError('U256.fromDecimal: not a digit');
      result = result.mul(ten).add(U256.fromU64(<u64>(c - 48)));
    }
    return result;
  }

  /** Writes the 32 bytes big-endian at `ptr`. */
  store(ptr: usize): void {
    store<u64>(ptr, bswap<u64>(this.hi));
    store<u64>(ptr, bswap<u64>(this.m2), 8);
    store<u64>(ptr, bswap<u64>(this.m1), 16);
    store<u64>(ptr, bswap<u64>(this.lo), 24);
  }

  /** The 32 bytes big-endian. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(32);
    this.store(out.dataStart);
    return out;
  }

  /** 0x and 64 hex digits. */
  toHex(): string {
    return toHex(this.toBytes());
  }

  /** The decimal digits (for messages and logs). */
  toString(): string {
    if (this.isZero()) return '0';
    let s = '';
    let rest: U256 = this;
    const ten = U256.fromU64(10);
    while (!rest.isZero()) {
      s = String.fromCharCode(<i32>(48 + rest.mod(ten).lo)) + s;
      rest = rest.div(ten);
    }
    return s;
  }

  isZero(): bool {
    return (this.lo | this.m1 | this.m2 | this.hi) == 0;
  }

  /** True when the value fits in a u64. */
  fitsU64(): bool {
    return (this.m1 | this.m2 | this.hi) == 0;
  }

  /** The value as a u64; reverts with Panic(0x11) if it does not fit. */
  toU64(): u64 {
    if (!this.fitsU64()) panic(PANIC_OVERFLOW);
    return this.lo;
  }

  eq(other: U256): bool {
    return this.lo == other.lo && this.m1 == other.m1 && this.m2 == other.m2 && this.hi == other.hi;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  cmp(other: U256): i32 {
    if (this.hi != other.hi) return this.hi < other.hi ? -1 : 1;
    if (this.m2 != other.m2) return this.m2 < other.m2 ? -1 : 1;
    if (this.m1 != other.m1) return this.m1 < other.m1 ? -1 : 1;
    if (this.lo != other.lo) return this.lo < other.lo ? -1 : 1;
    return 0;
  }

  lt(other: U256): bool {
    return this.cmp(other) < 0;
  }

  lte(other: U256): bool {
    return this.cmp(other) <= 0;
  }

  gt(other: U256): bool {
    return this.cmp(other) > 0;
  }

  gte(other: U256): bool {
    return this.cmp(other) >= 0;
  }

  /** this + other; reverts with Panic(0x11) on overflow. */
  add(other: U256): U256 {
    const r = this.wrappingAdd(other);
    if (r.lt(this)) panic(PANIC_OVERFLOW);
    return r;
  }

  /** this - other; reverts with Panic(0x11) when other > this. */
  sub(other: U256): U256 {
    if (other.gt(this)) panic(PANIC_OVERFLOW);
    return this.wrappingSub(other);
  }

  /** this + other mod 2^256. */
  wrappingAdd(other: U256): U256 {
    const lo = this.lo + other.lo;
    let carry: u64 = lo < this.lo ? 1 : 0;
    const m1a = this.m1 + other.m1;
    const m1 = m1a + carry;
    carry = (m1a < this.m1 ? 1 : 0) | (m1 < m1a ? 1 : 0);
    const m2a = this.m2 + other.m2;
    const m2 = m2a + carry;
    carry = (m2a < this.m2 ? 1 : 0) | (m2 < m2a ? 1 : 0);
    return new U256(lo, m1, m2, this.hi + other.hi + carry);
  }

  /** this - other mod 2^256. */
  wrappingSub(other: U256): U256 {
    const lo = this.lo - other.lo;
    let borrow: u64 = this.lo < other.lo ? 1 : 0;
    const m1a = this.m1 - other.m1;
    const m1 = m1a - borrow;
    borrow = (this.m1 < other.m1 ? 1 : 0) | (m1a < borrow ? 1 : 0);
    const m2a = this.m2 - other.m2;
    const m2 = m2a - borrow;
    borrow = (this.m2 < other.m2 ? 1 : 0) | (m2a < borrow ? 1 : 0);
    return new U256(lo, m1, m2, this.hi - other.hi - borrow);
  }

  /** this * other; reverts with Panic(0x11) on overflow. */
  mul(other: U256): U256 {
    // Schoolbook on 32-bit digits: 8 x 8 products, each fits in a u64 with its carry.
    const a = this.digits();
    const b = other.digits();
    const r = new StaticArray<u64>(16);
    for (let i = 0; i < 8; i++) {
      const ai = a[i];
      if (ai == 0) continue;
      let carry: u64 = 0;
      for (let j = 0; j < 8; j++) {
        const t = ai * b[j] + r[i + j] + carry;
        r[i + j] = t & 0xffffffff;
        carry = t >> 32;
      }
      r[i + 8] = carry;
    }
    for (let k = 8; k < 16; k++) if (r[k] != 0) panic(PANIC_OVERFLOW);
    return new U256(r[0] | (r[1] << 32), r[2] | (r[3] << 32), r[4] | (r[5] << 32), r[6] | (r[7] << 32));
  }

  /** this / other, rounded down; reverts with Panic(0x12) when other is zero. Uses the host's math_div. */
  div(other: U256): U256 {
    if (other.isZero()) panic(PANIC_DIVISION_BY_ZERO);
    if (this.fitsU64() && other.fitsU64()) return U256.fromU64(this.lo / other.lo);
    return this.host2(other, 0);
  }

  /** this mod other; reverts with Panic(0x12) when other is zero. */
  mod(other: U256): U256 {
    if (other.isZero()) panic(PANIC_DIVISION_BY_ZERO);
    if (this.fitsU64() && other.fitsU64()) return U256.fromU64(this.lo % other.lo);
    return this.host2(other, 1);
  }

  /** this ^ exponent mod 2^256 (the EVM's EXP). */
  wrappingPow(exponent: U256): U256 {
    return this.host2(exponent, 2);
  }

  /** (this + other) mod m, without overflow (ADDMOD); 0 when m is 0. */
  addMod(other: U256, m: U256): U256 {
    return this.host3(other, m, false);
  }

  /** (this * other) mod m, without overflow (MULMOD); 0 when m is 0. */
  mulMod(other: U256, m: U256): U256 {
    return this.host3(other, m, true);
  }

  shl(bits: u32): U256 {
    if (bits >= 256) return U256.zero();
    let v: U256 = this;
    while (bits >= 64) {
      v = new U256(0, v.lo, v.m1, v.m2);
      bits -= 64;
    }
    if (bits == 0) return v;
    const b = <u64>bits;
    const c = 64 - b;
    return new U256(v.lo << b, (v.m1 << b) | (v.lo >> c), (v.m2 << b) | (v.m1 >> c), (v.hi << b) | (v.m2 >> c));
  }

  shr(bits: u32): U256 {
    if (bits >= 256) return U256.zero();
    let v: U256 = this;
    while (bits >= 64) {
      v = new U256(v.m1, v.m2, v.hi, 0);
      bits -= 64;
    }
    if (bits == 0) return v;
    const b = <u64>bits;
    const c = 64 - b;
    return new U256((v.lo >> b) | (v.m1 << c), (v.m1 >> b) | (v.m2 << c), (v.m2 >> b) | (v.hi << c), v.hi >> b);
  }

  and(other: U256): U256 {
    return new U256(this.lo & other.lo, this.m1 & other.m1, this.m2 & other.m2, this.hi & other.hi);
  }

  or(other: U256): U256 {
    return new U256(this.lo | other.lo, this.m1 | other.m1, this.m2 | other.m2, this.hi | other.hi);
  }

  xor(other: U256): U256 {
    return new U256(this.lo ^ other.lo, this.m1 ^ other.m1, this.m2 ^ other.m2, this.hi ^ other.hi);
  }

  not(): U256 {
    return new U256(~this.lo, ~this.m1, ~this.m2, ~this.hi);
  }

  private digits(): StaticArray<u64> {
    const d = new StaticArray<u64>(8);
    d[0] = this.lo & 0xffffffff;
    d[1] = this.lo >> 32;
    d[2] = this.m1 & 0xffffffff;
    d[3] = this.m1 >> 32;
    d[4] = this.m2 & 0xffffffff;
    d[5] = this.m2 >> 32;
    d[6] = this.hi & 0xffffffff;
    d[7] = this.hi >> 32;
    return d;
  }

  private host2(other: U256, op: i32): U256 {
    const buf = new Uint8Array(64);
    const a = buf.dataStart;
    this.store(a);
    other.store(a + 32);
    if (op == 0) math_div(a, a + 32);
    else if (op == 1) math_mod(a, a + 32);
    else math_pow(a, a + 32);
    return U256.load(a);
  }

  private host3(other: U256, m: U256, multiply: bool): U256 {
    const buf = new Uint8Array(96);
    const a = buf.dataStart;
    this.store(a);
    other.store(a + 32);
    m.store(a + 64);
    if (multiply) math_mul_mod(a, a + 32, a + 64);
    else math_add_mod(a, a + 32, a + 64);
    return U256.load(a);
  }
}
