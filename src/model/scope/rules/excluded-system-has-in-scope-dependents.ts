import { CUSTOMER_DATA_MASK } from '../categories.js';
import { finding, type Finding, type ScopeRule } from '../finding.js';
import { flowRef, systemRef } from '../graph.js';
import { listNames } from '../wording.js';

/**
 * An excluded system that in-scope systems rely on: it deploys to them, grants administrative access to
 * them, or feeds them customer data. Telemetry and metadata feeds alone do not make a dependency.
 */
export const excludedSystemHasInScopeDependents: ScopeRule = {
  id: 'excluded-system-has-in-scope-dependents',
  severity: 'warning',
  title: 'In-scope systems depend on an excluded system',
  description: 'A system outside the ISMS scope deploys to, grants administrative access to, or sends customer data to systems inside the scope.',
  check(ctx) {
    const g = ctx.graph;
    const out: Finding[] = [];
    g.systems.forEach((s, i) => {
      if (s.inScope) return;
      const controls = s.deploysToProduction || s.grantsAdminAccess;
      const dependents: number[] = [];
      const flows: number[] = [];
      for (let k = g.flowsOut.start[i]!; k < g.flowsOut.start[i + 1]!; k++) {
        const f = g.flowsOut.items[k]!;
        const w = g.flowToSystem[f]!;
        if (w < 0 || !g.systems[w]!.inScope || dependents.includes(w)) continue;
        if (controls || (g.flowCategories[f]! & CUSTOMER_DATA_MASK) !== 0) {
          dependents.push(w);
          flows.push(f);
        }
      }
      if (!dependents.length) return;
      const how = [
        s.deploysToProduction ? 'deploys to production' : '',
        s.grantsAdminAccess ? 'grants administrative access' : '',
        !controls ? 'sends customer data' : '',
      ].filter(Boolean).join(' and ');
      out.push(finding(excludedSystemHasInScopeDependents, {
        subject: systemRef(g, i),
        field: 'inScope',
        message: `${s.name} is outside the ISMS scope, but in-scope systems depend on it: it ${how} (${listNames(dependents.map((w) => g.systems[w]!.name))}).`,
        path: [systemRef(g, i), flowRef(g, flows[0]!), systemRef(g, dependents[0]!)],
        objects: [s.id, ...dependents.map((w) => g.systems[w]!.id), ...flows.map((f) => g.flows[f]!.id)],
        hint: 'Bring the system into the ISMS scope, or show in the exclusion justification which in-scope control covers what it can do to the systems that depend on it.',
      }));
    });
    return out;
  },
};
