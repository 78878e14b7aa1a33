import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Uuid } from './common.js';

/**
 * An event from one of the provider's tools (RMM, PSA/ticketing, backup, identity provider, cloud console,
 * support tool), appended to the organization's ledger. Answers "who touched this tenant, when, from where".
 */
export const ACTION_CLASSES = [
  'authentication', 'admin-action', 'config-change', 'privilege-change', 'restore', 'data-access', 'export', 'break-glass',
] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];
export const OUTCOMES = ['success', 'failure', 'denied', 'unknown'] as const;
export const ACTOR_TYPES = ['internal', 'external'] as const;

/** Largest accepted batch; a bigger body is refused whole (413) so nothing is half-read. */
export const MAX_EVENT_BATCH_BYTES = 10 * 1024 * 1024;
/** Largest `details` object of one event, as JSON. */
export const MAX_EVENT_DETAILS_BYTES = 16 * 1024;
/** How far ahead of the server's clock an event time may be (clock skew), in milliseconds. */
export const MAX_EVENT_CLOCK_SKEW_MS = 5 * 60 * 1000;

export const EventInput = Type.Object(
  {
    time: Type.String({ format: 'date-time', description: 'When it happened (RFC 3339 with a time zone).' }),
    source: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$', description: 'The tool that reported it, e.g. "rmm", "psa", "entra-id".' }),
    sourceEventId: Type.String({ minLength: 1, maxLength: 200, description: 'The event\u2019s id in its tool; the same (source, id) is accepted once.' }),
    tenant: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'The customer tenant: its slug or external id; null for provider-internal events.' })),
    actor: Type.String({ minLength: 1, maxLength: 320, description: 'Who did it: account, email or service principal.' }),
    actorType: StringEnum(ACTOR_TYPES, 'internal: staff of the provider; external: anyone else (the customer, a vendor, an unknown party).'),
    action: StringEnum(ACTION_CLASSES, 'Class of action.'),
    target: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: 'Slug of the system acted on.' })),
    outcome: StringEnum(OUTCOMES, 'Whether it succeeded.'),
    details: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 100, description: 'Anything else the tool says (16 KiB at most).' })),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

/** One line's fate in an ingested batch. */
export const EventLineResult = Type.Object(
  {
    line: Type.Integer({ description: 'Line of the NDJSON body (or position in the JSON array), from 1.' }),
    status: StringEnum(['accepted', 'duplicate', 'rejected'] as const),
    index: Type.Optional(Type.Integer({ description: 'Ledger index of the entry (accepted, or accepted earlier for a duplicate).' })),
    field: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const IngestReport = Type.Object(
  {
    received: Type.Integer(),
    accepted: Type.Integer(),
    duplicates: Type.Integer(),
    rejected: Type.Integer(),
    /** Ledger size after the batch committed. */
    treeSize: Type.Integer(),
    results: Type.Array(EventLineResult),
  },
  { additionalProperties: false },
);
export type IngestReport = Static<typeof IngestReport>;

/** An event as queries return it. */
export const LedgerEvent = Type.Object(
  {
    index: Type.Integer(),
    time: Type.String(),
    recordedAt: Type.String(),
    source: Type.String(),
    sourceEventId: Type.String(),
    tenantId: Type.Union([Uuid, Type.Null()]),
    tenant: Type.Union([Type.String(), Type.Null()]),
    actor: Type.String(),
    actorType: StringEnum(ACTOR_TYPES),
    action: Type.String(),
    systemId: Type.Union([Uuid, Type.Null()]),
    target: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.String(),
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'null once retention removed the payload.' }),
    expired: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type LedgerEvent = Static<typeof LedgerEvent>;

export const EventQuery = Type.Object(
  {
    tenant: Type.Optional(Type.String({ maxLength: 200, description: 'Tenant slug, external id or id.' })),
    system: Type.Optional(Type.String({ maxLength: 64, description: 'Slug of the target system.' })),
    actor: Type.Optional(Type.String({ maxLength: 320, description: 'Exact actor.' })),
    actorType: Type.Optional(StringEnum(ACTOR_TYPES)),
    action: Type.Optional(StringEnum(ACTION_CLASSES)),
    outcome: Type.Optional(StringEnum(OUTCOMES)),
    source: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this time.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this time.' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type EventQuery = Static<typeof EventQuery>;
