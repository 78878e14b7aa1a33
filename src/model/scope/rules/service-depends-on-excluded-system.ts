import { finding, type Finding, type ScopeRule } from '../finding.js';
import { serviceRef, systemRef } from '../graph.js';
import { listNames } from '../wording.js';

/** A service in scope is only as controlled as the components it runs on. */
export const serviceDependsOnExcludedSystem: ScopeRule = {
  id: 'service-depends-on-excluded-system',
  severity: 'error',
  title: 'An in-scope service depends on an excluded system',
  description: 'A service inside the ISMS scope lists a system that is outside the scope among the systems it depends on.',
  check(ctx) {
    const g = ctx.graph;
    const out: Finding[] = [];
    g.systems.forEach((s, i) => {
      if (s.inScope) return;
      const services: number[] = [];
      for (let k = g.systemServices.start[i]!; k < g.systemServices.start[i + 1]!; k++) {
        const j = g.systemServices.items[k]!;
        if (ctx.serviceInScope(j)) services.push(j);
      }
      if (!services.length) return;
      const names = services.map((j) => g.services[j]!.name);
      out.push(finding(serviceDependsOnExcludedSystem, {
        subject: systemRef(g, i),
        field: 'inScope',
        message: `${listNames(names, 5)} ${services.length === 1 ? 'depends' : 'depend'} on ${s.name}, which is outside the ISMS scope: a service in scope cannot rest on a component the ISMS does not control.`,
        path: [serviceRef(g, services[0]!), systemRef(g, i)],
        objects: [s.id, ...services.map((j) => g.services[j]!.id)],
        hint: 'Bring the system into the ISMS scope, or remove the services from it if they do not in fact depend on it.',
      }));
    });
    return out;
  },
};
