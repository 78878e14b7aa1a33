import { CUSTOMER_DATA_MASK } from '../categories.js';
import { customerDataPath } from '../customer-data.js';
import { finding, type Finding, type ScopeRule } from '../finding.js';
import { systemRef } from '../graph.js';
import { describeCategories, listNames } from '../wording.js';

/** ISO 27001 clause 4.3: the scope must cover where customer and personal data is. */
export const outOfScopeCustomerData: ScopeRule = {
  id: 'out-of-scope-customer-data',
  severity: 'error',
  title: 'Customer or personal data outside the scope',
  description: 'A system outside the ISMS scope stores, processes or receives (directly or through a chain of data flows) customer content, personal data, special-category data or credentials.',
  check(ctx) {
    const g = ctx.graph;
    const sources = ctx.customerData();
    const out: Finding[] = [];
    g.systems.forEach((s, i) => {
      if (s.inScope || (!sources.stores[i] && !sources.receives[i])) return;
      let received = 0;
      const senders: string[] = [];
      for (let k = g.flowsIn.start[i]!; k < g.flowsIn.start[i + 1]!; k++) {
        const f = g.flowsIn.items[k]!;
        const carried = g.flowCategories[f]! & CUSTOMER_DATA_MASK;
        if (!carried) continue;
        received |= carried;
        const from = g.systems[g.flowFrom[f]!]!.name;
        if (!senders.includes(from)) senders.push(from);
      }
      const stored = g.systemCategories[i]! & CUSTOMER_DATA_MASK;
      const what = [
        stored ? `stores ${describeCategories(stored)}` : '',
        received ? `receives ${describeCategories(received)} from ${listNames(senders)}` : '',
      ].filter(Boolean).join(' and ');
      out.push(finding(outOfScopeCustomerData, {
        subject: systemRef(g, i),
        field: 'inScope',
        message: `${s.name} is outside the ISMS scope, yet it ${what}.`,
        path: customerDataPath(g, sources, i),
        hint: 'Bring the system into the ISMS scope with the controls its data needs, or stop the flows that bring customer data to it and remove what it holds.',
      }));
    });
    return out;
  },
};
