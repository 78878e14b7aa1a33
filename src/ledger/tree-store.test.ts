import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext, type Database } from '../store/database.js';
import { bareOrg, openTestDatabase } from '../../test/support/harness.js';
import { consistencyProof, inclusionProof, leafHash, rangeHash, subtreeHashFromLeaves, verifyConsistency, verifyInclusion } from './merkle.js';
import { appendEntries, entryPayload, leafBytes, payloadParts, rangeHashes, rootAt, treeSize, type LedgerEntryInput } from './tree-store.js';

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

  it('appends in batches and one at a time, keeping every root and proof equal to a tree built in memory', async () => {
    await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, Array.from({ length: 13 }, (_, i) => entry(i))));
    for (let i = 13; i < 21; i++) await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, [entry(i)]));
    await withContext(database.db, ctx(), async (trx) => {
      expect(await treeSize(trx, orgId)).toBe(21);
      const rows = (await sql<{ payload: string; salt: Uint8Array }>`SELECT payload, salt FROM ledger_entries ORDER BY idx`.execute(trx)).rows;
      const leaves = rows.map((r) => leafHash(leafBytes(r.payload, r.salt)));
      const lookup = (level: number, index: number) => subtreeHashFromLeaves(leaves, level, index);
      for (let size = 1; size <= 21; size++) {
        const root = await rootAt(trx, orgId, size);
        expect(root.equals(rangeHash([0, size], lookup)), `root at ${size}`).toBe(true);
      }
      const root = await rootAt(trx, orgId, 21);
      for (const index of [0, 7, 12, 20]) {
        const proof = await rangeHashes(trx, orgId, inclusionProof(index, 21));
        expect(verifyInclusion({ index, treeSize: 21, leafHash: leaves[index]!, root, proof })).toBe(true);
      }
      const proof = await rangeHashes(trx, orgId, consistencyProof(13, 21));
      expect(verifyConsistency({ first: 13, second: 21, firstRoot: await rootAt(trx, orgId, 13), secondRoot: root, proof })).toBe(true);
    });
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

describe('payload parts (canonical JSON built before the ledger lock)', () => {
  it('join around the index to exactly the canonical JSON of the entry', () => {
    const odd = ['', 'a"b', 'back\\slash', 'é😀', 'line\nbreak', '\u0000', '{"index":0,}'];
    for (let i = 0; i < 200; i++) {
      const pick = (k: number) => odd[(i * 7 + k) % odd.length]!;
      const e: LedgerEntryInput = {
        kind: i % 2 ? 'event' : 'change', at: new Date(1_700_000_000_000 + i).toISOString(), tenantId: i % 3 ? randomUUID() : null,
        action: pick(1), objectType: pick(2), objectId: pick(3), actor: pick(4), summary: pick(5),
        details: { index: i, [pick(6)]: { z: pick(0), a: [i, null, pick(1)], index: 0 } },
      };
      const orgId = randomUUID();
      const parts = payloadParts(orgId, e);
      expect(parts.head + i * 977 + parts.tail).toBe(entryPayload(orgId, i * 977, e));
    }
  });
});
