import { carriesTenantData, categoryMask } from './categories.js';
import type { IsmsObjects, ObjectRef, ScopeDataFlow, ScopeService, ScopeSystem, ScopeTenant, ScopeVendor } from './objects.js';

/**
 * Compressed adjacency: the neighbours of node i are `items[start[i] .. start[i + 1])`.
 * Typed arrays keep 100,000 flows in a few hundred kilobytes and make traversals cache-friendly.
 */
export interface Adjacency {
  readonly start: Int32Array;
  readonly items: Int32Array;
}

/**
 * The ISMS graph of one organization: every object by dense index, and the relations the analyses follow.
 * Built once from plain objects (API objects or a resolved bundle); every analysis reads it and none changes it.
 * A reference to an object that is not in the input (deleted, or hidden from the viewer) is left out.
 */
export interface IsmsGraph {
  readonly services: readonly ScopeService[];
  readonly vendors: readonly ScopeVendor[];
  readonly tenants: readonly ScopeTenant[];
  readonly systems: readonly ScopeSystem[];
  readonly flows: readonly ScopeDataFlow[];
  readonly serviceIndex: ReadonlyMap<string, number>;
  readonly vendorIndex: ReadonlyMap<string, number>;
  readonly tenantIndex: ReadonlyMap<string, number>;
  readonly systemIndex: ReadonlyMap<string, number>;
  readonly flowIndex: ReadonlyMap<string, number>;
  /** Per flow: source system, destination system or vendor (-1 when none or unknown), categories as bits. */
  readonly flowFrom: Int32Array;
  readonly flowToSystem: Int32Array;
  readonly flowToVendor: Int32Array;
  readonly flowCategories: Uint8Array;
  /** Per flow: 1 when it carries tenant data at all (`carriesTenantData` of its categories). */
  readonly flowCarriesData: Uint8Array;
  /** Per flow: the service it belongs to (-1: none), whose tenants' data alone it carries. */
  readonly flowService: Int32Array;
  /** Per system and vendor: its own data categories as bits. */
  readonly systemCategories: Uint8Array;
  readonly vendorCategories: Uint8Array;
  /** Flows leaving each system (to systems and vendors), entering each system, entering each vendor. */
  readonly flowsOut: Adjacency;
  readonly flowsIn: Adjacency;
  readonly vendorFlowsIn: Adjacency;
  /** Hosting vendor of each system (-1: self-hosted or unknown), and the systems each vendor hosts. */
  readonly hostingVendor: Int32Array;
  readonly hostedSystems: Adjacency;
  /** Systems each service depends on, and the services of each system. */
  readonly serviceSystems: Adjacency;
  readonly systemServices: Adjacency;
  /** Tenants consuming each service, and the services of each tenant. */
  readonly serviceTenants: Adjacency;
  readonly tenantServices: Adjacency;
  /** Tenants of each dedicated system (empty for a multi-tenant one), and the dedicated systems of each tenant. */
  readonly systemTenants: Adjacency;
  readonly tenantSystems: Adjacency;
  /** 1 for a system dedicated to named tenants. */
  readonly dedicated: Uint8Array;
}

/** Build the graph. Linear in the number of objects and links. */
export function buildIsmsGraph(objects: IsmsObjects): IsmsGraph {
  const { services, vendors, tenants, systems, dataFlows: flows } = objects;
  const serviceIndex = indexById(services);
  const vendorIndex = indexById(vendors);
  const tenantIndex = indexById(tenants);
  const systemIndex = indexById(systems);
  const flowIndex = indexById(flows);

  const F = flows.length;
  const flowFrom = new Int32Array(F);
  const flowToSystem = new Int32Array(F);
  const flowToVendor = new Int32Array(F);
  const flowCategories = new Uint8Array(F);
  const flowService = new Int32Array(F);
  const flowCarriesData = new Uint8Array(F);
  for (let f = 0; f < F; f++) {
    const flow = flows[f]!;
    flowFrom[f] = systemIndex.get(flow.fromSystemId) ?? -1;
    flowToSystem[f] = flow.toSystemId ? systemIndex.get(flow.toSystemId) ?? -1 : -1;
    flowToVendor[f] = flow.toVendorId ? vendorIndex.get(flow.toVendorId) ?? -1 : -1;
    flowCategories[f] = categoryMask(flow.dataCategories);
    flowCarriesData[f] = carriesTenantData(flowCategories[f]!) ? 1 : 0;
    flowService[f] = flow.serviceId ? serviceIndex.get(flow.serviceId) ?? -1 : -1;
  }
  const live = (f: number) => flowFrom[f]! >= 0 && (flowToSystem[f]! >= 0 || flowToVendor[f]! >= 0);

  const S = systems.length;
  const hostingVendor = new Int32Array(S);
  const systemCategories = new Uint8Array(S);
  const dedicated = new Uint8Array(S);
  systems.forEach((s, i) => {
    hostingVendor[i] = s.hostingVendorId ? vendorIndex.get(s.hostingVendorId) ?? -1 : -1;
    systemCategories[i] = categoryMask(s.dataCategories);
    dedicated[i] = s.tenancy === 'dedicated' ? 1 : 0;
  });

  const systemServices = adjacency(S, (add) => systems.forEach((s, i) => { for (const id of s.serviceIds) { const j = serviceIndex.get(id); if (j !== undefined) add(i, j); } }));
  const tenantServices = adjacency(tenants.length, (add) => tenants.forEach((t, i) => { for (const id of t.serviceIds) { const j = serviceIndex.get(id); if (j !== undefined) add(i, j); } }));
  const systemTenants = adjacency(S, (add) => systems.forEach((s, i) => {
    if (s.tenancy !== 'dedicated') return;
    for (const id of s.tenantIds) { const j = tenantIndex.get(id); if (j !== undefined) add(i, j); }
  }));

  return {
    services, vendors, tenants, systems, flows,
    serviceIndex, vendorIndex, tenantIndex, systemIndex, flowIndex,
    flowFrom, flowToSystem, flowToVendor, flowCategories, flowCarriesData, flowService, systemCategories,
    vendorCategories: Uint8Array.from(vendors, (v) => categoryMask(v.dataCategories)),
    flowsOut: adjacency(S, (add) => { for (let f = 0; f < F; f++) if (live(f)) add(flowFrom[f]!, f); }),
    flowsIn: adjacency(S, (add) => { for (let f = 0; f < F; f++) if (live(f) && flowToSystem[f]! >= 0) add(flowToSystem[f]!, f); }),
    vendorFlowsIn: adjacency(vendors.length, (add) => { for (let f = 0; f < F; f++) if (live(f) && flowToVendor[f]! >= 0) add(flowToVendor[f]!, f); }),
    hostingVendor,
    hostedSystems: adjacency(vendors.length, (add) => { for (let s = 0; s < S; s++) if (hostingVendor[s]! >= 0) add(hostingVendor[s]!, s); }),
    serviceSystems: invert(systemServices, services.length),
    systemServices,
    serviceTenants: invert(tenantServices, services.length),
    tenantServices,
    systemTenants,
    tenantSystems: invert(systemTenants, tenants.length),
    dedicated,
  };
}

/** The neighbours of node i, as a view (no copy). */
export function neighbours(adj: Adjacency, i: number): Int32Array {
  return adj.items.subarray(adj.start[i]!, adj.start[i + 1]!);
}

interface RefCache {
  systems: ObjectRef[];
  vendors: ObjectRef[];
  flows: ObjectRef[];
  services: ObjectRef[];
  tenants: ObjectRef[];
}
const refCaches = new WeakMap<IsmsGraph, RefCache>();

/** One shared, frozen ref per object: a report of 100,000 paths then holds references, not copies. */
function cachedRef(g: IsmsGraph, kind: keyof RefCache, i: number, make: () => ObjectRef): ObjectRef {
  let cache = refCaches.get(g);
  if (!cache) {
    cache = { systems: [], vendors: [], flows: [], services: [], tenants: [] };
    refCaches.set(g, cache);
  }
  return (cache[kind][i] ??= Object.freeze(make()));
}

/** How a system, vendor, flow, service or tenant of the graph is named in findings and paths (shared, frozen). */
export function systemRef(g: IsmsGraph, i: number): ObjectRef {
  return cachedRef(g, 'systems', i, () => { const s = g.systems[i]!; return { kind: 'system', id: s.id, slug: s.slug, name: s.name }; });
}
export function vendorRef(g: IsmsGraph, i: number): ObjectRef {
  return cachedRef(g, 'vendors', i, () => { const v = g.vendors[i]!; return { kind: 'vendor', id: v.id, slug: v.slug, name: v.name }; });
}
export function flowRef(g: IsmsGraph, i: number): ObjectRef {
  return cachedRef(g, 'flows', i, () => { const f = g.flows[i]!; return { kind: 'flow', id: f.id, slug: f.slug, name: f.name }; });
}
export function serviceRef(g: IsmsGraph, i: number): ObjectRef {
  return cachedRef(g, 'services', i, () => { const s = g.services[i]!; return { kind: 'service', id: s.id, slug: s.slug, name: s.name }; });
}
export function tenantRef(g: IsmsGraph, i: number): ObjectRef {
  return cachedRef(g, 'tenants', i, () => { const t = g.tenants[i]!; return { kind: 'tenant', id: t.id, slug: t.slug, name: t.name }; });
}

function indexById(items: readonly { id: string }[]): Map<string, number> {
  const index = new Map<string, number>();
  items.forEach((item, i) => index.set(item.id, i));
  return index;
}

/** Counting sort of (node, neighbour) pairs into compressed adjacency; `fill` is called twice. */
function adjacency(n: number, fill: (add: (node: number, item: number) => void) => void): Adjacency {
  const start = new Int32Array(n + 1);
  fill((node) => { start[node + 1]! += 1; });
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const items = new Int32Array(start[n]!);
  const next = start.slice(0, n);
  fill((node, item) => { items[next[node]!++] = item; });
  return { start, items };
}

/** The reverse relation of an adjacency over `n` targets. */
function invert(adj: Adjacency, n: number): Adjacency {
  const nodes = adj.start.length - 1;
  return adjacency(n, (add) => {
    for (let i = 0; i < nodes; i++) for (let k = adj.start[i]!; k < adj.start[i + 1]!; k++) add(adj.items[k]!, i);
  });
}
