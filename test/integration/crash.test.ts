import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { findOrg } from '../../src/services/provisioning.js';
import { openDatabase, withContext } from '../../src/store/database.js';
import { unique } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';

/**
 * Crash: the server is killed with SIGKILL while a client ingests in batches. After a restart every batch that
 * was acknowledged is there, the batch in flight is there whole or not at all, sending it again adds nothing
 * twice, and the ledger verifies. A real server process on the embedded database (or on PostgreSQL when the
 * suite runs against it).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ORG = 'northwind-msp';
const BATCH = 500;

describe('crash while ingesting', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | null = null;
  const source = unique('crash');

  const cli = (args: string[]) => new Promise<string>((resolve, reject) => {
    execFile(NODE, [CLI_MAIN, ...args], { env, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(stdout)));
  });

  /** Start `tenantproof serve` on a free port and wait until it says where it listens. */
  const start = () => new Promise<string>((resolve, reject) => {
    // node itself runs the server (tsx only as a loader), so SIGKILL reaches the process that holds the data
    const child = spawn(NODE, [CLI_MAIN, 'serve'], { env: { ...env, PORT: '0' }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/[^\s]+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); if (!/running at/.test(out)) reject(new Error(`the server exited (${code}): ${out}`)); });
  });
  const stop = async (signal: NodeJS.Signals) => {
    const child = server;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    server = null;
  };

  const events = (batch: number) => Array.from({ length: BATCH }, (_, i) => ({
    time: new Date(Date.now() - 60_000).toISOString(), source, sourceEventId: `${batch}-${i}`, tenant: 'brightwater-insurance',
    actor: `tech${i % 5}@northwind.example`, actorType: 'internal', action: 'admin-action', outcome: 'success', details: { batch, i },
  }));
  const post = (base: string, token: string, batch: number) => fetch(`${base}/api/events`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(events(batch)),
  });
  /** Every sourceEventId of this run that the server lists, with how often. */
  const stored = async (base: string, token: string) => {
    const seen = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const url = `${base}/api/events?source=${source}&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
      const page: any = await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json();
      for (const e of page.items) seen.set(e.sourceEventId, (seen.get(e.sourceEventId) ?? 0) + 1);
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tenantproof-crash-'));
    env = { ...process.env, TENANTPROOF_DATA: dataDir, LOG_LEVEL: 'warn', TENANTPROOF_MODE: 'development', HOST: '127.0.0.1' };
    delete env.DATABASE_URL;
    if (process.env.TEST_DATABASE_URL) env.DATABASE_URL = process.env.TEST_DATABASE_URL;
    await cli(['demo']);
  }, 120_000);
  afterAll(async () => {
    await stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged batch, and the batch in flight whole or not at all', async () => {
    const token = (await cli(['token', 'create', '--org', ORG, '--email', 'engineer@northwind.example', '--name', 'crash-test'])).trim();
    let base = await start();
    const acknowledged: number[] = [];
    for (let b = 0; b < 4; b++) {
      const res = await post(base, token, b);
      expect(res.status).toBe(200);
      expect((await res.json()).accepted).toBe(BATCH);
      acknowledged.push(b);
    }
    // batch 4 is in flight when the server dies
    const inFlight = post(base, token, 4).then((r) => r.status, () => 'connection lost');
    await new Promise((r) => setTimeout(r, 30));
    await stop('SIGKILL');
    const outcome = await inFlight;

    base = await start();
    const seen = await stored(base, token);
    for (const b of acknowledged) {
      for (let i = 0; i < BATCH; i++) expect(seen.get(`${b}-${i}`), `event ${b}-${i} was acknowledged`).toBe(1);
    }
    const ofInFlight = [...seen.keys()].filter((k) => k.startsWith('4-')).length;
    expect([0, BATCH], `batch 4 (${String(outcome)}) is all or nothing`).toContain(ofInFlight);
    if (outcome === 200) expect(ofInFlight).toBe(BATCH);

    // the client sends the unacknowledged batch again: nothing is stored twice
    const again = await post(base, token, 4);
    expect(again.status).toBe(200);
    const report = await again.json();
    expect(report.accepted + report.duplicates).toBe(BATCH);
    const after = await stored(base, token);
    expect(after.size).toBe(5 * BATCH);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    await stop('SIGTERM');
    expect(server).toBeNull();

    // and the ledger verifies from scratch
    const database = await openDatabase(loadConfig(env));
    try {
      const org = (await findOrg(database.db, ORG))!;
      const v = await withContext(database.db, { orgId: org.orgId, tenantId: null, userId: null }, (trx) => verifyLedger(trx, org.orgId));
      expect(v).toMatchObject({ ok: true, problem: null });
      expect(v.entriesChecked).toBeGreaterThanOrEqual(5 * BATCH);
    } finally {
      await database.close();
    }
  }, 180_000);
});
