import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, errorBody } from '../errors.js';

/** Every error leaves as `{ error, message, field? }`; 5xx are logged and never carry internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw: FastifyError | AppError | Error, request, reply) => {
    const error = classify(raw);
    if (error.status >= 500) request.log.error({ err: raw }, 'request failed');
    if (error.headers) void reply.headers(error.headers);
    return reply.code(error.status).send(errorBody(error));
  });
}

function classify(raw: FastifyError | AppError | Error): AppError {
  if (raw instanceof AppError) return raw;
  const e = raw as FastifyError & { validation?: unknown };
  if (e.validation) return new AppError('validation_failed', e.message);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new AppError('body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return new AppError('invalid_json', 'The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return new AppError('invalid_json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return new AppError('validation_failed', 'Content-Length does not match the body.');
    default: break;
  }
  if (raw instanceof SyntaxError && e.statusCode === 400) return new AppError('invalid_json', `The body is not valid JSON: ${raw.message}`);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 404) return new AppError('not_found');
    if (e.statusCode === 413) return new AppError('body_too_large');
    if (e.statusCode === 415) return new AppError('unsupported_media_type');
    return new AppError('validation_failed', e.message);
  }
  return new AppError('internal_error');
}
