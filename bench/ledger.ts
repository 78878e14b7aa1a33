/**
 * The ledger benchmark (docs/benchmarks.md, "Ledger"): bounded, on this machine, 127.0.0.1 only.
 *
 *  1. Ingest: N events through the real HTTP API (`tenantproof serve`, its own process) as NDJSON batches
 *     from a separate client process (bench/ledger-client.ts), on PostgreSQL and on PGlite: events/s, per-batch
 *     latency, CPU of server and database, the server's peak memory (VmHWM).
 *  2. Baseline: the same rows as plain multi-row INSERTs into a copy of ledger_entries (same columns,
 *     constraints and indexes; no hashes, no nodes, no lock, no HTTP) from the same kind of client process.
 *  3. Queries, proofs and verify over the ingested ledger (both databases), through the API: tenant-scoped
 *     investigations p50/p95 by filter shape, an entry with its inclusion proof, a consistency proof,
 *     POST /api/ledger/verify (entries/s), a verification in the background (POST /api/ledger/verifications: its
 *     entries/s, and the latency of requests served while it runs); proofs also timed in-process (`rangeHashes`).
 *  4. PostgreSQL only: a ledger of M more events in another organization (200 tenants, 60 systems), loaded with
 *     SQL (bench/ledger-scale.ts, real payloads and hashes), then the same queries, proofs and verify at that size.
 *     PGlite is not loaded to M: see docs/benchmarks.md.
 *
 * Flags: --db postgres|pglite|both (both)   --events N (1,000,000; --quick 50,000)   --batch N (5,000)
 *        --clients N (4: batches in flight)   --query-events M (10,000,000; --quick 200,000; 0 skips part 4)
 *        --queries N per query shape (100, at most --shape-seconds S each: 8)   --proofs N (200)
 *        --verify-scale (also POST /api/ledger/verify over the M ledger: minutes at today's speed)
 *        --no-baseline   --skip-ingested (no queries, proofs, verify over the ingested ledger)
 *        --scale-only (PostgreSQL: part 4 alone, in the database a run with --keep-postgres left; the large
 *        ledger is reused when it has at least M events, else loaded)   --profile (server --cpu-prof into
 *        bench/results/<part>/)   --pg-port P (55471)   --keep-postgres   --out FILE (bench/results/ledger-latest.json)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { signCheckpoint } from '../src/ledger/checkpoints.js';
import { consistencyProof, inclusionProof, leafHash, verifyConsistency, verifyInclusion } from '../src/ledger/merkle.js';
import { verifyEntryProof, verifyConsistencyProof } from '../src/ledger/proof.js';
import { leafBytes, rangeHashes, rootAt, treeSize } from '../src/ledger/tree-store.js';
import { loadDemo } from '../src/services/demo.js';
import { actorForMember, findOrg } from '../src/services/provisioning.js';
import { createToken } from '../src/services/tokens.js';
import { openDatabase, withContext } from '../src/store/database.js';
import { mix, percentiles } from './ledger-events.js';
import { loadLargeLedger } from './ledger-scale.js';
import { seedOrg } from './seed.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
/** The server as users run it after `npm start`: compiled (built below), so verifications run in a worker thread. */
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    events: { type: 'string' },
    batch: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '4' },
    'query-events': { type: 'string' },
    queries: { type: 'string', default: '100' },
    proofs: { type: 'string', default: '200' },
    'shape-seconds': { type: 'string', default: '8' },
    'verify-scale': { type: 'boolean', default: false },
    'scale-only': { type: 'boolean', default: false },
    'skip-ingested': { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'pg-port': { type: 'string', default: '55471' },
    'keep-postgres': { type: 'boolean', default: false },
    out: { type: 'string', default: join(HERE, 'results', 'ledger-latest.json') },
  },
});
function whole(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  const v = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  return v;
}
const EVENTS = whole('events', flags.events, flags.quick ? 50_000 : 1_000_000, 1, 50_000_000);
const BATCH = whole('batch', flags.batch, 5000, 1, 30_000);
const CLIENTS = whole('clients', flags.clients, 4, 1, 64);
const QUERY_EVENTS = whole('query-events', flags['query-events'], flags.quick ? 200_000 : 10_000_000, 0, 100_000_000);
const QUERIES = whole('queries', flags.queries, 100, 1, 10_000);
const PROOFS = whole('proofs', flags.proofs, 200, 1, 10_000);
const SHAPE_SECONDS = whole('shape-seconds', flags['shape-seconds'], 8, 1, 3600);
const PG_PORT = whole('pg-port', flags['pg-port'], 55471, 1024, 65535);
if (PG_PORT === 55432 || PG_PORT === 55433) throw new Error('--pg-port: 55432 and 55433 are in use by others');
const DATABASES: Array<'postgres' | 'pglite'> | null = flags.db === 'both' ? ['postgres', 'pglite'] : flags.db === 'postgres' || flags.db === 'pglite' ? [flags.db] : null;
if (!DATABASES) throw new Error('--db must be postgres, pglite or both');
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const RESULTS_DIR = join(HERE, 'results');
const started = performance.now();
const log = (line: string) => console.log(line);

// ------------------------------------------------------------------------------------------- processes

const children = new Set<ChildProcess>();
process.on('exit', () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => { cleanup(); process.exit(130); });
const cleanups: Array<() => void> = [];
function cleanup(): void { for (const fn of cleanups.splice(0).reverse()) { try { fn(); } catch (e) { console.error(`cleanup: ${(e as Error).message}`); } } }

function spawnNode(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-20_000); });
  return { child, stderr: () => err };
}

interface Server { child: ChildProcess; url: string; stderr: () => string }

async function startServer(env: NodeJS.ProcessEnv, profileName?: string): Promise<Server> {
  // One directory per server: every thread (a verification's worker too) writes its own profile; the main
  // thread's is the largest.
  const prof = profileName ? ['--cpu-prof', '--cpu-prof-dir', join(RESULTS_DIR, profileName)] : [];
  const { child, stderr } = spawnNode([...prof, MAIN, 'serve'], { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 120 s:\n${out}\n${stderr()}`)), 120_000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}) while starting:\n${stderr()}`)); });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolvePromise({ child, url: m[1]!, stderr }); }
    });
  });
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.removeAllListeners('exit'); // the start-up listener would report this exit as a failure
  child.on('exit', () => children.delete(child));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

// ------------------------------------------------------------------------------------------- /proc

function peakRssMb(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch { return null; }
}
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch { return null; }
}
/** CPU seconds of a PostgreSQL cluster: the postmaster and its children. */
function clusterCpuSeconds(postmaster: number | null): number | null {
  if (!postmaster) return null;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === postmaster || Number(f[1]) === postmaster) total += (Number(f[11]) + Number(f[12])) / 100;
    } catch { /* gone */ }
  }
  return total;
}
function machineJiffies(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - (cpu[3] ?? 0) - (cpu[4] ?? 0), total };
}

interface CpuSnapshot { at: number; server: number | null; client: number | null; db: number | null; machine: { busy: number; total: number } }
const snapshot = (server: number | undefined, client: number | undefined, postmaster: number | null): CpuSnapshot =>
  ({ at: performance.now(), server: cpuSeconds(server), client: cpuSeconds(client), db: clusterCpuSeconds(postmaster), machine: machineJiffies() });
/** Average CPU over the interval in % of one core (machine: % of all cores), and CPU seconds. */
function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const wall = (b.at - a.at) / 1000;
  const pct = (x: number | null, y: number | null) => (x !== null && y !== null ? Math.round(((y - x) / wall) * 100) : null);
  const secs = (x: number | null, y: number | null) => (x !== null && y !== null ? +(y - x).toFixed(1) : null);
  const machine = Math.round(((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * 100);
  const ours = [secs(a.server, b.server), secs(a.client, b.client), secs(a.db, b.db)].reduce<number>((s, v) => s + (v ?? 0), 0);
  const machineSeconds = ((b.machine.busy - a.machine.busy) / 100);
  return {
    serverPct: pct(a.server, b.server), databasePct: pct(a.db, b.db), clientPct: pct(a.client, b.client), machinePct: machine,
    serverCpuSeconds: secs(a.server, b.server), databaseCpuSeconds: secs(a.db, b.db), clientCpuSeconds: secs(a.client, b.client),
    /** CPU used on the machine by anything else (other people's processes, the kernel's own work): noise. */
    otherCpuSeconds: +Math.max(0, machineSeconds - ours).toFixed(1),
  };
}

// ------------------------------------------------------------------------------------------- HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
/** One request to the bench server; no client-side timeout (verify of a large ledger takes minutes). */
function request(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any; ms: number }> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error('127.0.0.1 only');
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const t = performance.now();
  return new Promise((resolvePromise, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: Number(u.port), path: u.pathname + u.search, method, agent,
      headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t;
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any = text;
        try { json = JSON.parse(text); } catch { /* keep the text */ }
        resolvePromise({ status: res.statusCode ?? 0, json, ms });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}
async function ok(method: string, url: string, token: string, body?: unknown): Promise<{ json: any; ms: number }> {
  const r = await request(method, url, token, body);
  if (r.status !== 200) throw new Error(`${method} ${url}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 400)}`);
  return r;
}

// ------------------------------------------------------------------------------------------- client

function runClient(spec: Record<string, unknown>, server: Server | null, postmaster: number | null, heapMb: number): Promise<{ result: any; cpu: ReturnType<typeof cpuBetween> }> {
  const { child, stderr } = spawnNode([`--max-old-space-size=${heapMb}`, '--import', 'tsx', join(HERE, 'ledger-client.ts'), JSON.stringify(spec)], process.env);
  return new Promise((resolvePromise, reject) => {
    let before: CpuSnapshot | null = null;
    let result: any = null;
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let m: any;
      try { m = JSON.parse(line); } catch { return; }
      if (m.measuring) before = snapshot(server?.child.pid, child.pid, postmaster);
      if (m.done) {
        result = m;
        const after = snapshot(server?.child.pid, child.pid, postmaster);
        resolvePromise({ result, cpu: cpuBetween(before ?? after, after) });
      }
    });
    child.on('close', (code) => { if (!result) reject(new Error(`the client exited (${code}):\n${stderr()}`)); });
  });
}

// ------------------------------------------------------------------------------------------- PostgreSQL

const PG_DIR = `/tmp/tenantproof-bench-ledger-pg-${PG_PORT}`;
/**
 * A quarter of this machine's memory, as a production server would have: with PostgreSQL's default 128MB, the
 * ledger's indexes at 1M+ events no longer fit, and every batch wrote ~30,000 evicted pages (measured).
 * A cluster a run left running with --keep-postgres keeps the setting it was started with.
 */
const SHARED_BUFFERS = process.env.PG_SHARED_BUFFERS ?? '4GB';
/** PGlite's page cache, MB, for the server and the baseline alike (TENANTPROOF_PGLITE_SHARED_BUFFERS; its maximum). */
const PGLITE_SHARED_BUFFERS_MB = process.env.TENANTPROOF_PGLITE_SHARED_BUFFERS ?? '1536';
function startPostgres(): { adminUrl: string; postmaster: number | null; version: string } {
  log(`starting PostgreSQL on 127.0.0.1:${PG_PORT} (scripts/postgres-local.sh: fsync=off, synchronous_commit=off, shared_buffers=${SHARED_BUFFERS}; data in ${PG_DIR})`);
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'postgres-local.sh'), String(PG_PORT), PG_DIR], {
    encoding: 'utf8', timeout: 300_000, env: { ...process.env, PG_SHARED_BUFFERS: SHARED_BUFFERS },
  });
  if (r.status !== 0) throw new Error(`scripts/postgres-local.sh failed: ${r.stderr}`);
  const adminUrl = r.stdout.trim().split('\n').pop()!;
  if (!flags['keep-postgres']) cleanups.push(stopPostgres);
  let postmaster: number | null = null;
  try { postmaster = Number(readFileSync(join(PG_DIR, 'postmaster.pid'), 'utf8').split('\n')[0]); } catch { /* not readable */ }
  return { adminUrl, postmaster, version: '' };
}
function stopPostgres(): void {
  const bin = spawnSync('bash', ['-c', 'for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; break; }; done'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) return;
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const cmd = [...asPostgres, `${bin}/pg_ctl`, '-D', PG_DIR, 'stop', '-m', 'fast'];
  spawnSync(cmd[0]!, cmd.slice(1), { stdio: 'ignore', timeout: 60_000 });
}
async function ownerClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/**
 * What else ran while `measure` did: PostgreSQL's autovacuum workers (sampled every 250 ms: the share of samples
 * with one running, and the tables they worked on) and the CPU of the server, the database and the machine. A
 * latency's p95 on 2 cores moves with it.
 */
async function withBackground<T>(ownerUrl: string | null, server: Server | null, postmaster: number | null, measure: () => Promise<T>) {
  const before = snapshot(server?.child.pid, undefined, postmaster);
  const sampler = ownerUrl ? await ownerClient(ownerUrl) : null;
  let samples = 0;
  let busy = 0;
  const tables = new Set<string>();
  let stop = false;
  const sampling = (async () => {
    while (sampler && !stop) {
      const rows = (await sampler.query(`SELECT query FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`)).rows as Array<{ query: string }>;
      samples++;
      if (rows.length) busy++;
      for (const r of rows) tables.add(r.query.replace(/^autovacuum:\s*/, '').slice(0, 80));
      await new Promise((done) => setTimeout(done, 250));
    }
  })();
  try {
    const result = await measure();
    return { result, background: { autovacuumPct: samples ? Math.round((100 * busy) / samples) : null, autovacuum: [...tables], cpu: cpuBetween(before, snapshot(server?.child.pid, undefined, postmaster)) } };
  } finally {
    stop = true;
    await sampling;
    await sampler?.end();
  }
}

/** The database's CPU share, or where it is counted: PGlite runs inside the server's process. */
function databaseCpu(pct: number | null): string {
  return pct === null ? 'counted in the server' : `${pct}%`;
}

function backgroundNote(b: { autovacuumPct: number | null; autovacuum: string[]; cpu: ReturnType<typeof cpuBetween> }): string {
  const vacuum = b.autovacuumPct === null ? '' : `autovacuum running ${b.autovacuumPct}% of the time${b.autovacuum.length ? ` (${b.autovacuum.join('; ')})` : ''}, `;
  return `meanwhile: ${vacuum}server CPU ${b.cpu.serverPct}%, database ${databaseCpu(b.cpu.databasePct)}, machine ${b.cpu.machinePct}% of 2 cores`;
}

// ------------------------------------------------------------------------------------------- the parts

interface Target {
  db: 'postgres' | 'pglite';
  env: NodeJS.ProcessEnv;
  /** Owner URL of the bench database (PostgreSQL). */
  ownerUrl: string | null;
  postmaster: number | null;
  dataDir: string;
}

interface OrgTokens { orgId: string; engineer: string; viewer: string; viewerTenant: string }

/** Migrate, load the demo organization, and make an engineer's and a tenant-viewer's token (no server running). */
async function prepare(t: Target): Promise<OrgTokens> {
  const database = await openDatabase(loadConfig(t.env));
  try {
    await database.migrate();
    const demo = await loadDemo(database.db, { mode: 'development' });
    const org = (await findOrg(database.db, demo.org.slug))!;
    const token = async (email: string) => (await createToken(database.db, await actorForMember(database.db, org, email), { name: 'ledger bench' })).token;
    return { orgId: org.orgId, engineer: await token('engineer@northwind.example'), viewer: await token('viewer@brightwater.example'), viewerTenant: 'brightwater-insurance' };
  } finally { await database.close(); }
}

interface Listed { id: string; slug: string }
async function listAll(base: string, token: string, resource: 'tenants' | 'systems'): Promise<Listed[]> {
  const r = await ok('GET', `${base}/api/${resource}?limit=200&sort=slug&order=asc`, token);
  return (r.json.items as Listed[]).map((x) => ({ id: x.id, slug: x.slug }));
}

/** Tenant-scoped investigations through GET /api/events, by filter shape; tenants[0] is the busiest. */
async function queries(base: string, tokens: OrgTokens, tenants: string[], systems: string[]) {
  const now = Date.now();
  const day = 86_400_000;
  const pick = (i: number) => (i % 2 === 0 ? tenants[mix(i, 21) % Math.min(3, tenants.length)]! : tenants[mix(i, 22) % tenants.length]!);
  const shapes: Array<{ name: string; token?: string; path: (i: number) => string; cursor?: boolean }> = [
    { name: 'tenant, newest 100', path: (i) => `tenant=${pick(i)}` },
    { name: 'tenant, last 7 days', path: (i) => `tenant=${pick(i)}&from=${new Date(now - 7 * day).toISOString()}` },
    { name: 'tenant + action', path: (i) => `tenant=${pick(i)}&action=privilege-change` },
    { name: 'tenant + external + failure', path: (i) => `tenant=${pick(i)}&actorType=external&outcome=failure` },
    { name: 'tenant + actor', path: (i) => `tenant=${pick(i)}&actor=tech${mix(i, 23) % 60}%40northwind.example` },
    // The customer's own users are rare in a tenant's events (bench/ledger-events.ts: 500 per tenant, 20 % external).
    { name: 'tenant + customer user', path: (i) => { const t = pick(i); return `tenant=${t}&actor=user${mix(i, 25) % 500}%40${t}.example`; } },
    // An investigation that finds nothing must still answer quickly: the worst case for any index that filters.
    { name: 'tenant + actor with no events', path: (i) => `tenant=${pick(i)}&actor=nobody${i}%40nowhere.example` },
    { name: 'actor, all tenants', path: (i) => `actor=tech${mix(i, 26) % 60}%40northwind.example` },
    { name: 'customer user, all tenants', path: (i) => `actor=user${mix(i, 27) % 500}%40${pick(i)}.example` },
    ...(systems.length ? [{ name: 'tenant + system', path: (i: number) => `tenant=${pick(i)}&system=${systems[mix(i, 24) % systems.length]}` }] : []),
    { name: 'tenant + break-glass, 90 days', path: (i) => `tenant=${pick(i)}&action=break-glass&from=${new Date(now - 90 * day).toISOString()}` },
    { name: 'tenant, page 2 (cursor)', path: (i) => `tenant=${pick(i)}`, cursor: true },
    { name: 'tenant-viewer, own events', token: tokens.viewer, path: () => '' },
  ];
  // Warm up (connections, plans, caches): a few of each shape, not counted.
  for (const s of shapes) for (let i = 0; i < 5; i++) await ok('GET', `${base}/api/events?${s.path(10_000 + i)}`, s.token ?? tokens.engineer);
  const out: Array<{ shape: string; rows: number } & ReturnType<typeof percentiles>> = [];
  const all: number[] = [];
  for (const s of shapes) {
    const times: number[] = [];
    let rows = 0;
    const shapeStarted = performance.now();
    for (let i = 0; i < QUERIES && performance.now() - shapeStarted < SHAPE_SECONDS * 1000; i++) {
      let path = s.path(i);
      if (s.cursor) {
        const first = await ok('GET', `${base}/api/events?${path}`, s.token ?? tokens.engineer);
        if (!first.json.nextCursor) continue;
        path += `&cursor=${encodeURIComponent(first.json.nextCursor)}`;
      }
      const r = await ok('GET', `${base}/api/events?${path}`, s.token ?? tokens.engineer);
      times.push(r.ms);
      rows += r.json.items.length;
    }
    all.push(...times);
    out.push({ shape: s.name, rows: Math.round(rows / Math.max(1, times.length)), ...percentiles(times) });
  }
  return { all: percentiles(all), shapes: out };
}

/** GET /api/ledger/entries/:index for random indexes, each checked offline; the consistency route. */
async function proofsOverHttp(base: string, token: string, size: number, checkpointFrom: number | null) {
  const keys = (await ok('GET', `${base}/api/ledger/public-keys`, token)).json.items;
  // The first request may sign a checkpoint covering the whole tree: not timed.
  const first = await ok('GET', `${base}/api/ledger/entries/${size - 1}`, token);
  const verdict = verifyEntryProof({ ...first.json, publicKeys: keys });
  if (!verdict.ok) throw new Error(`entry ${size - 1}: the proof does not verify: ${JSON.stringify(verdict.problems)}`);
  const times: number[] = [];
  let proofLength = 0;
  for (let i = 0; i < PROOFS; i++) {
    const index = mix(i, 31) % size;
    const r = await ok('GET', `${base}/api/ledger/entries/${index}`, token);
    times.push(r.ms);
    proofLength = Math.max(proofLength, r.json.inclusionProof.length);
    if (i < 20) {
      const v = verifyEntryProof({ ...r.json, publicKeys: keys });
      if (!v.ok) throw new Error(`entry ${index}: the proof does not verify: ${JSON.stringify(v.problems)}`);
    }
  }
  const consistency: number[] = [];
  const query = checkpointFrom === null ? '' : `?from=${checkpointFrom}`;
  const c0 = await ok('GET', `${base}/api/ledger/consistency${query}`, token);
  const cv = verifyConsistencyProof({ ...c0.json, publicKeys: keys });
  if (!cv.ok) throw new Error(`the consistency proof does not verify: ${JSON.stringify(cv.problems)}`);
  for (let i = 0; i < Math.min(PROOFS, 100); i++) consistency.push((await ok('GET', `${base}/api/ledger/consistency${query}`, token)).ms);
  return {
    entryWithInclusionProofMs: percentiles(times), inclusionProofHashes: proofLength, checkedOffline: 21,
    consistency: { from: c0.json.from.treeSize, to: c0.json.to.treeSize, hashes: c0.json.consistencyProof.length, ms: percentiles(consistency), checkedOffline: true },
  };
}

/** rangeHashes(inclusionProof(...)) and rangeHashes(consistencyProof(...)) in-process against the database. */
async function proofsInProcess(env: NodeJS.ProcessEnv, orgId: string, consistencyFrom: number) {
  const database = await openDatabase(loadConfig(env));
  try {
    return await withContext(database.db, { orgId, tenantId: null, userId: null }, async (trx) => {
      const size = await treeSize(trx, orgId);
      const root = await rootAt(trx, orgId, size);
      const inclusion: number[] = [];
      for (let i = 0; i < PROOFS; i++) {
        const index = mix(i, 41) % size;
        const t = performance.now();
        const [leaf, ...proof] = await rangeHashes(trx, orgId, [[index, index + 1], ...inclusionProof(index, size)]);
        inclusion.push(performance.now() - t);
        if (i < 20 && !verifyInclusion({ index, treeSize: size, leafHash: leaf!, root, proof })) throw new Error(`in-process inclusion proof of ${index} does not verify`);
      }
      // The leaf itself is the hash of the entry's payload and salt (so the loaded rows are real).
      const row = (await trx.selectFrom('ledger_entries').select(['payload', 'salt']).where('org_id', '=', orgId).where('idx', '=', size - 1).executeTakeFirstOrThrow()) as any;
      const [stored] = await rangeHashes(trx, orgId, [[size - 1, size]]);
      if (!leafHash(leafBytes(row.payload, Buffer.from(row.salt))).equals(stored!)) throw new Error('the last leaf is not the hash of its payload');
      const consistency: number[] = [];
      const from = Math.max(1, Math.min(consistencyFrom, size));
      const firstRoot = await rootAt(trx, orgId, from);
      for (let i = 0; i < Math.min(PROOFS, 100); i++) {
        const t = performance.now();
        const proof = await rangeHashes(trx, orgId, consistencyProof(from, size));
        consistency.push(performance.now() - t);
        if (i === 0 && !verifyConsistency({ first: from, second: size, firstRoot, secondRoot: root, proof })) throw new Error('in-process consistency proof does not verify');
      }
      return { treeSize: size, inclusionMs: percentiles(inclusion), consistencyFrom: from, consistencyMs: percentiles(consistency), verified: true };
    });
  } finally { await database.close(); }
}

async function verifyOverHttp(base: string, token: string) {
  const r = await ok('POST', `${base}/api/ledger/verify`, token);
  if (!r.json.ok) throw new Error(`verify found a problem: ${JSON.stringify(r.json.problem)}`);
  return { entries: r.json.entriesChecked, checkpoints: r.json.checkpointsChecked, seconds: +(r.ms / 1000).toFixed(2), entriesPerSecond: Math.round(r.json.entriesChecked / (r.ms / 1000)) };
}

/** A run and its status read every 250 ms, nothing else: the run's entries/s (from its own start and end times). */
async function verifyInBackgroundAlone(base: string, token: string) {
  const started = await request('POST', `${base}/api/ledger/verifications`, token);
  if (started.status !== 202) throw new Error(`POST /api/ledger/verifications: HTTP ${started.status} ${JSON.stringify(started.json).slice(0, 400)}`);
  let run = started.json;
  while (run.status === 'running') {
    await new Promise((r) => setTimeout(r, 250));
    run = (await ok('GET', `${base}/api/ledger/verifications/${run.id}`, token)).json;
  }
  if (run.status !== 'passed') throw new Error(`the background verification ended ${run.status}: ${JSON.stringify(run.problem ?? run.error)}`);
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return { entries: run.entriesChecked, seconds: +seconds.toFixed(2), entriesPerSecond: Math.round(run.entriesChecked / seconds) };
}

/**
 * POST /api/ledger/verifications: the run alone (above), then another run and what other requests see meanwhile:
 * GET /api/ledger/checkpoints/latest one after the other until it ends, each timed (and the same requests with no
 * run, for comparison). The second run's entries/s is lower: those requests use the same two cores.
 */
async function verifyInBackground(base: string, token: string) {
  const alone = await verifyInBackgroundAlone(base, token);
  // the same request with no verification running, for comparison
  const idle: number[] = [];
  for (let i = 0; i < 200; i++) idle.push((await ok('GET', `${base}/api/ledger/checkpoints/latest`, token)).ms);
  const started = await request('POST', `${base}/api/ledger/verifications`, token);
  if (started.status !== 202) throw new Error(`POST /api/ledger/verifications: HTTP ${started.status} ${JSON.stringify(started.json).slice(0, 400)}`);
  const id = started.json.id as string;
  const during: number[] = [];
  let run = started.json;
  let polled = performance.now();
  while (run.status === 'running') {
    during.push((await ok('GET', `${base}/api/ledger/checkpoints/latest`, token)).ms);
    if (performance.now() - polled >= 250) {
      run = (await ok('GET', `${base}/api/ledger/verifications/${id}`, token)).json;
      polled = performance.now();
    }
  }
  if (run.status !== 'passed') throw new Error(`the background verification ended ${run.status}: ${JSON.stringify(run.problem ?? run.error)}`);
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return {
    alone, entries: run.entriesChecked, seconds: +seconds.toFixed(2), entriesPerSecond: Math.round(run.entriesChecked / seconds),
    requestsMeanwhile: percentiles(during), requestsWithoutVerification: percentiles(idle),
  };
}

function backgroundLine(b: Awaited<ReturnType<typeof verifyInBackground>>): string {
  const p = (x: { p50: number; p95: number; max: number }) => `p50 ${x.p50} ms, p95 ${x.p95} ms, max ${x.max} ms`;
  return `  verify in the background (POST /api/ledger/verifications): alone ${b.alone.entriesPerSecond.toLocaleString('en')} entries/s (${b.alone.seconds} s); with requests ${b.entriesPerSecond.toLocaleString('en')} entries/s (${b.seconds} s), meanwhile ${b.requestsMeanwhile.n} requests (GET /api/ledger/checkpoints/latest, one after the other): ${p(b.requestsMeanwhile)} (with no verification running: ${p(b.requestsWithoutVerification)})`;
}

async function checkpointSizes(base: string, token: string): Promise<number[]> {
  const r = await ok('GET', `${base}/api/ledger/checkpoints?limit=200`, token);
  return (r.json.items as Array<{ treeSize: number }>).map((c) => c.treeSize);
}

// ------------------------------------------------------------------------------------------- one database

async function benchDatabase(db: 'postgres' | 'pglite', results: Record<string, any>): Promise<void> {
  const out: Record<string, any> = {};
  results[db] = out;
  const dataDir = mkdtempSync(join(os.tmpdir(), `tp-ledger-bench-${db}-`));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    ...process.env, TENANTPROOF_DATA: dataDir, TENANTPROOF_MODE: 'development', TENANTPROOF_MASTER_KEY: MASTER_KEY,
    TENANTPROOF_PGLITE_SHARED_BUFFERS: PGLITE_SHARED_BUFFERS_MB,
  };
  delete env.DATABASE_URL;
  let ownerUrl: string | null = null;
  let postmaster: number | null = null;
  if (db === 'postgres') {
    const pgServer = startPostgres();
    postmaster = pgServer.postmaster;
    const admin = await ownerClient(pgServer.adminUrl);
    if (!flags['scale-only']) {
      await admin.query('DROP DATABASE IF EXISTS tp_ledger_bench WITH (FORCE)');
      await admin.query('CREATE DATABASE tp_ledger_bench');
    } else if ((await admin.query("SELECT 1 FROM pg_database WHERE datname = 'tp_ledger_bench'")).rowCount === 0) {
      throw new Error('--scale-only needs the database of an earlier run with --keep-postgres');
    }
    out.postgresVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
    out.postgresSettings = Object.fromEntries((await admin.query(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync','synchronous_commit','shared_buffers','max_wal_size','work_mem')`)).rows.map((r) => [r.name, r.setting]));
    await admin.end();
    ownerUrl = pgServer.adminUrl.replace(/\/[^/]*$/, '/tp_ledger_bench');
    env.DATABASE_URL = ownerUrl;
  }
  if (db === 'postgres' && flags['scale-only']) return scalePart(out, env, ownerUrl!, postmaster);
  const t: Target = { db, env, ownerUrl, postmaster, dataDir };
  log(`\n== ${db}: ${EVENTS.toLocaleString('en')} events through POST /api/events (${BATCH.toLocaleString('en')} per batch, ${CLIENTS} in flight)`);
  const tokens = await prepare(t);

  // 1. ingest through the API
  let server = await startServer(env, flags.profile ? `ledger-${db}-ingest` : undefined);
  const tenants = await listAll(server.url, tokens.engineer, 'tenants');
  const systems = await listAll(server.url, tokens.engineer, 'systems');
  const names = { tenants: tenants.map((x) => x.slug), systems: systems.map((x) => x.slug) };
  // A checkpoint before the ingest (the demo's own entries), so that a consistency proof spans the ingested events.
  const before = (await ok('GET', `${server.url}/api/ledger/entries/0`, tokens.engineer)).json.checkpoint.treeSize as number;
  const run = `lb${Date.now().toString(36)}`;
  const now = Date.now();
  const common = { run, now, events: EVENTS, batch: BATCH, clients: CLIENTS, names };
  const ingest = await runClient({ mode: 'ingest', url: server.url, token: tokens.engineer, ...common }, server, postmaster, 4096);
  out.ingest = { ...ingest.result, eventsPerSecond: Math.round(ingest.result.eventsPerSecond), cpu: ingest.cpu, serverPeakRssMb: peakRssMb(server.child.pid!) };
  log(`  ingest: ${out.ingest.eventsPerSecond.toLocaleString('en')} events/s (${out.ingest.seconds.toFixed(1)} s; batch p50 ${out.ingest.batchMs.p50} ms, p95 ${out.ingest.batchMs.p95} ms), server peak RSS ${out.ingest.serverPeakRssMb} MB`);
  log(`          CPU: server ${ingest.cpu.serverPct}%, database ${databaseCpu(ingest.cpu.databasePct)}, client ${ingest.cpu.clientPct}%, machine ${ingest.cpu.machinePct}% of 2 cores (other processes: ${ingest.cpu.otherCpuSeconds} CPU s)`);

  // 3. queries, proofs and verify over the ingested ledger
  const size = ingest.result.treeSize as number;
  if (flags['skip-ingested']) await stopServer(server);
  else {
  out.ingested = { org: 'northwind-msp (demo)', events: EVENTS, tenants: tenants.length, systems: systems.length };
  out.ingested.queries = await queries(server.url, tokens, names.tenants, names.systems);
  log(`  queries over ${EVENTS.toLocaleString('en')} events (${tenants.length} tenants): p50 ${out.ingested.queries.all.p50} ms, p95 ${out.ingested.queries.all.p95} ms`);
  out.ingested.checkpoints = (await checkpointSizes(server.url, tokens.engineer)).length;
  const ingestedProofs = await withBackground(ownerUrl, server, postmaster, () => proofsOverHttp(server.url, tokens.engineer, size, before));
  out.ingested.proofs = { ...ingestedProofs.result, background: ingestedProofs.background };
  log(`  entry + inclusion proof (HTTP): p50 ${out.ingested.proofs.entryWithInclusionProofMs.p50} ms, p95 ${out.ingested.proofs.entryWithInclusionProofMs.p95} ms; consistency ${out.ingested.proofs.consistency.from}→${out.ingested.proofs.consistency.to} (HTTP): p50 ${out.ingested.proofs.consistency.ms.p50} ms, p95 ${out.ingested.proofs.consistency.ms.p95} ms`);
  log(`    ${backgroundNote(ingestedProofs.background)}`);
  out.ingested.verify = await verifyOverHttp(server.url, tokens.engineer);
  log(`  verify (POST /api/ledger/verify): ${out.ingested.verify.entriesPerSecond.toLocaleString('en')} entries/s (${out.ingested.verify.entries.toLocaleString('en')} entries, ${out.ingested.verify.checkpoints} checkpoints, ${out.ingested.verify.seconds} s)`);
  out.ingested.verifyInBackground = await verifyInBackground(server.url, tokens.engineer);
  log(backgroundLine(out.ingested.verifyInBackground));
  out.ingested.serverPeakRssMb = peakRssMb(server.child.pid!);
  await stopServer(server);
  out.ingested.proofsInProcess = await proofsInProcess(env, tokens.orgId, before);
  log(`  in-process rangeHashes: inclusion p50 ${out.ingested.proofsInProcess.inclusionMs.p50} ms, p95 ${out.ingested.proofsInProcess.inclusionMs.p95} ms; consistency p50 ${out.ingested.proofsInProcess.consistencyMs.p50} ms, p95 ${out.ingested.proofsInProcess.consistencyMs.p95} ms`);
  }

  // 2. the baseline: the same rows, plain multi-row INSERTs, no ledger
  if (!flags['no-baseline']) {
    const baselineSpec = {
      mode: 'baseline', ...common, table: 'bench_plain_events', orgId: tokens.orgId,
      tenantIds: tenants.map((x) => [x.slug, x.id]), systemIds: systems.map((x) => [x.slug, x.id]),
    };
    let baseline;
    if (db === 'postgres') {
      const owner = await ownerClient(ownerUrl!);
      await owner.query('DROP TABLE IF EXISTS bench_plain_events');
      await owner.end();
      baseline = await runClient({ ...baselineSpec, db, url: ownerUrl }, null, postmaster, 6144);
      const owner2 = await ownerClient(ownerUrl!);
      await owner2.query('DROP TABLE bench_plain_events');
      await owner2.end();
    } else {
      // A second embedded database with the same schema (PGlite is one process: the server's is closed now).
      const dir = join(dataDir, 'baseline');
      const database = await openDatabase(loadConfig({ ...env, TENANTPROOF_DATA: dir }));
      await database.migrate();
      await database.close();
      baseline = await runClient({ ...baselineSpec, db, dir: join(dir, 'pglite'), sharedBuffersMb: Number(PGLITE_SHARED_BUFFERS_MB) }, null, null, 6144);
    }
    out.baseline = { ...baseline.result, eventsPerSecond: Math.round(baseline.result.eventsPerSecond), cpu: baseline.cpu };
    out.apiOverBaseline = +(out.baseline.eventsPerSecond / out.ingest.eventsPerSecond).toFixed(2);
    log(`  baseline (plain INSERT, no ledger): ${out.baseline.eventsPerSecond.toLocaleString('en')} events/s (${out.baseline.seconds.toFixed(1)} s); the API with the ledger takes ${out.apiOverBaseline}× its time`);
  }

  // 4. PostgreSQL: a large ledger loaded with SQL, then queries, proofs and verify at that size
  if (db === 'postgres' && QUERY_EVENTS > 0) await scalePart(out, env, ownerUrl!, postmaster);
}

const SCALE_SLUG = 'ledger-scale';

/** Part 4: the large ledger (loaded, or reused with --scale-only), then queries, proofs and verify through the API. */
async function scalePart(out: Record<string, any>, env: NodeJS.ProcessEnv, ownerUrl: string, postmaster: number | null): Promise<void> {
  const scale: Record<string, any> = {};
  out.scale = scale;
  const database = await openDatabase(loadConfig(env));
  let scaleTokens: OrgTokens;
  let tenantRows: Listed[];
  let systemRows: Listed[];
  const owner = await ownerClient(ownerUrl);
  try {
    const existing = await findOrg(database.db, SCALE_SLUG);
    const existingSize = existing ? Number((await owner.query('SELECT tree_size FROM ledger_heads WHERE org_id = $1', [existing.orgId])).rows[0]?.tree_size ?? 0) : 0;
    if (existing && existingSize >= QUERY_EVENTS) {
      log(`\n== postgres: reusing organization ${SCALE_SLUG} (${existingSize.toLocaleString('en')} entries)`);
      const token = async (role: string) => (await createToken(database.db, await actorForMember(database.db, existing, `${role}@${SCALE_SLUG}.bench.example`), { name: 'ledger bench' })).token;
      const viewerTenant = (await owner.query('SELECT t.slug FROM memberships m JOIN tenants t ON t.org_id = m.org_id AND t.id = m.tenant_id WHERE m.org_id = $1 LIMIT 1', [existing.orgId])).rows[0]?.slug ?? '';
      scaleTokens = { orgId: existing.orgId, engineer: await token('engineer'), viewer: await token('tenant-viewer'), viewerTenant };
      const sizes = (await owner.query('SELECT DISTINCT tree_size FROM ledger_checkpoints WHERE org_id = $1 ORDER BY tree_size DESC LIMIT 2', [existing.orgId])).rows.map((r) => Number(r.tree_size));
      scale.checkpoints = [sizes[1] ?? sizes[0], sizes[0]];
      scale.events = existingSize;
      scale.reused = true;
    } else {
      if (existing) throw new Error(`organization ${SCALE_SLUG} has ${existingSize} entries, fewer than --query-events ${QUERY_EVENTS}: run without --scale-only`);
      log(`\n== postgres: ${QUERY_EVENTS.toLocaleString('en')} more events loaded with SQL into organization ${SCALE_SLUG} (200 tenants, 60 systems)`);
      const seeded = await seedOrg(database.db, SCALE_SLUG, { services: 3, vendors: 2, tenants: 200, systems: 60, flows: 0 }, 8);
      const tenantName = (await owner.query('SELECT slug FROM tenants WHERE org_id = $1 AND id = $2', [seeded.orgId, seeded.viewerTenantId])).rows[0];
      scaleTokens = { orgId: seeded.orgId, engineer: seeded.engineerToken, viewer: seeded.viewerToken, viewerTenant: tenantName?.slug ?? '' };
      const tenants = (await owner.query('SELECT id, slug FROM tenants WHERE org_id = $1 ORDER BY slug', [seeded.orgId])).rows as Listed[];
      const systems = (await owner.query('SELECT id, slug FROM systems WHERE org_id = $1 ORDER BY slug', [seeded.orgId])).rows as Listed[];
      const t0 = performance.now();
      const loaded = await loadLargeLedger(ownerUrl, owner, seeded.orgId, {
        tenantIds: tenants.map((x) => x.id), tenantSlugs: tenants.map((x) => x.slug),
        systemIds: systems.map((x) => x.id), systemSlugs: systems.map((x) => x.slug),
      }, QUERY_EVENTS, new Date(Date.now() - 60_000), log);
      scale.load = { seconds: +((performance.now() - t0) / 1000).toFixed(1), steps: loaded.steps, base: loaded.base, treeSize: loaded.size };
      log(`    loaded in ${scale.load.seconds} s`);
      // Two signed checkpoints: at an earlier size (set back for a moment) and at the full size.
      const earlier = loaded.base + Math.floor(QUERY_EVENTS * 0.61) + 7;
      scale.checkpoints = [];
      for (const size of [earlier, loaded.size]) {
        await owner.query('UPDATE ledger_heads SET tree_size = $2 WHERE org_id = $1', [seeded.orgId, size]);
        const c = await withContext(database.db, { orgId: seeded.orgId, tenantId: null, userId: null }, (trx) => signCheckpoint(trx, seeded.orgId, Buffer.from(MASTER_KEY, 'base64')));
        scale.checkpoints.push(c.treeSize);
      }
      scale.events = QUERY_EVENTS;
    }
    tenantRows = (await owner.query('SELECT id, slug FROM tenants WHERE org_id = $1 ORDER BY slug', [scaleTokens.orgId])).rows;
    systemRows = (await owner.query('SELECT id, slug FROM systems WHERE org_id = $1 ORDER BY slug', [scaleTokens.orgId])).rows;
    scale.tableSizes = (await owner.query(`SELECT relname AS table, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class WHERE relname IN ('ledger_entries', 'ledger_nodes', 'ledger_leaf_tiles')`)).rows;
  } finally { await owner.end(); await database.close(); }
  const server = await startServer(env, flags.profile ? 'ledger-postgres-scale' : undefined);
  scale.tenants = tenantRows.length;
  scale.queries = await queries(server.url, scaleTokens, tenantRows.map((x) => x.slug), systemRows.map((x) => x.slug));
  log(`  queries over ${scale.events.toLocaleString('en')} events: p50 ${scale.queries.all.p50} ms, p95 ${scale.queries.all.p95} ms`);
  for (const q of scale.queries.shapes) log(`    ${q.shape.padEnd(32)} p50 ${String(q.p50).padStart(8)} ms  p95 ${String(q.p95).padStart(8)} ms  max ${String(q.max).padStart(8)} ms  (n ${q.n}, ${q.rows} rows)`);
  const scaleProofs = await withBackground(ownerUrl, server, postmaster, () => proofsOverHttp(server.url, scaleTokens.engineer, scale.checkpoints[1], scale.checkpoints[0]));
  scale.proofs = { ...scaleProofs.result, background: scaleProofs.background };
  log(`  entry + inclusion proof (HTTP): p50 ${scale.proofs.entryWithInclusionProofMs.p50} ms, p95 ${scale.proofs.entryWithInclusionProofMs.p95} ms; consistency ${scale.proofs.consistency.from}→${scale.proofs.consistency.to} (HTTP): p50 ${scale.proofs.consistency.ms.p50} ms, p95 ${scale.proofs.consistency.ms.p95} ms`);
  log(`    ${backgroundNote(scaleProofs.background)}`);
  if (flags['verify-scale']) {
    const before = snapshot(server.child.pid, undefined, postmaster);
    scale.verify = await verifyOverHttp(server.url, scaleTokens.engineer);
    scale.verify.cpu = cpuBetween(before, snapshot(server.child.pid, undefined, postmaster));
    log(`  verify (POST /api/ledger/verify): ${scale.verify.entriesPerSecond.toLocaleString('en')} entries/s (${scale.verify.entries.toLocaleString('en')} entries, ${scale.verify.seconds} s; server CPU ${scale.verify.cpu.serverPct}%, database ${scale.verify.cpu.databasePct}%)`);
    scale.verifyInBackground = await verifyInBackground(server.url, scaleTokens.engineer);
    log(backgroundLine(scale.verifyInBackground));
  }
  scale.serverPeakRssMb = peakRssMb(server.child.pid!);
  await stopServer(server);
  scale.proofsInProcess = await proofsInProcess(env, scaleTokens.orgId, scale.checkpoints[0]);
  log(`  in-process rangeHashes: inclusion p50 ${scale.proofsInProcess.inclusionMs.p50} ms, p95 ${scale.proofsInProcess.inclusionMs.p95} ms; consistency p50 ${scale.proofsInProcess.consistencyMs.p50} ms, p95 ${scale.proofsInProcess.consistencyMs.p95} ms`);
}

// ------------------------------------------------------------------------------------------- summary

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

function summary(results: Record<string, any>): string {
  const n = (v: number | undefined | null) => (v === undefined || v === null ? '–' : Math.round(v).toLocaleString('en'));
  const ms = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
  const rows: string[][] = [['figure', 'goal', ...DATABASES!]];
  const get = (db: string) => results[db] ?? {};
  const goal = (db: string) => (db === 'postgres' ? '≥ 50,000' : '≥ 15,000');
  rows.push(['ingest through the API, events/s', `${goal('postgres')} / ${goal('pglite')}`, ...DATABASES!.map((d) => n(get(d).ingest?.eventsPerSecond))]);
  rows.push(['plain INSERT baseline, events/s', '', ...DATABASES!.map((d) => n(get(d).baseline?.eventsPerSecond))]);
  rows.push(['API time ÷ baseline time', '≤ 2', ...DATABASES!.map((d) => (get(d).apiOverBaseline ?? '–').toString())]);
  rows.push(['server peak RSS during ingest, MB', '', ...DATABASES!.map((d) => n(get(d).ingest?.serverPeakRssMb))]);
  rows.push([`query p50 / p95 ms, ${EVENTS.toLocaleString('en')} ingested events`, '', ...DATABASES!.map((d) => `${ms(get(d).ingested?.queries.all.p50)} / ${ms(get(d).ingested?.queries.all.p95)}`)]);
  rows.push([`query p50 / p95 ms, +${QUERY_EVENTS.toLocaleString('en')} loaded events`, 'p95 ≤ 20', ...DATABASES!.map((d) => (get(d).scale ? `${ms(get(d).scale.queries.all.p50)} / ${ms(get(d).scale.queries.all.p95)}` : 'not run'))]);
  for (const [label, key] of [['ingested', 'ingested'], ['loaded', 'scale']] as const) {
    rows.push([`entry + inclusion proof p50 / p95 ms (HTTP), ${label}`, '≤ 5', ...DATABASES!.map((d) => (get(d)[key] ? `${ms(get(d)[key].proofs.entryWithInclusionProofMs.p50)} / ${ms(get(d)[key].proofs.entryWithInclusionProofMs.p95)}` : 'not run'))]);
    rows.push([`inclusion proof p50 / p95 ms (rangeHashes), ${label}`, '≤ 5', ...DATABASES!.map((d) => (get(d)[key] ? `${ms(get(d)[key].proofsInProcess.inclusionMs.p50)} / ${ms(get(d)[key].proofsInProcess.inclusionMs.p95)}` : 'not run'))]);
    rows.push([`consistency proof p50 / p95 ms (HTTP), ${label}`, '≤ 5', ...DATABASES!.map((d) => (get(d)[key] ? `${ms(get(d)[key].proofs.consistency.ms.p50)} / ${ms(get(d)[key].proofs.consistency.ms.p95)}` : 'not run'))]);
    rows.push([`consistency proof p50 / p95 ms (rangeHashes), ${label}`, '≤ 5', ...DATABASES!.map((d) => (get(d)[key] ? `${ms(get(d)[key].proofsInProcess.consistencyMs.p50)} / ${ms(get(d)[key].proofsInProcess.consistencyMs.p95)}` : 'not run'))]);
    rows.push([`verify entries/s, ${label}`, '≥ 500,000', ...DATABASES!.map((d) => (get(d)[key]?.verify ? `${n(get(d)[key].verify.entriesPerSecond)} (${n(get(d)[key].verify.entries)})` : 'not run'))]);
    rows.push([`verify in the background entries/s, alone / with requests; their p95 / max ms, ${label}`, '', ...DATABASES!.map((d) => {
      const b = get(d)[key]?.verifyInBackground;
      return b ? `${n(b.alone.entriesPerSecond)} / ${n(b.entriesPerSecond)}; ${ms(b.requestsMeanwhile.p95)} / ${ms(b.requestsMeanwhile.max)} (${b.requestsMeanwhile.n} requests)` : 'not run';
    })]);
  }
  return table(rows);
}

// ------------------------------------------------------------------------------------------- main

const results: Record<string, any> = {
  startedAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', ramGB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => +v.toFixed(2)),
  },
  settings: { events: EVENTS, batch: BATCH, clients: CLIENTS, queryEvents: QUERY_EVENTS, queriesPerShape: QUERIES, proofs: PROOFS, quick: flags.quick },
};
mkdirSync(RESULTS_DIR, { recursive: true });
log('compiling the server (npm run build:server) …');
if (spawnSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build:server failed');
let failed: unknown = null;
try {
  for (const db of DATABASES) await benchDatabase(db, results);
} catch (error) {
  failed = error;
  results.error = (error as Error).stack ?? String(error);
} finally {
  cleanup();
}
results.totalSeconds = Math.round((performance.now() - started) / 1000);
writeFileSync(flags.out!, JSON.stringify(results, null, 2));
log(`\n${summary(results)}\n`);
log(`machine: ${results.machine.cpus} × ${results.machine.model}, ${results.machine.ramGB} GB, Node ${results.machine.node}${results.postgres?.postgresVersion ? `, PostgreSQL ${results.postgres.postgresVersion} (fsync off, shared_buffers ${SHARED_BUFFERS})` : ''}${results.pglite ? `, PGlite shared_buffers ${PGLITE_SHARED_BUFFERS_MB}MB` : ''}; load average at start ${results.machine.loadAverageAtStart.join(' ')}`);
log(`written to ${flags.out} in ${results.totalSeconds} s${existsSync(RESULTS_DIR) && flags.profile ? `; CPU profiles in ${RESULTS_DIR}` : ''}`);
if (failed) { console.error(failed); process.exit(1); }
process.exit(0);
