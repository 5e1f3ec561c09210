/**
 * Whether the JavaScript stack has room left. A WebAssembly program's calls run nested in the
 * JavaScript stack (see `FrameLoop.runChild`), and a program may recurse deeply on its own; the
 * engine asks for room before it starts a child or changes state from a host function, so that
 * running out of stack stops a program cleanly instead of in the middle of a state change.
 *
 * JavaScript cannot read its stack depth, so this recurses to a fixed depth and reports whether
 * that overflowed; the probe's frames are gone when it returns. A probe frame takes about 64
 * bytes in V8 (measured with --stack-size: 15,300 frames in the default 984 KB).
 */
const BYTES_PER_PROBE_FRAME = 64;

function probe(depth: number): number {
  return depth === 0 ? 0 : probe(depth - 1) + 1;
}

/** True when about `kilobytes` KB of stack are free beyond this call. */
export function hasStackHeadroom(kilobytes: number): boolean {
  const depth = Math.ceil((kilobytes * 1024) / BYTES_PER_PROBE_FRAME);
  try {
    return probe(depth) === depth;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** What a nested child run needs: its frame loop, an interpreter and host calls (a level takes 2-3 KB). */
export const CHILD_HEADROOM_KB = 64;

/** What a host function needs to change state without running out of stack half way. */
export const HOST_CALL_HEADROOM_KB = 16;
