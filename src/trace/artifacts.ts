/**
 * Compiler artifacts (Foundry's `out/` and Hardhat's `artifacts/`): what a contract is called and
 * its ABI, found from the code at an address. Knowing them, a trace names contracts and decodes
 * calls, events, return values and custom errors. This module reads parsed JSON only; walking a
 * directory is the caller's (the CLI's) business.
 *
 * Code is matched without its CBOR metadata tail (it changes with paths and compiler settings),
 * with library placeholders (`__$…$__`) matching any address, and with immutables (zero in the
 * artifact, set by the constructor) matching any value at their positions.
 */
import type { Address } from '../primitives/address.js';
import { bytesToHex, hexToBytes } from '../primitives/bytes.js';
import {
  AbiDecodeError,
  formatCall,
  formatError,
  formatEvent,
  formatReturn,
  selectorOf,
  selectorOfData,
  topicOf,
  type AbiItem,
} from './abi.js';

/** Code from an artifact: its bytes, and which bytes may differ in deployed code. */
interface CodePattern {
  code: Uint8Array;
  /** Positions (link placeholders, immutables) where any byte matches. */
  wildcard: Uint8Array;
}

export interface ContractArtifact {
  /** The contract's name (`Token`), from the artifact. */
  name: string;
  /** Where it came from, for messages. */
  source: string;
  abi: readonly AbiItem[];
  creation: CodePattern | undefined;
  runtime: CodePattern | undefined;
}

export class ArtifactError extends Error {}

/** Hex code with `__…__` link placeholders (40 characters each) turned into wildcard bytes. */
function pattern(hex: unknown, immutables: readonly { start: number; length: number }[] = []): CodePattern | undefined {
  if (typeof hex !== 'string') return undefined;
  const body = hex.replace(/^0x/, '');
  if (body.length === 0) return undefined;
  const wildcard = new Uint8Array(body.length >> 1);
  const clean = body.replace(/__.{36}__/g, (_match, offset: number) => {
    wildcard.fill(1, offset >> 1, (offset >> 1) + 20);
    return '0'.repeat(40);
  });
  const code = hexToBytes('0x' + clean);
  for (const { start, length } of immutables) if (start >= 0 && start + length <= code.length) wildcard.fill(1, start, start + length);
  return { code, wildcard };
}

/** The length of code without the CBOR metadata solc appends (its length is in the last two bytes). */
function withoutMetadata(code: Uint8Array): number {
  if (code.length < 2) return code.length;
  const length = (code[code.length - 2]! << 8) | code[code.length - 1]!;
  const start = code.length - 2 - length;
  // A CBOR map of one to five entries starts the metadata.
  if (length > 0 && start >= 0 && code[start]! >= 0xa1 && code[start]! <= 0xa5) return start;
  return code.length;
}

/** How many bytes of `code` differ from the pattern only where the pattern allows (-1: no match). */
function matchScore(p: CodePattern, code: Uint8Array, prefixOnly: boolean): number {
  const n = withoutMetadata(p.code);
  const m = prefixOnly ? code.length : withoutMetadata(code);
  if (prefixOnly ? m < n : m !== n) return -1;
  let loose = 0;
  for (let i = 0; i < n; i++) {
    if (code[i] === p.code[i]) continue;
    // Immutables are zero in the artifact; Hardhat's artifacts do not list where they are.
    if (p.wildcard[i] === 1 || p.code[i] === 0) loose++;
    else return -1;
  }
  return loose;
}

function immutableRanges(refs: unknown): { start: number; length: number }[] {
  if (typeof refs !== 'object' || refs === null) return [];
  const out: { start: number; length: number }[] = [];
  for (const list of Object.values(refs)) {
    if (!Array.isArray(list)) continue;
    for (const r of list) if (Number.isInteger(r?.start) && Number.isInteger(r?.length)) out.push({ start: r.start, length: r.length });
  }
  return out;
}

/** Bytecode in either layout: Foundry's `{object, immutableReferences}` or Hardhat's hex string. */
function codeField(field: unknown): CodePattern | undefined {
  if (typeof field === 'string') return pattern(field);
  if (typeof field === 'object' && field !== null) {
    const f = field as { object?: unknown; immutableReferences?: unknown };
    return pattern(f.object, immutableRanges(f.immutableReferences));
  }
  return undefined;
}

/**
 * One artifact file's contract, or undefined when the JSON is not a contract artifact (build
 * info, debug files). `fallbackName` is the file's name without `.json` (Foundry's artifacts
 * do not carry the contract name).
 */
export function parseArtifact(json: unknown, fallbackName: string, source: string): ContractArtifact | undefined {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { abi?: unknown }).abi)) return undefined;
  const a = json as { abi: unknown[]; contractName?: unknown; bytecode?: unknown; deployedBytecode?: unknown };
  const abi = a.abi.filter(
    (item): item is AbiItem => typeof item === 'object' && item !== null && typeof (item as AbiItem).type === 'string',
  );
  try {
    return {
      name: typeof a.contractName === 'string' ? a.contractName : fallbackName,
      source,
      abi,
      creation: codeField(a.bytecode),
      runtime: codeField(a.deployedBytecode),
    };
  } catch (error) {
    throw new ArtifactError(`${source}: bytecode is not hex: ${(error as Error).message}`);
  }
}

interface Entry {
  item: AbiItem;
  owner: ContractArtifact;
}

/** Every artifact's contracts, with lookups by code, selector and topic. */
export class ArtifactIndex {
  readonly contracts: readonly ContractArtifact[];
  readonly #functions = new Map<number, Entry[]>();
  readonly #errors = new Map<number, Entry[]>();
  readonly #events = new Map<string, Entry[]>();

  constructor(contracts: readonly ContractArtifact[]) {
    this.contracts = contracts;
    const add = <K>(map: Map<K, Entry[]>, key: K, entry: Entry) => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [entry]);
      else list.push(entry);
    };
    for (const owner of contracts) {
      for (const item of owner.abi) {
        try {
          if (item.type === 'function') add(this.#functions, selectorOf(item), { item, owner });
          else if (item.type === 'error') add(this.#errors, selectorOf(item), { item, owner });
          else if (item.type === 'event' && !item.anonymous) add(this.#events, topicOf(item), { item, owner });
        } catch {
          // An entry with a type this decoder does not know is left out, not fatal.
        }
      }
    }
  }

  /** The contract whose deployed code this is (the closest match when several fit). */
  identifyRuntime(code: Uint8Array): ContractArtifact | undefined {
    return this.#best(code, (c) => c.runtime, false);
  }

  /** The contract created by this init code (constructor arguments follow the artifact's bytecode). */
  identifyCreation(initcode: Uint8Array): ContractArtifact | undefined {
    return this.#best(initcode, (c) => c.creation, true);
  }

  #best(code: Uint8Array, which: (c: ContractArtifact) => CodePattern | undefined, prefixOnly: boolean): ContractArtifact | undefined {
    if (code.length === 0) return undefined;
    let best: ContractArtifact | undefined;
    let bestScore = Infinity;
    for (const contract of this.contracts) {
      const p = which(contract);
      if (p === undefined) continue;
      const score = matchScore(p, code, prefixOnly);
      if (score >= 0 && score < bestScore) {
        best = contract;
        bestScore = score;
      }
    }
    return best;
  }

  /** `name(args)` of a call, or undefined when no ABI decodes it. */
  decodeCall(input: Uint8Array, callee?: ContractArtifact): string | undefined {
    return this.#tryEach(this.#functions.get(selectorOfData(input) ?? -1), callee, (item) => formatCall(item, input));
  }

  /** Return data decoded by the called function's outputs. */
  decodeReturn(input: Uint8Array, output: Uint8Array, callee?: ContractArtifact): string | undefined {
    return this.#tryEach(this.#functions.get(selectorOfData(input) ?? -1), callee, (item) => formatReturn(item, output));
  }

  /** A custom error's revert data, decoded. */
  decodeError(data: Uint8Array, thrower?: ContractArtifact): string | undefined {
    return this.#tryEach(this.#errors.get(selectorOfData(data) ?? -1), thrower, (item) => formatError(item, data));
  }

  /** An event log, decoded. */
  decodeEvent(topics: readonly Uint8Array[], data: Uint8Array, emitter?: ContractArtifact): string | undefined {
    if (topics.length === 0) return undefined;
    const key = bytesToHex(topics[0]!);
    return this.#tryEach(this.#events.get(key), emitter, (item) => formatEvent(item, topics, data));
  }

  /** The first of the candidate entries (the owner's first) that decodes the data. */
  #tryEach(entries: Entry[] | undefined, owner: ContractArtifact | undefined, decode: (item: AbiItem) => string): string | undefined {
    if (entries === undefined) return undefined;
    const ordered = [...entries.filter((e) => e.owner === owner), ...entries.filter((e) => e.owner !== owner)];
    for (const { item } of ordered) {
      try {
        return decode(item);
      } catch (error) {
        if (!(error instanceof AbiDecodeError)) throw error;
      }
    }
    return undefined;
  }
}

/** An artifact index with nothing in it: traces still name precompiles and decode Error/Panic. */
export const EMPTY_ARTIFACTS = new ArtifactIndex([]);

/** Addresses seen in a trace mapped to the contracts found at them. */
export type ContractNames = ReadonlyMap<Address, ContractArtifact>;
