import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/model/vendor-review.js';
import { DEMO_BUNDLE_PATH } from '../../src/paths.js';
import { applyBundle } from '../../src/services/bundle.js';
import { operatorActor } from '../../src/services/provisioning.js';
import { listVendorReviews } from '../../src/services/vendor-review.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * Vendors and sub-processors through the HTTP API on a real database: a new or changed sub-processor opens a review
 * task in the same transaction, listing exactly the tenants whose data reaches it (tenant → system → flow → vendor)
 * with the notice each one's DPA requires; completing it needs an outcome; recurring reviews by criticality.
 */
describe('vendor reviews', () => {
  let h: Harness;
  let s: SeededOrg;
  let other: SeededOrg;
  const today = new Date().toISOString().slice(0, 10);

  const api = (method: InjectOptions['method'], url: string, payload?: unknown, token = s.tokens.owner) =>
    as(h, token, { method, url, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
  const ok = async (method: InjectOptions['method'], url: string, payload?: unknown, token?: string) => {
    const res = await api(method, url, payload, token);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const reviewsOf = async (vendorId: string, query = '') => (await ok('GET', `/api/vendor-reviews?vendor=${vendorId}&limit=200${query}`)).items;
  /** What the database holds, read in the org's context (the snapshot and the ledger entries of review tasks). */
  const inOrg = <T>(org: SeededOrg, fn: (trx: any) => Promise<T>) => withContext(h.database.db, { orgId: org.org.orgId, tenantId: null, userId: null }, fn);
  const storedSnapshot = (reviewId: string) => inOrg(s, async (trx) =>
    (await sql<{ tenants_reached: any[] }>`SELECT tenants_reached FROM vendor_reviews WHERE id = ${reviewId}`.execute(trx)).rows[0]!.tenants_reached);
  const reviewEntries = (reviewId: string) => inOrg(s, async (trx) =>
    (await sql<{ action: string; summary: string }>`SELECT action, summary FROM ledger_entries WHERE object_type = 'vendor-review' AND object_id = ${reviewId} ORDER BY idx`.execute(trx)).rows);
  const vendor = (extra: Record<string, unknown> = {}) => ok('POST', '/api/vendors', { slug: unique('vnd'), name: 'Mailer Inc', regions: ['eu-west-1'], ...extra });

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'vr');
    other = await seedOrg(h, 'vr-other');
    await ok('PATCH', `/api/tenants/${s.ids.tenantA}`, { subProcessorNoticeDays: 30, subProcessorObjectionRight: true, dpaReference: 'DPA-A-2025' });
    await ok('PATCH', `/api/tenants/${s.ids.tenantB}`, { subProcessorNoticeDays: 14 });
  });
  afterAll(async () => { await h?.close(); });

  it('a vendor becoming a sub-processor opens one review listing exactly the tenants its data reaches, with their notice', async () => {
    const v = await vendor();
    expect(await reviewsOf(v.id)).toEqual([]);
    // tenant A's dedicated system sends data to the vendor; tenant B's data never reaches it
    await ok('POST', '/api/data-flows', { slug: unique('flow'), name: 'A to mailer', fromSystemId: s.ids.dedicatedA, toVendorId: v.id, dataCategories: ['personal-data'] });
    expect(await reviewsOf(v.id)).toEqual([]);

    await ok('PATCH', `/api/vendors/${v.id}`, { subProcessor: true });
    const [review, ...more] = await reviewsOf(v.id);
    expect(more).toEqual([]);
    const tenantA = {
      tenantId: s.ids.tenantA, slug: 'tenant-a', name: 'Tenant A', tier: 'A', dpaReference: 'DPA-A-2025', via: ['data-flow'],
      noticeDays: 30, objectionRight: true, effectiveOn: addDays(today, 30), notice: 'notify 30 days before; may object',
    };
    expect(review).toMatchObject({
      vendorId: v.id, vendorSlug: v.slug, reason: 'new-sub-processor', status: 'open', dueOn: addDays(today, 14), overdue: false,
      changes: [{ field: 'subProcessor', before: false, after: true }], tenantsReached: [tenantA], earliestEffectiveOn: addDays(today, 30),
    });
    // the snapshot stored with the task, in the vendor change's transaction, and its own ledger entry
    expect(await storedSnapshot(review.id)).toEqual([tenantA]);
    expect(await reviewEntries(review.id)).toEqual([{ action: 'create', summary: expect.stringContaining('data of 1 tenant(s) reaches it') }]);

    // the vendor's page: tenants reached, and its open review
    const reached = await ok('GET', `/api/vendors/${v.id}/tenants-reached?today=2026-03-01`);
    expect(reached).toMatchObject({ today: '2026-03-01', earliestEffectiveOn: '2026-03-31', openReviews: [{ id: review.id, reason: 'new-sub-processor' }] });
    expect(reached.tenants).toEqual([{ ...tenantA, effectiveOn: '2026-03-31' }]);
  });

  it('a sub-processor created through the API opens a review; tenants reached through hosting count too', async () => {
    const v = await vendor({ subProcessor: true });
    const [review] = await reviewsOf(v.id);
    expect(review).toMatchObject({ reason: 'new-sub-processor', status: 'open', tenantsReached: [], changes: [] });
    // a shared system of the service both tenants consume, hosted by the vendor: both tenants' data is there
    await ok('POST', '/api/systems', {
      slug: unique('sys'), name: 'Queue', kind: 'application', environment: 'production', tenancy: 'multi-tenant', inScope: true,
      serviceIds: [s.ids.service], hostingVendorId: v.id,
    });
    const now = await ok('GET', `/api/vendor-reviews/${review.id}`);
    expect(now.tenantsReached.map((t: any) => [t.slug, t.via, t.noticeDays])).toEqual([['tenant-a', ['hosting'], 30], ['tenant-b', ['hosting'], 14]]);
    expect(now.earliestEffectiveOn).toBe(addDays(today, 30));
  });

  it('a vendor that is not a sub-processor opens none, whatever changes', async () => {
    const v = await vendor({ criticality: 'high' });
    await ok('PATCH', `/api/vendors/${v.id}`, { regions: ['us-east-1'], accessLevel: 'admin', dataCategories: ['personal-data'] });
    expect(await reviewsOf(v.id)).toEqual([]);
  });

  it('the same change twice opens one review; a further change is added to the open one', async () => {
    const v = await vendor({ subProcessor: true, reviewStatus: 'approved', reviewedOn: '2026-01-10' });
    expect(await reviewsOf(v.id)).toEqual([]); // created with its completed review: nothing to open
    await ok('PATCH', `/api/vendors/${v.id}`, { regions: ['eu-west-1', 'us-east-1'] });
    await ok('PATCH', `/api/vendors/${v.id}`, { regions: ['eu-west-1', 'us-east-1'] });
    let reviews = await reviewsOf(v.id);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ reason: 'sub-processor-changed', changes: [{ field: 'regions', before: ['eu-west-1'], after: ['eu-west-1', 'us-east-1'] }] });
    await ok('PATCH', `/api/vendors/${v.id}`, { accessLevel: 'write', name: 'Renamed' });
    reviews = await reviewsOf(v.id);
    expect(reviews).toHaveLength(1);
    expect(reviews[0].changes.map((c: any) => c.field)).toEqual(['regions', 'accessLevel']);
    expect(await reviewEntries(reviews[0].id)).toEqual([
      { action: 'create', summary: expect.any(String) }, { action: 'update', summary: expect.stringContaining('Added accessLevel') },
    ]);
    // a change that is not reviewed (name, criticality) opens nothing
    await ok('PATCH', `/api/vendors/${v.id}`, { criticality: 'critical' });
    expect(await reviewsOf(v.id)).toHaveLength(1);
  });

  it('completing needs a result and an outcome (4xx naming the field, nothing written); then it updates the vendor', async () => {
    const v = await vendor({ subProcessor: true });
    const [review] = await reviewsOf(v.id);
    const refused = async (body: unknown, status: number, error: string, field: string) => {
      const res = await api('POST', `/api/vendor-reviews/${review.id}/complete`, body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json()).toMatchObject({ error, field });
    };
    await refused({ result: 'approved' }, 400, 'validation_failed', 'outcome');
    await refused({ result: 'approved', outcome: '' }, 400, 'validation_failed', 'outcome');
    await refused({ result: 'approved', outcome: '   ' }, 422, 'invalid_value', 'outcome');
    await refused({ outcome: 'Checked.' }, 400, 'validation_failed', 'result');
    await refused({ result: 'fine', outcome: 'Checked.' }, 400, 'validation_failed', 'result');
    await refused({ result: 'approved', outcome: 'Checked.', reviewedOn: '2999-01-01' }, 422, 'invalid_value', 'reviewedOn');
    expect((await ok('GET', `/api/vendor-reviews/${review.id}`)).status).toBe('open');
    expect(await reviewEntries(review.id)).toHaveLength(1);
    // an auditor reads but cannot complete
    expect((await api('POST', `/api/vendor-reviews/${review.id}/complete`, { result: 'approved', outcome: 'No.' }, s.tokens.auditor)).statusCode).toBe(403);

    // an engineer may complete it
    const done = await ok('POST', `/api/vendor-reviews/${review.id}/complete`, { result: 'approved-with-conditions', outcome: 'SOC 2 report read; EU region only.' }, s.tokens.engineer);
    expect(done).toMatchObject({ status: 'done', result: 'approved-with-conditions', outcome: 'SOC 2 report read; EU region only.', closedBy: expect.stringContaining('@'), overdue: false });
    expect(await ok('GET', `/api/vendors/${v.id}`)).toMatchObject({ reviewStatus: 'approved-with-conditions', reviewedOn: today });
    expect((await reviewEntries(review.id)).map((e) => e.action)).toEqual(['create', 'update']);
    const again = await api('POST', `/api/vendor-reviews/${review.id}/complete`, { result: 'approved', outcome: 'Again.' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'conflict', field: 'status' });
    // a closed review is listed by status, not among the open ones
    expect((await reviewsOf(v.id, '&status=open'))).toEqual([]);
    expect((await reviewsOf(v.id, '&status=done')).map((r: any) => r.id)).toEqual([review.id]);
  });

  it('cancelling says why; deleting a vendor cancels its open review and keeps the record', async () => {
    const v = await vendor({ subProcessor: true });
    const [review] = await reviewsOf(v.id);
    expect((await api('POST', `/api/vendor-reviews/${review.id}/cancel`, {})).json()).toMatchObject({ error: 'validation_failed', field: 'outcome' });
    expect((await api('DELETE', `/api/vendors/${v.id}`)).statusCode).toBe(204);
    const after = await ok('GET', `/api/vendor-reviews/${review.id}`);
    expect(after).toMatchObject({ vendorId: null, vendorSlug: v.slug, status: 'cancelled', outcome: 'The vendor was deleted.' });
  });

  it('isolation: another organization gets 404 on the review and the vendor; a tenant-viewer gets 403', async () => {
    const review = s.ids.vendorReview!;
    for (const url of [`/api/vendor-reviews/${review}`, `/api/vendors/${s.ids.vendor}/tenants-reached`]) {
      const res = await api('GET', url, undefined, other.tokens.owner);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error).toBe('not_found');
    }
    const complete = await api('POST', `/api/vendor-reviews/${review}/complete`, { result: 'approved', outcome: 'Not mine.' }, other.tokens.owner);
    expect(complete.statusCode).toBe(404);
    expect((await ok('GET', `/api/vendor-reviews/${review}`)).status).toBe('open');
    // another org's vendor id as a filter finds nothing
    expect(await ok('GET', `/api/vendor-reviews?vendor=${s.ids.vendor}`, undefined, other.tokens.owner)).toMatchObject({ items: [], total: 0 });
    for (const url of ['/api/vendor-reviews', `/api/vendor-reviews/${review}`, `/api/vendors/${s.ids.vendor}/tenants-reached`, '/api/vendor-reviews/due', '/api/vendor-reviews/counts']) {
      const res = await api('GET', url, undefined, s.tokens.viewerA);
      expect(res.statusCode, url).toBe(403);
    }
  });

  it('lists by status and overdue with cursor pages', async () => {
    const pageOne = await ok('GET', '/api/vendor-reviews?status=open&limit=2');
    expect(pageOne.items).toHaveLength(2);
    expect(pageOne.total).toBeGreaterThan(2);
    const pageTwo = await ok('GET', `/api/vendor-reviews?status=open&limit=2&cursor=${pageOne.nextCursor}`);
    expect(pageTwo.items.map((r: any) => r.id)).not.toContain(pageOne.items[0].id);
    const all = await ok('GET', '/api/vendor-reviews?status=open&limit=200');
    expect(all.items.map((r: any) => r.id).slice(0, 4)).toEqual([...pageOne.items, ...pageTwo.items].map((r: any) => r.id));
    // far in the future every open review is overdue; today none is
    expect((await ok('GET', '/api/vendor-reviews?overdue=true&limit=200')).total).toBe(0);
    const later = await ok('GET', '/api/vendor-reviews?overdue=true&today=2099-01-01&limit=200');
    expect(later.total).toBe(all.total);
    expect(later.items.every((r: any) => r.overdue && r.status === 'open')).toBe(true);
    expect(await ok('GET', '/api/vendor-reviews/counts?today=2099-01-01')).toEqual({ open: all.total, overdue: all.total });
    const bad = await api('GET', '/api/vendor-reviews?cursor=forged');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
  });

  it('recurring reviews by criticality: due list and an idempotent schedule, with fixed dates', async () => {
    const r = await seedOrg(h, 'vr-recurring');
    const post = (url: string, body: unknown = {}) => as(h, r.tokens.owner, { method: 'POST', url, payload: body as any });
    const get = async (url: string) => (await as(h, r.tokens.owner, { method: 'GET', url })).json();
    const mk = async (slug: string, criticality: string, reviewedOn: string) => (await as(h, r.tokens.owner, {
      method: 'POST', url: '/api/vendors', payload: { slug, name: slug, criticality, reviewStatus: 'approved', reviewedOn },
    })).json();
    const critical = await mk('crit', 'critical', '2026-01-01'); // due 2026-04-01
    const high = await mk('high', 'high', '2025-12-01'); // due 2026-05-30
    await mk('medium', 'medium', '2025-06-01'); // due 2026-06-01
    await mk('low', 'low', '2025-01-01'); // due 2027-01-01

    const mine = (slugs: string[]) => slugs.filter((x) => x !== 'cloud').sort();
    const due = await get('/api/vendor-reviews/due?today=2026-05-01');
    expect(due.items.filter((d: any) => d.slug !== 'cloud').map((d: any) => [d.slug, d.dueOn, d.intervalDays, d.daysOverdue])).toEqual([['crit', '2026-04-01', 90, 30]]);
    const soon = await get('/api/vendor-reviews/due?today=2026-05-01&withinDays=31');
    expect(mine(soon.items.map((d: any) => d.slug))).toEqual(['crit', 'high', 'medium']);
    // the seeded sub-processor "cloud" was never reviewed: due since the day it was recorded
    expect((await get('/api/vendor-reviews/due?today=2099-01-01')).items.find((d: any) => d.slug === 'cloud')).toMatchObject({ dueOn: today, reviewedOn: null, intervalDays: 365 });

    const first = await post('/api/vendor-reviews/schedule?today=2026-05-01');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().opened.filter((o: any) => o.slug !== 'cloud').map((o: any) => [o.slug, o.dueOn])).toEqual([['crit', '2026-04-01']]);
    const second = await post('/api/vendor-reviews/schedule?today=2026-05-01');
    expect(second.json().opened).toEqual([]);
    const task = (await get(`/api/vendor-reviews?vendor=${critical.id}&today=2026-05-01`)).items;
    expect(task).toHaveLength(1);
    expect(task[0]).toMatchObject({ reason: 'recurring', status: 'open', dueOn: '2026-04-01', overdue: true });
    expect((await get('/api/vendor-reviews/due?today=2026-05-01')).items.find((d: any) => d.slug === 'crit').openReviewId).toBe(task[0].id);

    // completing it moves the next due date by the interval; a later schedule opens the next one only then
    const done = await post(`/api/vendor-reviews/${task[0].id}/complete`, { result: 'approved', outcome: 'Quarterly review held.', reviewedOn: '2026-04-20' });
    expect(done.statusCode, done.body).toBe(200);
    expect((await get('/api/vendor-reviews/due?today=2026-05-01')).items.map((d: any) => d.slug)).not.toContain('crit');
    expect((await get('/api/vendor-reviews/due?today=2026-07-19')).items.find((d: any) => d.slug === 'crit')).toMatchObject({ dueOn: '2026-07-19', daysOverdue: 0 });
    expect(mine((await post('/api/vendor-reviews/schedule?today=2026-07-19')).json().opened.map((o: any) => o.slug))).toEqual(['crit', 'high', 'medium']);
    expect(high.id).toBeTruthy();
    // only owners and ISMS managers schedule
    expect((await as(h, r.tokens.engineer, { method: 'POST', url: '/api/vendor-reviews/schedule', payload: {} })).statusCode).toBe(403);
  });

  it('the demo: its newly added sub-processor has an open review naming the managed-workplace tenants and their notice', async () => {
    const actor = operatorActor(randomUUID());
    const text = readFileSync(DEMO_BUNDLE_PATH, 'utf8').replace('slug: northwind-msp', `slug: ${unique('northwind')}`);
    await applyBundle(h.database.db, actor, text, { file: 'northwind-msp.yaml', createOrganization: { isDemo: false } });
    const open = (await listVendorReviews(h.database.db, actor, { status: 'open', limit: 50 })).items;
    // every other sub-processor arrives with its completed review
    expect(open.map((r) => [r.vendorSlug, r.reason])).toEqual([['lanternfish', 'new-sub-processor']]);
    expect(open[0]!.tenantsReached.map((t) => [t.slug, t.noticeDays, t.objectionRight])).toEqual([
      ['cobalt-finch-retail', 30, true], ['greater-ashford-council', 60, true], ['holmfield-engineering', 30, true], ['kessler-vaughn-legal', 45, true],
      ['pinecrest-logistics', null, false], ['ridgeway-architects', 30, true], ['st-brendans-health', 90, true],
    ]);
    expect(open[0]!.earliestEffectiveOn).toBe(addDays(today, 90));
  });

  it('the schedule opens a review for a sub-processor now reaching a tenant its last completed review did not list', async () => {
    const v = await vendor({ subProcessor: true });
    await ok('POST', '/api/data-flows', { slug: unique('flow'), name: 'A to v', fromSystemId: s.ids.dedicatedA, toVendorId: v.id, dataCategories: ['personal-data'] });
    const [first] = await reviewsOf(v.id);
    await ok('POST', `/api/vendor-reviews/${first.id}/complete`, { result: 'approved', outcome: 'Tenant A notified 30 days ahead.' });
    const openedFor = async () => (await ok('POST', '/api/vendor-reviews/schedule', {})).opened.filter((o: any) => o.vendorId === v.id);
    expect(await openedFor()).toEqual([]);
    // tenant B's data starts flowing to it: tenant B was never told
    await ok('POST', '/api/data-flows', { slug: unique('flow'), name: 'B to v', fromSystemId: s.ids.dedicatedB, toVendorId: v.id, dataCategories: ['personal-data'] });
    const opened = await openedFor();
    expect(opened).toMatchObject([{ reason: 'sub-processor-changed', dueOn: addDays(today, 14) }]);
    const review = await ok('GET', `/api/vendor-reviews/${opened[0].reviewId}`);
    expect(review.changes).toEqual([{ field: 'tenantsReached', before: ['tenant-a'], after: ['tenant-a', 'tenant-b'] }]);
    expect(review.tenantsReached.map((t: any) => t.slug)).toEqual(['tenant-a', 'tenant-b']);
    expect(await openedFor()).toEqual([]);
  });
});
