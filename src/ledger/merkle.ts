import { createHash, hash } from 'node:crypto';

/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree hashing, proofs and verification, over SHA-256.
 * Pure: the tree's nodes come from a lookup the caller provides, so a stored tree answers any proof with
 * O(log n) node reads and never a rebuild.
 *
 * @example
 * const leaves = ['a', 'b', 'c'].map((s) => leafHash(Buffer.from(s)));
 * const lookup = (level: number, index: number) => subtreeHashFromLeaves(leaves, level, index);
 * const proof = inclusionProof(2, 3).map((range) => rangeHash(range, lookup));
 * verifyInclusion({ index: 2, treeSize: 3, leafHash: leaves[2]!, root: rangeHash([0, 3], lookup), proof }); // true
 */

export const HASH_SIZE = 32;
/** The byte before a leaf's bytes in its hash (RFC 9162). */
export const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** SHA-256 of the empty string: the root of the empty tree. */
export const EMPTY_ROOT = createHash('sha256').digest();

/** leaf hash = SHA-256(0x00 || leaf bytes). */
export function leafHash(leaf: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(1 + leaf.length);
  bytes[0] = LEAF_PREFIX;
  bytes.set(leaf, 1);
  return hash('sha256', bytes, 'buffer');
}

/**
 * interior node = SHA-256(0x01 || left || right). One-shot `crypto.hash` over one buffer: about a third faster
 * than a streaming hash object for inputs this small (verify computes one per entry).
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(1 + left.length + right.length);
  bytes[0] = NODE_PREFIX;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return hash('sha256', bytes, 'buffer');
}

/** The largest power of two strictly smaller than n (n >= 2): RFC 9162's split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A range of leaves [start, end). */
export type LeafRange = readonly [start: number, end: number];

/**
 * A complete, aligned subtree: leaves [index * 2^level, (index + 1) * 2^level). These are the only nodes
 * a stored tree keeps; every range hash is built from at most 2·log2(n) of them.
 */
export interface SubtreeRef {
  level: number;
  index: number;
}

/** Looks up the hash of a complete subtree (level 0 = leaf hashes). */
export type SubtreeLookup = (level: number, index: number) => Uint8Array;

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** The complete subtrees whose hashes `rangeHash` needs for [start, end), in evaluation order. */
export function subtreesOf([start, end]: LeafRange, out: SubtreeRef[] = []): SubtreeRef[] {
  const n = end - start;
  if (n <= 0) throw new RangeError('empty range');
  if (isPowerOfTwo(n) && start % n === 0) {
    out.push({ level: Math.log2(n), index: start / n });
    return out;
  }
  const k = splitPoint(n);
  subtreesOf([start, start + k], out);
  subtreesOf([start + k, end], out);
  return out;
}

/** MTH(D[start:end]) from complete-subtree hashes, following RFC 9162's split rule. */
export function rangeHash([start, end]: LeafRange, lookup: SubtreeLookup): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return Buffer.from(lookup(Math.log2(n), start / n));
  const k = splitPoint(n);
  return nodeHash(rangeHash([start, start + k], lookup), rangeHash([start + k, end], lookup));
}

/**
 * The ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size` leaves
 * (RFC 9162 s.2.1.3.1 PATH), ordered from the leaf upwards.
 */
export function inclusionProof(index: number, size: number): LeafRange[] {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of size ${size}`);
  }
  const path = (m: number, start: number, end: number): LeafRange[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, start, start + k), [start + k, end]] : [...path(m - k, start + k, end), [start, start + k]];
  };
  return path(index, 0, size);
}

/**
 * The ranges whose hashes form the consistency proof between tree sizes `first` and `second`
 * (RFC 9162 s.2.1.4.1 SUBPROOF), in order.
 */
export function consistencyProof(first: number, second: number): LeafRange[] {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 1 || first > second) {
    throw new RangeError(`no consistency proof from size ${first} to size ${second}`);
  }
  const sub = (m: number, start: number, end: number, whole: boolean): LeafRange[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [[start, end]];
    const k = splitPoint(n);
    return m <= k
      ? [...sub(m, start, start + k, whole), [start + k, end]]
      : [...sub(m - k, start + k, end, false), [start, start + k]];
  };
  return sub(first, 0, second, true);
}

const valid = (h: Uint8Array) => h.length === HASH_SIZE;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

export interface InclusionClaim {
  index: number;
  treeSize: number;
  leafHash: Uint8Array;
  root: Uint8Array;
  proof: Uint8Array[];
}

/** RFC 9162 s.2.1.3.2: does `proof` show that `leafHash` is leaf `index` of the tree with `root`? */
export function verifyInclusion({ index, treeSize, leafHash: leaf, root, proof }: InclusionClaim): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (!valid(leaf) || !valid(root) || !proof.every(valid)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && same(r, root);
}

export interface ConsistencyClaim {
  first: number;
  second: number;
  firstRoot: Uint8Array;
  secondRoot: Uint8Array;
  proof: Uint8Array[];
}

/** RFC 9162 s.2.1.4.2: is the tree of size `second` an append-only extension of the tree of size `first`? */
export function verifyConsistency({ first, second, firstRoot, secondRoot, proof }: ConsistencyClaim): boolean {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 1 || first > second) return false;
  // Equal sizes: nothing to prove but equality (as upstream, before any hash-length check).
  if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
  if (!valid(firstRoot) || !valid(secondRoot) || !proof.every(valid)) return false;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return same(fr, firstRoot) && same(sr, secondRoot) && sn === 0;
}

/** Complete-subtree hash computed from all leaf hashes in memory (tests, small trees, `verify`). */
export function subtreeHashFromLeaves(leaves: readonly Uint8Array[], level: number, index: number): Buffer {
  const width = 2 ** level;
  const start = index * width;
  if (start + width > leaves.length) throw new RangeError(`subtree ${level}/${index} is not complete`);
  if (level === 0) return Buffer.from(leaves[start]!);
  return nodeHash(subtreeHashFromLeaves(leaves, level - 1, index * 2), subtreeHashFromLeaves(leaves, level - 1, index * 2 + 1));
}
