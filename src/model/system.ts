import { Type, type Static } from '@sinclair/typebox';
import { DataCategorySchema, Name, SetOf, Slug, StringEnum, Text, Timestamps, Uuid } from './common.js';
import { RegionSchema } from './regions.js';
import { AppError } from '../api/errors.js';
import type { ResourceDefinition } from './resource.js';

export const SYSTEM_KINDS = [
  'application', 'api', 'database', 'object-storage', 'queue', 'cache', 'network', 'iam', 'identity-provider',
  'ci-cd', 'source-control', 'logging', 'monitoring', 'analytics', 'support-tool', 'ticketing', 'rmm',
  'admin-dashboard', 'backup', 'secrets-manager', 'email', 'corporate-tool', 'endpoint', 'other',
] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];
export const ENVIRONMENTS = ['production', 'staging', 'development', 'demo', 'sandbox'] as const;
export const SYSTEM_TENANCIES = ['multi-tenant', 'dedicated'] as const;

/**
 * A component of the provider's estate: an application, a database, a support tool, a pipeline.
 * The scope linter reasons over these fields, so "not recorded" (empty text) is meaningful.
 */
export const SystemInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    description: Type.Optional(Text(4000)),
    kind: StringEnum(SYSTEM_KINDS, 'What sort of component this is.'),
    environment: StringEnum(ENVIRONMENTS, 'Which environment it belongs to.'),
    regions: Type.Optional(SetOf(RegionSchema, 20, 'Regions where the system runs or stores data.')),
    hostingVendorId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Vendor hosting the system (cloud or SaaS provider); null when self-hosted.' })),
    tenancy: StringEnum(SYSTEM_TENANCIES, 'Shared by many tenants, or dedicated to the tenants listed in tenantIds.'),
    tenantIds: Type.Optional(SetOf(Uuid, 1000, 'For a dedicated system: the tenants it serves.')),
    serviceIds: Type.Optional(SetOf(Uuid, 100, 'Services that depend on this system.')),
    dataCategories: Type.Optional(SetOf(DataCategorySchema, 10, 'Categories of data the system stores or processes.')),
    inScope: Type.Boolean({ description: 'Inside the ISMS scope. An excluded system needs an exclusion justification.' }),
    exclusionJustification: Type.Optional(Text(2000, 'Why the system is outside the ISMS scope (required when inScope is false).')),
    owner: Type.Optional(Text(200, 'Person or team accountable for the system.')),
    accessControl: Type.Optional(Text(2000, 'How access is controlled (SSO, MFA, roles); empty when not recorded.')),
    logging: Type.Optional(Text(2000, 'What is logged and where; empty when not recorded.')),
    retention: Type.Optional(Text(2000, 'How long data is kept; empty when not recorded.')),
    isolationMechanism: Type.Optional(Text(2000, 'For a multi-tenant system: how tenants are kept apart (row-level security, schema per tenant, ...).')),
    deploysToProduction: Type.Optional(Type.Boolean({ description: 'Can change production (CI/CD, source control with deploy rights, configuration management).' })),
    grantsAdminAccess: Type.Optional(Type.Boolean({ description: 'Grants administrative access to other systems (identity provider, cloud IAM, PAM).' })),
  },
  { additionalProperties: false },
);
export type SystemInput = Static<typeof SystemInput>;

export const System = Type.Object(
  {
    id: Uuid,
    ...SystemInput.properties,
    description: Type.String(),
    regions: Type.Array(RegionSchema),
    hostingVendorId: Type.Union([Uuid, Type.Null()]),
    tenantIds: Type.Array(Uuid),
    serviceIds: Type.Array(Uuid),
    dataCategories: Type.Array(DataCategorySchema),
    exclusionJustification: Type.String(),
    owner: Type.String(),
    accessControl: Type.String(),
    logging: Type.String(),
    retention: Type.String(),
    isolationMechanism: Type.String(),
    deploysToProduction: Type.Boolean(),
    grantsAdminAccess: Type.Boolean(),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type System = Static<typeof System>;

export const systemResource: ResourceDefinition = {
  name: 'systems',
  bundleKey: 'systems',
  objectType: 'system',
  label: 'System',
  table: 'systems',
  input: SystemInput,
  output: System,
  refs: [{ field: 'hostingVendorId', column: 'hosting_vendor_id', target: 'vendors' }],
  links: [
    { field: 'tenantIds', target: 'tenants', table: 'system_tenants', ownColumn: 'system_id', targetColumn: 'tenant_id' },
    { field: 'serviceIds', target: 'services', table: 'system_services', ownColumn: 'system_id', targetColumn: 'service_id' },
  ],
  jsonFields: [],
  filters: {
    kind: { schema: StringEnum(SYSTEM_KINDS), field: 'kind', mode: 'equals' },
    environment: { schema: StringEnum(ENVIRONMENTS), field: 'environment', mode: 'equals' },
    tenancy: { schema: StringEnum(SYSTEM_TENANCIES), field: 'tenancy', mode: 'equals' },
    inScope: { schema: Type.Boolean(), field: 'inScope', mode: 'equals' },
    region: { schema: RegionSchema, field: 'regions', mode: 'contains' },
    dataCategory: { schema: DataCategorySchema, field: 'dataCategories', mode: 'contains' },
    hostingVendorId: { schema: Uuid, field: 'hostingVendorId', mode: 'equals' },
    tenantId: { schema: Uuid, field: 'tenantIds', mode: 'link' },
    serviceId: { schema: Uuid, field: 'serviceIds', mode: 'link' },
  },
  sortable: ['slug', 'name', 'kind', 'environment', 'tenancy', 'inScope', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'description', 'owner'],
  check(obj) {
    if (obj.inScope === false && !String(obj.exclusionJustification ?? '').trim()) {
      throw new AppError('invalid_value', 'A system outside the ISMS scope needs an exclusion justification.', 'exclusionJustification');
    }
    const tenants = (obj.tenantIds as string[] | undefined) ?? [];
    if (obj.tenancy === 'dedicated' && tenants.length === 0) {
      throw new AppError('invalid_value', 'A dedicated system names the tenants it serves.', 'tenantIds');
    }
    if (obj.tenancy === 'multi-tenant' && tenants.length > 0) {
      throw new AppError('invalid_value', 'A multi-tenant system serves every tenant of its services; tenantIds is only for dedicated systems.', 'tenantIds');
    }
  },
};
