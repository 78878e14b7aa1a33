import { flowRef, systemRef, vendorRef, type IsmsGraph } from './graph.js';
import type { ObjectRef } from './objects.js';
import { compareText } from './wording.js';

/** Where one tenant's data goes: the systems, vendors and flows holding or carrying it, each with why. */
export interface TenantDataMap {
  tenant: ObjectRef;
  systems: Array<ObjectRef & { reason: string }>;
  vendors: Array<ObjectRef & { reason: string }>;
  flows: ObjectRef[];
}

export interface TenantDataOptions {
  /**
   * Which flows carry the tenant's data onward from a system holding it. Default, as in every other analysis:
   * a flow that carries some data (not only `none`) and belongs to no service or to one the tenant consumes.
   * `() => true` gives exactly the tenant page's footprint (`footprintIds`).
   */
  carries?: (flow: IsmsGraph['flows'][number], flowIndex: number) => boolean;
}

/**
 * The subgraph of one tenant's data, by one breadth-first search from the systems that serve it. It generalises
 * `footprintIds` (the tenant page): the same systems to start from (dedicated to the tenant, shared systems of
 * its services), the same walk along flows, never into a system dedicated to other tenants, and the hosting
 * vendors of every system reached; only which flows carry the tenant's data is a parameter. With the default
 * it agrees with `tenantReach`, residency and blast radius. Null for an unknown tenant id.
 */
export function tenantDataMap(g: IsmsGraph, tenantId: string, options: TenantDataOptions = {}): TenantDataMap | null {
  const t = g.tenantIndex.get(tenantId);
  if (t === undefined) return null;
  const S = g.systems.length;
  const consumed = new Uint8Array(g.services.length);
  for (let k = g.tenantServices.start[t]!; k < g.tenantServices.start[t + 1]!; k++) consumed[g.tenantServices.items[k]!] = 1;
  const carries = options.carries
    ?? ((_f, i) => g.flowCarriesData[i] === 1 && (g.flowService[i]! < 0 || consumed[g.flowService[i]!] === 1));
  const reason = new Array<string | undefined>(S);
  const queue: number[] = [];
  const serves = new Uint8Array(S);
  for (let k = g.tenantSystems.start[t]!; k < g.tenantSystems.start[t + 1]!; k++) serves[g.tenantSystems.items[k]!] = 1;
  const reach = (s: number, why: string) => {
    if (reason[s] !== undefined) return;
    reason[s] = why;
    queue.push(s);
  };
  for (let k = g.tenantSystems.start[t]!; k < g.tenantSystems.start[t + 1]!; k++) reach(g.tenantSystems.items[k]!, 'dedicated to this tenant');
  for (let k = g.tenantServices.start[t]!; k < g.tenantServices.start[t + 1]!; k++) {
    const service = g.tenantServices.items[k]!;
    for (let j = g.serviceSystems.start[service]!; j < g.serviceSystems.start[service + 1]!; j++) {
      const s = g.serviceSystems.items[j]!;
      if (!g.dedicated[s]) reach(s, `shared system of ${g.services[service]!.name}, which the tenant consumes`);
    }
  }
  const vendorReason = new Map<number, string>();
  const flows: number[] = [];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head]!;
    for (let k = g.flowsOut.start[u]!; k < g.flowsOut.start[u + 1]!; k++) {
      const f = g.flowsOut.items[k]!;
      if (!carries(g.flows[f]!, f)) continue;
      const w = g.flowToSystem[f]!;
      if (w >= 0 && g.dedicated[w] && !serves[w]) continue;
      flows.push(f);
      if (w >= 0) reach(w, `receives data from ${g.systems[u]!.name}`);
      else if (!vendorReason.has(g.flowToVendor[f]!)) vendorReason.set(g.flowToVendor[f]!, `receives data from ${g.systems[u]!.name}`);
    }
  }
  for (const s of queue) {
    const v = g.hostingVendor[s]!;
    if (v >= 0 && !vendorReason.has(v)) vendorReason.set(v, `hosts ${g.systems[s]!.name}`);
  }
  const bySlug = (a: ObjectRef, b: ObjectRef) => compareText(a.slug, b.slug);
  return {
    tenant: { kind: 'tenant', id: g.tenants[t]!.id, slug: g.tenants[t]!.slug, name: g.tenants[t]!.name },
    systems: queue.map((s) => ({ ...systemRef(g, s), reason: reason[s]! })).sort(bySlug),
    vendors: [...vendorReason].map(([v, why]) => ({ ...vendorRef(g, v), reason: why })).sort(bySlug),
    flows: flows.map((f) => flowRef(g, f)).sort(bySlug),
  };
}
