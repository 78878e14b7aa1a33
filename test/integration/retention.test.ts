import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../src/ledger/checkpoints.js';
import { inclusionProof, verifyInclusion } from '../../src/ledger/merkle.js';
import { rangeHashes } from '../../src/ledger/tree-store.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { startRetentionTimer } from '../../src/services/retention-timer.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * Retention deletes payloads past their period but keeps leaf hashes: proofs issued before the sweep still
 * verify, `verify` reports the entries as expired (not tampered), and a legal hold suspends deletion.
 */
describe('retention and legal holds', () => {
  let h: Harness;
  let s: SeededOrg;
  const masterKey = randomBytes(32);
  const DAY = 86_400_000;
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const api = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, token = s.tokens['isms-manager']) =>
    as(h, token, { method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const inOrg = <T>(fn: Parameters<typeof withContext<T>>[2]) => withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, fn);
  const entry = (index: number) => inOrg((trx) => trx.selectFrom('ledger_entries').selectAll().where('idx', '=', index).executeTakeFirstOrThrow());
  const event = (over: Record<string, unknown>) => ({
    time: ago(1), source: 'rmm', sourceEventId: unique('e'), tenant: 'tenant-a', actor: 'alice@provider.example', actorType: 'internal',
    action: 'data-access', target: 'dedicated-a', outcome: 'success', ...over,
  });
  const index: Record<string, number> = {};

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'retention');
    const batch = [
      event({ action: 'data-access', tenant: 'tenant-b', target: 'dedicated-b', time: ago(400), actor: 'old-b@provider.example' }),
      event({ action: 'restore', tenant: 'tenant-a', time: ago(400), actor: 'old-a@provider.example' }),
      event({ action: 'data-access', tenant: 'tenant-b', target: 'dedicated-b', time: ago(2), actor: 'recent@provider.example' }),
      event({ action: 'export', tenant: 'tenant-b', target: 'dedicated-b', time: ago(400), actor: 'export@provider.example' }),
    ];
    const report = (await as(h, s.tokens.engineer, { method: 'POST', url: '/api/events', payload: batch })).json();
    expect(report.accepted).toBe(4);
    [index.oldB, index.oldA, index.recent, index.exportOld] = report.results.map((r: any) => r.index as number);
    // the seed places an incident hold with no tenant and no window, which covers everything: release it
    expect((await api('POST', `/api/retention/holds/${s.ids.hold}/release`)).statusCode).toBe(200);
  });
  afterAll(async () => { await h?.close(); });

  it('refuses policies and holds that are not well formed, naming the field', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['PUT', '/api/retention/policies/data-access', { retentionDays: 30, rationale: '   ' }, 400, 'rationale'],
      ['PUT', '/api/retention/policies/data-access', { retentionDays: 0, rationale: 'x' }, 400, 'retentionDays'],
      ['PUT', '/api/retention/policies/data-access', { retentionDays: 30 }, 400, 'rationale'],
      ['PUT', '/api/retention/policies/gossip', { retentionDays: 30, rationale: 'x' }, 400, 'actionClass'],
      ['POST', '/api/retention/holds', { reason: 'no scope' }, 400, 'tenantId'],
      ['POST', '/api/retention/holds', { incidentReference: 'INC-9', reason: 'x', coversFrom: ago(1), coversTo: ago(2) }, 422, 'coversTo'],
      ['POST', '/api/retention/holds', { tenantId: '5b0f3f0e-8d1a-4c43-9a36-2f0f6f1b7c11', reason: 'x' }, 422, 'tenantId'],
    ];
    for (const [method, url, body, status, field] of cases) {
      const res = await api(method as 'PUT', url, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json().field).toBe(field);
    }
    expect((await api('DELETE', '/api/retention/policies/export')).statusCode).toBe(404);
  });

  it('only owners and ISMS managers change retention; auditors read it; tenant-viewers see nothing', async () => {
    expect((await api('PUT', '/api/retention/policies/export', { retentionDays: 30, rationale: 'x' }, s.tokens.auditor)).statusCode).toBe(403);
    expect((await api('POST', '/api/retention/sweep', undefined, s.tokens.engineer)).statusCode).toBe(403);
    expect((await api('GET', '/api/retention', undefined, s.tokens.auditor)).statusCode).toBe(200);
    expect((await api('GET', '/api/retention', undefined, s.tokens.viewerA)).statusCode).toBe(403);
  });

  it('a sweep expires payloads past retention, except under a legal hold; earlier proofs still verify', async () => {
    // a checkpoint and an inclusion proof for the entry that will expire, issued before the sweep
    const { checkpoint, proof, leaf } = await inOrg(async (trx) => {
      const checkpoint = await signCheckpoint(trx, s.org.orgId, masterKey);
      const proof = await rangeHashes(trx, s.org.orgId, inclusionProof(index.oldB!, checkpoint.treeSize));
      const [leaf] = await rangeHashes(trx, s.org.orgId, [[index.oldB!, index.oldB! + 1]]);
      return { checkpoint, proof, leaf: leaf! };
    });

    for (const [cls, days] of [['data-access', 90], ['restore', 90], ['change', 3650]] as const) {
      const set = await api('PUT', `/api/retention/policies/${cls}`, { retentionDays: days, rationale: `Keep ${cls} for ${days} days: forensic value against storage limitation.` });
      expect(set.statusCode, set.body).toBe(200);
    }
    const hold = await api('POST', '/api/retention/holds', { tenantId: s.ids.tenantA, reason: 'Customer dispute: keep everything of tenant A.' });
    expect(hold.statusCode, hold.body).toBe(201);

    const sweep = await api('POST', '/api/retention/sweep');
    expect(sweep.statusCode, sweep.body).toBe(200);
    expect(sweep.json()).toMatchObject({ expired: { 'data-access': 1 }, total: 1 });

    const oldB = await entry(index.oldB!);
    expect(oldB).toMatchObject({ payload: null, salt: null, actor: '', summary: '' });
    expect(oldB.expired_at).not.toBeNull();
    expect((await entry(index.oldA!)).payload).not.toBeNull(); // held
    expect((await entry(index.recent!)).payload).not.toBeNull(); // within 90 days
    expect((await entry(index.exportOld!)).payload).not.toBeNull(); // no policy for export: kept for ever

    // the proof issued before the sweep still verifies against the checkpoint signed before it
    expect(verifyInclusion({ index: index.oldB!, treeSize: checkpoint.treeSize, leafHash: leaf, root: Buffer.from(checkpoint.rootHash, 'hex'), proof })).toBe(true);
    const after = await inOrg((trx) => rangeHashes(trx, s.org.orgId, inclusionProof(index.oldB!, checkpoint.treeSize)));
    expect(after.map((b) => b.toString('hex'))).toEqual(proof.map((b) => b.toString('hex')));

    // verify: expired, not tampered
    const v = await inOrg((trx) => verifyLedger(trx, s.org.orgId));
    expect(v).toMatchObject({ ok: true, problem: null, entriesExpired: 1, checkpointsChecked: 1 });

    // the event is still listed, marked expired, without its personal data
    const listed = (await api('GET', '/api/events?tenant=tenant-b&action=data-access&limit=500', undefined, s.tokens.auditor)).json().items;
    expect(listed.find((e: any) => e.index === index.oldB)).toMatchObject({ expired: true, details: null, actor: '' });

    // released: the next sweep expires tenant A's old entry too, and records itself in the ledger
    const released = await api('POST', `/api/retention/holds/${hold.json().id}/release`);
    expect(released.statusCode).toBe(200);
    expect(released.json().releasedAt).not.toBeNull();
    expect((await api('POST', `/api/retention/holds/${hold.json().id}/release`)).statusCode).toBe(409);
    const second = (await api('POST', '/api/retention/sweep')).json();
    expect(second).toMatchObject({ expired: { restore: 1 }, total: 1 });
    expect((await entry(index.oldA!)).payload).toBeNull();
    const last = await inOrg((trx) => trx.selectFrom('ledger_entries').selectAll().orderBy('idx', 'desc').limit(1).executeTakeFirstOrThrow());
    expect(last).toMatchObject({ kind: 'change', action: 'sweep' });
    expect((await inOrg((trx) => verifyLedger(trx, s.org.orgId))).entriesExpired).toBe(2);
  });

  it('an incident hold with a window protects only entries inside it', async () => {
    const inWindow = (await as(h, s.tokens.engineer, { method: 'POST', url: '/api/events', payload: [
      event({ action: 'export', tenant: 'tenant-b', target: 'dedicated-b', time: ago(300) }),
      event({ action: 'export', tenant: 'tenant-b', target: 'dedicated-b', time: ago(500) }),
    ] })).json().results.map((r: any) => r.index as number);
    await api('PUT', '/api/retention/policies/export', { retentionDays: 100, rationale: 'Exports matter for a year at most here.' });
    const hold = await api('POST', '/api/retention/holds', { incidentReference: unique('INC'), coversFrom: ago(350), coversTo: ago(250), reason: 'Incident window.' });
    expect(hold.statusCode).toBe(201);
    await api('POST', '/api/retention/sweep');
    expect((await entry(inWindow[0])).payload).not.toBeNull();
    expect((await entry(inWindow[1])).payload).toBeNull();
  });

  it('the server\u2019s timer sweeps every organization that has a policy, each in its own ledger', async () => {
    const timer = startRetentionTimer(h.database.db, { hours: 24, firstDelaySeconds: 3600 });
    try {
      const before = await inOrg((trx) => trx.selectFrom('ledger_entries').select('idx').where('action', '=', 'sweep').execute());
      const done = await timer.runOnce();
      expect(done.map((d) => d.orgId)).toContain(s.org.orgId);
      const after = await inOrg((trx) => trx.selectFrom('ledger_entries').select('idx').where('action', '=', 'sweep').execute());
      expect(after.length).toBe(before.length + 1);
    } finally {
      await timer.stop();
    }
  });
});
