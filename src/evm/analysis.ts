/**
 * Code analysis, done once per code: which offsets are valid JUMPDESTs (a JUMPDEST byte that is
 * not inside PUSH data). Cached by the code's identity.
 */

export interface CodeAnalysis {
  /** 1 where a JUMPDEST may be jumped to. */
  readonly jumpDestinations: Uint8Array;
}

const cache = new WeakMap<Uint8Array, CodeAnalysis>();

export function analyzeCode(code: Uint8Array): CodeAnalysis {
  let analysis = cache.get(code);
  if (analysis === undefined) {
    analysis = { jumpDestinations: findJumpDestinations(code) };
    cache.set(code, analysis);
  }
  return analysis;
}

export function findJumpDestinations(code: Uint8Array): Uint8Array {
  const valid = new Uint8Array(code.length);
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc]!;
    if (op === 0x5b) valid[pc] = 1;
    else if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
  }
  return valid;
}
