/**
 * WebAssembly memories kept for reuse. A fresh memory costs V8 a new mapping and the kernel a
 * page fault for every page first touched (about 250 µs for one 64 KiB page here, ten times a
 * whole EVM call); a memory that served an earlier call has its pages mapped already. Every
 * program imports its memory (instrument.ts), so a call takes one from here with the limits its
 * module declared, cleared to zero, and gives it back if it did not grow.
 */
const PAGE = 65_536;
/** Memories kept per limits, and in all. */
const PER_KIND = 8;
const TOTAL = 64;

const pools = new Map<string, WebAssembly.Memory[]>();
let kept = 0;

function key(min: number, max: number | undefined): string {
  return `${min}:${max ?? ''}`;
}

/** A memory of `min` pages (growable to `max`), all zero. */
export function takeMemory(min: number, max: number | undefined): WebAssembly.Memory {
  const memory = pools.get(key(min, max))?.pop();
  if (memory === undefined) return new WebAssembly.Memory(max === undefined ? { initial: min } : { initial: min, maximum: max });
  kept--;
  new Uint8Array(memory.buffer).fill(0);
  return memory;
}

/** Gives a memory back after its call; one that grew is left to the garbage collector. */
export function returnMemory(memory: WebAssembly.Memory, min: number, max: number | undefined): void {
  if (memory.buffer.byteLength !== min * PAGE || kept >= TOTAL) return;
  const k = key(min, max);
  let pool = pools.get(k);
  if (pool === undefined) pools.set(k, (pool = []));
  if (pool.length >= PER_KIND) return;
  pool.push(memory);
  kept++;
}
