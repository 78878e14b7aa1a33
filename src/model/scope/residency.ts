import { regionAllowed, REGIONS, type RegionCode } from '../regions.js';
import type { TenantTier } from '../tenant.js';
import { bitRows, forEachWordBit, hasBit, popcount, setBit, type BitRows } from './bitset.js';
import { categoryMask } from './categories.js';
import { systemRef, tenantRef, vendorRef, type IsmsGraph } from './graph.js';
import type { ObjectRef } from './objects.js';
import { tenantReach } from './reach.js';
import { TenantDataTracer, type Component } from './trace.js';

/**
 * Data residency: for every tenant that limits where its data may be (allowedRegions: jurisdictions such as EU
 * or exact region codes), every system and vendor its data reaches and whether their regions are allowed.
 * A system counts where it runs (its regions), a vendor reached by a data flow where it processes (its regions);
 * a hosting vendor is not counted separately: the data it hosts is in the hosted system's regions.
 * A system that declares it holds no data (`none`) does not count.
 */

/** Where a tenant's data is somewhere it may not be. */
export interface ResidencyBreach {
  tenant: ObjectRef;
  component: ObjectRef;
  /** Every region of the component. */
  regions: RegionCode[];
  /** The regions the tenant does not allow. */
  disallowed: RegionCode[];
  /** How the tenant's data gets there: tenant → (service) → system → flow → … → component. */
  path: ObjectRef[];
}

export interface TenantResidency {
  tenant: ObjectRef & { tier: TenantTier; allowedRegions: string[] };
  /** How many systems and vendors its data reaches. */
  reached: { systems: number; vendors: number };
  breaches: ResidencyBreach[];
  /** Systems and vendors with its data but no region recorded: residency cannot be shown. */
  unrecorded: ObjectRef[];
}

/** One component as seen from one tenant. */
export interface ResidencyPlace {
  component: ObjectRef;
  regions: RegionCode[];
  verdict: 'allowed' | 'breach' | 'unrecorded';
  disallowed: RegionCode[];
  /** Only for a breach. */
  path?: ObjectRef[];
}

/** Per component: the tenants whose allowance it breaks, or whose data it holds without a recorded region. */
export interface ComponentResidency {
  component: Component;
  regions: RegionCode[];
  /** Tenants (a row of bits over tenant indexes) for whom the component is outside the allowed regions. */
  breached: Uint32Array;
  breachedCount: number;
  /** For a component without regions: tenants with an allowance whose data it holds. */
  unrecorded: Uint32Array;
  unrecordedCount: number;
  /** The component's regions that at least one of the breached tenants does not allow. */
  disallowed: RegionCode[];
  /** The regions of the component that tenant `t` does not allow. */
  disallowedFor(t: number): RegionCode[];
}

interface Classes {
  /** Allowance class of each tenant (-1: no allowance, anything goes). */
  ofTenant: Int32Array;
  allowed: string[][];
  /** Tenants per class. */
  members: BitRows;
  /** Every tenant with an allowance. */
  restricted: BitRows;
}

const NONE_ONLY = categoryMask(['none']);
const memo = new WeakMap<IsmsGraph, ComponentResidency[]>();

/**
 * Every component that breaks some tenant's allowance or lacks a region. Tenants are grouped by identical
 * allowances, so each component is checked once per distinct allowance and region set, and the tenants
 * concerned come out of one AND of bit rows: no per-tenant traversal. Computed once per graph.
 */
export function residencyByComponent(g: IsmsGraph): ComponentResidency[] {
  const known = memo.get(g);
  if (known) return known;
  const reach = tenantReach(g);
  const classes = allowanceClasses(g);
  const words = reach.systems.words;
  const cache = new Map<string, { mask: Uint32Array; perClass: RegionCode[][] }>();
  const verdictFor = (regions: RegionCode[]) => {
    const key = [...regions].sort().join(',');
    let v = cache.get(key);
    if (!v) {
      const mask = new Uint32Array(words);
      const perClass = classes.allowed.map((allowed, c) => {
        const disallowed = regions.filter((r) => REGIONS[r] !== undefined && !regionAllowed(r, allowed));
        if (disallowed.length) for (let w = 0; w < words; w++) mask[w]! |= classes.members.bits[c * words + w]!;
        return disallowed;
      });
      v = { mask, perClass };
      cache.set(key, v);
    }
    return v;
  };
  const out: ComponentResidency[] = [];
  const none: RegionCode[][] = [];
  const scratch = new Uint32Array(words);
  const check = (component: Component, regions: RegionCode[], rows: BitRows) => {
    const o = component.index * words;
    const verdict = regions.length ? verdictFor(regions) : null;
    const mask = verdict ? verdict.mask : classes.restricted.bits;
    let count = 0;
    for (let w = 0; w < words; w++) count += popcount(scratch[w] = rows.bits[o + w]! & mask[w]!);
    if (count === 0) return;
    const perClass = verdict ? verdict.perClass : none;
    const disallowed = new Set<RegionCode>();
    perClass.forEach((regionsOfClass, c) => {
      if (!regionsOfClass.length) return;
      for (let w = 0; w < words; w++) {
        if ((scratch[w]! & classes.members.bits[c * words + w]!) !== 0) { regionsOfClass.forEach((r) => disallowed.add(r)); break; }
      }
    });
    out.push({
      component, regions,
      breached: verdict ? scratch.slice() : new Uint32Array(words), breachedCount: verdict ? count : 0,
      unrecorded: verdict ? new Uint32Array(words) : scratch.slice(), unrecordedCount: verdict ? 0 : count,
      disallowed: [...disallowed].sort(),
      disallowedFor: (t) => perClass[classes.ofTenant[t]!] ?? [],
    });
  };
  g.systems.forEach((s, i) => { if (g.systemCategories[i] !== NONE_ONLY) check({ kind: 'system', index: i }, s.regions, reach.systems); });
  g.vendors.forEach((v, i) => check({ kind: 'vendor', index: i }, v.regions, reach.vendorsByFlow));
  memo.set(g, out);
  return out;
}

/** Residency of every tenant that limits its regions: how much its data reaches, and each breach with its path. */
export function residencyReport(g: IsmsGraph): TenantResidency[] {
  const reach = tenantReach(g);
  const classes = allowanceClasses(g);
  const tracer = new TenantDataTracer(g, reach);
  const result = new Map<number, TenantResidency>();
  g.tenants.forEach((t, i) => {
    if (classes.ofTenant[i]! < 0) return;
    result.set(i, { tenant: { ...tenantRef(g, i), tier: t.tier, allowedRegions: [...t.allowedRegions] }, reached: { systems: 0, vendors: 0 }, breaches: [], unrecorded: [] });
  });
  const systemsReached = columnCounts(reach.systems, g.tenants.length, (s) => g.systemCategories[s] !== NONE_ONLY);
  const vendorsReached = columnCounts(reach.vendorsByFlow, g.tenants.length, () => true);
  for (const [t, entry] of result) entry.reached = { systems: systemsReached[t]!, vendors: vendorsReached[t]! };
  for (const c of residencyByComponent(g)) {
    const ref = componentRef(g, c.component);
    forEachWordBit(c.breached, (t) => {
      result.get(t)?.breaches.push({ tenant: tenantRef(g, t), component: ref, regions: c.regions, disallowed: c.disallowedFor(t), path: tracer.path(t, c.component) });
    });
    forEachWordBit(c.unrecorded, (t) => { result.get(t)?.unrecorded.push(ref); });
  }
  return [...result.values()];
}

/** Every system and vendor one tenant's data reaches, with its regions and verdict; null for an unknown tenant. */
export function tenantResidency(g: IsmsGraph, tenantId: string): { tenant: TenantResidency['tenant']; places: ResidencyPlace[] } | null {
  const t = g.tenantIndex.get(tenantId);
  if (t === undefined) return null;
  const tenant = g.tenants[t]!;
  const reach = tenantReach(g);
  const tracer = new TenantDataTracer(g, reach);
  const allowed = tenant.allowedRegions;
  const places: ResidencyPlace[] = [];
  const place = (component: Component, regions: RegionCode[]) => {
    const disallowed = allowed.length ? regions.filter((r) => !regionAllowed(r, allowed)) : [];
    const verdict = regions.length === 0 && allowed.length ? 'unrecorded' : disallowed.length ? 'breach' : 'allowed';
    places.push({ component: componentRef(g, component), regions, verdict, disallowed, ...(verdict === 'breach' ? { path: tracer.path(t, component) } : {}) });
  };
  g.systems.forEach((s, i) => { if (g.systemCategories[i] !== NONE_ONLY && hasBit(reach.systems, i, t)) place({ kind: 'system', index: i }, s.regions); });
  g.vendors.forEach((v, i) => { if (hasBit(reach.vendorsByFlow, i, t)) place({ kind: 'vendor', index: i }, v.regions); });
  return { tenant: { ...tenantRef(g, t), tier: tenant.tier, allowedRegions: [...allowed] }, places };
}

export function componentRef(g: IsmsGraph, c: Component): ObjectRef {
  return c.kind === 'system' ? systemRef(g, c.index) : vendorRef(g, c.index);
}

/** For every bit (tenant), in how many of the rows kept by `keep` it is set. */
function columnCounts(rows: BitRows, width: number, keep: (row: number) => boolean): Int32Array {
  const counts = new Int32Array(width);
  for (let r = 0; r < rows.rows; r++) {
    if (!keep(r)) continue;
    for (let w = 0, o = r * rows.words; w < rows.words; w++) {
      let word = rows.bits[o + w]!;
      while (word !== 0) {
        const low = word & -word;
        counts[(w << 5) + 31 - Math.clz32(low)]! += 1;
        word ^= low;
      }
    }
  }
  return counts;
}

function allowanceClasses(g: IsmsGraph): Classes {
  const T = g.tenants.length;
  const ofTenant = new Int32Array(T).fill(-1);
  const byKey = new Map<string, number>();
  const allowed: string[][] = [];
  g.tenants.forEach((t, i) => {
    if (!t.allowedRegions.length) return;
    const key = [...t.allowedRegions].sort().join(',');
    let c = byKey.get(key);
    if (c === undefined) {
      c = allowed.length;
      byKey.set(key, c);
      allowed.push([...t.allowedRegions]);
    }
    ofTenant[i] = c;
  });
  const members = bitRows(allowed.length, T);
  const restricted = bitRows(1, T);
  for (let t = 0; t < T; t++) {
    if (ofTenant[t]! < 0) continue;
    setBit(members, ofTenant[t]!, t);
    setBit(restricted, 0, t);
  }
  return { ofTenant, allowed, members, restricted };
}
