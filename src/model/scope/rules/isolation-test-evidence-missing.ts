import { PERSONAL_DATA_MASK } from '../categories.js';
import { dayNumber } from '../dates.js';
import { finding, type Finding, type ScopeRule } from '../finding.js';
import type { IsolationTestResult } from '../lint-options.js';
import { systemRef } from '../graph.js';
import { isSharedByTenants } from './shared-systems.js';

/**
 * A recorded mechanism is a claim; a recent, passed cross-tenant test is the evidence (ISO 27001 A.8.29).
 * Until isolation test results are recorded at all (no `isolationTests` input) each system is an `info`;
 * once they are, a missing or stale test is a `warning` and a failed one an `error`.
 */
export const isolationTestEvidenceMissing: ScopeRule = {
  id: 'isolation-test-evidence-missing',
  severity: 'warning',
  title: 'No recent isolation test of a shared system',
  description: 'A system holding the personal data or content of two or more tenants has no passed isolation test newer than the allowed age (90 days by default).',
  check(ctx) {
    const g = ctx.graph;
    const personal = (i: number) => {
      if ((g.systemCategories[i]! & PERSONAL_DATA_MASK) !== 0) return true;
      for (let k = g.flowsIn.start[i]!; k < g.flowsIn.start[i + 1]!; k++) if ((g.flowCategories[g.flowsIn.items[k]!]! & PERSONAL_DATA_MASK) !== 0) return true;
      return false;
    };
    const latest = latestTests(ctx.isolationTests ?? []);
    const today = dayNumber(ctx.today);
    const out: Finding[] = [];
    g.systems.forEach((s, i) => {
      if (!personal(i) || !isSharedByTenants(ctx, i)) return;
      const test = latest.get(s.id);
      const age = test ? today - dayNumber(test.testedOn) : Number.POSITIVE_INFINITY;
      if (test && test.passed && age <= ctx.isolationTestMaxAgeDays) return;
      const state = ctx.isolationTests === null ? 'there is no isolation test evidence yet'
        : !test ? 'no isolation test of it is recorded'
          : !test.passed ? `its latest isolation test, on ${test.testedOn.slice(0, 10)}, failed`
            : `its latest passed isolation test, on ${test.testedOn.slice(0, 10)}, is ${age} days old (at most ${ctx.isolationTestMaxAgeDays} allowed)`;
      out.push(finding(isolationTestEvidenceMissing, {
        severity: ctx.isolationTests === null ? 'info' : test && !test.passed ? 'error' : 'warning',
        subject: systemRef(g, i),
        message: `${s.name} keeps the personal data of several tenants, but ${state}: the separation is claimed, not shown.`,
        path: [systemRef(g, i)],
        hint: 'Run a cross-tenant isolation test against the system (tenantproof probe, or your own test) and record the result.',
      }));
    });
    return out;
  },
};

/** The latest test per system (a failed test newer than a passed one wins: it is the current state). */
function latestTests(tests: readonly IsolationTestResult[]): Map<string, IsolationTestResult> {
  const latest = new Map<string, IsolationTestResult>();
  for (const t of tests) {
    const known = latest.get(t.systemId);
    if (!known || dayNumber(t.testedOn) > dayNumber(known.testedOn) || (t.testedOn === known.testedOn && !t.passed)) latest.set(t.systemId, t);
  }
  return latest;
}
