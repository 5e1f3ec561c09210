/**
 * A time limit for a trace, as geth's debug API sets one (`timeout`, default 5 s): the engine is
 * synchronous, so the tracer itself looks at the clock (every 1,024 instructions, at every frame
 * and log) and throws `TraceTimeoutError` once the deadline has passed, which abandons the run.
 */
import type { TracedFrame, Tracer } from '../host/index.js';
import type { ResultTracer } from './types.js';

/** geth's default `timeout`. */
export const DEFAULT_TRACE_TIMEOUT_MS = 5_000;

export class TraceTimeoutError extends Error {
  override name = 'TraceTimeoutError';
  constructor() {
    // geth's words (its tracer is stopped with this error).
    super('execution timeout');
  }
}

export class DurationError extends Error {
  override name = 'DurationError';
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration string ("10s", "1m30s", "500ms", "1.5h") in milliseconds; throws as Go's time.ParseDuration would. */
export function parseDuration(text: string): number {
  const invalid = () => new DurationError(`time: invalid duration "${text}"`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  const part = /^(\d*\.?\d*)([a-zµμ]+)/;
  while (s.length > 0) {
    const m = part.exec(s);
    if (m === null || m[1] === '' || m[1] === '.') throw invalid();
    const unit = UNITS[m[2]!];
    if (unit === undefined) throw new DurationError(`time: unknown unit "${m[2]}" in duration "${text}"`);
    total += Number(m[1]) * unit;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

/** `tracer` with a deadline: `now()` past `deadline` (milliseconds) throws TraceTimeoutError. */
export function withDeadline<T extends ResultTracer>(tracer: T, deadline: number, now: () => number = Date.now): T {
  const check = () => {
    if (now() > deadline) throw new TraceTimeoutError();
  };
  let steps = 0;
  const wrapped: ResultTracer = {
    result: () => tracer.result(),
    step(frame: TracedFrame, op: number, gasCost: number) {
      if ((++steps & 1023) === 0) check();
      tracer.step?.(frame, op, gasCost);
    },
    enter(e) {
      check();
      tracer.enter?.(e);
    },
    exit(e) {
      check();
      tracer.exit?.(e);
    },
    log(l) {
      check();
      tracer.log?.(l);
    },
  };
  const w = wrapped as Record<keyof Tracer, unknown>;
  if (tracer.stepEnd !== undefined) w.stepEnd = tracer.stepEnd.bind(tracer);
  if (tracer.hostCall !== undefined) {
    w.hostCall = (frame: TracedFrame, call: Parameters<NonNullable<Tracer['hostCall']>>[1]) => {
      if ((++steps & 1023) === 0) check();
      tracer.hostCall!(frame, call);
    };
  }
  if (tracer.txStart !== undefined) w.txStart = tracer.txStart.bind(tracer);
  if (tracer.txEnd !== undefined) w.txEnd = tracer.txEnd.bind(tracer);
  return wrapped as T;
}
