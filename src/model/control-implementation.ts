import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../api/errors.js';
import { annexAControl } from '../catalog/index.js';
import { DateOnly, Name, SetOf, Slug, StringEnum, Text, Timestamps, Uuid } from './common.js';
import type { ResourceDefinition } from './resource.js';
import { TENANT_TIERS } from './tenant.js';

export const IMPLEMENTATION_LAYERS = ['common', 'overlay'] as const;
export type ImplementationLayer = (typeof IMPLEMENTATION_LAYERS)[number];
/** In order of maturity: the SoA shows the most mature status among a control's implementations. */
export const IMPLEMENTATION_STATUSES = ['not-applicable', 'planned', 'implemented', 'operating'] as const;
export type ImplementationStatus = (typeof IMPLEMENTATION_STATUSES)[number];

/** An Annex A control id as stored everywhere: '5.15' (no 'A.' prefix). */
export const ControlId = Type.String({ pattern: '^[5-8]\\.[0-9]{1,2}$', description: 'Annex A control id without "A.", e.g. 5.15.' });

/** A link to evidence outside tenantproof; only http(s), so a link can never run script in the web app. */
export const EvidenceLink = Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000, description: 'http(s) URL of evidence (a runbook, a dashboard, a ticket).' });

/**
 * How the provider meets one Annex A control. `common`: the shared-platform backbone, inherited by every tenant.
 * `overlay`: applies only to the tiers, tenants and services it targets and to the tenants its systems reach; with
 * `overrides` it replaces the common implementation for them (their SoA shows it as an override).
 */
export const ControlImplementationInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    controlId: ControlId,
    layer: StringEnum(IMPLEMENTATION_LAYERS, 'common: applies to every tenant; overlay: only to its targets.'),
    targetTiers: Type.Optional(SetOf(StringEnum(TENANT_TIERS), 3, 'For an overlay: the tenant tiers it applies to.')),
    targetTenantIds: Type.Optional(SetOf(Uuid, 1000, 'For an overlay: the tenants it applies to.')),
    targetServiceIds: Type.Optional(SetOf(Uuid, 100, 'For an overlay: the services whose tenants it applies to.')),
    overrides: Type.Optional(Type.Boolean({ description: 'For an overlay: replaces the common implementation of the control for the tenants it applies to.' })),
    owner: Type.Optional(Text(200, 'Person or team accountable for the implementation.')),
    status: StringEnum(IMPLEMENTATION_STATUSES, 'How far the implementation is.'),
    description: Type.Optional(Text(8000, 'How the control is met, in plain language.')),
    systemIds: Type.Optional(SetOf(Uuid, 1000, 'Systems the implementation covers; an overlay applies to the tenants they serve.')),
    evidenceLinks: Type.Optional(Type.Array(EvidenceLink, { maxItems: 50, uniqueItems: true, description: 'Links to evidence.' })),
    reviewCadenceDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 3660 }), Type.Null()], { description: 'Days between reviews; null when not set.' })),
    lastReviewedOn: Type.Optional(Type.Union([DateOnly, Type.Null()], { description: 'Date of the last review.' })),
  },
  { additionalProperties: false },
);
export type ControlImplementationInput = Static<typeof ControlImplementationInput>;

export const ControlImplementation = Type.Object(
  {
    id: Uuid,
    ...ControlImplementationInput.properties,
    targetTiers: Type.Array(StringEnum(TENANT_TIERS)),
    targetTenantIds: Type.Array(Uuid),
    targetServiceIds: Type.Array(Uuid),
    overrides: Type.Boolean(),
    owner: Type.String(),
    description: Type.String(),
    systemIds: Type.Array(Uuid),
    evidenceLinks: Type.Array(Type.String()),
    reviewCadenceDays: Type.Union([Type.Integer(), Type.Null()]),
    lastReviewedOn: Type.Union([DateOnly, Type.Null()]),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type ControlImplementation = Static<typeof ControlImplementation>;

const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** The rules JSON Schema cannot say, on the merged object; each error names its field. */
export function checkControlImplementation(obj: Record<string, unknown>): void {
  if (typeof obj.controlId === 'string' && !annexAControl(obj.controlId)) {
    throw new AppError('invalid_value', `"${obj.controlId}" is not an ISO/IEC 27001:2022 Annex A control.`, 'controlId');
  }
  const targets = count(obj.targetTiers) + count(obj.targetTenantIds) + count(obj.targetServiceIds);
  if (obj.layer === 'common') {
    for (const field of ['targetTiers', 'targetTenantIds', 'targetServiceIds'] as const) {
      if (count(obj[field]) > 0) throw new AppError('invalid_value', 'A common implementation applies to every tenant and has no targets; make it an overlay.', field);
    }
    if (obj.overrides === true) throw new AppError('invalid_value', 'Only an overlay can replace the common implementation.', 'overrides');
  }
  if (obj.layer === 'overlay' && targets + count(obj.systemIds) === 0) {
    throw new AppError('invalid_value', 'An overlay needs at least one target: a tier, a tenant, a service or a system.', 'targetTiers');
  }
}

export const controlImplementationResource: ResourceDefinition = {
  name: 'control-implementations',
  bundleKey: 'controlImplementations',
  objectType: 'control implementation',
  label: 'Control implementation',
  table: 'control_implementations',
  input: ControlImplementationInput,
  output: ControlImplementation,
  refs: [],
  links: [
    { field: 'targetTenantIds', target: 'tenants', table: 'control_implementation_tenants', ownColumn: 'control_implementation_id', targetColumn: 'tenant_id' },
    { field: 'targetServiceIds', target: 'services', table: 'control_implementation_services', ownColumn: 'control_implementation_id', targetColumn: 'service_id' },
    { field: 'systemIds', target: 'systems', table: 'control_implementation_systems', ownColumn: 'control_implementation_id', targetColumn: 'system_id' },
  ],
  jsonFields: ['evidenceLinks'],
  filters: {
    controlId: { schema: ControlId, field: 'controlId', mode: 'equals' },
    layer: { schema: StringEnum(IMPLEMENTATION_LAYERS), field: 'layer', mode: 'equals' },
    status: { schema: StringEnum(IMPLEMENTATION_STATUSES), field: 'status', mode: 'equals' },
    targetTier: { schema: StringEnum(TENANT_TIERS), field: 'targetTiers', mode: 'contains' },
    tenantId: { schema: Uuid, field: 'targetTenantIds', mode: 'link' },
    serviceId: { schema: Uuid, field: 'targetServiceIds', mode: 'link' },
    systemId: { schema: Uuid, field: 'systemIds', mode: 'link' },
  },
  sortable: ['slug', 'name', 'controlId', 'layer', 'status', 'owner', 'lastReviewedOn', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'controlId', 'owner', 'description'],
  check: checkControlImplementation,
};
