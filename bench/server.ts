/**
 * The benchmark's server process: the real tenantproof HTTP server (buildApp, logging off) on 127.0.0.1 and a
 * free port, over PGlite (--data-dir) or PostgreSQL (--database-url). Started by bench/api.ts; talks to it
 * with one JSON line on stdout and exits when its stdin closes (so it never outlives the orchestrator).
 *
 *   node --import tsx bench/server.ts --seed  (--data-dir DIR | --database-url URL)   migrate, seed two orgs, exit
 *   node --import tsx bench/server.ts --rls on|off (--data-dir DIR | --database-url URL) [--pool N] [--trace]
 *
 * `--rls off` switches row-level security off on every table that has it (NO FORCE + DISABLE, as the owner)
 * before serving; `--rls on` switches it back on (ENABLE + FORCE on every table with a policy) and checks it.
 * `--trace` counts database round trips and their time per statement; they are printed to stderr on SIGUSR2
 * and reset.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/store/database.js';
import { DEFAULT_VOLUME, seedOrg } from './seed.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'boolean', default: false },
    rls: { type: 'string', default: 'on' },
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    pool: { type: 'string', default: '10' },
    trace: { type: 'boolean', default: false },
  },
});

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

if (args.trace) installTrace();

const config = loadConfig({
  ...(args['database-url'] ? { DATABASE_URL: args['database-url'] } : {}),
  TENANTPROOF_DATA: args['data-dir'] ?? '',
  TENANTPROOF_POOL_SIZE: args.pool,
  TENANTPROOF_MODE: 'production',
  LOG_LEVEL: 'silent',
});
if (!config.databaseUrl && !args['data-dir']) throw new Error('give --data-dir (PGlite) or --database-url (PostgreSQL)');

const database = await openDatabase(config);
let closing = false;
async function shutdown(code: number, app?: { close(): Promise<unknown> }): Promise<never> {
  if (!closing) {
    closing = true;
    try { await app?.close(); } catch { /* exiting anyway */ }
    try { await database.close(); } catch { /* exiting anyway */ }
  }
  process.exit(code);
}

try {
  await database.migrate();
  if (args.seed) {
    const started = performance.now();
    // Two organizations of the same size: RLS has as many rows of another org to keep out as it lets in.
    const parallel = database.kind === 'postgres' ? 8 : 1;
    const org1 = await seedOrg(database.db, 'bench-org-1', DEFAULT_VOLUME, parallel);
    const org2 = await seedOrg(database.db, 'bench-org-2', DEFAULT_VOLUME, parallel);
    await database.ownerScript('ANALYZE');
    send({ seeded: true, seedMs: Math.round(performance.now() - started), org1, org2, rls: await rlsState(database.db) });
    await shutdown(0);
  }

  if (args.rls !== 'on' && args.rls !== 'off') throw new Error('--rls must be on or off');
  const rls = await switchRls(database, args.rls);
  const app = await buildApp({ db: database.db, config, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  const version = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(database.db)).rows[0]?.v ?? '?';
  send({ ready: true, pid: process.pid, port: address.port, kind: database.kind, serverVersion: version, rls });

  process.stdin.resume();
  process.stdin.on('end', () => void shutdown(0, app));
  process.stdin.on('close', () => void shutdown(0, app));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(0, app));
} catch (error) {
  process.stderr.write(`bench server: ${(error as Error).stack ?? String(error)}\n`);
  await shutdown(1);
}

interface RlsState { tables: number; enabled: number; forced: number; withPolicy: number }

/** How many tables of the schema have row-level security enabled, forced, and a policy. */
async function rlsState(db: Kysely<any>): Promise<RlsState> {
  const row = (await sql<any>`
    SELECT count(*)::int AS tables,
           count(*) FILTER (WHERE c.relrowsecurity)::int AS enabled,
           count(*) FILTER (WHERE c.relforcerowsecurity)::int AS forced,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname))::int AS "withPolicy"
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`.execute(db)).rows[0];
  return row as RlsState;
}

async function switchRls(database: Database, mode: 'on' | 'off'): Promise<RlsState> {
  if (mode === 'off') {
    await database.ownerScript(`DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relforcerowsecurity)
  LOOP
    EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t.relname);
  END LOOP;
END $$;`);
  } else {
    await database.ownerScript(`DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT DISTINCT p.tablename FROM pg_policies p WHERE p.schemaname = current_schema()
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.tablename);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.tablename);
  END LOOP;
END $$;`);
  }
  const state = await rlsState(database.db);
  const ok = mode === 'off'
    ? state.enabled === 0 && state.forced === 0
    : state.enabled === state.withPolicy && state.forced === state.withPolicy && state.withPolicy > 0;
  if (!ok) throw new Error(`row-level security is not ${mode}: ${JSON.stringify(state)}`);
  return state;
}

/**
 * Count every statement sent to the database and the time until its answer (client side: includes waiting
 * for the connection and the server), keyed by the statement's first words. SIGUSR2 prints and resets.
 */
function installTrace(): void {
  const stats = new Map<string, { n: number; ms: number }>();
  const key = (text: unknown) => String(typeof text === 'object' && text !== null ? (text as { text?: string }).text : text)
    .replace(/\s+/g, ' ').replace(/"[a-z_]+"\./g, '').slice(0, 90);
  const note = (text: unknown, started: number) => {
    const k = key(text);
    const s = stats.get(k) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += performance.now() - started;
    stats.set(k, s);
  };
  const wrap = (proto: any, name: string) => {
    const original = proto[name];
    proto[name] = function (this: unknown, text: unknown, ...rest: unknown[]) {
      const started = performance.now();
      const result = original.call(this, text, ...rest);
      if (result && typeof result.then === 'function') result.then(() => note(text, started), () => note(text, started));
      return result;
    };
  };
  wrap(pg.Client.prototype, 'query');
  wrap(PGlite.prototype, 'query');
  wrap(PGlite.prototype, 'exec');
  process.on('SIGUSR2', () => {
    const rows = [...stats.entries()].sort((a, b) => b[1].n - a[1].n);
    process.stderr.write(`${JSON.stringify({ trace: rows.map(([sqlText, s]) => ({ sql: sqlText, n: s.n, avgMs: +(s.ms / s.n).toFixed(3) })) })}\n`);
    stats.clear();
  });
}
