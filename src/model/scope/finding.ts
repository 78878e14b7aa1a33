import type { LintContext } from './lint-context.js';
import type { ObjectRef } from './objects.js';

export type Severity = 'error' | 'warning' | 'info';

/** One gap in the scope, said so that a compliance lead can act on it and an auditor can follow the proof. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  /** What is wrong, in plain language, naming the objects. */
  message: string;
  /** The object the finding is about (a system, a vendor or a flow). */
  subject: ObjectRef;
  /** The field of the subject that is missing or wrong, when there is one (API name, e.g. `retention`). */
  field?: string;
  /** The chain of tenants, services, systems and flows that proves it, in the direction data moves. */
  path: ObjectRef[];
  /** How to close the gap. */
  hint: string;
  /** Ids of every object the finding concerns (subject first), for links. */
  objects: string[];
}

/** A scope rule: its id, default severity, and a check that returns its findings. */
export interface ScopeRule {
  id: string;
  severity: Severity;
  /** Short name, e.g. "Customer data outside the scope". */
  title: string;
  /** What the rule checks and why it matters (SARIF `fullDescription`, `--help`). */
  description: string;
  check(ctx: LintContext): Finding[];
}

/** A finding of `rule`; `objects` defaults to the subject and every object of the path. */
export function finding(rule: ScopeRule, f: Omit<Finding, 'ruleId' | 'severity' | 'objects'> & { objects?: string[]; severity?: Severity }): Finding {
  const objects = f.objects ?? [f.subject.id, ...f.path.map((p) => p.id)];
  const { objects: _o, severity, ...rest } = f;
  return { ruleId: rule.id, severity: severity ?? rule.severity, ...rest, objects: [...new Set([f.subject.id, ...objects])] };
}

