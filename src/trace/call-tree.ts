/**
 * A transaction's calls as a tree for people, in the layout of `forge test -vvvv` and `cast run`:
 * each call with its gas, the contract's name and the function decoded, events where they were
 * emitted, and what each call returned or why it failed. It reads geth's callTracer result
 * (`withLog`), so it draws a trace from polyvm's node or from any node that serves one.
 */
import { checksumAddress, type Address } from '../primitives/address.js';
import { bytesToHex, hexToBytes } from '../primitives/bytes.js';
import { AbiDecodeError, selectorOfData } from './abi.js';
import type { ArtifactIndex, ContractArtifact, ContractNames } from './artifacts.js';
import { CONSOLE_ADDRESS, consoleSelectors, decodeConsoleArguments } from './console-log.js';
import { decodeRevertData, errorString } from './revert.js';

/** One frame of geth's callTracer output (with `withLog`). */
export interface CallFrameJson {
  type: string;
  from: string;
  to?: string;
  value?: string;
  gas?: string;
  gasUsed?: string;
  input?: string;
  output?: string;
  error?: string;
  calls?: CallFrameJson[];
  logs?: { address: string; topics: string[]; data: string; position?: string | number }[];
}

const PRECOMPILE_NAMES: ReadonlyMap<bigint, string> = new Map([
  [0x01n, 'ecrecover'],
  [0x02n, 'sha256'],
  [0x03n, 'ripemd160'],
  [0x04n, 'identity'],
  [0x05n, 'modexp'],
  [0x06n, 'ecadd'],
  [0x07n, 'ecmul'],
  [0x08n, 'ecpairing'],
  [0x09n, 'blake2f'],
  [0x0an, 'pointEvaluation'],
  [0x0bn, 'bls12G1Add'],
  [0x0cn, 'bls12G1Msm'],
  [0x0dn, 'bls12G2Add'],
  [0x0en, 'bls12G2Msm'],
  [0x0fn, 'bls12Pairing'],
  [0x10n, 'bls12MapFpToG1'],
  [0x11n, 'bls12MapFp2ToG2'],
  [0x100n, 'p256verify'],
]);

function bytes(hex: string | undefined): Uint8Array {
  if (hex === undefined || hex === '' || hex === '0x') return new Uint8Array(0);
  try {
    return hexToBytes(hex);
  } catch {
    return new Uint8Array(0);
  }
}

function decimal(hex: string | undefined): string {
  if (hex === undefined) return '?';
  try {
    return BigInt(hex).toString(10);
  } catch {
    return '?';
  }
}

/** Every address a trace touches (callees, created contracts, log emitters): the ones to name. */
export function addressesIn(frame: CallFrameJson, out = new Set<Address>()): Set<Address> {
  if (frame.to) out.add(frame.to.toLowerCase());
  for (const log of frame.logs ?? []) out.add(log.address.toLowerCase());
  for (const call of frame.calls ?? []) addressesIn(call, out);
  return out;
}

export interface CallTreeOptions {
  artifacts: ArtifactIndex;
  /** The contracts at the trace's addresses (from their code), when known. */
  names?: ContractNames;
}

class TreeWriter {
  readonly lines: string[] = [];
  readonly #artifacts: ArtifactIndex;
  readonly #names: ContractNames;

  constructor(options: CallTreeOptions) {
    this.#artifacts = options.artifacts;
    this.#names = options.names ?? new Map();
  }

  contract(address: string | undefined): ContractArtifact | undefined {
    return address === undefined ? undefined : this.#names.get(address.toLowerCase());
  }

  label(address: string | undefined): string {
    if (address === undefined) return '<unknown>';
    const known = this.contract(address);
    if (known !== undefined) return known.name;
    if (address.toLowerCase() === CONSOLE_ADDRESS) return 'console';
    const n = BigInt(address);
    if (PRECOMPILE_NAMES.has(n)) return 'PRECOMPILES';
    return checksumAddress(address.toLowerCase());
  }

  /** `Label::function(args)`, with `{value: N}` when the call sends ether. */
  callText(frame: CallFrameJson): string {
    const kind = frame.type.toUpperCase();
    const value = frame.value !== undefined && BigInt(frame.value) !== 0n ? `{value: ${decimal(frame.value)}}` : '';
    if (kind === 'CREATE' || kind === 'CREATE2') {
      const made = this.contract(frame.to) ?? this.#artifacts.identifyCreation(bytes(frame.input));
      return `→ new ${made?.name ?? '<unknown>'}@${frame.to ? checksumAddress(frame.to.toLowerCase()) : '<none>'}${value}`;
    }
    const input = bytes(frame.input);
    const target = frame.to?.toLowerCase();
    let fn: string;
    if (target === CONSOLE_ADDRESS) fn = consoleCall(input);
    else if (target !== undefined && PRECOMPILE_NAMES.has(BigInt(target)))
      fn = `${PRECOMPILE_NAMES.get(BigInt(target))}(${bytesToHex(input)})`;
    else if (input.length === 0) fn = value !== '' ? 'receive()' : 'fallback()';
    else
      fn =
        this.#artifacts.decodeCall(input, this.contract(target)) ?? `${bytesToHex(input.subarray(0, 4))}(${bytesToHex(input.subarray(4))})`;
    const name = fn.slice(0, fn.indexOf('('));
    const args = fn.slice(fn.indexOf('('));
    const suffix =
      kind === 'STATICCALL' ? ' [staticcall]' : kind === 'DELEGATECALL' ? ' [delegatecall]' : kind === 'CALLCODE' ? ' [callcode]' : '';
    return `${this.label(frame.to)}::${name}${value}${args}${suffix}`;
  }

  /** The `← [...]` line: what the call returned, or why it failed. */
  resultText(frame: CallFrameJson): string {
    const output = bytes(frame.output);
    const kind = frame.type.toUpperCase();
    if (frame.error !== undefined) {
      if (frame.error !== 'execution reverted') return `← [Error] ${frame.error}`;
      if (errorString(output) !== undefined || output.length < 4) return `← [Revert] ${revertWords(output)}`;
      const custom = this.#artifacts.decodeError(output, this.contract(frame.to));
      return `← [Revert] ${custom ?? decodeRevertData(output)}`;
    }
    if (kind === 'CREATE' || kind === 'CREATE2') return `← [Return] ${output.length} bytes of code`;
    if (output.length === 0) return '← [Stop]';
    const target = frame.to?.toLowerCase();
    const decoded =
      target !== undefined && !PRECOMPILE_NAMES.has(BigInt(target))
        ? this.#artifacts.decodeReturn(bytes(frame.input), output, this.contract(target))
        : undefined;
    return `← [Return] ${decoded ?? bytesToHex(output)}`;
  }

  logText(log: { address: string; topics: string[]; data: string }): string {
    const topics = log.topics.map((t) => bytes(t));
    const data = bytes(log.data);
    const decoded = this.#artifacts.decodeEvent(topics, data, this.contract(log.address));
    if (decoded !== undefined) return `emit ${decoded}`;
    return `emit unknown(topics: [${log.topics.join(', ')}], data: ${log.data})`;
  }

  /** One frame: its line, then its logs and calls in order, then its result. */
  frame(frame: CallFrameJson, lead: string, childLead: string): void {
    if (frame.type.toUpperCase() === 'SELFDESTRUCT') {
      this.lines.push(`${lead}selfdestruct(beneficiary: ${this.label(frame.to)}, value: ${decimal(frame.value)})`);
      return;
    }
    this.lines.push(`${lead}[${decimal(frame.gasUsed)}] ${this.callText(frame)}`);
    const calls = frame.calls ?? [];
    const logs = frame.logs ?? [];
    type Item = { kind: 'log'; log: (typeof logs)[number] } | { kind: 'call'; call: CallFrameJson };
    const items: Item[] = [];
    let nextLog = 0;
    const logPosition = (i: number) => Number(logs[i]!.position ?? calls.length);
    for (let c = 0; c <= calls.length; c++) {
      while (nextLog < logs.length && logPosition(nextLog) <= c) items.push({ kind: 'log', log: logs[nextLog++]! });
      if (c < calls.length) items.push({ kind: 'call', call: calls[c]! });
    }
    while (nextLog < logs.length) items.push({ kind: 'log', log: logs[nextLog++]! });
    for (const item of items) {
      if (item.kind === 'log') this.lines.push(`${childLead}├─ ${this.logText(item.log)}`);
      else this.frame(item.call, `${childLead}├─ `, `${childLead}│   `);
    }
    this.lines.push(`${childLead}└─ ${this.resultText(frame)}`);
  }
}

/** A console.log call decoded: `log("x = %s", 5)`, strings quoted. */
function consoleCall(input: Uint8Array): string {
  const args = decodeConsoleArguments(input);
  const types = consoleSelectors().get(selectorOfData(input) ?? -1);
  if (args === undefined || types === undefined) return `log(${bytesToHex(input)})`;
  return `log(${args.map((a, i) => (types[i] === 'string' ? JSON.stringify(a) : a)).join(', ')})`;
}

/** Error(string) as `revert: message`; other revert data in words. */
function revertWords(output: Uint8Array): string {
  const message = errorString(output);
  return message !== undefined ? `revert: ${message}` : decodeRevertData(output);
}

/** The lines of a call tree (without a heading), indented two spaces as Foundry indents them. */
export function formatCallTree(root: CallFrameJson, options: CallTreeOptions): string[] {
  const writer = new TreeWriter(options);
  try {
    writer.frame(root, '  ', '    ');
  } catch (error) {
    if (!(error instanceof AbiDecodeError || error instanceof SyntaxError || error instanceof RangeError)) throw error;
    writer.lines.push(`  (trace could not be drawn further: ${(error as Error).message})`);
  }
  return writer.lines;
}
