import type { TenantTier } from '../tenant.js';
import { bitRows, forEachBit, orRow, rowCount, setBit, type BitRows } from './bitset.js';
import { systemRef, tenantRef, vendorRef, type IsmsGraph } from './graph.js';
import type { ObjectRef } from './objects.js';
import { tenantReach } from './reach.js';
import { compareText } from './wording.js';

/**
 * Blast radius: if a shared system or a vendor were compromised, which tenants would be exposed.
 * A system exposes the tenants whose data it holds (served directly or brought by flows through any chain); a
 * system that deploys to production or grants administrative access also exposes the tenants of every system
 * it deploys to or administers (its flow targets), and onwards through other such systems; a vendor exposes
 * the tenants whose data flows reach it and those of every system it hosts.
 */
export interface BlastRadiusOptions {
  /** Weight of one tenant of each tier in the score. */
  tierWeights?: Partial<Record<TenantTier, number>>;
  /** Rank only components exposing at least this many tenants (default 2: shared ones). */
  minTenants?: number;
}

export const DEFAULT_TIER_WEIGHTS: Readonly<Record<TenantTier, number>> = { A: 5, B: 3, C: 1 };

export interface BlastRadiusEntry {
  component: ObjectRef;
  /** Tenants exposed, in all and per tier. */
  tenants: number;
  byTier: Record<TenantTier, number>;
  /** Sum of the tier weights of the tenants exposed. */
  score: number;
  /** Of those, tenants exposed only through what it deploys to or administers, or (vendors) hosts. */
  throughControl: number;
  throughHosting: number;
}

export interface BlastRadius {
  /** Components exposing at least `minTenants` tenants, the most harmful first (score, tenants, then slug). */
  ranking: BlastRadiusEntry[];
  /** The tenants a system or vendor would expose, tier A first; null for an unknown id. */
  exposedTenants(componentId: string): Array<ObjectRef & { tier: TenantTier }> | null;
}

const TIERS: readonly TenantTier[] = ['A', 'B', 'C'];

/**
 * One pass over systems and vendors with row unions and popcounts: no per-tenant traversal. Control reach is
 * followed from each system that deploys or administers, through the systems it controls that control further.
 */
export function blastRadius(g: IsmsGraph, options: BlastRadiusOptions = {}): BlastRadius {
  const weights = { ...DEFAULT_TIER_WEIGHTS, ...options.tierWeights };
  const minTenants = options.minTenants ?? 2;
  const reach = tenantReach(g);
  const S = g.systems.length;
  const V = g.vendors.length;
  const T = g.tenants.length;
  const systems: BitRows = { rows: S, words: reach.systems.words, bits: reach.systems.bits.slice() };
  const controls = (s: number) => g.systems[s]!.deploysToProduction || g.systems[s]!.grantsAdminAccess;

  const seen = new Int32Array(S).fill(-1);
  const stack = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    if (!controls(s)) continue;
    let sp = 0;
    seen[s] = s;
    stack[sp++] = s;
    while (sp > 0) {
      const u = stack[--sp]!;
      for (let k = g.flowsOut.start[u]!; k < g.flowsOut.start[u + 1]!; k++) {
        const w = g.flowToSystem[g.flowsOut.items[k]!]!;
        if (w < 0 || seen[w] === s) continue;
        seen[w] = s;
        orRow(systems, s, reach.systems, w);
        if (controls(w)) stack[sp++] = w;
      }
    }
  }
  const vendors: BitRows = { rows: V, words: reach.vendorsByFlow.words, bits: reach.vendorsByFlow.bits.slice() };
  for (let s = 0; s < S; s++) if (g.hostingVendor[s]! >= 0) orRow(vendors, g.hostingVendor[s]!, systems, s);

  const tierMasks = bitRows(TIERS.length, T);
  g.tenants.forEach((t, i) => setBit(tierMasks, TIERS.indexOf(t.tier), i));
  const maskOf = (k: number) => tierMasks.bits.subarray(k * tierMasks.words, (k + 1) * tierMasks.words);
  const masks = TIERS.map((_, k) => maskOf(k));

  const ranking: BlastRadiusEntry[] = [];
  const entry = (component: ObjectRef, rows: BitRows, row: number, base: BitRows) => {
    const byTier = { A: rowCount(rows, row, masks[0]), B: rowCount(rows, row, masks[1]), C: rowCount(rows, row, masks[2]) };
    const tenants = byTier.A + byTier.B + byTier.C;
    if (tenants < minTenants || tenants === 0) return;
    const extra = tenants - rowCount(base, row);
    ranking.push({
      component, tenants, byTier,
      score: byTier.A * weights.A + byTier.B * weights.B + byTier.C * weights.C,
      throughControl: component.kind === 'system' ? extra : 0,
      throughHosting: component.kind === 'vendor' ? extra : 0,
    });
  };
  for (let s = 0; s < S; s++) entry(systemRef(g, s), systems, s, reach.systems);
  for (let v = 0; v < V; v++) entry(vendorRef(g, v), vendors, v, reach.vendorsByFlow);
  ranking.sort((a, b) => b.score - a.score || b.tenants - a.tenants || compareText(a.component.slug, b.component.slug));

  return {
    ranking,
    exposedTenants(componentId) {
      const s = g.systemIndex.get(componentId);
      const v = s === undefined ? g.vendorIndex.get(componentId) : undefined;
      if (s === undefined && v === undefined) return null;
      const out: Array<ObjectRef & { tier: TenantTier }> = [];
      forEachBit(s !== undefined ? systems : vendors, s ?? v!, (t) => out.push({ ...tenantRef(g, t), tier: g.tenants[t]!.tier }));
      return out.sort((a, b) => compareText(a.tier, b.tier) || compareText(a.slug, b.slug));
    },
  };
}
