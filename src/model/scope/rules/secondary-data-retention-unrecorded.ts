import { finding, type ScopeRule } from '../finding.js';
import { systemRef } from '../graph.js';
import { SECONDARY_COPY_KINDS, tenantDataPath, touchesTenantData } from './kinds.js';

/** GDPR Art. 5(1)(e) storage limitation; ISO 27001 A.8.10 information deletion. */
export const secondaryDataRetentionUnrecorded: ScopeRule = {
  id: 'secondary-data-retention-unrecorded',
  severity: 'warning',
  title: 'Logging, monitoring, analytics or backup without recorded retention',
  description: 'A logging, monitoring, analytics or backup system receives tenant data and has no retention recorded.',
  check(ctx) {
    const g = ctx.graph;
    return g.systems.flatMap((s, i) => (!SECONDARY_COPY_KINDS.has(s.kind) || s.retention.trim() !== '' || !touchesTenantData(ctx, i) ? [] : [finding(secondaryDataRetentionUnrecorded, {
      subject: systemRef(g, i),
      field: 'retention',
      message: `${s.name} (${s.kind}) keeps tenant data, but no retention period is recorded: nobody can say when the copies are deleted.`,
      path: tenantDataPath(ctx, i),
      hint: 'Record how long the data is kept and how it is deleted, and configure the system to match.',
    })]));
  },
};
