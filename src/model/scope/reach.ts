import { bitRows, orRow, orRowMasked, setBit, type BitRows } from './bitset.js';
import type { IsmsGraph } from './graph.js';
import { stronglyConnected } from './scc.js';

/**
 * Whose data is where: for every system and vendor, the set of tenants whose data it holds or receives.
 * Rows are systems (or vendors, or services), bits are tenant indexes of the graph.
 */
export interface TenantReach {
  /** Tenants consuming each service. */
  readonly services: BitRows;
  /** Tenants a system serves directly: dedicated to them, or a shared system of a service they consume. */
  readonly seeds: BitRows;
  /** Tenants whose data a system holds: its seeds plus whatever data flows bring into it, through any chain. */
  readonly systems: BitRows;
  /** Tenants whose data reaches a vendor through data flows addressed to it. */
  readonly vendorsByFlow: BitRows;
  /** Tenants whose data sits in systems the vendor hosts. */
  readonly vendorsByHosting: BitRows;
}

const memo = new WeakMap<IsmsGraph, TenantReach>();

/**
 * Which tenants' data a flow carries onward from its source: none when it carries no data (only `none`,
 * see `carriesTenantData`);
 * when it belongs to a service, only the data of that service's tenants; otherwise everything its source holds.
 * A system dedicated to named tenants only ever holds those tenants' data (the tenant footprint's rule,
 * `footprintIds`), so flows into it add nothing.
 *
 * Cost: one pass. The strongly connected components of the flows that can add something are condensed and
 * propagated in topological order, each flow costing one row union (tenants / 32 words). Inside a cycle whose
 * flows carry everything, every member ends up with the same tenants (one union); a cycle with service-bound
 * flows is iterated to its fixpoint. Computed once per graph and remembered.
 */
export function tenantReach(g: IsmsGraph): TenantReach {
  const known = memo.get(g);
  if (known) return known;
  const S = g.systems.length;
  const T = g.tenants.length;
  const seeds = bitRows(S, T);
  const services = bitRows(g.services.length, T);
  for (let t = 0; t < T; t++) {
    for (let k = g.tenantServices.start[t]!; k < g.tenantServices.start[t + 1]!; k++) setBit(services, g.tenantServices.items[k]!, t);
  }
  for (let s = 0; s < S; s++) {
    if (g.dedicated[s]) {
      for (let k = g.systemTenants.start[s]!; k < g.systemTenants.start[s + 1]!; k++) setBit(seeds, s, g.systemTenants.items[k]!);
    } else {
      for (let k = g.systemServices.start[s]!; k < g.systemServices.start[s + 1]!; k++) orRow(seeds, s, services, g.systemServices.items[k]!);
    }
  }

  const systems: BitRows = { rows: S, words: seeds.words, bits: seeds.bits.slice() };
  const vendorsByFlow = bitRows(g.vendors.length, T);
  const vendorsByHosting = bitRows(g.vendors.length, T);
  const { flowsOut, flowToSystem, flowToVendor, flowCarriesData, flowService, dedicated } = g;
  const carries = (f: number) => flowCarriesData[f] === 1;
  const into = (f: number) => {
    const w = flowToSystem[f]!;
    return w >= 0 && !dedicated[w] && carries(f) ? w : -1;
  };
  /** Carry flow f's share of `source` row u into `target` row w. */
  const carry = (target: BitRows, w: number, u: number, f: number) => (flowService[f]! >= 0
    ? orRowMasked(target, w, systems, u, services, flowService[f]!)
    : orRow(target, w, systems, u));
  const { component, count } = stronglyConnected(S, flowsOut, into);

  // Systems grouped by component (counting sort), visited from sources to sinks.
  const start = new Int32Array(count + 1);
  for (let s = 0; s < S; s++) start[component[s]! + 1]! += 1;
  for (let c = 0; c < count; c++) start[c + 1]! += start[c]!;
  const members = new Int32Array(S);
  const fill = start.slice(0, count);
  for (let s = 0; s < S; s++) members[fill[component[s]!]!++] = s;
  const queued = new Uint8Array(S);
  const worklist: number[] = [];

  for (let c = count - 1; c >= 0; c--) {
    const from = start[c]!;
    const end = start[c + 1]!;
    if (end - from > 1) {
      let bound = false;
      for (let k = from; k < end && !bound; k++) {
        const u = members[k]!;
        for (let e = flowsOut.start[u]!; e < flowsOut.start[u + 1]!; e++) {
          const f = flowsOut.items[e]!;
          const w = into(f);
          if (w >= 0 && component[w] === c && flowService[f]! >= 0) { bound = true; break; }
        }
      }
      if (!bound) {
        const first = members[from]!;
        for (let k = from + 1; k < end; k++) orRow(systems, first, systems, members[k]!);
        for (let k = from + 1; k < end; k++) orRow(systems, members[k]!, systems, first);
      } else {
        for (let k = from; k < end; k++) { worklist.push(members[k]!); queued[members[k]!] = 1; }
        while (worklist.length) {
          const u = worklist.pop()!;
          queued[u] = 0;
          for (let e = flowsOut.start[u]!; e < flowsOut.start[u + 1]!; e++) {
            const f = flowsOut.items[e]!;
            const w = into(f);
            if (w >= 0 && component[w] === c && carry(systems, w, u, f) && !queued[w]) { queued[w] = 1; worklist.push(w); }
          }
        }
      }
    }
    for (let k = from; k < end; k++) {
      const u = members[k]!;
      for (let e = flowsOut.start[u]!; e < flowsOut.start[u + 1]!; e++) {
        const f = flowsOut.items[e]!;
        if (!carries(f)) continue;
        const w = flowToSystem[f]!;
        if (w >= 0) {
          if (!dedicated[w] && component[w] !== c) carry(systems, w, u, f);
        } else if (flowToVendor[f]! >= 0) {
          carry(vendorsByFlow, flowToVendor[f]!, u, f);
        }
      }
    }
  }
  for (let s = 0; s < S; s++) if (g.hostingVendor[s]! >= 0) orRow(vendorsByHosting, g.hostingVendor[s]!, systems, s);

  const reach = { services, seeds, systems, vendorsByFlow, vendorsByHosting };
  memo.set(g, reach);
  return reach;
}
