import { describe, expect, it } from 'vitest';
import { bitRows, firstBit, forEachBit, hasBit, orRow, popcount, rowBits, rowCount, rowHasAtLeast, setBit } from '../../../src/model/scope/bitset.js';
import { buildIsmsGraph, neighbours } from '../../../src/model/scope/graph.js';
import type { IsmsObjects } from '../../../src/model/scope/objects.js';
import { tenantReach } from '../../../src/model/scope/reach.js';
import { stronglyConnected } from '../../../src/model/scope/scc.js';
import { tenantDataMap } from '../../../src/model/scope/tenant-data.js';
import { TenantDataTracer } from '../../../src/model/scope/trace.js';
import { model } from './model-builder.js';
import { prng as rng } from '../../support/prng.js';

/** A random organization with cycles, dedicated systems, service-bound flows and flows carrying nothing. */
function randomOrg(seed: number): IsmsObjects {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const m = model();
  const services = ['s0', 's1', 's2', 's3'];
  services.forEach((s) => m.service(s));
  for (let v = 0; v < 4; v++) m.vendor(`v${v}`);
  for (let t = 0; t < 40; t++) m.tenant(`t${t}`, { services: services.filter(() => r() < 0.35) });
  for (let s = 0; s < 60; s++) {
    const dedicated = r() < 0.25;
    m.system(`x${s}`, dedicated
      ? { tenants: Array.from({ length: 1 + Math.floor(r() * 3) }, () => `t${Math.floor(r() * 40)}`).filter((v, i, a) => a.indexOf(v) === i), host: r() < 0.5 ? pick(['v0', 'v1']) : undefined }
      : { services: services.filter(() => r() < 0.15), host: r() < 0.5 ? pick(['v0', 'v1', 'v2']) : undefined });
  }
  for (let f = 0; f < 180; f++) {
    const from = Math.floor(r() * 60);
    const toVendor = r() < 0.1;
    let to = Math.floor(r() * 60);
    if (to === from) to = (to + 1) % 60;
    m.flow(`x${from}`, toVendor ? `vendor:v${Math.floor(r() * 4)}` : `x${to}`, {
      slug: `f${f}`,
      dataCategories: r() < 0.1 ? ['none'] : r() < 0.05 ? [] : ['personal-data'],
      service: r() < 0.4 ? pick(services) : undefined,
    });
  }
  return m.objects();
}

/** The definition, by brute force: start from the seeds, apply every flow until nothing changes. */
function fixpoint(o: IsmsObjects): Map<string, Set<string>> {
  const consumers = (serviceId: string) => new Set(o.tenants.filter((t) => t.serviceIds.includes(serviceId)).map((t) => t.id));
  const held = new Map(o.systems.map((s) => [s.id, new Set(s.tenancy === 'dedicated' ? s.tenantIds : o.tenants.filter((t) => t.serviceIds.some((id) => s.serviceIds.includes(id))).map((t) => t.id))]));
  const byId = new Map(o.systems.map((s) => [s.id, s]));
  for (const v of o.vendors) held.set(v.id, new Set());
  let changed = true;
  while (changed) {
    changed = false;
    for (const f of o.dataFlows) {
      if (f.dataCategories.length === 1 && f.dataCategories[0] === 'none') continue;
      const target = f.toSystemId ?? f.toVendorId!;
      if (f.toSystemId && byId.get(f.toSystemId)!.tenancy === 'dedicated') continue;
      const allowed = f.serviceId ? consumers(f.serviceId) : null;
      for (const t of held.get(f.fromSystemId)!) {
        if (allowed && !allowed.has(t)) continue;
        if (!held.get(target)!.has(t)) { held.get(target)!.add(t); changed = true; }
      }
    }
  }
  return held;
}

describe('bit rows', () => {
  it('set, test, union, count and list bits across word boundaries', () => {
    const m = bitRows(3, 70);
    expect(m.words).toBe(3);
    for (const b of [0, 31, 32, 63, 69]) setBit(m, 1, b);
    expect(rowBits(m, 1)).toEqual([0, 31, 32, 63, 69]);
    expect(hasBit(m, 1, 31) && !hasBit(m, 1, 30) && !hasBit(m, 0, 31)).toBe(true);
    expect(orRow(m, 2, m, 1)).toBe(true);
    expect(orRow(m, 2, m, 1)).toBe(false);
    expect(rowCount(m, 2)).toBe(5);
    expect(rowHasAtLeast(m, 2, 5) && !rowHasAtLeast(m, 2, 6)).toBe(true);
    expect(firstBit(m, 0)).toBe(-1);
    expect(firstBit(m, 2)).toBe(0);
    const seen: number[] = [];
    forEachBit(m, 2, (b) => seen.push(b));
    expect(seen).toEqual([0, 31, 32, 63, 69]);
    expect([0, 1, 0xffffffff | 0, 0x80000000 | 0, 0x0f0f0f0f].map(popcount)).toEqual([0, 1, 32, 1, 16]);
  });
});

describe('strongly connected components', () => {
  it('finds cycles and numbers components sinks first', () => {
    // 0 → 1 → 2 → 0 (a cycle), 2 → 3, 3 → 4, 4 → 3 (another), 5 alone.
    const edges = [[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 3]];
    const start = new Int32Array(7);
    for (const [a] of edges) start[a! + 1]! += 1;
    for (let i = 0; i < 6; i++) start[i + 1]! += start[i]!;
    const items = new Int32Array(edges.length);
    const fill = start.slice(0, 6);
    edges.forEach(([a, b]) => { items[fill[a!]!++] = b!; });
    const { component, count } = stronglyConnected(6, { start, items }, (x) => x);
    expect(count).toBe(3);
    expect(component[0]).toBe(component[1]);
    expect(component[1]).toBe(component[2]);
    expect(component[3]).toBe(component[4]);
    expect(component[0]).toBeGreaterThan(component[3]!);
    expect(new Set(component).size).toBe(3);
  });
  it('handles a chain deeper than the call stack allows', () => {
    const n = 200_000;
    const start = Int32Array.from({ length: n + 1 }, (_, i) => Math.min(i, n - 1));
    const items = Int32Array.from({ length: n - 1 }, (_, i) => i + 1);
    const { count } = stronglyConnected(n, { start, items }, (x) => x);
    expect(count).toBe(n);
  });
});

describe('the ISMS graph', () => {
  it('indexes objects and links, and leaves out references to unknown objects', () => {
    const m = model().service('a').vendor('cloud').tenant('t', { services: ['a'] })
      .system('x', { services: ['a'], host: 'cloud' }).system('y', { tenants: ['t'] }).flow('x', 'y').flow('x', 'vendor:cloud');
    m.dataFlows.push({ ...m.dataFlows[0]!, id: 'flow:dangling', slug: 'dangling', toSystemId: 'system:gone' });
    const g = buildIsmsGraph(m.objects());
    const x = g.systemIndex.get('system:x')!;
    expect([...neighbours(g.flowsOut, x)].map((f) => g.flows[f]!.slug)).toEqual(['x-to-y', 'x-to-cloud']);
    expect([...neighbours(g.hostedSystems, g.vendorIndex.get('vendor:cloud')!)]).toEqual([x]);
    expect([...neighbours(g.serviceSystems, 0)]).toEqual([x]);
    expect([...neighbours(g.tenantSystems, 0)]).toEqual([g.systemIndex.get('system:y')]);
    expect(g.dedicated[g.systemIndex.get('system:y')!]).toBe(1);
  });
});

describe('tenant reach', () => {
  it('follows chains and cycles, stops at systems dedicated to others, and respects service-bound flows', () => {
    const m = model().service('a').service('b')
      .tenant('ta', { services: ['a'] }).tenant('tb', { services: ['b'] }).tenant('tc')
      .system('app-a', { services: ['a'] }).system('app-b', { services: ['b'] })
      .system('hub').system('loop').system('only-c', { tenants: ['tc'] })
      .flow('app-a', 'hub').flow('app-b', 'hub').flow('hub', 'loop').flow('loop', 'hub').flow('hub', 'only-c')
      .system('a-only').flow('hub', 'a-only', { service: 'a' })
      .flow('app-a', 'vendor:ext').vendor('ext')
      .system('deploy', { dataCategories: ['none'] }).flow('hub', 'deploy', { dataCategories: ['none'] });
    const g = m.graph();
    const reach = tenantReach(g);
    const tenantsOf = (slug: string) => rowBits(reach.systems, g.systemIndex.get(`system:${slug}`)!).map((t) => g.tenants[t]!.slug);
    expect(tenantsOf('hub')).toEqual(['ta', 'tb']);
    expect(tenantsOf('loop')).toEqual(['ta', 'tb']);
    expect(tenantsOf('only-c')).toEqual(['tc']);
    expect(tenantsOf('a-only')).toEqual(['ta']);
    expect(tenantsOf('deploy')).toEqual([]);
    expect(rowBits(reach.vendorsByFlow, g.vendorIndex.get('vendor:ext')!)).toEqual([g.tenantIndex.get('tenant:ta')]);
    expect(tenantReach(g)).toBe(reach);
  });

  it('equals the brute-force fixpoint and the per-tenant search on random organizations', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const o = randomOrg(seed);
      const g = buildIsmsGraph(o);
      const reach = tenantReach(g);
      const expected = fixpoint(o);
      o.systems.forEach((s, i) => {
        expect(new Set(rowBits(reach.systems, i).map((t) => o.tenants[t]!.id)), `seed ${seed} ${s.slug}`).toEqual(expected.get(s.id));
      });
      o.vendors.forEach((v, i) => {
        expect(new Set(rowBits(reach.vendorsByFlow, i).map((t) => o.tenants[t]!.id)), `seed ${seed} ${v.slug}`).toEqual(expected.get(v.id));
      });
      const tracer = new TenantDataTracer(g, reach);
      o.tenants.forEach((t, ti) => {
        const map = tenantDataMap(g, t.id)!;
        const systems = new Set(map.systems.map((s) => s.id));
        expect(systems, `seed ${seed} ${t.slug}`).toEqual(new Set(o.systems.filter((s) => expected.get(s.id)!.has(t.id)).map((s) => s.id)));
        // Every system holding the tenant's data has a path that starts at the tenant and ends there.
        for (const s of map.systems) {
          const path = tracer.path(ti, { kind: 'system', index: g.systemIndex.get(s.id)! });
          expect(path[0]!.id).toBe(t.id);
          expect(path.at(-1)!.id).toBe(s.id);
        }
      });
    }
  });
});

describe('paths of tenant data', () => {
  it('prefer the tenant\u2019s own flows, then the system serving it, then any chain', () => {
    const m = model().service('a').tenant('t', { services: ['a'] })
      .system('app', { services: ['a'] }).system('idp', { services: ['a'] }).system('logs', { services: ['a'] })
      .flow('idp', 'logs').flow('app', 'logs', { service: 'a' })
      .system('archive').flow('logs', 'archive');
    const g = m.graph();
    const tracer = new TenantDataTracer(g, tenantReach(g));
    const path = (slug: string) => tracer.path(0, { kind: 'system', index: g.systemIndex.get(`system:${slug}`)! }).map((p) => p.slug);
    expect(path('logs')).toEqual(['t', 'a', 'app', 'app-to-logs', 'logs']);
    expect(path('idp')).toEqual(['t', 'a', 'idp']);
    expect(path('archive')).toEqual(['t', 'a', 'logs', 'logs-to-archive', 'archive']);
  });
});
