import { requireDay } from './dates.js';
import type { Finding, ScopeRule, Severity } from './finding.js';
import { lintContext, type ExceptedFinding } from './lint-context.js';
import type { LintOptions } from './lint-options.js';
import type { IsmsGraph } from './graph.js';
import { SCOPE_RULES } from './rules/index.js';
import { compareText } from './wording.js';

/** What the scope linter found, worst first. */
export interface LintReport {
  findings: Finding[];
  counts: Record<Severity, number>;
  /** Findings per rule id (every rule that ran, zeros included). */
  byRule: Record<string, number>;
  /** Findings not reported because an approved, unexpired exception covers them. */
  excepted: ExceptedFinding[];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Run the scope rules over an organization's graph. Pure: the same graph and options give the same report,
 * on the server, in the offline CLI and in tests. Throws a RangeError when `options.today` is not a date.
 */
export function lintScope(graph: IsmsGraph, options: LintOptions, rules: readonly ScopeRule[] = SCOPE_RULES): LintReport {
  requireDay(options.today, 'today');
  const ctx = lintContext(graph, options);
  const disabled = new Set(options.disabledRules ?? []);
  const active = rules.filter((r) => !disabled.has(r.id));
  const rank = new Map(active.map((r, i) => [r.id, i]));
  const findings = active.flatMap((r) => r.check(ctx));
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
    || rank.get(a.ruleId)! - rank.get(b.ruleId)!
    || compareText(a.subject.slug, b.subject.slug));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const byRule: Record<string, number> = Object.fromEntries(active.map((r) => [r.id, 0]));
  for (const f of findings) {
    counts[f.severity] += 1;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  return { findings, counts, byRule, excepted: ctx.excepted };
}
