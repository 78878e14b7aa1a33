/**
 * Scope you can defend: the ISMS graph and the pure analyses over it (scope linter, blast radius, residency,
 * where a tenant's data goes). No I/O: the server, the offline CLI and the tests run the same code.
 *
 * ```ts
 * const graph = buildIsmsGraph({ services, vendors, tenants, systems, dataFlows });
 * const report = lintScope(graph, { today: '2026-03-01' });
 * const ranking = blastRadius(graph).ranking;
 * const residency = residencyReport(graph);
 * ```
 */
export { buildIsmsGraph, type IsmsGraph } from './graph.js';
export type { IsmsObjects, ObjectKind, ObjectRef, ScopeDataFlow, ScopeService, ScopeSystem, ScopeTenant, ScopeVendor } from './objects.js';
export { lintScope, type LintReport } from './lint.js';
export { SCOPE_RULES } from './rules/index.js';
export type { Finding, ScopeRule, Severity } from './finding.js';
export {
  DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS, DEFAULT_REVIEW_MAX_AGE_MONTHS,
  type IsolationTestResult, type LintOptions, type ScopeException, type VendorCriticality,
} from './lint-options.js';
export { lintContext, type LintContext } from './lint-context.js';
export { blastRadius, DEFAULT_TIER_WEIGHTS, type BlastRadius, type BlastRadiusEntry, type BlastRadiusOptions } from './blast-radius.js';
export { residencyReport, tenantResidency, type ResidencyBreach, type ResidencyPlace, type TenantResidency } from './residency.js';
export { tenantDataMap, type TenantDataMap, type TenantDataOptions } from './tenant-data.js';
export { tenantReach, type TenantReach } from './reach.js';
export { bundleModel, sequentialIds, type BundleModel } from './from-bundle.js';
export { toSarif, type SarifOptions, type SourcePosition } from './sarif.js';
export { pathText } from './wording.js';
