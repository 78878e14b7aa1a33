import { finding, type ScopeRule } from '../finding.js';
import { flowRef, systemRef } from '../graph.js';
import { listNames } from '../wording.js';

/** The identity provider or IAM that grants administrative access holds the keys to everything (ISO 27001 A.5.15–A.5.18, A.8.2). */
export const adminAccessProviderOutsideScope: ScopeRule = {
  id: 'admin-access-provider-outside-scope',
  severity: 'error',
  title: 'The source of administrative access is outside the scope',
  description: 'An identity provider, cloud IAM or other system that grants administrative access is outside the ISMS scope.',
  check(ctx) {
    const g = ctx.graph;
    return g.systems.flatMap((s, i) => {
      if (s.inScope || !s.grantsAdminAccess) return [];
      const targets: number[] = [];
      const flows: number[] = [];
      for (let k = g.flowsOut.start[i]!; k < g.flowsOut.start[i + 1]!; k++) {
        const f = g.flowsOut.items[k]!;
        const w = g.flowToSystem[f]!;
        if (w >= 0 && !targets.includes(w)) { targets.push(w); flows.push(f); }
      }
      return [finding(adminAccessProviderOutsideScope, {
        subject: systemRef(g, i),
        field: 'inScope',
        message: `${s.name} (${s.kind}) grants administrative access${targets.length ? ` to ${listNames(targets.map((w) => g.systems[w]!.name))}` : ''} but is outside the ISMS scope: whoever controls it controls what it grants access to.`,
        path: targets.length ? [systemRef(g, i), flowRef(g, flows[0]!), systemRef(g, targets[0]!)] : [systemRef(g, i)],
        objects: [s.id, ...targets.map((w) => g.systems[w]!.id)],
        hint: 'Bring the identity provider or IAM into the ISMS scope: privileged access management, MFA, access reviews and logging of administrator activity.',
      })];
    });
  },
};
