import { Type, type Static } from '@sinclair/typebox';
import { annexAControl } from '../catalog/index.js';
import { StringEnum } from './common.js';
import type { BlastRadiusEntry } from './scope/blast-radius.js';
import type { TenantTier } from './tenant.js';

/**
 * Risk scoring (ISO/IEC 27001:2022 clause 6.1.2): likelihood 1–5 × impact 1–5, with the impact raised by the
 * most demanding customer tier the risk reaches, and levels cut at configurable thresholds. Pure: the server,
 * the CLI and the tests call the same functions.
 */

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RiskLevelSchema = StringEnum(RISK_LEVELS, 'Risk level.');

const Uplift = (description: string) => Type.Integer({ minimum: 0, maximum: 4, description });
const Threshold = (description: string) => Type.Integer({ minimum: 2, maximum: 25, description });

/** An organization's risk method; absent, DEFAULT_RISK_METHOD applies. */
export const RiskMethodSchema = Type.Object(
  {
    /** Lowest score of each level above "low"; ascending. */
    thresholds: Type.Object(
      {
        medium: Threshold('Lowest score that is "medium" (below it: "low").'),
        high: Threshold('Lowest score that is "high".'),
        critical: Threshold('Lowest score that is "critical".'),
      },
      { additionalProperties: false },
    ),
    /** Points added to the impact when a risk reaches a tenant of the tier (the highest tier counts), capped at 5. */
    tierUplift: Type.Object(
      {
        A: Uplift('Impact uplift when tier-A tenants are affected.'),
        B: Uplift('Impact uplift when tier-B (and no tier-A) tenants are affected.'),
        C: Uplift('Impact uplift when only tier-C tenants are affected.'),
      },
      { additionalProperties: false },
    ),
    acceptanceThreshold: StringEnum(RISK_LEVELS, 'Highest residual level a risk owner may accept; above it the risk must be treated further.'),
    likelihoodLabels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 5, maxItems: 5, description: 'Names of likelihood 1 to 5.' })),
    impactLabels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 5, maxItems: 5, description: 'Names of impact 1 to 5.' })),
  },
  { additionalProperties: false },
);
export type RiskMethod = Static<typeof RiskMethodSchema>;

export const DEFAULT_RISK_METHOD: RiskMethod = Object.freeze({
  thresholds: { medium: 5, high: 12, critical: 20 },
  tierUplift: { A: 2, B: 1, C: 0 },
  acceptanceThreshold: 'medium',
  likelihoodLabels: ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'],
  impactLabels: ['Negligible', 'Minor', 'Moderate', 'Major', 'Severe'],
}) as RiskMethod;

/** A rule the schema cannot say, broken: the field inside the method and why. */
export interface MethodProblem { field: string; message: string }

/** Thresholds ascending and uplifts not rising from tier A to C; null when the method is sound. */
export function riskMethodProblem(method: RiskMethod): MethodProblem | null {
  const t = method.thresholds;
  if (!(t.medium < t.high)) return { field: 'thresholds.high', message: `The "high" threshold (${t.high}) must be above the "medium" one (${t.medium}).` };
  if (!(t.high < t.critical)) return { field: 'thresholds.critical', message: `The "critical" threshold (${t.critical}) must be above the "high" one (${t.high}).` };
  const u = method.tierUplift;
  if (u.B > u.A) return { field: 'tierUplift.B', message: 'Tier B cannot raise the impact more than tier A (A is the most demanding tier).' };
  if (u.C > u.B) return { field: 'tierUplift.C', message: 'Tier C cannot raise the impact more than tier B.' };
  return null;
}

export function levelOf(score: number, method: RiskMethod): RiskLevel {
  const t = method.thresholds;
  if (score >= t.critical) return 'critical';
  if (score >= t.high) return 'high';
  if (score >= t.medium) return 'medium';
  return 'low';
}

export function levelRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

const TIER_ORDER: readonly TenantTier[] = ['A', 'B', 'C'];

/** The most demanding tier among `tiers` (A before B before C), or null when none. */
export function highestTier(tiers: Iterable<TenantTier>): TenantTier | null {
  let best = -1;
  for (const t of tiers) {
    const i = TIER_ORDER.indexOf(t);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best < 0 ? null : TIER_ORDER[best]!;
}

export interface ScoredPair {
  likelihood: number;
  /** As assessed. */
  impact: number;
  /** After the tier uplift, capped at 5: the impact the score uses. */
  effectiveImpact: number;
  score: number;
  level: RiskLevel;
}

/** What scoring needs of a risk. */
export interface RiskScores {
  likelihood: number;
  impact: number;
  residualLikelihood?: number | null;
  residualImpact?: number | null;
}

export interface RiskScore {
  /** The most demanding tier the risk reaches (linked tenants and tenants exposed by linked systems and vendors). */
  highestTier: TenantTier | null;
  uplift: number;
  inherent: ScoredPair;
  /** As assessed after treatment; the inherent scores while no residual is recorded. */
  residual: ScoredPair;
  residualAssessed: boolean;
  /** The residual level is within what an owner may accept. */
  acceptable: boolean;
}

function pair(likelihood: number, impact: number, uplift: number, method: RiskMethod): ScoredPair {
  const effectiveImpact = Math.min(5, impact + uplift);
  const score = likelihood * effectiveImpact;
  return { likelihood, impact, effectiveImpact, score, level: levelOf(score, method) };
}

/** Inherent and residual score and level of a risk reaching tenants of `tier` (null: no tenant). */
export function scoreRisk(risk: RiskScores, tier: TenantTier | null, method: RiskMethod): RiskScore {
  const uplift = tier ? method.tierUplift[tier] : 0;
  const inherent = pair(risk.likelihood, risk.impact, uplift, method);
  const residualAssessed = risk.residualLikelihood != null && risk.residualImpact != null;
  const residual = residualAssessed ? pair(risk.residualLikelihood!, risk.residualImpact!, uplift, method) : inherent;
  return { highestTier: tier, uplift, inherent, residual, residualAssessed, acceptable: levelRank(residual.level) <= levelRank(method.acceptanceThreshold) };
}

/** A 5×5 heat map: cells[likelihood - 1][effectiveImpact - 1] = number of risks. */
export type HeatMap = number[][];

export function heatMap(scores: readonly ScoredPair[]): HeatMap {
  const cells = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  for (const s of scores) cells[s.likelihood - 1]![s.effectiveImpact - 1]! += 1;
  return cells;
}

/** Where a component's risks usually come from, and the Annex A controls that address them. */
interface Threat { title: (name: string) => string; description: string; controlIds: string[]; likelihood: number; impact: number }

const ACCESS_CONTROLS = ['5.15', '8.2', '8.16'];

const THREATS: Record<string, Threat> = {
  rmm: { title: (n) => `Privilege escalation in the RMM: ${n}`, description: 'An attacker or insider gaining administrative rights in the remote monitoring and management tool can run commands on every managed endpoint of every customer it reaches.', controlIds: ['5.15', '8.2', '8.16', '8.18', '5.18'], likelihood: 3, impact: 5 },
  'identity-provider': { title: (n) => `Account takeover in the identity provider: ${n}`, description: 'A compromised administrator or signing key of the identity provider opens every system that trusts it.', controlIds: ['5.15', '5.16', '5.17', '8.2', '8.5', '8.16'], likelihood: 2, impact: 5 },
  iam: { title: (n) => `Privilege escalation in cloud IAM: ${n}`, description: 'Over-broad roles or leaked keys in the cloud IAM give access to the data of every tenant hosted there.', controlIds: ['5.15', '5.18', '8.2', '8.5', '8.16'], likelihood: 3, impact: 5 },
  'ci-cd': { title: (n) => `Malicious change deployed through ${n}`, description: 'A tampered pipeline or stolen deploy credential ships code to production that serves every tenant.', controlIds: ['8.2', '8.4', '8.25', '8.32', '8.16'], likelihood: 2, impact: 4 },
  'source-control': { title: (n) => `Tampered source code in ${n}`, description: 'Write access to the source repositories lets an attacker change what is deployed to every tenant.', controlIds: ['8.2', '8.4', '8.25', '8.32'], likelihood: 2, impact: 4 },
  database: { title: (n) => `Cross-tenant data exposure in ${n}`, description: 'A broken tenant filter or a privileged query reads or writes the rows of other tenants in the shared database.', controlIds: ['5.15', '8.2', '8.3', '8.16', '8.24'], likelihood: 3, impact: 4 },
  'object-storage': { title: (n) => `Exposed objects in ${n}`, description: 'A misconfigured bucket policy or leaked key exposes the files of the tenants stored there.', controlIds: ['5.15', '8.3', '8.9', '8.24'], likelihood: 3, impact: 4 },
  backup: { title: (n) => `Unauthorized access to backups in ${n}`, description: 'Backups hold every tenant\u2019s data and are often protected less than production.', controlIds: ['8.13', '5.15', '8.2', '8.24'], likelihood: 2, impact: 4 },
  'support-tool': { title: (n) => `Support staff overreach in ${n}`, description: 'Support agents with standing access can read tickets and data of customers they are not serving.', controlIds: ['5.15', '5.18', '8.2', '8.16'], likelihood: 3, impact: 3 },
  'admin-dashboard': { title: (n) => `Privilege escalation in the admin console: ${n}`, description: 'An administrative console that acts across tenants is a single point from which every tenant can be changed.', controlIds: ['5.15', '8.2', '8.5', '8.16'], likelihood: 3, impact: 4 },
  'secrets-manager': { title: (n) => `Leaked secrets from ${n}`, description: 'Credentials and keys kept here open the systems that hold every tenant\u2019s data.', controlIds: ['5.17', '8.2', '8.24', '8.16'], likelihood: 2, impact: 5 },
  logging: { title: (n) => `Tenant data exposed through logs in ${n}`, description: 'Logs gather personal data and secrets of every tenant and are read by many people and tools.', controlIds: ['8.15', '8.3', '8.11', '5.15'], likelihood: 3, impact: 3 },
  analytics: { title: (n) => `Cross-tenant data exposure in analytics (${n})`, description: 'Copies of tenant data in analytics escape the isolation of production.', controlIds: ['8.11', '8.3', '5.15', '5.34'], likelihood: 3, impact: 3 },
};

const VENDOR_THREAT: Threat = {
  title: (n) => `Breach at the supplier ${n}`,
  description: 'A security incident at the supplier exposes the tenants\u2019 data it holds or the systems it hosts.',
  controlIds: ['5.19', '5.20', '5.21', '5.22', '5.23'], likelihood: 2, impact: 4,
};

function threatOf(kind: string | undefined, componentKind: 'system' | 'vendor'): Threat {
  if (componentKind === 'vendor') return VENDOR_THREAT;
  return THREATS[kind ?? ''] ?? {
    title: (n) => `Compromise of the shared component ${n}`,
    description: 'A compromise of this shared component exposes the data of every tenant it reaches.',
    controlIds: ACCESS_CONTROLS, likelihood: 3, impact: 4,
  };
}

/** A risk the blast radius suggests, for a component near the top of its ranking. */
export interface RiskSuggestion {
  component: { kind: 'system' | 'vendor'; id: string; slug: string; name: string; systemKind: string | null };
  title: string;
  description: string;
  /** Tenants the component's compromise would expose, in all and per tier. */
  tenants: number;
  byTier: Record<TenantTier, number>;
  blastScore: number;
  likelihood: number;
  impact: number;
  controlIds: string[];
  /** Existing risks already linked to the component. */
  coveredBy: Array<{ id: string; slug: string; name: string }>;
  /** A slug for the risk, should it be adopted. */
  slug: string;
}

/** What the suggester needs of an existing risk. */
export interface RiskLinks { id: string; slug: string; name: string; systemIds: readonly string[]; vendorIds: readonly string[] }

function tierPhrase(byTier: Record<TenantTier, number>): string {
  const parts = TIER_ORDER.filter((t) => byTier[t] > 0).map((t) => `${byTier[t]} tier-${t}`);
  return parts.length ? parts.join(', ') : 'no';
}

/**
 * Suggested cross-tenant risks for the first `limit` components of the blast-radius ranking (most harmful first),
 * each with the tenants exposed per tier, the controls that address it and the risks that already cover it.
 * Components with the same blast score (in a small estate many shared components reach every tenant) are ordered
 * by how dangerous their kind is (the suggested likelihood × impact: an RMM or cloud IAM before a BI tool), then
 * in ranking order.
 */
export function suggestRisks(
  ranking: readonly BlastRadiusEntry[],
  systemKinds: ReadonlyMap<string, string>,
  risks: readonly RiskLinks[],
  limit = 10,
): RiskSuggestion[] {
  const weighed = ranking.map((entry, index) => {
    const kind = entry.component.kind === 'vendor' ? 'vendor' as const : 'system' as const;
    const systemKind = kind === 'system' ? systemKinds.get(entry.component.id) ?? null : null;
    const threat = threatOf(systemKind ?? undefined, kind);
    return { entry, index, kind, systemKind, threat, weight: threat.likelihood * threat.impact };
  });
  weighed.sort((x, y) => y.entry.score - x.entry.score || y.weight - x.weight || x.index - y.index);
  return weighed.slice(0, limit).map(({ entry, kind, systemKind, threat }) => {
    const c = entry.component;
    const coveredBy = risks
      .filter((r) => (kind === 'system' ? r.systemIds : r.vendorIds).includes(c.id))
      .map((r) => ({ id: r.id, slug: r.slug, name: r.name }));
    return {
      component: { kind, id: c.id, slug: c.slug, name: c.name, systemKind },
      title: threat.title(c.name),
      description: `${threat.description} It could expose ${entry.tenants} tenant${entry.tenants === 1 ? '' : 's'} (${tierPhrase(entry.byTier)}).`,
      tenants: entry.tenants,
      byTier: { ...entry.byTier },
      blastScore: entry.score,
      likelihood: threat.likelihood,
      impact: threat.impact,
      controlIds: threat.controlIds.filter((id) => annexAControl(id) !== undefined),
      coveredBy,
      slug: `cross-tenant-${c.slug}`.slice(0, 64).replace(/-+$/, ''),
    };
  });
}

/** One owner's sign-off of a risk in the bundle's `riskAcceptances` section. */
export const RiskAcceptanceItem = Type.Object(
  {
    risk: Type.String({ minLength: 1, maxLength: 64, description: 'Slug of the accepted risk.' }),
    acceptedBy: Type.String({ minLength: 1, maxLength: 300 }),
    acceptedAt: Type.String({ format: 'date-time' }),
    rationale: Type.String({ minLength: 1, maxLength: 4000 }),
    level: Type.Unsafe<RiskLevel>({ type: 'string', enum: [...RISK_LEVELS] }),
  },
  { additionalProperties: false },
);
