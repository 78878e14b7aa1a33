import { Type, type Static } from '@sinclair/typebox';
import { Name, SetOf, Slug, StringEnum, Text, Timestamps, Uuid } from './common.js';
import { AllowedRegionSchema } from './regions.js';
import type { ResourceDefinition } from './resource.js';

export const TENANT_TIERS = ['A', 'B', 'C'] as const;
export type TenantTier = (typeof TENANT_TIERS)[number];
export const TENANCY_PATTERNS = ['dedicated', 'pooled', 'region-pinned'] as const;

export const TenantContact = Type.Object(
  {
    name: Name,
    email: Type.String({ format: 'email', maxLength: 254 }),
    role: Type.Optional(Text(200, 'For example "security officer", "DPO", "billing".')),
  },
  { additionalProperties: false },
);

/** A customer of the provider, modelled inside the organization. */
export const TenantInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    externalId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'The customer\u2019s id in the provider\u2019s own tools (PSA, billing); events may name the tenant by it.' })),
    tier: StringEnum(TENANT_TIERS, 'Risk tier: A is the most demanding customer, C the least.'),
    tierExceptions: Type.Optional(Text(4000, 'Requirements beyond the tier ("tier-plus"), in free text.')),
    tenancyPattern: StringEnum(TENANCY_PATTERNS, 'How the tenant is hosted: dedicated infrastructure, pooled, or pooled but pinned to a region.'),
    allowedRegions: Type.Optional(SetOf(AllowedRegionSchema, 30, 'Jurisdictions or regions the tenant\u2019s data may be in.')),
    sector: Type.Optional(Text(200, 'Industry sector, e.g. healthcare, finance, public sector.')),
    serviceIds: Type.Optional(SetOf(Uuid, 100, 'Services the tenant consumes.')),
    dpaReference: Type.Optional(Text(500, 'Reference of the data processing agreement.')),
    sccReference: Type.Optional(Text(500, 'Reference of the standard contractual clauses, where transfers need them.')),
    breachNotificationHours: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 8760 }), Type.Null()], { description: 'Hours within which the provider must notify the tenant of a personal data breach.' })),
    subProcessorNoticeDays: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 365 }), Type.Null()], { description: 'Days of notice the tenant\u2019s DPA requires before a new or changed sub-processor processes its data (GDPR Art. 28(2)); null when the DPA sets none.' })),
    subProcessorObjectionRight: Type.Optional(Type.Boolean({ description: 'True when the DPA lets the tenant object to a new or changed sub-processor.' })),
    contacts: Type.Optional(Type.Array(TenantContact, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type TenantInput = Static<typeof TenantInput>;

export const Tenant = Type.Object(
  {
    id: Uuid,
    ...TenantInput.properties,
    externalId: Type.Union([Type.String(), Type.Null()]),
    tierExceptions: Type.String(),
    allowedRegions: Type.Array(AllowedRegionSchema),
    sector: Type.String(),
    serviceIds: Type.Array(Uuid),
    dpaReference: Type.String(),
    sccReference: Type.String(),
    breachNotificationHours: Type.Union([Type.Integer(), Type.Null()]),
    subProcessorNoticeDays: Type.Union([Type.Integer(), Type.Null()]),
    subProcessorObjectionRight: Type.Boolean(),
    contacts: Type.Array(TenantContact),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type Tenant = Static<typeof Tenant>;

export const tenantResource: ResourceDefinition = {
  name: 'tenants',
  bundleKey: 'tenants',
  objectType: 'tenant',
  label: 'Tenant',
  table: 'tenants',
  input: TenantInput,
  output: Tenant,
  refs: [],
  links: [{ field: 'serviceIds', target: 'services', table: 'tenant_services', ownColumn: 'tenant_id', targetColumn: 'service_id' }],
  jsonFields: ['contacts'],
  filters: {
    tier: { schema: StringEnum(TENANT_TIERS), field: 'tier', mode: 'equals' },
    tenancyPattern: { schema: StringEnum(TENANCY_PATTERNS), field: 'tenancyPattern', mode: 'equals' },
    allowedRegion: { schema: AllowedRegionSchema, field: 'allowedRegions', mode: 'contains' },
    serviceId: { schema: Uuid, field: 'serviceIds', mode: 'link' },
  },
  sortable: ['slug', 'name', 'tier', 'tenancyPattern', 'sector', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'sector', 'externalId'],
  /** A tenant's own changes concern that tenant. */
  tenantField: 'id',
};
