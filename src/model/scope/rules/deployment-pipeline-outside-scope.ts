import { finding, type ScopeRule } from '../finding.js';
import { flowRef, systemRef } from '../graph.js';
import { listNames } from '../wording.js';

/** Whoever can deploy to production can change every tenant's system (ISO 27001 A.8.25–A.8.32). */
export const deploymentPipelineOutsideScope: ScopeRule = {
  id: 'deployment-pipeline-outside-scope',
  severity: 'error',
  title: 'A system that deploys to production is outside the scope',
  description: 'A CI/CD, source-control or configuration system that can deploy to production is outside the ISMS scope.',
  check(ctx) {
    const g = ctx.graph;
    return g.systems.flatMap((s, i) => {
      if (s.inScope || !s.deploysToProduction) return [];
      const targets: number[] = [];
      const flows: number[] = [];
      for (let k = g.flowsOut.start[i]!; k < g.flowsOut.start[i + 1]!; k++) {
        const f = g.flowsOut.items[k]!;
        const w = g.flowToSystem[f]!;
        if (w >= 0 && g.systems[w]!.environment === 'production' && !targets.includes(w)) { targets.push(w); flows.push(f); }
      }
      return [finding(deploymentPipelineOutsideScope, {
        subject: systemRef(g, i),
        field: 'inScope',
        message: `${s.name} (${s.kind}) can deploy to production${targets.length ? ` (${listNames(targets.map((w) => g.systems[w]!.name))})` : ''} but is outside the ISMS scope: a change it makes reaches every tenant of those systems without any ISMS control.`,
        path: targets.length ? [systemRef(g, i), flowRef(g, flows[0]!), systemRef(g, targets[0]!)] : [systemRef(g, i)],
        objects: [s.id, ...targets.map((w) => g.systems[w]!.id)],
        hint: 'Bring the pipeline into the ISMS scope (change management, access control, logging), or remove its rights to deploy to production.',
      })];
    });
  },
};
