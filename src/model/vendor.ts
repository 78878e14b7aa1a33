import { Type, type Static } from '@sinclair/typebox';
import { DataCategorySchema, DateOnly, Name, SetOf, Slug, StringEnum, Text, Timestamps, Uuid } from './common.js';
import { RegionSchema } from './regions.js';
import type { ResourceDefinition } from './resource.js';

export const VENDOR_ACCESS_LEVELS = ['none', 'metadata', 'read', 'write', 'admin'] as const;
export const VENDOR_CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export const VENDOR_REVIEW_STATUSES = ['not-reviewed', 'in-review', 'approved', 'approved-with-conditions', 'rejected'] as const;

/** A third party the provider relies on: hosting, SaaS tools, sub-processors. */
export const VendorInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    serviceProvided: Type.Optional(Text(1000, 'What the vendor does for the provider.')),
    dataCategories: Type.Optional(SetOf(DataCategorySchema, 10, 'Categories of data the vendor handles.')),
    accessLevel: Type.Optional(StringEnum(VENDOR_ACCESS_LEVELS, 'Highest access the vendor has to provider or customer data.')),
    criticality: Type.Optional(StringEnum(VENDOR_CRITICALITIES, 'How much the provider depends on the vendor.')),
    reviewStatus: Type.Optional(StringEnum(VENDOR_REVIEW_STATUSES, 'State of the security review.')),
    reviewedOn: Type.Optional(Type.Union([DateOnly, Type.Null()], { description: 'Date of the last security review.' })),
    regions: Type.Optional(SetOf(RegionSchema, 20, 'Regions where the vendor processes or stores data.')),
    subProcessor: Type.Optional(Type.Boolean({ description: 'True when the vendor processes customers\u2019 personal data on the provider\u2019s behalf (GDPR Art. 28(2)).' })),
  },
  { additionalProperties: false },
);
export type VendorInput = Static<typeof VendorInput>;

export const Vendor = Type.Object(
  {
    id: Uuid,
    ...VendorInput.properties,
    serviceProvided: Type.String(),
    dataCategories: Type.Array(DataCategorySchema),
    accessLevel: StringEnum(VENDOR_ACCESS_LEVELS),
    criticality: StringEnum(VENDOR_CRITICALITIES),
    reviewStatus: StringEnum(VENDOR_REVIEW_STATUSES),
    reviewedOn: Type.Union([DateOnly, Type.Null()]),
    regions: Type.Array(RegionSchema),
    subProcessor: Type.Boolean(),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type Vendor = Static<typeof Vendor>;

export const vendorResource: ResourceDefinition = {
  name: 'vendors',
  bundleKey: 'vendors',
  objectType: 'vendor',
  label: 'Vendor',
  table: 'vendors',
  input: VendorInput,
  output: Vendor,
  refs: [],
  links: [],
  jsonFields: [],
  filters: {
    criticality: { schema: StringEnum(VENDOR_CRITICALITIES), field: 'criticality', mode: 'equals' },
    reviewStatus: { schema: StringEnum(VENDOR_REVIEW_STATUSES), field: 'reviewStatus', mode: 'equals' },
    subProcessor: { schema: Type.Boolean(), field: 'subProcessor', mode: 'equals' },
    region: { schema: RegionSchema, field: 'regions', mode: 'contains' },
    dataCategory: { schema: DataCategorySchema, field: 'dataCategories', mode: 'contains' },
  },
  sortable: ['slug', 'name', 'criticality', 'reviewStatus', 'reviewedOn', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'serviceProvided'],
};
