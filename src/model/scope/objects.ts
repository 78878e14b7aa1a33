import type { DataFlow } from '../data-flow.js';
import type { Service } from '../service.js';
import type { System } from '../system.js';
import type { Tenant } from '../tenant.js';
import type { Vendor } from '../vendor.js';

/**
 * What the scope analyses read: the ISMS objects exactly as the API serves them (or as a bundle resolves to),
 * reduced to the fields the analyses use, so an API object, a stored row or a resolved bundle item all fit.
 */
export type ScopeService = Pick<Service, 'id' | 'slug' | 'name'>;
export type ScopeVendor = Pick<Vendor, 'id' | 'slug' | 'name' | 'dataCategories' | 'criticality' | 'reviewStatus' | 'reviewedOn' | 'regions' | 'subProcessor'>;
export type ScopeTenant = Pick<Tenant, 'id' | 'slug' | 'name' | 'tier' | 'allowedRegions' | 'serviceIds'>;
export type ScopeSystem = Pick<System,
  | 'id' | 'slug' | 'name' | 'kind' | 'environment' | 'regions' | 'hostingVendorId' | 'tenancy' | 'tenantIds' | 'serviceIds'
  | 'dataCategories' | 'inScope' | 'exclusionJustification' | 'accessControl' | 'logging' | 'retention' | 'isolationMechanism'
  | 'deploysToProduction' | 'grantsAdminAccess'>;
export type ScopeDataFlow = Pick<DataFlow, 'id' | 'slug' | 'name' | 'fromSystemId' | 'toSystemId' | 'toVendorId' | 'dataCategories' | 'serviceId'>;

/** One organization's model: what `allResources` returns per resource, or what a bundle resolves to. */
export interface IsmsObjects {
  services: readonly ScopeService[];
  vendors: readonly ScopeVendor[];
  tenants: readonly ScopeTenant[];
  systems: readonly ScopeSystem[];
  dataFlows: readonly ScopeDataFlow[];
}

/** The kinds of object a finding or a path can name. */
export type ObjectKind = 'system' | 'vendor' | 'flow' | 'service' | 'tenant';

/** One object named in a path or a finding: enough to show it and to link to it. */
export interface ObjectRef {
  kind: ObjectKind;
  id: string;
  slug: string;
  name: string;
}
