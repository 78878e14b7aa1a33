import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { consistencyProof, inclusionProof, leafHash, rangeHash, subtreeHashFromLeaves } from './merkle.js';
import {
  proofKind, verifyCheckpointSignature, verifyConsistencyProof, verifyEntryProof,
  type CheckpointJson, type ConsistencyProof, type EntryJson, type EntryProof,
} from './proof.js';
import { checkpointMessage, generateSigningKey, signMessage } from './signing.js';

/**
 * The offline verifier against a ledger built here in memory, exactly as the server builds one (canonical JSON
 * payload, 16-byte salt, RFC 9162 tree, Ed25519 checkpoint): what verifies, and every alteration that must not.
 */

const masterKey = randomBytes(32);
const key = generateSigningKey(masterKey);
const keyId = randomUUID();
const orgId = randomUUID();
const publicKey = key.publicKey.toString('base64');
const TENANT = randomUUID();

interface Built { entries: EntryJson[]; leaves: Buffer[] }

function build(size: number): Built {
  const entries: EntryJson[] = [];
  const leaves: Buffer[] = [];
  for (let index = 0; index < size; index++) {
    const at = new Date(1_750_000_000_000 + index * 1000).toISOString();
    const fields = { at, kind: 'change', action: 'update', objectType: 'system', objectId: randomUUID(), actor: `person${index}@example.test`, summary: `Changed thing ${index}`, tenantId: index % 2 ? TENANT : null };
    const payload = canonicalJson({
      v: 1, org: orgId, index, at, tenant: fields.tenantId, kind: fields.kind, action: fields.action, objectType: fields.objectType,
      objectId: fields.objectId, actor: fields.actor, summary: fields.summary, details: { before: null, after: 'ab'.repeat(32) },
    });
    const salt = randomBytes(16);
    leaves.push(leafHash(Buffer.concat([Buffer.from(payload, 'utf8'), salt])));
    entries.push({ index, ...fields, payload, salt: salt.toString('base64'), expired: false });
  }
  return { entries, leaves };
}

const lookupOf = (leaves: Buffer[]) => (level: number, index: number) => subtreeHashFromLeaves(leaves, level, index);

function checkpoint(leaves: Buffer[], size: number, signedAt = new Date(1_760_000_000_000 + size).toISOString()): CheckpointJson {
  const rootHash = rangeHash([0, size], lookupOf(leaves)).toString('hex');
  const signature = signMessage(masterKey, key.privateKeyEncrypted, checkpointMessage({ orgId, treeSize: size, rootHash, signedAt })).toString('base64');
  return { orgId, treeSize: size, rootHash, signedAt, keyId, signature };
}

function entryBundle(built: Built, index: number, size = built.leaves.length): EntryProof & { publicKey: string } {
  const lookup = lookupOf(built.leaves);
  return {
    entry: { ...built.entries[index]! },
    leafHash: built.leaves[index]!.toString('hex'),
    checkpoint: checkpoint(built.leaves, size),
    inclusionProof: inclusionProof(index, size).map((r) => rangeHash(r, lookup).toString('hex')),
    publicKey,
  };
}

function consistencyBundle(built: Built, first: number, second: number): ConsistencyProof & { publicKey: string } {
  const lookup = lookupOf(built.leaves);
  return {
    from: checkpoint(built.leaves, first),
    to: checkpoint(built.leaves, second),
    consistencyProof: first === 0 || first === second ? [] : consistencyProof(first, second).map((r) => rangeHash(r, lookup).toString('hex')),
    publicKey,
  };
}

/** Flip one hex digit of a hash. */
const flip = (h: string, at = 10) => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);
const checks = (v: { problems: Array<{ check: string }> }) => [...new Set(v.problems.map((p) => p.check))].sort();

describe('verifyEntryProof: an entry checked from the exported JSON and the public key alone', () => {
  const built = build(13);

  it('accepts every entry of every tree size (1..13), as JSON round-tripped', () => {
    for (let size = 1; size <= 13; size++) {
      for (let index = 0; index < size; index++) {
        const bundle = JSON.parse(JSON.stringify(entryBundle(built, index, size)));
        const verdict = verifyEntryProof(bundle);
        expect(verdict, `entry ${index} of ${size}`).toEqual({ ok: true, problems: [], expired: false });
      }
    }
  });

  it('accepts the key by id from the public-keys list', () => {
    const { publicKey: _omit, ...bundle } = entryBundle(built, 3);
    expect(verifyEntryProof({ ...bundle, publicKeys: [{ keyId: randomUUID(), publicKey: generateSigningKey(masterKey).publicKey.toString('base64') }, { keyId, publicKey }] }).ok).toBe(true);
  });

  it('refuses a payload changed by one character (the leaf no longer matches)', () => {
    const b = entryBundle(built, 5);
    b.entry.payload = b.entry.payload!.replace('Changed thing 5', 'Changed thing 6');
    const v = verifyEntryProof(b);
    expect(v.ok).toBe(false);
    expect(checks(v)).toContain('leaf');
    expect(v.problems.find((p) => p.check === 'leaf')!.message).toMatch(/payload or salt was altered/);
  });

  it('refuses an altered salt', () => {
    const b = entryBundle(built, 5);
    b.entry.salt = randomBytes(16).toString('base64');
    expect(checks(verifyEntryProof(b))).toEqual(['leaf']);
  });

  it('refuses a queryable field that disagrees with the payload it claims to show', () => {
    const b = entryBundle(built, 4);
    b.entry.actor = 'someone-else@example.test';
    const v = verifyEntryProof(b);
    expect(checks(v)).toEqual(['payload']);
    expect(v.problems[0]!.message).toMatch(/entry.actor/);
  });

  it('refuses a payload of another position or organization, even with its own valid leaf', () => {
    const b = entryBundle(built, 6);
    const other = entryBundle(built, 7);
    // entry 7's payload, salt and leaf presented as entry 6: the leaf matches, the payload names index 7, the proof fails
    const moved = { ...b, entry: { ...other.entry, index: 6 }, leafHash: other.leafHash };
    const v = verifyEntryProof(moved);
    expect(v.ok).toBe(false);
    expect(checks(v)).toEqual(['inclusion', 'payload']);
    expect(v.problems.map((p) => p.message).join('\n')).toMatch(/commits to index 7, not 6/);

    const foreignOrg = randomUUID();
    const payload = b.entry.payload!.replace(orgId, foreignOrg);
    const salt = Buffer.from(b.entry.salt!, 'base64');
    const forged = { ...b, entry: { ...b.entry, payload }, leafHash: leafHash(Buffer.concat([Buffer.from(payload), salt])).toString('hex') };
    expect(verifyEntryProof(forged).problems.map((p) => p.message).join('\n')).toMatch(new RegExp(`organization ${foreignOrg}`));
  });

  it('refuses a mutated, shortened or lengthened inclusion proof', () => {
    const b = entryBundle(built, 9);
    expect(b.inclusionProof.length).toBeGreaterThan(2);
    for (let i = 0; i < b.inclusionProof.length; i++) {
      const mutated = { ...b, inclusionProof: b.inclusionProof.map((h, j) => (j === i ? flip(h) : h)) };
      expect(checks(verifyEntryProof(mutated)), `hash ${i}`).toEqual(['inclusion']);
    }
    expect(checks(verifyEntryProof({ ...b, inclusionProof: b.inclusionProof.slice(1) }))).toEqual(['inclusion']);
    expect(checks(verifyEntryProof({ ...b, inclusionProof: [...b.inclusionProof, b.leafHash] }))).toEqual(['inclusion']);
    expect(checks(verifyEntryProof({ ...b, inclusionProof: [...b.inclusionProof].reverse() }))).toEqual(['inclusion']);
  });

  it('refuses an altered signature, root, size or time, and a wrong key', () => {
    const b = entryBundle(built, 2);
    const sig = Buffer.from(b.checkpoint.signature, 'base64');
    sig[0]! ^= 1;
    expect(checks(verifyEntryProof({ ...b, checkpoint: { ...b.checkpoint, signature: sig.toString('base64') } }))).toEqual(['signature']);
    expect(checks(verifyEntryProof({ ...b, checkpoint: { ...b.checkpoint, rootHash: flip(b.checkpoint.rootHash) } }))).toEqual(['inclusion', 'signature']);
    // 13 → 14 leaves the path's shape alone, so only the signature (which covers the size) catches it; 13 → 3 does not
    expect(checks(verifyEntryProof({ ...b, checkpoint: { ...b.checkpoint, treeSize: 14 } }))).toEqual(['signature']);
    expect(checks(verifyEntryProof({ ...b, checkpoint: { ...b.checkpoint, treeSize: 3 } }))).toEqual(['inclusion', 'signature']);
    expect(checks(verifyEntryProof({ ...b, checkpoint: { ...b.checkpoint, signedAt: '2030-01-01T00:00:00.000Z' } }))).toEqual(['signature']);
    expect(checks(verifyEntryProof({ ...b, checkpoint: { ...b.checkpoint, orgId: randomUUID() } }))).toEqual(['payload', 'signature']);
    expect(checks(verifyEntryProof({ ...b, publicKey: generateSigningKey(masterKey).publicKey.toString('base64') }))).toEqual(['signature']);
  });

  it('says when there is no key, or none with the checkpoint\u2019s id', () => {
    const { publicKey: _omit, ...b } = entryBundle(built, 1);
    expect(verifyEntryProof(b).problems).toEqual([{ check: 'key', message: expect.stringMatching(/no public key given/) }]);
    expect(verifyEntryProof({ ...b, publicKeys: [{ keyId: randomUUID(), publicKey }] }).problems).toEqual([{ check: 'key', message: expect.stringMatching(/no public key with id/) }]);
  });

  it('accepts an entry expired by retention on its leaf hash alone, and refuses a missing payload not marked expired', () => {
    const b = entryBundle(built, 8);
    const expired = { ...b, entry: { ...b.entry, payload: null, salt: null, expired: true, actor: '', summary: '' } };
    expect(verifyEntryProof(expired)).toEqual({ ok: true, problems: [], expired: true });
    expect(checks(verifyEntryProof({ ...expired, leafHash: flip(b.leafHash) }))).toEqual(['inclusion']);
    expect(checks(verifyEntryProof({ ...expired, entry: { ...expired.entry, expired: false } }))).toEqual(['payload']);
  });

  it('names malformed input instead of throwing', () => {
    const b = entryBundle(built, 0);
    expect(verifyEntryProof(null as any).ok).toBe(false);
    expect(checks(verifyEntryProof({ ...b, leafHash: 'xyz' }))).toEqual(['format']);
    expect(checks(verifyEntryProof({ ...b, inclusionProof: 'nope' as any }))).toEqual(['format']);
    expect(checks(verifyEntryProof({ ...b, checkpoint: { ...b.checkpoint, signature: 'short' } }))).toEqual(['format']);
    expect(checks(verifyEntryProof({ ...b, entry: { ...b.entry, index: -1 } }))).toEqual(['format']);
    expect(checks(verifyEntryProof({ ...b, entry: { ...b.entry, payload: '{not json' } }))).toEqual(['leaf', 'payload']);
  });
});

describe('verifyConsistencyProof: two checkpoints, one append-only tree', () => {
  const built = build(11);

  it('accepts every pair of sizes 0..11, as JSON round-tripped', () => {
    for (let first = 0; first <= 11; first++) {
      for (let second = first; second <= 11; second++) {
        const v = verifyConsistencyProof(JSON.parse(JSON.stringify(consistencyBundle(built, first, second))));
        expect(v, `${first} → ${second}`).toEqual({ ok: true, problems: [] });
      }
    }
  });

  it('refuses a mutated proof, a rewritten history, a shrinking tree and a forged signature', () => {
    const b = consistencyBundle(built, 5, 11);
    for (let i = 0; i < b.consistencyProof.length; i++) {
      const mutated = { ...b, consistencyProof: b.consistencyProof.map((h, j) => (j === i ? flip(h) : h)) };
      expect(checks(verifyConsistencyProof(mutated)), `hash ${i}`).toEqual(['consistency']);
    }
    // a second history that shares nothing with the first, properly signed: the proof cannot join them
    const rewritten = build(11);
    const forgedTo = checkpoint(rewritten.leaves, 11);
    expect(checks(verifyConsistencyProof({ ...b, to: forgedTo }))).toEqual(['consistency']);
    expect(verifyConsistencyProof({ ...b, from: b.to, to: b.from }).problems.map((p) => p.message).join('\n')).toMatch(/shrank from 11 to 5/);
    const sig = Buffer.from(b.to.signature, 'base64');
    sig[5]! ^= 0x40;
    expect(checks(verifyConsistencyProof({ ...b, to: { ...b.to, signature: sig.toString('base64') } }))).toEqual(['signature']);
    expect(checks(verifyConsistencyProof({ ...b, publicKey: undefined }))).toEqual(['key']);
    expect(checks(verifyConsistencyProof({ ...b, consistencyProof: ['zz'] }))).toEqual(['format']);
  });
});

describe('the rest of the offline kit', () => {
  const built = build(4);

  it('checks a kept checkpoint\u2019s signature', () => {
    const c = checkpoint(built.leaves, 4);
    expect(verifyCheckpointSignature({ checkpoint: c, publicKey }).ok).toBe(true);
    expect(checks(verifyCheckpointSignature({ checkpoint: { ...c, treeSize: 3 }, publicKey }))).toEqual(['signature']);
  });

  it('tells the kind of a proof by its shape', () => {
    expect(proofKind(entryBundle(built, 0))).toBe('entry');
    expect(proofKind(consistencyBundle(built, 1, 4))).toBe('consistency');
    expect(proofKind({ checkpoint: checkpoint(built.leaves, 4) })).toBe('checkpoint');
    expect(proofKind(checkpoint(built.leaves, 4))).toBe('checkpoint');
    expect(proofKind({ hello: 1 })).toBeUndefined();
    expect(proofKind([1])).toBeUndefined();
  });
});
