import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError } from './errors.js';

// Bodies are validated strictly: wrong types are errors, unknown fields are errors (never silently dropped).
const strict = new Ajv({ allErrors: false, removeAdditional: false, coerceTypes: false, useDefaults: false, strict: false });
// Query strings and path parameters arrive as text: numbers and booleans are coerced, nothing else is.
const coercing = new Ajv({ allErrors: false, removeAdditional: false, coerceTypes: true, useDefaults: true, strict: false });
for (const ajv of [strict, coercing]) {
  (addFormats as unknown as (a: Ajv) => void)(ajv);
}

export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? strict : coercing).compile(schema as object);
  return (data: unknown) => (validate(data) ? { value: data } : { error: toAppError(validate.errors ?? [], httpPart ?? 'body') });
};

/** The first schema error as an API error that names the offending field in plain words. */
export function toAppError(errors: ErrorObject[], part: string): AppError {
  const e = errors[0];
  if (!e) return new AppError('validation_failed');
  const path = e.instancePath.split('/').filter(Boolean).join('.');
  const join = (last: string) => (path ? `${path}.${last}` : last);
  const where = part === 'body' ? '' : `${part === 'querystring' ? 'query parameter' : 'path parameter'} `;
  switch (e.keyword) {
    case 'required': {
      const field = join((e.params as { missingProperty: string }).missingProperty);
      return new AppError('validation_failed', `${where}${field} is required.`, field);
    }
    case 'additionalProperties': {
      const field = join((e.params as { additionalProperty: string }).additionalProperty);
      return new AppError('validation_failed', `${where}${field} is not a known field.`, field);
    }
    case 'type': return new AppError('validation_failed', `${where}${path || 'body'} must be ${(e.params as { type: string }).type}.`, path || undefined);
    case 'enum': return new AppError('validation_failed', `${where}${path} must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}.`, path);
    case 'maxLength': return new AppError('validation_failed', `${where}${path} is too long (at most ${(e.params as { limit: number }).limit} characters).`, path);
    case 'minLength': return new AppError('validation_failed', `${where}${path} is too short (at least ${(e.params as { limit: number }).limit} characters).`, path);
    case 'format': return new AppError('validation_failed', `${where}${path} must be a valid ${(e.params as { format: string }).format}.`, path);
    case 'pattern': return new AppError('validation_failed', `${where}${path} has the wrong form${path.endsWith('slug') || path === 'slug' ? ' (lower-case letters, digits and hyphens)' : ''}.`, path);
    default: return new AppError('validation_failed', `${where}${path || 'body'} ${e.message ?? 'is not valid'}.`, path || undefined);
  }
}

const compiled = new WeakMap<object, ReturnType<Ajv['compile']>>();

/** Validate input that did not come through an HTTP route (the CLI) with the same schemas and messages. */
export function assertValid(schema: object, value: unknown): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = strict.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) throw toAppError(validate.errors ?? [], 'body');
}
