/** How each kind of ISMS object is listed: its columns, list filters and labels. Forms come from the API schema. */
export interface Column { field: string; label: string; sortable?: boolean; kind?: 'list' | 'bool' | 'ref' }
export interface ListFilter { param: string; label: string; options: string[] | 'boolean' }

export interface ResourceView {
  name: string;
  path: string;
  label: string;
  plural: string;
  columns: Column[];
  filters: ListFilter[];
}

export const RESOURCE_VIEWS: ResourceView[] = [
  {
    name: 'services', path: '/services', label: 'Service', plural: 'Services',
    columns: [{ field: 'name', label: 'Name', sortable: true }, { field: 'slug', label: 'Slug', sortable: true }, { field: 'owner', label: 'Owner' }],
    filters: [],
  },
  {
    name: 'vendors', path: '/vendors', label: 'Vendor', plural: 'Vendors',
    columns: [
      { field: 'name', label: 'Name', sortable: true }, { field: 'criticality', label: 'Criticality', sortable: true },
      { field: 'reviewStatus', label: 'Review', sortable: true }, { field: 'reviewedOn', label: 'Reviewed on', sortable: true },
      { field: 'regions', label: 'Regions', kind: 'list' }, { field: 'subProcessor', label: 'Sub-processor', kind: 'bool' },
    ],
    filters: [
      { param: 'criticality', label: 'Criticality', options: ['low', 'medium', 'high', 'critical'] },
      { param: 'reviewStatus', label: 'Review', options: ['not-reviewed', 'in-review', 'approved', 'approved-with-conditions', 'rejected'] },
      { param: 'subProcessor', label: 'Sub-processor', options: 'boolean' },
    ],
  },
  {
    name: 'tenants', path: '/tenants', label: 'Tenant', plural: 'Tenants',
    columns: [
      { field: 'name', label: 'Name', sortable: true }, { field: 'tier', label: 'Tier', sortable: true },
      { field: 'tenancyPattern', label: 'Tenancy', sortable: true }, { field: 'allowedRegions', label: 'Allowed regions', kind: 'list' },
      { field: 'sector', label: 'Sector', sortable: true }, { field: 'breachNotificationHours', label: 'Breach SLA (h)' },
    ],
    filters: [
      { param: 'tier', label: 'Tier', options: ['A', 'B', 'C'] },
      { param: 'tenancyPattern', label: 'Tenancy', options: ['dedicated', 'pooled', 'region-pinned'] },
    ],
  },
  {
    name: 'systems', path: '/systems', label: 'System', plural: 'Systems',
    columns: [
      { field: 'name', label: 'Name', sortable: true }, { field: 'kind', label: 'Kind', sortable: true },
      { field: 'environment', label: 'Environment', sortable: true }, { field: 'tenancy', label: 'Tenancy', sortable: true },
      { field: 'regions', label: 'Regions', kind: 'list' }, { field: 'inScope', label: 'In scope', kind: 'bool', sortable: true },
    ],
    filters: [
      { param: 'kind', label: 'Kind', options: ['application', 'api', 'database', 'object-storage', 'queue', 'cache', 'network', 'iam', 'identity-provider', 'ci-cd', 'source-control', 'logging', 'monitoring', 'analytics', 'support-tool', 'ticketing', 'rmm', 'admin-dashboard', 'backup', 'secrets-manager', 'email', 'corporate-tool', 'endpoint', 'other'] },
      { param: 'environment', label: 'Environment', options: ['production', 'staging', 'development', 'demo', 'sandbox'] },
      { param: 'tenancy', label: 'Tenancy', options: ['multi-tenant', 'dedicated'] },
      { param: 'inScope', label: 'In scope', options: 'boolean' },
    ],
  },
  {
    name: 'data-flows', path: '/data-flows', label: 'Data flow', plural: 'Data flows',
    columns: [
      { field: 'name', label: 'Name', sortable: true }, { field: 'fromSystemId', label: 'From', kind: 'ref' },
      { field: 'toSystemId', label: 'To system', kind: 'ref' }, { field: 'toVendorId', label: 'To vendor', kind: 'ref' },
      { field: 'dataCategories', label: 'Data', kind: 'list' },
    ],
    filters: [],
  },
];

export function viewByName(name: string): ResourceView | undefined {
  return RESOURCE_VIEWS.find((v) => v.name === name);
}
