import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { blastRadius, DEFAULT_TIER_WEIGHTS, type BlastRadiusEntry } from '../model/scope/blast-radius.js';
import { serviceDiagram, tenantDiagram, type DiagramMarks } from '../model/scope/diagram.js';
import type { Finding, Severity } from '../model/scope/finding.js';
import type { IsmsGraph } from '../model/scope/graph.js';
import { DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS, type LintOptions } from '../model/scope/lint-options.js';
import { lintScope, type LintReport } from '../model/scope/lint.js';
import { residencyReport, tenantResidency, type TenantResidency } from '../model/scope/residency.js';
import { SCOPE_RULES } from '../model/scope/rules/index.js';
import { tenantDataMap, type TenantDataMap } from '../model/scope/tenant-data.js';
import type { TenantTier } from '../model/tenant.js';
import { renderSvg } from '../reports/diagram-svg.js';
import { servicesOutsideScope } from '../store/scope-statement.js';
import { allResources } from '../store/resource-store.js';
import { controlExceptionResource, scopeExceptionsOf, systemsByService } from '../model/control-exception.js';
import { systemResource } from '../model/system.js';
import { evidenceResource, isolationTestsOf } from '../model/evidence.js';
import { asActor } from './resources.js';
import { loadGraph, memoPerGraph } from './scope-graph.js';

/** A page of an analysis list: the analyses are computed whole, then paged by position. */
export interface AnalysisPage<T> { items: T[]; nextCursor: string | null; total: number }

/** The options a caller may set; the organization's own records add the rest in `lintOptionsFor`. */
export interface LintInputs {
  today?: string | undefined;
  isolationTestMaxAgeDays?: number | undefined;
  reviewMaxAgeMonths?: LintOptions['reviewMaxAgeMonths'];
  disabledRules?: readonly string[] | undefined;
}

/**
 * The lint options of an organization, in one place for the API and `tenantproof lint --org`: the caller's inputs
 * plus the organization's own records, read in the actor's context. Today that is the scope statement: services
 * its current version does not cover are outside the ISMS (before a first version, every service is in scope).
 * Control exceptions on the controls a rule stands for (RULES_BY_CONTROL) become the linter's exceptions, and
 * evidence recording an isolation test of systems becomes their isolation test results; without any such
 * evidence the linter keeps saying there is none yet.
 */
export async function lintOptionsFor(db: Kysely<any>, actor: Actor, inputs: LintInputs): Promise<LintOptions> {
  const { outside, exceptions, isolationTests } = await asActor(db, actor, async (trx) => ({
    outside: await servicesOutsideScope(trx),
    exceptions: await scopeExceptionsIn(trx),
    isolationTests: isolationTestsOf(await allResources(trx, evidenceResource)),
  }));
  return {
    ...(exceptions.length ? { exceptions } : {}),
    ...(isolationTests.length ? { isolationTests } : {}),
    today: inputs.today ?? new Date().toISOString().slice(0, 10),
    isolationTestMaxAgeDays: inputs.isolationTestMaxAgeDays ?? DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS,
    ...(inputs.reviewMaxAgeMonths ? { reviewMaxAgeMonths: inputs.reviewMaxAgeMonths } : {}),
    ...(inputs.disabledRules?.length ? { disabledRules: inputs.disabledRules } : {}),
    ...(outside && outside.length ? { outOfScopeServiceIds: outside } : {}),
  };
}

/** Stored exceptions as the linter's; the systems of a service are read only when a service-scoped one exists. */
async function scopeExceptionsIn(trx: Transaction<any>) {
  const stored = await allResources(trx, controlExceptionResource);
  const byService = stored.some((e) => typeof e.serviceId === 'string') ? systemsByService(await allResources(trx, systemResource)) : new Map<string, string[]>();
  return scopeExceptionsOf(stored, byService);
}

const lintMemo = memoPerGraph<LintReport>();
const blastMemo = memoPerGraph<BlastRadiusEntry[]>();
const residencyMemo = memoPerGraph<TenantResidency[]>();

function lintReport(graph: IsmsGraph, options: LintOptions): LintReport {
  return lintMemo(graph, JSON.stringify(options), () => lintScope(graph, options));
}

/** The scope linter over the actor's organization, as stored (the API's findings and `tenantproof lint --org`). */
export async function lintOrganization(db: Kysely<any>, actor: Actor, inputs: LintInputs): Promise<{ options: LintOptions; report: LintReport }> {
  authorize(actor, 'read', 'scope-analysis');
  const graph = await loadGraph(db, actor);
  const options = await lintOptionsFor(db, actor, inputs);
  return { options, report: lintReport(graph, options) };
}

/** Every scope rule the linter runs. */
export function scopeRules(actor: Actor) {
  authorize(actor, 'read', 'scope-analysis');
  return { items: SCOPE_RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, description: r.description })) };
}

export interface FindingsQuery extends LintInputs {
  severity?: Severity | undefined;
  rule?: string | undefined;
  /** An object id appearing in the finding (subject or path). */
  object?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The scope linter's report of the organization: counts of the whole report, and a filtered page of findings. */
export async function scopeFindings(db: Kysely<any>, actor: Actor, query: FindingsQuery) {
  const { options, report } = await lintOrganization(db, actor, { today: query.today, isolationTestMaxAgeDays: query.isolationTestMaxAgeDays });
  const matches = (f: Finding) => (!query.severity || f.severity === query.severity)
    && (!query.rule || f.ruleId === query.rule)
    && (!query.object || f.objects.includes(query.object));
  const filtered = query.severity || query.rule || query.object ? report.findings.filter(matches) : report.findings;
  return { today: options.today, counts: report.counts, byRule: report.byRule, ...page(filtered, query.limit, query.cursor), excepted: report.excepted };
}

export interface BlastRadiusQuery {
  weights?: Partial<Record<TenantTier, number | undefined>>;
  limit: number;
  cursor?: string | undefined;
}

/** Shared systems and vendors ranked by the tenants their compromise would expose. */
export async function scopeBlastRadius(db: Kysely<any>, actor: Actor, query: BlastRadiusQuery) {
  authorize(actor, 'read', 'scope-analysis');
  const graph = await loadGraph(db, actor);
  const w = query.weights ?? {};
  const weights = { A: w.A ?? DEFAULT_TIER_WEIGHTS.A, B: w.B ?? DEFAULT_TIER_WEIGHTS.B, C: w.C ?? DEFAULT_TIER_WEIGHTS.C };
  const ranking = blastMemo(graph, JSON.stringify(weights), () => blastRadius(graph, { tierWeights: weights }).ranking);
  return { weights, ...page(ranking, query.limit, query.cursor) };
}

/** Every tenant with allowed regions: where its data is outside them, with the path that carries it there. */
export async function scopeResidency(db: Kysely<any>, actor: Actor, query: { tenant?: string | undefined; limit: number; cursor?: string | undefined }) {
  authorize(actor, 'read', 'scope-analysis');
  const graph = await loadGraph(db, actor);
  const all = residencyMemo(graph, '', () => residencyReport(graph));
  return page(query.tenant ? all.filter((r) => r.tenant.id === query.tenant) : all, query.limit, query.cursor);
}

/** A tenant-viewer asks only about its own tenant; another tenant answers exactly like a missing one. */
function ownTenantOnly(actor: Actor, tenantId: string): void {
  authorize(actor, 'read', 'tenant-data-map');
  if (actor.tenantId && actor.tenantId !== tenantId) throw new AppError('not_found', 'Tenant not found.');
}

/** Where one tenant's data goes: systems, vendors and flows. */
export async function tenantDataMapOf(db: Kysely<any>, actor: Actor, tenantId: string): Promise<TenantDataMap> {
  ownTenantOnly(actor, tenantId);
  const map = tenantDataMap(await loadGraph(db, actor), tenantId);
  if (!map) throw new AppError('not_found', 'Tenant not found.');
  return map;
}

/** Every system and vendor one tenant's data reaches, with its regions and whether they are allowed. */
export async function tenantResidencyOf(db: Kysely<any>, actor: Actor, tenantId: string) {
  ownTenantOnly(actor, tenantId);
  const result = tenantResidency(await loadGraph(db, actor), tenantId);
  if (!result) throw new AppError('not_found', 'Tenant not found.');
  return result;
}

export type DiagramFormat = 'svg' | 'dot';
export interface Diagram { slug: string; format: DiagramFormat; body: string }

/** A service's data-flow diagram, marking residency breaches of any tenant and the subjects of findings. */
export async function serviceDiagramOf(db: Kysely<any>, actor: Actor, serviceId: string, format: DiagramFormat): Promise<Diagram> {
  authorize(actor, 'read', 'scope-analysis');
  const graph = await loadGraph(db, actor);
  const service = graph.serviceIndex.get(serviceId);
  if (service === undefined) throw new AppError('not_found', 'Service not found.');
  const disallowed = new Map<string, Set<string>>();
  for (const r of residencyMemo(graph, '', () => residencyReport(graph))) {
    for (const b of r.breaches) for (const region of b.disallowed) disallowed.set(b.component.id, (disallowed.get(b.component.id) ?? new Set()).add(region));
  }
  const breaches = new Map([...disallowed].map(([id, regions]) => [id, `data outside allowed regions (${[...regions].sort().join(', ')})`]));
  const findings = new Map<string, string[]>();
  for (const f of lintReport(graph, await lintOptionsFor(db, actor, {})).findings) {
    if (f.severity === 'info') continue;
    findings.set(f.subject.id, [...new Set([...(findings.get(f.subject.id) ?? []), f.ruleId])]);
  }
  return render(graph, serviceDiagram(graph, serviceId, { breaches, findings })!, `service-${graph.services[service]!.slug}`, format);
}

/**
 * A tenant's data-flow diagram, marking where its own data breaks its residency. Built from the viewer's graph,
 * so a tenant-viewer's diagram cannot draw another tenant or a system dedicated to one.
 */
export async function tenantDiagramOf(db: Kysely<any>, actor: Actor, tenantId: string, format: DiagramFormat): Promise<Diagram> {
  ownTenantOnly(actor, tenantId);
  const graph = await loadGraph(db, actor);
  const residency = tenantResidency(graph, tenantId);
  if (!residency) throw new AppError('not_found', 'Tenant not found.');
  const marks: DiagramMarks = {
    breaches: new Map(residency.places.filter((p) => p.verdict === 'breach').map((p) => [p.component.id, `outside allowed regions (${p.disallowed.join(', ')})`])),
  };
  return render(graph, tenantDiagram(graph, tenantId, marks)!, `tenant-${residency.tenant.slug}`, format);
}

/**
 * Rendered SVGs per graph: Graphviz runs in this thread (a 200-node diagram takes seconds), so a diagram is drawn
 * once per model version and viewer, not once per request. A new model is a new graph, and its entries go with it.
 */
const svgCache = new WeakMap<IsmsGraph, Map<string, string>>();
const MAX_SVGS_PER_GRAPH = 64;

async function render(graph: IsmsGraph, dot: string, slug: string, format: DiagramFormat): Promise<Diagram> {
  if (format === 'dot') return { slug, format, body: dot };
  let cache = svgCache.get(graph);
  if (!cache) svgCache.set(graph, (cache = new Map()));
  let svg = cache.get(dot);
  if (svg === undefined) {
    svg = await renderSvg(dot);
    if (cache.size >= MAX_SVGS_PER_GRAPH) cache.delete(cache.keys().next().value!);
    cache.set(dot, svg);
  }
  return { slug, format, body: svg };
}

/** Position-based paging; the cursor is opaque to clients and checked on the way back. */
function page<T>(items: readonly T[], limit: number, cursor: string | undefined): AnalysisPage<T> {
  const offset = cursor ? decodeOffset(cursor) : 0;
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length;
  return { items: slice, nextCursor: next < items.length ? Buffer.from(JSON.stringify({ o: next })).toString('base64url') : null, total: items.length };
}

function decodeOffset(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (Number.isSafeInteger(parsed?.o) && (parsed.o as number) > 0) return parsed.o as number;
  } catch { /* falls through */ }
  throw new AppError('invalid_cursor', undefined, 'cursor');
}
