import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { DEFAULT_PGLITE_SHARED_BUFFERS_MB, type Config } from '../config.js';
import { runMigrations, type MigrationResult } from './migrate.js';
import { deferToNextStatement, PreparingClient } from './pg-prepared.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteUpkeep, type UpkeepWork } from './pglite-upkeep.js';

/** The role every application query runs as: not the owner, not superuser, no BYPASSRLS. */
export const APP_ROLE = 'tenantproof_app';

export type Executor = Kysely<any> | Transaction<any>;

/**
 * An open database. `db` runs as the application role; only `migrate` (and the benchmark's RLS switch)
 * use the owner's connection.
 */
export interface Database {
  kind: 'pglite' | 'postgres';
  db: Kysely<any>;
  /** Apply pending migrations as the owner; returns what was applied. */
  migrate(): Promise<MigrationResult[]>;
  /** Run a multi-statement script as the owner (migrations, benchmark switches). */
  ownerScript(text: string): Promise<void>;
  /** PGlite only: the maintenance PostgreSQL's autovacuum would do (pglite-upkeep.ts). */
  upkeep?: PGliteUpkeep;
  close(): Promise<void>;
}

// DATE stays a string (a calendar date has no time zone); bigint ids stay exact as strings.
const DATE_OID = 1082;
const INT8_OID = 20;

type DatabaseConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize'> & Partial<Pick<Config, 'pgliteSharedBuffersMb'>>;

export async function openDatabase(config: DatabaseConfig, options: { memory?: boolean; applicationName?: string } = {}): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, config.poolSize, options.applicationName)
    : openPGlite(options.memory ? null : config.dataDir, config.pgliteSharedBuffersMb ?? DEFAULT_PGLITE_SHARED_BUFFERS_MB);
}

/** PGlite's own start parameters, plus the page cache size (`shared_buffers`). */
export function pgliteStartParams(sharedBuffersMb: number): string[] {
  return [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`];
}

async function openPGlite(dataDir: string | null, sharedBuffersMb: number): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir ? `${dataDir}/pglite` : undefined, { startParams: pgliteStartParams(sharedBuffersMb) });
  await pglite.waitReady;
  let appRole = false;
  const toApp = async () => { await pglite.exec(`SET ROLE ${APP_ROLE}`); appRole = true; };
  const toOwner = async () => { if (appRole) { await pglite.exec('RESET ROLE'); appRole = false; } };
  // PGlite has no autovacuum: statistics and dead rows are looked after between transactions, as the owner.
  const upkeep = new PGliteUpkeep((work) => maintain(work));
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite, upkeep) });
  const toAppIfRoleExists = async () => {
    const r = await pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = '${APP_ROLE}'`);
    if (r.rows[0]?.n) await toApp();
  };
  /** Run `work` as the owner. PGlite is a single connection: take it through Kysely's queue so no app transaction is in flight. */
  const asOwner = async <T>(work: () => Promise<T>): Promise<T> => {
    let result!: T;
    await db.connection().execute(async () => {
      await toOwner();
      try { result = await work(); } finally { await toAppIfRoleExists(); }
    });
    return result;
  };
  const ownerScript = async (text: string) => { await asOwner(() => pglite.exec(text)); };
  const maintain = (work: UpkeepWork) => asOwner(async () => {
    // Names come from writtenTable: letters, digits and underscores only.
    for (const table of work.vacuum) await pglite.exec(`VACUUM (ANALYZE) "${table}"`);
    if (work.analyze.length) await pglite.exec(`ANALYZE ${work.analyze.map((t) => `"${t}"`).join(', ')}`);
    const r = await pglite.query<{ relname: string; reltuples: number }>(
      `SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE oid IN (SELECT to_regclass(quote_ident(t)) FROM unnest($1::text[]) t)`,
      [[...work.vacuum, ...work.analyze]]);
    return new Map(r.rows.map((x) => [x.relname, Math.max(0, Number(x.reltuples))]));
  });
  await toAppIfRoleExists();
  return {
    kind: 'pglite',
    db,
    upkeep,
    ownerScript,
    migrate: () => runMigrations(ownerScript, async (q, params) => asOwner(async () => (await pglite.query(q, params)).rows as any[])),
    close: async () => { await upkeep.idle(); await db.destroy(); await pglite.close(); },
  };
}

/** PostgreSQL: `applicationName` names the pool's connections in pg_stat_activity (default: the URL's, or none). */
async function openPostgres(url: string, poolSize: number, applicationName?: string): Promise<Database> {
  const typeParsers = {
    getTypeParser: (oid: number, format?: any) => {
      if (oid === DATE_OID || oid === INT8_OID) return (v: string) => v;
      if (oid === 1184) return (v: string) => new Date(v).toISOString();
      return pg.types.getTypeParser(oid, format);
    },
  };
  // Every pooled connection is the application role from its start (a startup parameter): a connection that
  // cannot take the role fails to open, instead of quietly serving queries as the login user.
  // The pool's client class sends parameterised queries as named prepared statements and a transaction's opening
  // with its first statement (src/store/pg-prepared.ts).
  const pool = new pg.Pool({
    ...appRoleConnection(url), ...(applicationName ? { application_name: applicationName } : {}), max: poolSize, types: typeParsers, Client: PreparingClient,
  });
  // A connection goes back to the pool with no transaction opening waiting (withContext always ends with COMMIT or
  // ROLLBACK, which consumes it; this is the belt to those braces).
  pool.on('release', (_error, client) => { if (client instanceof PreparingClient) client.discardDeferred(); });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const withOwner = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url, types: typeParsers });
    await client.connect();
    try { return await fn(client); } finally { await client.end(); }
  };
  const ownerScript = (text: string) => withOwner(async (c) => { await c.query(text); });
  return {
    kind: 'postgres',
    db,
    ownerScript,
    migrate: () => withOwner((client) => runMigrations(
      async (text) => { await client.query(text); },
      async (q, params) => (await client.query(q, params)).rows,
    )),
    close: async () => { await db.destroy(); },
  };
}

/** Connection settings that make the session the application role; `options` given in the URL are kept. */
function appRoleConnection(url: string): { connectionString: string; options: string } {
  const role = `-c role=${APP_ROLE}`;
  // JIT off: the application's statements are short index scans, but on a large ledger the planner's estimate for an
  // investigation query passes jit_above_cost and compiling took ~150 ms of a ~10 ms query (bench:ledger, 10M events).
  // It comes first, so an `options` in DATABASE_URL can still turn it back on.
  const jit = '-c jit=off';
  if (!/[?&]options=/.test(url)) return { connectionString: url, options: `${jit} ${role}` };
  // pg lets the URL's `options` override the config's, so move them out of the URL and add the role after them.
  const u = new URL(url);
  const own = u.searchParams.get('options') ?? '';
  u.searchParams.delete('options');
  return { connectionString: u.toString(), options: `${jit} ${own} ${role}`.replace(/\s+/g, ' ').trim() };
}

/** Who is acting, and within which organization and customer tenant. */
export interface RequestContext {
  orgId: string;
  /** Set for a tenant-viewer: the database then shows only this tenant's rows. */
  tenantId: string | null;
  userId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function contextLiteral(value: string | null, name: string): string {
  if (value === null || value === '') return "''";
  // Only ids ever go here; checking the form keeps the literal below safe by construction.
  if (!UUID.test(value)) throw new Error(`withContext: ${name} must be a UUID`);
  return `'${value}'`;
}

/**
 * Run `fn` in one transaction with the org, tenant and user context set for that transaction only
 * (`set_config(..., true)`), never on the session: a pooled connection carries nothing to the next request.
 *
 * The transaction's opening (`BEGIN; SELECT set_config(…, true)`) costs no round trip of its own on PostgreSQL:
 * the pool's client writes it together with the transaction's first statement (src/store/pg-prepared.ts).
 * PGlite runs it at once, as one call (src/store/pglite-dialect.ts). One connection carries the whole unit of
 * work; any error, the opening's included, rolls it back.
 */
export async function withContext<T>(db: Kysely<any>, ctx: RequestContext, fn: (trx: Transaction<any>) => Promise<T>): Promise<T> {
  const opening = deferToNextStatement(`BEGIN; SELECT set_config('app.org_id', ${contextLiteral(ctx.orgId, 'orgId')}, true), `
    + `set_config('app.tenant_id', ${contextLiteral(ctx.tenantId, 'tenantId')}, true), set_config('app.user_id', ${contextLiteral(ctx.userId, 'userId')}, true)`);
  return db.connection().execute(async (conn) => {
    let result: T;
    try {
      await sql.raw(opening).execute(conn);
      result = await fn(conn as unknown as Transaction<any>);
    } catch (error) {
      await sql.raw('ROLLBACK').execute(conn).catch(() => undefined);
      throw error;
    }
    await sql.raw('COMMIT').execute(conn);
    return result;
  });
}
