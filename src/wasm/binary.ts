/**
 * A reader and writer for the WebAssembly binary format, limited to what a Stylus program may
 * contain: the MVP sections, sign extension, saturating float-to-int and `memory.copy`/`fill`.
 * The reader keeps byte offsets so errors can say where a module is wrong, and decodes function
 * bodies into operators with exact boundaries, so instrumentation can copy each original operator's
 * bytes and insert new ones between them. Nothing here decides what Stylus accepts (validate.ts).
 */
import { ProgramError } from './program-error.js';

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

const VALUE_TYPES: ReadonlyMap<number, ValueType> = new Map([
  [0x7f, 'i32'],
  [0x7e, 'i64'],
  [0x7d, 'f32'],
  [0x7c, 'f64'],
  [0x7b, 'v128'],
  [0x70, 'funcref'],
  [0x6f, 'externref'],
]);

const VALUE_TYPE_CODES: ReadonlyMap<ValueType, number> = new Map([...VALUE_TYPES].map(([code, type]) => [type, code]));

/** A block's type: none, one result, or (multi-value) an index into the type section. */
export type BlockType = null | ValueType | number;

/** Section ids of the binary format. */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

/** Bytes read from a module, with the position of each failure. */
export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  fail(what: string, at = this.pos): never {
    throw new ProgramError(`malformed module: ${what} at byte ${at}`);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128 of at most 32 bits (5 bytes, the unused high bits zero). */
  u32(): number {
    const at = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.u8();
      if (shift === 28 && byte > 0x0f) this.fail('integer too large', at);
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    return this.fail('integer too long', at);
  }

  /** Signed LEB128 of at most 32 bits. */
  s32(): number {
    return Number(this.signed(32));
  }

  /** Signed LEB128 of at most 64 bits. */
  s64(): bigint {
    return this.signed(64);
  }

  private signed(bits: number): bigint {
    const at = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0n;
    let shift = 0;
    for (let i = 0; i < maxBytes; i++) {
      const byte = this.u8();
      result |= BigInt(byte & 0x7f) << BigInt(shift);
      shift += 7;
      if ((byte & 0x80) === 0) {
        if (i === maxBytes - 1) {
          // The last byte's bits beyond the width must all copy the sign bit.
          const used = bits - 7 * (maxBytes - 1);
          const extra = byte >> (used - 1);
          if (extra !== 0 && extra !== 0x7f >> (used - 1)) this.fail('integer too large', at);
        }
        return BigInt.asIntN(bits, shift < bits && byte & 0x40 ? result - (1n << BigInt(shift)) : result);
      }
    }
    return this.fail('integer too long', at);
  }

  take(length: number): Uint8Array {
    if (length > this.end - this.pos) this.fail('unexpected end');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  name(): string {
    const at = this.pos;
    const bytes = this.take(this.u32());
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return this.fail('name is not UTF-8', at);
    }
  }

  valueType(): ValueType {
    const at = this.pos;
    const code = this.u8();
    return VALUE_TYPES.get(code) ?? this.fail(`unknown value type 0x${code.toString(16)}`, at);
  }

  blockType(): BlockType {
    const first = this.bytes[this.pos];
    if (first === 0x40) {
      this.pos++;
      return null;
    }
    if (first !== undefined && first >= 0x40 && first < 0x80) return this.valueType(); // one-byte negative s33
    const at = this.pos;
    const index = this.signed(33);
    return index >= 0n ? Number(index) : this.fail('bad block type', at);
  }
}

export interface FuncType {
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

export type ExternalKind = 'func' | 'table' | 'memory' | 'global' | 'tag';
const EXTERNAL_KINDS: readonly ExternalKind[] = ['func', 'table', 'memory', 'global', 'tag'];

export interface Import {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternalKind;
  /** For a function import, its type index. */
  readonly typeIndex: number;
  readonly offset: number;
}

export interface Limits {
  /** 0/1: without or with a maximum; 2/3 shared (threads); 4 and up: memory64 and others. */
  readonly flags: number;
  readonly min: number;
  readonly max: number | undefined;
}

export interface Table {
  readonly elemType: ValueType;
  readonly limits: Limits;
  readonly offset: number;
}

export interface Memory {
  readonly limits: Limits;
  readonly offset: number;
}

/** A constant expression: its operators without the final `end`. */
export interface ConstExpr {
  readonly ops: readonly Operator[];
  readonly offset: number;
}

export interface Global {
  readonly type: ValueType;
  readonly mutable: boolean;
  readonly init: ConstExpr;
  readonly offset: number;
}

export interface Export {
  readonly name: string;
  readonly kind: ExternalKind;
  readonly index: number;
  readonly offset: number;
}

export interface Element {
  readonly mode: 'active' | 'passive' | 'declared';
  readonly table: number;
  readonly offsetExpr: ConstExpr | undefined;
  /** True when the items are expressions rather than function indices. */
  readonly usesExpressions: boolean;
  readonly count: number;
  /** Bytes the whole segment takes in the section (nitro charges and limits by this). */
  readonly encodedLength: number;
  readonly offset: number;
}

export interface Data {
  readonly mode: 'active' | 'passive';
  readonly memory: number;
  readonly offsetExpr: ConstExpr | undefined;
  /** Bytes of data. */
  readonly size: number;
  /** Bytes the whole segment takes in the section (nitro's init cost uses this). */
  readonly encodedLength: number;
  readonly offset: number;
}

export interface Code {
  /** Runs of declared locals (parameters not included). */
  readonly locals: readonly { readonly count: number; readonly type: ValueType }[];
  /** The number of declared locals. */
  readonly localCount: number;
  /** The local declarations' bytes, copied as they are when the module is written back. */
  readonly localsStart: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly offset: number;
}

export interface Section {
  readonly id: number;
  /** Offset of the section id byte. */
  readonly offset: number;
  /** The payload's range. */
  readonly start: number;
  readonly end: number;
}

export interface WasmModule {
  readonly bytes: Uint8Array;
  readonly version: number;
  readonly sections: readonly Section[];
  readonly types: FuncType[];
  readonly imports: Import[];
  /** Type index of each function defined in the module. */
  readonly functions: number[];
  readonly tables: Table[];
  readonly memories: Memory[];
  readonly globals: Global[];
  readonly exports: Export[];
  start: number | undefined;
  readonly elements: Element[];
  readonly codes: Code[];
  readonly datas: Data[];
  /** The module name from the `name` custom section, if any. */
  moduleName: string | undefined;
}

/** Parses a module's sections. Function bodies are decoded later, by `decodeBody`. */
export function parseModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes);
  const magic = r.take(4);
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) r.fail('not a WebAssembly module', 0);
  const version = r.u8() | (r.u8() << 8) | (r.u8() << 16) | (r.u8() << 24);
  const module: WasmModule = {
    bytes,
    version,
    sections: [],
    types: [],
    imports: [],
    functions: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    start: undefined,
    elements: [],
    codes: [],
    datas: [],
    moduleName: undefined,
  };
  while (!r.done) {
    const offset = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) r.fail(`section ${id} runs past the end`, offset);
    const section = new Reader(bytes, start, start + size);
    (module.sections as Section[]).push({ id, offset, start, end: start + size });
    readSection(module, id, section);
    if (id !== SectionId.custom && !section.done && id < SectionId.dataCount) section.fail(`section ${id} has trailing bytes`);
    r.pos = start + size;
  }
  return module;
}

function vector(r: Reader, read: (offset: number) => void): void {
  const count = r.u32();
  for (let i = 0; i < count; i++) read(r.pos);
}

function readLimits(r: Reader): Limits {
  const flags = r.u32();
  const min = r.u32();
  const max = flags & 1 ? r.u32() : undefined;
  return { flags, min, max };
}

function readSection(m: WasmModule, id: number, r: Reader): void {
  switch (id) {
    case SectionId.custom:
      return readCustom(m, r);
    case SectionId.type:
      return vector(r, (offset) => {
        if (r.u8() !== 0x60) r.fail('type is not a function type', offset);
        const params = readTypes(r);
        m.types.push({ params, results: readTypes(r) });
      });
    case SectionId.import:
      return vector(r, (offset) => {
        const module = r.name();
        const name = r.name();
        const kindAt = r.pos;
        const kind = EXTERNAL_KINDS[r.u8()] ?? r.fail('unknown import kind', kindAt);
        let typeIndex = 0;
        if (kind === 'func') typeIndex = r.u32();
        else if (kind === 'table') (r.valueType(), readLimits(r));
        else if (kind === 'memory') readLimits(r);
        else if (kind === 'global') (r.valueType(), r.u8());
        else (r.u8(), r.u32());
        m.imports.push({ module, name, kind, typeIndex, offset });
      });
    case SectionId.function:
      return vector(r, () => m.functions.push(r.u32()));
    case SectionId.table:
      return vector(r, (offset) => m.tables.push({ elemType: r.valueType(), limits: readLimits(r), offset }));
    case SectionId.memory:
      return vector(r, (offset) => m.memories.push({ limits: readLimits(r), offset }));
    case SectionId.global:
      return vector(r, (offset) => {
        const type = r.valueType();
        const mutAt = r.pos;
        const mut = r.u8();
        if (mut > 1) r.fail('bad global mutability', mutAt);
        m.globals.push({ type, mutable: mut === 1, init: readConstExpr(r), offset });
      });
    case SectionId.export:
      return vector(r, (offset) => {
        const name = r.name();
        const kindAt = r.pos;
        const kind = EXTERNAL_KINDS[r.u8()] ?? r.fail('unknown export kind', kindAt);
        m.exports.push({ name, kind, index: r.u32(), offset });
      });
    case SectionId.start:
      m.start = r.u32();
      return;
    case SectionId.element:
      return vector(r, (offset) => m.elements.push(readElement(r, offset)));
    case SectionId.code:
      return vector(r, (offset) => m.codes.push(readCode(r, offset)));
    case SectionId.data:
      return vector(r, (offset) => m.datas.push(readData(r, offset)));
    default:
      return; // data count and unknown sections are recorded, and refused by the validator
  }
}

function readTypes(r: Reader): ValueType[] {
  const types: ValueType[] = [];
  vector(r, () => types.push(r.valueType()));
  return types;
}

/** Reads the module name from a `name` section; other custom sections are skipped. */
function readCustom(m: WasmModule, r: Reader): void {
  if (r.name() !== 'name') return;
  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    if (size > r.end - r.pos) r.fail('name subsection runs past its section');
    const sub = new Reader(r.bytes, r.pos, r.pos + size);
    if (id === 0) m.moduleName = sub.name();
    r.pos += size;
  }
}

const REF_NULL = 0xd0;
const REF_FUNC = 0xd2;

function readConstExpr(r: Reader): ConstExpr {
  const offset = r.pos;
  const ops: Operator[] = [];
  for (;;) {
    let op = decodeOperator(r);
    if (op.code === Op.end) return { ops, offset };
    if (op.code === REF_NULL || op.code === REF_FUNC) {
      // Element segment items may be references; they carry a heap type or a function index.
      const index = op.code === REF_NULL ? (r.valueType(), 0) : r.u32();
      op = { ...op, end: r.pos, index };
    } else if (!OPCODES.has(op.code)) r.fail(`opcode ${describeCode(op.code)} in a constant expression`, op.start);
    ops.push(op);
  }
}

function readElement(r: Reader, offset: number): Element {
  const flags = r.u32();
  if (flags > 7) r.fail('bad element segment flags', offset);
  const mode = flags & 1 ? (flags & 2 ? 'declared' : 'passive') : 'active';
  const table = flags & 2 && !(flags & 1) ? r.u32() : 0;
  const offsetExpr = mode === 'active' ? readConstExpr(r) : undefined;
  const usesExpressions = (flags & 4) !== 0;
  if (flags & 3) {
    // An element kind byte (0 = funcref) for index items, a reference type for expression items.
    if (usesExpressions) r.valueType();
    else if (r.u8() !== 0) r.fail('bad element kind', r.pos - 1);
  }
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    if (usesExpressions) readConstExpr(r);
    else r.u32();
  }
  return { mode, table, offsetExpr, usesExpressions, count, encodedLength: r.pos - offset, offset };
}

function readData(r: Reader, offset: number): Data {
  const flags = r.u32();
  if (flags > 2) r.fail('bad data segment flags', offset);
  const memory = flags === 2 ? r.u32() : 0;
  const offsetExpr = flags === 1 ? undefined : readConstExpr(r);
  const size = r.u32();
  r.take(size);
  return { mode: flags === 1 ? 'passive' : 'active', memory, offsetExpr, size, encodedLength: r.pos - offset, offset };
}

function readCode(r: Reader, offset: number): Code {
  const size = r.u32();
  const bodyEnd = r.pos + size;
  if (size > r.end - r.pos) r.fail('function body runs past its section', offset);
  const body = new Reader(r.bytes, r.pos, bodyEnd);
  const localsStart = body.pos;
  const locals: { count: number; type: ValueType }[] = [];
  let localCount = 0;
  vector(body, () => {
    const count = body.u32();
    localCount += count;
    locals.push({ count, type: body.valueType() });
  });
  r.pos = bodyEnd;
  return { locals, localCount, localsStart, bodyStart: body.pos, bodyEnd, offset };
}

/** The type of function `index`, counting imported functions first. */
export function functionType(m: WasmModule, index: number): FuncType | undefined {
  let imported = 0;
  for (const imp of m.imports) {
    if (imp.kind !== 'func') continue;
    if (imported++ === index) return m.types[imp.typeIndex];
  }
  const typeIndex = m.functions[index - imported];
  return typeIndex === undefined ? undefined : m.types[typeIndex];
}

// ---------------------------------------------------------------------------------------------
// Operators

/** One operator of a function body. Inserted operators have no bytes in the source (start -1). */
export interface Operator {
  /** The opcode byte, or `prefix << 8 | sub` for a 0xFC operator (sub < 256). */
  readonly code: number;
  readonly start: number;
  readonly end: number;
  /** The label, function, type, local or global index; for `br_table` the label count without the default. */
  readonly index: number;
  readonly blockType?: BlockType;
  /** `i32.const` and `i64.const`. */
  readonly value?: bigint;
}

type Immediate = 'none' | 'block' | 'index' | 'labels' | 'callIndirect' | 'memarg' | 'memory' | 'memory2' | 'i32' | 'i64' | 'f32' | 'f64';

/**
 * What the depth checker needs to know of an operator: in nitro's stack model (programs/depth.rs)
 * an operator first pushes, then pops, with pops stopping at zero. Blocks, `else`, `end`, `call`
 * and `call_indirect` have effects that depend on types and are handled by the checker.
 */
export interface OpcodeInfo {
  readonly name: string;
  readonly immediate: Immediate;
  readonly pops: number;
  readonly pushes: number;
}

/** The opcodes instrumentation emits, and those the checker and meter treat specially. */
export const Op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  globalGet: 0x23,
  globalSet: 0x24,
  memoryGrow: 0x40,
  i32Const: 0x41,
  i64Const: 0x42,
  i32LeU: 0x4d,
  i64LtU: 0x54,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64ExtendI32U: 0xad,
  memoryCopy: 0xfc0a,
  memoryFill: 0xfc0b,
} as const;

const OPCODE_LIST: [number, string, Immediate, number, number][] = [
  [0x00, 'unreachable', 'none', 0, 0],
  [0x01, 'nop', 'none', 0, 0],
  [0x02, 'block', 'block', 0, 0],
  [0x03, 'loop', 'block', 0, 0],
  [0x04, 'if', 'block', 1, 0],
  [0x05, 'else', 'none', 0, 0],
  [0x0b, 'end', 'none', 0, 0],
  [0x0c, 'br', 'index', 0, 0],
  [0x0d, 'br_if', 'index', 1, 0],
  [0x0e, 'br_table', 'labels', 1, 0],
  [0x0f, 'return', 'none', 0, 0],
  [0x10, 'call', 'index', 0, 0],
  [0x11, 'call_indirect', 'callIndirect', 1, 0],
  [0x1a, 'drop', 'none', 1, 0],
  [0x1b, 'select', 'none', 2, 0],
  [0x20, 'local.get', 'index', 0, 1],
  [0x21, 'local.set', 'index', 1, 0],
  [0x22, 'local.tee', 'index', 0, 0],
  [0x23, 'global.get', 'index', 0, 1],
  [0x24, 'global.set', 'index', 1, 0],
  ...names(0x28, 'i32.load i64.load f32.load f64.load i32.load8_s i32.load8_u i32.load16_s i32.load16_u', 'memarg', 0, 0),
  ...names(0x30, 'i64.load8_s i64.load8_u i64.load16_s i64.load16_u i64.load32_s i64.load32_u', 'memarg', 0, 0),
  ...names(0x36, 'i32.store i64.store f32.store f64.store i32.store8 i32.store16 i64.store8 i64.store16 i64.store32', 'memarg', 2, 0),
  [0x3f, 'memory.size', 'memory', 0, 1],
  [0x40, 'memory.grow', 'memory', 0, 0],
  [0x41, 'i32.const', 'i32', 0, 1],
  [0x42, 'i64.const', 'i64', 0, 1],
  [0x43, 'f32.const', 'f32', 0, 1],
  [0x44, 'f64.const', 'f64', 0, 1],
  [0x45, 'i32.eqz', 'none', 0, 0],
  ...names(0x46, 'i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u', 'none', 1, 0),
  [0x50, 'i64.eqz', 'none', 0, 0],
  ...names(0x51, 'i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u', 'none', 1, 0),
  ...names(0x5b, 'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge f64.eq f64.ne f64.lt f64.gt f64.le f64.ge', 'none', 1, 0),
  ...names(0x67, 'i32.clz i32.ctz i32.popcnt', 'none', 0, 0),
  ...names(0x6a, 'i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u', 'none', 1, 0),
  ...names(0x71, 'i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr', 'none', 1, 0),
  ...names(0x79, 'i64.clz i64.ctz i64.popcnt', 'none', 0, 0),
  ...names(0x7c, 'i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u', 'none', 1, 0),
  ...names(0x83, 'i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr', 'none', 1, 0),
  ...names(0x8b, 'f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt', 'none', 0, 0),
  ...names(0x92, 'f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign', 'none', 1, 0),
  ...names(0x99, 'f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt', 'none', 0, 0),
  ...names(0xa0, 'f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign', 'none', 1, 0),
  ...names(
    0xa7,
    'i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u i64.extend_i32_s i64.extend_i32_u ' +
      'i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u f32.convert_i32_s f32.convert_i32_u ' +
      'f32.convert_i64_s f32.convert_i64_u f32.demote_f64 f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s ' +
      'f64.convert_i64_u f64.promote_f32 i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64 ' +
      'i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s',
    'none',
    0,
    0,
  ),
  ...names(
    0xfc00,
    'i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u ' +
      'i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u',
    'none',
    0,
    0,
  ),
  [0xfc0a, 'memory.copy', 'memory2', 3, 0],
  [0xfc0b, 'memory.fill', 'memory', 3, 0],
];

function names(
  first: number,
  list: string,
  immediate: Immediate,
  pops: number,
  pushes: number,
): [number, string, Immediate, number, number][] {
  return list.split(' ').map((name, i) => [first + i, name, immediate, pops, pushes]);
}

/**
 * Every operator this reader decodes: the MVP, sign extension, saturating truncation and
 * `memory.copy`/`memory.fill`, which is exactly what a Stylus program may use.
 */
export const OPCODES: ReadonlyMap<number, OpcodeInfo> = new Map(
  OPCODE_LIST.map(([code, name, immediate, pops, pushes]) => [code, { name, immediate, pops, pushes }]),
);

/**
 * Dense tables over the opcodes, for the loops that visit every operator of a module: slot
 * `code` for a one-byte opcode, 256 + sub for a 0xFC one (sub < 256). IMMEDIATE_KIND holds
 * `IMMEDIATES.indexOf(kind)`, or UNKNOWN_OPCODE for an operator outside `OPCODES`.
 */
export const OPCODE_SLOTS = 512;
export const UNKNOWN_OPCODE = 255;
const IMMEDIATES: readonly Immediate[] = [
  'none',
  'block',
  'index',
  'labels',
  'callIndirect',
  'memarg',
  'memory',
  'memory2',
  'i32',
  'i64',
  'f32',
  'f64',
];

/** The dense slot of an opcode (see OPCODE_SLOTS). */
export function opcodeSlot(code: number): number {
  return code < 0x100 ? code : 0x100 | (code & 0xff);
}

/** Per slot: the immediate kind's index in IMMEDIATES, or UNKNOWN_OPCODE. */
const IMMEDIATE_KIND = new Uint8Array(OPCODE_SLOTS).fill(UNKNOWN_OPCODE);
/** Per slot: nitro's pushes and pops (OpcodeInfo). */
export const OPCODE_PUSHES = new Uint8Array(OPCODE_SLOTS);
export const OPCODE_POPS = new Uint8Array(OPCODE_SLOTS);
for (const [code, info] of OPCODES) {
  const slot = opcodeSlot(code);
  IMMEDIATE_KIND[slot] = IMMEDIATES.indexOf(info.immediate);
  OPCODE_PUSHES[slot] = info.pushes;
  OPCODE_POPS[slot] = info.pops;
}

/**
 * The operators of many function bodies in columns, with no object per operator: for operator
 * i, its opcode (as `Operator.code`), the offset of its first byte, its index immediate (as
 * `Operator.index`) and whether it is a block with a result. Function f's operators are
 * `first[f]` up to `first[f + 1]`; an operator ends where the next begins, the last at its
 * body's end.
 */
export class OperatorColumns {
  count = 0;
  code: Int32Array;
  start: Int32Array;
  index: Uint32Array;
  hasResult: Uint8Array;
  readonly first: number[] = [0];

  constructor(capacity: number) {
    capacity = Math.max(capacity, 16);
    this.code = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.index = new Uint32Array(capacity);
    this.hasResult = new Uint8Array(capacity);
  }

  private grow(): void {
    const size = this.code.length * 2;
    const widen = <T extends Int32Array | Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.code = widen(this.code, (n) => new Int32Array(n));
    this.start = widen(this.start, (n) => new Int32Array(n));
    this.index = widen(this.index, (n) => new Uint32Array(n));
    this.hasResult = widen(this.hasResult, (n) => new Uint8Array(n));
  }

  push(code: number, start: number, index: number, hasResult: boolean): void {
    if (this.count === this.code.length) this.grow();
    const i = this.count++;
    this.code[i] = code;
    this.start[i] = start;
    this.index[i] = index;
    this.hasResult[i] = hasResult ? 1 : 0;
  }

  /** Closes the current function's operators. */
  endFunction(): void {
    this.first.push(this.count);
  }

  /** Drops the operators pushed since the last `endFunction`. */
  discardFunction(): void {
    this.count = this.first.at(-1)!;
  }

  /** Drops the last function closed with `endFunction`, with its operators. */
  dropLastFunction(): void {
    this.first.pop();
    this.discardFunction();
  }

  /** Appends decoded operators as one function. */
  pushOperators(ops: readonly Operator[]): void {
    for (const op of ops) this.push(op.code, op.start, op.index, op.blockType !== undefined && op.blockType !== null);
    this.endFunction();
  }
}

/**
 * Decodes a function body into `out` in one pass over its bytes, for the common case: every
 * operator in `OPCODES`, block types empty or one number type, integers in their shortest
 * encodings of at most 4 bytes (9 for i64.const). Returns false at anything else, with nothing
 * of this body kept; `decodeBody` then decodes it with every check and its exact error.
 */
export function decodeBodyInto(bytes: Uint8Array, code: Code, out: OperatorColumns): boolean {
  let pos = code.bodyStart;
  const end = code.bodyEnd;
  let last = -1;
  // An unsigned LEB128 of at most 4 bytes (28 bits), else -1.
  const leb = (): number => {
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) return -1;
      const byte = bytes[pos++]!;
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    return -1;
  };
  // Skips a LEB128 of at most `max` bytes; false if longer or cut off.
  const skip = (max: number): boolean => {
    for (let n = 0; n < max; n++) {
      if (pos >= end) return false;
      if (bytes[pos++]! < 0x80) return true;
    }
    return false;
  };
  while (pos < end) {
    const start = pos;
    let op = bytes[pos++]!;
    if (op === 0xfc) {
      const sub = leb();
      if (sub < 0 || sub > 0xff) return fallBack(out);
      op = 0xfc00 | sub;
    }
    let index = 0;
    let hasResult = false;
    switch (IMMEDIATE_KIND[opcodeSlot(op)]) {
      case 0: // none
        break;
      case 1: {
        // block: empty (0x40) or one of i32, i64, f32, f64
        if (pos >= end) return fallBack(out);
        const type = bytes[pos++]!;
        if (type !== 0x40) {
          if (type < 0x7c || type > 0x7f) return fallBack(out);
          hasResult = true;
        }
        break;
      }
      case 2: // index
        if ((index = leb()) < 0) return fallBack(out);
        break;
      case 3: {
        // labels
        if ((index = leb()) < 0) return fallBack(out);
        for (let i = 0; i <= index; i++) if (leb() < 0) return fallBack(out);
        break;
      }
      case 4: // callIndirect: type, table
      case 5: // memarg: alignment, offset
      case 7: // memory2
        if ((index = leb()) < 0 || leb() < 0) return fallBack(out);
        if (op !== Op.callIndirect) index = 0;
        break;
      case 6: // memory
        if (leb() < 0) return fallBack(out);
        break;
      case 8: // i32
        if (!skip(4)) return fallBack(out);
        break;
      case 9: // i64
        if (!skip(9)) return fallBack(out);
        break;
      case 10: // f32
      case 11: // f64
        pos += op === 0x43 ? 4 : 8;
        if (pos > end) return fallBack(out);
        break;
      default:
        return fallBack(out);
    }
    out.push(op, start, index, hasResult);
    last = op;
  }
  if (last !== Op.end) return fallBack(out);
  out.endFunction();
  return true;
}

function fallBack(out: OperatorColumns): false {
  out.discardFunction();
  return false;
}

/** `0x6a (i32.add)`, or just the hex for an operator this reader does not know. */
export function describeCode(code: number): string {
  const hex = code > 0xff ? `0x${(code >> 8).toString(16)} ${code & 0xff}` : `0x${code.toString(16).padStart(2, '0')}`;
  const info = OPCODES.get(code);
  return info === undefined ? hex : `${hex} (${info.name})`;
}

/**
 * Decodes one operator. An opcode outside `OPCODES` is returned with only its opcode read (its
 * immediates are unknown, so decoding cannot continue past it); the validator refuses it.
 */
export function decodeOperator(r: Reader): Operator {
  const start = r.pos;
  let code = r.u8();
  if (code === 0xfc) {
    const sub = r.u32();
    code = sub < 0x100 ? 0xfc00 | sub : 0xfcff;
  }
  const info = OPCODES.get(code);
  let index = 0;
  let blockType: BlockType | undefined;
  let value: bigint | undefined;
  switch (info?.immediate) {
    case 'block':
      blockType = r.blockType();
      break;
    case 'index':
      index = r.u32();
      break;
    case 'labels':
      index = r.u32();
      for (let i = 0; i <= index; i++) r.u32();
      break;
    case 'callIndirect':
      index = r.u32();
      r.u32(); // table index
      break;
    case 'memarg':
      r.u32(); // alignment; a memory index flag (bit 6) needs multi-memory, which V8 refuses without it
      r.u32();
      break;
    case 'memory2':
      r.u32();
      r.u32();
      break;
    case 'memory':
      r.u32();
      break;
    case 'i32':
      value = BigInt(r.s32());
      break;
    case 'i64':
      value = r.s64();
      break;
    case 'f32':
      r.take(4);
      break;
    case 'f64':
      r.take(8);
      break;
  }
  return { code, start, end: r.pos, index, blockType, value };
}

/**
 * Decodes a function body. Stops after the first operator `decodeOperator` cannot size, which
 * the validator then refuses; otherwise the last operator must be an `end` at the body's end.
 */
export function decodeBody(m: WasmModule, code: Code): Operator[] {
  const r = new Reader(m.bytes, code.bodyStart, code.bodyEnd);
  const ops: Operator[] = [];
  while (!r.done) {
    const op = decodeOperator(r);
    ops.push(op);
    if (!OPCODES.has(op.code)) return ops;
  }
  if (ops.at(-1)?.code !== Op.end) r.fail('function body does not end with end', code.bodyEnd);
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A growable byte buffer with the binary format's integer encodings. */
export class Writer {
  private buf: Uint8Array;
  length = 0;

  /** `capacity`: the bytes to make room for at first (it grows as needed). */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(capacity, 16));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(byte: number): this {
    this.reserve(1);
    this.buf[this.length++] = byte;
    return this;
  }

  bytes(bytes: Uint8Array): this {
    const n = bytes.length;
    this.reserve(n);
    if (n <= 16) {
      // A few bytes: a loop is cheaper than TypedArray.set's call.
      const buf = this.buf;
      for (let i = 0; i < n; i++) buf[this.length + i] = bytes[i]!;
    } else this.buf.set(bytes, this.length);
    this.length += n;
    return this;
  }

  u32(value: number): this {
    if (value >= 0 && value < 0x80 && this.length < this.buf.length) {
      this.buf[this.length++] = value;
      return this;
    }
    do {
      const byte = value % 0x80;
      value = Math.floor(value / 0x80);
      this.u8(value === 0 ? byte : byte | 0x80);
    } while (value !== 0);
    return this;
  }

  /** Signed LEB128 of a value that fits 64 bits (s32 values too). */
  signed(value: bigint): this {
    for (;;) {
      const byte = Number(value & 0x7fn);
      value >>= 7n;
      const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
      this.u8(done ? byte : byte | 0x80);
      if (done) return this;
    }
  }

  /** Signed LEB128 of a safe integer. */
  signedNumber(value: number): this {
    for (;;) {
      const byte = value - Math.floor(value / 0x80) * 0x80; // value mod 128, also for negatives
      value = Math.floor(value / 0x80);
      const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
      this.u8(done ? byte : byte | 0x80);
      if (done) return this;
    }
  }

  name(text: string): this {
    const bytes = new TextEncoder().encode(text);
    return this.u32(bytes.length).bytes(bytes);
  }

  valueType(type: ValueType): this {
    return this.u8(VALUE_TYPE_CODES.get(type)!);
  }

  /** Appends a section with its id and size. */
  section(id: number, payload: Writer): this {
    return this.u8(id).u32(payload.length).bytes(payload.view());
  }

  /** A copy of the bytes written. */
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** The bytes written, without a copy: valid until the next write. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
