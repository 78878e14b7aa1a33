import { REGIONS } from '../../regions.js';
import { forEachWordBit } from '../bitset.js';
import { finding, type ScopeRule } from '../finding.js';
import { componentRef, residencyByComponent } from '../residency.js';
import { listNames } from '../wording.js';

/** How many of the tenants concerned a finding links (tier A first); its message gives the full count. */
const MAX_LINKED_TENANTS = 100;

/** GDPR Chapter V transfers and the residency promised in contracts. One finding per system or vendor. */
export const dataResidencyBreach: ScopeRule = {
  id: 'data-residency-breach',
  severity: 'error',
  title: 'Tenant data outside its allowed regions',
  description: 'A system or vendor holding a tenant\u2019s data runs in a region that tenant does not allow (allowedRegions: jurisdictions or region codes).',
  check(ctx) {
    const g = ctx.graph;
    return residencyByComponent(g).filter((c) => c.breachedCount > 0).map((c) => {
      // Tier A first, then B, then C, each in graph order (objects come sorted by slug); at most
      // MAX_LINKED_TENANTS of them: a shared log store can break thousands of tenants' allowances.
      const order: number[] = [];
      for (const tier of ['A', 'B', 'C'] as const) {
        forEachWordBit(c.breached, (t) => {
          if (order.length >= MAX_LINKED_TENANTS) return false;
          if (g.tenants[t]!.tier === tier) order.push(t);
          return true;
        });
      }
      const first = order[0]!;
      const disallowed = c.disallowed;
      const ref = componentRef(g, c.component);
      const where = disallowed.map((r) => `${r} (${REGIONS[r].jurisdiction})`).join(', ');
      const n = c.breachedCount;
      return finding(dataResidencyBreach, {
        subject: ref,
        field: 'regions',
        message: `${ref.name} runs in ${where}, ${disallowed.length === 1 ? 'a region' : 'regions'} that ${n === 1 ? 'tenant' : `${n} tenants`} ${listNames(order.slice(0, 3).map((t) => `${g.tenants[t]!.name} (tier ${g.tenants[t]!.tier})`), 3, n)} ${n === 1 ? 'does' : 'do'} not allow for ${n === 1 ? 'its' : 'their'} data, yet ${n === 1 ? 'its' : 'their'} data reaches it.`,
        path: ctx.tracer().path(first, c.component),
        objects: [ref.id, ...order.map((t) => g.tenants[t]!.id)],
        hint: 'Move the data to an allowed region, stop the flow that carries it there (or strip the tenant\u2019s data from it), or agree the transfer with the tenant and record the safeguard (SCCs, adequacy) in its allowed regions.',
      });
    });
  },
};
