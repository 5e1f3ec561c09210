/**
 * The activation checks a Stylus program must pass before it is instrumented (docs/wasm-notes.md
 * §2.1), after OffchainLabs/nitro crates/prover/src/binary.rs `parse_with_version` and
 * `parse_user`, programs/depth.rs, programs/heap.rs and machine.rs `from_binary`. Type checking
 * of code is left to V8, which revalidates the instrumented module; everything V8 would accept
 * but nitro refuses (SIMD, threads, reference types, multi-value, tail calls, …) is refused here.
 */
import {
  type Code,
  type ConstExpr,
  decodeBody,
  decodeBodyInto,
  describeCode,
  type FuncType,
  functionType,
  type Memory,
  Op,
  OPCODES,
  type Operator,
  OperatorColumns,
  parseModule,
  SectionId,
  type ValueType,
  type WasmModule,
} from './binary.js';
import { hostSignature } from './hostio.js';
import { ProgramError } from './program-error.js';

/** Count limits of `parse_user` (anti-DoS; exceeding one refuses the program). */
export const LIMITS = {
  dataSegments: 128,
  elementSegments: 128,
  functions: 4096,
  /** Globals including the four that instrumentation adds. */
  globals: 32768,
  localsPerFunction: 348,
  /** Operators per function after instrumentation (checked in instrument.ts). */
  operatorsPerFunction: 65536,
  imports: 513,
  tableEntries: 4096,
  /** nitro sums each element segment's encoded length in bytes (wasmparser `Element::range`). */
  elementBytes: 4096,
  nameLength: 512,
} as const;

/** The most pages a program may start with, whatever the transaction has left (`heap_bound`). */
export const HEAP_BOUND_PAGES = 128;

/** Globals added by instrumentation: ink left, ink status, scratch, stack left. */
export const ADDED_GLOBALS = 4;

export const ENTRYPOINT = 'user_entrypoint';

export interface ValidateOptions {
  /** Pages the program may start with: 128 minus the pages already open in the transaction. */
  readonly pageLimit: number;
  /** Whether the `console` and `debug` host modules are linked. */
  readonly debug: boolean;
}

/** A module that passed the checks, with its function bodies decoded. */
export interface CheckedModule {
  readonly module: WasmModule;
  /** The operators of every function body, function i's as `bodies.first[i]` up to `bodies.first[i + 1]`. */
  readonly bodies: OperatorColumns;
  readonly memory: Memory;
  /** Function index of `vm_hooks.pay_for_memory_grow` when the memory can grow, else undefined. */
  readonly payForMemoryGrow: number | undefined;
}

function refuse(message: string): never {
  throw new ProgramError(message);
}

const NUMERIC: ReadonlySet<ValueType> = new Set(['i32', 'i64', 'f32', 'f64']);

function checkValueType(type: ValueType, where: string): void {
  if (type === 'v128') refuse(`module uses SIMD (value type v128 ${where})`);
  if (!NUMERIC.has(type)) refuse(`module uses reference types (value type ${type} ${where})`);
}

/** Runs every check; throws ProgramError with the first reason found. */
export function validateModule(bytes: Uint8Array, options: ValidateOptions): CheckedModule {
  const m = parseModule(bytes);
  if (m.version !== 1) refuse(`unsupported WebAssembly version ${m.version}`);
  checkSections(m);
  checkTypes(m);
  checkImports(m, options.debug);
  for (const [i, typeIndex] of m.functions.entries()) {
    if (m.types[typeIndex] === undefined) refuse(`function ${importedFunctions(m) + i} has unknown type ${typeIndex}`);
  }
  if (m.functions.length !== m.codes.length) refuse(`${m.functions.length} functions declared but ${m.codes.length} bodies`);
  if (m.codes.length > LIMITS.functions) refuse(`too many functions: ${m.codes.length} > ${LIMITS.functions}`);
  checkTables(m);
  const memory = checkMemory(m, options.pageLimit);
  checkGlobals(m);
  checkExports(m);
  if (m.start !== undefined) refuse(`start function (${m.start}) not allowed`);
  checkElements(m);
  checkDatas(m, memory);
  if (m.moduleName !== undefined && new TextEncoder().encode(m.moduleName).length > LIMITS.nameLength) {
    refuse(`module name too long: more than ${LIMITS.nameLength} bytes`);
  }
  const bodies = checkCodes(m);
  return { module: m, bodies, memory, payForMemoryGrow: payForMemoryGrow(m, memory) };
}

function importedFunctions(m: WasmModule): number {
  return m.imports.filter((imp) => imp.kind === 'func').length;
}

function checkSections(m: WasmModule): void {
  for (const section of m.sections) {
    if (section.id === SectionId.dataCount) {
      refuse(`unsupported section: data count (id 12) at byte ${section.offset}`);
    }
    if (section.id > SectionId.dataCount) refuse(`unsupported section id ${section.id} at byte ${section.offset}`);
  }
}

function checkTypes(m: WasmModule): void {
  for (const [i, type] of m.types.entries()) {
    for (const value of [...type.params, ...type.results]) checkValueType(value, `in type ${i}`);
    if (type.results.length > 1) refuse(`module uses multi-value (type ${i} has ${type.results.length} results)`);
  }
}

/** `(i32, i64) -> i32` */
export function formatType(type: { readonly params: readonly string[]; readonly results: readonly string[] }): string {
  return `(${type.params.join(', ')}) -> ${type.results.length === 1 ? type.results[0] : `(${type.results.join(', ')})`}`;
}

function sameType(a: FuncType, b: { readonly params: readonly string[]; readonly results: readonly string[] }): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}

function checkImports(m: WasmModule, debug: boolean): void {
  if (m.imports.length > LIMITS.imports) refuse(`too many imports: ${m.imports.length} > ${LIMITS.imports}`);
  for (const imp of m.imports) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.kind !== 'func') refuse(`import ${name} is a ${imp.kind}; only functions may be imported (byte ${imp.offset})`);
    if (imp.name.startsWith('stylus')) refuse(`import ${name} uses the reserved prefix "stylus"`);
    const host = hostSignature(imp.module, imp.name, debug);
    if (host === undefined) refuse(`import ${name} is not a host function`);
    const type = m.types[imp.typeIndex];
    if (type === undefined) refuse(`import ${name} has unknown type ${imp.typeIndex}`);
    if (!sameType(type, host)) refuse(`import ${name} has type ${formatType(type)} but the host function is ${formatType(host)}`);
  }
}

function checkTables(m: WasmModule): void {
  if (m.tables.length > 1) refuse(`module uses reference types (${m.tables.length} tables)`);
  let entries = 0;
  for (const table of m.tables) {
    if (table.elemType !== 'funcref') refuse(`module uses reference types (table of ${table.elemType} at byte ${table.offset})`);
    if (table.limits.flags > 1) refuse(`unsupported table limits at byte ${table.offset}`);
    entries += table.limits.min;
  }
  if (entries > LIMITS.tableEntries) refuse(`too many table entries: ${entries} > ${LIMITS.tableEntries}`);
}

function checkMemory(m: WasmModule, pageLimit: number): Memory {
  const memory = m.memories[0];
  if (memory === undefined) refuse('missing memory exported as "memory"');
  if (m.memories.length > 1) refuse(`module uses multiple memories (${m.memories.length})`);
  const { flags, min } = memory.limits;
  if (flags === 2 || flags === 3) refuse(`module uses threads (shared memory at byte ${memory.offset})`);
  if (flags > 3) refuse(`unsupported memory limits (flags ${flags}) at byte ${memory.offset}`);
  if (min > HEAP_BOUND_PAGES) refuse(`memory of ${min} pages exceeds the bound of ${HEAP_BOUND_PAGES} pages`);
  if (min > pageLimit) refuse(`memory of ${min} pages exceeds the limit of ${pageLimit} pages`);
  return memory;
}

/** The single constant of an expression, or a refusal naming where it was. */
function constant(expr: ConstExpr, allowed: readonly number[], what: string): Operator {
  const [op, extra] = expr.ops;
  if (op === undefined || extra !== undefined || !allowed.includes(op.code)) {
    const found = expr.ops.map((o) => OPCODES.get(o.code)?.name ?? describeCode(o.code)).join(', ') || 'nothing';
    refuse(`${what} must be a single constant, found ${found} (byte ${expr.offset})`);
  }
  return op;
}

function checkGlobals(m: WasmModule): void {
  const total = m.globals.length + ADDED_GLOBALS;
  if (total > LIMITS.globals) refuse(`too many globals: ${total} (with ${ADDED_GLOBALS} added) > ${LIMITS.globals}`);
  for (const [i, global] of m.globals.entries()) {
    checkValueType(global.type, `of global ${i}`);
    constant(global.init, [Op.i32Const, Op.i64Const, 0x43, 0x44], `initializer of global ${i}`);
  }
}

function checkExports(m: WasmModule): void {
  // nitro refuses an export whose last `__`-separated part is reserved or names an import.
  const importNames = new Set(m.imports.map((imp) => imp.name));
  for (const exp of m.exports) {
    const last = exp.name.split('__').at(-1)!;
    if (last.startsWith('stylus')) refuse(`export ${exp.name} uses the reserved prefix "stylus"`);
    if (importNames.has(last)) refuse(`export ${exp.name} has the name of an import (${last})`);
  }
  const entry = m.exports.find((exp) => exp.name === ENTRYPOINT);
  if (entry === undefined) refuse(`missing export ${ENTRYPOINT}`);
  if (entry.kind !== 'func') refuse(`export ${ENTRYPOINT} must be a function, not a ${entry.kind}`);
  const type = functionType(m, entry.index);
  if (type === undefined) refuse(`export ${ENTRYPOINT} names unknown function ${entry.index}`);
  if (!sameType(type, { params: ['i32'], results: ['i32'] })) {
    refuse(`export ${ENTRYPOINT} must have type (i32) -> i32, not ${formatType(type)}`);
  }
  const memory = m.exports.find((exp) => exp.name === 'memory');
  if (memory === undefined || memory.kind !== 'memory' || memory.index !== 0) refuse('missing memory exported as "memory"');
}

function checkElements(m: WasmModule): void {
  if (m.elements.length > LIMITS.elementSegments) {
    refuse(`too many element segments: ${m.elements.length} > ${LIMITS.elementSegments}`);
  }
  const bytes = m.elements.reduce((sum, e) => sum + e.encodedLength, 0);
  if (bytes > LIMITS.elementBytes) refuse(`element segments too large: ${bytes} bytes > ${LIMITS.elementBytes}`);
  for (const [i, element] of m.elements.entries()) {
    if (element.mode !== 'active') continue; // passive and declared segments are never applied
    const table = m.tables[element.table];
    if (table === undefined) refuse(`element segment ${i} names missing table ${element.table}`);
    if (element.usesExpressions) refuse(`element segment ${i} uses expressions (byte ${element.offset})`);
    const offset = Number(constant(element.offsetExpr!, [Op.i32Const], `offset of element segment ${i}`).value);
    if (offset < 0 || offset + element.count > table.limits.min) {
      refuse(`element segment ${i} (offset ${offset}, ${element.count} entries) is outside the table of ${table.limits.min}`);
    }
  }
}

const PAGE_BYTES = 65536;

function checkDatas(m: WasmModule, memory: Memory): void {
  if (m.datas.length > LIMITS.dataSegments) refuse(`too many data segments: ${m.datas.length} > ${LIMITS.dataSegments}`);
  const size = memory.limits.min * PAGE_BYTES;
  for (const [i, data] of m.datas.entries()) {
    if (data.mode !== 'active') continue; // passive segments are ignored
    if (data.memory !== 0) refuse(`data segment ${i} names missing memory ${data.memory}`);
    const offset = Number(constant(data.offsetExpr!, [Op.i32Const], `offset of data segment ${i}`).value);
    if (offset < 0 || offset + data.size > size) {
      refuse(`data segment ${i} (offset ${offset}, ${data.size} bytes) is outside the initial memory of ${size} bytes`);
    }
  }
}

const REFUSED_OPERATORS: ReadonlyMap<number, [feature: string, name: string]> = new Map([
  ...refused('exception handling', [
    [0x06, 'try'],
    [0x07, 'catch'],
    [0x08, 'throw'],
    [0x09, 'rethrow'],
    [0x0a, 'throw_ref'],
    [0x18, 'delegate'],
    [0x19, 'catch_all'],
    [0x1f, 'try_table'],
  ]),
  ...refused('tail calls', [
    [0x12, 'return_call'],
    [0x13, 'return_call_indirect'],
  ]),
  ...refused('typed function references', [
    [0x14, 'call_ref'],
    [0x15, 'return_call_ref'],
    [0xd4, 'ref.as_non_null'],
    [0xd5, 'br_on_null'],
    [0xd6, 'br_on_non_null'],
  ]),
  ...refused('reference types', [
    [0x1c, 'select t'],
    [0x25, 'table.get'],
    [0x26, 'table.set'],
    [0xd0, 'ref.null'],
    [0xd1, 'ref.is_null'],
    [0xd2, 'ref.func'],
    [0xd3, 'ref.eq'],
  ]),
  ...refused('bulk memory beyond memory.copy and memory.fill', [
    [0xfc08, 'memory.init'],
    [0xfc09, 'data.drop'],
    [0xfc0c, 'table.init'],
    [0xfc0d, 'elem.drop'],
    [0xfc0e, 'table.copy'],
    [0xfc0f, 'table.grow'],
    [0xfc10, 'table.size'],
    [0xfc11, 'table.fill'],
  ]),
  ...refused('GC', [[0xfb, 'a GC operator']]),
  ...refused('SIMD', [[0xfd, 'a SIMD operator']]),
  ...refused('threads', [[0xfe, 'an atomic operator']]),
]);

function refused(feature: string, ops: [number, string][]): [number, [string, string]][] {
  return ops.map(([code, name]) => [code, [feature, name]]);
}

/**
 * Decodes and checks every function body. The common case takes one pass over the bytes into
 * columns (`decodeBodyInto`) and a check of the call targets; a body that pass does not take
 * goes through `checkCode`, which decodes it operator by operator and refuses it with the reason,
 * or accepts it.
 */
function checkCodes(m: WasmModule): OperatorColumns {
  const imported = importedFunctions(m);
  const functions = imported + m.functions.length;
  let size = 0;
  for (const code of m.codes) size += code.bodyEnd - code.bodyStart;
  const out = new OperatorColumns(size); // an operator takes at least a byte
  for (const [i, code] of m.codes.entries()) {
    if (code.localCount <= LIMITS.localsPerFunction && localsArePlain(code) && decodeBodyInto(m.bytes, code, out)) {
      if (callsAreKnown(out, functions, m.types.length)) continue;
      out.dropLastFunction();
    }
    out.pushOperators(checkCode(m, code, imported + i));
  }
  return out;
}

function localsArePlain(code: Code): boolean {
  for (const local of code.locals) if (!NUMERIC.has(local.type)) return false;
  return true;
}

/** Whether every call of the last function in `ops` names a function and every call_indirect a type. */
function callsAreKnown(ops: OperatorColumns, functions: number, types: number): boolean {
  for (let i = ops.first.at(-2)!; i < ops.count; i++) {
    const code = ops.code[i];
    if (code === Op.call && ops.index[i]! >= functions) return false;
    if (code === Op.callIndirect && ops.index[i]! >= types) return false;
  }
  return true;
}

function checkCode(m: WasmModule, code: Code, func: number): Operator[] {
  for (const local of code.locals) checkValueType(local.type, `in the locals of function ${func}`);
  if (code.localCount > LIMITS.localsPerFunction) {
    refuse(`too many locals in function ${func}: ${code.localCount} > ${LIMITS.localsPerFunction}`);
  }
  const ops = decodeBody(m, code);
  for (const op of ops) {
    const where = `at byte ${op.start} in function ${func}`;
    if (!OPCODES.has(op.code)) {
      const reason = REFUSED_OPERATORS.get(op.code);
      const hex = op.code > 0xff ? `0xfc ${op.code & 0xff}` : `0x${op.code.toString(16).padStart(2, '0')}`;
      if (reason === undefined) refuse(`unknown opcode ${hex} ${where}`);
      refuse(`module uses ${reason[0]} (${reason[1]}, opcode ${hex} ${where})`);
    }
    if (typeof op.blockType === 'number') refuse(`module uses multi-value (block type ${op.blockType} ${where})`);
    if (typeof op.blockType === 'string') checkValueType(op.blockType, `as a block type ${where}`);
    if (op.code === Op.call && functionType(m, op.index) === undefined) refuse(`call to unknown function ${op.index} ${where}`);
    if (op.code === Op.callIndirect && m.types[op.index] === undefined) refuse(`call_indirect of unknown type ${op.index} ${where}`);
  }
  return ops;
}

/** The pay_for_memory_grow import a growable memory needs (nitro programs/heap.rs). */
function payForMemoryGrow(m: WasmModule, memory: Memory): number | undefined {
  const { min, max } = memory.limits;
  if (max === min) return undefined;
  const functions = m.imports.filter((imp) => imp.kind === 'func');
  const index = functions.findIndex((imp) => imp.module === 'vm_hooks' && imp.name === 'pay_for_memory_grow');
  if (index < 0) {
    refuse(`memory can grow (${min} to ${max ?? 'unbounded'} pages) but vm_hooks.pay_for_memory_grow is not imported`);
  }
  return index;
}
