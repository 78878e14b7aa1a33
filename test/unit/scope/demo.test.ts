import { describe, expect, it } from 'vitest';
import { footprintIds } from '../../../src/model/footprint.js';
import { blastRadius } from '../../../src/model/scope/blast-radius.js';
import { buildIsmsGraph } from '../../../src/model/scope/graph.js';
import { lintScope } from '../../../src/model/scope/lint.js';
import { residencyReport, tenantResidency } from '../../../src/model/scope/residency.js';
import { tenantDataMap } from '../../../src/model/scope/tenant-data.js';
import type { Finding } from '../../../src/model/scope/finding.js';
import { DEMO_TEXT, demoModel, demoResolvedItems } from './demo-model.js';

/**
 * The demo organization has deliberate scope gaps (examples/northwind-msp.yaml); the linter must find each
 * of them, with the path that proves it, and must not flag what is in order.
 */
const TODAY = '2026-03-01';
const model = demoModel();
const graph = buildIsmsGraph(model.objects);
const report = lintScope(graph, { today: TODAY });
const idOf = (kind: 'systems' | 'vendors' | 'tenants', slug: string) => {
  const list = kind === 'systems' ? model.objects.systems : kind === 'vendors' ? model.objects.vendors : model.objects.tenants;
  const found = list.find((o) => o.slug === slug);
  if (!found) throw new Error(`no ${kind} ${slug} in the demo`);
  return found.id;
};
const of = (ruleId: string): Finding[] => report.findings.filter((f) => f.ruleId === ruleId);
const subjects = (ruleId: string) => of(ruleId).map((f) => f.subject.slug).sort();
const one = (ruleId: string, slug: string): Finding => {
  const found = of(ruleId).find((f) => f.subject.slug === slug);
  if (!found) throw new Error(`${ruleId} did not flag ${slug}; it flagged ${subjects(ruleId).join(', ')}`);
  return found;
};
const slugs = (f: Finding) => f.path.map((p) => p.slug);

describe('the scope linter on the demo organization', () => {
  it('reads the bundle exactly as parse + check + resolve give it', () => {
    const { items, problems } = demoResolvedItems();
    expect(problems).toEqual([]);
    const counts = Object.values(model.objects).reduce((n, list) => n + list.length, 0);
    // the scope analyses read the five kinds of the estate; the other sections (implementations, risks...) are not theirs
    const estate = new Set(['services', 'vendors', 'tenants', 'systems', 'data-flows']);
    expect(counts).toBe(items.filter((i) => estate.has(i.def.name)).length);
    expect(model.objects.systems.map((s) => s.id)).toEqual(items.filter((i) => i.def.name === 'systems').map((i) => i.id));
  });

  it('finds customer and personal data outside the scope, with the chain that carries it', () => {
    expect(subjects('out-of-scope-customer-data')).toEqual(expect.arrayContaining(['analytics-warehouse', 'bi-tool', 'staging-db', 'support-chat', 'entra-id']));
    const bi = one('out-of-scope-customer-data', 'bi-tool');
    expect(bi.path.filter((p) => p.kind === 'system').map((p) => p.slug)).toEqual(['harbor-db-pooled', 'analytics-etl', 'analytics-warehouse', 'bi-tool']);
    expect(bi.path.map((p) => p.kind)).toEqual(['system', 'flow', 'system', 'flow', 'system', 'flow', 'system']);
    const chat = one('out-of-scope-customer-data', 'support-chat');
    expect(chat.severity).toBe('error');
    expect(chat.message).toMatch(/outside the ISMS scope/);
    expect(chat.path.at(-2)?.kind).toBe('flow');
    expect(chat.path.at(-1)?.slug).toBe('support-chat');
    // A sandbox that gets only telemetry and tenant metadata is rightly out of scope.
    expect(subjects('out-of-scope-customer-data')).not.toContain('rnd-sandbox');
    expect(subjects('out-of-scope-customer-data')).not.toContain('demo-env');
  });

  it('finds the excluded systems in-scope services depend on', () => {
    expect(subjects('service-depends-on-excluded-system')).toEqual(['ci-cd', 'entra-id', 'support-chat']);
    expect(one('service-depends-on-excluded-system', 'entra-id').objects).toContain(model.objects.services.find((s) => s.slug === 'harbor-cloud')!.id);
    expect(subjects('excluded-system-has-in-scope-dependents')).toEqual(expect.arrayContaining(['ci-cd', 'entra-id', 'support-chat']));
    expect(subjects('exclusion-without-justification')).toEqual([]);
  });

  it('finds the support chat outside scope and the PSA without recorded access control', () => {
    expect(subjects('support-access-outside-scope')).toEqual(['support-chat']);
    const psa = one('support-access-controls-unrecorded', 'psa-ticketing');
    expect(psa.field).toBe('accessControl');
    expect(psa.severity).toBe('warning');
    expect(subjects('support-access-controls-unrecorded')).toEqual(['psa-ticketing']);
  });

  it('finds the analytics chain outside scope and the log store without retention', () => {
    expect(subjects('secondary-data-outside-scope')).toEqual(['analytics-warehouse', 'bi-tool']);
    expect(subjects('secondary-data-retention-unrecorded')).toEqual(['log-store']);
    expect(one('secondary-data-retention-unrecorded', 'log-store').field).toBe('retention');
  });

  it('finds the pipeline and the identity provider outside scope', () => {
    expect(subjects('deployment-pipeline-outside-scope')).toEqual(['ci-cd']);
    expect(subjects('admin-access-provider-outside-scope')).toEqual(['entra-id']);
    expect(one('admin-access-provider-outside-scope', 'entra-id').objects).toContain(idOf('systems', 'aws-iam'));
  });

  it('finds the unreviewed and overdue vendors', () => {
    expect(subjects('vendor-not-reviewed')).toEqual(expect.arrayContaining(['scribewell']));
    expect(slugs(one('vendor-not-reviewed', 'scribewell'))).toEqual(['service-desk-telephony', 'telephony-to-scribewell', 'scribewell']);
    expect(subjects('vendor-review-overdue')).toEqual(['faultline']);
    expect(one('vendor-review-overdue', 'faultline').message).toContain('2023-09-12');
    expect(subjects('vendor-processor-not-flagged')).toEqual(['scribewell']);
  });

  it('finds production personal data in staging without an exception, and accepts an approved one', () => {
    const staging = one('nonproduction-receives-personal-data', 'staging-db');
    expect(slugs(staging)).toEqual(['harbor-db-pooled', 'db-pooled-to-staging-db', 'staging-db']);
    const excepted = lintScope(graph, {
      today: TODAY,
      exceptions: [{ ruleId: 'nonproduction-receives-personal-data', objectId: idOf('systems', 'staging-db'), approved: true, expiresOn: '2026-06-30' }],
    });
    expect(excepted.findings.filter((f) => f.ruleId === 'nonproduction-receives-personal-data')).toEqual([]);
  });

  it('finds the shared cache without an isolation mechanism and reports missing isolation evidence', () => {
    expect(subjects('isolation-mechanism-unrecorded')).toEqual(['harbor-cache-prod']);
    expect(one('isolation-mechanism-unrecorded', 'harbor-cache-prod').message).toMatch(/3 tenants/);
    const evidence = of('isolation-test-evidence-missing');
    expect(evidence.map((f) => f.subject.slug)).toEqual(expect.arrayContaining(['harbor-db-pooled', 'harbor-cache-prod']));
    expect(evidence.every((f) => f.severity === 'info' && /no isolation test evidence/.test(f.message))).toBe(true);
    // Single-tenant dedicated deployments need no cross-tenant test.
    expect(evidence.map((f) => f.subject.slug)).not.toContain('harbor-db-halden');
  });

  it('finds tenant data outside its allowed regions, with the path', () => {
    expect(subjects('data-residency-breach')).toEqual(['error-tracker', 'harbor-dr-copy-us', 'scribewell', 'support-chat']);
    const dr = one('data-residency-breach', 'harbor-dr-copy-us');
    expect(new Set(dr.objects)).toEqual(new Set([idOf('systems', 'harbor-dr-copy-us'), idOf('tenants', 'aurelia-water'), idOf('tenants', 'brightwater-insurance')]));
    expect(slugs(dr)).toEqual(['aurelia-water', 'harbor-db-eu-pinned', 'eu-pinned-db-to-dr-copy-us', 'harbor-dr-copy-us']);
    const tracker = one('data-residency-breach', 'error-tracker');
    expect(tracker.objects).toContain(idOf('tenants', 'st-brendans-health'));
    // Mercy Valley allows us-east-1 and Pinecrest the US: neither is a breach there.
    expect(tracker.objects).not.toContain(idOf('tenants', 'mercy-valley-clinics'));
    expect(one('data-residency-breach', 'scribewell').objects).not.toContain(idOf('tenants', 'pinecrest-logistics'));
  });

  it('reports the whole demo: errors exist, findings sorted worst first', () => {
    expect(report.counts.error).toBeGreaterThan(10);
    const order = report.findings.map((f) => ({ error: 0, warning: 1, info: 2 })[f.severity]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const f of report.findings) {
      expect(f.objects[0]).toBe(f.subject.id);
      expect(f.hint.length).toBeGreaterThan(10);
    }
  });

  it('fires fewer rules once the gaps are fixed in the bundle', () => {
    const fixed = DEMO_TEXT
      .replace(/(slug: log-store[\s\S]*?retention: )''/, "$1'90 days hot, 1 year archive'")
      .replace(/(slug: psa-ticketing[\s\S]*?accessControl: )''/, "$1'SSO via Entra ID with MFA'");
    const after = lintScope(buildIsmsGraph(demoModel(fixed).objects), { today: TODAY });
    expect(after.byRule['secondary-data-retention-unrecorded']).toBe(0);
    expect(after.byRule['support-access-controls-unrecorded']).toBe(0);
  });
});

describe('residency, blast radius and tenant data on the demo', () => {
  it('lists each EU-only tenant\u2019s breaches and none for tenants that allow the US', () => {
    const rows = new Map(residencyReport(graph).map((r) => [r.tenant.slug, r]));
    const aurelia = rows.get('aurelia-water')!;
    expect(aurelia.breaches.map((b) => b.component.slug).sort()).toEqual(['error-tracker', 'harbor-dr-copy-us', 'support-chat']);
    expect(aurelia.breaches.every((b) => b.disallowed.includes('us-east-1') && b.path[0]!.slug === 'aurelia-water')).toBe(true);
    expect(rows.get('mercy-valley-clinics')!.breaches).toEqual([]);
    expect(rows.get('pinecrest-logistics')!.breaches).toEqual([]);
    const detail = tenantResidency(graph, idOf('tenants', 'aurelia-water'))!;
    expect(detail.places.find((p) => p.component.slug === 'harbor-db-eu-pinned')!.verdict).toBe('allowed');
    expect(detail.places.find((p) => p.component.slug === 'harbor-dr-copy-us')!.verdict).toBe('breach');
    expect(detail.places.filter((p) => p.verdict === 'breach')).toHaveLength(aurelia.breaches.length);
  });

  it('ranks shared components by tier-weighted exposure', () => {
    const radius = blastRadius(graph);
    const ranking = radius.ranking;
    expect(ranking.length).toBeGreaterThan(10);
    for (let i = 1; i < ranking.length; i++) expect(ranking[i - 1]!.score).toBeGreaterThanOrEqual(ranking[i]!.score);
    const aws = ranking.find((e) => e.component.slug === 'aws')!;
    expect(aws.tenants).toBe(model.objects.tenants.length);
    const cache = ranking.find((e) => e.component.slug === 'harbor-cache-prod')!;
    expect(cache.byTier).toEqual({ A: 0, B: 0, C: 3 });
    expect(cache.score).toBe(3);
    // Halden's dedicated database is not shared: it is not ranked.
    expect(ranking.find((e) => e.component.slug === 'harbor-db-halden')).toBeUndefined();
    expect(radius.exposedTenants(idOf('systems', 'harbor-cache-prod'))!.map((t) => t.slug)).toEqual(['cobalt-finch-retail', 'northgate-dental', 'ridgeway-architects']);
  });

  it('agrees with the tenant page\u2019s footprint when every flow carries data, for every tenant', () => {
    for (const tenant of model.objects.tenants) {
      const expected = footprintIds(tenant, model.objects.systems as never, model.objects.dataFlows as never);
      const map = tenantDataMap(graph, tenant.id, { carries: () => true })!;
      expect(new Set(map.systems.map((s) => s.id)), tenant.slug).toEqual(new Set(expected.systems.keys()));
      expect(new Set(map.vendors.map((v) => v.id)), tenant.slug).toEqual(new Set(expected.vendors.keys()));
      expect(new Set(map.flows.map((f) => f.id)), tenant.slug).toEqual(expected.flows);
    }
  });
});
