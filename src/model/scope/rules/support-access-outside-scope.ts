import { finding, type ScopeRule } from '../finding.js';
import { systemRef } from '../graph.js';
import { SUPPORT_KINDS, tenantDataPath, touchesTenantData } from './kinds.js';

/** Support and administration tools are the usual way into every tenant at once (ISO 27001 A.5.15, A.8.2). */
export const supportAccessOutsideScope: ScopeRule = {
  id: 'support-access-outside-scope',
  severity: 'error',
  title: 'Support or admin tool with tenant data outside the scope',
  description: 'A support tool, ticketing system, RMM or admin dashboard with access to tenant data is outside the ISMS scope.',
  check(ctx) {
    const g = ctx.graph;
    return g.systems.flatMap((s, i) => (s.inScope || !SUPPORT_KINDS.has(s.kind) || !touchesTenantData(ctx, i) ? [] : [finding(supportAccessOutsideScope, {
      subject: systemRef(g, i),
      field: 'inScope',
      message: `${s.name} (${s.kind}) gives staff access to tenant data but is outside the ISMS scope, so nothing in the ISMS governs who uses it and how.`,
      path: tenantDataPath(ctx, i),
      hint: 'Bring the tool into the ISMS scope and record its access control and logging.',
    })]));
  },
};
