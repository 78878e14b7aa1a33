import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayUtc } from '../../src/model/evidence.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

describe('control exceptions: justified, time-bound, decided by someone else, overdue reviews, and the scope linter', () => {
  let h: Harness;
  let s: SeededOrg;
  const today = todayUtc();
  const valid = (extra: Record<string, unknown> = {}) => ({
    slug: unique('exc'), name: 'No MFA on the legacy RMM console', controlId: '8.5',
    reason: 'The vendor console supports no second factor.', compensatingMeasures: 'Reachable only from the bastion, which enforces MFA; sessions recorded.',
    residualRiskRationale: 'An attacker needs the bastion first; sessions are reviewed weekly.',
    expiresOn: addDays(today, 180), reviewOn: addDays(today, 90), ...extra,
  });
  const count = async () => Number((await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, async (trx) => ({
    n: (await trx.selectFrom('control_exceptions').select(sql<string>`count(*)`.as('n')).executeTakeFirst())!.n,
  }))).n);
  const ledger = async () => Number((await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
    trx.selectFrom('ledger_entries').select(sql<string>`count(*)`.as('n')).executeTakeFirst()))?.n);
  const propose = async (token: string, body: Record<string, unknown>) => as(h, token, { method: 'POST', url: '/api/control-exceptions', payload: body });
  const decide = (token: string, id: string, what: 'approve' | 'reject', note?: string) =>
    as(h, token, { method: 'POST', url: `/api/control-exceptions/${id}/${what}`, ...(note !== undefined ? { payload: { note } } : {}) });

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'exceptions');
  });
  afterAll(async () => { await h?.close(); });

  it('refuses an exception without justification, expiry or review date, or with a bad scope, and writes nothing', async () => {
    const before = [await count(), await ledger()];
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...valid({ systemId: s.ids.shared }), reason: undefined }, 400, 'reason'],
      [valid({ systemId: s.ids.shared, reason: '   ' }), 422, 'reason'],
      [{ ...valid({ systemId: s.ids.shared }), compensatingMeasures: undefined }, 400, 'compensatingMeasures'],
      [valid({ systemId: s.ids.shared, residualRiskRationale: '\n' }), 422, 'residualRiskRationale'],
      [{ ...valid({ systemId: s.ids.shared }), expiresOn: undefined }, 400, 'expiresOn'],
      [{ ...valid({ systemId: s.ids.shared }), reviewOn: undefined }, 400, 'reviewOn'],
      [valid({ systemId: s.ids.shared, expiresOn: addDays(today, -1), reviewOn: addDays(today, -2) }), 422, 'expiresOn'],
      [valid({ systemId: s.ids.shared, reviewOn: addDays(today, 400) }), 422, 'reviewOn'],
      [valid({}), 422, 'systemId'],
      [valid({ systemId: s.ids.shared, tier: 'A' }), 422, 'tier'],
      [valid({ systemId: s.ids.shared, controlId: '5.99' }), 422, 'controlId'],
      [valid({ systemId: '00000000-0000-4000-8000-000000000001' }), 422, 'systemId'],
    ];
    for (const [body, status, field] of cases) {
      const r = await propose(s.tokens.engineer, JSON.parse(JSON.stringify(body)));
      expect([r.statusCode, r.json().field], `${field}: ${r.body}`).toEqual([status, field]);
    }
    expect([await count(), await ledger()]).toEqual(before);
  });

  it('an engineer proposes; the proposer, an engineer and an auditor cannot approve; another manager does, with a ledger entry', async () => {
    const created = await propose(s.tokens.engineer, valid({ tier: 'B' }));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ status: 'proposed', decidedBy: null, overdue: false });
    // setting the decision through create or patch is not possible
    expect((await propose(s.tokens.owner, valid({ tier: 'B', status: 'approved' }))).statusCode).toBe(400);
    expect((await as(h, s.tokens.owner, { method: 'PATCH', url: `/api/control-exceptions/${id}`, payload: { status: 'approved' } })).statusCode).toBe(400);
    for (const token of [s.tokens.engineer, s.tokens.auditor, s.tokens['tenant-viewer']]) {
      const r = await decide(token, id, 'approve');
      expect([r.statusCode, r.json().error]).toEqual([403, 'forbidden']);
    }
    // an owner who wrote an exception cannot approve it
    const own = (await propose(s.tokens.owner, valid({ tier: 'C' }))).json();
    const self = await decide(s.tokens.owner, own.id, 'approve');
    expect([self.statusCode, self.json().error]).toEqual([403, 'separation_of_duties']);
    expect((await as(h, s.tokens.owner, { method: 'GET', url: `/api/control-exceptions/${own.id}` })).json().status).toBe('proposed');

    const before = await ledger();
    const ok = await decide(s.tokens['isms-manager'], id, 'approve', 'Until the RMM is replaced.');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'approved', decisionNote: 'Until the RMM is replaced.' });
    expect(ok.json().decidedBy).toContain(s.emails['isms-manager']);
    expect(await ledger()).toBe(before + 1);
    const again = await decide(s.tokens.owner, id, 'reject', 'no');
    expect([again.statusCode, again.json().error]).toEqual([409, 'conflict']);

    // changing what was approved reopens it, proposed by whoever changed it
    const patched = await as(h, s.tokens.engineer, { method: 'PATCH', url: `/api/control-exceptions/${id}`, payload: { compensatingMeasures: 'Nothing any more.' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ status: 'proposed', decidedBy: null });
    // a rejection says why
    expect((await decide(s.tokens.owner, id, 'reject')).statusCode).toBe(400);
    const rejected = await decide(s.tokens.owner, id, 'reject', 'Compensating measures are gone.');
    expect(rejected.json().status).toBe('rejected');
  });

  it('lists overdue exceptions (review date passed, or expired while approved) (the dashboard tile shows its total)', async () => {
    const late = (await propose(s.tokens.engineer, valid({ serviceId: s.ids.service, reviewOn: addDays(today, -3) }))).json();
    const onTime = (await propose(s.tokens.engineer, valid({ tenantId: s.ids.tenantA }))).json();
    expect((await decide(s.tokens.owner, late.id, 'approve')).statusCode).toBe(200);
    expect((await decide(s.tokens.owner, onTime.id, 'approve')).statusCode).toBe(200);
    const list = (await as(h, s.tokens.auditor, { method: 'GET', url: '/api/control-exceptions/overdue' })).json();
    expect(list.items.map((e: any) => e.id)).toEqual([late.id]);
    expect(list.items[0]).toMatchObject({ reviewOverdue: true, overdue: true, status: 'approved' });
    // expired while approved: time passes (the row is moved past its expiry as the database owner, with the
    // trigger that reopens a changed exception switched off, since no API can make that change)
    await h.database.ownerScript(`ALTER TABLE control_exceptions DISABLE TRIGGER control_exceptions_reopen_on_change;
      UPDATE control_exceptions SET expires_on = '${addDays(today, -1)}', review_on = '${addDays(today, -5)}' WHERE id = '${onTime.id}';
      ALTER TABLE control_exceptions ENABLE TRIGGER control_exceptions_reopen_on_change;`);
    const expired = (await as(h, s.tokens.auditor, { method: 'GET', url: `/api/control-exceptions/${onTime.id}` })).json();
    expect(expired.status).toBe('expired');
    const after = (await as(h, s.tokens.auditor, { method: 'GET', url: '/api/control-exceptions/overdue' })).json();
    expect(after.total).toBe(2);
  });

  it('an approved, unexpired exception on 8.33 for a staging system silences the scope finding, and the findings say so', async () => {
    const staging = (await as(h, s.tokens.owner, { method: 'POST', url: '/api/systems', payload: {
      slug: unique('staging'), name: 'Staging copy', kind: 'database', environment: 'staging', tenancy: 'multi-tenant', inScope: true, serviceIds: [s.ids.service], dataCategories: ['personal-data'],
    } })).json();
    expect((await as(h, s.tokens.owner, { method: 'POST', url: '/api/data-flows', payload: {
      slug: unique('refresh'), name: 'Nightly refresh', fromSystemId: s.ids.shared, toSystemId: staging.id, dataCategories: ['personal-data'],
    } })).statusCode).toBe(201);
    const findings = async () => (await as(h, s.tokens.owner, { method: 'GET', url: `/api/scope/findings?rule=nonproduction-receives-personal-data&object=${staging.id}` })).json();
    const first = await findings();
    expect(first.total).toBe(1);
    expect(first.items[0].message).toMatch(/no exception is recorded/);

    const exc = (await propose(s.tokens.engineer, valid({ controlId: '8.33', systemId: staging.id, name: 'Masked production copy in staging' }))).json();
    const proposed = await findings();
    expect(proposed.total).toBe(1);
    expect(proposed.items[0].message).toMatch(/not approved/);

    expect((await decide(s.tokens.owner, exc.id, 'approve')).statusCode).toBe(200);
    const silenced = await findings();
    expect(silenced.total).toBe(0);
    expect(silenced.excepted).toEqual([expect.objectContaining({ ruleId: 'nonproduction-receives-personal-data', objectId: staging.id, reference: expect.stringContaining(exc.slug) })]);

    // a service-scoped exception covers the systems of the service: after the system exception is rejected... (it
    // was approved: change it, which reopens it, then reject it) the finding is back until one on the service holds
    expect((await as(h, s.tokens.engineer, { method: 'PATCH', url: `/api/control-exceptions/${exc.id}`, payload: { reason: 'Changed.' } })).json().status).toBe('proposed');
    expect((await decide(s.tokens.owner, exc.id, 'reject', 'Superseded by the service exception.')).statusCode).toBe(200);
    expect((await findings()).total).toBe(1);
    const svc = (await propose(s.tokens.engineer, valid({ controlId: '8.31', serviceId: s.ids.service, name: 'Hosting test data' }))).json();
    expect((await decide(s.tokens.owner, svc.id, 'approve')).statusCode).toBe(200);
    const bySvc = await findings();
    expect(bySvc.total).toBe(0);
    expect(bySvc.excepted).toEqual([expect.objectContaining({ objectId: staging.id, reference: expect.stringContaining(svc.slug) })]);

    // an exception on an unrelated control does not silence it
    const other = (await propose(s.tokens.engineer, valid({ controlId: '5.15', systemId: s.ids.dedicatedA }))).json();
    expect((await decide(s.tokens.owner, other.id, 'approve')).statusCode).toBe(200);
    expect((await findings()).total).toBe(0);
  });

  it('isolation test evidence linked to a shared system feeds the linter', async () => {
    const rule = 'isolation-test-evidence-missing';
    const findings = async () => (await as(h, s.tokens.owner, { method: 'GET', url: `/api/scope/findings?rule=${rule}&object=${s.ids.shared}` })).json();
    const before = await findings();
    expect(before.items.every((f: any) => f.severity === 'info')).toBe(true);
    const ev = await as(h, s.tokens.engineer, { method: 'POST', url: '/api/evidence', payload: {
      slug: unique('iso'), name: 'Cross-tenant probe run', kind: 'link', url: 'https://ci.example.test/runs/1', collectedOn: today, freshnessDays: 90,
      controlIds: ['8.22'], systemIds: [s.ids.shared], isolationTest: 'passed',
    } });
    expect(ev.statusCode, ev.body).toBe(201);
    expect((await findings()).items.filter((f: any) => f.subject.id === s.ids.shared)).toEqual([]);
    // a result needs the systems it tested
    const bad = await as(h, s.tokens.engineer, { method: 'POST', url: '/api/evidence', payload: {
      slug: unique('iso'), name: 'Probe', kind: 'link', url: 'https://ci.example.test/runs/2', collectedOn: today, freshnessDays: 90, isolationTest: 'failed',
    } });
    expect([bad.statusCode, bad.json().field]).toEqual([422, 'systemIds']);
  });
});
