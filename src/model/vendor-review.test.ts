import { describe, expect, it } from 'vitest';
import { buildIsmsGraph } from './scope/graph.js';
import {
  addDays, earliestEffectiveDate, nextReviewDue, noticeWords, reviewTrigger, tenantsReached, vendorsDue,
} from './vendor-review.js';

const vendor = (extra: Record<string, unknown> = {}) => ({
  subProcessor: true, regions: ['eu-west-1'], dataCategories: ['personal-data'], accessLevel: 'read', reviewStatus: 'not-reviewed', reviewedOn: null, ...extra,
}) as any;

describe('reviewTrigger', () => {
  it('a new sub-processor needs a review, unless it arrives with a completed, dated review', () => {
    expect(reviewTrigger(null, vendor())).toEqual({ reason: 'new-sub-processor', changes: [] });
    expect(reviewTrigger(null, vendor({ reviewStatus: 'approved', reviewedOn: '2026-01-01' }))).toBeNull();
    expect(reviewTrigger(null, vendor({ reviewStatus: 'approved', reviewedOn: null }))?.reason).toBe('new-sub-processor');
    expect(reviewTrigger(null, vendor({ reviewStatus: 'rejected', reviewedOn: '2026-01-01' }))?.reason).toBe('new-sub-processor');
    expect(reviewTrigger(null, vendor({ subProcessor: false }))).toBeNull();
  });

  it('becoming a sub-processor, or changing where the data goes, which data or how deep the access', () => {
    expect(reviewTrigger(vendor({ subProcessor: false }), vendor())).toEqual({ reason: 'new-sub-processor', changes: [{ field: 'subProcessor', before: false, after: true }] });
    expect(reviewTrigger(vendor(), vendor({ regions: ['eu-west-1', 'us-east-1'], accessLevel: 'admin' }))).toEqual({
      reason: 'sub-processor-changed',
      changes: [{ field: 'regions', before: ['eu-west-1'], after: ['eu-west-1', 'us-east-1'] }, { field: 'accessLevel', before: 'read', after: 'admin' }],
    });
  });

  it('nothing for the same sets in another order, other fields, a former sub-processor or a deletion', () => {
    expect(reviewTrigger(vendor({ regions: ['a-1', 'b-1'] }), vendor({ regions: ['b-1', 'a-1'] }))).toBeNull();
    expect(reviewTrigger(vendor(), vendor({ name: 'Renamed', criticality: 'high', reviewStatus: 'approved' }))).toBeNull();
    expect(reviewTrigger(vendor(), vendor({ subProcessor: false, regions: ['us-east-1'] }))).toBeNull();
    expect(reviewTrigger(vendor(), null)).toBeNull();
  });
});

describe('dates and notice', () => {
  it('adds calendar days across months, years and leap days', () => {
    expect(addDays('2026-01-31', 30)).toBe('2026-03-02');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('words the notice', () => {
    expect(noticeWords(30, true)).toBe('notify 30 days before; may object');
    expect(noticeWords(1, false)).toBe('notify 1 day before; no objection right');
    expect(noticeWords(0, true)).toBe('notify before the change (no minimum period); may object');
    expect(noticeWords(null, false)).toBe('no notice period recorded; no objection right');
  });

  it('the earliest date for everyone is the latest of the tenants\u2019 dates', () => {
    const n = (effectiveOn: string | null) => ({ effectiveOn }) as any;
    expect(earliestEffectiveDate([n('2026-03-01'), n(null), n('2026-04-15'), n('2026-02-01')])).toBe('2026-04-15');
    expect(earliestEffectiveDate([n(null)])).toBeNull();
    expect(earliestEffectiveDate([])).toBeNull();
  });
});

describe('tenantsReached', () => {
  const tenant = (id: string, serviceIds: string[], extra: Record<string, unknown> = {}) => ({ id, slug: id, name: id.toUpperCase(), tier: 'B', allowedRegions: [], serviceIds, dpaReference: `DPA-${id}`, ...extra });
  const system = (id: string, extra: Record<string, unknown> = {}) => ({
    id, slug: id, name: id, kind: 'application', environment: 'production', regions: [], hostingVendorId: null, tenancy: 'multi-tenant', tenantIds: [], serviceIds: [],
    dataCategories: ['personal-data'], inScope: true, exclusionJustification: '', accessControl: '', logging: '', retention: '', isolationMechanism: '',
    deploysToProduction: false, grantsAdminAccess: false, ...extra,
  });
  const flow = (id: string, from: string, to: { toSystemId?: string; toVendorId?: string }, extra: Record<string, unknown> = {}) => ({
    id, slug: id, name: id, fromSystemId: from, toSystemId: null, toVendorId: null, dataCategories: ['personal-data'], serviceId: null, ...to, ...extra,
  });
  const v = (id: string) => ({ id, slug: id, name: id, dataCategories: [], criticality: 'medium', reviewStatus: 'not-reviewed', reviewedOn: null, regions: [], subProcessor: true });
  const graph = buildIsmsGraph({
    services: [{ id: 'svc', slug: 'svc', name: 'Svc' }, { id: 'other', slug: 'other', name: 'Other' }],
    vendors: [v('mail'), v('host'), v('idle')],
    tenants: [
      tenant('a', ['svc'], { subProcessorNoticeDays: 30, subProcessorObjectionRight: true }),
      tenant('b', ['svc']),
      tenant('c', ['other'], { subProcessorNoticeDays: 0 }),
      tenant('d', [], { subProcessorNoticeDays: 60 }),
    ] as any,
    systems: [
      system('app', { serviceIds: ['svc'] }),
      system('ded-d', { tenancy: 'dedicated', tenantIds: ['d'], hostingVendorId: 'host' }),
      system('c-app', { serviceIds: ['other'] }),
      system('relay', {}),
    ] as any,
    dataFlows: [
      // tenants a and b through the shared app, onward through a relay to the mailer
      flow('app-relay', 'app', { toSystemId: 'relay' }),
      flow('relay-mail', 'relay', { toVendorId: 'mail' }),
      // tenant c's app sends only metadata-free "none" data: nothing of c reaches the mailer
      flow('c-mail', 'c-app', { toVendorId: 'mail' }, { dataCategories: ['none'] }),
    ] as any,
  });

  it('follows flows through intermediate systems and hosting; data-free flows carry no tenant', () => {
    const mail = tenantsReached(graph, 'mail', '2026-03-01');
    expect(mail.map((t) => [t.slug, t.via, t.noticeDays, t.objectionRight, t.effectiveOn, t.dpaReference])).toEqual([
      ['a', ['data-flow'], 30, true, '2026-03-31', 'DPA-a'],
      ['b', ['data-flow'], null, false, null, 'DPA-b'],
    ]);
    expect(tenantsReached(graph, 'host', '2026-03-01').map((t) => [t.slug, t.via, t.effectiveOn, t.notice])).toEqual([
      ['d', ['hosting'], '2026-04-30', 'notify 60 days before; no objection right'],
    ]);
    expect(tenantsReached(graph, 'idle', '2026-03-01')).toEqual([]);
    expect(tenantsReached(graph, 'unknown', '2026-03-01')).toEqual([]);
  });
});

describe('recurring reviews', () => {
  const vendors = [
    { id: '1', slug: 'crit', name: 'Crit', criticality: 'critical', subProcessor: true, reviewedOn: '2026-01-01', createdAt: '2025-01-01T00:00:00Z' },
    { id: '2', slug: 'high', name: 'High', criticality: 'high', subProcessor: false, reviewedOn: '2025-12-01', createdAt: '2025-01-01T00:00:00Z' },
    { id: '3', slug: 'low', name: 'Low', criticality: 'low', subProcessor: false, reviewedOn: '2025-01-01', createdAt: '2025-01-01T00:00:00Z' },
    { id: '4', slug: 'new', name: 'New', criticality: 'medium', subProcessor: true, reviewedOn: null, createdAt: '2026-04-20T10:00:00Z' },
  ] as const;

  it('next review: last review + the interval of the criticality; never reviewed: from the day recorded', () => {
    expect(nextReviewDue(vendors[0])).toBe('2026-04-01');
    expect(nextReviewDue(vendors[1])).toBe('2026-05-30');
    expect(nextReviewDue(vendors[2])).toBe('2027-01-01');
    expect(nextReviewDue(vendors[3])).toBe('2026-04-20');
    expect(nextReviewDue(vendors[0], { critical: 30, high: 1, medium: 1, low: 1 })).toBe('2026-01-31');
  });

  it('due list: most overdue first, a window ahead on request, the open recurring review named', () => {
    const due = vendorsDue(vendors as any, '2026-05-01', { openReviews: new Map([['1', 'r-1']]) });
    expect(due.map((d) => [d.slug, d.dueOn, d.daysOverdue, d.openReviewId])).toEqual([['crit', '2026-04-01', 30, 'r-1'], ['new', '2026-04-20', 11, null]]);
    expect(vendorsDue(vendors as any, '2026-05-01', { withinDays: 29 }).map((d) => d.slug)).toEqual(['crit', 'new', 'high']);
    expect(vendorsDue(vendors as any, '2026-05-01', { withinDays: 28 }).map((d) => d.slug)).toEqual(['crit', 'new']);
    expect(vendorsDue(vendors as any, '2026-03-31')).toEqual([]);
  });
});
