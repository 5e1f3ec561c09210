/**
 * Checking a Merkle-Patricia proof (EIP-1186): the RLP-encoded nodes on the path from a root
 * to a key, root first, each referenced from its parent by hash (nodes under 32 bytes sit
 * embedded inside their parent and have no entry of their own).
 */
import { equalBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import { type RlpItem, RlpError, rlpDecode } from '../primitives/rlp.js';
import { EMPTY_TRIE_ROOT, bytesToNibbles, commonPrefixLength, hexPrefixDecode } from './trie-node.js';

export class TrieProofError extends Error {
  override name = 'TrieProofError';
}

/**
 * The value that `proof` shows is stored under `key` in the trie with root `root`, or
 * undefined when the proof shows the key is absent. A proof that does not hash up to `root`,
 * is missing a node, has nodes left over or is malformed throws a `TrieProofError`.
 */
export function verifyProof(root: Uint8Array, key: Uint8Array, proof: readonly Uint8Array[]): Uint8Array | undefined {
  if (proof.length === 0) {
    if (equalBytes(root, EMPTY_TRIE_ROOT)) return undefined;
    throw new TrieProofError('empty proof for a non-empty trie');
  }
  const nibbles = bytesToNibbles(key);
  let used = 0;
  const load = (hash: Uint8Array): RlpItem => {
    const encoded = proof[used];
    if (encoded === undefined) throw new TrieProofError(`proof is missing node ${used}`);
    if (!equalBytes(keccak256(encoded), hash)) throw new TrieProofError(`proof node ${used} does not match its hash`);
    used++;
    try {
      return rlpDecode(encoded);
    } catch (error) {
      if (error instanceof RlpError) throw new TrieProofError(`proof node ${used - 1} is not valid RLP`, { cause: error });
      throw error;
    }
  };
  /** The node a reference points at: embedded, by hash, or nothing (an empty reference). */
  const follow = (ref: RlpItem | undefined): RlpItem | undefined => {
    if (ref === undefined) throw new TrieProofError('malformed node');
    if (!(ref instanceof Uint8Array)) return ref;
    if (ref.length === 0) return undefined;
    if (ref.length === 32) return load(ref);
    throw new TrieProofError(`child reference of ${ref.length} bytes`);
  };
  const finish = (value: Uint8Array | undefined): Uint8Array | undefined => {
    if (used !== proof.length) throw new TrieProofError(`${proof.length - used} unused nodes in the proof`);
    return value === undefined || value.length === 0 ? undefined : value;
  };

  let node: RlpItem | undefined = load(root);
  let pos = 0;
  for (;;) {
    if (node === undefined) return finish(undefined);
    if (node instanceof Uint8Array) {
      // Only the empty trie's root is a bare string: rlp('').
      if (node.length === 0) return finish(undefined);
      throw new TrieProofError('a trie node must be a list');
    }
    if (node.length === 17) {
      if (pos === nibbles.length) return finish(asBytes(node[16]));
      node = follow(node[nibbles[pos++]!]);
      continue;
    }
    if (node.length !== 2) throw new TrieProofError(`a trie node of ${node.length} items`);
    const decoded = hexPrefixDecode(asBytes(node[0]));
    if (decoded === undefined) throw new TrieProofError('invalid hex-prefix path');
    const { path, isLeaf } = decoded;
    const matched = commonPrefixLength(path, nibbles, pos) === path.length;
    if (isLeaf) return finish(matched && pos + path.length === nibbles.length ? asBytes(node[1]) : undefined);
    if (!matched) return finish(undefined);
    pos += path.length;
    node = follow(node[1]);
  }
}

function asBytes(item: RlpItem | undefined): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new TrieProofError('expected a string in a trie node');
  return item;
}
