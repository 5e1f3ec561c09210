/**
 * Solidity `console.log` (Hardhat's console.sol, forge-std's console and console2): calls to the
 * console address, decoded and formatted as Hardhat formats them. The console address has no
 * code, so such a call is a call to an empty account: it succeeds, costs what any call costs,
 * and changes nothing; the node only watches for it (with a tracer's `enter`).
 */
import type { Address } from '../primitives/address.js';
import { bytesToBigint, bytesToHex } from '../primitives/bytes.js';
import { selectorOfData, selectorOfSignature } from './abi.js';
import type { Tracer, TracedEnter } from '../host/message.js';

/** 0x000000000000000000636F6e736F6c652e6c6f67: "console.log" in ASCII. */
export const CONSOLE_ADDRESS: Address = '0x000000000000000000636f6e736f6c652e6c6f67';

export type ConsoleParamType = 'uint256' | 'int256' | 'string' | 'bool' | 'address' | 'bytes' | `bytes${number}`;

/** The types console.sol combines for log(T1, ..., T4); forge-std adds int256 and bytes. */
const COMBINED: readonly ConsoleParamType[] = ['uint256', 'int256', 'string', 'bool', 'address', 'bytes'];

/**
 * The signatures console libraries send: `log()`, `log(T)` for each type and for bytes1..bytes32,
 * every `log(T1,T2)`, `log(T1,T2,T3)` and `log(T1,T2,T3,T4)` over the combined types (a superset
 * of console.sol's 2-4 parameter overloads over uint256, string, bool and address), and the
 * `logInt`/`logUint`/`logString`/`logBool`/`logAddress`/`logBytes`/`logBytesN` names. Each also
 * with `uint`/`int` in place of `uint256`/`int256`: console.sol before Hardhat 2.0.4 hashed
 * `log(uint)`, a different selector from `log(uint256)` for the same encoding.
 */
export function consoleSignatures(): { name: string; types: ConsoleParamType[] }[] {
  const out: { name: string; types: ConsoleParamType[] }[] = [{ name: 'log', types: [] }];
  let level: ConsoleParamType[][] = [[]];
  for (let n = 1; n <= 4; n++) {
    level = level.flatMap((prefix) => COMBINED.map((type) => [...prefix, type]));
    for (const types of level) out.push({ name: 'log', types });
  }
  for (let n = 1; n <= 32; n++) out.push({ name: 'log', types: [`bytes${n}`] });
  const single: [string, ConsoleParamType][] = [
    ['logInt', 'int256'],
    ['logUint', 'uint256'],
    ['logString', 'string'],
    ['logBool', 'bool'],
    ['logAddress', 'address'],
    ['logBytes', 'bytes'],
  ];
  for (const [name, type] of single) out.push({ name, types: [type] });
  for (let n = 1; n <= 32; n++) out.push({ name: `logBytes${n}`, types: [`bytes${n}`] });
  return out;
}

let table: Map<number, ConsoleParamType[]> | undefined;

/** Selector to parameter types; built on the first console call (some 3,000 hashes). */
export function consoleSelectors(): Map<number, ConsoleParamType[]> {
  if (table) return table;
  table = new Map();
  const add = (signature: string, types: ConsoleParamType[]) => {
    const selector = selectorOfSignature(signature);
    if (!table!.has(selector)) table!.set(selector, types);
  };
  for (const { name, types } of consoleSignatures()) {
    const canonical = `${name}(${types.join(',')})`;
    add(canonical, types);
    const legacy = `${name}(${types.map((t) => (t === 'uint256' ? 'uint' : t === 'int256' ? 'int' : t)).join(',')})`;
    if (legacy !== canonical) add(legacy, types);
  }
  return table;
}

/** One argument as Hardhat renders it before formatting: every value a string. */
function decodeArgument(data: Uint8Array, index: number, type: ConsoleParamType): string | undefined {
  const head = index * 32;
  if (head + 32 > data.length) return undefined;
  const word = data.subarray(head, head + 32);
  switch (type) {
    case 'uint256':
      return bytesToBigint(word).toString(10);
    case 'int256': {
      const value = bytesToBigint(word);
      return (value >= 1n << 255n ? value - (1n << 256n) : value).toString(10);
    }
    case 'bool':
      return word[31] !== 0 ? 'true' : 'false';
    case 'address':
      return bytesToHex(word.subarray(12));
    case 'string':
    case 'bytes': {
      const offset = bytesToBigint(word);
      if (offset + 32n > BigInt(data.length)) return undefined;
      const start = Number(offset) + 32;
      const length = bytesToBigint(data.subarray(start - 32, start));
      if (BigInt(start) + length > BigInt(data.length)) return undefined;
      const content = data.subarray(start, start + Number(length));
      return type === 'string' ? new TextDecoder().decode(content) : bytesToHex(content);
    }
    default:
      return bytesToHex(word.subarray(0, Number(type.slice(5))));
  }
}

/** The arguments of a console call, each as a string, or undefined when it is not one. */
export function decodeConsoleArguments(input: Uint8Array): string[] | undefined {
  const selector = selectorOfData(input);
  if (selector === undefined) return undefined;
  const types = consoleSelectors().get(selector);
  if (types === undefined) return undefined;
  const data = input.subarray(4);
  const args: string[] = [];
  for (let i = 0; i < types.length; i++) {
    const value = decodeArgument(data, i, types[i]!);
    if (value === undefined) return undefined;
    args.push(value);
  }
  return args;
}

/**
 * The line a console call prints, as Hardhat prints it: Node's `util.format` over the arguments
 * (all strings), where `%d` and `%i` in the first become `%s` (numbers may exceed a double).
 */
export function consoleLogLine(input: Uint8Array): string | undefined {
  const args = decodeConsoleArguments(input);
  if (args === undefined) return undefined;
  if (args.length > 0) args[0] = args[0]!.replace(/((?<!%)(?:%%)*)(%[di])/g, '$1%s');
  return formatStrings(args);
}

/** Node's `util.format` for string arguments (no Node API: the node also runs in a browser). */
export function formatStrings(args: readonly string[]): string {
  if (args.length === 0) return '';
  const first = args[0]!;
  if (args.length === 1) return first;
  let out = '';
  let a = 0;
  let lastPos = 0;
  for (let i = 0; i < first.length - 1; i++) {
    if (first.charCodeAt(i) !== 37 /* % */) continue;
    const next = first[++i];
    if (a + 1 !== args.length) {
      let replacement: string;
      switch (next) {
        case 's':
          replacement = args[++a]!;
          break;
        case 'j':
          replacement = JSON.stringify(args[++a]!);
          break;
        case 'd':
          replacement = formatNumber(Number(args[++a]!));
          break;
        case 'i':
          replacement = formatNumber(parseInt(args[++a]!, 10));
          break;
        case 'f':
          replacement = formatNumber(parseFloat(args[++a]!));
          break;
        case 'o':
        case 'O':
          replacement = inspectString(args[++a]!);
          break;
        case 'c':
          a++;
          replacement = '';
          break;
        case '%':
          out += first.slice(lastPos, i);
          lastPos = i + 1;
          continue;
        default:
          continue;
      }
      if (lastPos !== i - 1) out += first.slice(lastPos, i - 1);
      out += replacement;
      lastPos = i + 1;
    } else if (next === '%') {
      out += first.slice(lastPos, i);
      lastPos = i + 1;
    }
  }
  let join = '';
  if (lastPos !== 0) {
    a++;
    join = ' ';
    if (lastPos < first.length) out += first.slice(lastPos);
  }
  for (; a < args.length; a++) {
    out += join + args[a]!;
    join = ' ';
  }
  return out;
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** `util.inspect` of a string: quoted, with the quote it needs least, control characters escaped. */
export function inspectString(value: string): string {
  let quote = "'";
  if (value.includes("'")) {
    if (!value.includes('"')) quote = '"';
    else if (!value.includes('`') && !value.includes('${')) quote = '`';
  }
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === quote || char === '\\') out += '\\' + char;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (char === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
    else out += char;
  }
  return quote + out + quote;
}

/** Collects the console lines of one run: a tracer with only `enter`. */
export class ConsoleLogTracer implements Tracer {
  readonly lines: string[] = [];
  /** Only calls are watched: the frames run the untraced interpreter. */
  readonly framesOnly = true;

  enter(frame: TracedEnter): void {
    if (frame.to !== CONSOLE_ADDRESS) return;
    if (frame.type === 'CREATE' || frame.type === 'CREATE2' || frame.type === 'SELFDESTRUCT') return;
    const line = consoleLogLine(frame.input);
    if (line !== undefined) this.lines.push(line);
  }
}
