/**
 * Random Stylus programs for the wasm fuzz mode, from a seed and a case index: valid programs
 * whose function bodies come from a stack-typed instruction generator (arithmetic, locals,
 * loads and stores in and out of bounds, blocks, bounded and unbounded loops, calls and
 * recursion, host calls with random pointers, memory.grow, traps, storage, logs, calls into the
 * EVM and back into the program), broken modules (mutations, truncations, unknown imports, wrong
 * signatures, start functions, floats, SIMD, huge counts and segments, missing exports) and
 * damaged containers (dictionary byte, corrupt or truncated brotli, a decompression bomb,
 * trailing bytes). A case is the deployed code plus how it is deployed and called.
 */
import { VM_HOOKS } from '../../dist/wasm/hostio.js';
import { DICTIONARY_NONE, MAX_WASM_SIZE, STYLUS_PREFIX } from '../../dist/wasm/format.js';
import { LIMITS } from '../../dist/wasm/validate.js';
import { compressProgram } from '../../dist/index.js';
import { createAddress, type Address } from '../../dist/primitives/address.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../dist/primitives/bytes.js';
import { nodeBuiltin } from '../../dist/primitives/node-require.js';
import {
  BLOCK_EMPTY,
  emptyModule,
  encodeModule,
  sleb,
  TYPE_BYTE,
  u32,
  type FuncTypeSpec,
  type ModuleSpec,
  type WasmType,
} from './wasm-encode.js';
import { Random } from './random.js';

// ---- the accounts of every case ----

export const EOA: Address = '0x000000000000000000000000000000000000e0a1';
/** Where a program is placed with setAccount (activation at its first call). */
export const PLACED: Address = '0x00000000000000000000000000000000000000aa';
/** Where the create transaction of the EOA's first nonce puts it. */
export const CREATED: Address = createAddress(EOA, 0n);
/** An EVM contract the programs call (its behaviour is the case's `target`). */
export const TARGET: Address = '0x00000000000000000000000000000000000000dd';
/** EVM contracts that call the program with CALL, STATICCALL and DELEGATECALL, forwarding calldata and value. */
export const CALLERS = {
  call: '0x00000000000000000000000000000000000000c1',
  staticcall: '0x00000000000000000000000000000000000000c2',
  delegatecall: '0x00000000000000000000000000000000000000c4',
} as const satisfies Record<string, Address>;

export type TargetKind = 'echo' | 'revert' | 'reenter' | 'burn';
export type CallVia = 'eoa' | 'tx' | keyof typeof CALLERS;

export interface WasmCall {
  via: CallVia;
  /** Calldata, hex. */
  data: string;
  gas: string;
  value: string;
}

/** One case, JSON-ready: everything needed to rerun it without the generator. */
export interface WasmCase {
  generator: string;
  /** What activation must do: accept (given the gas), refuse, or either. */
  expect: 'accept' | 'refuse' | 'any';
  /** The deployed runtime code, hex. */
  program: string;
  deploy: 'create' | 'place';
  /** Gas of the create transaction. */
  deployGas: string;
  target: TargetKind;
  calls: WasmCall[];
}

// ---- memory layout of generated programs ----

/** Offsets of the data every valid program starts with. */
const SELF_AT = 0;
const TARGET_AT = 32;
const OTHER_AT = 64;
const VALUE_AT = 96;
/** EVM init code for create1/create2: PUSH1 0 PUSH1 0 RETURN (an empty contract). */
const INITCODE_AT = 160;
const INITCODE = hexToBytes('0x60006000f3');
const RANDOM_AT = 192;
const PAGE = 65536;

const OTHER_ADDRESSES: Address[] = [
  '0x0000000000000000000000000000000000000002', // sha256
  '0x0000000000000000000000000000000000000004', // identity
  '0x0000000000000000000000000000000000000001', // ecrecover
  '0x000000000000000000000000000000000000beef', // nobody
  CALLERS.call,
  EOA,
];

// ---- the body generator ----

type Num = 'i32' | 'i64';

interface FunctionInfo {
  index: number;
  type: FuncTypeSpec;
  /** The host function's name for an import. */
  host?: string;
}

interface ProgramShape {
  rng: Random;
  functions: FunctionInfo[];
  /** Type index of each function's type in the module (for call_indirect). */
  typeOf: (type: FuncTypeSpec) => number;
  tableSize: number;
  memoryBytes: number;
  globals: Num[];
  allowUnbounded: boolean;
  floats: boolean;
}

type LabelKind = 'block' | 'loop' | 'value';

/** Op codes used below. */
const OP = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Const: 0x41,
  i64Const: 0x42,
  memorySize: 0x3f,
  memoryGrow: 0x40,
} as const;

const I32_LOADS = [0x28, 0x2c, 0x2d, 0x2e, 0x2f];
const I64_LOADS = [0x29, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35];
const I32_STORES = [0x36, 0x3a, 0x3b];
const I64_STORES = [0x37, 0x3c, 0x3d, 0x3e];
/** log2 of each load's and store's access size: the largest alignment it may declare. */
const NATURAL_ALIGN: Record<number, number> = {
  0x28: 2,
  0x29: 3,
  0x2c: 0,
  0x2d: 0,
  0x2e: 1,
  0x2f: 1,
  0x30: 0,
  0x31: 0,
  0x32: 1,
  0x33: 1,
  0x34: 2,
  0x35: 2,
  0x36: 2,
  0x37: 3,
  0x3a: 0,
  0x3b: 1,
  0x3c: 0,
  0x3d: 1,
  0x3e: 2,
};
const I32_BINARY = range(0x6a, 0x78);
const I64_BINARY = range(0x7c, 0x8a);
const I32_COMPARE = range(0x46, 0x4f);
const I64_COMPARE = range(0x51, 0x5a);
const I32_UNARY = [0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1];
const I64_UNARY = [0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4];

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** How each host function's arguments are chosen: p pointer, a address pointer, l length, c init-code pointer, s status, i small int, g gas. */
const HOOK_ARGS: Record<string, string> = {
  read_args: 'p',
  write_result: 'pl',
  exit_early: 's',
  storage_flush_cache: 'i',
  call_contract: 'aplpgp',
  delegate_call_contract: 'aplgp',
  static_call_contract: 'aplgp',
  create1: 'clppp',
  create2: 'clpppp',
  read_return_data: 'pil',
  emit_log: 'pli',
  account_balance: 'ap',
  account_code: 'ailp',
  account_code_size: 'a',
  account_codehash: 'ap',
  native_keccak256: 'plp',
  pay_for_memory_grow: 'i',
};

class BodyGenerator {
  readonly out: number[] = [];
  private readonly labels: LabelKind[] = [];
  private budget: number;

  constructor(
    private readonly shape: ProgramShape,
    /** Params then locals. */
    private readonly locals: WasmType[],
    /** Locals reserved as loop counters (never set elsewhere). */
    private readonly counters: number[],
    private readonly result: Num | undefined,
    budget: number,
  ) {
    this.budget = budget;
  }

  private get rng(): Random {
    return this.shape.rng;
  }

  private emit(...bytes: number[]): void {
    this.out.push(...bytes);
    this.budget--;
  }

  private i32(value: number): void {
    this.emit(OP.i32Const);
    sleb(this.out, BigInt(value | 0));
  }

  private i64(value: bigint): void {
    this.emit(OP.i64Const);
    sleb(this.out, BigInt.asIntN(64, value));
  }

  private interestingI32(): number {
    return this.rng.weighted<() => number>([
      [30, () => this.rng.int(16)],
      [20, () => this.rng.int(1 << 16)],
      [15, () => this.rng.next() | 0],
      [15, () => this.rng.pick([0, 1, -1, 0x7fffffff, -0x80000000, 31, 32, 63, 64, 255, 256])],
      [20, () => this.rng.int(256)],
    ])();
  }

  private interestingI64(): bigint {
    return this.rng.weighted<() => bigint>([
      [40, () => BigInt(this.interestingI32())],
      [30, () => this.rng.bigint(64)],
      [30, () => this.rng.pick([0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 63n, 64n])],
    ])();
  }

  /** A pointer: mostly inside memory, sometimes at its edge or beyond, sometimes computed. */
  private pointer(): void {
    const size = this.shape.memoryBytes;
    const value = this.rng.weighted<() => number | undefined>([
      [20, () => this.rng.pick([0, 32, 64, 96, 128, 256, 512, 1024])],
      [40, () => this.rng.int(Math.max(1, Math.min(size, 4096) - 64))],
      [10, () => this.rng.int(Math.max(1, size))],
      [10, () => size - this.rng.int(64)],
      [5, () => size + this.rng.int(64)],
      [5, () => this.rng.pick([-1, 0x7fffffff, -32, 0x10000 * 129])],
      [10, () => undefined],
    ])();
    if (value === undefined) this.expr('i32', 3);
    else this.i32(value);
  }

  private length(): void {
    const value = this.rng.weighted<() => number | undefined>([
      [20, () => this.rng.pick([0, 1, 20, 32, 64])],
      [40, () => this.rng.int(200)],
      [10, () => this.rng.int(Math.max(1, this.shape.memoryBytes))],
      [5, () => this.rng.pick([-1, 0x7fffffff, 0x10000])],
      [10, () => undefined],
    ])();
    if (value === undefined) this.expr('i32', 3);
    else this.i32(value);
  }

  private argument(kind: string, type: WasmType): void {
    if (type === 'i64') {
      if (kind === 'g') {
        this.rng.weighted<() => void>([
          [50, () => this.i64(-1n)],
          [30, () => this.i64(BigInt(this.rng.int(200_000)))],
          [20, () => this.expr('i64', 3)],
        ])();
      } else this.expr('i64', 3);
      return;
    }
    switch (kind) {
      case 'a':
        if (this.rng.chance(0.85)) this.i32(this.rng.pick([SELF_AT, TARGET_AT, OTHER_AT]));
        else this.pointer();
        return;
      case 'c':
        if (this.rng.chance(0.8)) this.i32(INITCODE_AT);
        else this.pointer();
        return;
      case 'l':
        if (this.rng.chance(0.8)) this.i32(this.rng.pick([0, 4, 20, 32, 36, 68, INITCODE.length]));
        else this.length();
        return;
      case 's':
        this.i32(
          this.rng.weighted([
            [60, 0],
            [30, 1],
            [10, this.interestingI32()],
          ]),
        );
        return;
      case 'i':
        this.i32(this.rng.chance(0.8) ? this.rng.int(5) : this.interestingI32());
        return;
      default:
        if (this.rng.chance(0.15)) this.i32(VALUE_AT);
        else this.pointer();
    }
  }

  private callFunction(f: FunctionInfo): void {
    const kinds = (f.host !== undefined ? HOOK_ARGS[f.host] : undefined) ?? '';
    f.type.params.forEach((type, i) => {
      if (f.host !== undefined) this.argument(kinds[i] ?? 'p', type);
      else if (type === 'i32' || type === 'i64') this.expr(type, 2);
    });
    this.emit(OP.call);
    u32(this.out, f.index);
  }

  private functionsReturning(type: Num | undefined): FunctionInfo[] {
    return this.shape.functions.filter((f) => (type === undefined ? f.type.results.length === 0 : f.type.results[0] === type));
  }

  private branchTargets(): number[] {
    const targets: number[] = [];
    for (let i = 0; i < this.labels.length; i++) if (this.labels[i] === 'block') targets.push(this.labels.length - 1 - i);
    return targets;
  }

  /** A load or store with a valid alignment (at most the access size) and a random offset. */
  private access(op: number): void {
    const natural = NATURAL_ALIGN[op]!;
    this.emit(op);
    u32(this.out, this.rng.int(natural + 1));
    u32(
      this.out,
      this.rng.weighted([
        [80, 0],
        [15, this.rng.int(64)],
        [5, this.rng.pick([0xffff, 0x10000, 0xfffffff0])],
      ]),
    );
  }

  /** Leaves one value of `type` on the stack. */
  expr(type: Num, depth: number): void {
    const rng = this.rng;
    const leaf = depth <= 0 || this.budget <= 0;
    const localsOf = this.locals.map((t, i) => [t, i] as const).filter(([t]) => t === type);
    const globalsOf = this.shape.globals.map((t, i) => [t, i] as const).filter(([t]) => t === type);
    const constant = () => (type === 'i32' ? this.i32(this.interestingI32()) : this.i64(this.interestingI64()));
    if (leaf) {
      if (localsOf.length > 0 && rng.chance(0.5)) {
        this.emit(OP.localGet);
        u32(this.out, rng.pick(localsOf)[1]);
      } else constant();
      return;
    }
    const d = depth - 1;
    const callable = this.functionsReturning(type);
    rng.weighted<() => void>([
      [15, constant],
      [
        12,
        () => {
          if (localsOf.length === 0) return constant();
          this.emit(OP.localGet);
          u32(this.out, rng.pick(localsOf)[1]);
        },
      ],
      [
        4,
        () => {
          if (globalsOf.length === 0) return constant();
          this.emit(OP.globalGet);
          u32(this.out, rng.pick(globalsOf)[1]);
        },
      ],
      [
        20,
        () => {
          this.expr(type, d);
          this.expr(type, d);
          this.emit(rng.pick(type === 'i32' ? I32_BINARY : I64_BINARY));
        },
      ],
      [
        6,
        () => {
          this.expr(type, d);
          this.emit(rng.pick(type === 'i32' ? I32_UNARY : I64_UNARY));
        },
      ],
      [
        6,
        () => {
          const from: Num = rng.chance(0.5) ? 'i32' : 'i64';
          if (type === 'i32') {
            this.expr(from, d);
            this.expr(from, d);
            this.emit(rng.pick(from === 'i32' ? I32_COMPARE : I64_COMPARE));
          } else {
            this.expr('i32', d);
            this.emit(rng.pick([0xac, 0xad]));
          }
        },
      ],
      [
        3,
        () => {
          if (type === 'i32') {
            this.expr('i64', d);
            this.emit(rng.chance(0.5) ? 0xa7 : 0x50); // wrap, eqz
          } else constant();
        },
      ],
      [
        10,
        () => {
          this.pointer();
          this.access(rng.pick(type === 'i32' ? I32_LOADS : I64_LOADS));
        },
      ],
      [
        8,
        () => {
          if (callable.length === 0) return constant();
          this.callFunction(rng.pick(callable));
        },
      ],
      [
        3,
        () => {
          this.expr(type, d);
          this.expr(type, d);
          this.expr('i32', d);
          this.emit(OP.select);
        },
      ],
      [
        3,
        () => {
          const writable = localsOf.filter(([, i]) => !this.counters.includes(i));
          if (writable.length === 0) return constant();
          this.expr(type, d);
          this.emit(OP.localTee);
          u32(this.out, rng.pick(writable)[1]);
        },
      ],
      [
        4,
        () => {
          this.emit(OP.block, TYPE_BYTE[type]);
          this.labels.push('value');
          this.statements(rng.int(3), d);
          this.expr(type, d);
          this.labels.pop();
          this.emit(OP.end);
        },
      ],
      [
        4,
        () => {
          this.expr('i32', d);
          this.emit(OP.if, TYPE_BYTE[type]);
          this.labels.push('value');
          this.expr(type, d);
          this.emit(OP.else);
          this.expr(type, d);
          this.labels.pop();
          this.emit(OP.end);
        },
      ],
      [
        2,
        () => {
          if (type !== 'i32') return constant();
          if (rng.chance(0.5)) this.emit(OP.memorySize, 0);
          else {
            this.i32(
              rng.weighted([
                [60, rng.int(3)],
                [30, rng.int(130)],
                [10, this.interestingI32()],
              ]),
            );
            this.emit(OP.memoryGrow, 0);
          }
        },
      ],
      [
        2,
        () => {
          // call_indirect through the table, at a type that may not match (a trap) or an index past it.
          if (this.shape.tableSize === 0) return constant();
          const candidates = this.shape.functions.filter((f) => f.host === undefined && f.type.results[0] === type);
          if (candidates.length === 0) return constant();
          const f = rng.pick(candidates);
          for (const p of f.type.params) this.expr(p as Num, d);
          this.i32(rng.chance(0.8) ? rng.int(this.shape.tableSize) : rng.int(this.shape.tableSize + 4));
          this.emit(OP.callIndirect);
          u32(this.out, this.shape.typeOf(f.type));
          this.out.push(0);
        },
      ],
      [
        this.shape.floats ? 4 : 0,
        () => {
          // Floats: computed, then reinterpreted as integers (NaN bit patterns would show).
          if (type === 'i32') {
            this.emit(0x43, ...new Uint8Array(Float32Array.of(rng.pick([0, 1.5, -0, NaN, Infinity])).buffer));
            this.emit(0x43, ...rng.bytes(4));
            this.emit(rng.pick([0x92, 0x93, 0x94, 0x95]));
            this.emit(0xbc);
          } else {
            this.emit(0x44, ...rng.bytes(8));
            this.emit(0x9f); // f64.sqrt
            this.emit(0xbd);
          }
        },
      ],
    ])();
  }

  /** `n` statements: each leaves the stack as it found it. */
  statements(n: number, depth: number): void {
    for (let i = 0; i < n && this.budget > 0; i++) this.statement(depth);
  }

  statement(depth: number): void {
    const rng = this.rng;
    const d = Math.max(0, depth - 1);
    const writable = this.locals
      .map((t, i) => [t, i] as const)
      .filter(([t, i]) => (t === 'i32' || t === 'i64') && !this.counters.includes(i));
    const hosts = this.shape.functions.filter((f) => f.host !== undefined);
    const defined = this.shape.functions.filter((f) => f.host === undefined);
    const nested = depth > 0 && this.budget > 10;
    rng.weighted<() => void>([
      [
        14,
        () => {
          if (writable.length === 0) return this.statement(0);
          const [t, i] = rng.pick(writable);
          this.expr(t as Num, 3);
          this.emit(OP.localSet);
          u32(this.out, i);
        },
      ],
      [
        3,
        () => {
          if (this.shape.globals.length === 0) return this.statement(0);
          const g = rng.int(this.shape.globals.length);
          this.expr(this.shape.globals[g]!, 3);
          this.emit(OP.globalSet);
          u32(this.out, g);
        },
      ],
      [
        12,
        () => {
          const t: Num = rng.chance(0.6) ? 'i32' : 'i64';
          this.pointer();
          this.expr(t, 2);
          this.access(rng.pick(t === 'i32' ? I32_STORES : I64_STORES));
        },
      ],
      [
        6,
        () => {
          this.expr(rng.chance(0.6) ? 'i32' : 'i64', 3);
          this.emit(OP.drop);
        },
      ],
      [
        25,
        () => {
          if (hosts.length === 0) return this.statement(0);
          const f = rng.pick(hosts);
          this.callFunction(f);
          if (f.type.results.length > 0) this.emit(OP.drop);
        },
      ],
      [
        5,
        () => {
          if (defined.length === 0) return this.statement(0);
          const f = rng.pick(defined);
          this.callFunction(f);
          if (f.type.results.length > 0) this.emit(OP.drop);
        },
      ],
      [
        nested ? 6 : 0,
        () => {
          this.expr('i32', 2);
          this.emit(OP.if, BLOCK_EMPTY);
          this.labels.push('block');
          this.statements(rng.range(1, 3), d);
          if (rng.chance(0.4)) {
            this.emit(OP.else);
            this.statements(rng.range(1, 3), d);
          }
          this.labels.pop();
          this.emit(OP.end);
        },
      ],
      [
        nested ? 5 : 0,
        () => {
          this.emit(OP.block, BLOCK_EMPTY);
          this.labels.push('block');
          this.statements(rng.range(1, 4), d);
          this.labels.pop();
          this.emit(OP.end);
        },
      ],
      [
        this.branchTargets().length > 0 ? 5 : 0,
        () => {
          const target = rng.pick(this.branchTargets());
          if (rng.chance(0.8)) {
            this.expr('i32', 2);
            this.emit(OP.brIf);
          } else this.emit(OP.br);
          u32(this.out, target);
        },
      ],
      [
        nested && this.counters.length > 0 ? 6 : 0,
        () => {
          // A bounded loop: a reserved counter from n down to 0.
          const counter = rng.pick(this.counters);
          this.i32(
            rng.weighted([
              [70, rng.range(1, 8)],
              [30, rng.range(9, 40)],
            ]),
          );
          this.emit(OP.localSet);
          u32(this.out, counter);
          this.emit(OP.loop, BLOCK_EMPTY);
          this.labels.push('loop');
          this.statements(rng.range(1, 4), d);
          this.emit(OP.localGet);
          u32(this.out, counter);
          this.i32(1);
          this.emit(0x6b); // i32.sub
          this.emit(OP.localTee);
          u32(this.out, counter);
          this.emit(OP.brIf, 0);
          this.labels.pop();
          this.emit(OP.end);
        },
      ],
      [
        nested && this.shape.allowUnbounded ? 2 : 0,
        () => {
          // An unbounded loop, left only by a branch out (if any) or by running out of ink.
          this.emit(OP.block, BLOCK_EMPTY);
          this.labels.push('block');
          this.emit(OP.loop, BLOCK_EMPTY);
          this.labels.push('loop');
          this.statements(rng.range(1, 3), d);
          this.emit(OP.br, 0);
          this.labels.pop();
          this.emit(OP.end);
          this.labels.pop();
          this.emit(OP.end);
        },
      ],
      [
        2,
        () => {
          // memory.fill / memory.copy with random bounds.
          this.pointer();
          if (rng.chance(0.5)) {
            this.expr('i32', 1);
            this.length();
            this.emit(0xfc, 0x0b, 0x00);
          } else {
            this.pointer();
            this.length();
            this.emit(0xfc, 0x0a, 0x00, 0x00);
          }
        },
      ],
      [
        2,
        () => {
          // Division by a value that may be zero.
          const t: Num = rng.chance(0.5) ? 'i32' : 'i64';
          this.expr(t, 1);
          if (rng.chance(0.5)) t === 'i32' ? this.i32(0) : this.i64(0n);
          else this.expr(t, 1);
          this.emit(t === 'i32' ? rng.pick([0x6d, 0x6e, 0x6f, 0x70]) : rng.pick([0x7f, 0x80, 0x81, 0x82]));
          this.emit(OP.drop);
        },
      ],
      [0.7, () => this.emit(OP.unreachable)],
      [
        1,
        () => {
          if (this.result !== undefined) this.expr(this.result, 2);
          this.emit(OP.return);
        },
      ],
    ])();
  }
}

// ---- whole programs ----

interface Program {
  spec: ModuleSpec;
}

function typeIndexer(spec: ModuleSpec): (type: FuncTypeSpec) => number {
  return (type) => {
    const key = `${type.params.join()}>${type.results.join()}`;
    const found = spec.types.findIndex((t) => `${t.params.join()}>${t.results.join()}` === key);
    if (found >= 0) return found;
    spec.types.push({ params: [...type.params], results: [...type.results] });
    return spec.types.length - 1;
  };
}

const HOOK_NAMES = Object.keys(VM_HOOKS);
const ESSENTIAL_HOOKS = [
  'read_args',
  'write_result',
  'storage_load_bytes32',
  'storage_cache_bytes32',
  'storage_flush_cache',
  'call_contract',
  'emit_log',
  'exit_early',
];

interface ProgramOptions {
  self: Address;
  floats?: boolean;
}

/** A valid program (by construction) with random functions, imports and memory. */
function validProgram(rng: Random, options: ProgramOptions): Program {
  const spec = emptyModule();
  const typeOf = typeIndexer(spec);
  // Imports: a random subset of the host functions, often the interesting ones.
  const names = new Set<string>(['read_args', 'write_result']);
  for (let n = rng.range(0, 12); n > 0; n--) names.add(rng.chance(0.5) ? rng.pick(ESSENTIAL_HOOKS) : rng.pick(HOOK_NAMES));
  // Memory: fixed, growable to a bound, or unbounded (growth needs pay_for_memory_grow).
  const min = rng.weighted([
    [5, 0],
    [70, 1],
    [20, rng.range(2, 4)],
    [5, rng.range(5, 40)],
  ]);
  const max = rng.weighted<number | undefined>([
    [55, min],
    [30, min + rng.range(1, 8)],
    [15, undefined],
  ]);
  if (max !== min) names.add('pay_for_memory_grow');
  const functions: FunctionInfo[] = [];
  for (const name of rng.chance(0.5) ? [...names].sort() : [...names]) {
    const hook = VM_HOOKS[name]!;
    const type = { params: [...hook.params], results: [...hook.results] } as FuncTypeSpec;
    spec.imports.push({ module: 'vm_hooks', name, type: typeOf(type) });
    functions.push({ index: functions.length, type, host: name });
  }
  // Defined functions: the entrypoint first, then helpers of random signatures.
  const count = rng.weighted([
    [40, 1],
    [40, rng.range(2, 4)],
    [20, rng.range(5, 10)],
  ]);
  const entry = functions.length;
  for (let i = 0; i < count; i++) {
    const type: FuncTypeSpec =
      i === 0
        ? { params: ['i32'], results: ['i32'] }
        : {
            params: Array.from({ length: rng.int(4) }, () => (rng.chance(0.6) ? 'i32' : 'i64')),
            results: rng.weighted<WasmType[]>([
              [40, ['i32']],
              [30, ['i64']],
              [30, []],
            ]),
          };
    spec.functions.push(typeOf(type));
    functions.push({ index: functions.length, type });
  }
  spec.memories.push({ min, max });
  const globals: Num[] = Array.from({ length: rng.int(4) }, () => (rng.chance(0.6) ? 'i32' : 'i64'));
  for (const g of globals) {
    const init: number[] = [g === 'i32' ? 0x41 : 0x42];
    sleb(init, BigInt(rng.int(1000)));
    spec.globals.push({ type: g, mutable: true, init });
  }
  let tableSize = 0;
  if (rng.chance(0.25)) {
    tableSize = rng.range(1, 8);
    spec.table = tableSize;
    spec.elements.push({ offset: 0, functions: Array.from({ length: tableSize }, () => entry + rng.int(count)) });
  }
  const memoryBytes = min * PAGE;
  if (min > 0) {
    const header = new Uint8Array(RANDOM_AT);
    header.set(hexToBytes(options.self), SELF_AT);
    header.set(hexToBytes(TARGET), TARGET_AT);
    header.set(hexToBytes(rng.pick(OTHER_ADDRESSES)), OTHER_AT);
    header[VALUE_AT + 31] = rng.pick([0, 0, 1, 7]);
    header.set(INITCODE, INITCODE_AT);
    spec.datas.push({ offset: 0, bytes: concatBytes(header, rng.bytes(rng.int(64))) });
    if (rng.chance(0.2)) {
      const n = rng.range(1, 64);
      spec.datas.push({ offset: memoryBytes - n, bytes: rng.bytes(n) });
    }
  }
  const shape: ProgramShape = {
    rng,
    functions,
    typeOf,
    tableSize,
    memoryBytes,
    globals,
    allowUnbounded: rng.chance(0.1),
    floats: options.floats ?? false,
  };
  for (let i = 0; i < count; i++) {
    const f = functions[entry + i]!;
    const extra: WasmType[] = Array.from({ length: rng.int(5) }, () => (rng.chance(0.6) ? 'i32' : 'i64'));
    const counters = rng.range(0, 2);
    const locals: WasmType[] = [...extra, ...Array.from({ length: counters }, () => 'i32' as const)];
    const all = [...f.type.params, ...locals];
    const counterIndexes = Array.from({ length: counters }, (_, k) => all.length - counters + k);
    const result = f.type.results[0] as Num | undefined;
    const gen = new BodyGenerator(shape, all, counterIndexes, result, rng.range(10, i === 0 ? 250 : 120));
    if (i === 0 && rng.chance(0.8)) {
      // read_args(pointer): the calldata lands after the fixed data, or over it, or at the edge.
      gen.out.push(0x41);
      sleb(gen.out, BigInt(rng.chance(0.7) ? RANDOM_AT : rng.pick([0, 1024, memoryBytes - 8])));
      gen.out.push(0x10);
      u32(gen.out, functions.find((fn) => fn.host === 'read_args')!.index);
    }
    gen.statements(rng.range(1, 8), rng.range(1, 4));
    if (i === 0 && rng.chance(0.6)) {
      // write_result(pointer, length)
      gen.out.push(0x41);
      sleb(gen.out, BigInt(rng.pick([0, RANDOM_AT, 1024])));
      gen.out.push(0x41);
      sleb(gen.out, BigInt(rng.pick([0, 32, 64, 100])));
      gen.out.push(0x10);
      u32(gen.out, functions.find((fn) => fn.host === 'write_result')!.index);
    }
    if (result !== undefined) {
      if (i === 0 && rng.chance(0.8)) gen.out.push(0x41, rng.chance(0.85) ? 0 : 1);
      else gen.expr(result, 2);
    }
    gen.out.push(OP.end);
    spec.codes.push({ locals, body: gen.out });
  }
  spec.exports.push({ name: 'memory', kind: 'memory', index: 0 });
  spec.exports.push({ name: 'user_entrypoint', kind: 'func', index: entry });
  if (rng.chance(0.1)) spec.exports.push({ name: 'helper', kind: 'func', index: entry + rng.int(count) });
  return { spec };
}

// ---- broken modules ----

/** Random byte edits: set, flip, insert, delete, and LEB-breaking 0xff runs. */
function mutateBytes(rng: Random, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  for (let e = rng.range(1, 8); e > 0; e--) {
    const at = 8 + rng.int(Math.max(1, bytes.length - 8));
    rng.weighted<() => void>([
      [30, () => (bytes[at] = rng.int(256))],
      [20, () => (bytes[at] = (bytes[at] ?? 0) ^ (1 << rng.int(8)))],
      [15, () => bytes.splice(at, 0, rng.int(256))],
      [15, () => bytes.splice(at, rng.range(1, 4))],
      [10, () => bytes.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)],
      [10, () => (bytes[at] = rng.pick([0x00, 0x0b, 0x40, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff]))],
    ])();
  }
  return Uint8Array.from(bytes);
}

function rawHeaderAndSection(id: number, content: number[]): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, id];
  u32(out, content.length);
  return Uint8Array.from([...out, ...content]);
}

interface Built {
  generator: string;
  expect: WasmCase['expect'];
  wasm: Uint8Array;
}

function brokenModule(rng: Random, self: Address): Built {
  const base = () => validProgram(rng, { self }).spec;
  const kind = rng.pick([
    'mutate',
    'mutate',
    'mutate',
    'truncate',
    'unknown-import',
    'wrong-signature',
    'start',
    'floats',
    'simd',
    'huge-count',
    'huge-data',
    'missing-export',
    'too-many-functions',
    'too-many-locals',
    'memory',
    'multi-value',
    'deep-nesting',
    'reserved-name',
    'size-limit',
    'big-function',
    'bad-version',
  ] as const);
  const built = (expect: WasmCase['expect'], wasm: Uint8Array): Built => ({ generator: `broken/${kind}`, expect, wasm });
  switch (kind) {
    case 'mutate':
      return built('any', mutateBytes(rng, encodeModule(base())));
    case 'truncate': {
      // Cut at a section boundary before the data section, it is still a valid module.
      const wasm = encodeModule(base());
      return built('any', wasm.subarray(0, rng.int(wasm.length)));
    }
    case 'unknown-import': {
      const spec = base();
      const [module, name] = rng.pick([
        ['vm_hooks', 'nope'],
        ['env', 'memcpy'],
        ['console', 'log_i32'], // debug hooks are not linked on this chain
        ['vm_hooks', 'stylus_ink_left'],
        ['', ''],
      ]);
      spec.imports.push({ module: module!, name: name!, type: typeIndexer(spec)({ params: ['i32'], results: [] }) });
      // An import shifts the function indexes of the defined functions: refused before that matters.
      return built('refuse', encodeModule(spec));
    }
    case 'wrong-signature': {
      const spec = base();
      const imp = rng.pick(spec.imports);
      const right = spec.types[imp.type]!;
      const wrong: FuncTypeSpec = rng.chance(0.5)
        ? { params: [...right.params, 'i32'], results: right.results }
        : { params: right.params, results: right.results.length > 0 ? [] : ['i64'] };
      imp.type = typeIndexer(spec)(wrong);
      return built('refuse', encodeModule(spec));
    }
    case 'start': {
      const spec = base();
      const type = typeIndexer(spec)({ params: [], results: [] });
      spec.functions.push(type);
      spec.codes.push({ locals: [], body: [OP.end] });
      spec.start = spec.imports.length + spec.functions.length - 1;
      return built('refuse', encodeModule(spec));
    }
    case 'floats':
      return built('any', encodeModule(validProgram(rng, { self, floats: true }).spec));
    case 'simd': {
      const spec = base();
      const code = spec.codes[0]!;
      if (rng.chance(0.5)) code.body.unshift(0xfd, 0x0c, ...rng.bytes(16), OP.drop);
      else code.locals.push('v128');
      return built('refuse', encodeModule(spec));
    }
    case 'huge-count': {
      const id = rng.pick([1, 2, 3, 5, 6, 7, 10, 11]);
      const huge = [0xff, 0xff, 0xff, 0xff, 0x0f];
      return built('refuse', rawHeaderAndSection(id, [...huge, ...rng.bytes(rng.int(16))]));
    }
    case 'huge-data': {
      const spec = base();
      const memory = spec.memories[0]!;
      const bytes = memory.min * PAGE;
      if (rng.chance(0.4)) spec.datas.push({ offset: Math.max(0, bytes - 10), bytes: new Uint8Array(rng.range(11, 100_000)) });
      else if (rng.chance(0.5)) for (let i = 0; i <= LIMITS.dataSegments; i++) spec.datas.push({ offset: 0, bytes: Uint8Array.of(i) });
      else spec.datas.push({ offset: rng.pick([-1, 0x7fffffff, bytes]), bytes: Uint8Array.of(1) });
      return built('refuse', encodeModule(spec));
    }
    case 'missing-export': {
      const spec = base();
      const which = rng.int(4);
      if (which === 0) spec.exports = spec.exports.filter((e) => e.name !== 'memory');
      else if (which === 1) spec.exports = spec.exports.filter((e) => e.name !== 'user_entrypoint');
      else if (which === 2) spec.exports.find((e) => e.name === 'memory')!.name = 'mem';
      else {
        // user_entrypoint at the wrong type: () -> i64.
        spec.functions.push(typeIndexer(spec)({ params: [], results: ['i64'] }));
        spec.codes.push({ locals: [], body: [OP.i64Const, 0, OP.end] });
        spec.exports.find((e) => e.name === 'user_entrypoint')!.index = spec.imports.length + spec.functions.length - 1;
      }
      return built('refuse', encodeModule(spec));
    }
    case 'too-many-functions': {
      const spec = base();
      const type = typeIndexer(spec)({ params: [], results: [] });
      for (let i = spec.functions.length; i <= LIMITS.functions; i++) {
        spec.functions.push(type);
        spec.codes.push({ locals: [], body: [OP.end] });
      }
      return built('refuse', encodeModule(spec));
    }
    case 'too-many-locals': {
      const spec = base();
      spec.codes[0]!.locals.push(...Array.from({ length: LIMITS.localsPerFunction + 1 + rng.int(3) }, () => 'i64' as const));
      return built('refuse', encodeModule(spec));
    }
    case 'memory': {
      const spec = base();
      const memory = spec.memories[0]!;
      const which = rng.int(3);
      if (which === 0) memory.min = rng.range(129, 70_000);
      else if (which === 1) {
        memory.shared = true;
        memory.max ??= memory.min;
      } else spec.memories.push({ min: 1 });
      if (memory.max !== undefined && memory.max < memory.min) memory.max = memory.min;
      return built('refuse', encodeModule(spec));
    }
    case 'multi-value': {
      const spec = base();
      if (rng.chance(0.5)) {
        spec.functions.push(typeIndexer(spec)({ params: [], results: ['i32', 'i32'] }));
        spec.codes.push({ locals: [], body: [OP.i32Const, 1, OP.i32Const, 2, OP.end] });
      } else {
        const type = typeIndexer(spec)({ params: [], results: ['i32', 'i32'] });
        const body: number[] = [OP.block];
        sleb(body, BigInt(type));
        body.push(OP.i32Const, 1, OP.i32Const, 2, OP.end, OP.drop, OP.drop);
        spec.codes[0]!.body.unshift(...body);
      }
      return built('refuse', encodeModule(spec));
    }
    case 'deep-nesting': {
      const spec = base();
      // Deep nesting is slow to refuse (see the report): the deepest are rare.
      const depth = rng.weighted([
        [40, 100],
        [35, 1000],
        [19, 3000],
        [5, 10_000],
        [1, 30_000],
      ]);
      const body: number[] = [];
      for (let i = 0; i < depth; i++) body.push(rng.chance(0.5) ? OP.block : OP.loop, BLOCK_EMPTY);
      for (let i = 0; i < depth; i++) body.push(OP.end);
      spec.codes[0]!.body = body.concat(spec.codes[0]!.body);
      return built('any', encodeModule(spec));
    }
    case 'reserved-name': {
      const spec = base();
      if (rng.chance(0.5))
        spec.exports.push({ name: rng.pick(['stylus_ink_left', 'x__stylus', 'read_args']), kind: 'func', index: spec.imports.length });
      else spec.imports.push({ module: 'vm_hooks', name: 'stylus_start', type: typeIndexer(spec)({ params: [], results: [] }) });
      // exporting "read_args" clashes only when it is imported (it always is)
      return built('refuse', encodeModule(spec));
    }
    case 'size-limit': {
      // A valid module padded by a custom section of zeros to exactly the limit, or one byte over.
      const spec = base();
      const over = rng.chance(0.5);
      const wasm = encodeModule(spec);
      const target = MAX_WASM_SIZE + (over ? 1 : 0);
      // custom section: id, size LEB (3 bytes at these sizes), name "pad" (4 bytes), payload
      const payload = target - wasm.length - 1 - 3 - 4;
      spec.customs.push({ name: 'pad', bytes: new Uint8Array(payload) });
      const padded = encodeModule(spec);
      return {
        generator: `broken/size-limit-${over ? 'over' : 'at'}`,
        expect: padded.length > MAX_WASM_SIZE ? 'refuse' : 'accept',
        wasm: padded,
      };
    }
    case 'big-function': {
      // Many operators in one function: near and over the per-function operator limit.
      const spec = base();
      const n = rng.pick([10_000, 30_000, 70_000]);
      const body: number[] = [];
      for (let i = 0; i < n; i++) body.push(OP.i32Const, 1, OP.drop);
      spec.codes[0]!.body = body.concat(spec.codes[0]!.body);
      return built('any', encodeModule(spec));
    }
    case 'bad-version': {
      const wasm = encodeModule(base());
      wasm[4] = rng.pick([0, 2, 0x0d]);
      return built('refuse', wasm);
    }
  }
}

// ---- containers ----

let bombCache: Map<number, Uint8Array> | undefined;

/** A brotli stream of `size` zero bytes (cached: compressing large inputs takes a moment). */
function zeros(size: number): Uint8Array {
  bombCache ??= new Map();
  let stream = bombCache.get(size);
  if (stream === undefined) {
    const zlib = nodeBuiltin<typeof import('node:zlib')>('node:zlib')!;
    stream = new Uint8Array(zlib.brotliCompressSync(new Uint8Array(size), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }));
    bombCache.set(size, stream);
  }
  return stream;
}

function damagedContainer(rng: Random, self: Address): { generator: string; expect: WasmCase['expect']; code: Uint8Array } {
  const code = compress(rng, encodeModule(validProgram(rng, { self }).spec));
  const prefix = code.subarray(0, 4);
  const stream = code.subarray(4);
  const kind = rng.pick(['dictionary', 'corrupt', 'truncated', 'trailing', 'bomb', 'raw-wasm', 'prefix-only', 'other-prefix'] as const);
  const result = (expect: WasmCase['expect'], bytes: Uint8Array) => ({ generator: `container/${kind}`, expect, code: bytes });
  switch (kind) {
    case 'dictionary': {
      const out = code.slice();
      out[3] = rng.chance(0.5) ? 1 : rng.range(2, 255);
      return result('refuse', out);
    }
    case 'corrupt':
      return result('any', concatBytes(prefix, mutateBytes(rng, concatBytes(new Uint8Array(8), stream)).subarray(8)));
    case 'truncated':
      return result('refuse', code.subarray(0, 4 + rng.range(1, stream.length - 1)));
    case 'trailing':
      return result('refuse', concatBytes(code, rng.bytes(rng.range(1, 16))));
    case 'bomb':
      return result('refuse', concatBytes(prefix, zeros(rng.pick([MAX_WASM_SIZE + 1, 1 << 20, 64 << 20]))));
    case 'raw-wasm':
      return result('refuse', concatBytes(prefix, encodeModule(validProgram(rng, { self }).spec)));
    case 'prefix-only':
      return result('refuse', code.subarray(0, rng.range(3, 4)));
    case 'other-prefix': {
      const out = code.slice();
      out[2] = rng.range(1, 255);
      return result('refuse', out);
    }
  }
}

// ---- cases ----

/**
 * The deployed form of a module: sometimes compressProgram's (brotli quality 11, 22-bit window,
 * as cargo-stylus writes it), mostly the same container at a random lower quality and window:
 * the decoder sees varied streams, and making them takes a fraction of quality 11's time.
 */
function compress(rng: Random, wasm: Uint8Array): Uint8Array {
  if (wasm.length <= 16_384 && rng.chance(0.2)) return compressProgram(wasm);
  const zlib = nodeBuiltin<typeof import('node:zlib')>('node:zlib')!;
  const stream = zlib.brotliCompressSync(wasm, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: rng.int(10), [zlib.constants.BROTLI_PARAM_LGWIN]: rng.range(10, 24) },
  });
  return concatBytes(STYLUS_PREFIX, Uint8Array.of(DICTIONARY_NONE), stream);
}

function calldata(rng: Random): Uint8Array {
  return rng.weighted<() => Uint8Array>([
    [20, () => new Uint8Array(0)],
    [50, () => rng.bytes(rng.int(100))],
    [20, () => rng.bytes(rng.range(100, 600))],
    [10, () => new Uint8Array(rng.range(1, 64))],
  ])();
}

function callGas(rng: Random): bigint {
  return BigInt(
    rng.weighted<() => number>([
      [10, () => rng.int(30_000)],
      [50, () => rng.range(30_000, 300_000)],
      [35, () => rng.range(300_000, 1_500_000)],
      [5, () => rng.range(1_500_000, 4_000_000)],
    ])(),
  );
}

export function generateWasmCase(seed: number, index: number): WasmCase {
  const rng = Random.forCase(seed ^ 0x3a5afe, index);
  const deploy = rng.chance(0.8) ? 'create' : 'place';
  const self = deploy === 'create' ? CREATED : PLACED;
  const family = rng.weighted([
    [60, 'valid'],
    [30, 'broken'],
    [10, 'container'],
  ] as const);
  let generator: string;
  let expect: WasmCase['expect'];
  let code: Uint8Array;
  if (family === 'valid') {
    generator = 'valid';
    expect = 'accept';
    code = compress(rng, encodeModule(validProgram(rng, { self }).spec));
  } else if (family === 'broken') {
    const built = brokenModule(rng, self);
    ({ generator, expect } = built);
    code = compress(rng, built.wasm);
  } else {
    ({ generator, expect, code } = damagedContainer(rng, self));
  }
  // Init code is at most 49,152 bytes (EIP-3860): larger code can only be placed.
  const placeOnly = code.length > 40_000;
  const calls: WasmCall[] = Array.from({ length: rng.range(1, 3) }, () => ({
    via: rng.weighted<CallVia>([
      [45, 'eoa'],
      [10, 'tx'],
      [20, 'call'],
      [12, 'staticcall'],
      [13, 'delegatecall'],
    ]),
    data: bytesToHex(calldata(rng)),
    gas: callGas(rng).toString(),
    value: (rng.chance(0.75) ? 0n : BigInt(rng.range(1, 1000))).toString(),
  }));
  return {
    generator,
    expect,
    program: bytesToHex(code),
    deploy: placeOnly ? 'place' : deploy,
    deployGas: (rng.chance(0.9) ? 16_000_000n : BigInt(rng.range(40_000, 2_000_000))).toString(),
    target: rng.pick(['echo', 'revert', 'reenter', 'burn'] as const),
    calls,
  };
}
