import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext, type Database } from '../store/database.js';
import { bareOrg, openTestDatabase } from '../../test/support/harness.js';
import { consistencyProof, inclusionProof, leafHash, rangeHash, subtreeHashFromLeaves, verifyConsistency, verifyInclusion } from './merkle.js';
import { canonicalJson } from './canonical-json.js';
import { appendEntries, entryLeafHash, entryPayload, leafBytes, rangeHashes, rootAt, sealEntries, treeSize, type LedgerEntryInput } from './tree-store.js';

const entry = (i: number, tenantId: string | null = null): LedgerEntryInput => ({
  kind: 'change', at: new Date(1_700_000_000_000 + i * 1000).toISOString(), tenantId, action: 'update',
  objectType: 'system', objectId: randomUUID(), actor: 'tester', summary: `change ${i}`, details: { i },
});

describe('stored Merkle tree (per org)', () => {
  let database: Database;
  let orgId: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    orgId = await bareOrg(database, `ledger-${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => { await database.close(); });
  const ctx = () => ({ orgId, tenantId: null, userId: null });

  it('appends in batches and one at a time, across tiles of 64 leaves, keeping every root and proof equal to a tree built in memory', async () => {
    const append = (from: number, count: number) => withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, Array.from({ length: count }, (_, i) => entry(from + i))));
    await append(0, 13);
    for (let i = 13; i < 21; i++) await append(i, 1);
    await append(21, 300); // crosses tiles: stored nodes of level 6 and up
    for (let i = 321; i < 326; i++) await append(i, 1);
    // sealed before the lock, as ingestion does
    await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, sealEntries(orgId, Array.from({ length: 250 }, (_, i) => entry(326 + i)))));
    const size = 576; // 9 tiles of 64
    await withContext(database.db, ctx(), async (trx) => {
      expect(await treeSize(trx, orgId)).toBe(size);
      const rows = (await sql<{ payload: string; salt: Uint8Array }>`SELECT payload, salt FROM ledger_entries ORDER BY idx`.execute(trx)).rows;
      const leaves = rows.map((r) => leafHash(leafBytes(r.payload, r.salt)));
      expect(rows.every((r, i) => entryLeafHash(r.payload, r.salt).equals(leaves[i]!))).toBe(true);
      const lookup = (level: number, index: number) => subtreeHashFromLeaves(leaves, level, index);
      const nodes = (await sql<{ level: number; idx: string }>`SELECT level, idx FROM ledger_nodes ORDER BY level, idx`.execute(trx)).rows;
      // every complete subtree of 64 leaves or more, and no other
      const complete = [6, 7, 8, 9].flatMap((level) => Array.from({ length: Math.floor(size / 2 ** level) }, (_, i) => `${level}/${i}`));
      expect(nodes.map((n) => `${n.level}/${n.idx}`)).toEqual(complete);
      const tiles = (await sql<{ tile: string; n: number }>`SELECT tile, length(hashes) / 32 AS n FROM ledger_leaf_tiles ORDER BY tile`.execute(trx)).rows;
      expect(tiles.map((t) => [Number(t.tile), Number(t.n)])).toEqual(Array.from({ length: 9 }, (_, t) => [t, 64]));
      for (const at of [1, 2, 3, 13, 20, 21, 63, 64, 65, 127, 128, 255, 256, 257, 300, 321, 326, 511, 512, 513, 575, 576]) {
        const root = await rootAt(trx, orgId, at);
        expect(root.equals(rangeHash([0, at], lookup)), `root at ${at}`).toBe(true);
      }
      const root = await rootAt(trx, orgId, size);
      for (const index of [0, 7, 12, 20, 255, 256, 300, 511, 512, 575]) {
        const proof = await rangeHashes(trx, orgId, inclusionProof(index, size));
        expect(verifyInclusion({ index, treeSize: size, leafHash: leaves[index]!, root, proof }), `inclusion of ${index}`).toBe(true);
      }
      for (const first of [13, 256, 300, 512]) {
        const proof = await rangeHashes(trx, orgId, consistencyProof(first, size));
        expect(verifyConsistency({ first, second: size, firstRoot: await rootAt(trx, orgId, first), secondRoot: root, proof }), `consistency from ${first}`).toBe(true);
      }
    });
  });

  it('stores every payload exactly as sealed, in its place, whatever its text (the payloads travel as lines)', async () => {
    const odd = ['line\nbreak', 'carriage\r\nreturn', '\u2028\u2029', 'tab\there', 'quote " and \\ backslash', 'é😀', ''];
    // a NUL cannot be a column's text, but the details may hold one: canonical JSON escapes it
    const entries = odd.map((text, i) => ({ ...entry(700 + i), actor: text, summary: text, details: { text, nested: { [text]: [text] }, nul: '\u0000' } }));
    const sealed = sealEntries(orgId, entries);
    const { first } = await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, sealed));
    const rows = await withContext(database.db, ctx(), async (trx) => (await sql<{ idx: string; payload: string; actor: string; summary: string }>`
      SELECT idx, payload, actor, summary FROM ledger_entries WHERE idx >= ${first} ORDER BY idx`.execute(trx)).rows);
    expect(rows.map((r) => Number(r.idx))).toEqual(odd.map((_, i) => first + i));
    expect(rows.map((r) => r.payload)).toEqual(sealed.map((s) => s.payload));
    expect(rows.map((r) => [r.actor, r.summary])).toEqual(odd.map((text) => [text, text]));
    expect(rows.every((r) => !r.payload.includes('\n'))).toBe(true);
  });

  it('rolls back with the transaction that failed', async () => {
    const before = await withContext(database.db, ctx(), (trx) => treeSize(trx, orgId));
    await expect(withContext(database.db, ctx(), async (trx) => {
      await appendEntries(trx, orgId, [entry(99)]);
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await withContext(database.db, ctx(), (trx) => treeSize(trx, orgId))).toBe(before);
  });
});

describe('payload frame (the canonical JSON around details, rebuilt from columns by verify)', () => {
  it('joins around the canonical details to exactly the canonical JSON of the entry', () => {
    const odd = ['', 'a"b', 'back\\slash', 'é😀', 'line\nbreak', '\u0000', '{"index":0,}', '\u2028'];
    for (let i = 0; i < 200; i++) {
      const pick = (k: number) => odd[(i * 7 + k) % odd.length]!;
      const event = i % 2 ? {
        occurredAt: new Date(1_600_000_000_000 + i).toISOString(), source: pick(2), sourceEventId: pick(3),
        systemId: i % 4 === 1 ? null : randomUUID(), actorInternal: i % 3 === 0, outcome: pick(4),
      } : undefined;
      const e: LedgerEntryInput = {
        kind: event ? 'event' : 'change', at: new Date(1_700_000_000_000 + i).toISOString(), tenantId: i % 3 ? randomUUID() : null,
        action: pick(1), objectType: pick(2), objectId: pick(3), actor: pick(4), summary: pick(5),
        details: { index: i, [pick(6)]: { z: pick(0), a: [i, null, pick(1)], index: 0 } }, ...(event ? { event } : {}),
      };
      const orgId = randomUUID();
      const whole = canonicalJson({
        v: 2, org: orgId, at: e.at, tenant: e.tenantId, kind: e.kind, action: e.action, objectType: e.objectType,
        objectId: e.objectId, actor: e.actor, summary: e.summary, details: e.details, ...(event ? { event } : {}),
      });
      expect(entryPayload(orgId, e)).toBe(whole);
    }
  });
});

describe('entryLeafHash', () => {
  it('is SHA-256(0x00 || UTF-8 payload || salt) for any text and size, its reused buffer included', () => {
    const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const payloads = [
      '', '{"a":1}', 'é'.repeat(5), '日本語のテキスト', '😀 emoji', 'lone \ud800 surrogate', 'x'.repeat(21_845), '€'.repeat(21_845),
      'y'.repeat(70_000), // past the reused buffer: allocated
      '{"a":1}', // after a long one, a short one: nothing of the earlier bytes may remain
    ];
    for (const payload of payloads) {
      const expected = leafHash(Buffer.concat([Buffer.from(payload, 'utf8'), salt]));
      expect(entryLeafHash(payload, salt).equals(expected), `payload of ${payload.length} code units`).toBe(true);
      expect(entryLeafHash(payload, salt).equals(leafHash(leafBytes(payload, salt)))).toBe(true);
    }
  });
});
