import { Type, type Static } from '@sinclair/typebox';
import { Name, Slug, Text, Timestamps, Uuid } from './common.js';
import type { ResourceDefinition } from './resource.js';

/** A service line the provider sells (for example "Managed Microsoft 365" or "Hosted ERP"). */
export const ServiceInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    description: Type.Optional(Text(4000, 'What the service is, in the words a customer would use.')),
    owner: Type.Optional(Text(200, 'Person or team accountable for the service.')),
  },
  { additionalProperties: false },
);
export type ServiceInput = Static<typeof ServiceInput>;

export const Service = Type.Object(
  { id: Uuid, ...ServiceInput.properties, description: Type.String(), owner: Type.String(), ...Timestamps },
  { additionalProperties: false },
);
export type Service = Static<typeof Service>;

export const serviceResource: ResourceDefinition = {
  name: 'services',
  bundleKey: 'services',
  objectType: 'service',
  label: 'Service',
  table: 'services',
  input: ServiceInput,
  output: Service,
  refs: [],
  links: [],
  jsonFields: [],
  filters: {},
  sortable: ['slug', 'name', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'description', 'owner'],
};
