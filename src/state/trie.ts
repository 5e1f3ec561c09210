/**
 * An in-memory Merkle-Patricia trie (Yellow Paper, appendix D), the structure behind the state,
 * storage, transaction and receipt roots.
 *
 * Nodes are mutable and cache how their parent refers to them (see trie-node.ts). A change
 * clears the cache only along the path it touched, so after a few updates in a trie of
 * thousands of entries `root()` re-hashes a handful of nodes. A put that stores the value
 * already there, or a delete of an absent key, touches nothing.
 */
import { equalBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import {
  BranchNode,
  EMPTY_TRIE_ROOT,
  ExtensionNode,
  LeafNode,
  type TrieNode,
  bytesToNibbles,
  commonPrefixLength,
  concatNibbles,
  encodeNode,
  nibblesToBytes,
  nodeHash,
  nodeRef,
} from './trie-node.js';

export { EMPTY_TRIE_ROOT } from './trie-node.js';
export { verifyProof, TrieProofError } from './trie-proof.js';

export class MerklePatriciaTrie {
  #root: TrieNode | undefined = undefined;
  #rootHash: Uint8Array | undefined = EMPTY_TRIE_ROOT;
  /** Set by `#insert` and `#remove` when they changed something; read on the way back up. */
  #changed = false;

  /** The value stored under `key`. The returned bytes belong to the trie: do not modify them. */
  get(key: Uint8Array): Uint8Array | undefined {
    const nibbles = bytesToNibbles(key);
    let node = this.#root;
    let pos = 0;
    while (node !== undefined) {
      if (node instanceof BranchNode) {
        if (pos === nibbles.length) return node.value;
        node = node.children[nibbles[pos++]!];
      } else {
        const path = node.path;
        if (commonPrefixLength(path, nibbles, pos) !== path.length) return undefined;
        pos += path.length;
        if (node instanceof LeafNode) return pos === nibbles.length ? node.value : undefined;
        node = node.child;
      }
    }
    return undefined;
  }

  /** Stores a copy of `value` under `key`; an empty value deletes the key. */
  put(key: Uint8Array, value: Uint8Array): void {
    if (value.length === 0) {
      this.delete(key);
      return;
    }
    this.#changed = false;
    this.#root = this.#insert(this.#root, bytesToNibbles(key), 0, value);
    if (this.#changed) this.#rootHash = undefined;
  }

  delete(key: Uint8Array): void {
    this.#changed = false;
    this.#root = this.#remove(this.#root, bytesToNibbles(key), 0);
    if (this.#changed) this.#rootHash = undefined;
  }

  /** keccak256 of the root node's RLP; for no entries, keccak256(rlp('')). */
  root(): Uint8Array {
    if (this.#rootHash === undefined) this.#rootHash = this.#root === undefined ? EMPTY_TRIE_ROOT : nodeHash(this.#root);
    return this.#rootHash.slice();
  }

  get isEmpty(): boolean {
    return this.#root === undefined;
  }

  /**
   * The RLP-encoded nodes on the path to `key`, root first (EIP-1186, as eth_getProof returns
   * them). A node shorter than 32 bytes is embedded in its parent and is not listed on its own.
   * For an absent key the proof ends where the path leaves the trie, proving absence; for an
   * empty trie it is empty.
   */
  createProof(key: Uint8Array): Uint8Array[] {
    const proof: Uint8Array[] = [];
    let node = this.#root;
    if (node === undefined) return proof;
    nodeRef(node); // fills the reference caches of the whole trie
    const nibbles = bytesToNibbles(key);
    let pos = 0;
    let isRoot = true;
    while (node !== undefined) {
      if (isRoot || node.ref!.length === 33) proof.push(encodeNode(node));
      isRoot = false;
      if (node instanceof BranchNode) {
        if (pos === nibbles.length) break;
        node = node.children[nibbles[pos++]!];
      } else {
        const path = node.path;
        if (node instanceof LeafNode || commonPrefixLength(path, nibbles, pos) !== path.length) break;
        pos += path.length;
        node = node.child;
      }
    }
    return proof;
  }

  /** Every entry in ascending key order. Do not modify the trie while iterating. */
  *entries(): Generator<[Uint8Array, Uint8Array]> {
    if (this.#root !== undefined) yield* walk(this.#root, []);
  }

  #insert(node: TrieNode | undefined, key: Uint8Array, pos: number, value: Uint8Array): TrieNode {
    if (node === undefined) {
      this.#changed = true;
      return new LeafNode(key.slice(pos), value.slice());
    }
    if (node instanceof BranchNode) {
      if (pos === key.length) {
        if (node.value !== undefined && equalBytes(node.value, value)) return node;
        node.value = value.slice();
      } else {
        const index = key[pos]!;
        const child = this.#insert(node.children[index], key, pos + 1, value);
        if (!this.#changed) return node;
        node.children[index] = child;
      }
      this.#changed = true;
      node.ref = undefined;
      return node;
    }
    const path = node.path;
    const common = commonPrefixLength(path, key, pos);
    if (node instanceof ExtensionNode && common === path.length) {
      const child = this.#insert(node.child, key, pos + common, value);
      if (this.#changed) {
        node.child = child;
        node.ref = undefined;
      }
      return node;
    }
    if (node instanceof LeafNode && common === path.length && pos + common === key.length) {
      if (equalBytes(node.value, value)) return node;
      this.#changed = true;
      node.value = value.slice();
      node.ref = undefined;
      return node;
    }
    // The paths diverge after `common` nibbles: a branch there holds both sides.
    this.#changed = true;
    const branch = new BranchNode();
    if (node instanceof LeafNode) {
      if (common === path.length) branch.value = node.value;
      else branch.children[path[common]!] = new LeafNode(path.slice(common + 1), node.value);
    } else {
      // An extension always diverges before its end (handled above otherwise).
      const rest = path.slice(common + 1);
      branch.children[path[common]!] = rest.length === 0 ? node.child : new ExtensionNode(rest, node.child);
    }
    const end = pos + common;
    if (end === key.length) branch.value = value.slice();
    else branch.children[key[end]!] = new LeafNode(key.slice(end + 1), value.slice());
    return common === 0 ? branch : new ExtensionNode(path.slice(0, common), branch);
  }

  #remove(node: TrieNode | undefined, key: Uint8Array, pos: number): TrieNode | undefined {
    if (node === undefined) return undefined;
    if (node instanceof BranchNode) {
      if (pos === key.length) {
        if (node.value === undefined) return node;
        node.value = undefined;
      } else {
        const index = key[pos]!;
        const child = node.children[index];
        if (child === undefined) return node;
        const replaced = this.#remove(child, key, pos + 1);
        if (!this.#changed) return node;
        node.children[index] = replaced;
      }
      this.#changed = true;
      node.ref = undefined;
      return collapseBranch(node);
    }
    const path = node.path;
    const common = commonPrefixLength(path, key, pos);
    if (common !== path.length) return node;
    if (node instanceof LeafNode) {
      if (pos + common !== key.length) return node;
      this.#changed = true;
      return undefined;
    }
    const child = this.#remove(node.child, key, pos + common);
    if (!this.#changed) return node;
    if (child instanceof BranchNode) {
      node.child = child;
      node.ref = undefined;
      return node;
    }
    // The branch below collapsed to a leaf or an extension: merge the paths.
    return prependPath(path, child);
  }
}

/**
 * Canonical form after a removal: a branch left with a single child (and no value) becomes that
 * child with the branch's nibble prepended; a branch left with only a value becomes a leaf.
 */
function collapseBranch(branch: BranchNode): TrieNode | undefined {
  let only = -1;
  for (let i = 0; i < 16; i++) {
    if (branch.children[i] === undefined) continue;
    if (only >= 0 || branch.value !== undefined) return branch;
    only = i;
  }
  if (only < 0) return branch.value === undefined ? undefined : new LeafNode(new Uint8Array(0), branch.value);
  return prependPath(Uint8Array.of(only), branch.children[only]);
}

function prependPath(prefix: Uint8Array, node: TrieNode | undefined): TrieNode | undefined {
  if (node === undefined) return undefined;
  if (node instanceof LeafNode) return new LeafNode(concatNibbles(prefix, node.path), node.value);
  if (node instanceof ExtensionNode) return new ExtensionNode(concatNibbles(prefix, node.path), node.child);
  return new ExtensionNode(prefix, node);
}

function* walk(node: TrieNode, prefix: number[]): Generator<[Uint8Array, Uint8Array]> {
  if (node instanceof BranchNode) {
    if (node.value !== undefined) yield [nibblesToBytes(prefix), node.value];
    for (let i = 0; i < 16; i++) {
      const child = node.children[i];
      if (child === undefined) continue;
      prefix.push(i);
      yield* walk(child, prefix);
      prefix.pop();
    }
    return;
  }
  const depth = prefix.length;
  for (const nibble of node.path) prefix.push(nibble);
  if (node instanceof LeafNode) yield [nibblesToBytes(prefix), node.value];
  else yield* walk(node.child, prefix);
  prefix.length = depth;
}

/** The root of a trie holding `entries` (later duplicates win; empty values are absent). */
export function trieRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  const trie = new MerklePatriciaTrie();
  for (const [key, value] of entries) trie.put(key, value);
  return trie.root();
}

/** As `trieRoot`, with every key replaced by its keccak256, as in the state and storage tries. */
export function secureTrieRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  const trie = new MerklePatriciaTrie();
  for (const [key, value] of entries) trie.put(keccak256(key), value);
  return trie.root();
}
