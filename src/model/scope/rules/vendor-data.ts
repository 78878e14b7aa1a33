import { CUSTOMER_DATA_MASK } from '../categories.js';
import type { LintContext } from '../lint-context.js';
import { flowRef, systemRef, vendorRef } from '../graph.js';
import type { ObjectRef } from '../objects.js';

/** How a vendor comes to handle customer data: what it declares, what flows send it, what it hosts. */
export interface VendorCustomerData {
  /** Customer data categories involved, as bits. */
  mask: number;
  /** The first flow or hosted system that proves it, ending with the vendor; just the vendor when only declared. */
  path: ObjectRef[];
}

/** Null when the vendor neither declares, receives nor hosts customer data (CUSTOMER_DATA_CATEGORIES). */
export function vendorCustomerData(ctx: LintContext, v: number): VendorCustomerData | null {
  const g = ctx.graph;
  let mask = g.vendorCategories[v]! & CUSTOMER_DATA_MASK;
  let path: ObjectRef[] | null = null;
  for (let k = g.vendorFlowsIn.start[v]!; k < g.vendorFlowsIn.start[v + 1]!; k++) {
    const f = g.vendorFlowsIn.items[k]!;
    const carried = g.flowCategories[f]! & CUSTOMER_DATA_MASK;
    if (!carried) continue;
    mask |= carried;
    path ??= [systemRef(g, g.flowFrom[f]!), flowRef(g, f), vendorRef(g, v)];
  }
  const sources = ctx.customerData();
  for (let k = g.hostedSystems.start[v]!; k < g.hostedSystems.start[v + 1]!; k++) {
    const s = g.hostedSystems.items[k]!;
    if (!sources.stores[s] && !sources.receives[s]) continue;
    mask |= g.systemCategories[s]! & CUSTOMER_DATA_MASK;
    for (let j = g.flowsIn.start[s]!; j < g.flowsIn.start[s + 1]!; j++) mask |= g.flowCategories[g.flowsIn.items[j]!]! & CUSTOMER_DATA_MASK;
    path ??= [systemRef(g, s), vendorRef(g, v)];
  }
  return mask ? { mask, path: path ?? [vendorRef(g, v)] } : null;
}
