import { Type, type Static } from '@sinclair/typebox';
import { Name, Timestamp, Uuid } from './common.js';

/** An API token as listed: the secret itself is never shown again after creation. */
export const ApiToken = Type.Object(
  {
    id: Uuid,
    name: Name,
    userId: Uuid,
    ownerEmail: Type.String(),
    prefix: Type.String({ description: 'First characters of the token, to recognise it.' }),
    createdAt: Timestamp,
    expiresAt: Type.Union([Timestamp, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);
export type ApiToken = Static<typeof ApiToken>;

export const ApiTokenCreate = Type.Object(
  {
    name: Name,
    expiresInDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], { description: 'Days until the token stops working; null or absent for no expiry.' })),
  },
  { additionalProperties: false },
);
export type ApiTokenCreate = Static<typeof ApiTokenCreate>;

export const ApiTokenCreated = Type.Object(
  { token: Type.String({ description: 'The secret. Shown once; store it now.' }), apiToken: ApiToken },
  { additionalProperties: false },
);
