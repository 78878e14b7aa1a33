import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, rangeHash, subtreeHashFromLeaves, subtreesOf,
  verifyConsistency, verifyInclusion,
} from './merkle.js';

// Independent vectors (transparency-dev/merkle, Apache-2.0), copied into catalogs/ with their provenance.
const VECTORS = new URL('../../catalogs/test-vectors/merkle-test-vectors.json', import.meta.url);
const SHARED = new URL('../../../shared/reference/merkle-test-vectors.json', import.meta.url);
const vectors = JSON.parse(readFileSync(VECTORS, 'utf8'));
const hex = (s: string) => Buffer.from(s, 'hex');
const leaves: Buffer[] = vectors.leaves.map((l: any) => leafHash(hex(l.input)));
const lookup = (level: number, index: number) => subtreeHashFromLeaves(leaves, level, index);

describe('RFC 9162 Merkle tree against the reference vectors', () => {
  it.skipIf(!existsSync(SHARED))('uses a copy identical to the shared reference', () => {
    expect(readFileSync(VECTORS).equals(readFileSync(SHARED))).toBe(true);
  });

  it('hashes every leaf as the vectors do', () => {
    vectors.leaves.forEach((l: any, i: number) => expect(leaves[i]!.toString('hex')).toBe(l.leafHash));
  });

  it('computes every root for sizes 0..8', () => {
    expect(vectors.roots).toHaveLength(9);
    for (const r of vectors.roots) {
      const root = r.treeSize === 0 ? EMPTY_ROOT : rangeHash([0, r.treeSize], lookup);
      expect(root.toString('hex'), `size ${r.treeSize}`).toBe(r.root);
    }
  });

  it('produces exactly the upstream happy-path and exhaustive inclusion proofs', () => {
    const cases = [...vectors.inclusionProofs, ...vectors.derivedExhaustive.inclusion];
    expect(cases.length).toBeGreaterThan(30);
    for (const c of cases) {
      const proof = inclusionProof(c.leafIdx, c.treeSize).map((range) => rangeHash(range, lookup).toString('hex'));
      expect(proof, `inclusion ${c.leafIdx}/${c.treeSize}`).toEqual(c.proof);
    }
  });

  it('produces exactly the upstream happy-path and exhaustive consistency proofs', () => {
    const cases = [...vectors.consistencyProofs, ...vectors.derivedExhaustive.consistency];
    expect(cases.length).toBeGreaterThan(30);
    for (const c of cases) {
      const proof = consistencyProof(c.size1, c.size2).map((range) => rangeHash(range, lookup).toString('hex'));
      expect(proof, `consistency ${c.size1}→${c.size2}`).toEqual(c.proof);
    }
  });

  it('accepts and rejects every inclusion probe as upstream does', () => {
    let rejected = 0;
    for (const p of vectors.inclusionProbes) {
      const ok = verifyInclusion({ index: p.leafIdx, treeSize: p.treeSize, leafHash: hex(p.leafHash), root: hex(p.root), proof: p.proof.map(hex) });
      expect(ok, `${p.upstreamFile}: ${p.desc}`).toBe(!p.wantErr);
      if (!ok) rejected++;
    }
    expect(rejected).toBe(vectors.counts.inclusionProbesWantErr);
  });

  it('accepts and rejects every consistency probe as upstream does', () => {
    let rejected = 0;
    for (const p of vectors.consistencyProbes) {
      const ok = verifyConsistency({ first: p.size1, second: p.size2, firstRoot: hex(p.root1), secondRoot: hex(p.root2), proof: p.proof.map(hex) });
      expect(ok, `${p.upstreamFile}: ${p.desc}`).toBe(!p.wantErr);
      if (!ok) rejected++;
    }
    expect(rejected).toBe(vectors.counts.consistencyProbesWantErr);
  });

  it('verifies every generated proof on larger trees and rejects a flipped bit', () => {
    const many = Array.from({ length: 37 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
    const look = (level: number, index: number) => subtreeHashFromLeaves(many, level, index);
    for (let size = 1; size <= many.length; size++) {
      const root = rangeHash([0, size], look);
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(i, size).map((r) => rangeHash(r, look));
        expect(verifyInclusion({ index: i, treeSize: size, leafHash: many[i]!, root, proof })).toBe(true);
        if (proof.length) {
          const bad = proof.map((p) => Buffer.from(p));
          bad[0]![0] ^= 1;
          expect(verifyInclusion({ index: i, treeSize: size, leafHash: many[i]!, root, proof: bad })).toBe(false);
        }
      }
      for (let first = 1; first <= size; first++) {
        const proof = consistencyProof(first, size).map((r) => rangeHash(r, look));
        expect(verifyConsistency({ first, second: size, firstRoot: rangeHash([0, first], look), secondRoot: root, proof })).toBe(true);
      }
    }
  });

  it('needs O(log n) stored subtrees for any range', () => {
    const n = 1_000_003;
    const bound = 2 * Math.ceil(Math.log2(n));
    expect(subtreesOf([0, n]).length).toBeLessThanOrEqual(bound);
    expect(inclusionProof(777_777, n).flatMap((r) => subtreesOf(r)).length).toBeLessThanOrEqual(bound);
    expect(consistencyProof(500_001, n).flatMap((r) => subtreesOf(r)).length).toBeLessThanOrEqual(2 * bound);
  });
});
