import { rowIsEmpty } from '../bitset.js';
import { categoryMask, PERSONAL_DATA_MASK } from '../categories.js';
import { finding, type Finding, type ScopeRule } from '../finding.js';
import { vendorRef } from '../graph.js';
import type { ObjectRef } from '../objects.js';
import { describeCategories } from '../wording.js';
import { firstTenantPath } from './kinds.js';

const HOSTED_CONTENT = categoryMask(['customer-content', 'special-category-data']);

/**
 * GDPR Art. 28(2) and (4): a vendor processing tenants' personal data for the provider is a sub-processor,
 * which customers must be told about. Counted: flows addressed to the vendor carrying tenants' personal data,
 * and systems it hosts that keep tenants' content or special-category data.
 */
export const vendorProcessorNotFlagged: ScopeRule = {
  id: 'vendor-processor-not-flagged',
  severity: 'warning',
  title: 'Vendor processes tenants\u2019 personal data but is not a sub-processor',
  description: 'A vendor receives tenants\u2019 personal data through data flows, or hosts systems keeping tenants\u2019 content, but is not marked as a sub-processor.',
  check(ctx) {
    const g = ctx.graph;
    const reach = ctx.reach();
    const out: Finding[] = [];
    g.vendors.forEach((v, i) => {
      if (v.subProcessor) return;
      let mask = 0;
      let path: ObjectRef[] | null = null;
      for (let k = g.vendorFlowsIn.start[i]!; k < g.vendorFlowsIn.start[i + 1]!; k++) {
        const f = g.vendorFlowsIn.items[k]!;
        const personal = g.flowCategories[f]! & PERSONAL_DATA_MASK;
        if (!personal || rowIsEmpty(reach.systems, g.flowFrom[f]!)) continue;
        mask |= personal;
        path ??= firstTenantPath(ctx, { kind: 'vendor', index: i });
      }
      for (let k = g.hostedSystems.start[i]!; k < g.hostedSystems.start[i + 1]!; k++) {
        const s = g.hostedSystems.items[k]!;
        const content = g.systemCategories[s]! & HOSTED_CONTENT;
        if (!content || rowIsEmpty(reach.systems, s)) continue;
        mask |= content;
        path ??= [...firstTenantPath(ctx, { kind: 'system', index: s }), vendorRef(g, i)];
      }
      if (!mask) return;
      out.push(finding(vendorProcessorNotFlagged, {
        subject: vendorRef(g, i),
        field: 'subProcessor',
        message: `${v.name} processes tenants\u2019 ${describeCategories(mask)} but is not marked as a sub-processor: customers have not been told about it.`,
        path: path ?? [vendorRef(g, i)],
        hint: 'Mark the vendor as a sub-processor, sign a data processing agreement with it and notify the tenants concerned; or stop sending it personal data.',
      }));
    });
    return out;
  },
};

