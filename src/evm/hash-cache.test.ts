import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashCache } from './hash-cache.js';
import { keccak256 } from '../primitives/hash.js';
import { bytesToBigint } from '../primitives/bytes.js';

test('the hash cache returns the hash of the very bytes asked for, whatever was cached in their entry', () => {
  const cache = new HashCache();
  // keccak256 of 32 zero bytes (a Solidity array in slot 0): a well-known constant.
  const zero = 0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563n;
  assert.equal(cache.keccakWord(new Uint8Array(32)), zero);
  assert.equal(cache.keccakWord(new Uint8Array(32)), zero, 'a hit');
  // Inputs that share their last bytes (so their entry) and differ anywhere else, of both cached
  // sizes and others, asked for again and again in an interleaved order.
  const inputs: Uint8Array[] = [];
  for (const size of [0, 1, 31, 32, 33, 64, 65, 96]) {
    for (let at = 0; at < size; at += 7) {
      const data = new Uint8Array(size);
      data[at] = 1 + (at & 0x7f);
      inputs.push(data, data.slice());
    }
  }
  for (let round = 0; round < 3; round++) {
    for (const data of inputs) assert.equal(cache.keccakWord(data), bytesToBigint(keccak256(data)), `${data.length} bytes, round ${round}`);
  }
  // The 32-byte zero input still gives its hash after all that traffic through its entry.
  assert.equal(cache.keccakWord(new Uint8Array(32)), zero);
});
