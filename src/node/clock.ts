/**
 * Block timestamps: the wall clock plus an offset that dev methods move (evm_increaseTime,
 * evm_setTime), and a timestamp set by hand for the next block (evm_setNextBlockTimestamp).
 * A block's timestamp is always after its parent's.
 */
import { TimestampNotAfterParentError } from './errors.js';

export interface ClockState {
  offset: bigint;
  next: bigint | undefined;
  interval: bigint | undefined;
}

export class Clock {
  /** Seconds added to the wall clock. */
  offset = 0n;
  /** The timestamp set for the next block, if any. */
  next: bigint | undefined;
  /** anvil_setBlockTimestampInterval: each block this many seconds after its parent, if set. */
  interval: bigint | undefined;
  readonly #now: () => number;

  /** `now` gives the wall clock in milliseconds (tests replace it). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The wall clock, in whole seconds. */
  seconds(): bigint {
    return BigInt(Math.floor(this.#now() / 1000));
  }

  /** The timestamp a block after `parent` would get now. */
  peek(parent: bigint): bigint {
    const ts = this.next ?? (this.interval !== undefined ? parent + this.interval : this.seconds() + this.offset);
    return ts > parent ? ts : parent + 1n;
  }

  /** The timestamp of a block being mined after `parent`; `explicit` overrides the clock. */
  take(parent: bigint, explicit?: bigint): bigint {
    let ts = explicit ?? this.next ?? (this.interval !== undefined ? parent + this.interval : undefined);
    this.next = undefined;
    if (ts !== undefined) {
      // Time continues from a timestamp set by hand.
      this.offset = ts - this.seconds();
    } else {
      ts = this.seconds() + this.offset;
    }
    return ts > parent ? ts : parent + 1n;
  }

  /**
   * Moves the clock forward; returns the offset. When blocks ran ahead of the clock (many in one
   * second, each a second after its parent), the move counts from the latest block's timestamp
   * `parent`, so the next block comes exactly `seconds` after it.
   */
  increase(seconds: bigint, parent?: bigint): bigint {
    const now = this.seconds() + this.offset;
    const from = parent !== undefined && parent > now ? parent : now;
    this.offset = from + seconds - this.seconds();
    return this.offset;
  }

  /** Sets the next block's timestamp, which must be after `parent`. */
  setNext(timestamp: bigint, parent: bigint): void {
    if (timestamp <= parent) throw new TimestampNotAfterParentError(timestamp, parent);
    this.next = timestamp;
  }

  /** Sets the clock to `timestamp` now; returns the offset. */
  setTime(timestamp: bigint): bigint {
    this.offset = timestamp - this.seconds();
    return this.offset;
  }

  /** Back to the wall clock, nothing set by hand. */
  reset(): void {
    this.offset = 0n;
    this.next = undefined;
    this.interval = undefined;
  }

  save(): ClockState {
    return { offset: this.offset, next: this.next, interval: this.interval };
  }

  restore(saved: ClockState): void {
    this.offset = saved.offset;
    this.next = saved.next;
    this.interval = saved.interval;
  }
}
