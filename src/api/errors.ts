/**
 * The error catalog: every error the API returns has a stable code, an HTTP status and, where one input
 * caused it, the field. Documented in the README ("Errors"); clients branch on `error`, never on text.
 */
export const ERRORS = {
  validation_failed: { status: 400, message: 'The request is not valid.' },
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  invalid_cursor: { status: 400, message: 'The pagination cursor is not valid.' },
  unauthenticated: { status: 401, message: 'Log in or send a valid API token.' },
  invalid_credentials: { status: 401, message: 'Email or password is wrong.' },
  session_expired: { status: 401, message: 'The session has expired; log in again.' },
  token_expired: { status: 401, message: 'The API token has expired.' },
  token_revoked: { status: 401, message: 'The API token has been revoked.' },
  csrf_failed: { status: 403, message: 'Missing or wrong X-CSRF-Token header.' },
  forbidden: { status: 403, message: 'Your role does not allow this.' },
  separation_of_duties: { status: 403, message: 'Nobody decides their own request: another owner or ISMS manager must.' },
  not_found: { status: 404, message: 'Not found.' },
  slug_taken: { status: 409, message: 'Another object of this kind already has this slug.' },
  in_use: { status: 409, message: 'The object is still referenced by others.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  ledger_inconsistent: { status: 409, message: 'The stored ledger no longer gives the root of its last signed checkpoint; no new checkpoint is signed. Run tenantproof verify.' },
  body_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send application/json.' },
  reference_not_found: { status: 422, message: 'A referenced object does not exist.' },
  invalid_value: { status: 422, message: 'A value is not acceptable.' },
  events_rejected: { status: 422, message: 'No event of the batch was accepted.' },
  bundle_invalid: { status: 422, message: 'The bundle is not valid; nothing was written.' },
  too_many_attempts: { status: 429, message: 'Too many attempts; wait and try again.' },
  internal_error: { status: 500, message: 'Something went wrong on our side; it has been logged.' },
  shutting_down: { status: 503, message: 'The server is shutting down; try again once it is back.' },
  evidence_integrity_failed: { status: 500, message: 'A stored evidence file does not verify (tampered or missing); it is not served.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An expected failure with a stable code; thrown by services and the API, rendered by the error handler. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
    /** Several problems at once (an invalid bundle), each with its place. */
    readonly problems?: Array<{ line: number; column: number; field: string; message: string }>,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  field?: string;
  problems?: Array<{ line: number; column: number; field: string; message: string }>;
}

export function errorBody(error: AppError): ErrorBody {
  return { error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...(error.problems ? { problems: error.problems } : {}) };
}
