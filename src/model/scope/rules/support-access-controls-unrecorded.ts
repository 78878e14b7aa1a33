import { finding, type Finding, type ScopeRule } from '../finding.js';
import { systemRef } from '../graph.js';
import { SUPPORT_KINDS, tenantDataPath, touchesTenantData } from './kinds.js';

/** ISO 27001 A.5.15 (access control) and A.8.15 (logging) for the tools that reach into tenants. */
export const supportAccessControlsUnrecorded: ScopeRule = {
  id: 'support-access-controls-unrecorded',
  severity: 'warning',
  title: 'Support or admin tool without recorded access control or logging',
  description: 'A support tool, ticketing system, RMM or admin dashboard with access to tenant data has no access control or no logging recorded.',
  check(ctx) {
    const g = ctx.graph;
    const out: Finding[] = [];
    g.systems.forEach((s, i) => {
      if (!SUPPORT_KINDS.has(s.kind) || !touchesTenantData(ctx, i)) return;
      const missing = ([['accessControl', 'access control'], ['logging', 'logging']] as const).filter(([field]) => s[field].trim() === '');
      if (!missing.length) return;
      out.push(finding(supportAccessControlsUnrecorded, {
        subject: systemRef(g, i),
        field: missing[0]![0],
        message: `${s.name} (${s.kind}) gives staff access to tenant data, but no ${missing.map(([, words]) => words).join(' and no ')} is recorded for it.`,
        path: tenantDataPath(ctx, i),
        hint: 'Record who may use the tool and how access is granted (SSO, MFA, roles, reviews) and what it logs and where.',
      }));
    });
    return out;
  },
};
