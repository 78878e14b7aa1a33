import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObject } from '../services/resources.js';
import { createOrg, operatorActor, type OrgRef } from '../services/provisioning.js';
import { resourceByName } from '../model/index.js';
import { openDatabase, withContext, type Database } from './database.js';
import { deferToNextStatement, PLAN_EACH_TIME, PreparingClient, statementName } from './pg-prepared.js';

/**
 * The PostgreSQL pool's client (src/store/pg-prepared.ts): named statements, the bound on them, and the
 * transaction opening sent with the first statement. PostgreSQL only (PGlite has no pool).
 */
const url = process.env.TEST_DATABASE_URL;
const pgOnly = url ? describe : describe.skip;

const ctx = (orgId: string) => ({ orgId, tenantId: null, userId: null });

pgOnly('PostgreSQL pool client: prepared statements and the deferred transaction opening', () => {
  let client: PreparingClient;
  const prepared = async () => (await client.query('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r: { name: string }) => r.name);

  beforeAll(async () => {
    client = new PreparingClient({ connectionString: url!, maxPreparedStatements: 3 });
    await client.connect();
  });
  afterAll(async () => { await client?.end(); });

  it('runs a parameterised query as a named statement, once per shape per connection', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    expect((await client.query(text, [1])).rows).toEqual([{ n: 2 }]);
    expect((await client.query(text, [41])).rows).toEqual([{ n: 42 }]);
    expect(await prepared()).toEqual([statementName(text)]);
    expect(client.preparedStatementCount).toBe(1);
  });

  it('sends a statement marked to be planned at each execution unnamed', async () => {
    const before = await prepared();
    const text = `${PLAN_EACH_TIME}SELECT $1::int * 2 AS n`;
    expect((await client.query(text, [21])).rows).toEqual([{ n: 42 }]);
    expect((await client.query(text, [5])).rows).toEqual([{ n: 10 }]);
    expect(await prepared()).toEqual(before);
  });

  it('keeps at most maxPreparedStatements, closing the least recently used, and re-prepares it when it comes back', async () => {
    const shapes = [0, 1, 2, 3, 4].map((i) => `SELECT $1::int + ${i} AS n`);
    for (const [i, text] of shapes.entries()) expect((await client.query(text, [10])).rows).toEqual([{ n: 10 + i }]);
    expect(client.preparedStatementCount).toBe(3);
    expect(await prepared()).toEqual(shapes.slice(2).map(statementName).sort());
    // The first shape was closed on the server and in pg's bookkeeping: it is prepared again, not "already exists".
    expect((await client.query(shapes[0]!, [1])).rows).toEqual([{ n: 1 }]);
    expect(await prepared()).toEqual([shapes[0]!, shapes[3]!, shapes[4]!].map(statementName).sort());
  });

  it('closes the least recently used statement inside a transaction, and inside an aborted one', async () => {
    await client.query('BEGIN');
    expect((await client.query('SELECT $1::int * 2 AS n', [4])).rows).toEqual([{ n: 8 }]);
    await expect(client.query('SELECT 1 / $1::int', [0])).rejects.toThrow(/division by zero/);
    await expect(client.query('SELECT $1::int * 3 AS n', [4])).rejects.toThrow(/current transaction is aborted/);
    await client.query('ROLLBACK');
    expect((await client.query('SELECT $1::int * 3 AS n', [4])).rows).toEqual([{ n: 12 }]);
    expect(client.preparedStatementCount).toBe(3);
    expect((await prepared()).length).toBeLessThanOrEqual(3);
  });

  it('sends a deferred opening with the next statement, in order', async () => {
    await client.query(deferToNextStatement("BEGIN; SELECT set_config('app.org_id', 'x', true)"));
    const r = await client.query("SELECT current_setting('app.org_id', true) AS org, $1::text AS v, now() = statement_timestamp() AS fresh", ['y']);
    expect(r.rows[0]).toMatchObject({ org: 'x', v: 'y' });
    expect(client.getTransactionStatus()).toBe('T');
    await client.query('COMMIT');
    expect(client.getTransactionStatus()).toBe('I');
    // Local to that transaction: nothing is left on the session.
    expect((await client.query("SELECT coalesce(current_setting('app.org_id', true), '') AS org, $1::int AS one", [1])).rows[0].org).toBe('');
  });

  it('a transaction that ends before any statement sends nothing', async () => {
    await client.query(deferToNextStatement('BEGIN'));
    await client.query('COMMIT');
    expect(client.getTransactionStatus()).toBe('I');
    await client.query(deferToNextStatement('BEGIN'));
    await client.query('ROLLBACK');
    expect((await client.query('SELECT $1::int AS n', [5])).rows).toEqual([{ n: 5 }]);
    expect(client.getTransactionStatus()).toBe('I');
  });

  it('when the opening fails, its error is the one reported, and ROLLBACK leaves the connection usable', async () => {
    await client.query(deferToNextStatement('BEGIN; SELECT 1 / 0'));
    await expect(client.query('SELECT $1::int AS n', [1])).rejects.toThrow(/division by zero/);
    expect(client.getTransactionStatus()).toBe('E');
    await client.query('ROLLBACK');
    expect((await client.query('SELECT $1::int AS n', [2])).rows).toEqual([{ n: 2 }]);
  });

  it('a plain pg client runs a deferred text as it is (the marker is a comment)', async () => {
    const plain = new pg.Client({ connectionString: url! });
    await plain.connect();
    try {
      const r = await plain.query(deferToNextStatement('SELECT 7 AS n'));
      expect(r.rows).toEqual([{ n: 7 }]);
    } finally { await plain.end(); }
  });
});

pgOnly('withContext on PostgreSQL: one connection reused across organizations, with generic plans', () => {
  let database: Database;
  let db: Kysely<any>;
  const orgs: Array<{ org: OrgRef; systemId: string }> = [];

  beforeAll(async () => {
    // One connection, and PostgreSQL told to use the generic plan from the first execution: the case where a plan
    // made under one organization's context is reused under another's.
    const u = new URL(url!);
    u.searchParams.set('options', '-c plan_cache_mode=force_generic_plan');
    database = await openDatabase({ databaseUrl: u.toString(), dataDir: '', poolSize: 1 });
    db = database.db;
    for (const label of ['pp-a', 'pp-b']) {
      const org = await createOrg(db, { slug: `${label}-${Date.now()}`, name: label });
      const system = await createObject(db, operatorActor(org.orgId), resourceByName('systems'), {
        slug: 'only-system', name: `System of ${label}`, kind: 'database', environment: 'production', tenancy: 'multi-tenant', inScope: true,
      });
      orgs.push({ org, systemId: system.id as string });
    }
  });
  afterAll(async () => { await database?.close(); });

  it('runs with JIT off (short index scans; compiling cost more than the query) while the URL\'s own options still apply', async () => {
    const settings = await withContext(db, ctx(orgs[0]!.org.orgId), async (trx) => ({
      jit: (await sql<{ jit: string }>`SHOW jit`.execute(trx)).rows[0]!.jit,
      planCache: (await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(trx)).rows[0]!.plan_cache_mode,
      role: (await sql<{ current_user: string }>`SELECT current_user`.execute(trx)).rows[0]!.current_user,
    }));
    expect(settings).toEqual({ jit: 'off', planCache: 'force_generic_plan', role: 'tenantproof_app' });
  });

  it('each organization sees exactly its own rows, however the two alternate on the connection', async () => {
    for (let i = 0; i < 12; i++) {
      const me = orgs[i % 2]!;
      const other = orgs[(i + 1) % 2]!;
      const seen = await withContext(db, ctx(me.org.orgId), async (trx) => ({
        all: (await trx.selectFrom('systems').select(['id', 'org_id']).where('slug', '=', 'only-system').execute()),
        other: await trx.selectFrom('systems').select('id').where('id', '=', other.systemId).executeTakeFirst(),
        setting: (await sql<{ org: string }>`SELECT current_setting('app.org_id') AS org, ${i}::int AS i`.execute(trx)).rows[0]!.org,
      }));
      expect(seen.all).toEqual([{ id: me.systemId, org_id: me.org.orgId }]);
      expect(seen.other).toBeUndefined();
      expect(seen.setting).toBe(me.org.orgId);
    }
    // The same statement ran 12 times on the one connection, always with the generic plan (PostgreSQL 14+ counts them).
    const plans = await sql<{ generic_plans: string }>`SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE ${'select "id", "org_id" from "systems" where "slug" = $1'}`.execute(db);
    expect(plans.rows.map((r) => Number(r.generic_plans))).toEqual([12]);
  });

  it('a failing unit of work rolls back and leaves the connection clean for the next one', async () => {
    const [a, b] = orgs;
    await expect(withContext(db, ctx(a!.org.orgId), async (trx) => {
      await trx.updateTable('systems').set({ name: 'changed' }).where('id', '=', a!.systemId).execute();
      await sql`SELECT 1 / ${0}::int`.execute(trx);
    })).rejects.toThrow(/division by zero/);
    const after = await withContext(db, ctx(b!.org.orgId), async (trx) => ({
      setting: (await sql<{ org: string }>`SELECT current_setting('app.org_id') AS org, ${1}::int AS one`.execute(trx)).rows[0]!.org,
      rows: await trx.selectFrom('systems').select('id').execute(),
    }));
    expect(after.setting).toBe(b!.org.orgId);
    expect(after.rows.map((r) => r.id)).toEqual([b!.systemId]);
    const name = await withContext(db, ctx(a!.org.orgId), (trx) => trx.selectFrom('systems').select('name').where('id', '=', a!.systemId).executeTakeFirst());
    expect(name?.name).toBe('System of pp-a');
  });

  it('a unit of work with no statement, and one that throws before any, leave nothing behind', async () => {
    expect(await withContext(db, ctx(orgs[0]!.org.orgId), async () => 'nothing')).toBe('nothing');
    await expect(withContext(db, ctx(orgs[0]!.org.orgId), async () => { throw new Error('before any statement'); })).rejects.toThrow('before any statement');
    const status = await db.connection().execute(async (c) => (await sql<{ s: string }>`SELECT coalesce(current_setting('app.org_id', true), '') AS s, ${2}::int AS two`.execute(c)).rows[0]!.s);
    expect(status).toBe('');
  });

  it('a writing unit of work commits', async () => {
    const [a] = orgs;
    await withContext(db, ctx(a!.org.orgId), (trx) => trx.updateTable('systems').set({ name: 'renamed' }).where('id', '=', a!.systemId).execute());
    const row = await withContext(db, ctx(a!.org.orgId), (trx) => trx.selectFrom('systems').select('name').where('id', '=', a!.systemId).executeTakeFirst());
    expect(row?.name).toBe('renamed');
  });

  it('rejects a context that is not a UUID before anything is sent', async () => {
    await expect(withContext(db, { orgId: "x', true); --", tenantId: null, userId: null }, async () => 1)).rejects.toThrow(/must be a UUID/);
  });
});
