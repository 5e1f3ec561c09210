import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, hexToBytes, equalBytes } from '../../dist/primitives/bytes.js';
import { keccak256 } from '../../dist/primitives/hash.js';
import { type RlpInput, rlpEncode } from '../../dist/primitives/rlp.js';
import { hexPrefixEncode, bytesToNibbles } from '../../dist/state/trie-node.js';
import { EMPTY_TRIE_ROOT, MerklePatriciaTrie, TrieProofError, secureTrieRoot, trieRoot, verifyProof } from '../../dist/state/trie.js';

const FIXTURES = process.env.POLYVM_FIXTURES ?? '../shared/fixtures';
const TRIE_TESTS = join(FIXTURES, 'ethereum-tests', 'TrieTests');

const utf8 = new TextEncoder();
/** Fixture strings are hex when they start with 0x (or always, in `hexEncoded` files), else UTF-8. */
function fixtureBytes(s: string, hexEncoded = false): Uint8Array {
  return hexEncoded || s.startsWith('0x') ? hexToBytes(s) : utf8.encode(s);
}

/** A deterministic generator (xorshift32) so failures reproduce. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
function randomBytes(next: () => number, length: number, alphabet = 256): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * alphabet);
  return out;
}
function shuffle<T>(next: () => number, items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The Yellow Paper's definition of the root, written directly (appendix D, c(J, i)) from the
 * final set of entries, as an independent check of the incremental trie.
 */
function referenceRoot(entries: Map<string, Uint8Array>): Uint8Array {
  const items = [...entries].map(([k, v]) => ({ key: bytesToNibbles(hexToBytes(k)), value: v }));
  if (items.length === 0) return keccak256(rlpEncode(new Uint8Array(0)));
  type Item = (typeof items)[number];
  const n = (group: Item[], i: number): RlpInput => {
    if (group.length === 0) return new Uint8Array(0);
    const node = c(group, i);
    const encoded = rlpEncode(node);
    return encoded.length < 32 ? node : keccak256(encoded);
  };
  const c = (group: Item[], i: number): RlpInput => {
    if (group.length === 1) return [hexPrefixEncode(group[0]!.key.slice(i), true), group[0]!.value];
    let j = i;
    for (;;) {
      const nibble = group[0]!.key[j];
      if (nibble === undefined || !group.every((it) => it.key[j] === nibble)) break;
      j++;
    }
    if (j > i) return [hexPrefixEncode(group[0]!.key.slice(i, j), false), n(group, j)];
    const branch: RlpInput[] = [];
    for (let nibble = 0; nibble < 16; nibble++)
      branch.push(
        n(
          group.filter((it) => it.key[i] === nibble),
          i + 1,
        ),
      );
    const terminal = group.find((it) => it.key.length === i);
    branch.push(terminal ? terminal.value : new Uint8Array(0));
    return branch;
  };
  return keccak256(rlpEncode(c(items, 0)));
}

// ---- the ethereum/tests fixtures ----

type Operation = [key: Uint8Array, value: Uint8Array | undefined];
interface TrieFixture {
  in: [string, string | null][] | Record<string, string | null> | string[];
  root?: string;
  hexEncoded?: boolean;
  tests?: [string, string, string][];
}

let fixtureCases = 0;
for (const file of readdirSync(TRIE_TESTS)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const cases = JSON.parse(readFileSync(join(TRIE_TESTS, file), 'utf8')) as Record<string, TrieFixture>;
  const secure = /securetrie/i.test(file);
  for (const [name, fixture] of Object.entries(cases)) {
    fixtureCases++;
    if (fixture.tests !== undefined) {
      test(`TrieTests/${file} ${name}: ordered iteration gives previous and next keys`, () => {
        const trie = new MerklePatriciaTrie();
        for (const key of fixture.in as string[]) trie.put(fixtureBytes(key), fixtureBytes(key));
        const keys = [...trie.entries()].map(([k]) => new TextDecoder().decode(k));
        for (const [key, prev, next] of fixture.tests!) {
          const below = keys.filter((k) => k < key);
          const above = keys.filter((k) => k > key);
          assert.equal(below.at(-1) ?? '', prev, `previous of ${key}`);
          assert.equal(above[0] ?? '', next, `next of ${key}`);
        }
      });
      continue;
    }
    const pairs = Array.isArray(fixture.in) ? (fixture.in as [string, string | null][]) : Object.entries(fixture.in);
    const operations: Operation[] = pairs.map(([k, v]) => {
      const key = fixtureBytes(k, fixture.hexEncoded);
      return [secure ? keccak256(key) : key, v === null ? undefined : fixtureBytes(v, fixture.hexEncoded)];
    });
    const orders = Array.isArray(fixture.in) ? [operations] : [operations, operations.slice().reverse()];
    test(`TrieTests/${file} ${name}`, () => {
      for (const order of orders) {
        const trie = new MerklePatriciaTrie();
        const model = new Map<string, Uint8Array>();
        for (const [key, value] of order) {
          if (value === undefined) trie.delete(key);
          else trie.put(key, value);
          if (value === undefined || value.length === 0) model.delete(bytesToHex(key));
          else model.set(bytesToHex(key), value);
        }
        assert.equal(bytesToHex(trie.root()), fixture.root);
        assert.equal(bytesToHex(referenceRoot(model)), fixture.root);
        for (const [key, value] of model) {
          const proof = trie.createProof(hexToBytes(key));
          assert.deepEqual(verifyProof(trie.root(), hexToBytes(key), proof), value);
        }
      }
    });
  }
}
test('TrieTests fixtures were found', () => assert.ok(fixtureCases >= 20, `only ${fixtureCases} cases`));

// ---- unit tests ----

test('the empty trie root is keccak256(rlp(""))', () => {
  const expected = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';
  assert.equal(bytesToHex(EMPTY_TRIE_ROOT), expected);
  assert.equal(bytesToHex(new MerklePatriciaTrie().root()), expected);
  assert.equal(bytesToHex(trieRoot([])), expected);
  assert.equal(bytesToHex(secureTrieRoot([])), expected);
  assert.equal(bytesToHex(trieRoot([[utf8.encode('a'), new Uint8Array(0)]])), expected);
});

test('get, overwrite, and delete, including the empty key and prefixes of other keys', () => {
  const trie = new MerklePatriciaTrie();
  const keys = ['', 'd', 'do', 'dog', 'doge', 'dogs', 'e'].map((k) => utf8.encode(k));
  keys.forEach((k, i) => trie.put(k, Uint8Array.of(i + 1)));
  keys.forEach((k, i) => assert.deepEqual(trie.get(k), Uint8Array.of(i + 1)));
  assert.equal(trie.get(utf8.encode('dogg')), undefined);
  assert.equal(trie.get(utf8.encode('x')), undefined);
  trie.put(keys[3]!, Uint8Array.of(42));
  assert.deepEqual(trie.get(keys[3]!), Uint8Array.of(42));
  trie.put(keys[0]!, new Uint8Array(0));
  assert.equal(trie.get(keys[0]!), undefined);
  const model = new Map(keys.slice(1).map((k, i) => [bytesToHex(k), Uint8Array.of(i === 2 ? 42 : i + 2)]));
  assert.deepEqual(trie.root(), referenceRoot(model));
});

test('the trie copies values it stores', () => {
  const trie = new MerklePatriciaTrie();
  const value = Uint8Array.of(1, 2, 3);
  trie.put(Uint8Array.of(1), value);
  const before = trie.root();
  value[0] = 9;
  assert.deepEqual(trie.get(Uint8Array.of(1)), Uint8Array.of(1, 2, 3));
  assert.deepEqual(trie.root(), before);
});

test('proofs of present and absent keys verify; tampered proofs fail', () => {
  const next = random(7);
  for (const [count, keyLength, alphabet] of [
    [500, 32, 256],
    [40, 3, 4],
    [1, 2, 256],
  ] as const) {
    const trie = new MerklePatriciaTrie();
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < count; i++) {
      const entry: [Uint8Array, Uint8Array] = [randomBytes(next, keyLength, alphabet), randomBytes(next, 1 + Math.floor(next() * 40))];
      trie.put(...entry);
      entries.push(entry);
    }
    const root = trie.root();
    for (const [key] of entries) {
      const proof = trie.createProof(key);
      assert.deepEqual(verifyProof(root, key, proof), trie.get(key));
    }
    for (let i = 0; i < 50; i++) {
      const key = randomBytes(next, keyLength, alphabet);
      assert.deepEqual(verifyProof(root, key, trie.createProof(key)), trie.get(key));
    }
    const [key] = entries[0]!;
    const proof = trie.createProof(key);
    for (let n = 0; n < proof.length; n++) {
      const tampered = proof.map((node) => node.slice());
      tampered[n]![Math.floor(next() * tampered[n]!.length)] ^= 1;
      assert.throws(() => verifyProof(root, key, tampered), TrieProofError);
    }
    assert.throws(() => verifyProof(keccak256(root), key, proof), TrieProofError);
    assert.throws(() => verifyProof(root, key, [...proof, proof[0]!]), TrieProofError);
    if (proof.length > 1) assert.throws(() => verifyProof(root, key, proof.slice(0, -1)), TrieProofError);
    assert.throws(() => verifyProof(root, key, []), TrieProofError);
  }
  assert.deepEqual(new MerklePatriciaTrie().createProof(Uint8Array.of(1)), []);
  assert.equal(verifyProof(EMPTY_TRIE_ROOT, Uint8Array.of(1), []), undefined);
});

test('deleting every key in random order gives the empty root', () => {
  const next = random(11);
  for (const [count, keyLength, alphabet] of [
    [300, 32, 256],
    [200, 4, 3],
  ] as const) {
    const trie = new MerklePatriciaTrie();
    const keys: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const key = randomBytes(next, Math.floor(next() * keyLength) + 1, alphabet);
      keys.push(key);
      trie.put(key, randomBytes(next, 1 + Math.floor(next() * 50)));
    }
    const model = new Map<string, Uint8Array>();
    for (const key of keys) model.set(bytesToHex(key), trie.get(key)!);
    const order = shuffle(next, [...model.keys()]);
    for (let i = 0; i < order.length; i++) {
      trie.delete(hexToBytes(order[i]!));
      model.delete(order[i]!);
      if (i % 37 === 0) assert.deepEqual(trie.root(), referenceRoot(model), `after ${i + 1} deletions`);
    }
    assert.deepEqual(trie.root(), EMPTY_TRIE_ROOT);
    assert.ok(trie.isEmpty);
  }
});

test('insertion order does not matter', () => {
  const next = random(3);
  for (const [count, keyLength, alphabet] of [
    [200, 32, 256],
    [120, 5, 5],
    [30, 20, 2],
  ] as const) {
    const entries: [Uint8Array, Uint8Array][] = [];
    const seen = new Set<string>();
    while (entries.length < count) {
      const key = randomBytes(next, Math.floor(next() * keyLength), alphabet);
      if (seen.has(bytesToHex(key))) continue;
      seen.add(bytesToHex(key));
      entries.push([key, randomBytes(next, 1 + Math.floor(next() * 40))]);
    }
    const expected = trieRoot(entries);
    assert.deepEqual(expected, referenceRoot(new Map(entries.map(([k, v]) => [bytesToHex(k), v]))));
    for (let round = 0; round < 10; round++) {
      assert.deepEqual(trieRoot(shuffle(next, entries)), expected);
      const hashed = shuffle(next, entries);
      assert.deepEqual(secureTrieRoot(hashed), trieRoot(hashed.map(([k, v]) => [keccak256(k), v])));
    }
  }
});

test('random puts, overwrites and deletes keep the incremental root equal to a rebuilt one', () => {
  const next = random(5);
  const trie = new MerklePatriciaTrie();
  const model = new Map<string, Uint8Array>();
  for (let step = 0; step < 3000; step++) {
    const key = randomBytes(next, 1 + Math.floor(next() * 3), 6);
    const hex = bytesToHex(key);
    if (next() < 0.35) {
      trie.delete(key);
      model.delete(hex);
    } else {
      const value = randomBytes(next, Math.floor(next() * 36));
      trie.put(key, value);
      if (value.length === 0) model.delete(hex);
      else model.set(hex, value);
    }
    if (step % 50 === 0) {
      assert.deepEqual(trie.root(), referenceRoot(model), `step ${step}`);
      const entries = [...trie.entries()].map(([k, v]) => [bytesToHex(k), v] as const);
      assert.deepEqual(
        entries,
        [...model].sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
  }
});

test('a root after a few changes in a big trie matches a rebuild, and no-op changes keep it', () => {
  const next = random(9);
  const entries = new Map<string, Uint8Array>();
  const trie = new MerklePatriciaTrie();
  for (let i = 0; i < 2000; i++) {
    const key = keccak256(Uint8Array.of(i >> 8, i & 255));
    const value = rlpEncode(randomBytes(next, 1 + Math.floor(next() * 32)));
    entries.set(bytesToHex(key), value);
    trie.put(key, value);
  }
  const before = trie.root();
  const [someKey, someValue] = [...entries][17]!;
  trie.put(hexToBytes(someKey), someValue.slice());
  trie.delete(keccak256(utf8.encode('absent')));
  assert.ok(equalBytes(trie.root(), before));
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 5; i++) {
      const key = keccak256(Uint8Array.of(round, i, 7));
      const value = Uint8Array.of(round, i);
      trie.put(key, value);
      entries.set(bytesToHex(key), value);
      const [victim] = [...entries][Math.floor(next() * entries.size)]!;
      trie.delete(hexToBytes(victim));
      entries.delete(victim);
    }
    assert.deepEqual(trie.root(), trieRoot([...entries].map(([k, v]) => [hexToBytes(k), v])));
  }
});
