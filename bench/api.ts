/**
 * `npm run bench:api`: tenant-scoped reads through the real HTTP server with row-level security, on PGlite and
 * on PostgreSQL, against the same server with RLS switched off as the baseline. See docs/benchmarks.md.
 *
 * Processes: this orchestrator; one server child per (database, RLS mode) (bench/server.ts); one load child per
 * scenario (bench/load.ts, autocannon). Everything listens on and targets 127.0.0.1 only, every run is bounded
 * in time and requests, and every child is killed when this process ends.
 *
 * Flags: --db pglite|postgres|both (both)  --duration S (10)  --warmup S (2)  --connections N (32)
 *        --max-requests N per measured run (500000)  --pool N PostgreSQL pool size (10)
 *        --rounds N (1): run RLS on and off N times, alternating which goes first, and report medians
 *        --scenarios a,b (get-system,list-systems,get-tenant-viewer)
 *        --pg-port P (55491, a bench-only cluster started with scripts/postgres-local.sh)
 *        --database-url URL (an existing PostgreSQL server to create the bench database in; none is started)
 *        --keep-postgres (leave the cluster this run started running)  --out FILE (bench/results/api-latest.json)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    'max-requests': { type: 'string', default: '500000' },
    rounds: { type: 'string', default: '1' },
    scenarios: { type: 'string', default: 'get-system,list-systems,get-tenant-viewer' },
    pool: { type: 'string', default: '10' },
    'pg-port': { type: 'string', default: '55491' },
    'database-url': { type: 'string' },
    'keep-postgres': { type: 'boolean', default: false },
    out: { type: 'string', default: join(HERE, 'results', 'api-latest.json') },
  },
});

function positive(name: string, raw: string | undefined, max: number): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name}: expected a whole number from 1 to ${max}, got "${raw}"`);
  return v;
}
const DURATION = positive('duration', flags.duration, 600);
const WARMUP = flags.warmup === '0' ? 0 : positive('warmup', flags.warmup, 60);
const CONNECTIONS = positive('connections', flags.connections, 1000);
const MAX_REQUESTS = positive('max-requests', flags['max-requests'], 10_000_000);
const POOL = positive('pool', flags.pool, 200);
const ROUNDS = positive('rounds', flags.rounds, 20);
const PG_PORT = positive('pg-port', flags['pg-port'], 65535);
const DATABASES: Array<'pglite' | 'postgres'> | null = flags.db === 'both' ? ['pglite', 'postgres'] : flags.db === 'pglite' || flags.db === 'postgres' ? [flags.db] : null;
if (!DATABASES) throw new Error('--db must be pglite, postgres or both');

// ---------------------------------------------------------------------------------------------- children

const children = new Set<ChildProcess>();
/** The last 20 kB a child wrote to stderr, for error messages. */
const stderrOf = new WeakMap<ChildProcess, () => string>();
const cleanups: Array<() => Promise<void> | void> = [];

function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => { void cleanupAndExit(130); });
}
let cleaningUp = false;
async function cleanupAndExit(code: number): Promise<never> {
  if (!cleaningUp) {
    cleaningUp = true;
    killChildren();
    for (const fn of cleanups.reverse()) { try { await fn(); } catch (e) { console.error(`cleanup: ${(e as Error).message}`); } }
  }
  process.exit(code);
}

/** Start `node --import tsx script args` (so the pid is the node process itself, for /proc figures). */
function startNode(script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, script), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20_000); });
  stderrOf.set(child, () => stderr);
  return child;
}

/** Wait for the child's next JSON line that has `key`; fail if it ends first or on timeout. */
function nextMessage(child: ChildProcess, key: string, timeoutMs: number, onOther?: (m: any) => void): Promise<any> {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => { done(); reject(new Error(`timed out after ${timeoutMs} ms waiting for "${key}"`)); }, timeoutMs);
    const onExit = (code: number | null) => {
      done();
      const stderr = stderrOf.get(child)?.() ?? '';
      reject(new Error(`child exited (${code}) before "${key}"\n${stderr}`));
    };
    const done = () => { clearTimeout(timer); lines.close(); child.off('close', onExit); };
    // 'close', not 'exit': it comes after the child's stdout is drained, so a last line before exiting is read.
    child.on('close', onExit);
    lines.on('line', (line) => {
      let message: any;
      try { message = JSON.parse(line); } catch { return; }
      if (message && message[key] !== undefined) { done(); resolvePromise(message); } else onOther?.(message);
    });
  });
}

async function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------- /proc

function procStatusKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}
/** CPU seconds (user + system) a process has used. */
function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return null; }
}
/** CPU seconds of a PostgreSQL cluster: its postmaster and every child (backends, walwriter, ...). */
function clusterCpuSeconds(postmasterPid: number | null): number | null {
  try {
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const mine = postmasterPid === null ? comm === 'postgres' : Number(entry) === postmasterPid || Number(fields[1]) === postmasterPid;
      if (mine) total += (Number(fields[11]) + Number(fields[12])) / 100;
    }
    return total;
  } catch { return null; }
}
let postmasterPid: number | null = null;

/** Busy and total jiffies of the whole machine. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch { return null; }
}

// ---------------------------------------------------------------------------------------------- PostgreSQL

interface PgTarget { adminUrl: string; started: boolean; dataDir: string | null }

async function canConnect(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try { await c.connect(); await c.end(); return true; } catch { return false; }
}

async function ensurePostgres(): Promise<PgTarget> {
  if (flags['database-url']) {
    const url = new URL(flags['database-url']);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error('--database-url must be on 127.0.0.1 (the benchmark is loopback only)');
    return { adminUrl: flags['database-url'], started: false, dataDir: null };
  }
  const dataDir = `/tmp/tenantproof-bench-pg-${PG_PORT}`;
  const url = `postgres://postgres@127.0.0.1:${PG_PORT}/postgres`;
  if (await canConnect(url)) return { adminUrl: url, started: false, dataDir };
  console.log(`starting PostgreSQL on 127.0.0.1:${PG_PORT} (scripts/postgres-local.sh, data in ${dataDir}) ...`);
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'postgres-local.sh'), String(PG_PORT), dataDir], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`scripts/postgres-local.sh failed: ${r.stderr}`);
  const printed = r.stdout.trim().split('\n').pop()!;
  return { adminUrl: printed, started: true, dataDir };
}

function stopPostgres(dataDir: string): void {
  const bin = spawnSync('bash', ['-c', 'for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; break; }; done'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) return;
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const cmd = [...asPostgres, `${bin}/pg_ctl`, '-D', dataDir, 'stop', '-m', 'fast'];
  spawnSync(cmd[0]!, cmd.slice(1), { stdio: 'ignore', timeout: 60_000 });
}

async function adminQuery<T = any>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return (await c.query(text)).rows as T[]; } finally { await c.end(); }
}

// ---------------------------------------------------------------------------------------------- the run

type Db = 'pglite' | 'postgres';
type Mode = 'on' | 'off';

interface Seeded {
  seedMs: number;
  org1: { orgId: string; systemId: string; viewerTenantId: string; otherTenantId: string; engineerToken: string; viewerToken: string; counts: Record<string, number> };
  org2: { orgId: string; systemId: string; viewerTenantId: string };
}

interface Scenario { name: string; label: string; path: (s: Seeded) => string; token: (s: Seeded) => string; check: (body: any, s: Seeded) => string | null }

const SCENARIOS: Scenario[] = [
  {
    name: 'get-system', label: 'GET /api/systems/{id}',
    path: (s) => `/api/systems/${s.org1.systemId}`, token: (s) => s.org1.engineerToken,
    check: (b, s) => (b?.id === s.org1.systemId && Array.isArray(b.tenantIds) && b.tenantIds.length > 0 ? null : 'not the seeded system with its tenant links'),
  },
  {
    name: 'list-systems', label: 'GET /api/systems?limit=50',
    path: () => '/api/systems?limit=50', token: (s) => s.org1.engineerToken,
    check: (b) => (Array.isArray(b?.items) && b.items.length === 50 ? null : `expected 50 items, got ${b?.items?.length}`),
  },
  {
    name: 'get-tenant-viewer', label: 'GET /api/tenants/{id} (tenant-viewer)',
    path: (s) => `/api/tenants/${s.org1.viewerTenantId}`, token: (s) => s.org1.viewerToken,
    check: (b, s) => (b?.id === s.org1.viewerTenantId ? null : 'not the viewer\u2019s tenant'),
  },
];

const CHOSEN = flags.scenarios!.split(',').map((x) => x.trim()).filter(Boolean);
const unknownScenario = CHOSEN.find((n) => !SCENARIOS.some((s) => s.name === n));
if (unknownScenario || CHOSEN.length === 0) throw new Error(`--scenarios: choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
const RUN_SCENARIOS = SCENARIOS.filter((s) => CHOSEN.includes(s.name));

interface ScenarioResult {
  database: Db;
  rls: Mode;
  round?: number;
  scenario: string;
  label: string;
  requests: number;
  seconds: number;
  rps: number;
  latencyMs: { avg: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /**
   * CPU used during the measured run, 100 = one core: the server process, the PostgreSQL cluster (postmaster and
   * backends), the load generator; machinePct is the whole machine, 100 = all cores busy.
   */
  cpu: { serverPct: number | null; postgresPct: number | null; loadPct: number | null; machinePct: number | null };
  /** Server and PostgreSQL CPU per request, in microseconds. */
  serverCpuUsPerRequest: number | null;
  postgresCpuUsPerRequest: number | null;
}

interface ServerRun { database: Db; rls: Mode; round: number; peakRssMb: number | null; rlsState: unknown; isolation: Record<string, number> }

async function get(base: string, path: string, token: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* keep text */ }
  return { status: res.status, body };
}

async function runScenario(database: Db, mode: Mode, serverPid: number, base: string, seeded: Seeded, scenario: Scenario): Promise<ScenarioResult> {
  const spec = { url: `${base}${scenario.path(seeded)}`, token: scenario.token(seeded), connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, maxRequests: MAX_REQUESTS };
  const load = startNode('load.ts', [JSON.stringify(spec)]);
  const pgCpu = () => (database === 'postgres' ? clusterCpuSeconds(postmasterPid) : null);
  let before: { server: number | null; load: number | null; pg: number | null; machine: ReturnType<typeof machineCpu>; at: number } | null = null;
  const result = await nextMessage(load, 'requests', (WARMUP + DURATION) * 1000 + 60_000, (m) => {
    if (m.measuring) before = { server: procCpuSeconds(serverPid), load: procCpuSeconds(load.pid!), pg: pgCpu(), machine: machineCpu(), at: performance.now() };
  });
  const after = { server: procCpuSeconds(serverPid), load: procCpuSeconds(load.pid!), pg: pgCpu(), machine: machineCpu(), at: performance.now() };
  await stopChild(load);
  const b = before as typeof after | null;
  const wall = b ? (after.at - b.at) / 1000 : NaN;
  const pct = (x: number | null, y: number | null) => (x !== null && y !== null && b ? Math.round(((x - y) / wall) * 1000) / 10 : null);
  const machinePct = b?.machine && after.machine ? Math.round(((after.machine.busy - b.machine.busy) / (after.machine.total - b.machine.total)) * 1000) / 10 : null;
  const serverCpu = b && after.server !== null && b.server !== null ? after.server - b.server : null;
  const pgCpuUsed = b && after.pg !== null && b.pg !== null ? after.pg - b.pg : null;
  return {
    database, rls: mode, scenario: scenario.name, label: scenario.label, ...result,
    cpu: { serverPct: pct(after.server, b?.server ?? null), postgresPct: pct(after.pg, b?.pg ?? null), loadPct: pct(after.load, b?.load ?? null), machinePct },
    serverCpuUsPerRequest: serverCpu !== null && result.requests > 0 ? Math.round((serverCpu / result.requests) * 1e6) : null,
    postgresCpuUsPerRequest: pgCpuUsed !== null && result.requests > 0 ? Math.round((pgCpuUsed / result.requests) * 1e6) : null,
  };
}

async function benchDatabase(database: Db, results: ScenarioResult[], servers: ServerRun[], machine: Record<string, unknown>): Promise<void> {
  const dbArgs: string[] = [];
  let dropDatabase: (() => Promise<void>) | null = null;
  if (database === 'pglite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'tenantproof-bench-pglite-'));
    dbArgs.push('--data-dir', dir);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    dropDatabase = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const target = await ensurePostgres();
    if (target.started && !flags['keep-postgres'] && target.dataDir) {
      const dataDir = target.dataDir;
      cleanups.push(() => stopPostgres(dataDir));
    }
    const name = `tenantproof_bench_${process.pid}_${Date.now()}`;
    await adminQuery(target.adminUrl, `CREATE DATABASE ${name}`);
    dropDatabase = async () => { await adminQuery(target.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); };
    cleanups.push(dropDatabase);
    const url = new URL(target.adminUrl);
    url.pathname = `/${name}`;
    dbArgs.push('--database-url', url.toString());
    postmasterPid = null;
    if (target.dataDir) {
      try { postmasterPid = Number(readFileSync(join(target.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]); } catch { /* not readable: count every postgres process */ }
    }
    machine.postgres = (await adminQuery<{ v: string }>(target.adminUrl, 'SELECT version() AS v'))[0]?.v;
    const settings = await adminQuery<{ name: string; setting: string }>(target.adminUrl,
      `SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'fsync', 'synchronous_commit', 'max_connections')`);
    machine.postgresSettings = Object.fromEntries(settings.map((s) => [s.name, s.setting]));
  }

  console.log(`[${database}] migrating and seeding 2 organizations ...`);
  const seeder = startNode('server.ts', ['--seed', ...dbArgs]);
  const seeded: Seeded = await nextMessage(seeder, 'seeded', 600_000);
  await stopChild(seeder);
  console.log(`[${database}] seeded in ${(seeded.seedMs / 1000).toFixed(1)} s: per org ${JSON.stringify(seeded.org1.counts)}`);

  // Round 1 runs RLS on then off, round 2 off then on, ...: drift (caches, other load) does not favour one mode.
  const order = Array.from({ length: ROUNDS }, (_, i) => (i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)).map((mode) => ({ round: i + 1, mode })));
  for (const { round, mode } of order.flat()) {
    const server = startNode('server.ts', ['--rls', mode, '--pool', String(POOL), ...dbArgs]);
    const ready = await nextMessage(server, 'ready', 120_000);
    if (database === 'pglite') machine.pglite = `PGlite (PostgreSQL ${ready.serverVersion})`;
    const base = `http://127.0.0.1:${ready.port}`;

    // Each scenario answers correctly before it is loaded.
    for (const s of SCENARIOS) {
      const r = await get(base, s.path(seeded), s.token(seeded));
      const problem = r.status !== 200 ? `HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}` : s.check(r.body, seeded);
      if (problem) throw new Error(`[${database}, RLS ${mode}] ${s.label}: ${problem}`);
    }
    // The switch is real: with RLS on, another org's system and another tenant are invisible (404); off, visible.
    const isolation = {
      otherOrgSystem: (await get(base, `/api/systems/${seeded.org2.systemId}`, seeded.org1.engineerToken)).status,
      otherTenantForViewer: (await get(base, `/api/tenants/${seeded.org1.otherTenantId}`, seeded.org1.viewerToken)).status,
    };
    const expected = mode === 'on' ? 404 : 200;
    if (isolation.otherOrgSystem !== expected || isolation.otherTenantForViewer !== expected) {
      throw new Error(`[${database}, RLS ${mode}] isolation probe: expected ${expected}, got ${JSON.stringify(isolation)}`);
    }

    for (const s of RUN_SCENARIOS) {
      process.stdout.write(`[${database}]${ROUNDS > 1 ? ` round ${round}` : ''} RLS ${mode.padEnd(3)} ${s.label.padEnd(40)} `);
      const r = { ...(await runScenario(database, mode, ready.pid, base, seeded, s)), round };
      results.push(r);
      console.log(`${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  CPU: server ${r.cpu.serverPct}%${r.cpu.postgresPct !== null ? ` postgres ${r.cpu.postgresPct}%` : ''} load ${r.cpu.loadPct}% (100% = 1 core); machine ${r.cpu.machinePct}% busy`);
    }
    const peakKb = procStatusKb(ready.pid, 'VmHWM');
    servers.push({ database, rls: mode, round, peakRssMb: peakKb === null ? null : Math.round(peakKb / 1024), rlsState: ready.rls, isolation });
    await stopChild(server);
  }
  await dropDatabase?.();
}

// ---------------------------------------------------------------------------------------------- report

function table(headers: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (rightAlign[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** One (database, RLS mode, scenario) over all rounds: medians, and the spread of req/s. */
interface Summary {
  database: Db;
  rls: Mode;
  scenario: string;
  label: string;
  rounds: number;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
  serverCpuUsPerRequest: number | null;
  postgresCpuUsPerRequest: number | null;
  machineBusyPct: number | null;
  serverPeakRssMb: number | null;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}
function medianOrNull(values: Array<number | null>): number | null {
  const v = values.filter((x): x is number => x !== null);
  return v.length ? Math.round(median(v)) : null;
}

function summarize(results: ScenarioResult[], servers: ServerRun[]): Summary[] {
  const out: Summary[] = [];
  for (const r of results) {
    if (out.some((o) => o.database === r.database && o.rls === r.rls && o.scenario === r.scenario)) continue;
    const all = results.filter((x) => x.database === r.database && x.rls === r.rls && x.scenario === r.scenario);
    const peaks = servers.filter((s) => s.database === r.database && s.rls === r.rls).map((s) => s.peakRssMb).filter((x): x is number => x !== null);
    out.push({
      database: r.database, rls: r.rls, scenario: r.scenario, label: r.label, rounds: all.length,
      rps: median(all.map((x) => x.rps)), rpsMin: Math.min(...all.map((x) => x.rps)), rpsMax: Math.max(...all.map((x) => x.rps)),
      p50Ms: median(all.map((x) => x.latencyMs.p50)), p99Ms: median(all.map((x) => x.latencyMs.p99)),
      requests: all.reduce((a, x) => a + x.requests, 0),
      failures: all.reduce((a, x) => a + x.errors + x.timeouts + x.non2xx, 0),
      serverCpuUsPerRequest: medianOrNull(all.map((x) => x.serverCpuUsPerRequest)),
      postgresCpuUsPerRequest: medianOrNull(all.map((x) => x.postgresCpuUsPerRequest)),
      machineBusyPct: medianOrNull(all.map((x) => x.cpu.machinePct)),
      serverPeakRssMb: peaks.length ? Math.max(...peaks) : null,
    });
  }
  return out;
}

function report(results: ScenarioResult[], servers: ServerRun[], machine: Record<string, unknown>): { summary: Summary[]; overhead: any[]; goals: any } {
  const fmt = (v: number, d = 2) => v.toFixed(d);
  console.log(`\nMachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB RAM, ${machine.os}, Node ${machine.node}`);
  if (machine.postgres) console.log(`PostgreSQL: ${machine.postgres} ${JSON.stringify(machine.postgresSettings)}`);
  if (machine.pglite) console.log(`PGlite: ${machine.pglite}`);
  console.log(`Load: autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured per scenario, cap ${MAX_REQUESTS} requests, ${ROUNDS} round(s); pool ${POOL}; load average at start ${machine.loadAverage}\n`);
  const summary = summarize(results, servers);
  const many = ROUNDS > 1;
  console.log(table(
    ['database', 'RLS', 'scenario', 'req/s', ...(many ? ['req/s min–max'] : []), 'p50 ms', 'p99 ms', 'errors/non-2xx', 'CPU µs/req server', 'CPU µs/req postgres', 'machine busy %', 'server peak RSS MB'],
    summary.map((r) => [r.database, r.rls, r.label, Math.round(r.rps).toString(), ...(many ? [`${Math.round(r.rpsMin)}–${Math.round(r.rpsMax)}`] : []),
      fmt(r.p50Ms), fmt(r.p99Ms), String(r.failures), String(r.serverCpuUsPerRequest ?? '?'),
      r.postgresCpuUsPerRequest === null ? '-' : String(r.postgresCpuUsPerRequest), String(r.machineBusyPct ?? '?'), String(r.serverPeakRssMb ?? '?')]),
    [false, false, false, true, ...(many ? [true] : []), true, true, true, true, true, true, true],
  ));
  if (many) console.log('(medians over the rounds; errors/non-2xx summed)');
  const overhead: any[] = [];
  for (const r of summary.filter((x) => x.rls === 'on')) {
    const off = summary.find((x) => x.rls === 'off' && x.database === r.database && x.scenario === r.scenario);
    if (!off) continue;
    overhead.push({
      database: r.database, scenario: r.scenario, label: r.label, rpsOn: r.rps, rpsOff: off.rps,
      overheadPct: ((off.rps - r.rps) / off.rps) * 100, p50On: r.p50Ms, p50Off: off.p50Ms,
    });
  }
  if (overhead.length) {
    console.log('\nRLS overhead = (req/s off − req/s on) / req/s off\n');
    console.log(table(['database', 'scenario', 'req/s RLS on', 'req/s RLS off', 'overhead %', 'p50 on/off ms'],
      overhead.map((o) => [o.database, o.label, Math.round(o.rpsOn).toString(), Math.round(o.rpsOff).toString(), fmt(o.overheadPct, 1), `${fmt(o.p50On)} / ${fmt(o.p50Off)}`]),
      [false, false, true, true, true, true]));
  }
  const single = summary.find((r) => r.database === 'postgres' && r.rls === 'on' && r.scenario === 'get-system');
  const worst = overhead.filter((o) => o.database === 'postgres').reduce((m, o) => Math.max(m, o.overheadPct), -Infinity);
  const goals = {
    postgresSingleReadRps: single ? Math.round(single.rps) : null,
    postgresSingleReadGoal: 3000,
    postgresSingleReadMet: single ? single.rps >= 3000 : null,
    postgresWorstOverheadPct: Number.isFinite(worst) ? Math.round(worst * 10) / 10 : null,
    postgresOverheadGoalPct: 10,
    postgresOverheadMet: Number.isFinite(worst) ? worst <= 10 : null,
  };
  if (single) {
    console.log(`\nGoal (PostgreSQL, RLS on): single read >= 3000 req/s: ${Math.round(single.rps)} req/s -> ${goals.postgresSingleReadMet ? 'MET' : 'NOT MET'}`);
    console.log(`Goal (PostgreSQL): RLS overhead <= 10% in every scenario: worst ${goals.postgresWorstOverheadPct}% -> ${goals.postgresOverheadMet ? 'MET' : 'NOT MET'}`);
    if (!many) console.log('(single runs vary by about ±10% on this machine; --rounds 3 reports medians of alternating runs)');
  }
  return { summary, overhead, goals };
}

// ---------------------------------------------------------------------------------------------- main

const machine: Record<string, unknown> = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? '?',
  memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  loadAverage: os.loadavg().map((v) => v.toFixed(2)).join(' '),
};
const results: ScenarioResult[] = [];
const servers: ServerRun[] = [];
const started = Date.now();
try {
  for (const database of DATABASES) await benchDatabase(database, results, servers, machine);
} catch (error) {
  console.error(`\nbench:api failed: ${(error as Error).stack ?? String(error)}`);
  await cleanupAndExit(1);
}
const { summary, overhead, goals } = report(results, servers, machine);
const failures = results.filter((r) => r.errors + r.timeouts + r.non2xx > 0);
mkdirSync(dirname(flags.out!), { recursive: true });
writeFileSync(flags.out!, `${JSON.stringify({
  at: new Date().toISOString(), machine,
  settings: { connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: DURATION, maxRequests: MAX_REQUESTS, pgPoolSize: POOL, rounds: ROUNDS },
  summary, overhead, goals, results, servers, totalSeconds: Math.round((Date.now() - started) / 1000),
}, null, 2)}\n`);
console.log(`\nResults written to ${flags.out} (total ${Math.round((Date.now() - started) / 1000)} s).`);
if (failures.length) {
  console.error(`\nFAILED: ${failures.length} scenario(s) had errors or non-2xx answers: ${failures.map((f) => `${f.database}/RLS ${f.rls}/${f.scenario} ${JSON.stringify(f.statusCodes)} errors=${f.errors} timeouts=${f.timeouts}`).join('; ')}`);
  await cleanupAndExit(1);
}
await cleanupAndExit(0);
