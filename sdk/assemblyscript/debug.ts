/** Printing for debugging through the `console` host module (free; the node prints `program: ...`). */
import { log_txt, log_i64 } from './console';
import { utf8 } from './crypto';

/** Prints a line of text. */
export function debugLog(text: string): void {
  const bytes = utf8(text);
  log_txt(bytes.dataStart, <usize>bytes.length);
}

/** Prints a number. */
export function debugLogI64(value: i64): void {
  log_i64(value);
}
