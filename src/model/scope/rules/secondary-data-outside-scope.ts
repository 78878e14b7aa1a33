import { finding, type ScopeRule } from '../finding.js';
import { systemRef } from '../graph.js';
import { SECONDARY_COPY_KINDS, tenantDataPath, touchesTenantData } from './kinds.js';

/** Logs, monitoring, analytics and backups are copies of tenant data and need the same protection. */
export const secondaryDataOutsideScope: ScopeRule = {
  id: 'secondary-data-outside-scope',
  severity: 'error',
  title: 'Logging, monitoring, analytics or backup with tenant data outside the scope',
  description: 'A logging, monitoring, analytics or backup system receives tenant data but is outside the ISMS scope.',
  check(ctx) {
    const g = ctx.graph;
    return g.systems.flatMap((s, i) => (s.inScope || !SECONDARY_COPY_KINDS.has(s.kind) || !touchesTenantData(ctx, i) ? [] : [finding(secondaryDataOutsideScope, {
      subject: systemRef(g, i),
      field: 'inScope',
      message: `${s.name} (${s.kind}) keeps a copy of tenant data but is outside the ISMS scope.`,
      path: tenantDataPath(ctx, i),
      hint: 'Bring the system into the ISMS scope, or stop sending tenant data to it (aggregate or anonymise at the source).',
    })]));
  },
};
