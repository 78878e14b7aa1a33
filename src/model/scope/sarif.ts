import type { Finding, ScopeRule, Severity } from './finding.js';
import type { LintReport } from './lint.js';
import type { ObjectRef } from './objects.js';
import { pathText } from './wording.js';

/** A line and column (1-based) in the analysed file. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface SarifOptions {
  /** The analysed file as the results should name it (relative to the repository root for code scanning). */
  artifactUri: string;
  /** Where an object (and optionally one of its fields) is written in the file; null when it is not there. */
  locate: (ref: ObjectRef, field?: string) => SourcePosition | null;
  toolVersion: string;
  rules: readonly ScopeRule[];
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * The report as SARIF 2.1.0 (OASIS), for code-scanning dashboards and pull-request annotations: one run, the
 * rules as reportingDescriptors, one result per finding located at the offending item (its field when known),
 * the path's other objects as related locations, and a stable fingerprint per rule and object.
 */
export function toSarif(report: LintReport, options: SarifOptions): Record<string, unknown> {
  const ruleIndex = new Map(options.rules.map((r, i) => [r.id, i]));
  const location = (ref: ObjectRef, field?: string, id?: number) => {
    const at = options.locate(ref, field);
    return {
      ...(id !== undefined ? { id } : {}),
      ...(at ? { physicalLocation: { artifactLocation: { uri: options.artifactUri }, region: { startLine: at.line, startColumn: at.column } } } : {}),
      logicalLocations: [{ name: ref.slug, fullyQualifiedName: `${ref.kind}/${ref.slug}`, kind: ref.kind }],
      ...(id !== undefined ? { message: { text: `${ref.kind} ${ref.name}` } } : {}),
    };
  };
  const result = (f: Finding) => ({
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
    level: LEVEL[f.severity],
    message: { text: `${f.message}${f.path.length > 1 ? ` Path: ${pathText(f.path)}.` : ''} Fix: ${f.hint}` },
    locations: [location(f.subject, f.field)],
    relatedLocations: f.path.filter((p) => p.id !== f.subject.id).map((p, i) => location(p, undefined, i + 1)),
    partialFingerprints: { 'tenantproofFinding/v1': `${f.ruleId}:${f.subject.kind}/${f.subject.slug}` },
    properties: { subject: f.subject, path: f.path, hint: f.hint, objects: f.objects, ...(f.field ? { field: f.field } : {}) },
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'tenantproof',
          informationUri: 'https://github.com/tenantproof/tenantproof',
          version: options.toolVersion,
          rules: options.rules.map((r) => ({
            id: r.id,
            name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
            shortDescription: { text: r.title },
            fullDescription: { text: r.description },
            defaultConfiguration: { level: LEVEL[r.severity] },
          })),
        },
      },
      artifacts: [{ location: { uri: options.artifactUri } }],
      results: report.findings.map(result),
    }],
  };
}
