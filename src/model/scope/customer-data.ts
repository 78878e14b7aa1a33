import { rowIsEmpty } from './bitset.js';
import { CUSTOMER_DATA_MASK } from './categories.js';
import { flowRef, systemRef, type IsmsGraph } from './graph.js';
import type { ObjectRef } from './objects.js';
import { tenantReach } from './reach.js';

/**
 * Where customer data (CUSTOMER_DATA_CATEGORIES) comes from, for every system that has or receives it:
 * the chain of flows, each carrying customer data, from the system of record it started in.
 */
export interface CustomerDataSources {
  /** 1 when the system records customer data among its own categories. */
  readonly stores: Uint8Array;
  /** 1 when a flow carrying customer data enters the system. */
  readonly receives: Uint8Array;
  /** The flow that brings customer data along the shortest chain from a source; -1 for a source or none. */
  readonly via: Int32Array;
}

/** Read once: the mask is tested in loops over every flow. */
const CUSTOMER = CUSTOMER_DATA_MASK;
const STORAGE_KINDS = new Set(['database', 'object-storage']);
const memo = new WeakMap<IsmsGraph, CustomerDataSources>();

/**
 * Chains are found by breadth-first search from the sources, over flows carrying customer data, in two rounds:
 * first from the systems of record (databases and object storage that serve tenants and store customer data),
 * then from any other system storing customer data, then from any system sending it, for what the earlier
 * rounds did not reach. So a chain is
 * traced back to the database it was extracted from rather than to the first system that happened to copy it.
 * Linear in systems and flows; computed once per graph.
 */
export function customerDataSources(g: IsmsGraph): CustomerDataSources {
  const known = memo.get(g);
  if (known) return known;
  const S = g.systems.length;
  const seeds = tenantReach(g).seeds;
  const stores = new Uint8Array(S);
  const receives = new Uint8Array(S);
  const via = new Int32Array(S).fill(-1);
  const seen = new Uint8Array(S);
  const queue = new Int32Array(S);
  for (let s = 0; s < S; s++) stores[s] = (g.systemCategories[s]! & CUSTOMER) !== 0 ? 1 : 0;
  for (let f = 0; f < g.flows.length; f++) {
    const to = g.flowToSystem[f]!;
    if (to >= 0 && g.flowFrom[f]! >= 0 && (g.flowCategories[f]! & CUSTOMER) !== 0) receives[to] = 1;
  }
  const search = (isSource: (s: number) => boolean) => {
    let head = 0;
    let tail = 0;
    for (let s = 0; s < S; s++) if (!seen[s] && isSource(s)) { seen[s] = 1; queue[tail++] = s; }
    while (head < tail) {
      const u = queue[head++]!;
      for (let k = g.flowsOut.start[u]!; k < g.flowsOut.start[u + 1]!; k++) {
        const f = g.flowsOut.items[k]!;
        const w = g.flowToSystem[f]!;
        if (w < 0 || seen[w] || (g.flowCategories[f]! & CUSTOMER) === 0) continue;
        seen[w] = 1;
        via[w] = f;
        queue[tail++] = w;
      }
    }
  };
  search((s) => stores[s] === 1 && STORAGE_KINDS.has(g.systems[s]!.kind) && !rowIsEmpty(seeds, s));
  search((s) => stores[s] === 1);
  search((s) => {
    for (let k = g.flowsOut.start[s]!; k < g.flowsOut.start[s + 1]!; k++) if ((g.flowCategories[g.flowsOut.items[k]!]! & CUSTOMER) !== 0) return true;
    return false;
  });
  const sources = { stores, receives, via };
  memo.set(g, sources);
  return sources;
}

/**
 * The chain of systems and flows that brings customer data to system `s`, ending with `s`. A system that is a
 * source itself but also receives customer data is shown with the chain of the first flow bringing it.
 */
export function customerDataPath(g: IsmsGraph, sources: CustomerDataSources, s: number): ObjectRef[] {
  const chain = (end: number): ObjectRef[] => {
    const out: ObjectRef[] = [systemRef(g, end)];
    let node = end;
    for (let guard = 0; guard < g.systems.length && sources.via[node]! >= 0; guard++) {
      const f = sources.via[node]!;
      out.push(flowRef(g, f));
      node = g.flowFrom[f]!;
      out.push(systemRef(g, node));
    }
    return out.reverse();
  };
  if (sources.via[s]! < 0 && sources.receives[s]) {
    for (let k = g.flowsIn.start[s]!; k < g.flowsIn.start[s + 1]!; k++) {
      const f = g.flowsIn.items[k]!;
      const from = g.flowFrom[f]!;
      if ((g.flowCategories[f]! & CUSTOMER) === 0 || from === s) continue;
      const before = chain(from);
      if (!before.some((step) => step.id === g.systems[s]!.id)) return [...before, flowRef(g, f), systemRef(g, s)];
    }
  }
  return chain(s);
}
