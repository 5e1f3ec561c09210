/**
 * A WebAssembly frame: one call of a Stylus program, the WebAssembly side of the frame loop's
 * contract (`VmFrame` in host/). The program runs to its end inside `run`: V8 cannot suspend a
 * WebAssembly stack, so a call or create the program makes runs in a nested frame loop
 * (`ChildRunner`) from inside the host function, on the same journaled state.
 *
 * Gas becomes ink at entry (10,000 ink per gas) after the call's fixed charges, the instrumented
 * module meters itself in ink, and the host functions buy ink and gas as they go (hooks.ts).
 */
import type { Address } from '../primitives/address.js';
import type {
  ChildRunner,
  Environment,
  FrameRequest,
  FrameResult,
  JournaledHost,
  Message,
  VirtualMachine,
  VmFrame,
} from '../host/index.js';
import { Status } from '../host/status.js';
import { joinGas, memoryCost, splitGas } from '../host/gas.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { INK_LEFT_GLOBAL, INK_PER_GAS, INK_STATUS_GLOBAL, MEMORY_IMPORT, STACK_LEFT_GLOBAL } from './hostio.js';
import { returnMemory, takeMemory } from './memory-pool.js';
import { InvalidProgramError, loadProgram, type Program } from './program.js';
import { openPages, type PageCounts } from './memory-model.js';
import { StorageCache } from './storage-cache.js';
import { hostFunctions, type ProgramHost } from './hooks.js';
import { ExitEarly, HostTrap, OutOfInk, OutOfStack } from './outcome.js';

/** The stack, in values, a program's call may use (Stylus's MaxStackDepth since ArbOS 50). */
export const MAX_STACK_DEPTH = 22_000;

/** Ink is an unsigned 64-bit count; gas beyond what it can hold is simply not usable by a program. */
const MAX_INK = 2n ** 63n - 1n;

/** What a transaction's programs share: the memory pages open, and which programs are running. */
interface TxPrograms {
  pages: PageCounts;
  /** Open non-delegate frames per program address, for `msg_reentrant`. */
  running: Map<Address, number>;
}

const perTransaction = new WeakMap<Environment, TxPrograms>();

function txPrograms(env: Environment): TxPrograms {
  let tx = perTransaction.get(env);
  if (tx === undefined) {
    tx = { pages: { open: 0, ever: 0 }, running: new Map() };
    perTransaction.set(env, tx);
  }
  return tx;
}

/** A mutable ink counter: the instrumented module's global, read and written by the host. */
interface InkCell {
  value: bigint;
}

export class WasmFrame implements VmFrame, ProgramHost {
  status: Status = Status.Running;
  gas: number;
  reserve: bigint;
  output: Uint8Array = EMPTY_BYTES;
  readonly request: FrameRequest | undefined = undefined;

  // Per call, while the program runs (read by the host functions).
  ink: InkCell = { value: 0n };
  inkStatus: { value: number } = { value: 0 };
  memory: WebAssembly.Memory | undefined;
  readonly cache = new StorageCache();
  returnData: Uint8Array = EMPTY_BYTES;
  reentrant = false;
  pages: PageCounts = { open: 0, ever: 0 };
  /** Gas that came back from a request the frame loop refused before it began. */
  private refused: bigint | undefined;

  constructor(
    readonly message: Message,
    readonly env: Environment,
    readonly children: ChildRunner,
  ) {
    this.gas = message.gas;
    this.reserve = message.reserve ?? 0n;
  }

  run(): Status {
    const message = this.message;
    const startingGas = joinGas(this.gas, this.reserve);
    let program: Program;
    try {
      program = loadProgram(message.code);
    } catch (error) {
      if (!(error instanceof InvalidProgramError)) throw error;
      return this.halt(Status.InvalidProgram, 0n);
    }

    const tx = txPrograms(this.env);
    this.pages = tx.pages;
    const openBefore = tx.pages.open;
    const counted = message.address === message.codeAddress; // DELEGATECALL and CALLCODE frames are not counted
    const address = message.address;
    if (counted) tx.running.set(address, (tx.running.get(address) ?? 0) + 1);
    try {
      this.reentrant = (tx.running.get(address) ?? 0) > 1;
      // Stylus charges the program's initial memory through the page model, and the cost of a
      // compiled (cached) program's set-up, before any of it runs.
      const callCost = openPages(tx.pages, program.footprint) + BigInt(program.cachedInitGas);
      if (callCost > startingGas) return this.halt(Status.OutOfGas, 0n);
      const gas = startingGas - callCost;
      const ink = gas * BigInt(INK_PER_GAS);
      const status = this.execute(program, ink > MAX_INK ? MAX_INK : ink);
      if (status !== Status.Return && status !== Status.Revert) return this.halt(status, 0n);
      let gasLeft = this.ink.value / BigInt(INK_PER_GAS);
      // Gas beyond what ink can count was never handed to the program: it comes back whole.
      if (ink > MAX_INK) gasLeft += gas - MAX_INK / BigInt(INK_PER_GAS);
      // Output costs at least what the EVM would have paid in memory for it.
      if (this.output.length > 0) {
        const floor = BigInt(memoryCost(Math.ceil(this.output.length / 32)));
        if (startingGas < floor) {
          this.output = EMPTY_BYTES;
          return this.halt(Status.OutOfGas, 0n);
        }
        if (gasLeft > startingGas - floor) gasLeft = startingGas - floor;
      }
      return this.halt(status, gasLeft);
    } finally {
      tx.pages.open = openBefore;
      if (counted) {
        const n = tx.running.get(address)! - 1;
        if (n === 0) tx.running.delete(address);
        else tx.running.set(address, n);
      }
      this.memory = undefined;
    }
  }

  /** Instantiates and runs the program with `ink`; returns how it ended. */
  private execute(program: Program, ink: bigint): Status {
    const memory = takeMemory(program.footprint, program.maxPages);
    try {
      return this.instantiateAndRun(program, ink, memory);
    } finally {
      returnMemory(memory, program.footprint, program.maxPages);
    }
  }

  private instantiateAndRun(program: Program, ink: bigint, memory: WebAssembly.Memory): Status {
    let instance: WebAssembly.Instance;
    try {
      const imports = hostFunctions(this) as WebAssembly.Imports;
      imports[MEMORY_IMPORT.module] = { [MEMORY_IMPORT.name]: memory };
      instance = new WebAssembly.Instance(program.module, imports);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      return Status.InvalidProgram;
    }
    const exports = instance.exports;
    this.memory = memory;
    // The instrumented module's i64 and i32 globals (activation adds and exports them).
    const inkGlobal = exports[INK_LEFT_GLOBAL] as InkCell | undefined;
    const statusGlobal = exports[INK_STATUS_GLOBAL] as { value: number } | undefined;
    const stackGlobal = exports[STACK_LEFT_GLOBAL] as WebAssembly.Global | undefined;
    this.ink = inkGlobal ?? { value: 0n };
    this.inkStatus = statusGlobal ?? { value: 0 };
    this.ink.value = ink;
    this.inkStatus.value = 0;
    if (stackGlobal) stackGlobal.value = MAX_STACK_DEPTH;

    const entrypoint = exports.user_entrypoint as (length: number) => number;
    try {
      const result = entrypoint(this.message.data.length);
      return result === 0 ? Status.Return : Status.Revert;
    } catch (error) {
      if (error instanceof ExitEarly) return error.status === 0 ? Status.Return : Status.Revert;
      if (error instanceof OutOfInk || this.inkStatus.value !== 0) return Status.OutOfGas;
      if (error instanceof RangeError || error instanceof OutOfStack || (stackGlobal !== undefined && stackGlobal.value === 0))
        return Status.StackDepth;
      if (error instanceof HostTrap || error instanceof WebAssembly.RuntimeError) {
        // A trap: Stylus reverts with no data and keeps the unspent gas.
        this.output = EMPTY_BYTES;
        return Status.Revert;
      }
      throw error;
    }
  }

  private halt(status: Status, gasLeft: bigint): Status {
    const { gas, reserve } = splitGas(gasLeft);
    this.gas = gas;
    this.reserve = reserve;
    this.status = status;
    return status;
  }

  // ---- what the host functions use ----

  /** Runs a call or create the program asked for; undefined when it was refused before it began. */
  runChild(request: FrameRequest): { result: FrameResult | undefined; refusedGas: bigint } {
    this.refused = undefined;
    const result = this.children.runChild(this, request);
    return { result, refusedGas: this.refused ?? 0n };
  }

  resume(): void {
    throw new Error('a WebAssembly frame never suspends');
  }

  /** The frame loop refused a request before any child began: its gas comes back. */
  fail(gasBack: number, reserveBack: bigint): void {
    this.refused = joinGas(gasBack, reserveBack);
  }

  /** Programs never run as initcode (a create's initcode is EVM code), so never deposit. */
  depositCode(_host: JournaledHost): Status {
    return Status.CodeRejected;
  }

  release(): void {}
}

/** The WebAssembly VM as the frame loop sees it. */
export const wasmVm: VirtualMachine = {
  createFrame(message: Message, env: Environment, children: ChildRunner): WasmFrame {
    return new WasmFrame(message, env, children);
  },
};
