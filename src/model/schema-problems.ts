import type { ErrorObject } from 'ajv';
import type { PathSegment } from './bundle-source.js';

/**
 * Ajv errors as problems a person can act on, for YAML documents read with a source map (bundles, framework
 * catalogs): one error per place, its path as segments, and a message in plain words.
 */

/** Ajv reports every branch of a union; keep the most specific error per place. */
export function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const p = e.params as Record<string, unknown>;
    const key = e.instancePath + (e.keyword === 'additionalProperties' ? `/${String(p.additionalProperty)}` : '') + (e.keyword === 'required' ? `/${String(p.missingProperty)}` : '');
    if (!byPath.has(key)) byPath.set(key, e);
  }
  return [...byPath.values()];
}

/** A JSON pointer (`/controls/3/id`) as path segments (`['controls', 3, 'id']`). */
export function toPath(instancePath: string): PathSegment[] {
  return instancePath.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/**
 * An Ajv error as [path, message, point at the key rather than the value]. `patternMessage` words a failed
 * `pattern` for the document at hand (what a valid slug or id looks like).
 */
export function describeSchemaError(e: ErrorObject, patternMessage: (path: PathSegment[]) => string): [PathSegment[], string, boolean] {
  const path = toPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return [path, `${String(params.missingProperty)} is required`, false];
    case 'additionalProperties': return [[...path, String(params.additionalProperty)], 'is not a known field', true];
    case 'const': return [path, `must be ${JSON.stringify(params.allowedValue)}`, false];
    case 'enum': return [path, `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`, false];
    case 'type': return [path, `must be ${String(params.type)}`, false];
    case 'maxLength': return [path, `is too long (at most ${String(params.limit)} characters)`, false];
    case 'minLength': return [path, params.limit === 1 ? 'must not be empty' : `is too short (at least ${String(params.limit)} characters)`, false];
    case 'pattern': return [path, patternMessage(path), false];
    case 'format': return [path, `must be a valid ${String(params.format)}`, false];
    case 'uniqueItems': return [path, 'lists the same value twice', false];
    case 'minItems': return [path, `needs at least ${String(params.limit)} ${params.limit === 1 ? 'entry' : 'entries'}`, false];
    case 'maxItems': return [path, `has too many entries (at most ${String(params.limit)})`, false];
    default: return [path, e.message ?? 'is not valid', false];
  }
}
