import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Timestamp, Uuid } from './common.js';
import { ACTION_CLASSES } from './event.js';

/** What retention is set for: each class of ingested event, and the platform's own change records. */
export const RETENTION_CLASSES = ['change', ...ACTION_CLASSES] as const;
export type RetentionClass = (typeof RETENTION_CLASSES)[number];
export const RetentionClassSchema = StringEnum(RETENTION_CLASSES, '"change" (the platform\u2019s own audit trail) or an event action class.');

export const RetentionPolicyInput = Type.Object(
  {
    retentionDays: Type.Integer({ minimum: 1, maximum: 36500, description: 'Days an entry\u2019s payload is kept after the event.' }),
    rationale: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why this period: forensic value, contract, storage limitation (GDPR Art. 5(1)(e)).' }),
  },
  { additionalProperties: false },
);
export type RetentionPolicyInput = Static<typeof RetentionPolicyInput>;

export const RetentionPolicy = Type.Object(
  {
    actionClass: RetentionClassSchema,
    retentionDays: Type.Union([Type.Integer(), Type.Null()], { description: 'null: kept for ever (no policy set).' }),
    rationale: Type.String(),
    updatedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);
export type RetentionPolicy = Static<typeof RetentionPolicy>;

export const LegalHoldInput = Type.Object(
  {
    tenantId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Hold every entry of this tenant.' })),
    incidentReference: Type.Optional(Type.String({ maxLength: 200, description: 'Hold for an incident (with no tenant: every entry, or those in the window).' })),
    coversFrom: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    coversTo: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
export type LegalHoldInput = Static<typeof LegalHoldInput>;

export const LegalHold = Type.Object(
  {
    id: Uuid,
    tenantId: Type.Union([Uuid, Type.Null()]),
    incidentReference: Type.String(),
    coversFrom: Type.Union([Timestamp, Type.Null()]),
    coversTo: Type.Union([Timestamp, Type.Null()]),
    reason: Type.String(),
    createdAt: Timestamp,
    createdBy: Type.String(),
    releasedAt: Type.Union([Timestamp, Type.Null()]),
    releasedBy: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type LegalHold = Static<typeof LegalHold>;

export const SweepReport = Type.Object(
  {
    sweptAt: Timestamp,
    expired: Type.Record(Type.String(), Type.Integer(), { description: 'Entries whose payload was removed, per class.' }),
    total: Type.Integer(),
    activeHolds: Type.Integer(),
  },
  { additionalProperties: false },
);
export type SweepReport = Static<typeof SweepReport>;
