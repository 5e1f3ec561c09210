/*
 * 256-bit modular exponentiation written out, as a Stylus program: calldata = base, exponent,
 * modulus and rounds as four big-endian 32-byte words; output = x after `rounds` steps of
 * x ← x^exponent mod modulus, starting from x = base. The same square-and-multiply as
 * ModExp.sol (exponent bits from the lowest, while any are left).
 *
 * The multiplication mod m is the program's own: Montgomery multiplication on nine 29-bit limbs
 * in 64-bit words (products summed without carries, reduced lazily; squarings make each cross
 * product once), so the modulus must be odd (an even one reverts). Built with -DHOST_MULMOD, each
 * multiplication is the host's math_mul_mod instead (Stylus's hook, priced at 24,100 ink plus
 * the call), for comparison.
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

/*
 * The program's own multiplication mod m: Montgomery multiplication on nine 29-bit limbs held in
 * 64-bit words (R = 2^261). A product of two limbs is below 2^58, so a column takes the sum of
 * many products with no carry between them: a step is one i64.mul and one i64.add, and carries
 * are settled once per multiplication. With R > 4m, an input below 2m gives an output below 2m,
 * so no subtraction is needed until the end.
 */
#define N 9
#define BITS 29
#define MASK ((1u << BITS) - 1)

typedef uint64_t num[N]; /* least significant limb first, each below 2^29 */

/* a 256-bit word (eight 32-bit limbs) as nine 29-bit limbs */
static void to_num(num r, const u256 a) {
  for (int i = 0; i < N; i++) {
    int bit = i * BITS, w = bit / 32, s = bit % 32;
    uint64_t v = a[w] >> s;
    if (w + 1 < LIMBS && s + BITS > 32) v |= (uint64_t)a[w + 1] << (32 - s);
    r[i] = v & MASK;
  }
}

/* a value below 2^256 in nine 29-bit limbs as eight 32-bit limbs */
static void from_num(u256 r, const num a) {
  for (int w = 0; w < LIMBS; w++) {
    int bit = w * 32, i = bit / BITS, s = bit % BITS;
    uint64_t v = a[i] >> s;
    for (int k = i + 1; k < N && (k - i) * BITS - s < 32; k++) v |= a[k] << ((k - i) * BITS - s);
    r[w] = (uint32_t)v;
  }
}

/* r ← r - m if r >= m (limbs normalised). */
static void reduce_once(num r, const num m) {
  for (int i = N - 1; i >= 0; i--) {
    if (r[i] != m[i]) {
      if (r[i] < m[i]) return;
      break;
    }
  }
  int64_t borrow = 0;
  for (int i = 0; i < N; i++) {
    int64_t d = (int64_t)r[i] - (int64_t)m[i] + borrow;
    r[i] = (uint64_t)d & MASK;
    borrow = d >> BITS;
  }
}

/* r ← a·b·2^-261 mod m, below 2m when a and b are below 2m (r may alias a or b). */
static void montmul(num r, const num a, const num b, const num m, uint64_t m_inv) {
  uint64_t t[N] = {0};
#pragma clang loop unroll(full)
  for (int i = 0; i < N; i++) {
    const uint64_t bi = b[i];
#pragma clang loop unroll(full)
    for (int j = 0; j < N; j++) t[j] += a[j] * bi;
    const uint64_t q = ((t[0] & MASK) * m_inv) & MASK;
    uint64_t carry = (t[0] + q * m[0]) >> BITS;
#pragma clang loop unroll(full)
    for (int j = 1; j < N; j++) t[j - 1] = t[j] + q * m[j];
    t[0] += carry;
    t[N - 1] = 0;
  }
  uint64_t carry = 0;
  for (int i = 0; i < N; i++) {
    uint64_t v = t[i] + carry;
    r[i] = v & MASK;
    carry = v >> BITS;
  }
}

/*
 * r ← a²·2^-261 mod m, as montmul(r, a, a) but with each cross product a[i]·a[j] made once and
 * doubled: the square's eighteen columns first (each below 2^63), then the reduction.
 */
static void montsqr(num r, const num a, const num m, uint64_t m_inv) {
  uint64_t t[2 * N] = {0};
#pragma clang loop unroll(full)
  for (int i = 0; i < N; i++) {
#pragma clang loop unroll(full)
    for (int j = i + 1; j < N; j++) t[i + j] += a[i] * a[j];
  }
#pragma clang loop unroll(full)
  for (int k = 0; k < 2 * N; k++) t[k] <<= 1;
#pragma clang loop unroll(full)
  for (int i = 0; i < N; i++) t[2 * i] += a[i] * a[i];
#pragma clang loop unroll(full)
  for (int i = 0; i < N; i++) {
    const uint64_t q = ((t[i] & MASK) * m_inv) & MASK;
#pragma clang loop unroll(full)
    for (int j = 0; j < N; j++) t[i + j] += q * m[j];
    t[i + 1] += t[i] >> BITS;
  }
  uint64_t carry = 0;
  for (int i = 0; i < N; i++) {
    uint64_t v = t[N + i] + carry;
    r[i] = v & MASK;
    carry = v >> BITS;
  }
}

/* -m⁻¹ mod 2^29 for odd m (Newton's iteration: each step doubles the correct low bits). */
static uint64_t neg_inverse(uint64_t m0) {
  uint64_t inv = m0; /* correct to 3 bits */
  for (int i = 0; i < 5; i++) inv *= 2 - m0 * inv;
  return (0 - inv) & MASK;
}

/* x ← x^e mod m (m odd). */
static void modexp(u256 x, const u256 e, const u256 m32) {
  num m, r2, result, base, one = {1};
  to_num(m, m32);
  uint64_t m_inv = neg_inverse(m[0]);
  /* R² mod m = 2^522 mod m: 1 doubled 522 times, each below m */
  for (int i = 0; i < N; i++) r2[i] = 0;
  r2[0] = 1;
  for (int step = 0; step < 2 * N * BITS; step++) {
    for (int i = N - 1; i > 0; i--) r2[i] = (r2[i] << 1 | r2[i - 1] >> (BITS - 1)) & MASK;
    r2[0] = (r2[0] << 1) & MASK;
    reduce_once(r2, m);
  }
  to_num(base, x);
  montmul(result, one, r2, m, m_inv); /* 1 in Montgomery form */
  montmul(base, base, r2, m, m_inv);
  int bits = bit_length(e);
  for (int i = 0; i < bits; i++) {
    if (bit(e, i)) montmul(result, result, base, m, m_inv);
    montsqr(base, base, m, m_inv);
  }
  montmul(result, result, one, m, m_inv); /* out of Montgomery form: at most m */
  reduce_once(result, m);
  from_num(x, result);
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
