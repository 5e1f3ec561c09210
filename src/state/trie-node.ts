/**
 * The nodes of a Merkle-Patricia trie (Yellow Paper, appendix D) and their encoding.
 *
 * Paths are nibble arrays (one 4-bit value per byte). Nodes are mutable and each caches its
 * reference: the bytes a parent splices into its own encoding, which is the node's RLP itself
 * when shorter than 32 bytes (an embedded node) and otherwise the RLP string of its keccak256
 * (0xa0 followed by the 32-byte hash). The trie clears the cache of every node on a modified
 * path, so recomputing a root only re-hashes what changed.
 */
import { keccak256 } from '../primitives/hash.js';
import { rlpEncode, rlpEncodeList } from '../primitives/rlp.js';

export class LeafNode {
  ref: Uint8Array | undefined = undefined;
  constructor(
    public path: Uint8Array,
    public value: Uint8Array,
  ) {}
}

export class ExtensionNode {
  ref: Uint8Array | undefined = undefined;
  constructor(
    public path: Uint8Array,
    public child: TrieNode,
  ) {}
}

export class BranchNode {
  ref: Uint8Array | undefined = undefined;
  readonly children: (TrieNode | undefined)[] = new Array<TrieNode | undefined>(16).fill(undefined);
  value: Uint8Array | undefined = undefined;
}

export type TrieNode = LeafNode | ExtensionNode | BranchNode;

/** RLP of the empty string: an absent child in a branch, an absent value, the empty trie. */
const RLP_EMPTY = Uint8Array.of(0x80);

export function bytesToNibbles(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = bytes[i]! >> 4;
    out[2 * i + 1] = bytes[i]! & 15;
  }
  return out;
}

/** Packs an even-length nibble path back into bytes (keys are whole bytes). */
export function nibblesToBytes(nibbles: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(nibbles.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (nibbles[2 * i]! << 4) | nibbles[2 * i + 1]!;
  return out;
}

/** Number of leading nibbles that `path` shares with `key` from `offset`. */
export function commonPrefixLength(path: Uint8Array, key: Uint8Array, offset: number): number {
  const max = Math.min(path.length, key.length - offset);
  let i = 0;
  while (i < max && path[i] === key[offset + i]) i++;
  return i;
}

export function concatNibbles(a: Uint8Array | number, b: Uint8Array): Uint8Array {
  if (typeof a === 'number') {
    const out = new Uint8Array(b.length + 1);
    out[0] = a;
    out.set(b, 1);
    return out;
  }
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Hex-prefix encoding (Yellow Paper, appendix C): the high nibble of the first byte holds a
 * flag, 2 for a leaf plus 1 for an odd length; an odd path puts its first nibble beside it.
 */
export function hexPrefixEncode(path: Uint8Array, isLeaf: boolean): Uint8Array {
  const odd = path.length & 1;
  const flag = (isLeaf ? 2 : 0) + odd;
  const out = new Uint8Array((path.length >> 1) + 1);
  let i = 0;
  if (odd) {
    out[0] = (flag << 4) | path[0]!;
    i = 1;
  } else {
    out[0] = flag << 4;
  }
  for (let j = 1; j < out.length; j++, i += 2) out[j] = (path[i]! << 4) | path[i + 1]!;
  return out;
}

/** Inverse of `hexPrefixEncode`; undefined when the flag nibble is not one of 0-3. */
export function hexPrefixDecode(encoded: Uint8Array): { path: Uint8Array; isLeaf: boolean } | undefined {
  if (encoded.length === 0) return undefined;
  const flag = encoded[0]! >> 4;
  if (flag > 3) return undefined;
  const odd = flag & 1;
  // An even path pads the flag byte with a zero nibble.
  if (!odd && (encoded[0]! & 15) !== 0) return undefined;
  const path = new Uint8Array((encoded.length - 1) * 2 + odd);
  let i = 0;
  if (odd) path[i++] = encoded[0]! & 15;
  for (let j = 1; j < encoded.length; j++) {
    path[i++] = encoded[j]! >> 4;
    path[i++] = encoded[j]! & 15;
  }
  return { path, isLeaf: flag >= 2 };
}

/** The node's RLP, built from its children's cached references. */
export function encodeNode(node: TrieNode): Uint8Array {
  if (node instanceof LeafNode) {
    return rlpEncodeList([rlpEncode(hexPrefixEncode(node.path, true)), rlpEncode(node.value)]);
  }
  if (node instanceof ExtensionNode) {
    return rlpEncodeList([rlpEncode(hexPrefixEncode(node.path, false)), nodeRef(node.child)]);
  }
  const items: Uint8Array[] = new Array<Uint8Array>(17);
  for (let i = 0; i < 16; i++) {
    const child = node.children[i];
    items[i] = child === undefined ? RLP_EMPTY : nodeRef(child);
  }
  items[16] = node.value === undefined ? RLP_EMPTY : rlpEncode(node.value);
  return rlpEncodeList(items);
}

/** How a parent refers to `node`: its RLP if under 32 bytes, else the RLP of its hash. Cached. */
export function nodeRef(node: TrieNode): Uint8Array {
  let ref = node.ref;
  if (ref !== undefined) return ref;
  const encoded = encodeNode(node);
  if (encoded.length < 32) {
    ref = encoded;
  } else {
    ref = new Uint8Array(33);
    ref[0] = 0xa0;
    ref.set(keccak256(encoded), 1);
  }
  node.ref = ref;
  return ref;
}

/** keccak256 of the node's RLP, whatever its length (the root is always hashed). */
export function nodeHash(node: TrieNode): Uint8Array {
  const ref = nodeRef(node);
  return ref.length === 33 ? ref.slice(1) : keccak256(ref);
}

/** keccak256(rlp('')): the root of a trie with no entries. */
export const EMPTY_TRIE_ROOT: Uint8Array = keccak256(RLP_EMPTY);
