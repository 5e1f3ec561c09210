/**
 * Decoding fuzz: RLP, the five transaction types, and hex. Valid encodings must decode and
 * re-encode to the same bytes; random and mutated inputs must either decode to something that
 * re-encodes identically or raise the decoder's typed error (RlpError, InvalidTransactionError,
 * HexError); never another exception, never a slow decode.
 */
import { parseAddress } from '../../dist/primitives/address.js';
import { bytesToHex, concatBytes, equalBytes, HexError, hexToBytes, parseQuantity } from '../../dist/primitives/bytes.js';
import { RlpError, rlpDecode, rlpEncode, type RlpItem } from '../../dist/primitives/rlp.js';
import { MAX_UINT256, MAX_UINT64 } from '../../dist/primitives/words.js';
import { decodeTransaction } from '../../dist/tx/decode.js';
import { encodeTransaction } from '../../dist/tx/encode.js';
import { InvalidTransactionError, type Transaction, type TxType } from '../../dist/tx/types.js';
import { Random } from './random.js';

export type DecodeTarget = 'rlp' | 'transaction' | 'hex' | 'quantity' | 'address';

export interface DecodeFinding {
  target: DecodeTarget;
  seed: number;
  index: number;
  /** Hex for bytes, JSON for strings. */
  input: string;
  problem: string;
  error?: string;
}

export interface DecodeFuzzOptions {
  seed: number;
  cases?: number;
  seconds?: number;
  start?: number;
  /** A decode slower than this is a finding. */
  slowMs?: number;
  onFinding?: (finding: DecodeFinding) => void;
}

export interface DecodeFuzzStats {
  seed: number;
  cases: number;
  byTarget: Record<string, { cases: number; accepted: number; rejected: number }>;
  findings: number;
  slowestMs: number;
  elapsedMs: number;
}

// ---- inputs ----

function randomItem(rng: Random, depth: number): RlpItem {
  if (depth < 4 && rng.chance(0.3)) {
    const items: RlpItem[] = [];
    for (
      let i = rng.weighted([
        [30, 0],
        [50, rng.range(1, 4)],
        [20, rng.range(5, 20)],
      ]);
      i > 0;
      i--
    )
      items.push(randomItem(rng, depth + 1));
    return items;
  }
  const length = rng.weighted<() => number>([
    [15, () => 0],
    [30, () => 1],
    [30, () => rng.range(2, 55)],
    [15, () => rng.range(56, 300)],
    [10, () => rng.range(300, 70_000)],
  ])();
  const bytes = rng.bytes(length);
  if (length === 1 && rng.chance(0.5)) bytes[0] = rng.int(0x80);
  return bytes;
}

/** Lists nested `depth` deep, encoded here (not by the encoder under test): a stack-depth probe. */
function nestedLists(depth: number): Uint8Array {
  // Headers from the innermost list outwards; the encoding is the headers in reverse order.
  const headers: Uint8Array[] = [Uint8Array.of(0xc0)];
  let length = 1;
  for (let i = 1; i < depth; i++) {
    let header: Uint8Array;
    if (length < 56) header = Uint8Array.of(0xc0 + length);
    else {
      const lengthBytes: number[] = [];
      for (let v = length; v > 0; v = Math.floor(v / 256)) lengthBytes.unshift(v % 256);
      header = Uint8Array.of(0xf7 + lengthBytes.length, ...lengthBytes);
    }
    headers.push(header);
    length += header.length;
  }
  return concatBytes(...headers.reverse());
}

/** Changes a valid encoding the ways decoders get wrong (without spreading big arrays). */
function mutate(rng: Random, input: Uint8Array): Uint8Array {
  let bytes = input;
  const edits = rng.weighted([
    [60, 1],
    [30, 2],
    [10, rng.range(3, 8)],
  ]);
  const setAt = (at: number, value: number) => {
    if (bytes.length === 0) return;
    bytes = bytes.slice();
    bytes[at % bytes.length] = value;
  };
  const insert = (at: number, inserted: Uint8Array) => {
    bytes = concatBytes(bytes.subarray(0, at), inserted, bytes.subarray(at));
  };
  for (let e = 0; e < edits; e++) {
    const at = rng.int(bytes.length + 1);
    rng.weighted<() => void>([
      [20, () => setAt(at, rng.int(256))],
      [10, () => bytes.length > 0 && setAt(at, bytes[at % bytes.length]! ^ (1 << rng.int(8)))],
      [10, () => insert(at, Uint8Array.of(rng.int(256)))],
      [10, () => (bytes = concatBytes(bytes.subarray(0, at), bytes.subarray(at + 1)))],
      [10, () => (bytes = bytes.subarray(0, at))],
      [8, () => (bytes = concatBytes(bytes, rng.bytes(rng.range(1, 8))))],
      // Header bytes: the prefix ranges' edges, and long-form lengths that are absurd.
      [12, () => setAt(at, rng.pick([0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xb9, 0xbf, 0xc0, 0xc1, 0xf7, 0xf8, 0xf9, 0xff]))],
      [8, () => insert(at, concatBytes(Uint8Array.of(rng.pick([0xb8, 0xf8, 0xbf, 0xff])), rng.bytes(rng.range(1, 8))))],
      [
        6,
        () => {
          const i = rng.int(bytes.length + 1);
          const j = rng.int(bytes.length + 1);
          insert(at, bytes.slice(Math.min(i, j), Math.max(i, j)));
        },
      ],
      [6, () => insert(0, Uint8Array.of(rng.pick([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x7f, 0x80])))],
    ])();
  }
  return bytes;
}

function uint(rng: Random, max: bigint): bigint {
  return rng.weighted<() => bigint>([
    [30, () => BigInt(rng.int(1000))],
    [20, () => 0n],
    [30, () => rng.bigint(1 + rng.int(64)) & max],
    [20, () => rng.bigint(256) & max],
  ])();
}

function randomAddress(rng: Random): string {
  return bytesToHex(rng.bytes(20));
}

export function randomTransaction(rng: Random): Transaction {
  const type = rng.int(5) as TxType;
  const chainId = rng.chance(0.7) ? BigInt(rng.range(1, 100)) : uint(rng, MAX_UINT64);
  const accessList = () =>
    Array.from(
      {
        length: rng.weighted([
          [50, 0],
          [40, rng.range(1, 3)],
          [10, rng.range(4, 10)],
        ]),
      },
      () => ({ address: randomAddress(rng), storageKeys: Array.from({ length: rng.int(4) }, () => rng.bigint(256)) }),
    );
  const tx: Transaction = {
    type,
    chainId: type === 0 ? undefined : chainId,
    nonce: uint(rng, MAX_UINT64),
    gasPrice: type < 2 ? uint(rng, MAX_UINT256) : undefined,
    maxPriorityFeePerGas: type >= 2 ? uint(rng, MAX_UINT256) : undefined,
    maxFeePerGas: type >= 2 ? uint(rng, MAX_UINT256) : undefined,
    gasLimit: uint(rng, MAX_UINT64),
    to: type === 3 || type === 4 || rng.chance(0.8) ? randomAddress(rng) : null,
    value: uint(rng, MAX_UINT256),
    data: rng.bytes(
      rng.weighted([
        [40, 0],
        [40, rng.int(100)],
        [20, rng.int(3000)],
      ]),
    ),
    accessList: type === 0 ? [] : accessList(),
    maxFeePerBlobGas: type === 3 ? uint(rng, MAX_UINT256) : undefined,
    blobVersionedHashes: type === 3 ? Array.from({ length: rng.int(7) }, () => Uint8Array.of(1, ...rng.bytes(31))) : undefined,
    authorizationList:
      type === 4
        ? Array.from({ length: rng.int(4) }, () => ({
            chainId: uint(rng, MAX_UINT256),
            address: randomAddress(rng),
            nonce: uint(rng, MAX_UINT64),
            yParity: BigInt(rng.int(2)),
            r: rng.bigint(256),
            s: rng.bigint(256),
          }))
        : undefined,
    v: type === 0 ? rng.pick([27n, 28n, 35n + 2n * chainId, 36n + 2n * chainId]) : BigInt(rng.int(2)),
    r: rng.bigint(256),
    s: rng.bigint(256),
  };
  if (type === 0 && tx.v >= 35n) tx.chainId = (tx.v - 35n) >> 1n;
  return tx;
}

const HEX_ALPHABET = '0123456789abcdefABCDEF';
const ODD_CHARS = ['g', 'G', 'x', 'X', ' ', '\n', '\t', '-', '+', '.', 'é', '０', '\u0000', '٣', 'ｆ', '_'];

function randomHexString(rng: Random): string {
  const prefix = rng.pick(['0x', '0x', '0X', '', '', '0x0x', 'x', '00x']);
  const length = rng.weighted<() => number>([
    [60, () => rng.int(70)],
    [30, () => rng.pick([40, 41, 39, 42, 64, 65])],
    [10, () => rng.int(5000)],
  ])();
  let body = '';
  for (let i = 0; i < length; i++) body += rng.chance(0.97) ? HEX_ALPHABET[rng.int(HEX_ALPHABET.length)] : rng.pick(ODD_CHARS);
  if (rng.chance(0.2)) body = body.replace(/[^0-9]/g, '');
  return prefix + body;
}

// ---- checks ----

/** Times the code under test only (not the making of its input). */
class Clock {
  ms = 0;
  time<T>(fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.ms += performance.now() - t0;
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function fuzzDecoding(options: DecodeFuzzOptions): Promise<DecodeFuzzStats> {
  const start = options.start ?? 0;
  const limit = options.cases ?? (options.seconds !== undefined ? Infinity : 10_000);
  const deadline = options.seconds !== undefined ? performance.now() + options.seconds * 1000 : Infinity;
  const slowMs = options.slowMs ?? 250;
  const began = performance.now();
  const stats: DecodeFuzzStats = { seed: options.seed, cases: 0, byTarget: {}, findings: 0, slowestMs: 0, elapsedMs: 0 };
  for (let index = start; index - start < limit && performance.now() < deadline; index++) {
    const rng = Random.forCase(options.seed ^ 0x0dec0de, index);
    const target = rng.weighted<DecodeTarget>([
      [35, 'rlp'],
      [35, 'transaction'],
      [15, 'hex'],
      [8, 'quantity'],
      [7, 'address'],
    ]);
    const counts = (stats.byTarget[target] ??= { cases: 0, accepted: 0, rejected: 0 });
    counts.cases++;
    stats.cases++;
    const report = (input: string, problem: string, error?: unknown) => {
      stats.findings++;
      options.onFinding?.({ target, seed: options.seed, index, input, problem, error: error === undefined ? undefined : errorText(error) });
    };
    const clock = new Clock();
    const accepted = check(target, rng, report, clock);
    if (accepted) counts.accepted++;
    else counts.rejected++;
    if (clock.ms > stats.slowestMs) stats.slowestMs = clock.ms;
    if (clock.ms > slowMs) report(`(case ${index} of seed ${options.seed})`, `decoding took ${clock.ms.toFixed(0)} ms`);
  }
  stats.elapsedMs = performance.now() - began;
  return stats;
}

/** One input of one target; returns whether it was accepted. */
function check(
  target: DecodeTarget,
  rng: Random,
  report: (input: string, problem: string, error?: unknown) => void,
  clock: Clock,
): boolean {
  switch (target) {
    case 'rlp': {
      const valid = rng.chance(0.03) ? nestedLists(rng.pick([2, 100, 1000, 1025, 1026, 3000])) : rlpEncode(randomItem(rng, 0));
      const input = rng.chance(0.15) ? valid : rng.chance(0.15) ? rng.bytes(rng.int(64)) : mutate(rng, valid);
      let decoded: RlpItem;
      try {
        decoded = clock.time(() => rlpDecode(input));
      } catch (error) {
        if (!(error instanceof RlpError)) report(bytesToHex(input), 'rlpDecode threw something other than RlpError', error);
        // Nesting deeper than the decoder's limit may be refused; anything else canonical may not.
        else if (input === valid && !/nesting too deep/.test(error.message))
          report(bytesToHex(input), 'rlpDecode rejected a canonical encoding', error);
        return false;
      }
      if (
        !equalBytes(
          clock.time(() => rlpEncode(decoded)),
          input,
        )
      )
        report(bytesToHex(input), 'rlpDecode accepted an input that does not re-encode identically');
      return true;
    }
    case 'transaction': {
      const tx = randomTransaction(rng);
      const valid = encodeTransaction(tx);
      // Sometimes the block-body form: a typed transaction wrapped in an RLP string.
      const wrapped = tx.type !== 0 && rng.chance(0.1) ? rlpEncode(valid) : valid;
      const input = rng.chance(0.15) ? wrapped : rng.chance(0.1) ? rng.bytes(rng.int(200)) : mutate(rng, wrapped);
      let decoded: Transaction;
      try {
        decoded = clock.time(() => decodeTransaction(input));
      } catch (error) {
        if (!(error instanceof InvalidTransactionError))
          report(bytesToHex(input), 'decodeTransaction threw something other than InvalidTransactionError', error);
        else if (input === wrapped) report(bytesToHex(input), 'decodeTransaction rejected a valid encoding', error);
        return false;
      }
      let again: Uint8Array;
      try {
        again = clock.time(() => encodeTransaction(decoded));
      } catch (error) {
        report(bytesToHex(input), 'a decoded transaction does not encode', error);
        return true;
      }
      const expected = input[0]! >= 0x80 && input[0]! < 0xc0 ? rlpEncode(again) : again;
      if (!equalBytes(expected, input))
        report(bytesToHex(input), 'decodeTransaction accepted an input that does not re-encode identically');
      if (
        input === wrapped &&
        (decoded.type !== tx.type || decoded.nonce !== tx.nonce || decoded.value !== tx.value || !equalBytes(decoded.data, tx.data))
      ) {
        report(bytesToHex(input), 'a valid transaction decoded to different fields');
      }
      return true;
    }
    case 'hex': {
      const text = randomHexString(rng);
      const allowOdd = rng.chance(0.3);
      let bytes: Uint8Array;
      try {
        bytes = clock.time(() => hexToBytes(text, allowOdd));
      } catch (error) {
        if (!(error instanceof HexError))
          report(JSON.stringify(text.slice(0, 300)), 'hexToBytes threw something other than HexError', error);
        else if (/^(0[xX])?([0-9a-fA-F]{2})*$/.test(text))
          report(JSON.stringify(text.slice(0, 300)), 'hexToBytes rejected valid hex', error);
        return false;
      }
      let body = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
      if (body.length % 2 === 1) body = '0' + body;
      if (!/^[0-9a-fA-F]*$/.test(body) || bytesToHex(bytes) !== '0x' + body.toLowerCase()) {
        report(JSON.stringify(text.slice(0, 300)), `hexToBytes accepted it as ${bytesToHex(bytes).slice(0, 80)}`);
      }
      return true;
    }
    case 'quantity': {
      const text = rng.chance(0.5)
        ? randomHexString(rng)
        : rng.chance(0.5)
          ? String(rng.bigint(1 + rng.int(300)))
          : `${rng.int(100)}${rng.pick(ODD_CHARS)}`;
      let value: bigint;
      try {
        value = clock.time(() => parseQuantity(text));
      } catch (error) {
        if (!(error instanceof HexError))
          report(JSON.stringify(text.slice(0, 300)), 'parseQuantity threw something other than HexError', error);
        return false;
      }
      const expected = /^0x[0-9a-fA-F]+$/.test(text) || /^[0-9]+$/.test(text) ? BigInt(text) : text === '0x' ? 0n : undefined;
      if (expected !== value) report(JSON.stringify(text.slice(0, 300)), `parseQuantity accepted it as ${value}`);
      return true;
    }
    case 'address': {
      const text = rng.chance(0.5) ? randomHexString(rng) : '0x' + bytesToHex(rng.bytes(20)).slice(2).toUpperCase();
      let address: string;
      try {
        address = clock.time(() => parseAddress(text));
      } catch (error) {
        if (!(error instanceof HexError))
          report(JSON.stringify(text.slice(0, 300)), 'parseAddress threw something other than HexError', error);
        return false;
      }
      const body = text.startsWith('0x') ? text.slice(2) : text;
      if (!/^[0-9a-fA-F]{40}$/.test(body) || address !== '0x' + body.toLowerCase())
        report(JSON.stringify(text), `parseAddress accepted it as ${address}`);
      return true;
    }
  }
}
