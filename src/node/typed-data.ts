/**
 * EIP-712 typed structured data: the hash eth_signTypedData_v4 signs. A struct hashes to
 * keccak(typeHash ‖ encoded fields); atomic values encode as one 32-byte word, dynamic ones
 * (string, bytes) as their keccak, structs as their hash, arrays as the keccak of their encoded
 * elements.
 */
import { addressToBytes } from '../primitives/address.js';
import { bigintToFixedBytes, concatBytes, hexToBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';

export interface TypedField {
  name: string;
  type: string;
}

export interface TypedData {
  types: Record<string, TypedField[]>;
  primaryType: string;
  domain: Record<string, unknown>;
  message: Record<string, unknown>;
}

export class TypedDataError extends Error {
  override name = 'TypedDataError';
}

const DOMAIN_FIELDS: TypedField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
  { name: 'salt', type: 'bytes32' },
];

const encoder = new TextEncoder();

/** Checks the shape of a typed-data object (parsed from JSON). */
export function parseTypedData(value: unknown): TypedData {
  const data = typeof value === 'string' ? safeJson(value) : value;
  if (typeof data !== 'object' || data === null) throw new TypedDataError('typed data must be an object');
  const { types, primaryType, domain, message } = data as Record<string, unknown>;
  if (typeof types !== 'object' || types === null || Array.isArray(types)) throw new TypedDataError('"types" must be an object');
  for (const [name, fields] of Object.entries(types)) {
    if (!Array.isArray(fields)) throw new TypedDataError(`types.${name} must be an array of {name, type}`);
    for (const field of fields) {
      if (typeof field !== 'object' || field === null || typeof field.name !== 'string' || typeof field.type !== 'string') {
        throw new TypedDataError(`types.${name} must be an array of {name, type}`);
      }
    }
  }
  if (typeof primaryType !== 'string') throw new TypedDataError('"primaryType" must be a string');
  if (typeof domain !== 'object' || domain === null) throw new TypedDataError('"domain" must be an object');
  const msg = message ?? {};
  if (typeof msg !== 'object' || msg === null) throw new TypedDataError('"message" must be an object');
  return {
    types: types as Record<string, TypedField[]>,
    primaryType,
    domain: domain as Record<string, unknown>,
    message: msg as Record<string, unknown>,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TypedDataError('typed data is not valid JSON');
  }
}

function baseType(type: string): string {
  const bracket = type.indexOf('[');
  return bracket < 0 ? type : type.slice(0, bracket);
}

/** The struct types `primary` refers to, directly or not, itself first then sorted by name. */
function dependencies(types: Record<string, TypedField[]>, primary: string): string[] {
  const found = new Set<string>();
  const visit = (type: string) => {
    if (found.has(type) || !types[type]) return;
    found.add(type);
    for (const field of types[type]!) visit(baseType(field.type));
  };
  visit(primary);
  found.delete(primary);
  return [primary, ...[...found].sort()];
}

export function encodeType(types: Record<string, TypedField[]>, primary: string): string {
  return dependencies(types, primary)
    .map((type) => `${type}(${types[type]!.map((f) => `${f.type} ${f.name}`).join(',')})`)
    .join('');
}

function toBigint(value: unknown, type: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) {
    return value.startsWith('-') ? -BigInt(value.slice(1)) : BigInt(value);
  }
  throw new TypedDataError(`${type}: not an integer: ${String(value).slice(0, 40)}`);
}

function toBytes(value: unknown, type: string): Uint8Array {
  if (typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) return hexToBytes(value);
  throw new TypedDataError(`${type}: expected hex bytes, got ${String(value).slice(0, 40)}`);
}

function encodeValue(types: Record<string, TypedField[]>, type: string, value: unknown): Uint8Array {
  if (types[type]) {
    if (typeof value !== 'object' || value === null) throw new TypedDataError(`${type}: expected an object`);
    return hashStruct(types, type, value as Record<string, unknown>);
  }
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) throw new TypedDataError(`${type}: expected an array`);
    if (array[2] !== '' && value.length !== Number(array[2])) throw new TypedDataError(`${type}: expected ${array[2]} elements`);
    return keccak256(concatBytes(...value.map((v) => encodeValue(types, array[1]!, v))));
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw new TypedDataError('string: expected a string');
    return keccak256(encoder.encode(value));
  }
  if (type === 'bytes') return keccak256(toBytes(value, type));
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new TypedDataError('bool: expected true or false');
    return bigintToFixedBytes(value ? 1n : 0n, 32);
  }
  if (type === 'address') {
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value))
      throw new TypedDataError('address: expected a 20-byte hex address');
    return concatBytes(new Uint8Array(12), addressToBytes(value.toLowerCase()));
  }
  const int = /^(u?)int(\d*)$/.exec(type);
  if (int) {
    const bits = int[2] === '' ? 256 : Number(int[2]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) throw new TypedDataError(`unknown type ${type}`);
    const n = toBigint(value, type);
    if (int[1] === 'u') {
      if (n < 0n || n >= 1n << BigInt(bits)) throw new TypedDataError(`${type}: ${n} is out of range`);
      return bigintToFixedBytes(n, 32);
    }
    const limit = 1n << BigInt(bits - 1);
    if (n < -limit || n >= limit) throw new TypedDataError(`${type}: ${n} is out of range`);
    return bigintToFixedBytes(n < 0n ? (1n << 256n) + n : n, 32);
  }
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) {
    const size = Number(fixed[1]);
    if (size < 1 || size > 32) throw new TypedDataError(`unknown type ${type}`);
    const bytes = toBytes(value, type);
    if (bytes.length !== size) throw new TypedDataError(`${type}: expected ${size} bytes, got ${bytes.length}`);
    const word = new Uint8Array(32);
    word.set(bytes);
    return word;
  }
  throw new TypedDataError(`unknown type ${type}`);
}

export function hashStruct(types: Record<string, TypedField[]>, primary: string, value: Record<string, unknown>): Uint8Array {
  const fields = types[primary];
  if (!fields) throw new TypedDataError(`unknown struct type ${primary}`);
  const parts = [keccak256(encoder.encode(encodeType(types, primary)))];
  for (const field of fields) {
    const v = value[field.name];
    if (v === undefined || v === null) {
      // Missing fields of struct type encode as zero (as MetaMask's v4 does); atomic ones must be given.
      if (types[baseType(field.type)]) {
        parts.push(new Uint8Array(32));
        continue;
      }
      throw new TypedDataError(`${primary}.${field.name} is missing`);
    }
    parts.push(encodeValue(types, field.type, v));
  }
  return keccak256(concatBytes(...parts));
}

/** keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)). */
export function hashTypedData(data: TypedData): Uint8Array {
  const types = { ...data.types };
  if (!types.EIP712Domain) types.EIP712Domain = DOMAIN_FIELDS.filter((f) => data.domain[f.name] !== undefined);
  const domainSeparator = hashStruct(types, 'EIP712Domain', data.domain);
  if (data.primaryType === 'EIP712Domain') return keccak256(concatBytes(Uint8Array.of(0x19, 0x01), domainSeparator));
  return keccak256(concatBytes(Uint8Array.of(0x19, 0x01), domainSeparator, hashStruct(types, data.primaryType, data.message)));
}
