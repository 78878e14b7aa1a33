import { describe, expect, it } from 'vitest';
import { addMonths, dayNumber, requireDay } from '../../../src/model/scope/dates.js';
import { blastRadius } from '../../../src/model/scope/blast-radius.js';
import { residencyReport, tenantResidency } from '../../../src/model/scope/residency.js';
import { tenantDataMap } from '../../../src/model/scope/tenant-data.js';
import { listNames, pathText } from '../../../src/model/scope/wording.js';
import { model } from './model-builder.js';

describe('blast radius', () => {
  /** Two services on one cloud; a pipeline that deploys to both apps; a log hub fed by both. */
  const org = () => model().service('a').service('b').vendor('cloud').vendor('pager')
    .tenant('gold', { services: ['a'], tier: 'A' }).tenant('silver', { services: ['a', 'b'], tier: 'B' }).tenant('bronze', { services: ['b'], tier: 'C' })
    .tenant('solo', { tier: 'A' })
    .system('app-a', { services: ['a'], host: 'cloud' }).system('app-b', { services: ['b'], host: 'cloud' })
    .system('solo-db', { tenants: ['solo'] })
    .system('logs').flow('app-a', 'logs').flow('app-b', 'logs')
    .system('pipeline', { deploysToProduction: true, dataCategories: ['none'] })
    .flow('pipeline', 'app-a', { dataCategories: ['none'] }).flow('pipeline', 'solo-db', { dataCategories: ['none'] })
    .system('idp', { grantsAdminAccess: true, dataCategories: ['credentials'] }).flow('idp', 'pipeline', { dataCategories: ['credentials'] })
    .flow('logs', 'vendor:pager', { dataCategories: ['tenant-metadata'] });

  it('exposes tenants by data held, by control (deploy, admin, onwards) and by hosting, weighted by tier', () => {
    const g = org().graph();
    const radius = blastRadius(g);
    const entry = (slug: string) => radius.ranking.find((e) => e.component.slug === slug);
    expect(entry('logs')).toMatchObject({ tenants: 3, byTier: { A: 1, B: 1, C: 1 }, score: 9, throughControl: 0 });
    expect(entry('pipeline')).toMatchObject({ tenants: 3, byTier: { A: 2, B: 1, C: 0 }, score: 13, throughControl: 3 });
    expect(entry('idp')).toMatchObject({ tenants: 3, score: 13, throughControl: 3 });
    expect(entry('cloud')).toMatchObject({ tenants: 3, throughHosting: 3, component: { kind: 'vendor' } });
    expect(entry('pager')).toMatchObject({ tenants: 3 });
    // Not shared: one tenant's database, and an app of a single-tenant service.
    expect(entry('solo-db')).toBeUndefined();
    expect(radius.ranking.map((e) => e.score)).toEqual([...radius.ranking.map((e) => e.score)].sort((x, y) => y - x));
    expect(radius.exposedTenants('system:pipeline')!.map((t) => `${t.tier}:${t.slug}`)).toEqual(['A:gold', 'A:solo', 'B:silver']);
    expect(radius.exposedTenants('nope')).toBeNull();
  });

  it('takes tier weights and a threshold', () => {
    const radius = blastRadius(org().graph(), { tierWeights: { A: 100, B: 0, C: 0 }, minTenants: 1 });
    expect(radius.ranking[0]!.score).toBe(200);
    expect(radius.ranking.find((e) => e.component.slug === 'solo-db')).toMatchObject({ tenants: 1, score: 100 });
  });
});

describe('residency', () => {
  const org = () => model().service('a').vendor('us-saas', { regions: ['us-east-1'] }).vendor('us-cloud', { regions: ['us-east-1'] })
    .tenant('eu', { services: ['a'], allowedRegions: ['EU'] })
    .tenant('uk', { services: ['a'], allowedRegions: ['uk-london', 'eu-west-1'] })
    .tenant('any', { services: ['a'] })
    .system('app', { services: ['a'], regions: ['eu-west-1'], host: 'us-cloud' })
    .system('replica', { regions: ['eu-west-1', 'uk-london'] }).flow('app', 'replica')
    .system('blank', { regions: [] }).flow('app', 'blank')
    .flow('replica', 'vendor:us-saas');

  it('lists breaches per tenant with the path, and what cannot be shown', () => {
    const g = org().graph();
    const rows = new Map(residencyReport(g).map((r) => [r.tenant.slug, r]));
    expect([...rows.keys()].sort()).toEqual(['eu', 'uk']);
    const eu = rows.get('eu')!;
    expect(eu.breaches.map((b) => [b.component.slug, b.disallowed])).toEqual([['replica', ['uk-london']], ['us-saas', ['us-east-1']]]);
    expect(eu.breaches[1]!.path.map((p) => p.slug)).toEqual(['eu', 'a', 'app', 'app-to-replica', 'replica', 'replica-to-us-saas', 'us-saas']);
    expect(eu.unrecorded.map((u) => u.slug)).toEqual(['blank']);
    expect(eu.reached).toEqual({ systems: 3, vendors: 1 });
    // A hosting vendor in the US does not move the data: the app runs in eu-west-1.
    expect(eu.breaches.map((b) => b.component.slug)).not.toContain('us-cloud');
    expect(rows.get('uk')!.breaches.map((b) => b.component.slug)).toEqual(['us-saas']);
  });

  it('shows one tenant every place its data is, with a verdict', () => {
    const g = org().graph();
    const detail = tenantResidency(g, 'tenant:uk')!;
    expect(detail.places.map((p) => `${p.component.slug}:${p.verdict}`).sort()).toEqual(['app:allowed', 'blank:unrecorded', 'replica:allowed', 'us-saas:breach']);
    expect(detail.places.find((p) => p.verdict === 'breach')!.path!.at(-1)!.slug).toBe('us-saas');
    expect(tenantResidency(g, 'tenant:none')).toBeNull();
  });
});

describe('where a tenant\u2019s data goes', () => {
  it('lists systems, vendors and flows with the reason, never another tenant\u2019s dedicated system', () => {
    const m = model().service('a').vendor('cloud').vendor('mail')
      .tenant('t', { services: ['a'] }).tenant('u')
      .system('app', { services: ['a'], host: 'cloud' }).system('mine', { tenants: ['t'] }).system('theirs', { tenants: ['u'] })
      .system('other-service', { services: [] })
      .flow('app', 'theirs').flow('app', 'vendor:mail').flow('mine', 'other-service').flow('app', 'other-service', { service: 'b', slug: 'unbound' });
    m.service('b');
    const map = tenantDataMap(m.graph(), 'tenant:t')!;
    expect(map.systems.map((s) => `${s.slug}: ${s.reason}`)).toEqual([
      'app: shared system of Service a, which the tenant consumes',
      'mine: dedicated to this tenant',
      'other-service: receives data from System mine',
    ]);
    expect(map.vendors.map((v) => `${v.slug}: ${v.reason}`)).toEqual(['cloud: hosts System app', 'mail: receives data from System app']);
    expect(map.flows.map((f) => f.slug)).toEqual(['app-to-mail', 'mine-to-other-service']);
    expect(tenantDataMap(m.graph(), 'tenant:nobody')).toBeNull();
  });
});

describe('dates and wording', () => {
  it('adds calendar months and rejects impossible dates', () => {
    expect(addMonths('2023-09-12', 24)).toBe('2025-09-12');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(dayNumber('2026-03-01') - dayNumber('2026-02-01')).toBe(28);
    expect(dayNumber('2026-03-01T23:59:59Z')).toBe(dayNumber('2026-03-01'));
    expect(Number.isNaN(dayNumber('2026-02-30'))).toBe(true);
    expect(() => requireDay('yesterday', 'today')).toThrow(/today must be a date/);
  });
  it('names lists and paths for people', () => {
    expect(listNames(['A'])).toBe('A');
    expect(listNames(['A', 'B'])).toBe('A and B');
    expect(listNames(['A', 'B', 'C', 'D', 'E'])).toBe('A, B, C and 2 more');
    expect(listNames(['A', 'B', 'C'], 3, 10)).toBe('A, B, C and 7 more');
    expect(pathText([{ kind: 'tenant', name: 'Acme' }, { kind: 'service', name: 'Cloud' }, { kind: 'system', name: 'App' }, { kind: 'flow', name: 'logs' }, { kind: 'vendor', name: 'Logly' }]))
      .toBe('tenant Acme → service Cloud → App —[logs]→ vendor Logly');
  });
});
