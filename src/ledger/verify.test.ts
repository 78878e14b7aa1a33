import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { bareOrg, openTestDatabase } from '../../test/support/harness.js';
import { withContext, type Database } from '../store/database.js';
import { signCheckpoint } from './checkpoints.js';
import { appendEntries, type LedgerEntryInput } from './tree-store.js';
import { verifyLedger } from './verify.js';
import { forgeLeafHashSql, forgeNodeSql } from '../../test/support/ledger-tamper.js';

const masterKey = randomBytes(32);
const entry = (i: number): LedgerEntryInput => ({
  kind: 'change', at: new Date(1_700_000_000_000 + i * 1000).toISOString(), tenantId: null, action: 'update',
  objectType: 'system', objectId: randomUUID(), actor: 'tester', summary: `change ${i}`, details: { i },
});

describe('ledger verification finds tampering in the database, every time', () => {
  let database: Database;
  let orgId: string;
  const ctx = () => ({ orgId, tenantId: null, userId: null });
  const verify = () => withContext(database.db, ctx(), (trx) => verifyLedger(trx, orgId));
  const tamper = (statement: string) => database.ownerScript(statement.replaceAll(':org', `'${orgId}'`));

  beforeEach(async () => {
    database ??= await openTestDatabase();
    orgId = await bareOrg(database, `tamper-${randomUUID().slice(0, 8)}`);
    await withContext(database.db, ctx(), async (trx) => {
      await appendEntries(trx, orgId, Array.from({ length: 6 }, (_, i) => entry(i)));
      await signCheckpoint(trx, orgId, masterKey);
      await appendEntries(trx, orgId, Array.from({ length: 5 }, (_, i) => entry(6 + i)));
      await signCheckpoint(trx, orgId, masterKey);
    });
  });
  afterAll(async () => { await database.close(); });

  it('passes on an untouched ledger', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, treeSize: 11, entriesChecked: 11, checkpointsChecked: 2, problem: null });
  });

  it('names the entry whose payload changed by one byte', async () => {
    await tamper(`UPDATE ledger_entries SET payload = replace(payload, '"change 4"', '"chanGe 4"') WHERE org_id = :org AND idx = 4`);
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '4' });
  });

  it('names a deleted entry', async () => {
    await tamper(`DELETE FROM ledger_entries WHERE org_id = :org AND idx = 7`);
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '7' });
  });

  it('names swapped entries', async () => {
    await tamper(`UPDATE ledger_entries SET idx = 1000 WHERE org_id = :org AND idx = 2;
      UPDATE ledger_entries SET idx = 2 WHERE org_id = :org AND idx = 3;
      UPDATE ledger_entries SET idx = 3 WHERE org_id = :org AND idx = 1000;`);
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '2' });
  });

  it('names an inserted entry', async () => {
    await tamper(`INSERT INTO ledger_entries (org_id, idx, at, kind, action, payload, salt)
      SELECT org_id, 11, at, kind, action, payload, salt FROM ledger_entries WHERE org_id = :org AND idx = 10`);
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '11' });
  });

  it('names an altered checkpoint', async () => {
    await tamper(`UPDATE ledger_checkpoints SET tree_size = 5 WHERE org_id = :org AND tree_size = 6`);
    expect((await verify()).problem).toMatchObject({ kind: 'checkpoint', at: '5' });
  });

  it('names a rewritten stored subtree (64 leaves and more are stored as nodes)', async () => {
    await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, Array.from({ length: 300 }, (_, i) => entry(11 + i))));
    await tamper(forgeNodeSql(orgId, 6, 1));
    expect((await verify()).problem).toMatchObject({ kind: 'node', at: '6/1' });
  });

  it('names a tile that lost its last leaf hash', async () => {
    await tamper(`UPDATE ledger_leaf_tiles SET hashes = substring(hashes from 1 for 320) WHERE org_id = :org AND tile = 0`);
    expect((await verify()).problem).toMatchObject({ kind: 'node', at: 'tile 0', message: expect.stringMatching(/holds 10 leaf hashes where the tree has 11/) });
  });

  it('names an entry whose queryable column was edited behind its payload\'s back', async () => {
    await tamper(`UPDATE ledger_entries SET actor = 'someone-else' WHERE org_id = :org AND idx = 5`);
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '5', message: expect.stringMatching(/column actor/) });
  });

  it('names an event whose outcome column was edited, and passes it untouched', async () => {
    const event: LedgerEntryInput = {
      ...entry(11), kind: 'event', action: 'restore', details: { tenant: null, target: null, details: { note: 'ä "quoted"' } },
      event: { occurredAt: new Date(1_699_000_000_000).toISOString(), source: 'backup', sourceEventId: 'b-1', systemId: null, actorInternal: true, outcome: 'success' },
    };
    await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, [event]));
    expect(await verify()).toMatchObject({ ok: true, entriesChecked: 12 });
    await tamper(`UPDATE ledger_entries SET outcome = 'failure' WHERE org_id = :org AND idx = 11`);
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '11', message: expect.stringMatching(/column outcome/) });
  });

  // Every queryable column of an event, edited alone: verify reads them as one JSON array by position, so a
  // column read from the wrong place would show here (or fail the untouched ledger above).
  it.each([
    ['at', `at = at + interval '1 second'`], ['tenant_id', `tenant_id = '${randomUUID()}'`], ['kind', `kind = 'change'`],
    ['action', `action = 'export'`], ['object_type', `object_type = 'vendor'`], ['object_id', `object_id = 'other'`],
    ['actor', `actor = 'mallory'`], ['summary', `summary = 'nothing happened'`], ['occurred_at', `occurred_at = occurred_at - interval '1 day'`],
    ['source', `source = 'rmm'`], ['source_event_id', `source_event_id = 'b-2'`], ['system_id', `system_id = '${randomUUID()}'`],
    ['actor_internal', `actor_internal = false`], ['outcome', `outcome = 'failure'`],
  ])('names an event whose %s column was edited', async (column, edit) => {
    const event: LedgerEntryInput = {
      ...entry(11), kind: 'event', action: 'restore', details: { tenant: null, target: null, details: {} },
      event: { occurredAt: new Date(1_699_000_000_000).toISOString(), source: 'backup', sourceEventId: 'b-1', systemId: null, actorInternal: true, outcome: 'success' },
    };
    await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, [event]));
    await tamper(`UPDATE ledger_entries SET ${edit} WHERE org_id = :org AND idx = 11`);
    const problem = (await verify()).problem;
    expect(problem).toMatchObject({ kind: 'entry', at: '11' });
    expect(problem!.message).toContain(`column ${column} `);
  });

  it('names a change that was given an event column', async () => {
    await tamper(`UPDATE ledger_entries SET source = 'rmm' WHERE org_id = :org AND idx = 3`);
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '3', message: expect.stringMatching(/event columns of a change/) });
  });

  it('names a rewritten leaf hash', async () => {
    await tamper(forgeLeafHashSql(orgId, 0));
    expect((await verify()).problem).toMatchObject({ kind: 'entry', at: '0' });
  });

  it('refuses to sign a checkpoint the stored tree contradicts', async () => {
    await tamper(forgeLeafHashSql(orgId, 3));
    await expect(withContext(database.db, ctx(), (trx) => signCheckpoint(trx, orgId, masterKey))).rejects.toThrow(/no longer gives the root/);
  });

  describe('with a transaction per read, while the ledger grows', () => {
    // 11 entries + 119 = 130: two full tiles and a partial third, read 64 entries at a time
    const grow = async () => withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, Array.from({ length: 119 }, (_, i) => entry(11 + i))));
    const perRead = <T>(fn: (trx: any) => Promise<T>) => withContext(database.db, ctx(), fn);

    it('verifies the tree as it was when it began: entries appended meanwhile (into its last tile, too) are not tampering', async () => {
      await grow();
      const seen: Array<[number, number]> = [];
      const r = await verifyLedger(perRead, orgId, {
        batchSize: 64,
        onProgress: async (done, total) => {
          seen.push([done, total]);
          // between batches no transaction is held, so the ledger can grow (on PGlite this would wait forever otherwise)
          if (done === 64) await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, Array.from({ length: 5 }, (_, i) => entry(200 + i))));
        },
      });
      expect(r).toMatchObject({ ok: true, treeSize: 130, entriesChecked: 130, problem: null });
      expect(seen).toEqual([[64, 130], [128, 130], [130, 130]]);
      // the next verification covers the appended entries
      expect(await verifyLedger(perRead, orgId)).toMatchObject({ ok: true, treeSize: 135, entriesChecked: 135 });
    });

    it('still names a leaf hash added to the last tile without an entry, and a size that went down', async () => {
      await grow();
      await tamper(`UPDATE ledger_leaf_tiles SET hashes = hashes || decode(repeat('ab', 32), 'hex') WHERE org_id = :org AND tile = 2`);
      expect((await verifyLedger(perRead, orgId, { batchSize: 64 })).problem).toMatchObject({ kind: 'node', at: 'tile 2', message: expect.stringMatching(/holds 3 leaf hashes where the tree has 2/) });
      await tamper(`UPDATE ledger_leaf_tiles SET hashes = substring(hashes from 1 for 64) WHERE org_id = :org AND tile = 2`);
      const r = await verifyLedger(perRead, orgId, {
        batchSize: 64,
        onProgress: async (done) => { if (done === 64) await tamper(`UPDATE ledger_heads SET tree_size = 100 WHERE org_id = :org`); },
      });
      expect(r.problem).toMatchObject({ kind: 'head', at: '100', message: expect.stringMatching(/went down from 130 to 100/) });
    });

    it('names a stored node of one batch before an entry of the next, though that batch is checked first', async () => {
      await grow();
      await tamper(forgeNodeSql(orgId, 6, 0)); // entries 0–63: completed by the first batch, checked beside the second
      await tamper(`UPDATE ledger_entries SET payload = replace(payload, '"change 100"', '"chanGe 100"') WHERE org_id = :org AND idx = 100`);
      expect((await verifyLedger(perRead, orgId, { batchSize: 64 })).problem).toMatchObject({ kind: 'node', at: '6/0' });
      // in one batch of all 130 entries the entry comes first (a batch's own nodes are checked after its entries)…
      expect((await verifyLedger(perRead, orgId, { batchSize: 192 })).problem).toMatchObject({ kind: 'entry', at: '100' });
      // …and without it, the nodes of the last batch are checked after the loop
      await tamper(`UPDATE ledger_entries SET payload = replace(payload, '"chanGe 100"', '"change 100"') WHERE org_id = :org AND idx = 100`);
      expect((await verifyLedger(perRead, orgId, { batchSize: 192 })).problem).toMatchObject({ kind: 'node', at: '6/0' });
    });

    it('stops between batches once its signal is aborted', async () => {
      await grow();
      const stop = new AbortController();
      await expect(verifyLedger(perRead, orgId, { batchSize: 64, signal: stop.signal, onProgress: () => stop.abort() }))
        .rejects.toMatchObject({ name: 'VerificationStopped', entriesChecked: 64 });
    });

    it('refuses a batch size that is not a whole number of tiles', async () => {
      await expect(verifyLedger(perRead, orgId, { batchSize: 100 })).rejects.toThrow(/whole multiple of 64/);
    });
  });
});
