import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../api/errors.js';
import type { ScopeException } from './scope/lint-options.js';
import { DateOnly, Slug, StringEnum, Text, Timestamp, Timestamps, Uuid } from './common.js';
import { ControlId, checkControlIds, todayUtc } from './evidence.js';
import type { ResourceDefinition } from './resource.js';
import { TENANT_TIERS } from './tenant.js';

/** Stored decision states; `expired` is served for an approved exception past its expiry. */
export const EXCEPTION_STATUSES = ['proposed', 'approved', 'rejected'] as const;
export const SERVED_EXCEPTION_STATUSES = [...EXCEPTION_STATUSES, 'expired'] as const;
export const EXCEPTION_SCOPE_FIELDS = ['systemId', 'serviceId', 'tenantId', 'tier'] as const;

const Required = (description: string) => Type.String({ minLength: 1, maxLength: 4000, description });

/**
 * A control that cannot be applied as the standard describes, for one system, service, tenant or tier: why not,
 * what is done instead, why the risk left is acceptable, until when, and when it is looked at again.
 */
export const ControlExceptionInput = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    controlId: ControlId,
    systemId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Scope: one system (set exactly one of systemId, serviceId, tenantId, tier).' })),
    serviceId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Scope: one service.' })),
    tenantId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Scope: one tenant.' })),
    tier: Type.Optional(Type.Union([StringEnum(TENANT_TIERS), Type.Null()], { description: 'Scope: every tenant of a tier.' })),
    reason: Required('Why the standard control is not feasible here.'),
    compensatingMeasures: Required('What is done instead.'),
    residualRiskRationale: Required('Why the risk that remains is acceptable.'),
    expiresOn: { ...DateOnly, description: 'Last day the exception holds; in the future when it is made.' },
    reviewOn: { ...DateOnly, description: 'When the exception is reviewed again; on or before expiresOn.' },
    owner: Type.Optional(Text(200, 'Person or team accountable for the compensating measures.')),
  },
  { additionalProperties: false },
);
export type ControlExceptionInput = Static<typeof ControlExceptionInput>;

export const ControlException = Type.Object(
  {
    id: Uuid,
    ...ControlExceptionInput.properties,
    systemId: Type.Union([Uuid, Type.Null()]),
    serviceId: Type.Union([Uuid, Type.Null()]),
    tenantId: Type.Union([Uuid, Type.Null()]),
    tier: Type.Union([StringEnum(TENANT_TIERS), Type.Null()]),
    owner: Type.String(),
    status: StringEnum(SERVED_EXCEPTION_STATUSES, 'proposed, approved or rejected by the approval routes; expired once an approved exception is past expiresOn.'),
    proposedByUser: Type.Union([Uuid, Type.Null()], { description: 'Who wrote the current content (may not decide it).' }),
    decidedBy: Type.Union([Type.String(), Type.Null()], { description: 'Who approved or rejected it.' }),
    decidedAt: Type.Union([Timestamp, Type.Null()]),
    decisionNote: Type.String(),
    reviewOverdue: Type.Boolean({ description: 'Approved and its review date has passed.' }),
    overdue: Type.Boolean({ description: 'Approved and its review date passed or it expired: someone must act.' }),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type ControlException = Static<typeof ControlException>;

/** Cross-field rules (create and every patch, on the merged object); `creating` adds "expires in the future". */
export function checkControlException(obj: Record<string, unknown>, today: string = todayUtc()): void {
  const creating = obj.id === undefined;
  for (const field of ['reason', 'compensatingMeasures', 'residualRiskRationale'] as const) {
    if (!String(obj[field] ?? '').trim()) throw new AppError('invalid_value', `${field} is required: an exception is justified in writing.`, field);
  }
  checkControlIds([obj.controlId], 'controlId');
  const scopes = EXCEPTION_SCOPE_FIELDS.filter((f) => obj[f] !== null && obj[f] !== undefined);
  if (scopes.length !== 1) {
    throw new AppError('invalid_value', 'An exception covers exactly one scope: set one of systemId, serviceId, tenantId or tier.', scopes[1] ?? 'systemId');
  }
  const expiresOn = obj.expiresOn as string;
  if (creating && expiresOn <= today) throw new AppError('invalid_value', 'expiresOn must be in the future: an exception is time-bound.', 'expiresOn');
  if ((obj.reviewOn as string) > expiresOn) throw new AppError('invalid_value', 'reviewOn must be on or before expiresOn.', 'reviewOn');
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : new Date(v as string).toISOString());

/** The decision as it stands today: expiry and overdue review are computed, never stored. */
export function presentControlException(obj: Record<string, unknown>, today: string = todayUtc()): Record<string, unknown> {
  const approved = obj.status === 'approved';
  const expired = approved && (obj.expiresOn as string) < today;
  const reviewOverdue = approved && (obj.reviewOn as string) < today;
  return {
    ...obj,
    status: expired ? 'expired' : obj.status,
    decidedAt: iso(obj.decidedAt),
    decisionNote: obj.decisionNote ?? '',
    reviewOverdue,
    overdue: reviewOverdue || expired,
  };
}

/**
 * Scope rules an exception to an Annex A control can silence, per control: production personal data in a
 * non-production system is what 8.31 (separation of environments) and 8.33 (test information) govern.
 */
export const RULES_BY_CONTROL: Readonly<Record<string, readonly string[]>> = {
  '8.31': ['nonproduction-receives-personal-data'],
  '8.33': ['nonproduction-receives-personal-data'],
};

/**
 * The scope linter's exceptions from stored ones, whatever their state (the linter says why a rejected, proposed
 * or expired one does not count), for each control that governs a rule: a system-scoped exception covers its
 * system, a service-scoped one every system of the service (`systemsOfService`). Tenant- and tier-scoped exceptions
 * cover no system, so they silence nothing.
 */
export function scopeExceptionsOf(exceptions: ReadonlyArray<Record<string, unknown>>, systemsOfService: ReadonlyMap<string, readonly string[]> = new Map()): ScopeException[] {
  const out: ScopeException[] = [];
  for (const e of exceptions) {
    const systems = typeof e.systemId === 'string' ? [e.systemId]
      : typeof e.serviceId === 'string' ? systemsOfService.get(e.serviceId) ?? [] : [];
    for (const ruleId of RULES_BY_CONTROL[e.controlId as string] ?? []) {
      for (const objectId of systems) {
        out.push({
          ruleId, objectId, approved: e.status === 'approved' || e.status === 'expired',
          expiresOn: (e.expiresOn as string | null) ?? null, reference: `${e.slug as string} (control ${e.controlId as string})`,
        });
      }
    }
  }
  return out;
}

/** Service id → the ids of the systems that serve it, from stored systems. */
export function systemsByService(systems: ReadonlyArray<Record<string, unknown>>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const s of systems) {
    for (const serviceId of (s.serviceIds as string[] | undefined) ?? []) {
      const list = map.get(serviceId) ?? [];
      list.push(s.id as string);
      map.set(serviceId, list);
    }
  }
  return map;
}

export const controlExceptionResource: ResourceDefinition = {
  name: 'control-exceptions',
  bundleKey: 'controlExceptions',
  objectType: 'control exception',
  label: 'Exception',
  table: 'control_exceptions',
  input: ControlExceptionInput,
  output: ControlException,
  refs: [
    { field: 'systemId', column: 'system_id', target: 'systems' },
    { field: 'serviceId', column: 'service_id', target: 'services' },
    { field: 'tenantId', column: 'tenant_id', target: 'tenants' },
  ],
  links: [],
  jsonFields: [],
  filters: {
    status: { schema: StringEnum(EXCEPTION_STATUSES), field: 'status', mode: 'equals' },
    controlId: { schema: ControlId, field: 'controlId', mode: 'equals' },
    systemId: { schema: Uuid, field: 'systemId', mode: 'equals' },
    serviceId: { schema: Uuid, field: 'serviceId', mode: 'equals' },
    tenantId: { schema: Uuid, field: 'tenantId', mode: 'equals' },
    tier: { schema: StringEnum(TENANT_TIERS), field: 'tier', mode: 'equals' },
  },
  sortable: ['slug', 'name', 'controlId', 'status', 'expiresOn', 'reviewOn', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'reason', 'compensatingMeasures', 'owner'],
  check: (obj) => checkControlException(obj),
  tenantField: 'tenantId',
  readOnly: ['status', 'proposedByUser', 'decidedBy', 'decidedAt', 'decisionNote'],
  present: (obj) => presentControlException(obj),
};
