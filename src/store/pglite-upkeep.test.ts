import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareOrg } from '../../test/support/harness.js';
import { appendEntries, type LedgerEntryInput } from '../ledger/tree-store.js';
import { openDatabase, withContext, type Database } from './database.js';
import { PGliteUpkeep, writtenTable, type UpkeepWork } from './pglite-upkeep.js';

describe('writtenTable: the table a write statement names', () => {
  it('reads the statements Kysely and the raw SQL of this codebase write', () => {
    expect(writtenTable('insert into "systems" ("id", "org_id") values ($1, $2)')).toEqual({ table: 'systems', kind: 'insert' });
    expect(writtenTable('update "ledger_heads" set "tree_size" = $1')).toEqual({ table: 'ledger_heads', kind: 'update' });
    expect(writtenTable('delete from "sessions" where "id" = $1')).toEqual({ table: 'sessions', kind: 'delete' });
    expect(writtenTable('\n    INSERT INTO ledger_entries (org_id, idx) SELECT 1')).toEqual({ table: 'ledger_entries', kind: 'insert' });
    expect(writtenTable('/* tenantproof: planned at each execution */ UPDATE public.ledger_entries SET payload = NULL')).toEqual({ table: 'ledger_entries', kind: 'update' });
  });
  it('ignores reads, transaction control and writes it cannot name plainly', () => {
    expect(writtenTable('select * from "systems"')).toBeNull();
    expect(writtenTable('commit')).toBeNull();
    expect(writtenTable('WITH x AS (SELECT 1) INSERT INTO systems SELECT 1')).toBeNull();
    expect(writtenTable('SELECT set_config($1, $2, true) -- update systems')).toBeNull();
  });
});

describe('PGliteUpkeep: when a table is analyzed or vacuumed', () => {
  /** A runner that records the work and reports row counts as given: the thresholds are what is tested here. */
  const recorder = (rowsAfter: Record<string, number>) => {
    const rounds: UpkeepWork[] = [];
    const run = async (work: UpkeepWork) => { rounds.push(work); return new Map(Object.entries(rowsAfter)); };
    return { rounds, upkeep: new PGliteUpkeep(run) };
  };

  it('analyzes a table once its changes pass 50 rows, then again when they reach its size', async () => {
    const { rounds, upkeep } = recorder({ events: 1000 });
    upkeep.noteStatement('insert into events values (1)', 50);
    upkeep.afterTransaction();
    expect(rounds).toHaveLength(0);
    upkeep.noteStatement('insert into events values (1)', 1);
    upkeep.afterTransaction();
    await upkeep.idle();
    expect(rounds).toEqual([{ analyze: ['events'], vacuum: [] }]);
    // 1,000 rows now: due again after more than 50 + 1,000 changes
    upkeep.noteStatement('insert into events values (1)', 1050);
    upkeep.afterTransaction();
    await upkeep.idle();
    expect(rounds).toHaveLength(1);
    upkeep.noteStatement('insert into events values (1)', 1);
    upkeep.afterTransaction();
    await upkeep.idle();
    expect(rounds).toHaveLength(2);
    expect(upkeep.rounds).toBe(2);
  });

  it('vacuums a table whose updated and deleted rows pass 50 + 20% of its rows', async () => {
    const { rounds, upkeep } = recorder({ sessions: 1000 });
    upkeep.noteStatement('insert into sessions values (1)', 60);
    upkeep.afterTransaction();
    await upkeep.idle();
    upkeep.noteStatement('update sessions set x = 1', 201);
    upkeep.noteStatement('delete from sessions', 50);
    upkeep.afterTransaction();
    await upkeep.idle();
    expect(rounds[1]).toEqual({ analyze: [], vacuum: ['sessions'] });
  });

  it('counts writes that happen during a round towards the next one, and forgets a table whose round failed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const rounds: UpkeepWork[] = [];
    let fail = false;
    const upkeep = new PGliteUpkeep(async (work) => {
      rounds.push(work);
      await gate;
      if (fail) throw new Error('relation does not exist');
      return new Map([['t', 0]]);
    });
    upkeep.noteStatement('insert into t values (1)', 51);
    upkeep.afterTransaction();
    upkeep.noteStatement('insert into t values (1)', 51); // while the round runs
    upkeep.afterTransaction(); // no second round while one runs
    release();
    await upkeep.idle();
    expect(rounds).toHaveLength(1);
    upkeep.afterTransaction();
    await upkeep.idle();
    expect(rounds).toHaveLength(2);
    fail = true;
    upkeep.noteStatement('insert into t values (1)', 51);
    upkeep.afterTransaction();
    await upkeep.idle();
    expect(upkeep.lastError).toBeInstanceOf(Error);
    upkeep.afterTransaction();
    await upkeep.idle();
    expect(rounds).toHaveLength(3);
  });
});

const entry = (i: number): LedgerEntryInput => ({
  kind: 'event', at: new Date(1_700_000_000_000 + i).toISOString(), tenantId: null, action: 'authentication',
  objectType: '', objectId: '', actor: `tech${i % 7}@example.test`, summary: `event ${i}`, details: {},
  event: { occurredAt: new Date(1_700_000_000_000 + i).toISOString(), source: 'rmm', sourceEventId: `e-${i}`, systemId: null, actorInternal: true, outcome: 'success' },
});

// The embedded database itself (this runs in the PGlite pass of the suite only: PostgreSQL has autovacuum).
describe.skipIf(!!process.env.TEST_DATABASE_URL)('PGlite upkeep on a real embedded database', () => {
  let database: Database;
  let orgId: string;
  const ctx = () => ({ orgId, tenantId: null, userId: null });
  /** The index PGlite's planner picks to find one event by its source event id, as ingestion's duplicate check does. */
  const lookupIndex = () => withContext(database.db, ctx(), async (trx) => {
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT idx FROM ledger_entries
      WHERE org_id = ${orgId} AND kind = 'event' AND source = 'rmm' AND source_event_id = 'e-3'`.execute(trx);
    return /using (\w+)/.exec(plan.rows.map((r) => r['QUERY PLAN']).join('\n'))?.[1] ?? 'none';
  });
  const statistics = async () => (await sql<{ reltuples: number }>`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'ledger_entries'`.execute(database.db)).rows[0]!.reltuples;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: null, dataDir: '', poolSize: 1 }, { memory: true });
    await database.migrate();
    orgId = await bareOrg(database, `upkeep-${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => { await database?.close(); });

  it('analyzes the ledger after the first large append, so the duplicate check probes the source event index', async () => {
    expect(database.upkeep).toBeInstanceOf(PGliteUpkeep);
    const roundsBefore = database.upkeep!.rounds;
    await withContext(database.db, ctx(), (trx) => appendEntries(trx, orgId, Array.from({ length: 2000 }, (_, i) => entry(i))));
    await database.upkeep!.idle();
    expect(database.upkeep!.lastError).toBeNull();
    expect(database.upkeep!.rounds).toBeGreaterThan(roundsBefore);
    expect(await statistics()).toBe(2000);
    expect(await lookupIndex()).toBe('ledger_entries_source_event');
  });

  it('waits for a running round before closing', async () => {
    const other = await openDatabase({ databaseUrl: null, dataDir: '', poolSize: 1 }, { memory: true });
    await other.migrate();
    const id = await bareOrg(other, 'upkeep-close');
    await withContext(other.db, { orgId: id, tenantId: null, userId: null }, (trx) => appendEntries(trx, id, Array.from({ length: 100 }, (_, i) => entry(i))));
    await other.close(); // a round was started by that commit; close must not cut it off with an error
    expect(other.upkeep!.lastError).toBeNull();
  });
});
