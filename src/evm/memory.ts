/**
 * Memory: a Uint8Array grown by doubling, with the active size (a multiple of 32 bytes) kept
 * for the expansion cost (Yellow Paper: 3 per word plus words squared over 512).
 */
import { refillGas, STACK_LIMIT, type Frame } from './frame.js';
import { Status } from '../host/status.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { memoryCost } from '../host/gas.js';

/**
 * Memory ends past 1 GiB are treated as out of gas. Paying for that much memory takes over 2·10^12
 * gas (words²/512), far beyond any block's gas limit, so the bound changes no real outcome; it
 * keeps a huge gas allowance (a `run --gas` of 10^15, say) from asking the host for gigabytes.
 */
const MAX_MEMORY_END = 0x40000000;
const MAX_MEMORY_END_BIG = BigInt(MAX_MEMORY_END);

/**
 * The end (in bytes) that a range [offset, offset+size) needs, or -1 when it cannot be paid.
 * A zero-size range needs nothing, whatever its offset.
 */
export function rangeEnd(offset: bigint, size: bigint): number {
  if (size === 0n) return 0;
  if (offset > MAX_MEMORY_END_BIG || size > MAX_MEMORY_END_BIG) return -1;
  const end = Number(offset) + Number(size);
  return end > MAX_MEMORY_END ? -1 : end;
}

/** The gas to grow memory to cover `end` bytes (0 when already large enough). */
export function expansionCost(f: Frame, end: number): number {
  if (end <= f.memorySize) return 0;
  const words = Math.ceil(end / 32);
  return memoryCost(words) - memoryCost(f.memorySize / 32);
}

interface PooledMemory {
  bytes: Uint8Array;
  view: DataView;
  words: (bigint | undefined)[];
}
const MEMORY_POOL_LIMIT = 64;
const POOLED_MEMORY_MAX = 64 * 1024;
const LARGE_POOL_LIMIT = 2;
const LARGE_MEMORY_MAX = 32 * 1024 * 1024;
const STACK_POOL_LIMIT = 64;

/**
 * What finished frames give back for the next ones, owned by one engine (its code cache), so a
 * fresh engine starts with nothing, as the benchmarks' cold column needs:
 * - stacks, so a call allocates no 1024-entry array;
 * - small memories (up to 64 kB, 64 of them), zeroed: most calls use a little memory, and a new
 *   ArrayBuffer per call costs more than its zeroing;
 * - large memories (up to 32 MB, two of them), zeroed, for a frame whose memory outgrows its own.
 *   The first write to each page of a new buffer costs the system a page fault: about 25 ms for
 *   8 MB on the benchmarks' machine, a third of snailtracer's run, paid again at each doubling.
 *   A buffer used before has its pages; zeroing it costs a tenth of that. An engine holds at most
 *   64 MB this way.
 */
export class FramePool {
  readonly stacks: bigint[][] = [];
  readonly small: PooledMemory[] = [];
  readonly large: PooledMemory[] = [];

  /** A stack for a new frame (its entries are whatever the last frame left: sp starts at 0). */
  stack(): bigint[] {
    return this.stacks.pop() ?? new Array<bigint>(STACK_LIMIT).fill(0n);
  }

  /** Takes back a finished frame's stack. */
  releaseStack(stack: bigint[]): void {
    if (this.stacks.length < STACK_POOL_LIMIT) this.stacks.push(stack);
  }

  /** A zeroed large memory of at least `size` bytes, if one is held. */
  takeLarge(size: number): PooledMemory | undefined {
    const large = this.large;
    for (let i = 0; i < large.length; i++) {
      const pooled = large[i]!;
      if (pooled.bytes.length >= size) {
        large.splice(i, 1);
        return pooled;
      }
    }
    return undefined;
  }
}

/**
 * Hands a finished frame's memory to its engine's pool (zeroed: memory grows into zeros) and
 * leaves the frame without memory. Only for a frame that will not run again, whose memory nothing
 * holds (outputs and return data are copies, see readMemory).
 */
export function releaseMemory(f: Frame): void {
  const bytes = f.memory;
  if (bytes.length === 0 || bytes.length > LARGE_MEMORY_MAX) return;
  const large = bytes.length > POOLED_MEMORY_MAX;
  const pool = large ? f.pool.large : f.pool.small;
  if (pool.length >= (large ? LARGE_POOL_LIMIT : MEMORY_POOL_LIMIT)) return;
  bytes.fill(0, 0, f.memorySize);
  const words = f.memoryWords;
  words.fill(undefined, 0, Math.min(words.length, f.memorySize >> 5));
  pool.push({ bytes, view: f.memoryView, words });
  f.memory = EMPTY_BYTES;
  f.memoryView = EMPTY_VIEW;
  f.memoryWords = NO_WORDS;
  f.memorySize = 0;
}

const EMPTY_VIEW = new DataView(EMPTY_BYTES.buffer);

/**
 * Words of memory as bigints, by word index, for the first WORD_CACHE_WORDS words: what an
 * aligned MSTORE wrote or an aligned MLOAD read, until a write to any of its bytes forgets it.
 * Solidity reads back most of what it stores (the free-memory pointer at 0x40, arguments, structs),
 * and a word rebuilt from bytes costs several bigints. Every writer of memory other than
 * `writeWord` must call `forgetWords` for the bytes it writes.
 */
export const WORD_CACHE_WORDS = 4096;
/** A frame's words before it has memory: empty, so nothing is ever stored in it. */
export const NO_WORDS: (bigint | undefined)[] = [];

/** Forgets the cached words that overlap bytes [start, end) of `f`'s memory. */
export function forgetWords(f: Frame, start: number, end: number): void {
  const words = f.memoryWords;
  const first = start >> 5;
  if (first >= words.length || end <= start) return;
  const last = Math.min(words.length, (end + 31) >> 5);
  for (let i = first; i < last; i++) words[i] = undefined;
}

/** Grows the active memory to cover `end` bytes; the caller has charged for it. */
export function growMemory(f: Frame, end: number): void {
  if (end <= f.memorySize) return;
  const size = Math.ceil(end / 32) * 32;
  const small = f.pool.small;
  if (f.memory.length === 0 && small.length > 0 && size <= small[small.length - 1]!.bytes.length) {
    const pooled = small.pop()!;
    f.memory = pooled.bytes;
    f.memoryView = pooled.view;
    f.memoryWords = pooled.words;
  }
  if (size > f.memory.length) {
    const large = size > POOLED_MEMORY_MAX ? f.pool.takeLarge(size) : undefined;
    let grown: Uint8Array;
    if (large !== undefined) grown = large.bytes;
    else {
      let capacity = Math.max(f.memory.length * 2, 1024);
      while (capacity < size) capacity *= 2;
      grown = new Uint8Array(capacity);
    }
    grown.set(f.memory.subarray(0, f.memorySize));
    f.memory = grown;
    f.memoryView = large !== undefined ? large.view : new DataView(grown.buffer);
    // The cached words stay true of the copy; room for the new ones (holes read as undefined).
    const wordCount = Math.min(grown.length >> 5, WORD_CACHE_WORDS);
    const words = f.memoryWords;
    if (words.length < wordCount) {
      // A new array rather than a longer length, which can leave V8 a slow (dictionary) array.
      const more = large !== undefined && large.words.length >= wordCount ? large.words : new Array<bigint | undefined>(wordCount);
      for (let i = 0; i < words.length; i++) more[i] = words[i];
      f.memoryWords = more;
    }
  }
  f.memorySize = size;
}

/** Charges `extra` gas plus the expansion for the range, then grows memory. False when out of gas. */
export function useMemory(f: Frame, offset: bigint, size: bigint, extra = 0): boolean {
  // Fast path: a small range inside the memory already paid for.
  if (extra === 0 && offset < 0x100000000n) {
    const end = Number(offset) + Number(size);
    if (end <= f.memorySize && size <= 0x100000000n) return true;
  }
  const end = rangeEnd(offset, size);
  if (end < 0) {
    f.status = Status.OutOfGas;
    return false;
  }
  const cost = expansionCost(f, end) + extra;
  if (cost > f.gas && !refillGas(f, cost)) return outOfGas(f, cost);
  f.gas -= cost;
  growMemory(f, end);
  return true;
}

/**
 * `useMemory` for a 32-byte word at `offset` (MLOAD, MSTORE): the offset as a number, or -1 when
 * out of gas (the frame's status set).
 */
export function useWord(f: Frame, offset: bigint): number {
  // Its own growth path, not useMemory's: through useMemory, code that grows memory at every word
  // (structarray_alloc, memory_grow_*) took 1.2-1.6 times as long.
  if (offset <= MAX_MEMORY_END_BIG) {
    const at = Number(offset);
    const end = at + 32;
    if (end <= f.memorySize) return at;
    if (end <= MAX_MEMORY_END) {
      const cost = expansionCost(f, end);
      if (cost > f.gas && !refillGas(f, cost)) {
        outOfGas(f, cost);
        return -1;
      }
      f.gas -= cost;
      growMemory(f, end);
      return at;
    }
  }
  f.status = Status.OutOfGas;
  return -1;
}

/** Halts out of gas, noting the charge that failed (for a tracer's step cost). */
function outOfGas(f: Frame, cost: number): false {
  f.status = Status.OutOfGas;
  f.failedCharge = Number.isFinite(cost) ? cost : 0;
  return false;
}

/** Charges gas; sets out-of-gas and returns false when there is not enough. */
export function useGas(f: Frame, cost: number): boolean {
  if (cost > f.gas && !refillGas(f, cost)) return outOfGas(f, cost);
  f.gas -= cost;
  return true;
}

/** The per-word gas of copying `size` bytes (3 per word for the *COPY opcodes); Infinity when unpayable. */
export function copyCost(size: bigint, perWord = 3): number {
  return size > 0xffffffffn ? Infinity : perWord * words(Number(size));
}

/** Number of 32-byte words covering `size` bytes; callers ensure size fits in a number. */
export function words(size: number): number {
  return Math.ceil(size / 32);
}

/** Copies `length` bytes of `source` from `sourceOffset` into memory, padding with zeros past its end. */
export function copyToMemory(f: Frame, memoryOffset: number, source: Uint8Array, sourceOffset: bigint, length: number): void {
  if (length === 0) return;
  forgetWords(f, memoryOffset, memoryOffset + length);
  const mem = f.memory;
  const start = sourceOffset > BigInt(source.length) ? source.length : Number(sourceOffset);
  const available = Math.min(length, source.length - start);
  if (available > 0) mem.set(source.subarray(start, start + available), memoryOffset);
  if (available < length) mem.fill(0, memoryOffset + Math.max(available, 0), memoryOffset + length);
}

export function readMemory(f: Frame, offset: number, size: number): Uint8Array {
  if (size === 0) return EMPTY_BYTES;
  return f.memory.slice(offset, offset + size);
}

export function readWord(f: Frame, offset: number): bigint {
  if ((offset & 31) === 0) {
    const words = f.memoryWords;
    const index = offset >> 5;
    if (index < words.length) {
      const known = words[index];
      if (known !== undefined) return known;
      const word = wordAt(f.memoryView, offset);
      words[index] = word;
      return word;
    }
  }
  return wordAt(f.memoryView, offset);
}

/** The 32-byte big-endian word at `offset` of a view (memory, call data). */
export function wordAt(v: DataView, offset: number): bigint {
  // Small values (offsets, lengths, counters, zero) are the common case: read as 32-bit numbers,
  // they make one bigint instead of four and six operations on them.
  if (
    (v.getUint32(offset) |
      v.getUint32(offset + 4) |
      v.getUint32(offset + 8) |
      v.getUint32(offset + 12) |
      v.getUint32(offset + 16) |
      v.getUint32(offset + 20)) ===
    0
  ) {
    const high = v.getUint32(offset + 24);
    // Below 2^53 in all: exact as a double.
    if (high < 0x200000) return BigInt(high * 0x100000000 + v.getUint32(offset + 28));
  }
  return (
    (v.getBigUint64(offset) << 192n) |
    (v.getBigUint64(offset + 8) << 128n) |
    (v.getBigUint64(offset + 16) << 64n) |
    v.getBigUint64(offset + 24)
  );
}

export function writeWord(f: Frame, offset: number, value: bigint): void {
  const words = f.memoryWords;
  const index = offset >> 5;
  if (index < words.length) {
    if ((offset & 31) === 0) words[index] = value;
    else {
      words[index] = undefined;
      if (index + 1 < words.length) words[index + 1] = undefined;
    }
  }
  const v = f.memoryView;
  if (value <= 0xffffffffffffffffn) {
    // Small values are the common case (offsets, lengths, booleans): no 64-bit splits, and 32-bit
    // writes for the zeros (half the time of setBigUint64 with 0n here).
    v.setUint32(offset, 0);
    v.setUint32(offset + 4, 0);
    v.setUint32(offset + 8, 0);
    v.setUint32(offset + 12, 0);
    v.setUint32(offset + 16, 0);
    v.setUint32(offset + 20, 0);
    if (value <= 0xffffffffn) {
      v.setUint32(offset + 24, 0);
      v.setUint32(offset + 28, Number(value));
    } else v.setBigUint64(offset + 24, value);
    return;
  }
  v.setBigUint64(offset, value >> 192n);
  v.setBigUint64(offset + 8, BigInt.asUintN(64, value >> 128n));
  v.setBigUint64(offset + 16, BigInt.asUintN(64, value >> 64n));
  v.setBigUint64(offset + 24, BigInt.asUintN(64, value));
}
