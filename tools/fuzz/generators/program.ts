/**
 * The tools every generator writes programs with: values chosen by argument kind (offsets near
 * the boundaries that matter, addresses of the cast, gas amounts around the stipends), and a
 * writer that pushes an opcode's arguments before it so that random programs mostly do something.
 */
import { FORK_ORDER, type ForkName } from '../../../dist/forks/index.js';
import type { Address } from '../../../dist/primitives/address.js';
import { MAX_UINT256 as MAX } from '../../../dist/primitives/words.js';
import { Assembler } from '../assembler.js';
import { CALLER, COINBASE, CONTRACT_A, CONTRACT_B, CONTRACT_C, EMPTY_ACCOUNT, NOBODY, RICH_EOA } from '../case.js';
import { O, opsOf, type OpInfo } from '../opcodes.js';
import type { Random } from '../random.js';

const P = (n: number) => 1n << BigInt(n);

/** Words that break arithmetic: zero, one, powers of two and their neighbours, the sign bit. */
export const INTERESTING_WORDS: readonly bigint[] = [
  0n,
  1n,
  2n,
  3n,
  7n,
  8n,
  16n,
  31n,
  32n,
  33n,
  63n,
  64n,
  0x7fn,
  0x80n,
  0xffn,
  0x100n,
  0xffffn,
  P(31),
  P(32) - 1n,
  P(32),
  P(63),
  P(64) - 1n,
  P(64),
  P(128),
  P(160) - 1n,
  P(160),
  P(248),
  P(255) - 1n,
  P(255),
  P(255) + 1n,
  MAX - 1n,
  MAX,
  MAX - 31n,
  MAX - 0x7fn,
];

export function forkAtLeast(fork: ForkName, than: ForkName): boolean {
  return FORK_ORDER.indexOf(fork) >= FORK_ORDER.indexOf(than);
}

export function precompileAddresses(fork: ForkName): Address[] {
  const numbers: number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (forkAtLeast(fork, 'Cancun')) numbers.push(0x0a);
  if (forkAtLeast(fork, 'Prague')) numbers.push(0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11);
  if (forkAtLeast(fork, 'Osaka')) numbers.push(0x100);
  return numbers.map((n) => '0x' + n.toString(16).padStart(40, '0'));
}

export interface GenContext {
  rng: Random;
  fork: ForkName;
  blockNumber: bigint;
  /** Addresses worth naming in programs: the cast, plus any the generator adds. */
  addresses: Address[];
}

export function newContext(rng: Random, fork: ForkName, blockNumber: bigint): GenContext {
  return {
    rng,
    fork,
    blockNumber,
    addresses: [CONTRACT_A, CONTRACT_B, CONTRACT_C, CALLER, RICH_EOA, EMPTY_ACCOUNT, NOBODY, COINBASE, ...precompileAddresses(fork)],
  };
}

// ---- values by kind ----

export function word(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [30, () => rng.pick(INTERESTING_WORDS)],
    [30, () => BigInt(rng.int(300))],
    [15, () => rng.bigint(256)],
    [15, () => rng.bigint(1 + rng.int(256))],
    [10, () => MAX - BigInt(rng.int(300))],
  ])();
}

export function memoryOffset(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [65, () => BigInt(rng.int(161))],
    [25, () => BigInt(rng.int(1100))],
    [4, () => BigInt(rng.int(0x10000))],
    [1, () => P(32) - BigInt(rng.int(64))],
    [1, () => P(64) - BigInt(rng.int(64))],
    [1, () => MAX - BigInt(rng.int(64))],
    [1, () => rng.pick(INTERESTING_WORDS)],
    [0.5, () => P(31) + BigInt(rng.int(64))],
  ])();
}

export function size(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [25, () => 0n],
    [48, () => BigInt(1 + rng.int(64))],
    [20, () => BigInt(65 + rng.int(600))],
    [4, () => BigInt(rng.int(0x4000))],
    [1, () => P(32) + BigInt(rng.int(3))],
    [1, () => MAX - BigInt(rng.int(3))],
    [0.5, () => P(64) - 1n],
  ])();
}

export function address(ctx: GenContext): bigint {
  const rng = ctx.rng;
  return rng.weighted<() => bigint>([
    [80, () => BigInt(rng.pick(ctx.addresses))],
    [8, () => rng.bigint(160)],
    [6, () => BigInt(rng.pick(ctx.addresses)) | (rng.bigint(96) << 160n)],
    [6, () => BigInt(rng.int(0x120))],
  ])();
}

export function value(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [70, () => 0n],
    [20, () => BigInt(1 + rng.int(1000))],
    [5, () => 10n ** 18n],
    [5, () => rng.pick([P(255), MAX, 10n ** 30n])],
  ])();
}

export function gasAmount(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [30, () => BigInt(rng.int(30000))],
    [20, () => BigInt(2295 + rng.int(12))],
    [25, () => BigInt(30000 + rng.int(300000))],
    [15, () => MAX],
    [10, () => rng.pick([P(64), P(63) - 1n, P(32), 0n, 1n])],
  ])();
}

export function slot(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [80, () => BigInt(rng.int(6))],
    [10, () => rng.bigint(256)],
    [10, () => rng.pick(INTERESTING_WORDS)],
  ])();
}

export function blockNumberArg(ctx: GenContext): bigint {
  const n = ctx.blockNumber;
  const rng = ctx.rng;
  return rng.weighted<() => bigint>([
    [50, () => rng.pick([n - 1n, n - 256n, n - 257n, n, n + 1n, 0n, n - 2n, n - 255n])],
    [30, () => n - BigInt(rng.int(300))],
    [20, () => word(rng)],
  ])();
}

export function smallIndex(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [70, () => BigInt(rng.int(34))],
    [20, () => BigInt(rng.int(300))],
    [10, () => rng.pick(INTERESTING_WORDS)],
  ])();
}

export function exponent(rng: Random): bigint {
  return rng.weighted<() => bigint>([
    [50, () => BigInt(rng.int(11))],
    [30, () => rng.pick(INTERESTING_WORDS)],
    [20, () => rng.bigint(1 + rng.int(256))],
  ])();
}

// ---- the writer ----

/** Writes one program: a list of instructions whose arguments are pushed just before them. */
export class ProgramWriter {
  readonly asm = new Assembler();
  /** Labels of JUMPDESTs written or promised; jumps pick among them. */
  private readonly jumpLabels: string[] = [];
  private readonly promised: string[] = [];
  /** Data appended after the code, copied into memory with CODECOPY. */
  private readonly blobs: { label: string; bytes: Uint8Array }[] = [];
  readonly ops: OpInfo[];
  readonly push0: boolean;

  constructor(readonly ctx: GenContext) {
    this.ops = opsOf(ctx.fork);
    this.push0 = forkAtLeast(ctx.fork, 'Shanghai');
  }

  get rng(): Random {
    return this.ctx.rng;
  }

  push(v: bigint | number): this {
    this.asm.push(v, this.push0 && this.rng.chance(0.5));
    return this;
  }

  /** Pushes one argument of a kind. */
  arg(kind: string): void {
    const rng = this.rng;
    switch (kind) {
      case 'm':
        this.push(memoryOffset(rng));
        return;
      case 's':
        this.push(size(rng));
        return;
      case 'a':
        if (rng.chance(0.05)) this.asm.op(rng.pick([O.ADDRESS!, O.CALLER!, O.ORIGIN!, O.COINBASE!]));
        else this.push(address(this.ctx));
        return;
      case 'v':
        if (rng.chance(0.05)) this.asm.op(O.CALLVALUE!);
        else this.push(value(rng));
        return;
      case 'g':
        if (rng.chance(0.35)) this.asm.op(O.GAS!);
        else this.push(gasAmount(rng));
        return;
      case 'k':
        this.push(slot(rng));
        return;
      case 'j':
        this.pushJumpTarget();
        return;
      case 'b':
        this.push(blockNumberArg(this.ctx));
        return;
      case 'i':
        this.push(smallIndex(rng));
        return;
      case 'e':
        this.push(exponent(rng));
        return;
      default:
        this.push(word(rng));
    }
  }

  /** Pushes arguments so that the first kind ends on top of the stack. */
  args(kinds: string): void {
    for (let i = kinds.length - 1; i >= 0; i--) this.arg(kinds[i]!);
  }

  /** An instruction with fresh arguments. */
  call(info: OpInfo): void {
    this.args(info.args);
    this.asm.op(info.code);
  }

  /** A JUMPDEST others may jump to. */
  jumpdest(): void {
    const label = this.asm.newLabel('J');
    this.asm.jumpdest(label);
    this.jumpLabels.push(label);
  }

  private pushJumpTarget(): void {
    const rng = this.rng;
    const choice = rng.int(100);
    // Backward jumps loop until the gas runs out, so they are the rarer kind.
    if (choice < 20 && this.jumpLabels.length > 0) {
      this.asm.pushLabel(rng.pick(this.jumpLabels));
    } else if (choice < 85) {
      // A forward destination, marked later (a JUMPDEST is promised).
      const label = this.asm.newLabel('F');
      this.promised.push(label);
      this.asm.pushLabel(label);
    } else {
      // Anywhere: into push data, past the end, or a huge number.
      this.push(
        rng.weighted<() => bigint>([
          [60, () => BigInt(rng.int(this.asm.length + 40))],
          [40, () => word(rng)],
        ])(),
      );
    }
  }

  /** Marks one promised forward destination here (sometimes without its JUMPDEST: a bad jump). */
  keepPromise(): void {
    const label = this.promised.shift();
    if (label === undefined) return;
    if (this.rng.chance(0.9)) {
      this.asm.jumpdest(label);
      this.jumpLabels.push(label);
    } else this.asm.mark(label);
  }

  /**
   * Closes the program: keeps every promise, ends it one way or another (unless `terminate` is
   * false), appends the data blobs, then `tail` (bytes that must come last).
   */
  finish(options: { terminate?: boolean; tail?: readonly number[] } = {}): Uint8Array {
    while (this.promised.length > 0) {
      this.keepPromise();
      if (this.rng.chance(0.5)) this.terminator();
    }
    if (options.terminate !== false && this.rng.chance(0.85)) this.terminator();
    for (const { label, bytes } of this.blobs) this.asm.mark(label).raw(bytes);
    if (options.tail) this.asm.raw(options.tail);
    return this.asm.build();
  }

  /** CODECOPY of `bytes` (kept after the code) to memory at `memOffset`. */
  copyToMemory(bytes: Uint8Array, memOffset: bigint | number): void {
    const label = this.asm.newLabel('D');
    this.blobs.push({ label, bytes });
    this.push(bytes.length);
    this.asm.pushLabel(label);
    this.push(memOffset);
    this.asm.op(O.CODECOPY!);
  }

  terminator(): void {
    const rng = this.rng;
    rng.weighted<() => void>([
      [30, () => this.asm.op(O.STOP!)],
      [35, () => this.returnMemory(O.RETURN!)],
      [15, () => this.returnMemory(O.REVERT!)],
      [5, () => this.asm.op(O.INVALID!)],
      [5, () => this.call(this.ops.find((o) => o.name === 'SELFDESTRUCT')!)],
      [10, () => undefined],
    ])();
  }

  /** RETURN or REVERT of a small memory region. */
  returnMemory(opcode: number): void {
    const rng = this.rng;
    this.push(rng.chance(0.8) ? BigInt(rng.int(100)) : size(rng));
    this.push(rng.chance(0.8) ? BigInt(rng.int(64)) : memoryOffset(rng));
    this.asm.op(opcode);
  }

  /** Stores the top of the stack in a storage slot, so the post-state shows it. */
  record(slotNumber: number | bigint): void {
    this.push(slotNumber);
    this.asm.op(O.SSTORE!);
  }
}
