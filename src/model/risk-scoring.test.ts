import { describe, expect, it } from 'vitest';
import { annexAControl } from '../catalog/index.js';
import {
  DEFAULT_RISK_METHOD, heatMap, highestTier, levelOf, riskMethodProblem, scoreRisk, suggestRisks, type RiskMethod,
} from './risk-scoring.js';
import type { BlastRadiusEntry } from './scope/blast-radius.js';

const method = (over: Partial<RiskMethod> = {}): RiskMethod => ({ ...DEFAULT_RISK_METHOD, ...over });

describe('risk levels', () => {
  it('cuts scores at the thresholds: low < 5 ≤ medium < 12 ≤ high < 20 ≤ critical', () => {
    const m = method();
    expect([1, 4, 5, 11, 12, 19, 20, 25].map((s) => levelOf(s, m))).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });
  it('follows a configured method', () => {
    const m = method({ thresholds: { medium: 3, high: 6, critical: 10 } });
    expect([2, 3, 6, 9, 10].map((s) => levelOf(s, m))).toEqual(['low', 'medium', 'high', 'high', 'critical']);
  });
});

describe('riskMethodProblem', () => {
  it('accepts the default', () => expect(riskMethodProblem(DEFAULT_RISK_METHOD)).toBeNull());
  it('names the threshold that is not ascending', () => {
    expect(riskMethodProblem(method({ thresholds: { medium: 12, high: 12, critical: 20 } }))?.field).toBe('thresholds.high');
    expect(riskMethodProblem(method({ thresholds: { medium: 5, high: 21, critical: 20 } }))?.field).toBe('thresholds.critical');
  });
  it('refuses a tier uplift that rises from A to C', () => {
    expect(riskMethodProblem(method({ tierUplift: { A: 1, B: 2, C: 0 } }))?.field).toBe('tierUplift.B');
    expect(riskMethodProblem(method({ tierUplift: { A: 2, B: 0, C: 1 } }))?.field).toBe('tierUplift.C');
  });
});

describe('scoreRisk', () => {
  it('raises the impact by the highest tier reached, capped at 5', () => {
    const m = method();
    const a = scoreRisk({ likelihood: 3, impact: 3 }, 'A', m);
    expect(a.uplift).toBe(2);
    expect(a.inherent).toEqual({ likelihood: 3, impact: 3, effectiveImpact: 5, score: 15, level: 'high' });
    expect(scoreRisk({ likelihood: 3, impact: 3 }, 'B', m).inherent.score).toBe(12);
    expect(scoreRisk({ likelihood: 3, impact: 3 }, 'C', m).inherent.score).toBe(9);
    expect(scoreRisk({ likelihood: 3, impact: 3 }, null, m).inherent.score).toBe(9);
    expect(scoreRisk({ likelihood: 5, impact: 5 }, 'A', m).inherent.effectiveImpact).toBe(5);
  });
  it('scores the residual with the same uplift, and uses the inherent scores until the residual is assessed', () => {
    const m = method();
    const treated = scoreRisk({ likelihood: 4, impact: 4, residualLikelihood: 1, residualImpact: 2 }, 'A', m);
    expect(treated.residual).toEqual({ likelihood: 1, impact: 2, effectiveImpact: 4, score: 4, level: 'low' });
    expect(treated.residualAssessed).toBe(true);
    expect(treated.acceptable).toBe(true);
    const untreated = scoreRisk({ likelihood: 4, impact: 4, residualLikelihood: null, residualImpact: null }, 'A', m);
    expect(untreated.residual).toEqual(untreated.inherent);
    expect(untreated.residualAssessed).toBe(false);
    expect(untreated.acceptable).toBe(false);
  });
  it('is acceptable up to the acceptance threshold and not above', () => {
    const r = { likelihood: 4, impact: 4, residualLikelihood: 3, residualImpact: 3 }; // residual 9: medium
    expect(scoreRisk(r, null, method({ acceptanceThreshold: 'medium' })).acceptable).toBe(true);
    expect(scoreRisk(r, null, method({ acceptanceThreshold: 'low' })).acceptable).toBe(false);
    // the tier uplift applies to the residual too: 3 × min(5, 3 + 2) = 15, high
    expect(scoreRisk(r, 'A', method({ acceptanceThreshold: 'medium' })).acceptable).toBe(false);
    expect(scoreRisk(r, 'A', method({ acceptanceThreshold: 'high' })).acceptable).toBe(true);
  });
});

describe('highestTier and heatMap', () => {
  it('picks A over B over C', () => {
    expect(highestTier(['C', 'B'])).toBe('B');
    expect(highestTier(['C', 'A', 'B'])).toBe('A');
    expect(highestTier([])).toBeNull();
  });
  it('counts risks per likelihood and effective impact', () => {
    const m = method();
    const cells = heatMap([scoreRisk({ likelihood: 1, impact: 1 }, null, m).inherent, scoreRisk({ likelihood: 1, impact: 1 }, null, m).inherent, scoreRisk({ likelihood: 5, impact: 3 }, 'A', m).inherent]);
    expect(cells[0]![0]).toBe(2);
    expect(cells[4]![4]).toBe(1);
    expect(cells.flat().reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('suggestRisks', () => {
  const entry = (id: string, kind: 'system' | 'vendor', slug: string, byTier: { A: number; B: number; C: number }): BlastRadiusEntry => ({
    component: { kind, id, slug, name: slug.toUpperCase() }, tenants: byTier.A + byTier.B + byTier.C, byTier,
    score: byTier.A * 5 + byTier.B * 3 + byTier.C, throughControl: 0, throughHosting: 0,
  });
  const ranking = [entry('s1', 'system', 'rmm', { A: 3, B: 2, C: 0 }), entry('v1', 'vendor', 'cloud', { A: 1, B: 0, C: 4 }), entry('s2', 'system', 'db', { A: 0, B: 0, C: 2 })];
  const kinds = new Map([['s1', 'rmm'], ['s2', 'database']]);

  it('words the threat by kind of component and counts the tenants per tier', () => {
    const [rmm, cloud] = suggestRisks(ranking, kinds, [], 2);
    expect(rmm!.title).toBe('Privilege escalation in the RMM: RMM');
    expect(rmm!.description).toContain('could expose 5 tenants (3 tier-A, 2 tier-B)');
    expect(rmm!.controlIds).toEqual(expect.arrayContaining(['8.2', '5.15', '8.16']));
    expect(cloud!.component.kind).toBe('vendor');
    expect(cloud!.title).toContain('supplier');
  });
  it('keeps the ranking order and its limit', () => {
    expect(suggestRisks(ranking, kinds, [], 10).map((s) => s.component.id)).toEqual(['s1', 'v1', 's2']);
    expect(suggestRisks(ranking, kinds, [], 1)).toHaveLength(1);
  });
  it('breaks ties of the blast score by the danger of the component’s kind', () => {
    const tied = [entry('bi', 'system', 'bi', { A: 2, B: 0, C: 0 }), entry('vnd', 'vendor', 'vnd', { A: 2, B: 0, C: 0 }), entry('rmm', 'system', 'rmm', { A: 2, B: 0, C: 0 })];
    const order = suggestRisks(tied, new Map([['bi', 'analytics'], ['rmm', 'rmm']]), [], 2).map((s) => s.component.id);
    expect(order).toEqual(['rmm', 'bi']); // RMM 3 × 5, a generic component 3 × 4, a supplier 2 × 4
  });
  it('names the risks that already cover a component', () => {
    const risks = [{ id: 'r1', slug: 'rmm-risk', name: 'RMM risk', systemIds: ['s1'], vendorIds: [] }, { id: 'r2', slug: 'other', name: 'Other', systemIds: ['v1'], vendorIds: [] }];
    const [rmm, cloud] = suggestRisks(ranking, kinds, risks, 2);
    expect(rmm!.coveredBy.map((r) => r.slug)).toEqual(['rmm-risk']);
    expect(cloud!.coveredBy).toEqual([]); // a system link with the vendor's id does not count
  });
  it('suggests only controls of the Annex A catalog', () => {
    for (const s of suggestRisks(ranking, kinds, [], 10)) for (const id of s.controlIds) expect(annexAControl(id), id).toBeDefined();
  });
});
