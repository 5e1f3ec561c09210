/*
 * 256-bit modular exponentiation written out, as a Stylus program: calldata = base, exponent,
 * modulus and rounds as four big-endian 32-byte words; output = x after `rounds` steps of
 * x ← x^exponent mod modulus, starting from x = base. The same square-and-multiply as
 * ModExp.sol (exponent bits from the lowest, while any are left).
 *
 * The multiplication mod m is the program's own: Montgomery multiplication (CIOS) on eight
 * 32-bit limbs with 64-bit products, so the modulus must be odd (an even one reverts). Built with
 * -DHOST_MULMOD, each multiplication is the host's math_mul_mod instead (Stylus's hook, priced
 * at 24,100 ink plus the call), for comparison.
 */
#include "stylus.h"

#define LIMBS 8

typedef uint32_t u256[LIMBS]; /* least significant limb first */

static uint8_t args[128];
static uint8_t out[32];

static void load(u256 r, const uint8_t *p) {
  for (int i = 0; i < LIMBS; i++) {
    const uint8_t *q = p + 4 * (LIMBS - 1 - i);
    r[i] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
  }
}

static void store(uint8_t *p, const u256 a) {
  for (int i = 0; i < LIMBS; i++) {
    uint8_t *q = p + 4 * (LIMBS - 1 - i);
    q[0] = (uint8_t)(a[i] >> 24);
    q[1] = (uint8_t)(a[i] >> 16);
    q[2] = (uint8_t)(a[i] >> 8);
    q[3] = (uint8_t)a[i];
  }
}

static int bit(const u256 e, int i) { return (e[i / 32] >> (i % 32)) & 1; }

static int bit_length(const u256 e) {
  for (int i = LIMBS - 1; i >= 0; i--)
    if (e[i] != 0) return 32 * i + 32 - __builtin_clz(e[i]);
  return 0;
}

#ifdef HOST_MULMOD

static uint8_t m_be[32], r_be[32], b_be[32];

/* x ← x^e mod m with the host's math_mul_mod on big-endian words. */
static void modexp(u256 x, const u256 e, const u256 m) {
  store(m_be, m);
  store(b_be, x);
  for (int i = 0; i < 32; i++) r_be[i] = 0;
  r_be[31] = 1;
  math_mod(r_be, m_be); /* 1 mod m */
  math_mod(b_be, m_be);
  int bits = bit_length(e);
  for (int i = 0; i < bits; i++) {
    if (bit(e, i)) math_mul_mod(r_be, b_be, m_be);
    math_mul_mod(b_be, b_be, m_be);
  }
  load(x, r_be);
}

#else

/* -m⁻¹ mod 2^32 for odd m (Newton's iteration: each step doubles the correct low bits). */
static uint32_t neg_inverse(uint32_t m0) {
  uint32_t inv = m0; /* correct to 3 bits */
  for (int i = 0; i < 4; i++) inv *= 2 - m0 * inv;
  return 0u - inv;
}

/* t ← t - m if top·2^256 + t >= m (top is the bit above t's limbs). */
static inline __attribute__((always_inline)) void reduce_once(uint32_t *t, uint32_t top, const u256 m) {
  int ge = top != 0;
  if (!ge) {
    ge = 1;
    for (int i = LIMBS - 1; i >= 0; i--)
      if (t[i] != m[i]) {
        ge = t[i] > m[i];
        break;
      }
  }
  if (!ge) return;
  uint64_t borrow = 0;
  for (int i = 0; i < LIMBS; i++) {
    uint64_t d = (uint64_t)t[i] - m[i] - borrow;
    t[i] = (uint32_t)d;
    borrow = (d >> 32) & 1;
  }
}

/* r ← a·b·2^-256 mod m, for a·b < m·2^256 (CIOS; r may alias a or b). */
static void montmul(u256 r, const u256 a, const u256 b, const u256 m, uint32_t m_inv) {
  uint32_t t[LIMBS + 2] = {0};
  for (int i = 0; i < LIMBS; i++) {
    uint64_t c = 0;
    for (int j = 0; j < LIMBS; j++) {
      c = (uint64_t)t[j] + (uint64_t)a[j] * b[i] + (c >> 32);
      t[j] = (uint32_t)c;
    }
    c = (uint64_t)t[LIMBS] + (c >> 32);
    t[LIMBS] = (uint32_t)c;
    t[LIMBS + 1] = (uint32_t)(c >> 32);
    uint32_t q = t[0] * m_inv;
    c = (uint64_t)t[0] + (uint64_t)q * m[0];
    for (int j = 1; j < LIMBS; j++) {
      c = (uint64_t)t[j] + (uint64_t)q * m[j] + (c >> 32);
      t[j - 1] = (uint32_t)c;
    }
    c = (uint64_t)t[LIMBS] + (c >> 32);
    t[LIMBS - 1] = (uint32_t)c;
    t[LIMBS] = t[LIMBS + 1] + (uint32_t)(c >> 32);
  }
  reduce_once(t, t[LIMBS], m); /* t < 2m */
  for (int i = 0; i < LIMBS; i++) r[i] = t[i];
}

/* 2^512 mod m, by doubling 1 modulo m 512 times. */
static void r_squared(u256 r, const u256 m) {
  for (int i = 0; i < LIMBS; i++) r[i] = 0;
  r[0] = 1;
  for (int step = 0; step < 512; step++) {
    uint32_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
      uint32_t next = r[i] >> 31;
      r[i] = r[i] << 1 | carry;
      carry = next;
    }
    reduce_once(r, carry, m);
  }
}

/* x ← x^e mod m (m odd). */
static void modexp(u256 x, const u256 e, const u256 m) {
  uint32_t m_inv = neg_inverse(m[0]);
  u256 r2, result, base, one = {1};
  r_squared(r2, m);
  montmul(result, one, r2, m, m_inv); /* 1 in Montgomery form */
  montmul(base, x, r2, m, m_inv);
  int bits = bit_length(e);
  for (int i = 0; i < bits; i++) {
    if (bit(e, i)) montmul(result, result, base, m, m_inv);
    montmul(base, base, base, m, m_inv);
  }
  montmul(x, result, one, m, m_inv); /* out of Montgomery form */
}

#endif

ENTRYPOINT {
  pay_for_memory_grow(0);
  if (args_len != 128) return 1;
  read_args(args);
  u256 x, e, m, rounds;
  load(x, args);
  load(e, args + 32);
  load(m, args + 64);
  load(rounds, args + 96);
#ifndef HOST_MULMOD
  if ((m[0] & 1) == 0) return 1;
#endif
  for (uint32_t r = 0; r < rounds[0]; r++) modexp(x, e, m);
  store(out, x);
  write_result(out, 32);
  return 0;
}
