import { Type, type Static } from '@sinclair/typebox';
import { annexAControl } from '../catalog/index.js';
import { AppError } from '../api/errors.js';
import { Name, SetOf, Slug, StringEnum, Text, Timestamps, Uuid } from './common.js';
import type { ResourceDefinition } from './resource.js';
import { TENANT_TIERS } from './tenant.js';

export const INTERESTED_PARTY_KINDS = ['customer-tier', 'customer', 'regulator', 'staff', 'supplier', 'shareholder', 'other'] as const;
export const REQUIREMENT_KINDS = ['gdpr', 'sector-rule', 'sla', 'dpa', 'residency', 'contract', 'other'] as const;

/** An Annex A control id as stored everywhere: '5.15' (an 'A.' prefix is refused, so one control has one spelling). */
export const ControlId = Type.String({ pattern: '^[5-8]\\.[0-9]{1,2}$', description: 'Annex A control id, e.g. "5.15".' });

/** One requirement an interested party has of the ISMS (clause 4.2 b). */
export const Requirement = Type.Object(
  {
    kind: StringEnum(REQUIREMENT_KINDS, 'Where the requirement comes from.'),
    description: Type.String({ minLength: 1, maxLength: 2000, description: 'What is required, in plain language.' }),
    reference: Type.Optional(Text(500, 'Where it is written: an article, a clause of the contract or DPA, an SLA section.')),
  },
  { additionalProperties: false },
);
export type Requirement = Static<typeof Requirement>;

/** Someone with a stake in the ISMS (ISO/IEC 27001:2022 clause 4.2): customers by tier, regulators, staff, suppliers. */
export const InterestedPartyInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    kind: StringEnum(INTERESTED_PARTY_KINDS, 'What sort of party this is.'),
    tier: Type.Optional(Type.Union([StringEnum(TENANT_TIERS), Type.Null()], { description: 'For kind customer-tier: the tier of customers it stands for.' })),
    description: Type.Optional(Text(4000)),
    tenantIds: Type.Optional(SetOf(Uuid, 1000, 'Customer tenants this party is (or stands for).')),
    vendorIds: Type.Optional(SetOf(Uuid, 100, 'Vendors this party is (for a supplier).')),
    requirements: Type.Optional(Type.Array(Requirement, { maxItems: 100, description: 'What the party requires of the ISMS.' })),
    controlIds: Type.Optional(SetOf(ControlId, 93, 'Annex A controls that address its requirements.')),
  },
  { additionalProperties: false },
);
export type InterestedPartyInput = Static<typeof InterestedPartyInput>;

export const InterestedParty = Type.Object(
  {
    id: Uuid,
    ...InterestedPartyInput.properties,
    tier: Type.Union([StringEnum(TENANT_TIERS), Type.Null()]),
    description: Type.String(),
    tenantIds: Type.Array(Uuid),
    vendorIds: Type.Array(Uuid),
    requirements: Type.Array(Requirement),
    controlIds: Type.Array(Type.String()),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type InterestedParty = Static<typeof InterestedParty>;

/** Every id must be an Annex A control of the shipped catalog. */
export function checkControlIds(ids: unknown, field = 'controlIds'): void {
  if (!Array.isArray(ids)) return;
  const unknown = ids.find((id) => typeof id !== 'string' || !annexAControl(id));
  if (unknown !== undefined) throw new AppError('invalid_value', `${String(unknown)} is not an ISO/IEC 27001:2022 Annex A control.`, field);
}

export const interestedPartyResource: ResourceDefinition = {
  name: 'interested-parties',
  bundleKey: 'interestedParties',
  objectType: 'interested-party',
  label: 'Interested party',
  table: 'interested_parties',
  input: InterestedPartyInput,
  output: InterestedParty,
  refs: [],
  links: [
    { field: 'tenantIds', target: 'tenants', table: 'interested_party_tenants', ownColumn: 'interested_party_id', targetColumn: 'tenant_id' },
    { field: 'vendorIds', target: 'vendors', table: 'interested_party_vendors', ownColumn: 'interested_party_id', targetColumn: 'vendor_id' },
  ],
  jsonFields: ['requirements'],
  filters: {
    kind: { schema: StringEnum(INTERESTED_PARTY_KINDS), field: 'kind', mode: 'equals' },
    tier: { schema: StringEnum(TENANT_TIERS), field: 'tier', mode: 'equals' },
    controlId: { schema: ControlId, field: 'controlIds', mode: 'contains' },
    tenantId: { schema: Uuid, field: 'tenantIds', mode: 'link' },
    vendorId: { schema: Uuid, field: 'vendorIds', mode: 'link' },
  },
  sortable: ['slug', 'name', 'kind', 'tier', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'description'],
  check(obj) {
    const tier = obj.tier ?? null;
    if (obj.kind === 'customer-tier' && tier === null) throw new AppError('invalid_value', 'A customer tier names its tier (A, B or C).', 'tier');
    if (obj.kind !== 'customer-tier' && tier !== null) throw new AppError('invalid_value', 'Only a party of kind customer-tier has a tier.', 'tier');
    checkControlIds(obj.controlIds);
  },
};
