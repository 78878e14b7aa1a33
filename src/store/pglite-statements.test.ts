import { PGlite, types } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_EACH_TIME, statementName } from './pg-prepared.js';
import { PGliteStatements } from './pglite-statements.js';

/**
 * PGlite's statements (src/store/pglite-statements.ts): named once per shape, the bound on them, and results
 * that are exactly what `PGlite.query` gives for the same statement and values.
 */
describe('PGlite statements: prepared once, results as PGlite.query gives them', () => {
  let pglite: PGlite;
  let statements: PGliteStatements;
  const prepared = async () => (await pglite.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r) => r.name);

  beforeAll(async () => {
    pglite = new PGlite();
    await pglite.waitReady;
    statements = new PGliteStatements(pglite, 3);
    await pglite.exec(`
      CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, tags text[], blob bytea, at timestamptz, n bigint, data jsonb);
      INSERT INTO items VALUES (1, 'one', '{a,b}', '\\x00ff', '2026-11-30T12:00:00.123Z', 9007199254740993, '{"k": [1, 2]}');`);
  });
  afterAll(async () => { await pglite?.close(); });

  it('prepares a statement with parameters once and runs it again by name', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    expect((await statements.query(text, [1])).rows).toEqual([{ n: 2 }]);
    expect((await statements.query(text, [41])).rows).toEqual([{ n: 42 }]);
    expect(await prepared()).toEqual([statementName(text)]);
    expect(statements.preparedCount).toBe(1);
  });

  it('gives the same rows, fields and counts as PGlite.query, for every kind of value', async () => {
    const cases: Array<[string, unknown[]]> = [
      ['SELECT * FROM items WHERE id = $1', [1]],
      ['SELECT * FROM items WHERE id = ANY($1::int[]) AND name = $2', [[1, 2], 'one']],
      ['SELECT $1::bytea AS b, $2::text[] AS t, $3::jsonb AS j, $4::timestamptz AS at, $5::bigint AS n', [Buffer.from([0, 1, 255]), ['x', 'y,z'], JSON.stringify({ a: 1 }), '2026-01-02T03:04:05.678Z', '12345678901234567']],
      ['SELECT $1::text AS a, $2::int AS b', [null, undefined]],
      ['SELECT 1 AS one', []],
      ['UPDATE items SET name = $1 WHERE id = $2', ['one', 1]],
      ['UPDATE items SET name = name WHERE id > 100', []],
    ];
    for (const [text, values] of cases) {
      const mine = await statements.query(text, values);
      const theirs = await pglite.query(text, values);
      expect({ text, rows: mine.rows, fields: mine.fields, affected: mine.affectedRows }).toEqual({ text, rows: theirs.rows, fields: theirs.fields, affected: theirs.affectedRows });
    }
  });

  it("applies a caller's own parsers over PGlite's, whichever set each call brings", async () => {
    const text = 'SELECT n, at, id, tags FROM items WHERE id = $1';
    const asText = { [types.INT8]: (v: string) => `int8:${v}`, [types.TIMESTAMPTZ]: (v: string) => `at:${v}` };
    const asNumber = { [types.INT8]: (v: string) => Number(v) };
    for (const parsers of [asText, asNumber, asText]) {
      const mine = (await statements.query(text, [1], { parsers })).rows;
      expect(mine).toEqual((await pglite.query(text, [1], { parsers })).rows);
      expect((mine[0] as { n: unknown }).n).toBe(parsers[types.INT8]!('9007199254740993'));
    }
    expect((await statements.query<{ n: unknown }>(text, [1])).rows[0]!.n).toBe(9007199254740993n);
  });

  it('keeps at most its bound of statements, closing the least recently used', async () => {
    const texts = ['SELECT $1::int AS a', 'SELECT $1::int AS b', 'SELECT $1::int AS c', 'SELECT $1::int AS d'];
    for (const t of texts) await statements.query(t, [1]);
    await statements.query(texts[1]!, [1]); // b is now the most recently used
    await statements.query('SELECT $1::int AS e', [1]); // evicts c
    await statements.query('SELECT $1 = 1 AS x', [1]); // the close of c went with this call
    expect(statements.preparedCount).toBe(3);
    expect(await prepared()).toEqual([texts[1]!, 'SELECT $1::int AS e', 'SELECT $1 = 1 AS x'].map(statementName).sort());
    expect((await statements.query(texts[2]!, [7])).rows).toEqual([{ c: 7 }]); // prepared again when needed
  });

  it('runs statements marked to be planned at each execution, and those without parameters, unnamed', async () => {
    const before = await prepared();
    expect((await statements.query(`${PLAN_EACH_TIME}SELECT $1::int * 2 AS n`, [21])).rows).toEqual([{ n: 42 }]);
    expect((await statements.query('SELECT 6 * 7 AS n', [])).rows).toEqual([{ n: 42 }]);
    expect(await prepared()).toEqual(before);
  });

  it('replaces a statement of the name it would use that the session already holds', async () => {
    const text = 'SELECT $1::int - 1 AS n';
    await pglite.exec(`PREPARE "${statementName(text)}" AS SELECT 'stale'::text AS n`);
    expect((await statements.query(text, [43])).rows).toEqual([{ n: 42 }]);
  });

  it("reports the database's error with its code and position, and the session goes on", async () => {
    await expect(statements.query('INSERT INTO items (id, name) VALUES ($1, $2)', [1, 'again'])).rejects.toMatchObject({ code: '23505', constraint: 'items_pkey' });
    await expect(statements.query('SELEC $1', [1])).rejects.toMatchObject({ code: '42601' });
    await expect(statements.query('SELECT $1::int AS n', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect((await statements.query('SELECT name FROM items WHERE id = $1', [1])).rows).toEqual([{ name: 'one' }]);
  });

  it('inside a transaction: an error aborts it as on any connection, and a rollback recovers', async () => {
    await pglite.exec('BEGIN');
    await statements.query('UPDATE items SET name = $1 WHERE id = $2', ['changed', 1]);
    await expect(statements.query('INSERT INTO items (id, name) VALUES ($1, $2)', [1, 'dup'])).rejects.toMatchObject({ code: '23505' });
    await expect(statements.query('SELECT name FROM items WHERE id = $1', [1])).rejects.toMatchObject({ code: '25P02' });
    await pglite.exec('ROLLBACK');
    expect((await statements.query('SELECT name FROM items WHERE id = $1', [1])).rows).toEqual([{ name: 'one' }]);
  });

  it('prepares a statement again after DDL changed its result columns (failing once with PostgreSQL\'s error)', async () => {
    const text = 'SELECT * FROM items WHERE id = $1';
    expect(Object.keys((await statements.query<Record<string, unknown>>(text, [1])).rows[0]!)).not.toContain('extra');
    await pglite.exec('ALTER TABLE items ADD COLUMN extra int DEFAULT 5');
    await expect(statements.query(text, [1])).rejects.toMatchObject({ code: '0A000' });
    expect((await statements.query<Record<string, unknown>>(text, [1])).rows[0]!.extra).toBe(5);
  });
});
