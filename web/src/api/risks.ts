/** The risk register as the API serves it (src/api/routes/risk.ts). */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export type Tier = 'A' | 'B' | 'C';

export interface RiskMethod {
  thresholds: { medium: number; high: number; critical: number };
  tierUplift: Record<Tier, number>;
  acceptanceThreshold: RiskLevel;
  likelihoodLabels?: string[];
  impactLabels?: string[];
}
export interface RiskMethodView { method: RiskMethod; isDefault: boolean; updatedBy: string | null; updatedAt: string | null }

export interface Risk {
  id: string; slug: string; name: string; description: string; owner: string;
  likelihood: number; impact: number; systemIds: string[]; vendorIds: string[]; tenantIds: string[]; interestedPartyIds: string[];
  controlIds: string[]; treatment: string; treatmentPlan: string; residualLikelihood: number | null; residualImpact: number | null;
  status: 'open' | 'treated' | 'accepted' | 'closed'; reviewOn: string | null; suggestedFrom: string | null;
}
export interface ScoredPair { likelihood: number; impact: number; effectiveImpact: number; score: number; level: RiskLevel }
export interface RiskEntry {
  risk: Risk;
  score: { highestTier: Tier | null; uplift: number; inherent: ScoredPair; residual: ScoredPair; residualAssessed: boolean; acceptable: boolean };
  acceptance: { acceptedBy: string; acceptedAt: string; rationale: string; level: RiskLevel } | null;
  reviewOverdue: boolean;
}
export interface Register { method: RiskMethod; items: RiskEntry[]; total: number; heatMap: { inherent: number[][]; residual: number[][] } }
export interface RiskSummary { open: number; residual: Record<RiskLevel, number>; inherent: Record<RiskLevel, number>; reviewOverdue: number; aboveThreshold: number; acceptanceThreshold: RiskLevel }
export interface RiskSuggestion {
  component: { kind: 'system' | 'vendor'; id: string; slug: string; name: string; systemKind: string | null };
  title: string; description: string; tenants: number; byTier: Record<Tier, number>; blastScore: number;
  likelihood: number; impact: number; controlIds: string[]; coveredBy: Array<{ id: string; slug: string; name: string }>; slug: string;
}

/** The level of a score under a method (the server computes it too; the heat map colours cells with this). */
export function levelOfScore(score: number, m: RiskMethod): RiskLevel {
  if (score >= m.thresholds.critical) return 'critical';
  if (score >= m.thresholds.high) return 'high';
  if (score >= m.thresholds.medium) return 'medium';
  return 'low';
}
