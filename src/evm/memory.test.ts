/**
 * Memory's word cache (memory.ts): a word an aligned MSTORE wrote or an MLOAD read is kept as a
 * bigint; every other write to its bytes must make the next MLOAD see the bytes. Each case writes a
 * word, overwrites some of its bytes another way, and reads it back, on both tiers; the expected
 * words are written out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEvm } from '../create-evm.js';
import { hexToBytes, bytesToHex } from '../primitives/bytes.js';

const CALLER = '0x00000000000000000000000000000000000000c0';
const TARGET = '0x00000000000000000000000000000000000000aa';
const ECHO = '0x00000000000000000000000000000000000000bb';

const hex = (n: number | bigint, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
const push = (n: number | bigint, bytes = 32) => hex(0x5f + bytes, 1) + hex(n, bytes);
const MSTORE = '52';
const MLOAD = '51';
const A = 0x1111111111111111111111111111111111111111111111111111111111111111n;
const B = 0x2222222222222222222222222222222222222222222222222222222222222222n;
/** Returns the word at `offset`: MLOAD, store at 0x1000 (past the cases' words), return it. */
const returnWordAt = (offset: number) => push(offset, 3) + MLOAD + push(0x1000, 2) + MSTORE + '6020' + push(0x1000, 2) + 'f3';
/** Stores A at `offset` and reads it back (so it is cached either way). */
const storeA = (offset: number) => push(A) + push(offset, 3) + MSTORE + push(offset, 3) + MLOAD + '50';

function word(code: string, data = ''): string {
  const results = (['never', 'always'] as const).map((jit) => {
    const evm = createEvm({ fork: 'Osaka', jit });
    evm.setAccount(CALLER, { balance: 10n ** 18n });
    evm.setAccount(TARGET, { code: hexToBytes(code) });
    // Returns its call data.
    evm.setAccount(ECHO, { code: hexToBytes('366000600037366000f3') });
    const r = evm.runCall({ caller: CALLER, to: TARGET, gas: 1_000_000n, data: hexToBytes('0x' + data) });
    assert.equal(r.success, true, `${jit}: ${r.error}`);
    return bytesToHex(r.output);
  });
  assert.equal(results[1], results[0], 'the tiers disagree');
  return results[0]!.slice(2);
}

const a = hex(A, 32);

/**
 * Where the cases put their words: the start of memory; across the last word kept as a bigint and
 * the first not kept (0x40 + base is word 4,095); further out (word 5,119, and 0x40000).
 */
const BASES = [0, 0x1ffa0, 0x9ffa0, 0x40000];

test('an aligned word stored then read back', () => {
  for (const b of BASES) assert.equal(word(storeA(b + 0x40) + returnWordAt(b + 0x40)), a);
});

test('MSTORE8 into a cached word', () => {
  for (const b of BASES)
    assert.equal(word(storeA(b + 0x40) + '60ff' + push(b + 0x45, 3) + '53' + returnWordAt(b + 0x40)), '1111111111ff' + '11'.repeat(26));
});

test('an unaligned MSTORE across two cached words', () => {
  for (const b of BASES) {
    const code = storeA(b + 0x40) + storeA(b + 0x60) + push(B) + push(b + 0x50, 3) + MSTORE;
    assert.equal(word(code + returnWordAt(b + 0x40)), '11'.repeat(16) + '22'.repeat(16), `base ${b}`);
    assert.equal(word(code + returnWordAt(b + 0x60)), '22'.repeat(16) + '11'.repeat(16), `base ${b}`);
  }
});

test('MCOPY, CALLDATACOPY, CODECOPY and RETURNDATACOPY over a cached word', () => {
  for (const b of BASES) {
    // MCOPY 4 bytes of zeros (from 0x200, never written) to 0x48.
    assert.equal(
      word(storeA(b + 0x40) + '6004' + push(b + 0x200, 3) + push(b + 0x48, 3) + '5e' + returnWordAt(b + 0x40)),
      '11'.repeat(8) + '00'.repeat(4) + '11'.repeat(20),
    );
    // MCOPY of 0x1000 bytes of zeros over the word and the pages around it.
    assert.equal(
      word(storeA(b + 0x40) + push(0x1000, 2) + push(b + 0x2000, 3) + push(b, 3) + '5e' + returnWordAt(b + 0x40)),
      '00'.repeat(32),
    );
    // CALLDATACOPY of 2 bytes (0xabcd) to 0x5e.
    assert.equal(
      word(storeA(b + 0x40) + '6002' + '6000' + push(b + 0x5e, 3) + '37' + returnWordAt(b + 0x40), 'abcd'),
      '11'.repeat(30) + 'abcd',
    );
    // CODECOPY of the code's first byte (PUSH32, 0x7f) to 0x40.
    assert.equal(word(storeA(b + 0x40) + '6001' + '6000' + push(b + 0x40, 3) + '39' + returnWordAt(b + 0x40)), '7f' + '11'.repeat(31));
  }
});

test("a call's output written over a cached word, and RETURNDATACOPY", () => {
  for (const b of BASES) {
    // CALL ECHO with 32 bytes of B as input, output to 0x40 (a cached A).
    const storeB = push(B) + push(0x100, 2) + MSTORE;
    const call = '6020' + push(b + 0x40, 3) + '6020' + push(0x100, 2) + '6000' + push(BigInt(ECHO), 20) + '5a' + 'f1' + '50';
    assert.equal(word(storeA(b + 0x40) + storeB + call + returnWordAt(b + 0x40)), hex(B, 32));
    // RETURNDATACOPY the echoed word over another cached A.
    const copy = '6020' + '6000' + push(b + 0x80, 3) + '3e';
    assert.equal(word(storeA(b + 0x40) + storeA(b + 0x80) + storeB + call + copy + returnWordAt(b + 0x80)), hex(B, 32));
  }
});

test('a word in memory grown many times over, and a word read before anything was stored', () => {
  // 128 KiB in, just past the words kept as bigints: memory (and those words) grew from 1 KiB by doubling.
  const far = 0x20040;
  assert.equal(word(storeA(far) + '60ff' + push(far + 31, 3) + '53' + returnWordAt(far)), '11'.repeat(31) + 'ff');
  // A read of zeros is cached too; a later MSTORE8 must still show.
  assert.equal(word(push(0x40, 2) + MLOAD + '50' + '6007' + push(0x40, 2) + '53' + returnWordAt(0x40)), '07' + '00'.repeat(31));
});

test('words read from bytes (unaligned MLOAD, CALLDATALOAD) at the edges of the small-value path', () => {
  // memory.ts's wordAt reads a word whose first 24 bytes are zero and whose value is below 2^53 as
  // one number; everything else through four 64-bit parts. Each value is written as bytes (by
  // CALLDATACOPY, so no word is cached), read back unaligned and from call data, and compared.
  const values = [
    0n,
    1n,
    0xffffffffn,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    2n ** 64n - 1n,
    2n ** 64n,
    2n ** 64n + 5n,
    2n ** 96n + 7n,
    2n ** 160n - 1n,
    2n ** 192n + 3n,
    2n ** 255n,
    2n ** 256n - 1n,
  ];
  for (const value of values) {
    const data = hex(value, 32);
    // CALLDATACOPY(5, 0, 32), then the unaligned word at 5.
    assert.equal(word('6020' + '6000' + '6005' + '37' + returnWordAt(5), data), data, `MLOAD of ${value}`);
    // CALLDATALOAD at 3 of (3 bytes, the word): the word.
    const load = '6003' + '35' + push(0x1000, 2) + MSTORE + '6020' + push(0x1000, 2) + 'f3';
    assert.equal(word(load, 'abcdef' + data), data, `CALLDATALOAD of ${value}`);
  }
});

test('a large memory given back by one call is all zeros, words included, in the next call that grows as far', () => {
  // The first call leaves A in a cached word (0x40) and at 0x40000, in memory past the small pool's
  // size; the second grows its memory as far (MLOAD at 0x40000) and reads both places.
  const dirty = push(A) + push(0x40, 3) + MSTORE + push(0x40, 3) + MLOAD + '50' + push(A) + push(0x40000, 3) + MSTORE + '00';
  const grow = push(0x40000, 3) + MLOAD + '50';
  for (const jit of ['never', 'always'] as const) {
    const evm = createEvm({ fork: 'Osaka', jit });
    evm.setAccount(CALLER, { balance: 10n ** 18n });
    for (const offset of [0x40, 0x40000, 0x40020]) {
      evm.setAccount(TARGET, { code: hexToBytes(dirty) });
      assert.equal(evm.runCall({ caller: CALLER, to: TARGET, gas: 1_000_000n }).success, true);
      evm.setAccount(TARGET, { code: hexToBytes(grow + returnWordAt(offset)) });
      const r = evm.runCall({ caller: CALLER, to: TARGET, gas: 1_000_000n });
      assert.equal(r.success, true, `${jit}: ${r.error}`);
      assert.equal(bytesToHex(r.output), '0x' + '00'.repeat(32), `${jit}: the word at ${offset}`);
    }
  }
});
