import { customerDataSources, type CustomerDataSources } from './customer-data.js';
import type { IsmsGraph } from './graph.js';
import {
  DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS, DEFAULT_REVIEW_MAX_AGE_MONTHS,
  type IsolationTestResult, type LintOptions, type ScopeException, type VendorCriticality,
} from './lint-options.js';
import { tenantReach, type TenantReach } from './reach.js';
import { TenantDataTracer } from './trace.js';

/** What a rule sees: the graph, the options with their defaults, and the shared analyses computed on demand. */
export interface LintContext {
  readonly graph: IsmsGraph;
  readonly today: string;
  readonly reviewMaxAgeMonths: Readonly<Record<VendorCriticality, number>>;
  readonly isolationTestMaxAgeDays: number;
  readonly exceptions: readonly ScopeException[];
  readonly isolationTests: readonly IsolationTestResult[] | null;
  /** Findings an approved, unexpired exception silenced in this run (filled by `exceptionFor`). */
  readonly excepted: ExceptedFinding[];
  readonly serviceInScope: (serviceIndex: number) => boolean;
  readonly reach: () => TenantReach;
  readonly customerData: () => CustomerDataSources;
  readonly tracer: () => TenantDataTracer;
}

/** A finding a rule would have reported, silenced by an approved exception that holds today. */
export interface ExceptedFinding {
  ruleId: string;
  objectId: string;
  expiresOn: string;
  reference: string | null;
}

/** The context of one lint run: options with their defaults, and the analyses rules share, each computed once. */
export function lintContext(graph: IsmsGraph, options: LintOptions): LintContext {
  const outOfScope = new Set(options.outOfScopeServiceIds ?? []);
  let tracer: TenantDataTracer | null = null;
  return {
    graph,
    today: options.today,
    reviewMaxAgeMonths: { ...DEFAULT_REVIEW_MAX_AGE_MONTHS, ...options.reviewMaxAgeMonths },
    isolationTestMaxAgeDays: options.isolationTestMaxAgeDays ?? DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS,
    exceptions: options.exceptions ?? [],
    isolationTests: options.isolationTests ?? null,
    excepted: [],
    serviceInScope: (i) => !outOfScope.has(graph.services[i]!.id),
    reach: () => tenantReach(graph),
    customerData: () => customerDataSources(graph),
    tracer: () => (tracer ??= new TenantDataTracer(graph, tenantReach(graph))),
  };
}

/** An approved exception for `ruleId` on any of `objectIds` that still holds today, or the closest miss. */
export function exceptionFor(ctx: LintContext, ruleId: string, objectIds: readonly string[]): { valid: ScopeException | null; invalid: ScopeException | null } {
  let invalid: ScopeException | null = null;
  for (const e of ctx.exceptions) {
    if (e.ruleId !== ruleId || !objectIds.includes(e.objectId)) continue;
    if (e.approved && e.expiresOn !== null && e.expiresOn >= ctx.today) {
      if (!ctx.excepted.some((x) => x.ruleId === ruleId && x.objectId === e.objectId)) {
        ctx.excepted.push({ ruleId, objectId: e.objectId, expiresOn: e.expiresOn, reference: e.reference ?? null });
      }
      return { valid: e, invalid: null };
    }
    invalid ??= e;
  }
  return { valid: null, invalid };
}
