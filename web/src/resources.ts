/**
 * How each kind of ISMS object is listed: its labels and table columns. Forms, list filters and which columns the
 * server can sort by come from the API's own schema (OpenAPI), so they never drift from what the server accepts.
 */
export interface Column {
  field: string;
  label: string;
  kind?: 'list' | 'bool' | 'ref';
  /** For a reference column: the resource the id points at. */
  target?: string;
}

export interface ResourceView {
  name: string;
  path: string;
  label: string;
  plural: string;
  columns: Column[];
}

export const RESOURCE_VIEWS: ResourceView[] = [
  {
    name: 'services', path: '/services', label: 'Service', plural: 'Services',
    columns: [{ field: 'name', label: 'Name' }, { field: 'slug', label: 'Slug' }, { field: 'owner', label: 'Owner' }],
  },
  {
    name: 'vendors', path: '/vendors', label: 'Vendor', plural: 'Vendors',
    columns: [
      { field: 'name', label: 'Name' }, { field: 'criticality', label: 'Criticality' },
      { field: 'reviewStatus', label: 'Review' }, { field: 'reviewedOn', label: 'Reviewed on' },
      { field: 'regions', label: 'Regions', kind: 'list' }, { field: 'subProcessor', label: 'Sub-processor', kind: 'bool' },
    ],
  },
  {
    name: 'tenants', path: '/tenants', label: 'Tenant', plural: 'Tenants',
    columns: [
      { field: 'name', label: 'Name' }, { field: 'tier', label: 'Tier' },
      { field: 'tenancyPattern', label: 'Tenancy' }, { field: 'allowedRegions', label: 'Allowed regions', kind: 'list' },
      { field: 'sector', label: 'Sector' }, { field: 'breachNotificationHours', label: 'Breach SLA (h)' },
    ],
  },
  {
    name: 'systems', path: '/systems', label: 'System', plural: 'Systems',
    columns: [
      { field: 'name', label: 'Name' }, { field: 'kind', label: 'Kind' },
      { field: 'environment', label: 'Environment' }, { field: 'tenancy', label: 'Tenancy' },
      { field: 'regions', label: 'Regions', kind: 'list' }, { field: 'inScope', label: 'In scope', kind: 'bool' },
    ],
  },
  {
    name: 'data-flows', path: '/data-flows', label: 'Data flow', plural: 'Data flows',
    columns: [
      { field: 'name', label: 'Name' }, { field: 'fromSystemId', label: 'From', kind: 'ref', target: 'systems' },
      { field: 'toSystemId', label: 'To system', kind: 'ref', target: 'systems' }, { field: 'toVendorId', label: 'To vendor', kind: 'ref', target: 'vendors' },
      { field: 'dataCategories', label: 'Data', kind: 'list' },
    ],
  },
  {
    name: 'processing-activities', path: '/processing-activities', label: 'Processing activity', plural: 'Processing activities',
    columns: [
      { field: 'name', label: 'Name' }, { field: 'role', label: 'Role' },
      { field: 'serviceId', label: 'Service', kind: 'ref', target: 'services' }, { field: 'tenantId', label: 'Tenant', kind: 'ref', target: 'tenants' },
      { field: 'purposes', label: 'Purposes', kind: 'list' }, { field: 'securityMeasureControlIds', label: 'Controls', kind: 'list' },
    ],
  },
  {
    name: 'interested-parties', path: '/interested-parties', label: 'Interested party', plural: 'Interested parties',
    columns: [
      { field: 'name', label: 'Name' }, { field: 'kind', label: 'Kind' }, { field: 'tier', label: 'Tier' },
      { field: 'controlIds', label: 'Controls', kind: 'list' },
    ],
  },
  {
    name: 'risks', path: '/risks', label: 'Risk', plural: 'Risks',
    columns: [
      { field: 'name', label: 'Title' }, { field: 'owner', label: 'Owner' }, { field: 'status', label: 'Status' },
      { field: 'likelihood', label: 'Likelihood' }, { field: 'impact', label: 'Impact' }, { field: 'treatment', label: 'Treatment' },
      { field: 'reviewOn', label: 'Review on' },
    ],
  },
  {
    name: 'control-implementations', path: '/control-implementations', label: 'Control implementation', plural: 'Control implementations',
    columns: [
      { field: 'controlId', label: 'Control' }, { field: 'name', label: 'Name' }, { field: 'layer', label: 'Layer' },
      { field: 'status', label: 'Status' }, { field: 'targetTiers', label: 'Tiers', kind: 'list' }, { field: 'owner', label: 'Owner' },
    ],
  },
  {
    name: 'evidence', path: '/evidence', label: 'Evidence', plural: 'Evidence',
    columns: [
      { field: 'name', label: 'Name' }, { field: 'kind', label: 'Kind' }, { field: 'collectedOn', label: 'Collected on' },
      { field: 'currentUntil', label: 'Current until' }, { field: 'stale', label: 'Stale', kind: 'bool' },
      { field: 'tenantId', label: 'Tenant (none: shared core)', kind: 'ref', target: 'tenants' }, { field: 'controlIds', label: 'Controls', kind: 'list' },
    ],
  },
  {
    name: 'control-exceptions', path: '/control-exceptions', label: 'Exception', plural: 'Exceptions',
    columns: [
      { field: 'controlId', label: 'Control' }, { field: 'name', label: 'Name' }, { field: 'status', label: 'Status' },
      { field: 'reviewOn', label: 'Review on' }, { field: 'expiresOn', label: 'Expires on' }, { field: 'overdue', label: 'Overdue', kind: 'bool' },
    ],
  },
];

export function viewByName(name: string): ResourceView | undefined {
  return RESOURCE_VIEWS.find((v) => v.name === name);
}
