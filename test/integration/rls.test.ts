import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE, openDatabase, withContext } from '../../src/store/database.js';
import { DB_KIND, seedOrg, startHarness, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * The database's own guarantees, read from the catalog and then tried: every org table has forced row-level
 * security with the org policy, keys lead with org_id, foreign keys carry it, and the application role can
 * neither bypass nor own any of it. Logto's "no table escaped _after_each.sql" test, for tenantproof.
 */

interface OrgTable { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; owner: string }

async function rows<T>(db: Kysely<any>, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await query.execute(db)).rows as T[];
}

/** Run `fn` in a transaction and return the database error it raised (or null when it did not fail). */
async function failure(db: Kysely<any>, ctx: { orgId: string; tenantId: string | null }, fn: (db: Kysely<any>) => Promise<unknown>): Promise<{ code: string; message: string } | null> {
  try {
    await withContext(db, { ...ctx, userId: null }, (trx) => fn(trx));
    return null;
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { code: String(err.code), message: err.message };
  }
}

describe('row-level security, read from the catalog and tried', () => {
  let h: Harness;
  let db: Kysely<any>;
  let a: SeededOrg;
  let b: SeededOrg;
  let orgTables: OrgTable[];

  beforeAll(async () => {
    h = await startHarness();
    db = h.database.db;
    a = await seedOrg(h, 'rls-a');
    b = await seedOrg(h, 'rls-b');
    orgTables = await rows<OrgTable>(db, sql`
      SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) AS owner
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`);
  });
  afterAll(async () => { await h?.close(); });

  it('finds the org tables (so that the checks below are not vacuous)', () => {
    expect(orgTables.map((t) => t.relname)).toEqual(expect.arrayContaining([
      'orgs', 'services', 'vendors', 'tenants', 'tenant_services', 'systems', 'system_tenants', 'system_services',
      'data_flows', 'memberships', 'sessions', 'api_tokens', 'ledger_heads', 'ledger_entries', 'ledger_nodes', 'ledger_leaf_tiles',
      'org_signing_keys', 'ledger_checkpoints',
    ]));
  });

  it('every table with org_id has row-level security enabled AND forced', () => {
    const weak = orgTables.filter((t) => !t.relrowsecurity || !t.relforcerowsecurity).map((t) => t.relname);
    expect(weak).toEqual([]);
  });

  it('every table with org_id has the org policy, and no other permissive policy that could widen it', async () => {
    const policies = await rows<{ table: string; polname: string; permissive: boolean; cmd: string; qual: string | null; check: string | null }>(db, sql`
      SELECT c.relname AS table, p.polname, p.polpermissive AS permissive, p.polcmd::text AS cmd,
             pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS check
      FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()`);
    const problems: string[] = [];
    for (const t of orgTables) {
      const mine = policies.filter((p) => p.table === t.relname);
      const org = mine.find((p) => p.polname === 'org_isolation');
      if (!org) { problems.push(`${t.relname}: no org_isolation policy`); continue; }
      if (!org.permissive || org.cmd !== '*') problems.push(`${t.relname}: org_isolation must be a permissive policy for ALL commands`);
      for (const expr of [org.qual, org.check]) {
        if (!expr || !/org_id = /.test(expr) || !expr.includes('app.org_id')) problems.push(`${t.relname}: org_isolation compares ${expr}`);
      }
      // Permissive policies are OR-ed: any other one would let rows of other organizations through.
      const widening = mine.filter((p) => p.permissive && p.polname !== 'org_isolation').map((p) => p.polname);
      if (widening.length) problems.push(`${t.relname}: other permissive policies ${widening.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('org_id is the first column of every org table\u2019s primary key', async () => {
    const keys = await rows<{ relname: string; first: string | null }>(db, sql`
      SELECT c.relname, (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                         WHERE i.indrelid = c.oid AND i.indisprimary) AS first
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ANY(${orgTables.map((t) => t.relname)})`);
    expect(keys).toHaveLength(orgTables.length);
    expect(keys.filter((k) => k.first !== 'org_id')).toEqual([]);
  });

  it('every foreign key into an org table carries org_id on both sides', async () => {
    const fks = await rows<{ conname: string; source: string; target: string; carries: boolean }>(db, sql`
      SELECT con.conname, src.relname AS source, tgt.relname AS target,
        EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(s, t)
                JOIN pg_attribute sa ON sa.attrelid = con.conrelid AND sa.attnum = k.s
                JOIN pg_attribute ta ON ta.attrelid = con.confrelid AND ta.attnum = k.t
                WHERE sa.attname = 'org_id' AND ta.attname = 'org_id') AS carries
      FROM pg_constraint con
      JOIN pg_class src ON src.oid = con.conrelid
      JOIN pg_class tgt ON tgt.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = tgt.relnamespace
      WHERE con.contype = 'f' AND n.nspname = current_schema()`);
    const orgNames = new Set(orgTables.map((t) => t.relname));
    const intoOrg = fks.filter((f) => orgNames.has(f.target));
    expect(intoOrg.length).toBeGreaterThanOrEqual(20);
    expect(intoOrg.filter((f) => !f.carries).map((f) => `${f.source}.${f.conname} → ${f.target}`)).toEqual([]);
    // and an org table may point at a global table (users) only with org_id beside it in the same table
    const outOfOrg = fks.filter((f) => !orgNames.has(f.target));
    expect(outOfOrg.map((f) => `${f.source}→${f.target}`)).toEqual(['memberships→users']);
  });

  it('the global users table has forced row-level security and policies too', async () => {
    const [users] = await rows<{ relrowsecurity: boolean; relforcerowsecurity: boolean; policies: number }>(db, sql`
      SELECT c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = 'users'`);
    expect(users).toEqual({ relrowsecurity: true, relforcerowsecurity: true, policies: expect.any(Number) });
    expect(users!.policies).toBeGreaterThan(0);
  });

  it('the application role is not superuser, cannot bypass RLS, and owns nothing (nor can become an owner)', async () => {
    const [role] = await rows<{ rolsuper: boolean; rolbypassrls: boolean }>(db, sql`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ${APP_ROLE}`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await rows<{ tablename: string }>(db, sql`SELECT tablename FROM pg_tables WHERE tableowner = ${APP_ROLE}`);
    expect(owned).toEqual([]);
    // nor through membership in a role that owns a table, is superuser or bypasses RLS
    const reachable = await rows<{ rolname: string }>(db, sql`
      SELECT r.rolname FROM pg_roles r
      WHERE r.rolname <> ${APP_ROLE} AND pg_has_role(${APP_ROLE}, r.oid, 'MEMBER')
        AND (r.rolsuper OR r.rolbypassrls OR EXISTS (SELECT 1 FROM pg_tables t WHERE t.tableowner = r.rolname))`);
    expect(reachable).toEqual([]);
    const tables = await rows<{ tablename: string }>(db, sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`);
    expect(tables.length).toBeGreaterThan(orgTables.length); // users and schema_migrations too
  });

  it('every application connection runs as the application role', async () => {
    const [direct] = await rows<{ u: string }>(db, sql`SELECT current_user AS u`);
    expect(direct!.u).toBe(APP_ROLE);
    // several pooled connections at once (PostgreSQL), each inside a request-style transaction
    const users = await Promise.all(Array.from({ length: 4 }, () => withContext(db, { orgId: a.org.orgId, tenantId: null, userId: null }, async (trx) => {
      const r = await sql<{ u: string }>`SELECT current_user AS u, pg_sleep(0.05)`.execute(trx);
      return r.rows[0]!.u;
    })));
    expect(users).toEqual([APP_ROLE, APP_ROLE, APP_ROLE, APP_ROLE]);
  });

  it.runIf(DB_KIND === 'postgres')('a pooled connection that cannot take the application role is refused, not left as the login user', async () => {
    const login = `tp_test_nomember_${randomBytes(4).toString('hex')}`;
    await h.database.ownerScript(`CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.username = login;
    url.password = '';
    const other = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 1 });
    try {
      const who = await sql<{ u: string }>`SELECT current_user AS u`.execute(other.db).then((r) => r.rows[0]!.u, () => 'refused');
      expect(who).toBe('refused');
    } finally {
      await other.close();
      await h.database.ownerScript(`DROP ROLE ${login}`);
    }
  });

  it('with no org context, every org table (and users) shows zero rows', async () => {
    const names = [...orgTables.map((t) => t.relname), 'users'];
    const count = async (q: Kysely<any>, t: string) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(q)).rows[0]!.n);
    const outside: Record<string, number> = {};
    for (const t of names) outside[t] = await count(db, t);
    expect(outside).toEqual(Object.fromEntries(names.map((t) => [t, 0])));
    // inside a transaction with no set_config, and with an empty one, too
    const inside = await db.transaction().execute(async (trx) => {
      const out: Record<string, number> = {};
      for (const t of names) out[t] = await count(trx, t);
      await sql`SELECT set_config('app.org_id', '', true)`.execute(trx);
      for (const t of names) out[t] = (out[t] ?? 0) + await count(trx, t);
      return out;
    });
    expect(inside).toEqual(Object.fromEntries(names.map((t) => [t, 0])));
    // the same tables do hold rows: the zeros above are the policy's doing
    const within = await withContext(db, { orgId: a.org.orgId, tenantId: null, userId: null }, async (trx) => {
      const out: Record<string, number> = {};
      for (const t of names) out[t] = await count(trx, t);
      return out;
    });
    for (const t of ['orgs', 'services', 'vendors', 'tenants', 'tenant_services', 'systems', 'system_tenants', 'system_services', 'data_flows', 'memberships', 'api_tokens', 'ledger_entries', 'users']) {
      expect(within[t], t).toBeGreaterThan(0);
    }
  });

  it('under org A\u2019s context, writing a row of org B into any org table is rejected by the policy', async () => {
    const ctx = { orgId: a.org.orgId, tenantId: null };
    const problems: string[] = [];
    for (const { relname } of orgTables) {
      const err = await failure(db, ctx, (trx) => sql`INSERT INTO ${sql.table(relname)} (org_id) VALUES (${b.org.orgId})`.execute(trx));
      if (err?.code !== '42501' || !/row-level security/.test(err.message)) problems.push(`${relname}: ${JSON.stringify(err)}`);
    }
    expect(problems).toEqual([]);
    // moving one of org A's rows into org B is rejected as well
    const moved = await failure(db, ctx, (trx) => sql`UPDATE services SET org_id = ${b.org.orgId} WHERE id = ${a.ids.service}`.execute(trx));
    expect(moved?.code).toBe('42501');
    // and org B's rows are out of reach of updates and deletes under org A's context
    const touched = await withContext(db, { ...ctx, userId: null }, async (trx) => ({
      updated: Number((await trx.updateTable('services').set({ name: 'Hijacked' }).where('org_id', '=', b.org.orgId).executeTakeFirst()).numUpdatedRows),
      deleted: Number((await trx.deleteFrom('data_flows').where('org_id', '=', b.org.orgId).executeTakeFirst()).numDeletedRows),
    }));
    expect(touched).toEqual({ updated: 0, deleted: 0 });
    const bServices = await withContext(db, { orgId: b.org.orgId, tenantId: null, userId: null }, (trx) => trx.selectFrom('services').select('name').orderBy('slug').execute());
    expect(bServices.map((s) => s.name)).toEqual(['Backup', 'Hosting']);
  });
});
