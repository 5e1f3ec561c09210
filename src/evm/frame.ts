/**
 * A frame: one activation of EVM code (a message call or a create). It holds the machine state
 * (pc, gas, stack, memory) and what the code may ask of the world through the host, and it is
 * the EVM's side of the frame loop's contract (`VmFrame` in host/): run, resume after a child,
 * fail a request, deposit created code.
 */
import type { Address } from '../primitives/address.js';
import type {
  Environment,
  FrameRequest,
  FrameResult,
  JournaledHost,
  Message,
  TracedFrame,
  VirtualMachine,
  VmFrame,
} from '../host/index.js';
import { Status, succeeded } from '../host/status.js';
import { GAS_CHUNK, joinGas, splitGas } from '../host/gas.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { interpret } from './interpreter.js';
import { getOpcodeTable } from './table.js';
import { CodeCache, type CodeCacheChoice, type CodeEntry } from './code-cache.js';
import type { PushValues } from './analysis.js';
import { forgetWords, NO_WORDS, releaseMemory, type FramePool } from './memory.js';

export const STACK_LIMIT = 1024;

/** All the gas a frame has left, exactly. */
export function totalGas(f: Frame): bigint {
  return joinGas(f.gas, f.reserve);
}

/** Sets a frame's gas to an exact amount. */
export function setTotalGas(f: Frame, total: bigint): void {
  const { gas, reserve } = splitGas(total);
  f.gas = gas;
  f.reserve = reserve;
}

/** Adds gas given back by a child (`gas` plus `reserve`) to a frame, exactly. */
export function returnGas(f: Frame, gas: number, reserve: bigint | undefined): void {
  if (f.reserve === 0n && !reserve && f.gas + gas <= GAS_CHUNK) f.gas += gas;
  else setTotalGas(f, totalGas(f) + joinGas(gas, reserve));
}

/**
 * Called when a charge of `need` exceeds `f.gas`: moves gas over from the reserve and returns
 * whether the charge now fits. Without a reserve (every real transaction) it is simply false.
 */
export function refillGas(f: Frame, need: number): boolean {
  if (f.reserve === 0n) return false;
  setTotalGas(f, totalGas(f));
  return need <= f.gas;
}

const CODE_DEPOSIT_COST = 200;

/** An EVM tracer (EIP-3155 and the like) sees the whole machine state of each step. */
export interface Tracer {
  step(frame: Frame, op: number, gasCost: number): void;
}

export class Frame implements VmFrame, TracedFrame {
  pc = 0;
  gas: number;
  reserve: bigint;
  readonly stack: bigint[];
  sp = 0;
  memory: Uint8Array = EMPTY_BYTES;
  /** A view of `memory` for word reads and writes; replaced whenever memory grows. */
  memoryView: DataView = new DataView(EMPTY_BYTES.buffer);
  /** Memory's words as bigints where known (memory.ts, WORD_CACHE_WORDS). */
  memoryWords: (bigint | undefined)[] = NO_WORDS;
  /** Active memory in bytes, always a multiple of 32. */
  memorySize = 0;
  returnData: Uint8Array = EMPTY_BYTES;
  output: Uint8Array = EMPTY_BYTES;
  status: Status = Status.Running;
  request: FrameRequest | undefined = undefined;
  rejection: string | undefined = undefined;
  /**
   * The charge an instruction could not pay when it ran out of gas (0 when the amount overflowed):
   * geth's struct log counts it in that step's `gasCost`. Written only on that failure.
   */
  failedCharge = 0;
  readonly jumpDestinations: Uint8Array;
  readonly pushValues: PushValues;
  /** The engine's stacks and memories to reuse (memory.ts). */
  readonly pool: FramePool;
  /** A view of the call data for CALLDATALOAD, made on its first use. */
  callDataView: DataView | undefined = undefined;

  constructor(
    readonly message: Message,
    readonly env: Environment,
    /** The code's entry in the engine's cache: analysis, blocks, compiled form. */
    readonly entry: CodeEntry,
  ) {
    this.gas = message.gas;
    this.reserve = message.reserve ?? 0n;
    this.pool = entry.pool;
    this.stack = this.pool.stack();
    this.jumpDestinations = entry.analysis.jumpDestinations;
    this.pushValues = entry.analysis.pushValues;
  }

  get code(): Uint8Array {
    return this.message.code;
  }

  /**
   * Runs until the frame halts or suspends: in compiled code when the engine's tier-up rule says
   * so (code-cache.ts), else in the interpreter. A tracer of steps always gets the interpreter.
   */
  run(): Status {
    const entry = this.entry;
    const jit = entry.jit;
    const tracer = this.env.tracer;
    if (jit === 'never' || (tracer !== undefined && tracer.framesOnly !== true)) return interpret(this);
    const table = getOpcodeTable(this.env.rules);
    const compiled = entry.compiled(table);
    if (compiled === undefined) return interpret(this, Infinity, table);
    return compiled.run(this, jit === 'always');
  }

  /** The child this frame asked for has ended: its gas comes back, its outcome goes on the stack. */
  resume(result: FrameResult): void {
    const request = this.request!;
    returnGas(this, result.gasLeft, result.gasReserve);
    const ok = succeeded(result.status);
    if (request.kind === 'call') {
      this.returnData = result.output;
      const n = Math.min(request.outSize, result.output.length);
      if (n > 0) {
        this.memory.set(result.output.subarray(0, n), request.outOffset);
        forgetWords(this, request.outOffset, request.outOffset + n);
      }
      this.stack[this.sp++] = ok ? 1n : 0n;
    } else {
      this.returnData = ok ? EMPTY_BYTES : result.output;
      this.stack[this.sp++] = ok ? BigInt(result.createdAddress!) : 0n;
    }
    this.status = Status.Running;
  }

  /** The request failed before a child began: the gas comes back and a zero goes on the stack. */
  fail(gasBack: number, reserveBack: bigint): void {
    returnGas(this, gasBack, reserveBack);
    this.returnData = EMPTY_BYTES;
    this.stack[this.sp++] = 0n;
    this.status = Status.Running;
  }

  /**
   * Stores the code a create returned, charging 200 gas per byte (EIP-170, EIP-3541 apply). On a
   * chain that runs another VM, 0xEF code of that VM is activated instead of refused, and its
   * activation is paid with the deposit.
   */
  depositCode(host: JournaledHost): Status {
    const rules = this.env.rules;
    const code = this.output;
    if (code.length > rules.maxCodeSize) return Status.CodeRejected;
    let activationGas = 0;
    if (rules.london && code.length > 0 && code[0] === 0xef) {
      const activation = rules.wasm ? this.env.code.activate(code) : undefined;
      if (activation === undefined) return Status.CodeRejected;
      if ('error' in activation) {
        this.rejection = activation.error;
        return Status.CodeRejected;
      }
      activationGas = activation.gas;
    }
    const cost = code.length * CODE_DEPOSIT_COST + activationGas;
    if (cost > this.gas && !refillGas(this, cost)) {
      // Frontier: a create that cannot pay for its code leaves an account without code.
      if (!rules.homestead) return Status.Return;
      return Status.OutOfGas;
    }
    this.gas -= cost;
    host.setCode(this.message.address, code);
    return Status.Return;
  }

  /**
   * geth's wording of an exceptional halt with its detail. With a tracer attached the frame ran
   * the per-instruction loop, so `pc` is at the failing instruction (a stack check fails before
   * `pc` moves on; an instruction's own failure after).
   */
  haltReason(): string | undefined {
    const table = getOpcodeTable(this.env.rules);
    switch (this.status) {
      case Status.StackUnderflow:
        return `stack underflow (${this.sp} <=> ${table.minStack[this.code[this.pc]!]})`;
      case Status.StackOverflow:
        return `stack limit reached ${this.sp} (${table.maxStack[this.code[this.pc]!]})`;
      case Status.InvalidOpcode: {
        const op = this.code[this.pc - 1] ?? 0;
        const name = table.names[op]!;
        return `invalid opcode: ${name.startsWith('0x') ? `opcode 0x${op.toString(16)} not defined` : name}`;
      }
      case Status.OutOfGas:
        // EIP-2200: SSTORE with no more than the call stipend left fails before pricing.
        if (this.env.rules.istanbul && this.code[this.pc - 1] === 0x55 && this.gas <= 2300 && this.reserve === 0n)
          return 'out of gas: not enough gas for reentrancy sentry';
        return undefined;
      default:
        return undefined;
    }
  }

  /** Gives the stack and memory back for reuse; the frame must not run again. */
  release(): void {
    this.pool.releaseStack(this.stack);
    releaseMemory(this);
  }
}

/** An EVM with its own code cache (analysis and compiled code): one per engine. */
export function createEvmVm(options: CodeCacheChoice = {}): VirtualMachine & { readonly codeCache: CodeCache } {
  const codeCache = options.codeCache ?? new CodeCache(options);
  return {
    codeCache,
    createFrame(message: Message, env: Environment): Frame {
      return new Frame(message, env, codeCache.entry(message.code));
    },
  };
}
