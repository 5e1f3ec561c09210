/**
 * geth's `erc7562Tracer`: the call tracer's tree where each frame also says what an ERC-4337
 * bundler checks against the ERC-7562 validation rules: the opcodes it ran (counted, the
 * harmless ones left out), the storage slots it read (with the value before its first read) and
 * wrote, transient storage, the accounts whose code it sized through EXTCODE* or a call, the
 * EXTCODE* uses not followed by ISZERO, whether it ran out of gas; and for the whole
 * transaction every KECCAK256 preimage (so mapping slots can be traced to their keys).
 */
import type { Address } from '../primitives/address.js';
import { bigintToAddress } from '../primitives/address.js';
import { bytesToHex } from '../primitives/bytes.js';
import type { JournaledHost, TracedFrame } from '../host/index.js';
import type { Frame } from '../evm/frame.js';
import { CallTreeBuilder, callFrameJson, type CallFrame } from './call-tracer.js';
import { quantity, sorted, word, type Json } from './json.js';
import { memoryCopyPadded } from './step-access.js';
import { TracerConfigError, type ResultTracer } from './types.js';

const ADDRESS_MASK = (1n << 160n) - 1n;

const KECCAK256 = 0x20;
const GAS = 0x5a;
const SLOAD = 0x54;
const SSTORE = 0x55;
const TLOAD = 0x5c;
const TSTORE = 0x5d;
const ISZERO = 0x15;
const EXTCODESIZE = 0x3b;
const EXTCODECOPY = 0x3c;
const EXTCODEHASH = 0x3f;
const RETURN = 0xf3;
const REVERT = 0xfd;

const isExt = (op: number): boolean => op === EXTCODESIZE || op === EXTCODECOPY || op === EXTCODEHASH;
const isCall = (op: number): boolean => op === 0xf1 || op === 0xf2 || op === 0xf4 || op === 0xfa;

/**
 * The opcodes not counted unless the config names others: PUSH0 to SWAP16, and POP, ADD, SUB,
 * MUL, DIV, EQ, LT, GT, SLT, SGT, SHL, SHR, AND, OR, NOT, ISZERO.
 */
function defaultIgnoredOpcodes(): Set<number> {
  const ignored = new Set<number>([0x50, 0x01, 0x03, 0x02, 0x04, 0x14, 0x10, 0x11, 0x12, 0x13, 0x1b, 0x1c, 0x16, 0x17, 0x19, 0x15]);
  for (let op = 0x5f; op <= 0x9f; op++) ignored.add(op);
  return ignored;
}

/** What the tracer records of one frame, besides the call tracer's fields. */
interface ValidationInfo {
  /** Slot to its value before the frame's first SLOAD of it (when the frame had not written it). */
  reads: Map<bigint, bigint>;
  writes: Map<bigint, number>;
  transientReads: Map<bigint, number>;
  transientWrites: Map<bigint, number>;
  extCodeAccess: Address[];
  usedOpcodes: Map<number, number>;
  /** Accounts reached by EXTCODE* or a call: their code size and the first opcode that reached them. */
  contractSize: Map<Address, { size: number; opcode: number }>;
  outOfGas: boolean;
}

interface Erc7562Config {
  withLog: boolean;
  ignored: Set<number>;
}

function parseConfig(config: unknown): Erc7562Config {
  const out: Erc7562Config = { withLog: false, ignored: defaultIgnoredOpcodes() };
  if (config === undefined || config === null) return out;
  if (typeof config !== 'object' || Array.isArray(config)) throw new TracerConfigError('erc7562Tracer: the config must be an object');
  const c = config as Record<string, unknown>;
  if (c.withLog !== undefined && c.withLog !== null) {
    if (typeof c.withLog !== 'boolean') throw new TracerConfigError('erc7562Tracer: withLog must be true or false');
    out.withLog = c.withLog;
  }
  // Only the top stack item of an EXTCODE* is read, so any size (default 3) gives the same result.
  const size = c.stackTopItemsSize;
  if (size !== undefined && size !== null && !(typeof size === 'number' && Number.isInteger(size) && size >= 0))
    throw new TracerConfigError('erc7562Tracer: stackTopItemsSize must be a non-negative integer');
  if (c.ignoredOpcodes !== undefined && c.ignoredOpcodes !== null) {
    if (!Array.isArray(c.ignoredOpcodes)) throw new TracerConfigError('erc7562Tracer: ignoredOpcodes must be an array of opcodes');
    out.ignored = new Set(c.ignoredOpcodes.map((op, i) => parseOpcode(op, i)));
  }
  return out;
}

function parseOpcode(value: unknown, index: number): number {
  const op = typeof value === 'string' && /^0x[0-9a-fA-F]{1,2}$/.test(value) ? Number(value) : value;
  if (typeof op !== 'number' || !Number.isInteger(op) || op < 0 || op > 0xff)
    throw new TracerConfigError(`erc7562Tracer: ignoredOpcodes[${index}] must be an opcode from 0x0 to 0xff, got ${JSON.stringify(value)}`);
  return op;
}

function newInfo(): ValidationInfo {
  return {
    reads: new Map(),
    writes: new Map(),
    transientReads: new Map(),
    transientWrites: new Map(),
    extCodeAccess: [],
    usedOpcodes: new Map(),
    contractSize: new Map(),
    outOfGas: false,
  };
}

const increment = <K>(map: Map<K, number>, key: K): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

const counts = (map: Map<bigint, number>): Json => sorted([...map].map(([slot, n]) => [word(slot), n] as [string, Json]));

function infoJson(info: ValidationInfo, out: Record<string, Json>): void {
  out.accessedSlots = {
    reads: sorted([...info.reads].map(([slot, value]) => [word(slot), [word(value)]] as [string, Json])),
    writes: counts(info.writes),
    transientReads: counts(info.transientReads),
    transientWrites: counts(info.transientWrites),
  };
  out.extCodeAccessInfo = [...info.extCodeAccess];
  out.usedOpcodes = sorted([...info.usedOpcodes].map(([op, n]) => [quantity(op), n] as [string, Json]));
  out.contractSize = sorted(
    [...info.contractSize].map(([address, s]) => [address, { contractSize: s.size, opcode: s.opcode }] as [string, Json]),
  );
  out.outOfGas = info.outOfGas;
}

export function createErc7562Tracer(config: unknown): ResultTracer {
  const options = parseConfig(config);
  const tree = new CallTreeBuilder({ onlyTopCall: false, withLog: options.withLog });
  const infos = new Map<CallFrame, ValidationInfo>();
  const preimages = new Set<string>();
  let host: JournaledHost | undefined;
  /** The instruction before this one (across frames, as geth keeps it), and an EXTCODE*'s address. */
  let lastOp: number | undefined;
  let lastExtAddress: Address | undefined;

  const current = (): ValidationInfo => infos.get(tree.stack[tree.stack.length - 1]!)!;

  return {
    txStart(start) {
      host = start.host;
      tree.txStart(start);
    },
    enter(e) {
      tree.enter(e);
      infos.set(tree.stack[tree.stack.length - 1]!, newInfo());
    },
    exit(e) {
      if (e.depth > 0 && tree.stack.length > 1 && (e.error === 'out of gas' || e.error === 'contract creation code storage out of gas'))
        current().outOfGas = true;
      tree.exit(e);
    },
    log: (l) => tree.log(l),
    txEnd: (e) => tree.txEnd(e),
    step(traced: TracedFrame, op: number) {
      const f = traced as Frame;
      const sp = f.sp;
      const top = (n: number): bigint | undefined => (sp > n ? f.stack[sp - 1 - n] : undefined);
      if (op === RETURN || op === REVERT) lastOp = undefined;
      const info = current();
      if (lastOp !== undefined) {
        // [OP-051]: an EXTCODE* other than EXTCODESIZE tested by ISZERO (whether code exists).
        if (isExt(lastOp) && lastExtAddress !== undefined && !(lastOp === EXTCODESIZE && op === ISZERO))
          info.extCodeAccess.push(lastExtAddress);
        // [OP-012]: GAS is allowed only right before a call.
        if (lastOp === GAS && !isCall(op)) increment(info.usedOpcodes, GAS);
      }
      // [OP-041]: the code size of each account an EXTCODE* or a call reaches.
      if (isExt(op) || isCall(op)) {
        const value = top(isExt(op) ? 0 : 1);
        if (value !== undefined) {
          const address = bigintToAddress(value & ADDRESS_MASK);
          if (!info.contractSize.has(address)) info.contractSize.set(address, { size: host!.getCode(address).length, opcode: op });
        }
      }
      if (op !== GAS && !options.ignored.has(op)) increment(info.usedOpcodes, op);
      const slot = top(0);
      if (slot !== undefined) {
        if (op === SLOAD) {
          if (!info.reads.has(slot) && !info.writes.has(slot)) info.reads.set(slot, host!.getStorage(f.message.address, slot));
        } else if (op === SSTORE) increment(info.writes, slot);
        else if (op === TLOAD) increment(info.transientReads, slot);
        else if (op === TSTORE) increment(info.transientWrites, slot);
      }
      if (op === KECCAK256 && sp >= 2) {
        const preimage = memoryCopyPadded(f, f.stack[sp - 1]!, f.stack[sp - 2]!);
        if (preimage !== undefined) preimages.add(bytesToHex(preimage));
      }
      lastOp = op;
      lastExtAddress = isExt(op) && slot !== undefined ? bigintToAddress(slot & ADDRESS_MASK) : undefined;
    },
    result(): Json {
      if (tree.stack.length !== 1) throw new Error('incorrect number of top-level calls');
      const root = tree.root!;
      const json = callFrameJson(root, (frame, out) => infoJson(infos.get(frame)!, out)) as Record<string, Json>;
      // geth sorts the preimages as bytes: for lowercase hex, the same as sorting the strings.
      if (preimages.size > 0) json.keccak = [...preimages].sort();
      return json;
    },
  };
}
