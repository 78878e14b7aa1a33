/**
 * The ledger benchmark's client process (started by bench/ledger.ts, never on its own): it prepares all
 * of its work first (NDJSON bodies, or row values for the baseline), prints `{"measuring":true}`, does the work
 * with `clients` batches in flight, and prints one JSON line with the figures.
 *
 *   ingest:   POST /api/events (NDJSON) on 127.0.0.1, `batch` events per request
 *   baseline: the same rows as plain multi-row INSERTs (1,000 rows per statement, one transaction per batch)
 *             into a copy of ledger_entries' columns, constraints and indexes: no hashes, no Merkle nodes,
 *             no ledger lock, no HTTP, no validation
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { eventAt, ndjsonBatch, percentiles, ROW_COLUMNS, rowOf, type Names } from './ledger-events.js';
import { DEFAULT_PGLITE_SHARED_BUFFERS_MB } from '../src/config.js';
import { pgliteStartParams } from '../src/store/database.js';

interface Common { run: string; now: number; events: number; batch: number; clients: number; names: Names }
interface IngestSpec extends Common { mode: 'ingest'; url: string; token: string }
interface BaselineSpec extends Common {
  mode: 'baseline'; db: 'postgres' | 'pglite'; url?: string; dir?: string; sharedBuffersMb?: number; table: string; orgId: string;
  tenantIds: Array<[string, string]>; systemIds: Array<[string, string]>;
}
type Spec = IngestSpec | BaselineSpec;

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const say = (m: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(m)}\n`);
const batches = Math.ceil(spec.events / spec.batch);
const range = (b: number): [number, number] => [b * spec.batch, Math.min(spec.events, (b + 1) * spec.batch)];

/** Run `work(b)` for every batch b with `clients` in flight; per-batch latencies in ms. */
async function drive(work: (b: number) => Promise<void>): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(spec.clients, batches) }, async () => {
    for (let b = next++; b < batches; b = next++) {
      const t = performance.now();
      await work(b);
      latencies.push(performance.now() - t);
    }
  }));
  return { seconds: (performance.now() - t0) / 1000, latencies };
}

async function ingest(s: IngestSpec): Promise<void> {
  const target = new URL(s.url);
  if (target.hostname !== '127.0.0.1') throw new Error('the benchmark only targets 127.0.0.1');
  const bodies = Array.from({ length: batches }, (_, b) => Buffer.from(ndjsonBatch(s.run, ...range(b), s.now, s.names)));
  const bytes = bodies.reduce((n, b) => n + b.length, 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: s.clients });
  let accepted = 0;
  let treeSize = 0;
  const post = (body: Buffer) => new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: Number(target.port), path: '/api/events', method: 'POST', agent,
      headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length, authorization: `Bearer ${s.token}` },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  say({ measuring: true, bytes });
  const { seconds, latencies } = await drive(async (b) => {
    const res = await post(bodies[b]!);
    if (res.status !== 200) throw new Error(`batch ${b}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
    const report = JSON.parse(res.text) as { accepted: number; duplicates: number; rejected: number; treeSize: number };
    treeSize = Math.max(treeSize, report.treeSize);
    const [from, to] = range(b);
    if (report.accepted !== to - from) throw new Error(`batch ${b}: accepted ${report.accepted} of ${to - from} (${report.duplicates} duplicates, ${report.rejected} rejected)`);
    accepted += report.accepted;
  });
  agent.destroy();
  say({ done: true, events: accepted, treeSize, seconds, eventsPerSecond: accepted / seconds, bodyMB: +(bytes / 2 ** 20).toFixed(1), batchMs: percentiles(latencies) });
}

const ROWS_PER_STATEMENT = 1000;

async function baseline(s: BaselineSpec): Promise<void> {
  const tenantIds = new Map(s.tenantIds);
  const systemIds = new Map(s.systemIds);
  const placeholders = (rows: number) => Array.from({ length: rows }, (_, r) => `(${ROW_COLUMNS.map((_, c) => `$${r * ROW_COLUMNS.length + c + 1}`).join(',')})`).join(',');
  const insertText = (rows: number) => `INSERT INTO ${s.table} (${ROW_COLUMNS.join(', ')}) VALUES ${placeholders(rows)}`;
  // Every statement's parameters, made before the clock starts (as the API client makes its bodies first).
  const statements: Array<Array<{ text: string; values: unknown[] }>> = [];
  const full = insertText(ROWS_PER_STATEMENT);
  for (let b = 0; b < batches; b++) {
    const [from, to] = range(b);
    const list: Array<{ text: string; values: unknown[] }> = [];
    for (let c = from; c < to; c += ROWS_PER_STATEMENT) {
      const end = Math.min(to, c + ROWS_PER_STATEMENT);
      const values: unknown[] = [];
      for (let i = c; i < end; i++) values.push(...rowOf(eventAt(s.run, i, s.now, s.names), s.orgId, i, tenantIds, systemIds));
      list.push({ text: end - c === ROWS_PER_STATEMENT ? full : insertText(end - c), values });
    }
    statements.push(list);
  }
  if (s.db === 'postgres') {
    const pool = new pg.Pool({ connectionString: s.url, max: s.clients });
    await pool.query(`CREATE TABLE ${s.table} (LIKE ledger_entries INCLUDING ALL)`);
    say({ measuring: true });
    const { seconds, latencies } = await drive(async (b) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const st of statements[b]!) await client.query(st.text, st.values);
        await client.query('COMMIT');
      } finally { client.release(); }
    });
    const count = Number((await pool.query(`SELECT count(*) AS n FROM ${s.table}`)).rows[0].n);
    await pool.end();
    say({ done: true, events: count, seconds, eventsPerSecond: count / seconds, batchMs: percentiles(latencies) });
  } else {
    const lite = new PGlite(s.dir, { startParams: pgliteStartParams(s.sharedBuffersMb ?? DEFAULT_PGLITE_SHARED_BUFFERS_MB) });
    await lite.waitReady;
    await lite.exec(`CREATE TABLE ${s.table} (LIKE ledger_entries INCLUDING ALL)`);
    say({ measuring: true });
    // One connection: transactions run one after another whatever `clients` is (as in the server).
    const { seconds, latencies } = await drive((b) => lite.transaction(async (tx) => {
      for (const st of statements[b]!) await tx.query(st.text, st.values as any[]);
    }).then(() => undefined));
    const count = Number((await lite.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s.table}`)).rows[0]!.n);
    await lite.close();
    say({ done: true, events: count, seconds, eventsPerSecond: count / seconds, batchMs: percentiles(latencies) });
  }
}

try {
  if (spec.mode === 'ingest') await ingest(spec);
  else await baseline(spec);
  process.exit(0);
} catch (error) {
  process.stderr.write(`ledger client: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
