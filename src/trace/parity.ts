/**
 * The traces of Parity's (OpenEthereum's) trace_ API, as Anvil and Erigon serve them:
 * `trace_replayTransaction` and `trace_call` answer `{output, stateDiff, trace, vmTrace}` with
 * the kinds a request names.
 *
 * - `trace`: the flat call trace (geth's flatCallTracer with Parity's error words), without the
 *   block and transaction fields that `trace_transaction` adds.
 * - `stateDiff`: each account the transaction changed, field by field: `"="` unchanged,
 *   `{"+": new}` born, `{"-": old}` died, `{"*": {from, to}}` changed; storage slot by slot.
 * - `vmTrace`: the instructions of each frame, `{code, ops}`, each op with its pc, its cost, and
 *   what it did (`ex`: the stack items it pushed, the memory it wrote, the slot it stored, the gas
 *   left after it), a call's or create's child frame as its `sub`.
 */
import type { Address } from '../primitives/address.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import type { TracedEnter, TracedExit, TracedFrame, TracedTxStart, Tracer } from '../host/index.js';
import { Status } from '../host/status.js';
import type { Frame } from '../evm/frame.js';
import { getOpcodeTable } from '../evm/table.js';
import { createFlatCallTracer } from './flat-call-tracer.js';
import { recordPrestate, type PostAccount, type PreAccount } from './prestate-tracer.js';
import { hex, quantity, sorted, word, type Json } from './json.js';
import { combineTracers } from './index.js';
import { TracerConfigError, type ResultTracer } from './types.js';

export type ParityTraceType = 'trace' | 'stateDiff' | 'vmTrace';
export const PARITY_TRACE_TYPES: readonly ParityTraceType[] = ['trace', 'stateDiff', 'vmTrace'];

/** Reads a trace-type list such as `["trace", "stateDiff"]`. */
export function parityTraceTypes(value: unknown): Set<ParityTraceType> {
  if (!Array.isArray(value)) throw new TracerConfigError('trace types must be an array of "trace", "stateDiff" and "vmTrace"');
  const types = new Set<ParityTraceType>();
  for (const item of value) {
    if (!PARITY_TRACE_TYPES.includes(item as ParityTraceType))
      throw new TracerConfigError(`unknown trace type ${JSON.stringify(item)}; known: ${PARITY_TRACE_TYPES.join(', ')}`);
    types.add(item as ParityTraceType);
  }
  return types;
}

/** The fields trace_transaction adds to each entry, which a replay leaves out. */
const LOCATION_KEYS = ['blockHash', 'blockNumber', 'transactionHash', 'transactionPosition'];

/** A tracer answering `{output, stateDiff, trace, vmTrace}` for the kinds in `types`. */
export function createParityReplayTracer(types: ReadonlySet<ParityTraceType>): ResultTracer {
  const parts: Tracer[] = [];
  const flat = types.has('trace') ? createFlatCallTracer({ convertParityErrors: true }) : undefined;
  if (flat !== undefined) parts.push(flat);
  const diff = types.has('stateDiff')
    ? recordPrestate({ diffMode: true, disableCode: false, disableStorage: false, includeEmpty: false })
    : undefined;
  if (diff !== undefined) parts.push(diff.hooks);
  const vm = types.has('vmTrace') ? new VmTraceBuilder() : undefined;
  if (vm !== undefined) parts.push(vm);
  let output: Uint8Array = EMPTY_BYTES;
  parts.push({ txEnd: (end) => (output = end.output) });
  return {
    ...combineTracers(parts),
    result(): Json {
      const trace = flat === undefined ? [] : (flat.result() as Record<string, Json>[]);
      for (const entry of trace) for (const key of LOCATION_KEYS) delete entry[key];
      return {
        output: hex(output),
        stateDiff: diff === undefined ? null : stateDiffJson(diff.pre, diff.post),
        trace,
        vmTrace: vm === undefined ? null : vm.result(),
      };
    },
  };
}

// ---- stateDiff ----

type Diff = '=' | { '+': Json } | { '-': Json } | { '*': { from: Json; to: Json } };

function change(from: Json, to: Json): Diff {
  return from === to ? '=' : { '*': { from, to } };
}

/** Parity's state diff from the prestate tracer's diff-mode record. */
export function stateDiffJson(pre: ReadonlyMap<Address, PreAccount>, post: ReadonlyMap<Address, PostAccount>): Json {
  const out: [string, Json][] = [];
  for (const address of new Set([...pre.keys(), ...post.keys()])) {
    const before = pre.get(address);
    const after = post.get(address);
    let account: Record<string, Json>;
    if (before === undefined) {
      // Born in this transaction.
      const a = after!;
      account = {
        balance: { '+': quantity(a.balance ?? 0n) },
        code: { '+': hex(a.code ?? EMPTY_BYTES) },
        nonce: { '+': quantity(a.nonce ?? 0n) },
        storage: sorted([...a.storage].map(([slot, value]) => [word(slot), { '+': word(value) }] as [string, Json])),
      };
    } else if (after === undefined) {
      // Died (self-destructed).
      account = {
        balance: { '-': quantity(before.balance) },
        code: { '-': hex(before.code ?? EMPTY_BYTES) },
        nonce: { '-': quantity(before.nonce) },
        storage: sorted(
          [...(before.storage ?? [])]
            .filter(([, v]) => v !== 0n)
            .map(([slot, value]) => [word(slot), { '-': word(value) }] as [string, Json]),
        ),
      };
    } else {
      const slots = new Set([...(before.storage?.keys() ?? []), ...after.storage.keys()]);
      const storage: [string, Json][] = [];
      for (const slot of slots) {
        const from = before.storage?.get(slot) ?? 0n;
        const to = after.storage.get(slot) ?? 0n;
        if (from !== to) storage.push([word(slot), { '*': { from: word(from), to: word(to) } }]);
      }
      account = {
        balance: after.balance === undefined ? '=' : change(quantity(before.balance), quantity(after.balance)),
        code: after.code === undefined ? '=' : change(hex(before.code ?? EMPTY_BYTES), hex(after.code)),
        nonce: after.nonce === undefined ? '=' : change(quantity(before.nonce), quantity(after.nonce)),
        storage: sorted(storage),
      };
    }
    out.push([address, account]);
  }
  return sorted(out);
}

// ---- vmTrace ----

interface VmOp {
  pc: number;
  op: string;
  cost: number;
  ex: { mem: { data: string; off: number } | null; push: string[]; store: { key: string; val: string } | null; used: number } | null;
  sub: VmTrace | null;
}

interface VmTrace {
  code: string;
  ops: VmOp[];
}

/** An instruction begun whose effects are not all known yet (a call's come when its child returns). */
interface Pending {
  entry: VmOp;
  op: number;
  mem: { off: bigint; size: bigint } | undefined;
  store: { key: string; val: string } | null;
}

/**
 * The most instructions a vmTrace records (about 150 bytes of JSON each): a 30M-gas loop runs
 * millions, which would exhaust memory; past this the trace fails with VmTraceTooLargeError.
 */
export const MAX_VM_TRACE_OPS = 1_000_000;

export class VmTraceTooLargeError extends Error {
  override name = 'VmTraceTooLargeError';
  constructor() {
    super(`vmTrace stopped: the transaction runs more than ${MAX_VM_TRACE_OPS} instructions; ask for "trace" or "stateDiff" only`);
  }
}

const CALLS = new Set([0xf0, 0xf1, 0xf2, 0xf4, 0xf5, 0xfa]);
const FAILED = new Set([Status.StackUnderflow, Status.StackOverflow, Status.OutOfGas]);

/** Where an instruction writes memory: stack positions (from the top) of its offset and size, or a fixed size. */
const MEMORY_WRITES: Record<number, [offset: number, size: number | { fixed: number }]> = {
  0x52: [0, { fixed: 32 }], // MSTORE
  0x53: [0, { fixed: 1 }], // MSTORE8
  0x37: [0, 2], // CALLDATACOPY
  0x39: [0, 2], // CODECOPY
  0x3e: [0, 2], // RETURNDATACOPY
  0x3c: [1, 3], // EXTCODECOPY
  0x5e: [0, 2], // MCOPY
  0xf1: [5, 6], // CALL
  0xf2: [5, 6], // CALLCODE
  0xf4: [4, 5], // DELEGATECALL
  0xfa: [4, 5], // STATICCALL
};

class VmTraceBuilder implements Tracer {
  #root: VmTrace | undefined;
  /** The frames running, innermost last, each with its instruction not yet finished. */
  readonly #frames: { trace: VmTrace; pending: Pending | undefined }[] = [];
  #names: readonly string[] = [];
  #outputs: ArrayLike<number> = [];
  #count = 0;

  txStart(start: TracedTxStart): void {
    const table = getOpcodeTable(start.rules);
    this.#names = table.names;
    this.#outputs = Array.from(table.minStack, (inputs, op) => inputs + table.stackChange[op]!);
  }

  enter(e: TracedEnter): void {
    if (e.type === 'SELFDESTRUCT') return;
    const trace: VmTrace = { code: '0x', ops: [] };
    if (e.type === 'CREATE' || e.type === 'CREATE2') trace.code = hex(e.input);
    const parent = this.#frames[this.#frames.length - 1];
    if (parent === undefined) this.#root = trace;
    else if (parent.pending !== undefined && CALLS.has(parent.pending.op)) parent.pending.entry.sub = trace;
    this.#frames.push({ trace, pending: undefined });
  }

  exit(e: TracedExit): void {
    // A SELFDESTRUCT has no frame of its own (its exit is at a depth below the running frame's).
    if (e.depth === this.#frames.length - 1) this.#frames.pop();
  }

  step(traced: TracedFrame, op: number, gasCost: number): void {
    const f = traced as Frame;
    const frame = this.#frames[this.#frames.length - 1];
    if (frame === undefined) return;
    if (frame.trace.ops.length === 0 && frame.trace.code === '0x') frame.trace.code = hex(f.code);
    if (frame.pending !== undefined) this.#finish(frame.pending, f);
    if (++this.#count > MAX_VM_TRACE_OPS) throw new VmTraceTooLargeError();
    const entry: VmOp = { pc: f.pc, op: this.#names[op]!, cost: gasCost, ex: null, sub: null };
    frame.trace.ops.push(entry);
    const pending: Pending = { entry, op, mem: undefined, store: null };
    const at = (i: number): bigint | undefined => (f.sp > i ? f.stack[f.sp - 1 - i] : undefined);
    const write = MEMORY_WRITES[op];
    if (write !== undefined) {
      const off = at(write[0]);
      const size = typeof write[1] === 'number' ? at(write[1]) : BigInt(write[1].fixed);
      if (off !== undefined && size !== undefined) pending.mem = { off, size };
    }
    if (op === 0x55 && f.sp >= 2) pending.store = { key: quantity(at(0)!), val: quantity(at(1)!) };
    frame.pending = pending;
  }

  stepEnd(traced: TracedFrame, op: number, gasCost: number): void {
    const frame = this.#frames[this.#frames.length - 1];
    const pending = frame?.pending;
    if (pending === undefined) return;
    pending.entry.cost = gasCost;
    const f = traced as Frame;
    if (FAILED.has(f.status)) {
      frame!.pending = undefined;
      return;
    }
    // A call's or create's effects are known when the frame goes on after its child.
    if (!CALLS.has(op)) this.#finish(pending, f);
  }

  /** Fills in what the instruction did, now that the frame is past it. */
  #finish(pending: Pending, f: Frame): void {
    const frame = this.#frames[this.#frames.length - 1]!;
    frame.pending = undefined;
    const pushes = Math.min(this.#outputs[pending.op] ?? 0, f.sp);
    const push: string[] = [];
    for (let i = f.sp - pushes; i < f.sp; i++) push.push(quantity(f.stack[i]!));
    let mem: { data: string; off: number } | null = null;
    if (pending.mem !== undefined && pending.mem.size > 0n && pending.mem.off < BigInt(f.memorySize)) {
      const off = Number(pending.mem.off);
      let size = Number(pending.mem.size);
      if (CALLS.has(pending.op)) size = Math.min(size, f.returnData.length);
      const end = Math.min(off + size, f.memorySize);
      mem = { data: hex(f.memory.slice(off, end)), off };
    }
    pending.entry.ex = { mem, push, store: pending.store, used: f.gas + Number(f.reserve) };
  }

  result(): Json {
    return (this.#root ?? null) as unknown as Json;
  }
}
