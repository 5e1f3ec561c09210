/*
 * Sorting unsigned 256-bit numbers, as a Stylus program: calldata = n big-endian 32-byte words,
 * output = the same words in ascending order. The same quicksort as Sort.sol (Hoare partition
 * around the middle element, recursion on both sides); a number is four 64-bit limbs, most
 * significant first, compared limb by limb.
 */
#include "stylus.h"

#define MAX_WORDS 2048

typedef struct {
  uint64_t limb[4];
} u256;

static uint8_t bytes[MAX_WORDS * 32];
static u256 words[MAX_WORDS];

static inline int less(const u256 *a, const u256 *b) {
  for (int i = 0; i < 4; i++)
    if (a->limb[i] != b->limb[i]) return a->limb[i] < b->limb[i];
  return 0;
}

static void quicksort(u256 *a, int32_t lo, int32_t hi) {
  if (lo >= hi) return;
  u256 pivot = a[lo + (hi - lo) / 2];
  int32_t i = lo, j = hi;
  while (i <= j) {
    while (less(&a[i], &pivot)) i++;
    while (less(&pivot, &a[j])) j--;
    if (i <= j) {
      u256 t = a[i];
      a[i] = a[j];
      a[j] = t;
      i++;
      j--;
    }
  }
  if (lo < j) quicksort(a, lo, j);
  if (i < hi) quicksort(a, i, hi);
}

static uint64_t load64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

static void store64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

ENTRYPOINT {
  pay_for_memory_grow(0);
  if (args_len % 32 != 0 || args_len > MAX_WORDS * 32) return 1;
  int32_t n = args_len / 32;
  read_args(bytes);
  for (int32_t k = 0; k < n; k++)
    for (int i = 0; i < 4; i++) words[k].limb[i] = load64(bytes + 32 * k + 8 * i);
  quicksort(words, 0, n - 1);
  for (int32_t k = 0; k < n; k++)
    for (int i = 0; i < 4; i++) store64(bytes + 32 * k + 8 * i, words[k].limb[i]);
  write_result(bytes, (size_t)args_len);
  return 0;
}
