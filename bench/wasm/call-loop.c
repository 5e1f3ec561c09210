/*
 * A loop of calls, as a Stylus program: calldata = target address, count and mode as three
 * big-endian 32-byte words (as CallLoop.sol). Mode 1 calls the target `count` times with no
 * calldata and no value; mode 0 runs the same loop without the call, to measure the loop alone.
 * Output: the number of calls that failed, as a 32-byte word.
 */
#include "stylus.h"

static uint8_t args[96];
static uint8_t value[32];
static uint8_t out[32];

ENTRYPOINT {
  pay_for_memory_grow(0);
  if (args_len != 96) return 1;
  read_args(args);
  const uint8_t *target = args + 12;
  uint32_t count = (uint32_t)args[60] << 24 | (uint32_t)args[61] << 16 | (uint32_t)args[62] << 8 | args[63];
  volatile int call = args[95];
  uint32_t failed = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (call) {
      size_t return_length;
      failed += call_contract(target, args, 0, value, UINT64_MAX, &return_length) != 0;
    }
  }
  out[28] = (uint8_t)(failed >> 24);
  out[29] = (uint8_t)(failed >> 16);
  out[30] = (uint8_t)(failed >> 8);
  out[31] = (uint8_t)failed;
  write_result(out, 32);
  return 0;
}
