import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/model/scope/finding.js';
import type { LintOptions } from '../../../src/model/scope/lint-options.js';
import { lintScope } from '../../../src/model/scope/lint.js';
import { SCOPE_RULES } from '../../../src/model/scope/rules/index.js';
import { model, type ModelBuilder } from './model-builder.js';

/** Each rule on a small organization where it must fire, and on the corrected one where it must not. */
const TODAY = '2026-03-01';
function run(ruleId: string, m: ModelBuilder, options: Partial<LintOptions> = {}): Finding[] {
  const rule = SCOPE_RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return lintScope(m.graph(), { today: TODAY, ...options }, [rule]).findings;
}
const subjects = (findings: Finding[]) => findings.map((f) => f.subject.slug).sort();

/** A pooled product: two tenants of one service on an app and its database. */
function pooled(): ModelBuilder {
  return model().service('saas')
    .tenant('acme', { services: ['saas'], tier: 'A' }).tenant('globex', { services: ['saas'], tier: 'C' })
    .system('app', { services: ['saas'], dataCategories: ['customer-content', 'personal-data'] })
    .system('db', { kind: 'database', services: ['saas'], dataCategories: ['customer-content', 'personal-data'] })
    .flow('app', 'db', { dataCategories: ['customer-content', 'personal-data'], service: 'saas' });
}

describe('every rule', () => {
  it('has a unique id, a title, a description and a severity', () => {
    const ids = SCOPE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of SCOPE_RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)+$/);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.description.length).toBeGreaterThan(20);
      expect(['error', 'warning', 'info']).toContain(r.severity);
    }
  });

  it('finds nothing wrong with a well-kept organization', () => {
    const report = lintScope(pooled().graph(), { today: TODAY, isolationTests: [
      { systemId: 'system:app', testedOn: '2026-02-01', passed: true }, { systemId: 'system:db', testedOn: '2026-02-01T10:00:00Z', passed: true },
    ] });
    expect(report.findings).toEqual([]);
    expect(Object.keys(report.byRule)).toEqual(SCOPE_RULES.map((r) => r.id));
  });

  it('rejects a "today" that is not a date', () => {
    expect(() => lintScope(pooled().graph(), { today: '2026-02-30' })).toThrow(RangeError);
  });
});

describe('out-of-scope-customer-data', () => {
  const m = (inScope: boolean, categories: ('personal-data' | 'telemetry')[]) => pooled()
    .system('reports', { kind: 'analytics', inScope, exclusionJustification: 'internal', dataCategories: ['telemetry'] })
    .system('dash', { kind: 'analytics', inScope, exclusionJustification: 'internal', dataCategories: ['telemetry'] })
    .flow('db', 'reports', { dataCategories: categories }).flow('reports', 'dash', { dataCategories: categories });
  it('fires on every excluded system a chain of flows brings personal data to, naming the chain', () => {
    const found = run('out-of-scope-customer-data', m(false, ['personal-data']));
    expect(subjects(found)).toEqual(['dash', 'reports']);
    const dash = found.find((f) => f.subject.slug === 'dash')!;
    expect(dash.path.map((p) => p.slug)).toEqual(['db', 'db-to-reports', 'reports', 'reports-to-dash', 'dash']);
    expect(dash.message).toContain('receives personal data from System reports');
  });
  it('fires on an excluded system that stores customer data itself', () => {
    const found = run('out-of-scope-customer-data', pooled().system('crm', { inScope: false, exclusionJustification: 'x', dataCategories: ['credentials'] }));
    expect(subjects(found)).toEqual(['crm']);
    expect(found[0]!.message).toContain('stores credentials');
  });
  it('does not fire when only telemetry leaves the scope, or when the systems are in scope', () => {
    expect(run('out-of-scope-customer-data', m(false, ['telemetry']))).toEqual([]);
    expect(run('out-of-scope-customer-data', m(true, ['personal-data']))).toEqual([]);
  });
});

describe('service-depends-on-excluded-system', () => {
  it('fires when a service lists an excluded system', () => {
    const found = run('service-depends-on-excluded-system', pooled().system('chat', { services: ['saas'], inScope: false, exclusionJustification: 'SaaS' }));
    expect(subjects(found)).toEqual(['chat']);
    expect(found[0]!.path.map((p) => p.kind)).toEqual(['service', 'system']);
  });
  it('does not fire for an excluded system no service depends on, nor for a service outside the scope statement', () => {
    expect(run('service-depends-on-excluded-system', pooled().system('chat', { inScope: false, exclusionJustification: 'SaaS' }))).toEqual([]);
    expect(run('service-depends-on-excluded-system', pooled().system('chat', { services: ['saas'], inScope: false, exclusionJustification: 'SaaS' }),
      { outOfScopeServiceIds: ['service:saas'] })).toEqual([]);
  });
});

describe('excluded-system-has-in-scope-dependents', () => {
  it('fires when an excluded system deploys to, or sends customer data to, in-scope systems', () => {
    const m = pooled().system('pipeline', { kind: 'ci-cd', inScope: false, exclusionJustification: 'SaaS', deploysToProduction: true, dataCategories: ['none'] })
      .flow('pipeline', 'app', { dataCategories: ['none'] });
    expect(subjects(run('excluded-system-has-in-scope-dependents', m))).toEqual(['pipeline']);
    const feeder = pooled().system('import', { inScope: false, exclusionJustification: 'x' }).flow('import', 'db', { dataCategories: ['personal-data'] });
    expect(subjects(run('excluded-system-has-in-scope-dependents', feeder))).toEqual(['import']);
  });
  it('does not fire for a telemetry feed, or when the target is excluded too', () => {
    expect(run('excluded-system-has-in-scope-dependents', pooled().system('probe', { inScope: false, exclusionJustification: 'x' })
      .flow('probe', 'app', { dataCategories: ['telemetry'] }))).toEqual([]);
    expect(run('excluded-system-has-in-scope-dependents', pooled().system('a', { inScope: false, exclusionJustification: 'x' })
      .system('b', { inScope: false, exclusionJustification: 'x' }).flow('a', 'b'))).toEqual([]);
  });
});

describe('exclusion-without-justification', () => {
  it('fires on an exclusion with an empty or blank justification', () => {
    const found = run('exclusion-without-justification', pooled().system('x', { inScope: false, exclusionJustification: '  ' }));
    expect(subjects(found)).toEqual(['x']);
    expect(found[0]!.field).toBe('exclusionJustification');
  });
  it('does not fire on a justified exclusion', () => {
    expect(run('exclusion-without-justification', pooled().system('x', { inScope: false, exclusionJustification: 'no data' }))).toEqual([]);
  });
});

describe('support-access-outside-scope and support-access-controls-unrecorded', () => {
  const tool = (o: { inScope?: boolean; accessControl?: string; logging?: string; kind?: 'rmm' | 'application' }) =>
    pooled().system('helpdesk', { kind: o.kind ?? 'rmm', services: ['saas'], inScope: o.inScope ?? true, exclusionJustification: 'x', accessControl: o.accessControl ?? 'SSO', logging: o.logging ?? 'audit' });
  it('fires on an RMM with tenant data outside the scope', () => {
    const found = run('support-access-outside-scope', tool({ inScope: false }));
    expect(subjects(found)).toEqual(['helpdesk']);
    expect(found[0]!.path[0]!.kind).toBe('tenant');
  });
  it('fires when access control or logging is not recorded', () => {
    const found = run('support-access-controls-unrecorded', tool({ accessControl: '', logging: '' }));
    expect(found[0]!.message).toContain('no access control and no logging');
    expect(run('support-access-controls-unrecorded', tool({ logging: '' }))[0]!.field).toBe('logging');
  });
  it('does not fire in scope with controls recorded, nor for other kinds of system', () => {
    expect(run('support-access-outside-scope', tool({}))).toEqual([]);
    expect(run('support-access-controls-unrecorded', tool({}))).toEqual([]);
    expect(run('support-access-outside-scope', tool({ inScope: false, kind: 'application' }))).toEqual([]);
  });
  it('does not fire for a support tool that touches no tenant data', () => {
    const m = model().system('internal-tickets', { kind: 'ticketing', inScope: false, exclusionJustification: 'x', dataCategories: ['telemetry'], accessControl: '' });
    expect(run('support-access-outside-scope', m)).toEqual([]);
    expect(run('support-access-controls-unrecorded', m)).toEqual([]);
  });
});

describe('secondary-data-outside-scope and secondary-data-retention-unrecorded', () => {
  const logs = (inScope: boolean, retention: string) => pooled()
    .system('logs', { kind: 'logging', inScope, exclusionJustification: 'x', retention, dataCategories: ['telemetry'] })
    .flow('app', 'logs', { dataCategories: ['telemetry', 'tenant-metadata'] });
  it('fires on a log store receiving tenant data outside the scope, and on one without retention', () => {
    const out = run('secondary-data-outside-scope', logs(false, '90 days'));
    expect(subjects(out)).toEqual(['logs']);
    expect(out[0]!.path.map((p) => p.slug)).toEqual(['acme', 'saas', 'app', 'app-to-logs', 'logs']);
    expect(subjects(run('secondary-data-retention-unrecorded', logs(true, '')))).toEqual(['logs']);
  });
  it('does not fire in scope with retention recorded, or when no tenant data arrives', () => {
    expect(run('secondary-data-outside-scope', logs(true, '90 days'))).toEqual([]);
    expect(run('secondary-data-retention-unrecorded', logs(true, '90 days'))).toEqual([]);
    const quiet = model().system('logs', { kind: 'logging', inScope: false, exclusionJustification: 'x', retention: '', dataCategories: ['telemetry'] });
    expect(run('secondary-data-outside-scope', quiet)).toEqual([]);
    expect(run('secondary-data-retention-unrecorded', quiet)).toEqual([]);
  });
});

describe('deployment-pipeline-outside-scope', () => {
  const ci = (inScope: boolean, deploys: boolean) => pooled()
    .system('ci', { kind: 'ci-cd', inScope, exclusionJustification: 'SaaS', deploysToProduction: deploys, dataCategories: ['credentials'] })
    .flow('ci', 'app', { dataCategories: ['none'] });
  it('fires on a pipeline that deploys to production but is excluded', () => {
    const found = run('deployment-pipeline-outside-scope', ci(false, true));
    expect(found[0]!.path.map((p) => p.slug)).toEqual(['ci', 'ci-to-app', 'app']);
  });
  it('does not fire in scope or without deploy rights', () => {
    expect(run('deployment-pipeline-outside-scope', ci(true, true))).toEqual([]);
    expect(run('deployment-pipeline-outside-scope', ci(false, false))).toEqual([]);
  });
});

describe('admin-access-provider-outside-scope', () => {
  const idp = (inScope: boolean, grants: boolean) => pooled()
    .system('idp', { kind: 'identity-provider', inScope, exclusionJustification: 'vendor certified', grantsAdminAccess: grants })
    .flow('idp', 'app');
  it('fires on an identity provider granting admin access outside the scope', () => {
    expect(subjects(run('admin-access-provider-outside-scope', idp(false, true)))).toEqual(['idp']);
  });
  it('does not fire in scope or without admin grants', () => {
    expect(run('admin-access-provider-outside-scope', idp(true, true))).toEqual([]);
    expect(run('admin-access-provider-outside-scope', idp(false, false))).toEqual([]);
  });
});

describe('vendor-not-reviewed and vendor-review-overdue', () => {
  const withVendor = (o: Parameters<ModelBuilder['vendor']>[1]) => pooled().vendor('transcribe', o).flow('app', 'vendor:transcribe', { dataCategories: ['personal-data'] });
  it('fires on a vendor receiving personal data with no review, an open review, or a rejected one', () => {
    expect(run('vendor-not-reviewed', withVendor({ reviewStatus: 'not-reviewed', reviewedOn: null }))[0]!.message).toContain('never had a security review');
    expect(run('vendor-not-reviewed', withVendor({ reviewStatus: 'in-review', reviewedOn: null }))[0]!.message).toContain('still in security review');
    expect(run('vendor-not-reviewed', withVendor({ reviewStatus: 'rejected', reviewedOn: '2025-01-01' }))[0]!.message).toContain('rejected');
    expect(run('vendor-not-reviewed', withVendor({ reviewStatus: 'approved', reviewedOn: null }))[0]!.field).toBe('reviewedOn');
  });
  it('does not fire for a reviewed vendor, or an unreviewed one that handles no customer data', () => {
    expect(run('vendor-not-reviewed', withVendor({}))).toEqual([]);
    expect(run('vendor-not-reviewed', pooled().vendor('fonts', { reviewStatus: 'not-reviewed', reviewedOn: null }))).toEqual([]);
  });
  it('fires when the review is older than the criticality allows, as configured', () => {
    const found = run('vendor-review-overdue', withVendor({ criticality: 'critical', reviewedOn: '2025-02-28' }));
    expect(found[0]!.message).toContain('due on 2026-02-28');
    expect(run('vendor-review-overdue', withVendor({ criticality: 'low', reviewedOn: '2023-03-01' }))).toEqual([]);
    expect(run('vendor-review-overdue', withVendor({ criticality: 'low', reviewedOn: '2023-02-28' }))).toHaveLength(1);
    expect(run('vendor-review-overdue', withVendor({ criticality: 'medium', reviewedOn: '2025-06-01' }), { reviewMaxAgeMonths: { medium: 6 } })).toHaveLength(1);
  });
  it('does not fire for a recent review', () => {
    expect(run('vendor-review-overdue', withVendor({ criticality: 'critical', reviewedOn: '2025-03-01' }))).toEqual([]);
  });
  it('counts a vendor that hosts a system with customer data', () => {
    const hosted = pooled().vendor('cloud', { reviewStatus: 'not-reviewed', reviewedOn: null });
    hosted.systems.find((s) => s.slug === 'db')!.hostingVendorId = 'vendor:cloud';
    expect(run('vendor-not-reviewed', hosted)[0]!.path.map((p) => p.slug)).toEqual(['db', 'cloud']);
  });
});

describe('vendor-processor-not-flagged', () => {
  it('fires on a vendor receiving tenants\u2019 personal data that is not a sub-processor', () => {
    const m = pooled().vendor('ai', { subProcessor: false }).flow('app', 'vendor:ai', { dataCategories: ['personal-data'] });
    const found = run('vendor-processor-not-flagged', m);
    expect(found[0]!.path.at(-1)!.slug).toBe('ai');
    expect(found[0]!.path[0]!.kind).toBe('tenant');
  });
  it('does not fire for a sub-processor, or for metadata only', () => {
    expect(run('vendor-processor-not-flagged', pooled().vendor('ai', { subProcessor: true }).flow('app', 'vendor:ai'))).toEqual([]);
    expect(run('vendor-processor-not-flagged', pooled().vendor('ai', { subProcessor: false }).flow('app', 'vendor:ai', { dataCategories: ['tenant-metadata'] }))).toEqual([]);
  });
});

describe('nonproduction-receives-personal-data', () => {
  const staging = () => pooled().system('staging', { environment: 'staging', inScope: false, exclusionJustification: 'synthetic data' }).flow('db', 'staging', { dataCategories: ['customer-content'] });
  const exception = (o: { approved?: boolean; expiresOn?: string | null }) => ({
    exceptions: [{ ruleId: 'nonproduction-receives-personal-data', objectId: 'flow:db-to-staging', approved: o.approved ?? true, expiresOn: o.expiresOn === undefined ? '2026-12-31' : o.expiresOn }],
  });
  it('fires without an exception, and with an unapproved, open-ended or expired one', () => {
    expect(run('nonproduction-receives-personal-data', staging())[0]!.message).toContain('no exception is recorded');
    expect(run('nonproduction-receives-personal-data', staging(), exception({ approved: false }))[0]!.message).toContain('not approved');
    expect(run('nonproduction-receives-personal-data', staging(), exception({ expiresOn: null }))[0]!.message).toContain('no end date');
    expect(run('nonproduction-receives-personal-data', staging(), exception({ expiresOn: '2026-02-28' }))[0]!.message).toContain('expired on 2026-02-28');
  });
  it('does not fire with an approved exception running until today or later, or for synthetic data', () => {
    expect(run('nonproduction-receives-personal-data', staging(), exception({ expiresOn: TODAY }))).toEqual([]);
    expect(run('nonproduction-receives-personal-data', pooled().system('staging', { environment: 'staging' }).flow('db', 'staging', { dataCategories: ['tenant-metadata'] }))).toEqual([]);
  });
});

describe('isolation-mechanism-unrecorded and isolation-test-evidence-missing', () => {
  const cache = (isolationMechanism: string) => pooled().system('cache', { kind: 'cache', services: ['saas'], isolationMechanism });
  it('fires on a system shared by two tenants with no mechanism', () => {
    const found = run('isolation-mechanism-unrecorded', cache(''));
    expect(subjects(found)).toEqual(['cache']);
    expect(found[0]!.message).toContain('2 tenants');
  });
  it('does not fire with a mechanism, or for a system of one tenant', () => {
    expect(run('isolation-mechanism-unrecorded', cache('key prefix per tenant'))).toEqual([]);
    const single = model().service('saas').tenant('acme', { services: ['saas'] }).system('cache', { services: ['saas'], isolationMechanism: '' });
    expect(run('isolation-mechanism-unrecorded', single)).toEqual([]);
  });
  it('reports missing evidence as info until isolation tests exist, then as warnings and failed tests as errors', () => {
    const none = run('isolation-test-evidence-missing', cache('prefix'));
    expect(subjects(none)).toEqual(['app', 'cache', 'db']);
    expect(none.every((f) => f.severity === 'info')).toBe(true);
    const tests = (app: string, passed = true) => ({ isolationTests: [
      { systemId: 'system:app', testedOn: app, passed }, { systemId: 'system:db', testedOn: '2026-02-20', passed: true }, { systemId: 'system:cache', testedOn: '2026-02-20', passed: true },
    ] });
    expect(run('isolation-test-evidence-missing', cache('prefix'), tests('2026-02-01'))).toEqual([]);
    const stale = run('isolation-test-evidence-missing', cache('prefix'), tests('2025-11-01'));
    expect(stale.map((f) => [f.subject.slug, f.severity])).toEqual([['app', 'warning']]);
    expect(stale[0]!.message).toContain('120 days old');
    expect(run('isolation-test-evidence-missing', cache('prefix'), { ...tests('2025-11-01'), isolationTestMaxAgeDays: 150 })).toEqual([]);
    expect(run('isolation-test-evidence-missing', cache('prefix'), tests('2026-02-27', false))[0]!.severity).toBe('error');
  });
});

describe('data-residency-breach and region-unrecorded', () => {
  const residency = (region: 'us-east-1' | 'eu-central-1' | null) => pooled()
    .tenant('yankee', { services: ['saas'], allowedRegions: ['EU', 'US'] })
    .system('errors', { kind: 'monitoring', regions: region ? [region] : [] })
    .flow('app', 'errors', { service: 'saas' });
  it('fires on a system outside the tenants\u2019 allowed regions, naming them and the path', () => {
    const m = residency('us-east-1');
    m.tenants.find((t) => t.slug === 'acme')!.allowedRegions = ['EU'];
    m.tenants.find((t) => t.slug === 'globex')!.allowedRegions = ['EU', 'UK'];
    const found = run('data-residency-breach', m);
    expect(subjects(found)).toEqual(['errors']);
    expect(found[0]!.objects).toEqual(['system:errors', 'tenant:acme', 'tenant:globex']);
    expect(found[0]!.path.map((p) => p.slug)).toEqual(['acme', 'saas', 'app', 'app-to-errors', 'errors']);
    expect(found[0]!.message).toContain('us-east-1 (US)');
  });
  it('does not fire where the region is allowed, or for tenants without an allowance', () => {
    const m = residency('eu-central-1');
    m.tenants.find((t) => t.slug === 'acme')!.allowedRegions = ['eu-central-1', 'eu-west-1'];
    expect(run('data-residency-breach', m)).toEqual([]);
    m.tenants.find((t) => t.slug === 'acme')!.allowedRegions = ['eu-west-1'];
    expect(run('data-residency-breach', m).map((f) => f.objects)).toEqual([['system:errors', 'tenant:acme']]);
    expect(run('data-residency-breach', residency('us-east-1'))).toEqual([]);
  });
  it('warns when a system with restricted tenants\u2019 data records no region', () => {
    const m = residency(null);
    expect(subjects(run('region-unrecorded', m))).toEqual(['errors']);
    expect(run('region-unrecorded', residency('eu-central-1'))).toEqual([]);
  });
});
