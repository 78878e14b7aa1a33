import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendEntries, type LedgerEntryInput } from '../../src/ledger/tree-store.js';
import { LedgerVerificationRunner } from '../../src/services/ledger-verification.js';
import { operatorActor } from '../../src/services/provisioning.js';
import { withContext } from '../../src/store/database.js';
import { CLI_MAIN, NODE, VERIFY_WORKER } from '../support/cli.js';
import { as, DB_KIND, seedOrg, startHarness, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * Verifications of the whole ledger in the background (POST/GET /api/ledger/verifications), on the embedded
 * database and on PostgreSQL. Runs read 64 entries a batch here, and a gate can hold a run between two batches.
 */

const entry = (i: number): LedgerEntryInput => ({
  kind: 'change', at: new Date(1_700_000_000_000 + i * 1000).toISOString(), tenantId: null, action: 'update',
  objectType: 'system', objectId: randomUUID(), actor: 'tester', summary: `change ${i}`, details: { i },
});

/** Open connections to the test database (PostgreSQL) with this application_name. */
async function connectionsNamed(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [name]);
    return Number(r.rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Holds every run after its first batch until `release` (when armed). */
class Gate {
  #armed = false;
  #reached: (() => void) | null = null;
  #open: Promise<void> = Promise.resolve();
  #release: () => void = () => undefined;
  reached: Promise<void> = Promise.resolve();

  arm(): void {
    this.#armed = true;
    this.reached = new Promise((resolve) => { this.#reached = resolve; });
    this.#open = new Promise((resolve) => { this.#release = resolve; });
  }

  release(): void {
    this.#armed = false;
    this.#release();
  }

  async pass(done: number): Promise<void> {
    if (!this.#armed || done !== 64) return;
    this.#reached?.();
    await this.#open;
  }
}

describe('ledger verifications in the background', () => {
  const gate = new Gate();
  let h: Harness;
  let s: SeededOrg;
  const owner = () => s.tokens.owner!;
  const post = (token = owner()) => as(h, token, { method: 'POST', url: '/api/ledger/verifications' });
  const get = (url: string, token = owner()) => as(h, token, { method: 'GET', url });
  const ctx = () => ({ orgId: s.org.orgId, tenantId: null, userId: null });
  const entriesAbout = async (id: string) => withContext(h.database.db, ctx(), async (trx) =>
    (await sql<{ action: string; summary: string }>`SELECT action, summary FROM ledger_entries WHERE object_type = 'ledger-verification' AND object_id = ${id} ORDER BY idx`.execute(trx)).rows);
  const tamper = (statement: string) => h.database.ownerScript(statement.replaceAll(':org', `'${s.org.orgId}'`));

  beforeAll(async () => {
    h = await startHarness({}, { verifications: { batchSize: 64, onBatch: (_id, done) => gate.pass(done) } });
  });
  beforeEach(async () => {
    s = await seedOrg(h, 'verifications');
    // enough entries for several batches of 64
    await withContext(h.database.db, ctx(), (trx) => appendEntries(trx, s.org.orgId, Array.from({ length: 150 }, (_, i) => entry(i))));
  });
  afterEach(() => gate.release()); // a failed test must not leave a run held
  afterAll(async () => { await h.close(); });

  it('starts a run that answers at once, shows its progress, keeps the server answering, and records its result with two ledger entries', async () => {
    gate.arm();
    const started = await post();
    expect(started.statusCode).toBe(202);
    const run = started.json();
    expect(started.headers.location).toBe(`/api/ledger/verifications/${run.id}`);
    expect(run).toMatchObject({ status: 'running', finishedAt: null, problem: null, error: null });
    const size = run.treeSize as number;
    expect(size).toBeGreaterThan(150);
    await gate.reached;

    // held between two batches: its progress is visible, a second start returns the same run, other requests are served
    const during = (await get(`/api/ledger/verifications/${run.id}`)).json();
    expect(during).toMatchObject({ id: run.id, status: 'running', entriesChecked: 64, treeSize: size });
    const again = await post();
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(run.id);
    expect((await get('/api/systems?limit=5')).statusCode).toBe(200);
    if (DB_KIND === 'postgres') {
      // on PostgreSQL the run reads through a worker thread's own connections, not the server's (held in there)
      expect(await connectionsNamed('tenantproof ledger verification')).toBeGreaterThan(0);
    }

    gate.release();
    await h.verifications.settled(run.id);
    const done = (await get(`/api/ledger/verifications/${run.id}`)).json();
    expect(done).toMatchObject({ status: 'passed', treeSize: size, entriesChecked: size, entriesExpired: 0, problem: null, error: null });
    expect(done.checkpointsChecked).toBeGreaterThanOrEqual(0);
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));

    const recorded = await entriesAbout(run.id);
    expect(recorded.map((e) => e.action)).toEqual(['create', 'update']);
    expect(recorded[0]!.summary).toBe(`Started a verification of the whole ledger (${size} entries, this one included)`);
    expect(recorded[1]!.summary).toMatch(new RegExp(`^Ledger verified: ${size} entries \\(0 expired by retention\\) and \\d+ checkpoints? recompute, nothing altered$`));

    const list = (await get('/api/ledger/verifications?limit=1')).json();
    expect(list.items[0].id).toBe(run.id);
    expect(list.total).toBe(2); // the seed's run and this one
  });

  it('a run over a tampered ledger fails, naming the first place that does not match, and says so in the ledger', async () => {
    await tamper(`UPDATE ledger_entries SET payload = replace(payload, '"change 40"', '"chanGe 40"') WHERE org_id = :org AND summary = 'change 40'`);
    const index = await withContext(h.database.db, ctx(), async (trx) =>
      Number((await sql<{ idx: string }>`SELECT idx FROM ledger_entries WHERE summary = 'change 40'`.execute(trx)).rows[0]!.idx));
    const run = (await post()).json();
    await h.verifications.settled(run.id);
    const done = (await get(`/api/ledger/verifications/${run.id}`)).json();
    expect(done).toMatchObject({ status: 'failed', entriesChecked: index, problem: { kind: 'entry', at: String(index) } });
    expect(done.problem.message).toMatch(/does not match its leaf hash/);
    expect((await entriesAbout(run.id))[1]!.summary).toMatch(new RegExp(`^Ledger verification FAILED at entry ${index}: `));
  });

  it('serves a run whose server stopped answering as interrupted, and a new start records it so and runs', async () => {
    const orphan = randomUUID();
    await tamper(`INSERT INTO ledger_verifications (org_id, id, requested_by, started_at, heartbeat_at, tree_size, entries_checked)
      VALUES (:org, '${orphan}', 'gone@example.test', now() - interval '10 minutes', now() - interval '5 minutes', 100, 64)`);
    const stale = (await get(`/api/ledger/verifications/${orphan}`)).json();
    expect(stale).toMatchObject({ status: 'interrupted', finishedAt: null, entriesChecked: 64 });
    expect(stale.error).toMatch(/^no progress since .*: the server running it stopped$/);

    const started = await post();
    expect(started.statusCode).toBe(202);
    expect(started.json().id).not.toBe(orphan);
    await h.verifications.settled(started.json().id);
    const ended = (await get(`/api/ledger/verifications/${orphan}`)).json();
    expect(ended.status).toBe('interrupted');
    expect(ended.finishedAt).not.toBeNull();
    expect((await entriesAbout(orphan)).map((e) => e.summary)).toEqual([expect.stringMatching(/^Ledger verification interrupted after 64 of 100 entries: no progress since /)]);
    expect((await get(`/api/ledger/verifications/${started.json().id}`)).json().status).toBe('passed');
  });

  it('pages runs newest first, and refuses a cursor or an id it did not make', async () => {
    for (let i = 0; i < 2; i++) {
      const run = (await post()).json();
      await h.verifications.settled(run.id);
    }
    const first = (await get('/api/ledger/verifications?limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(3);
    const second = (await get(`/api/ledger/verifications?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((r: any) => r.id)).toEqual([s.ids.verification]);
    expect(second.nextCursor).toBeNull();
    expect(Date.parse(first.items[0].startedAt)).toBeGreaterThanOrEqual(Date.parse(first.items[1].startedAt));

    const madeUp = Buffer.from(JSON.stringify(['verifications', randomUUID()])).toString('base64url');
    for (const cursor of ['nonsense', madeUp]) {
      const r = await get(`/api/ledger/verifications?cursor=${cursor}`);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
    }
    const bad = await get('/api/ledger/verifications/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'validation_failed' });
    expect(bad.json().field).toMatch(/id/);
    const missing = await get(`/api/ledger/verifications/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
  });

  it('a tenant-viewer can neither start nor read runs; an auditor can', async () => {
    for (const r of [await post(s.tokens.viewerA!), await get('/api/ledger/verifications', s.tokens.viewerA!), await get(`/api/ledger/verifications/${s.ids.verification}`, s.tokens.viewerA!)]) {
      expect(r.statusCode).toBe(403);
    }
    const byAuditor = await post(s.tokens.auditor!);
    expect(byAuditor.statusCode).toBe(202);
    await h.verifications.settled(byAuditor.json().id);
    expect((await get(`/api/ledger/verifications/${byAuditor.json().id}`, s.tokens.auditor!)).json().status).toBe('passed');
  });
});

describe('stopping the server during a run', () => {
  it('interrupts the run between two batches, records it, and refuses new runs', async () => {
    const gate = new Gate();
    const h = await startHarness({}, { verifications: { batchSize: 64, onBatch: (_id, done) => gate.pass(done) } });
    try {
      const s = await seedOrg(h, 'stopping');
      await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) => appendEntries(trx, s.org.orgId, Array.from({ length: 150 }, (_, i) => entry(i))));
      gate.arm();
      const { run } = await h.verifications.start(operatorActor(s.org.orgId));
      await gate.reached;
      const stopping = h.verifications.stop();
      gate.release();
      await stopping;
      expect(h.verifications.active).toBe(0);
      const ended = await h.verifications.get(operatorActor(s.org.orgId), run.id);
      expect(ended).toMatchObject({ status: 'interrupted', entriesChecked: 64, error: 'the server was stopped during the run' });
      await expect(h.verifications.start(operatorActor(s.org.orgId))).rejects.toMatchObject({ code: 'shutting_down', status: 503 });
    } finally {
      gate.release();
      await h.close();
    }
  });
});

describe.skipIf(DB_KIND !== 'postgres')('the worker thread of a run (PostgreSQL)', () => {
  it('a worker that cannot reach the database ends its run as error, recorded with the reason', async () => {
    const h = await startHarness();
    try {
      const s = await seedOrg(h, 'worker-error');
      const unreachable = new LedgerVerificationRunner(h.database.db, { workerDatabaseUrl: 'postgres://postgres@127.0.0.1:9/nowhere', workerEntry: VERIFY_WORKER });
      const { run } = await unreachable.start(operatorActor(s.org.orgId));
      await unreachable.settled(run.id);
      const ended = await unreachable.get(operatorActor(s.org.orgId), run.id);
      expect(ended).toMatchObject({ status: 'error', entriesChecked: 0, problem: null });
      expect(ended.error).toMatch(/ECONNREFUSED/);
      expect(ended.finishedAt).not.toBeNull();
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(DB_KIND !== 'postgres')('tenantproof verify from the command line (PostgreSQL: the CLI and the test share the database)', () => {
  it('records its run like the web app\u2019s, and Ctrl-C interrupts it between two batches and records that', async () => {
    const h = await startHarness();
    try {
      const s = await seedOrg(h, 'cli-verify');
      const ctx = { orgId: s.org.orgId, tenantId: null, userId: null };
      // enough entries that the run takes a second or more (~50,000 entries/s), in batches of 2,048
      for (let from = 0; from < 100_000; from += 10_000) {
        await withContext(h.database.db, ctx, (trx) => appendEntries(trx, s.org.orgId, Array.from({ length: 10_000 }, (_, i) => entry(from + i))));
      }
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL, LOG_LEVEL: 'silent', TENANTPROOF_MODE: 'development' };
      const child = spawn(NODE, [CLI_MAIN, 'verify', '--org', s.org.slug], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

      // wait until the run has written its first progress, then interrupt it
      const progress = () => h.verifications.list(operatorActor(s.org.orgId), { limit: 1 }).then((l) => l.items[0]!);
      const deadline = Date.now() + 60_000;
      let running = await progress();
      while (!(running.requestedBy === 'operator (CLI)' && running.status === 'running' && running.entriesChecked > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        running = await progress();
      }
      expect(running, stderr).toMatchObject({ status: 'running', requestedBy: 'operator (CLI)' });
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(2);

      const ended = await h.verifications.get(operatorActor(s.org.orgId), running.id);
      expect(ended).toMatchObject({ status: 'interrupted', error: 'tenantproof verify was interrupted (SIGINT)' });
      expect(ended.finishedAt).not.toBeNull();
      expect(ended.entriesChecked).toBeGreaterThan(0);
      expect(ended.entriesChecked).toBeLessThan(ended.treeSize);
      expect(stdout).toBe(`${s.org.slug}: interrupted after ${ended.entriesChecked} of ${ended.treeSize} entries (recorded as verification ${running.id})\n`);
    } finally {
      await h.close();
    }
  }, 180_000);
});
