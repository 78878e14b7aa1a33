import { PERSONAL_DATA_MASK } from '../categories.js';
import { finding, type Finding, type ScopeRule } from '../finding.js';
import { exceptionFor } from '../lint-context.js';
import { flowRef, systemRef } from '../graph.js';
import { describeCategories } from '../wording.js';

/** ISO 27001 A.8.31 and A.8.33: test environments do not get production personal data unless authorised and protected. */
export const nonproductionReceivesPersonalData: ScopeRule = {
  id: 'nonproduction-receives-personal-data',
  severity: 'error',
  title: 'Production personal data in a non-production environment',
  description: 'A staging, development, demo or sandbox system receives personal data from production without a recorded, approved and time-bound exception.',
  check(ctx) {
    const g = ctx.graph;
    const out: Finding[] = [];
    for (let f = 0; f < g.flows.length; f++) {
      const from = g.flowFrom[f]!;
      const to = g.flowToSystem[f]!;
      const personal = g.flowCategories[f]! & PERSONAL_DATA_MASK;
      if (from < 0 || to < 0 || !personal) continue;
      const source = g.systems[from]!;
      const target = g.systems[to]!;
      if (source.environment !== 'production' || target.environment === 'production') continue;
      const flow = g.flows[f]!;
      const { valid, invalid } = exceptionFor(ctx, nonproductionReceivesPersonalData.id, [flow.id, target.id]);
      if (valid) continue;
      const why = !invalid ? 'and no exception is recorded'
        : !invalid.approved ? 'and the recorded exception is not approved'
          : invalid.expiresOn === null ? 'and the recorded exception has no end date'
            : `and the recorded exception expired on ${invalid.expiresOn}`;
      out.push(finding(nonproductionReceivesPersonalData, {
        subject: systemRef(g, to),
        field: 'environment',
        message: `${target.name} (${target.environment}) receives ${describeCategories(personal)} from production system ${source.name} through "${flow.name}", ${why}.`,
        path: [systemRef(g, from), flowRef(g, f), systemRef(g, to)],
        hint: 'Use synthetic or properly anonymised data in non-production environments; if real data is unavoidable, record an approved exception with an end date and protect the environment like production.',
      }));
    }
    return out;
  },
};
