import { hasBit } from './bitset.js';
import { flowRef, serviceRef, systemRef, tenantRef, vendorRef, type IsmsGraph } from './graph.js';
import type { ObjectRef } from './objects.js';
import type { TenantReach } from './reach.js';

/** How many systems the search restricted to a tenant's own flows may visit before the general search takes over. */
const ATTRIBUTED_BUDGET = 1024;

/** A system or vendor of the graph, by index. */
export interface Component {
  kind: 'system' | 'vendor';
  index: number;
}

/**
 * Explains how a tenant's data gets somewhere: the chain tenant → (service) → system → flow → … → component.
 * Searches backwards from the component through flows whose source holds the tenant's data, to the nearest
 * system that serves the tenant directly, so the cost is the size of that neighbourhood, not of the graph.
 * One tracer reuses its buffers for many questions; it is not safe to share between concurrent callers.
 */
export class TenantDataTracer {
  private readonly stamp: Int32Array;
  private readonly via: Int32Array;
  private readonly queue: Int32Array;
  private generation = 0;

  constructor(private readonly g: IsmsGraph, private readonly reach: TenantReach) {
    const S = g.systems.length;
    this.stamp = new Int32Array(S);
    this.via = new Int32Array(S);
    this.queue = new Int32Array(S);
  }

  /**
   * The path carrying tenant `t`'s data to `target`, which holds it (per `reach`). Preferred, in order: a chain
   * of flows that belong to the tenant's services or leave its dedicated systems (the flows that are the
   * tenant's by record); the target serving the tenant directly; any chain of flows; else [tenant, target].
   */
  path(t: number, target: Component): ObjectRef[] {
    const own = this.search(t, target, true);
    if (own) return own;
    if (target.kind === 'system' && hasBit(this.reach.seeds, target.index, t)) return this.seedPath(t, target.index);
    return this.search(t, target, false)
      ?? [tenantRef(this.g, t), target.kind === 'system' ? systemRef(this.g, target.index) : vendorRef(this.g, target.index)];
  }

  /**
   * Breadth-first, backwards from the target, through flows carrying `t`'s data from systems holding it; stops
   * at the first system serving `t` directly. Restricted to the tenant's own flows, it gives up after
   * ATTRIBUTED_BUDGET systems (the general search then answers).
   */
  private search(t: number, target: Component, attributedOnly: boolean): ObjectRef[] | null {
    const { g, stamp, via, queue } = this;
    const { systems: held, seeds, services } = this.reach;
    const gen = ++this.generation;
    let head = 0;
    let tail = 0;
    let found = -1;
    const visit = (f: number) => {
      const u = g.flowFrom[f]!;
      if (stamp[u] === gen || !g.flowCarriesData[f] || !hasBit(held, u, t)) return;
      const service = g.flowService[f]!;
      const seed = hasBit(seeds, u, t);
      if (service >= 0 ? !hasBit(services, service, t) : attributedOnly && !(g.dedicated[u] && seed)) return;
      stamp[u] = gen;
      via[u] = f;
      if (seed) found = u;
      else queue[tail++] = u;
    };
    if (target.kind === 'system') stamp[target.index] = gen;
    const incoming = target.kind === 'system' ? g.flowsIn : g.vendorFlowsIn;
    for (let k = incoming.start[target.index]!; k < incoming.start[target.index + 1]! && found < 0; k++) visit(incoming.items[k]!);
    while (found < 0 && head < tail && !(attributedOnly && tail > ATTRIBUTED_BUDGET)) {
      const u = queue[head++]!;
      for (let k = g.flowsIn.start[u]!; k < g.flowsIn.start[u + 1]! && found < 0; k++) visit(g.flowsIn.items[k]!);
    }
    if (found < 0) return null;
    const path = this.seedPath(t, found);
    this.forward(found, target, path);
    return path;
  }

  /** Why system `s` serves tenant `t` directly: dedicated to it, or shared by a service it consumes. */
  seedPath(t: number, s: number): ObjectRef[] {
    const { g } = this;
    if (g.dedicated[s]) return [tenantRef(g, t), systemRef(g, s)];
    for (let k = g.systemServices.start[s]!; k < g.systemServices.start[s + 1]!; k++) {
      const service = g.systemServices.items[k]!;
      for (let j = g.tenantServices.start[t]!; j < g.tenantServices.start[t + 1]!; j++) {
        if (g.tenantServices.items[j] === service) return [tenantRef(g, t), serviceRef(g, service), systemRef(g, s)];
      }
    }
    return [tenantRef(g, t), systemRef(g, s)];
  }

  /** From `u` (already in the path) along the recorded flows to the target, appended to `out`: flow, system, …, target. */
  private forward(u: number, target: Component, out: ObjectRef[]): ObjectRef[] {
    const { g } = this;
    let node = u;
    for (let guard = 0; guard <= g.systems.length; guard++) {
      const f = this.via[node]!;
      out.push(flowRef(g, f));
      const next = g.flowToSystem[f]!;
      if (next < 0) {
        out.push(vendorRef(g, g.flowToVendor[f]!));
        return out;
      }
      out.push(systemRef(g, next));
      if (target.kind === 'system' && next === target.index) return out;
      node = next;
    }
    return out;
  }
}
