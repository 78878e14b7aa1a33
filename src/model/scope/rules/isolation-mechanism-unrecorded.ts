import { forEachBit, rowCount } from '../bitset.js';
import { finding, type Finding, type ScopeRule } from '../finding.js';
import { systemRef } from '../graph.js';
import { listNames } from '../wording.js';
import { isSharedByTenants } from './shared-systems.js';

/** Tenant separation you can prove starts with saying how tenants are kept apart (ISO 27001 A.8.3, A.8.22). */
export const isolationMechanismUnrecorded: ScopeRule = {
  id: 'isolation-mechanism-unrecorded',
  severity: 'error',
  title: 'Shared system without a recorded isolation mechanism',
  description: 'A system holding the data of two or more tenants records no mechanism keeping one tenant\u2019s data from another\u2019s.',
  check(ctx) {
    const g = ctx.graph;
    const held = ctx.reach().systems;
    const out: Finding[] = [];
    g.systems.forEach((s, i) => {
      if (s.isolationMechanism.trim() !== '' || !isSharedByTenants(ctx, i)) return;
      const names: string[] = [];
      forEachBit(held, i, (t) => { if (names.length < 4) names.push(g.tenants[t]!.name); });
      const n = rowCount(held, i);
      out.push(finding(isolationMechanismUnrecorded, {
        subject: systemRef(g, i),
        field: 'isolationMechanism',
        message: `${s.name} holds the data of ${n} tenants (${listNames(names, 3, n)}) but records no isolation mechanism: nothing says how one tenant is kept from another\u2019s data.`,
        path: [systemRef(g, i)],
        hint: 'Record how tenants are separated (row-level security, schema or database per tenant, per-tenant keys, separate accounts) and test it.',
      }));
    });
    return out;
  },
};
