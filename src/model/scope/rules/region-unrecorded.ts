import { forEachWordBit } from '../bitset.js';
import { finding, type ScopeRule } from '../finding.js';
import { componentRef, residencyByComponent } from '../residency.js';
import { plural } from '../wording.js';

/** Residency cannot be shown for a place whose region nobody recorded. */
export const regionUnrecorded: ScopeRule = {
  id: 'region-unrecorded',
  severity: 'warning',
  title: 'Tenant data where no region is recorded',
  description: 'A system or vendor holds the data of tenants that limit their regions, but records no region.',
  check(ctx) {
    const g = ctx.graph;
    return residencyByComponent(g).filter((c) => c.unrecordedCount > 0).map((c) => {
      const ref = componentRef(g, c.component);
      const tenants: number[] = [];
      forEachWordBit(c.unrecorded, (t) => { tenants.push(t); return tenants.length < 100; });
      return finding(regionUnrecorded, {
        subject: ref,
        field: 'regions',
        message: `${ref.name} holds the data of ${plural(c.unrecordedCount, 'tenant')} that limit where their data may be, but records no region: residency cannot be shown.`,
        path: ctx.tracer().path(tenants[0]!, c.component),
        objects: [ref.id, ...tenants.map((t) => g.tenants[t]!.id)],
        hint: 'Record the regions where the system or vendor stores and processes data.',
      });
    });
  },
};
