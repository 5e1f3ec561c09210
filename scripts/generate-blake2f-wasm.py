#!/usr/bin/env python3
"""Writes src/evm/precompiles/blake2f-wasm.ts: the BLAKE2b compression F as a small WebAssembly module.

Usage: python3 scripts/generate-blake2f-wasm.py src/evm/precompiles/blake2f-wasm.ts

WebAssembly has 64-bit integers, so the work vector is 16 i64 locals and G is a handful of
instructions (i64.add, i64.xor, i64.rotr); JavaScript has to emulate each 64-bit step with
32-bit halves. The module exports `memory` and three functions: `start(final)` sets up the work vector v from h,
t and the flag; `rounds(n, p)` runs n rounds, the first at schedule offset p; `finish()` folds v
into h. v is kept in memory between calls, so a caller runs 2^32 - 1 rounds in chunks: V8 first
runs a WebAssembly function as baseline code and switches to optimised code only for later calls,
so one long call would stay on the slow code throughout.

Memory layout (little-endian 64-bit words):
  0..63      h, the state; replaced by the result
  64..79     t, the offset counter
  128..1407  the message words in the order each of the ten schedules reads them: round r reads
             the 16 words at 128 + 128 * (r mod 10)
  1408..1535 v, the work vector, between calls
"""
import sys

MIXES = [(0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
         (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)]
IV = [0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
      0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179]
H, T, SCHEDULE, VSAVE = 0, 64, 128, 1408

# Locals: 0 and 1 the two i32 parameters every function takes (start and finish ignore the second
# or both), then v0..v15 (i64) as 2..17 and p (i32, the schedule offset) as 18.
P = 18
def V(i): return 2 + i


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if (n == 0 and not (b & 0x40)) or (n == -1 and (b & 0x40)):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def signed64(x):
    return x - (1 << 64) if x >= 1 << 63 else x


code = bytearray()
def op(*bs): code.extend(bs)
def get(i): op(0x20, *uleb(i))
def set_(i): op(0x21, *uleb(i))
def tee(i): op(0x22, *uleb(i))
def i32c(n): op(0x41, *sleb(n))
def i64c(n): op(0x42, *sleb(signed64(n)))
def load64(offset): op(0x29, 3, *uleb(offset))   # i64.load align=8
def store64(offset): op(0x37, 3, *uleb(offset))  # i64.store align=8
I64_ADD, I64_XOR, I64_ROTR = 0x7c, 0x85, 0x8a


def mix(a, b, c, d, k):
    """G on v[a], v[b], v[c], v[d] with message words 2k and 2k + 1 of the round's schedule."""
    for half, (x, r1, r2) in enumerate([(2 * k, 32, 24), (2 * k + 1, 16, 63)]):
        get(V(a)); get(V(b)); op(I64_ADD); get(P); load64(SCHEDULE + 8 * x); op(I64_ADD); set_(V(a))
        get(V(d)); get(V(a)); op(I64_XOR); i64c(r1); op(I64_ROTR); set_(V(d))
        get(V(c)); get(V(d)); op(I64_ADD); set_(V(c))
        get(V(b)); get(V(c)); op(I64_XOR); i64c(r2); op(I64_ROTR); set_(V(b))


def function(build):
    """One function body: locals v0..v15 (i64) and p (i32) after the two parameters."""
    global code
    code = bytearray()
    build()
    op(0x0b)  # end function
    locals_decl = uleb(2) + uleb(16) + bytes([0x7e]) + uleb(1) + bytes([0x7f])
    body = locals_decl + bytes(code)
    return uleb(len(body)) + body


def load_v():
    for i in range(16):
        i32c(0); load64(VSAVE + 8 * i); set_(V(i))


def store_v():
    for i in range(16):
        i32c(0); get(V(i)); store64(VSAVE + 8 * i)


def build_start():
    """start(final): v0..v7 = h; v8..v15 = IV; v12 ^= t0; v13 ^= t1; v14 = ~v14 for the final block."""
    for i in range(8):
        i32c(0); load64(H + 8 * i); set_(V(i))
    for i in range(8):
        i64c(IV[i])
        if i in (4, 5):
            i32c(0); load64(T + 8 * (i - 4)); op(I64_XOR)
        set_(V(8 + i))
    get(0); op(0x04, 0x40)  # if final
    get(V(14)); i64c(2**64 - 1); op(I64_XOR); set_(V(14))
    op(0x0b)
    store_v()


def build_rounds():
    """rounds(n, p): n rounds, the first reading the schedule at byte offset p (a multiple of 128)."""
    load_v()
    get(1); set_(P)
    # block { loop { if n == 0 break; round; p = (p + 128) mod 1280; n -= 1; continue } }
    op(0x02, 0x40); op(0x03, 0x40)
    get(0); op(0x45); op(0x0d, 1)  # i32.eqz, br_if 1
    for k, (a, b, c, d) in enumerate(MIXES):
        mix(a, b, c, d, k)
    get(P); i32c(128); op(0x6a); tee(P); i32c(1280); op(0x46)  # i32.add, i32.eq
    op(0x04, 0x40); i32c(0); set_(P); op(0x0b)
    get(0); i32c(1); op(0x6b); set_(0)  # n -= 1
    op(0x0c, 0)  # br 0 (loop)
    op(0x0b); op(0x0b)  # end loop, end block
    store_v()


def build_finish():
    """finish(): h[i] ^= v[i] ^ v[i + 8]."""
    load_v()
    for i in range(8):
        i32c(0)
        i32c(0); load64(H + 8 * i); get(V(i)); op(I64_XOR); get(V(8 + i)); op(I64_XOR)
        store64(H + 8 * i)


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def name(s):
    return uleb(len(s)) + s.encode()


module = b"\0asm" + bytes([1, 0, 0, 0])
# One type for all three, (i32, i32) -> (), so their locals are numbered alike.
module += section(1, uleb(1) + bytes([0x60, 2, 0x7f, 0x7f, 0]))
module += section(3, uleb(3) + uleb(0) + uleb(0) + uleb(0))               # start, rounds, finish
module += section(5, uleb(1) + bytes([0x00]) + uleb(1))                   # memory: 1 page
module += section(7, uleb(4) + name("start") + bytes([0x00]) + uleb(0)    # exports
                  + name("rounds") + bytes([0x00]) + uleb(1)
                  + name("finish") + bytes([0x00]) + uleb(2)
                  + name("memory") + bytes([0x02]) + uleb(0))
funcs = [function(build_start), function(build_rounds), function(build_finish)]
module += section(10, uleb(3) + b"".join(funcs))                           # code

hexed = module.hex()
lines = [hexed[i:i + 96] for i in range(0, len(hexed), 96)]
with open(sys.argv[1], "w") as f:
    f.write("// Generated by scripts/generate-blake2f-wasm.py; do not edit by hand.\n")
    f.write("/**\n")
    f.write(" * The BLAKE2b compression F as WebAssembly (" + str(len(module)) + " bytes): 64-bit words are native there, so a\n")
    f.write(" * round is a few dozen i64 instructions. Exports `memory`, `start(final, 0)`, `rounds(n, offset)`\n")
    f.write(" * and `finish(0, 0)`; memory holds h at 0 (replaced by the result), t at 64, from 128 the message\n")
    f.write(" * words in the order each of the ten schedules reads them (128 bytes per schedule), and from\n")
    f.write(" * 1408 the work vector between calls (see scripts/generate-blake2f-wasm.py).\n")
    f.write(" */\n")
    f.write("export const BLAKE2F_WASM_HEX =\n")
    f.write("\n".join(f"  '{l}' +" for l in lines[:-1]) + ("\n" if len(lines) > 1 else ""))
    f.write(f"  '{lines[-1]}';\n")
    f.write(f"export const BLAKE2F_WASM_H = {H};\nexport const BLAKE2F_WASM_T = {T};\nexport const BLAKE2F_WASM_SCHEDULE = {SCHEDULE};\n")
