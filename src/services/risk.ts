import type { Kysely, Transaction } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { resourceByName } from '../model/index.js';
import type { Risk } from '../model/risk.js';
import {
  DEFAULT_RISK_METHOD, heatMap, highestTier, levelRank, RISK_LEVELS, RiskAcceptanceItem, riskMethodProblem, RiskMethodSchema, scoreRisk, suggestRisks,
  type HeatMap, type RiskLevel, type RiskMethod, type RiskScore, type RiskSuggestion,
} from '../model/risk-scoring.js';
import { blastRadius, type BlastRadius } from '../model/scope/blast-radius.js';
import type { IsmsGraph } from '../model/scope/graph.js';
import type { TenantTier } from '../model/tenant.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import { recordChange } from '../ledger/record.js';
import { riskRegisterCsv, riskRegisterXlsx, type RiskTable } from '../reports/risk-register.js';
import { allResources, getResource } from '../store/resource-store.js';
import { readAcceptances, readRiskMethod, writeAcceptance, writeRiskMethod, type RiskAcceptance } from '../store/risk.js';
import type { BundleSection, SectionApplyResult } from './bundle-sections.js';
import { asActor, createWithin } from './resources.js';
import { loadGraph, memoPerGraph } from './scope-graph.js';

type Trx = Transaction<any>;
const risks = () => resourceByName('risks');

// ---------------------------------------------------------------------------------------------------------------
// The method

export interface RiskMethodView { method: RiskMethod; isDefault: boolean; updatedBy: string | null; updatedAt: string | null }

async function methodIn(trx: Trx): Promise<RiskMethod> {
  return (await readRiskMethod(trx))?.method ?? DEFAULT_RISK_METHOD;
}

export async function getRiskMethod(db: Kysely<any>, actor: Actor): Promise<RiskMethodView> {
  authorize(actor, 'read', 'risk-method');
  const stored = await asActor(db, actor, (trx) => readRiskMethod(trx));
  return stored ? { method: stored.method, isDefault: false, updatedBy: stored.updatedBy, updatedAt: stored.updatedAt }
    : { method: DEFAULT_RISK_METHOD, isDefault: true, updatedBy: null, updatedAt: null };
}

/** Validate and store the method; `prefix` places a problem's field inside a bundle section. */
async function putMethodWithin(trx: Trx, actor: Actor, method: RiskMethod, prefix = ''): Promise<boolean> {
  const problem = riskMethodProblem(method);
  if (problem) throw new AppError('invalid_value', problem.message, `${prefix}${problem.field}`);
  const before = await readRiskMethod(trx);
  // jsonb keeps keys in its own order: compare canonically
  if (before && canonicalJson(before.method) === canonicalJson(method)) return false;
  await writeRiskMethod(trx, actor.orgId, method, actorLabel(actor));
  await recordChange(trx, actor, {
    action: before ? 'update' : 'create', objectType: 'risk-method', objectId: null, objectSlug: 'risk-method', tenantId: null,
    summary: `Set the risk method: medium from ${method.thresholds.medium}, high from ${method.thresholds.high}, critical from ${method.thresholds.critical}; tier uplift A+${method.tierUplift.A} B+${method.tierUplift.B} C+${method.tierUplift.C}; owners accept up to ${method.acceptanceThreshold}`,
    before: before?.method ?? DEFAULT_RISK_METHOD, after: method,
  });
  return true;
}

export async function putRiskMethod(db: Kysely<any>, actor: Actor, method: RiskMethod): Promise<RiskMethodView> {
  authorize(actor, 'update', 'risk-method');
  await asActor(db, actor, (trx) => putMethodWithin(trx, actor, method));
  return getRiskMethod(db, actor);
}

// ---------------------------------------------------------------------------------------------------------------
// Scoring the register

/** The highest tier each system and vendor would expose, from the blast radius (computed once per graph). */
const exposureMemo = memoPerGraph<{ radius: BlastRadius; tierOf: Map<string, TenantTier | null> }>();

function exposure(graph: IsmsGraph) {
  return exposureMemo(graph, '', () => ({ radius: blastRadius(graph), tierOf: new Map() }));
}

function componentTier(graph: IsmsGraph, id: string): TenantTier | null {
  const e = exposure(graph);
  if (!e.tierOf.has(id)) e.tierOf.set(id, highestTier((e.radius.exposedTenants(id) ?? []).map((t) => t.tier)));
  return e.tierOf.get(id)!;
}

/** What the tier of a risk needs of an interested party: the tier it stands for and the tenants it is. */
export type PartyTiers = ReadonlyMap<string, { tier: TenantTier | null; tenantIds: readonly string[] }>;

/**
 * The most demanding tier a risk reaches: its tenants, the tenants its systems and vendors would expose, and the
 * interested parties it threatens (a customer tier counts as its tier, a customer as its tenants).
 */
export function riskTier(graph: IsmsGraph, risk: Pick<Risk, 'tenantIds' | 'systemIds' | 'vendorIds' | 'interestedPartyIds'>, parties: PartyTiers = new Map()): TenantTier | null {
  const tiers: TenantTier[] = [];
  const tenantIds = [...risk.tenantIds];
  for (const id of risk.interestedPartyIds) {
    const party = parties.get(id);
    if (!party) continue;
    if (party.tier) tiers.push(party.tier);
    tenantIds.push(...party.tenantIds);
  }
  for (const id of tenantIds) {
    const i = graph.tenantIndex.get(id);
    if (i !== undefined) tiers.push(graph.tenants[i]!.tier);
  }
  for (const id of [...risk.systemIds, ...risk.vendorIds]) {
    const t = componentTier(graph, id);
    if (t) tiers.push(t);
  }
  return highestTier(tiers);
}

export interface RiskEntry {
  risk: Risk;
  score: RiskScore;
  acceptance: RiskAcceptance | null;
  /** The review date has passed (and the risk is not closed). */
  reviewOverdue: boolean;
}

export interface RegisterQuery {
  status?: string | undefined;
  /** Residual level. */
  level?: RiskLevel | undefined;
  /** A heat-map cell: map, likelihood and effective impact. */
  map?: 'inherent' | 'residual' | undefined;
  likelihood?: number | undefined;
  impact?: number | undefined;
  today?: string | undefined;
}

export interface Register {
  method: RiskMethod;
  items: RiskEntry[];
  /** Over every risk that is not closed, whatever the filters. */
  heatMap: { inherent: HeatMap; residual: HeatMap };
  total: number;
}

async function partyTiers(trx: Trx): Promise<PartyTiers> {
  const parties = await allResources(trx, resourceByName('interested-parties'));
  return new Map(parties.map((p) => [p.id as string, { tier: (p.tier as TenantTier | null) ?? null, tenantIds: p.tenantIds as string[] }]));
}

async function scoredRisks(db: Kysely<any>, actor: Actor, today: string): Promise<{ method: RiskMethod; entries: RiskEntry[]; graph: IsmsGraph }> {
  authorize(actor, 'read', 'risks');
  const graph = await loadGraph(db, actor);
  const { method, all, acceptances, parties } = await asActor(db, actor, async (trx) => ({
    method: await methodIn(trx),
    all: await allResources(trx, risks()) as unknown as Risk[],
    acceptances: await readAcceptances(trx),
    parties: await partyTiers(trx),
  }));
  const entries = all.map((risk) => ({
    risk,
    score: scoreRisk(risk, riskTier(graph, risk, parties), method),
    acceptance: acceptances.get(risk.id) ?? null,
    reviewOverdue: risk.status !== 'closed' && risk.reviewOn !== null && risk.reviewOn < today,
  }));
  return { method, entries, graph };
}

const todayIso = () => new Date().toISOString().slice(0, 10);

/** Every risk with its inherent and residual score and level, acceptance, and the two heat maps. */
export async function riskRegister(db: Kysely<any>, actor: Actor, query: RegisterQuery = {}): Promise<Register> {
  const { method, entries } = await scoredRisks(db, actor, query.today ?? todayIso());
  const live = entries.filter((e) => e.risk.status !== 'closed');
  const map = query.map ?? 'residual';
  const items = entries.filter((e) => (!query.status || e.risk.status === query.status)
    && (!query.level || e.score.residual.level === query.level)
    && (query.likelihood === undefined || e.score[map].likelihood === query.likelihood)
    && (query.impact === undefined || e.score[map].effectiveImpact === query.impact));
  return {
    method, items, total: items.length,
    heatMap: { inherent: heatMap(live.map((e) => e.score.inherent)), residual: heatMap(live.map((e) => e.score.residual)) },
  };
}

const zeroLevels = (): Record<RiskLevel, number> => ({ low: 0, medium: 0, high: 0, critical: 0 });

/** For the dashboard: risks not closed, by residual and inherent level; overdue reviews; those above the threshold. */
export async function riskSummary(db: Kysely<any>, actor: Actor) {
  const { method, entries } = await scoredRisks(db, actor, todayIso());
  const live = entries.filter((e) => e.risk.status !== 'closed');
  const residual = zeroLevels();
  const inherent = zeroLevels();
  for (const e of live) { residual[e.score.residual.level] += 1; inherent[e.score.inherent.level] += 1; }
  return {
    open: live.length, residual, inherent,
    reviewOverdue: live.filter((e) => e.reviewOverdue).length,
    aboveThreshold: live.filter((e) => !e.score.acceptable).length,
    acceptanceThreshold: method.acceptanceThreshold,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Acceptance

/** The owner's sign-off: refused above the method's acceptance threshold; the risk becomes "accepted". */
export async function acceptRisk(db: Kysely<any>, actor: Actor, id: string, rationale: string): Promise<RiskEntry> {
  authorize(actor, 'create', 'risk-acceptance');
  if (!rationale.trim()) throw new AppError('invalid_value', 'Say why the residual risk is acceptable.', 'rationale');
  const graph = await loadGraph(db, actor);
  await asActor(db, actor, async (trx) => {
    const risk = await getResource(trx, risks(), id) as unknown as Risk | undefined;
    if (!risk) throw new AppError('not_found', 'Risk not found.');
    if (risk.status === 'closed') throw new AppError('conflict', 'The risk is closed; reopen it before accepting it.', 'status');
    const method = await methodIn(trx);
    const score = scoreRisk(risk, riskTier(graph, risk, await partyTiers(trx)), method);
    if (!score.acceptable) {
      throw new AppError('invalid_value',
        `The residual level is ${score.residual.level} (score ${score.residual.score}${score.residualAssessed ? '' : ', not yet assessed after treatment'}); an owner may accept up to ${method.acceptanceThreshold}. Treat the risk further and lower its residual likelihood or impact.`,
        'residualLikelihood');
    }
    await writeAcceptance(trx, id, { by: actor.email, byUser: actor.userId, rationale: rationale.trim(), level: score.residual.level });
    await recordChange(trx, actor, {
      action: 'approve', objectType: 'risk', objectId: id, objectSlug: risk.slug, tenantId: null,
      summary: `Accepted risk ${risk.name} at residual level ${score.residual.level} (score ${score.residual.score})`,
      before: risk, after: { ...risk, status: 'accepted', acceptance: rationale.trim() },
    });
  });
  const entry = (await riskRegister(db, actor)).items.find((e) => e.risk.id === id);
  if (!entry) throw new AppError('not_found', 'Risk not found.');
  return entry;
}

// ---------------------------------------------------------------------------------------------------------------
// Suggestions from the blast radius

/** Cross-tenant risks suggested for the components at the top of the blast-radius ranking. */
export async function riskSuggestions(db: Kysely<any>, actor: Actor, limit = 10): Promise<{ items: RiskSuggestion[] }> {
  authorize(actor, 'read', 'risks');
  authorize(actor, 'read', 'scope-analysis'); // it names and counts every tenant
  const graph = await loadGraph(db, actor);
  const all = await asActor(db, actor, (trx) => allResources(trx, risks())) as unknown as Risk[];
  const kinds = new Map(graph.systems.map((s) => [s.id, s.kind]));
  return { items: suggestRisks(exposure(graph).radius.ranking, kinds, all, limit) };
}

export interface AdoptInput { slug?: string | undefined; name?: string | undefined; owner?: string | undefined }

/** Create the suggested risk for one component of the ranking, linked to it, with the suggested controls. */
export async function adoptSuggestion(db: Kysely<any>, actor: Actor, componentId: string, input: AdoptInput): Promise<Risk> {
  authorize(actor, 'create', 'risks');
  authorize(actor, 'read', 'scope-analysis');
  const graph = await loadGraph(db, actor);
  const ranking = exposure(graph).radius.ranking;
  const index = ranking.findIndex((e) => e.component.id === componentId);
  if (index < 0) throw new AppError('not_found', 'No shared system or vendor with this id exposes several tenants.');
  const kinds = new Map(graph.systems.map((s) => [s.id, s.kind]));
  const [s] = suggestRisks([ranking[index]!], kinds, [], 1);
  const suggestion = s!;
  return asActor(db, actor, async (trx) => {
    let slug = input.slug ?? suggestion.slug;
    if (!input.slug) {
      const taken = new Set((await trx.selectFrom('risks').select('slug').where('slug', 'like', `${slug}%`).execute()).map((r) => r.slug as string));
      for (let n = 2; taken.has(slug); n++) slug = `${suggestion.slug.slice(0, 60)}-${n}`;
    }
    const body: Record<string, unknown> = {
      slug, name: input.name ?? suggestion.title, description: suggestion.description, owner: input.owner ?? '',
      likelihood: suggestion.likelihood, impact: suggestion.impact, controlIds: suggestion.controlIds,
      systemIds: suggestion.component.kind === 'system' ? [componentId] : [],
      vendorIds: suggestion.component.kind === 'vendor' ? [componentId] : [],
      treatment: 'mitigate', status: 'open', suggestedFrom: `${suggestion.component.kind}/${suggestion.component.slug}`,
    };
    return await createWithin(trx, actor, risks(), body) as unknown as Risk;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Export

const EXPORT_HEADERS = [
  'Slug', 'Title', 'Owner', 'Status', 'Treatment', 'Likelihood', 'Impact (assessed)', 'Highest tier reached', 'Tier uplift',
  'Impact (effective)', 'Inherent score', 'Inherent level', 'Residual likelihood', 'Residual impact (effective)', 'Residual score',
  'Residual level', 'Residual assessed', 'Annex A controls', 'Systems', 'Vendors', 'Tenants', 'Interested parties',
  'Treatment plan', 'Review on', 'Accepted by', 'Accepted at', 'Acceptance rationale', 'Description',
] as const;

async function registerTable(db: Kysely<any>, actor: Actor): Promise<{ table: RiskTable; method: RiskMethod }> {
  const { method, entries, graph } = await scoredRisks(db, actor, todayIso());
  const parties = await asActor(db, actor, (trx) => allResources(trx, resourceByName('interested-parties')));
  const slugOf = (list: readonly { id: string; slug: string }[]) => new Map(list.map((o) => [o.id, o.slug]));
  const systems = slugOf(graph.systems);
  const vendors = slugOf(graph.vendors);
  const tenants = slugOf(graph.tenants);
  const partySlugs = new Map(parties.map((p) => [p.id as string, p.slug as string]));
  const names = (ids: readonly string[], m: Map<string, string>) => ids.map((id) => m.get(id) ?? id).sort().join('; ');
  const rows = entries.map(({ risk, score, acceptance }) => [
    risk.slug, risk.name, risk.owner, risk.status, risk.treatment, String(risk.likelihood), String(risk.impact), score.highestTier ?? '',
    String(score.uplift), String(score.inherent.effectiveImpact), String(score.inherent.score), score.inherent.level,
    score.residualAssessed ? String(score.residual.likelihood) : '', score.residualAssessed ? String(score.residual.effectiveImpact) : '',
    String(score.residual.score), score.residual.level, score.residualAssessed ? 'yes' : 'no', [...risk.controlIds].sort().join('; '),
    names(risk.systemIds, systems), names(risk.vendorIds, vendors), names(risk.tenantIds, tenants), names(risk.interestedPartyIds, partySlugs),
    risk.treatmentPlan, risk.reviewOn ?? '', acceptance?.acceptedBy ?? '', acceptance?.acceptedAt ?? '', acceptance?.rationale ?? '', risk.description,
  ]);
  return { table: { headers: EXPORT_HEADERS, rows }, method };
}

export async function riskRegisterExport(db: Kysely<any>, actor: Actor, format: 'csv' | 'xlsx'): Promise<string | Buffer> {
  const { table, method } = await registerTable(db, actor);
  if (format === 'csv') return riskRegisterCsv(table);
  const t = method.thresholds;
  return riskRegisterXlsx(table, [
    ['Score', 'likelihood (1–5) × effective impact (1–5)'],
    ['Levels', `low < ${t.medium} ≤ medium < ${t.high} ≤ high < ${t.critical} ≤ critical`],
    ['Tier uplift (impact)', `A +${method.tierUplift.A}, B +${method.tierUplift.B}, C +${method.tierUplift.C}, capped at 5; the highest tier reached counts`],
    ['Owners may accept up to', method.acceptanceThreshold],
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// Bundle sections

/** `riskMethod:` in a bundle: at most one item, the method itself. */
export const riskMethodSection: BundleSection = {
  key: 'riskMethod',
  item: RiskMethodSchema,
  subject: 'risk-method',
  async export(trx) {
    const stored = await readRiskMethod(trx);
    if (!stored) return [];
    // in the schema's order (jsonb keeps its own), so the exported YAML reads like the documentation
    const m = stored.method;
    return [{
      thresholds: { medium: m.thresholds.medium, high: m.thresholds.high, critical: m.thresholds.critical },
      tierUplift: { A: m.tierUplift.A, B: m.tierUplift.B, C: m.tierUplift.C },
      acceptanceThreshold: m.acceptanceThreshold,
      ...(m.likelihoodLabels ? { likelihoodLabels: m.likelihoodLabels } : {}),
      ...(m.impactLabels ? { impactLabels: m.impactLabels } : {}),
    }];
  },
  async apply(trx, actor, items) {
    const result: SectionApplyResult = { created: 0, updated: 0, unchanged: 0, objects: [] };
    if (items.length > 1) throw new AppError('invalid_value', 'A bundle sets one risk method.', '1');
    for (const item of items) {
      const existed = (await readRiskMethod(trx)) !== undefined;
      const changed = await putMethodWithin(trx, actor, item as unknown as RiskMethod, '0.');
      const outcome = !changed ? 'unchanged' : existed ? 'updated' : 'created';
      result[outcome] += 1;
      result.objects.push({ key: 'risk-method', outcome });
    }
    return result;
  },
};

/**
 * `riskAcceptances:` the owners' sign-offs, so that an accepted risk round-trips. Applying one is deciding it, so
 * the section needs `risk-method` update (owners and ISMS managers, the same people as `risk-acceptance`).
 */
export const riskAcceptanceSection: BundleSection = {
  key: 'riskAcceptances',
  item: RiskAcceptanceItem,
  subject: 'risk-method',
  async export(trx) {
    const acceptances = await readAcceptances(trx);
    if (acceptances.size === 0) return [];
    const rows = await trx.selectFrom('risks').select(['id', 'slug']).where('id', 'in', [...acceptances.keys()]).execute();
    return rows.map((r) => {
      const a = acceptances.get(r.id as string)!;
      return { risk: r.slug as string, acceptedBy: a.acceptedBy, acceptedAt: a.acceptedAt, rationale: a.rationale, level: a.level };
    }).sort((x, y) => (x.risk < y.risk ? -1 : x.risk > y.risk ? 1 : 0));
  },
  async apply(trx, actor, items, resolveSlug) {
    const result: SectionApplyResult = { created: 0, updated: 0, unchanged: 0, objects: [] };
    const current = await readAcceptances(trx);
    const method = await methodIn(trx);
    for (const [i, raw] of items.entries()) {
      const item = raw as { risk: string; acceptedBy: string; acceptedAt: string; rationale: string; level: RiskLevel };
      const id = resolveSlug('risks', item.risk);
      if (!id) throw new AppError('reference_not_found', `No risk with the slug "${item.risk}".`, `${i}.risk`);
      const before = current.get(id);
      if (before && before.rationale === item.rationale && before.level === item.level && before.acceptedBy === item.acceptedBy
        && Date.parse(before.acceptedAt) === Date.parse(item.acceptedAt)) {
        result.unchanged += 1;
        result.objects.push({ key: item.risk, outcome: 'unchanged' });
        continue;
      }
      if (levelRank(item.level) > levelRank(method.acceptanceThreshold)) {
        throw new AppError('invalid_value', `An owner may accept up to ${method.acceptanceThreshold}; this acceptance is for a ${item.level} risk.`, `${i}.level`);
      }
      await writeAcceptance(trx, id, { by: item.acceptedBy, byUser: null, rationale: item.rationale, level: item.level, at: item.acceptedAt });
      await recordChange(trx, actor, {
        action: 'approve', objectType: 'risk', objectId: id, objectSlug: item.risk, tenantId: null,
        summary: `Applied the acceptance of risk ${item.risk} by ${item.acceptedBy} at level ${item.level} from a bundle`, after: item,
      });
      const outcome = before ? 'updated' : 'created';
      result[outcome] += 1;
      result.objects.push({ key: item.risk, outcome });
    }
    return result;
  },
};
