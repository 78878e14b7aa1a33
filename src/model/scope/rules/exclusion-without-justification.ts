import { finding, type ScopeRule } from '../finding.js';
import { systemRef } from '../graph.js';

/** ISO 27001 clause 4.3: exclusions from the scope must be justified. */
export const exclusionWithoutJustification: ScopeRule = {
  id: 'exclusion-without-justification',
  severity: 'error',
  title: 'Exclusion without justification',
  description: 'A system is outside the ISMS scope and no justification for its exclusion is recorded.',
  check(ctx) {
    const g = ctx.graph;
    return g.systems.flatMap((s, i) => (s.inScope || s.exclusionJustification.trim() !== '' ? [] : [finding(exclusionWithoutJustification, {
      subject: systemRef(g, i),
      field: 'exclusionJustification',
      message: `${s.name} is excluded from the ISMS scope without a recorded justification.`,
      path: [systemRef(g, i)],
      hint: 'Record why the system can safely be left out of the scope (what it holds, who controls it, which other control covers it), or bring it into the scope.',
    })]));
  },
};
