import { Type, type Static } from '@sinclair/typebox';
import { DataCategorySchema, Name, SetOf, Slug, Text, Timestamps, Uuid } from './common.js';
import { AppError } from '../api/errors.js';
import type { ResourceDefinition } from './resource.js';

/** Data moving from one system to another system or to a vendor. Exactly one destination is set. */
export const DataFlowInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    fromSystemId: Uuid,
    toSystemId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Destination system (or set toVendorId).' })),
    toVendorId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Destination vendor (or set toSystemId).' })),
    dataCategories: Type.Optional(SetOf(DataCategorySchema, 10, 'Categories of data carried.')),
    purpose: Type.Optional(Text(2000, 'Why the data flows.')),
    serviceId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Service the flow belongs to.' })),
  },
  { additionalProperties: false },
);
export type DataFlowInput = Static<typeof DataFlowInput>;

export const DataFlow = Type.Object(
  {
    id: Uuid,
    ...DataFlowInput.properties,
    toSystemId: Type.Union([Uuid, Type.Null()]),
    toVendorId: Type.Union([Uuid, Type.Null()]),
    dataCategories: Type.Array(DataCategorySchema),
    purpose: Type.String(),
    serviceId: Type.Union([Uuid, Type.Null()]),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type DataFlow = Static<typeof DataFlow>;

export const dataFlowResource: ResourceDefinition = {
  name: 'data-flows',
  bundleKey: 'dataFlows',
  objectType: 'data-flow',
  label: 'Data flow',
  table: 'data_flows',
  input: DataFlowInput,
  output: DataFlow,
  refs: [
    { field: 'fromSystemId', column: 'from_system_id', target: 'systems' },
    { field: 'toSystemId', column: 'to_system_id', target: 'systems' },
    { field: 'toVendorId', column: 'to_vendor_id', target: 'vendors' },
    { field: 'serviceId', column: 'service_id', target: 'services' },
  ],
  links: [],
  jsonFields: [],
  filters: {
    fromSystemId: { schema: Uuid, field: 'fromSystemId', mode: 'equals' },
    toSystemId: { schema: Uuid, field: 'toSystemId', mode: 'equals' },
    toVendorId: { schema: Uuid, field: 'toVendorId', mode: 'equals' },
    serviceId: { schema: Uuid, field: 'serviceId', mode: 'equals' },
    dataCategory: { schema: DataCategorySchema, field: 'dataCategories', mode: 'contains' },
  },
  sortable: ['slug', 'name', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'purpose'],
  check(obj) {
    const field = dataFlowDestinationError(obj);
    if (field) throw new AppError('invalid_value', 'A data flow goes to exactly one destination: set toSystemId or toVendorId, not both.', field);
    if (obj.toSystemId && obj.toSystemId === obj.fromSystemId) {
      throw new AppError('invalid_value', 'A data flow cannot go from a system to itself.', 'toSystemId');
    }
  },
};

/** Cross-field rule the schema cannot express: exactly one destination. Returns the offending field or null. */
export function dataFlowDestinationError(flow: { toSystemId?: string | null; toVendorId?: string | null }): string | null {
  const hasSystem = flow.toSystemId != null;
  const hasVendor = flow.toVendorId != null;
  if (hasSystem === hasVendor) return 'toSystemId';
  return null;
}
