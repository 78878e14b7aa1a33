import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { describeSchemaError, usefulErrors } from '../model/schema-problems.js';
import { fieldPath, parseBundleSource, BundleSyntaxError, type BundleSource, type PathSegment, type SourceProblem } from '../model/bundle-source.js';

/**
 * The tenantproof framework format: one YAML (or JSON) document per framework or control set.
 * ISO/IEC 27017 and 27701 ship in it (`catalogs/`), and an organization adds its own frameworks in it.
 *
 * ```yaml
 * framework:
 *   id: acme-cloud-baseline        # lower-case letters, digits and hyphens
 *   name: ACME cloud baseline
 *   version: "2025.1"
 *   provenance: Written by the ACME security team
 * groups:                          # optional
 *   - { id: AC, title: Access control }
 * controls:
 *   - { id: AC-1, title: Named accounts only, group: AC, description: optional plain-language text }
 * ```
 */

/** Framework ids: lower-case letters, digits and hyphens. */
export const FRAMEWORK_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';
/** Control and group ids: letters, digits, dots, hyphens, underscores and parentheses ('CLD.6.3.1', 'AC-1(a)'). */
export const CONTROL_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._()-]{0,63}$';
/** At most this many controls in one framework. */
export const MAX_CONTROLS = 2000;

export const FrameworkMeta = Type.Object({
  id: Type.String({ pattern: FRAMEWORK_ID_PATTERN, description: 'Framework id, unique in the organization and not one of the shipped catalogs.' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  version: Type.String({ minLength: 1, maxLength: 50 }),
  /** Where the list came from and under which terms. */
  provenance: Type.String({ minLength: 1, maxLength: 4000 }),
}, { additionalProperties: false });

export const FrameworkGroup = Type.Object({
  id: Type.String({ pattern: CONTROL_ID_PATTERN }),
  title: Type.String({ minLength: 1, maxLength: 500 }),
}, { additionalProperties: false });

export const FrameworkControl = Type.Object({
  id: Type.String({ pattern: CONTROL_ID_PATTERN }),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  /** Id of one of the framework's groups (theme, objective, chapter). */
  group: Type.Optional(Type.String({ pattern: CONTROL_ID_PATTERN })),
  /** Plain-language description written by the framework's author (never a standard's copyrighted text). */
  description: Type.Optional(Type.String({ maxLength: 4000 })),
}, { additionalProperties: false });

/** One framework document. */
export const FrameworkDocument = Type.Object({
  framework: FrameworkMeta,
  groups: Type.Optional(Type.Array(FrameworkGroup, { maxItems: 500 })),
  controls: Type.Array(FrameworkControl, { minItems: 1, maxItems: MAX_CONTROLS }),
  /** Free notes kept with the document (the shipped catalogs carry their reference notes here). */
  note: Type.Optional(Type.String({ maxLength: 4000 })),
}, { additionalProperties: false });

export type FrameworkDocument = Static<typeof FrameworkDocument>;
export type FrameworkControl = Static<typeof FrameworkControl>;
export type FrameworkGroup = Static<typeof FrameworkGroup>;

/** A problem of a framework document: where (line and column for YAML; 0 for JSON), which field, what. */
export type FrameworkProblem = SourceProblem;

/** The outcome of parsing: the document, or every problem found (at most 50). */
export type FrameworkParseResult = { ok: true; document: FrameworkDocument } | { ok: false; problems: FrameworkProblem[] };

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
const validateDocument = ajv.compile<FrameworkDocument>(FrameworkDocument);
const MAX_PROBLEMS = 50;

/** Parse and validate framework YAML text; problems name their line. */
export function parseFrameworkYaml(text: string, file = 'framework.yaml'): FrameworkParseResult {
  let source: BundleSource;
  try {
    source = parseBundleSource(text, file);
  } catch (err) {
    if (err instanceof BundleSyntaxError) return { ok: false, problems: err.problems };
    throw err;
  }
  return checkFramework(source);
}

/** Validate a framework given as a JSON value (no lines: problems carry line 0). */
export function parseFrameworkValue(value: unknown, file = 'framework.json'): FrameworkParseResult {
  return checkFramework({ file, value, locate: () => ({ line: 0, column: 0 }) });
}

/** Schema, then the rules JSON Schema cannot say: unique control and group ids, groups that exist. */
export function checkFramework(source: BundleSource): FrameworkParseResult {
  const problems: FrameworkProblem[] = [];
  const add = (path: PathSegment[], message: string, key = false) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ file: source.file, ...source.locate(path, { key }), field: fieldPath(path), message });
  };
  const value = source.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    add([], 'a framework is a mapping with framework (id, name, version, provenance), optional groups and controls');
    return { ok: false, problems };
  }
  if (!validateDocument(value)) {
    for (const e of usefulErrors(validateDocument.errors ?? [])) {
      const [path, message, key] = describe(e);
      add(path, message, key);
    }
    return { ok: false, problems };
  }
  const doc = value;
  const groupLines = new Map<string, number>();
  (doc.groups ?? []).forEach((g, i) => {
    const first = groupLines.get(g.id);
    if (first !== undefined) add(['groups', i, 'id'], `duplicate group id "${g.id}" (first defined at line ${first})`);
    else groupLines.set(g.id, source.locate(['groups', i, 'id']).line);
  });
  const controlLines = new Map<string, number>();
  doc.controls.forEach((c, i) => {
    const first = controlLines.get(c.id);
    if (first !== undefined) add(['controls', i, 'id'], `duplicate control id "${c.id}" (first defined at line ${first})`);
    else controlLines.set(c.id, source.locate(['controls', i, 'id']).line);
    if (c.group !== undefined && !groupLines.has(c.group)) add(['controls', i, 'group'], `no group "${c.group}" in groups`);
  });
  return problems.length ? { ok: false, problems } : { ok: true, document: doc };
}

function describe(e: Parameters<typeof describeSchemaError>[0]) {
  return describeSchemaError(e, (path) => path[path.length - 1] === 'id' && path[0] === 'framework'
    ? 'is not a valid framework id (lower-case letters, digits and hyphens)'
    : 'is not a valid id (letters, digits, dots, hyphens, underscores, parentheses; at most 64 characters)');
}
