import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { ERRORS } from './errors.js';
import { StringEnum, Uuid } from '../model/common.js';

export const ErrorResponse = Type.Object(
  {
    error: StringEnum(Object.keys(ERRORS) as [string, ...string[]], 'Stable error code (see the README, "Errors").'),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'The input field at fault, as a dotted path.' })),
    problems: Type.Optional(Type.Array(
      Type.Object({ line: Type.Integer(), column: Type.Integer(), field: Type.String(), message: Type.String() }),
      { description: 'Every problem of an invalid bundle, with its line and column.' },
    )),
  },
  { $id: 'ErrorResponse' },
);

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** Responses shared by every authenticated route, documented once. */
export const errorResponses = {
  400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse,
  409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse,
};

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]), total: Type.Integer() },
    { additionalProperties: false },
  );
}

/** Query string of a list route: paging, sorting, search, and the resource's own filters. */
export function listQuerySchema(sortable: string[], filters: Record<string, { schema: TSchema }>): TObject {
  return Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (1–200).' }),
      // a cursor carries the last sort value: up to 200 characters of 4 UTF-8 bytes each, base64url-encoded
      cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'nextCursor from the previous page.' })),
      sort: Type.Optional(StringEnum(sortable as [string, ...string[]])),
      order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
      q: Type.Optional(Type.String({ maxLength: 200, description: 'Case-insensitive search.' })),
      ...Object.fromEntries(Object.entries(filters).map(([k, f]) => [k, Type.Optional(f.schema)])),
    },
    { additionalProperties: false },
  );
}
