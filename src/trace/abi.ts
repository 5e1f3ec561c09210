/**
 * The Solidity contract ABI, read side: signatures, selectors and topics from ABI JSON, and
 * decoding of call data, return data, revert data and event logs into display text (values as
 * Foundry prints them in a trace: decimal numbers, checksummed addresses, quoted strings, `[..]`
 * arrays and `(..)` tuples). Decoding never trusts the data: offsets and lengths are checked
 * against its size, so hostile return data gives an `AbiDecodeError`, never a huge allocation.
 */
import { checksumAddress, bytesToAddress } from '../primitives/address.js';
import { bytesToBigint, bytesToHex } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';

/** One parameter of an ABI entry, as the compiler writes it. */
export interface AbiParam {
  name?: string;
  type: string;
  indexed?: boolean;
  components?: readonly AbiParam[];
}

/** One entry of an ABI (functions, events and errors are the ones decoded). */
export interface AbiItem {
  type: string;
  name?: string;
  inputs?: readonly AbiParam[];
  outputs?: readonly AbiParam[];
  anonymous?: boolean;
}

export class AbiDecodeError extends Error {}

/** A parsed type: elementary, a tuple, or an array (length undefined when dynamic). */
type AbiType =
  | { kind: 'uint' | 'int'; bits: number }
  | { kind: 'address' | 'bool' | 'bytes' | 'string' | 'function' }
  | { kind: 'fixedBytes'; size: number }
  | { kind: 'tuple'; components: { name: string; type: AbiType }[] }
  | { kind: 'array'; element: AbiType; length: number | undefined };

/** Reads `param.type` (with `components` for tuples) into an AbiType; throws on types Solidity has not. */
function parseType(type: string, components: readonly AbiParam[] | undefined): AbiType {
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array !== null) {
    const length = array[2] === '' ? undefined : Number(array[2]);
    if (length !== undefined && !(length > 0 && length <= 1_000_000)) throw new AbiDecodeError(`array length out of range in ${type}`);
    return { kind: 'array', element: parseType(array[1]!, components), length };
  }
  if (type === 'tuple') {
    return { kind: 'tuple', components: (components ?? []).map((c) => ({ name: c.name ?? '', type: parseType(c.type, c.components) })) };
  }
  if (type === 'address' || type === 'bool' || type === 'bytes' || type === 'string' || type === 'function') return { kind: type };
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer !== null) {
    const bits = integer[2] === '' ? 256 : Number(integer[2]);
    if (bits % 8 !== 0 || bits < 8 || bits > 256) throw new AbiDecodeError(`no such integer type: ${type}`);
    return { kind: integer[1] === 'u' ? 'uint' : 'int', bits };
  }
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed !== null && Number(fixed[1]) >= 1 && Number(fixed[1]) <= 32) return { kind: 'fixedBytes', size: Number(fixed[1]) };
  // Enums and contracts appear as their ABI types already; user-defined value types too.
  throw new AbiDecodeError(`unsupported ABI type: ${type}`);
}

/** The canonical type string of a parameter: tuples spelled out, for signatures. */
export function canonicalType(param: AbiParam): string {
  const array = /^tuple((\[\d*\])*)$/.exec(param.type);
  if (array !== null) return `(${(param.components ?? []).map(canonicalType).join(',')})${array[1]}`;
  return param.type;
}

/** `name(type1,type2)` of a function, event or error. */
export function signature(item: AbiItem): string {
  return `${item.name ?? ''}(${(item.inputs ?? []).map(canonicalType).join(',')})`;
}

/** The 4-byte selector of a function or error, as a number. */
export function selectorOf(item: AbiItem): number {
  return selectorOfSignature(signature(item));
}

/** The 4-byte selector of a signature such as `transfer(address,uint256)`, as a number. */
export function selectorOfSignature(text: string): number {
  return selectorOfData(keccak256(new TextEncoder().encode(text)))!;
}

/** The first topic of a (non-anonymous) event, as hex. */
export function topicOf(item: AbiItem): string {
  return bytesToHex(keccak256(new TextEncoder().encode(signature(item))));
}

/** The selector of call or revert data, or undefined when shorter than 4 bytes. */
export function selectorOfData(data: Uint8Array): number | undefined {
  if (data.length < 4) return undefined;
  return ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
}

function isDynamic(type: AbiType): boolean {
  switch (type.kind) {
    case 'bytes':
    case 'string':
      return true;
    case 'array':
      return type.length === undefined || isDynamic(type.element);
    case 'tuple':
      return type.components.some((c) => isDynamic(c.type));
    default:
      return false;
  }
}

/** Bytes a value of a static type takes in the head (32 for every dynamic type). */
function headSize(type: AbiType): number {
  if (isDynamic(type)) return 32;
  if (type.kind === 'array') return type.length! * headSize(type.element);
  if (type.kind === 'tuple') return type.components.reduce((sum, c) => sum + headSize(c.type), 0);
  return 32;
}

function word(data: Uint8Array, at: number): Uint8Array {
  if (at < 0 || at + 32 > data.length) throw new AbiDecodeError(`data too short: a word at byte ${at} of ${data.length}`);
  return data.subarray(at, at + 32);
}

/** A word used as an offset or a length: must fit in the data. */
function smallWord(data: Uint8Array, at: number, what: string): number {
  const value = bytesToBigint(word(data, at));
  if (value > BigInt(data.length)) throw new AbiDecodeError(`${what} ${value} at byte ${at} is beyond the data (${data.length} bytes)`);
  return Number(value);
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** One value at `at` (its head) within `data`, whose offsets count from `base`. */
function decodeValue(type: AbiType, data: Uint8Array, base: number, at: number): string {
  if (isDynamic(type)) {
    const start = base + smallWord(data, at, 'offset');
    return decodeAt(type, data, start);
  }
  return decodeAt(type, data, at);
}

/** A value whose encoding starts at `start` (tail of a dynamic value, or inline for a static one). */
function decodeAt(type: AbiType, data: Uint8Array, start: number): string {
  switch (type.kind) {
    case 'uint': {
      const value = bytesToBigint(word(data, start));
      if (type.bits < 256 && value >> BigInt(type.bits) !== 0n) throw new AbiDecodeError(`uint${type.bits} out of range at byte ${start}`);
      return value.toString(10);
    }
    case 'int': {
      let value = bytesToBigint(word(data, start));
      if (value >> 255n === 1n) value -= 1n << 256n;
      const limit = 1n << BigInt(type.bits - 1);
      if (value < -limit || value >= limit) throw new AbiDecodeError(`int${type.bits} out of range at byte ${start}`);
      return value.toString(10);
    }
    case 'address': {
      const w = word(data, start);
      if (w.subarray(0, 12).some((b) => b !== 0)) throw new AbiDecodeError(`address with high bytes set at byte ${start}`);
      return checksumAddress(bytesToAddress(w.subarray(12)));
    }
    case 'bool': {
      const value = bytesToBigint(word(data, start));
      if (value > 1n) throw new AbiDecodeError(`bool neither 0 nor 1 at byte ${start}`);
      return value === 1n ? 'true' : 'false';
    }
    case 'fixedBytes':
      return bytesToHex(word(data, start).subarray(0, type.size));
    case 'function':
      return bytesToHex(word(data, start).subarray(0, 24));
    case 'bytes':
    case 'string': {
      const length = smallWord(data, start, 'length');
      if (start + 32 + length > data.length)
        throw new AbiDecodeError(`${type.kind} of ${length} bytes at byte ${start} runs past the data`);
      const bytes = data.subarray(start + 32, start + 32 + length);
      return type.kind === 'bytes' ? bytesToHex(bytes) : quote(new TextDecoder().decode(bytes));
    }
    case 'array': {
      let length = type.length;
      let head = start;
      if (length === undefined) {
        length = smallWord(data, start, 'array length');
        head = start + 32;
      }
      // Each element takes at least a word of head: a length the data cannot hold is refused before any loop.
      if (head + length * headSize(type.element) > data.length) {
        throw new AbiDecodeError(`array of ${length} at byte ${start} runs past the data`);
      }
      const items: string[] = [];
      for (let i = 0; i < length; i++) items.push(decodeValue(type.element, data, head, head + i * headSize(type.element)));
      return `[${items.join(', ')}]`;
    }
    case 'tuple':
      return `(${decodeTuple(
        type.components.map((c) => c.type),
        data,
        start,
      ).join(', ')})`;
  }
}

/** The values of a tuple whose encoding starts at `start`. */
function decodeTuple(types: readonly AbiType[], data: Uint8Array, start: number): string[] {
  const out: string[] = [];
  let head = start;
  for (const type of types) {
    out.push(decodeValue(type, data, start, head));
    head += headSize(type);
  }
  return out;
}

function types(params: readonly AbiParam[]): AbiType[] {
  return params.map((p) => parseType(p.type, p.components));
}

/** Decodes an ABI-encoded parameter list (call arguments after the selector, or return data). */
export function decodeParams(params: readonly AbiParam[], data: Uint8Array): string[] {
  return decodeTuple(types(params), data, 0);
}

/** `name: value` where the parameter has a name, else the value. */
function labelled(params: readonly AbiParam[], values: readonly string[]): string {
  return values.map((v, i) => (params[i]?.name ? `${params[i]!.name}: ${v}` : v)).join(', ');
}

/** A call's arguments or an error's: `name(arg, ...)` decoded from data that starts with the selector. */
export function formatCall(item: AbiItem, data: Uint8Array): string {
  const inputs = item.inputs ?? [];
  return `${item.name ?? ''}(${decodeParams(inputs, data.subarray(4)).join(', ')})`;
}

/** An error's revert data decoded with field names: `InsufficientBalance(balance: 1, needed: 2)`. */
export function formatError(item: AbiItem, data: Uint8Array): string {
  const inputs = item.inputs ?? [];
  return `${item.name ?? ''}(${labelled(inputs, decodeParams(inputs, data.subarray(4)))})`;
}

/** Return data decoded by a function's outputs: `value` or `a, b`. */
export function formatReturn(item: AbiItem, data: Uint8Array): string {
  const outputs = item.outputs ?? [];
  return labelled(outputs, decodeParams(outputs, data));
}

/**
 * An event log: `Transfer(from: 0x.., to: 0x.., value: 5)`. Indexed parameters come from the
 * topics after the first (an indexed dynamic value is only its hash, shown as such); the others
 * from the data.
 */
export function formatEvent(item: AbiItem, topics: readonly Uint8Array[], data: Uint8Array): string {
  const inputs = item.inputs ?? [];
  const indexed = inputs.filter((p) => p.indexed);
  const firstTopic = item.anonymous ? 0 : 1;
  if (topics.length !== firstTopic + indexed.length) {
    throw new AbiDecodeError(`expected ${firstTopic + indexed.length} topics, found ${topics.length}`);
  }
  const plain = inputs.filter((p) => !p.indexed);
  const plainValues = decodeParams(plain, data);
  const values: string[] = [];
  let t = firstTopic;
  let d = 0;
  for (const param of inputs) {
    if (!param.indexed) {
      values.push(plainValues[d++]!);
      continue;
    }
    const topic = topics[t++]!;
    const type = parseType(param.type, param.components);
    values.push(isDynamic(type) || type.kind === 'tuple' || type.kind === 'array' ? bytesToHex(topic) : decodeAt(type, topic, 0));
  }
  return `${item.name ?? ''}(${labelled(inputs, values)})`;
}
