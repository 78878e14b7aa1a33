import { AppError } from '../api/errors.js';

/** What a violated constraint means to the person who sent the request. */
const CONSTRAINTS: Record<string, { code: 'slug_taken' | 'in_use' | 'reference_not_found' | 'invalid_value' | 'conflict'; field?: string; message: string }> = {
  services_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another service already has this slug.' },
  vendors_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another vendor already has this slug.' },
  tenants_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another tenant already has this slug.' },
  systems_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another system already has this slug.' },
  data_flows_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another data flow already has this slug.' },
  tenants_external_id_key: { code: 'conflict', field: 'externalId', message: 'Another tenant already has this external id.' },
  users_email_key: { code: 'conflict', field: 'email', message: 'A user with this email already exists.' },
  systems_hosting_vendor_fkey: { code: 'in_use', field: 'hostingVendorId', message: 'Systems are hosted by this vendor; change their hosting vendor first.' },
  data_flows_from_system_fkey: { code: 'in_use', field: 'fromSystemId', message: 'Data flows start at this system; delete or change them first.' },
  data_flows_to_system_fkey: { code: 'in_use', field: 'toSystemId', message: 'Data flows go to this system; delete or change them first.' },
  data_flows_to_vendor_fkey: { code: 'in_use', field: 'toVendorId', message: 'Data flows go to this vendor; delete or change them first.' },
  data_flows_service_fkey: { code: 'in_use', field: 'serviceId', message: 'Data flows belong to this service; change them first.' },
  data_flows_one_destination: { code: 'invalid_value', field: 'toSystemId', message: 'A data flow goes to exactly one system or one vendor.' },
  systems_exclusion_justified: { code: 'invalid_value', field: 'exclusionJustification', message: 'A system outside the ISMS scope needs an exclusion justification.' },
  legal_holds_org_id_tenant_id_fkey: { code: 'in_use', field: 'tenantId', message: 'This tenant is under a legal hold (released or not, the hold keeps its record); it cannot be deleted.' },
  risks_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another risk already has this slug.' },
  risks_accepted_signed: { code: 'invalid_value', field: 'status', message: 'A risk is accepted only by its owner\u2019s sign-off: POST /api/risks/{id}/accept (owners and ISMS managers).' },
  risks_residual_pair: { code: 'invalid_value', field: 'residualImpact', message: 'Set both residualLikelihood and residualImpact, or neither.' },
  interested_parties_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another interested party already has this slug.' },
  interested_parties_tier_for_customer_tier: { code: 'invalid_value', field: 'tier', message: 'A customer-tier party names its tier, and only it has one.' },
  processing_activities_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another processing activity already has this slug.' },
  processing_activities_service_fkey: { code: 'in_use', field: 'serviceId', message: 'Processing activities (records of processing) belong to this service; change or delete them first.' },
  processing_activities_tenant_fkey: { code: 'in_use', field: 'tenantId', message: 'Processing activities (records of processing) are written for this tenant; change or delete them first.' },
  processing_activities_joint_arrangement: { code: 'invalid_value', field: 'jointArrangement', message: 'A joint controller needs the arrangement between the joint controllers (GDPR Art. 26).' },
  processing_activities_processor_for_whom: { code: 'invalid_value', field: 'serviceId', message: 'A processor activity names the service or the tenant it is carried out for.' },
  evidence_slug_key: { code: 'slug_taken', field: 'slug', message: 'Other evidence already has this slug.' },
  evidence_tenant_fkey: { code: 'in_use', field: 'tenantId', message: 'Evidence is recorded for this tenant; change or delete it first.' },
  evidence_link_has_url: { code: 'invalid_value', field: 'url', message: 'A link needs its url.' },
  evidence_file_only_for_files: { code: 'invalid_value', field: 'kind', message: 'This evidence holds an uploaded file: keep kind file or delete it.' },
  control_exceptions_slug_key: { code: 'slug_taken', field: 'slug', message: 'Another exception already has this slug.' },
  control_exceptions_system_fkey: { code: 'in_use', field: 'systemId', message: 'Control exceptions are scoped to this system; change or delete them first.' },
  control_exceptions_service_fkey: { code: 'in_use', field: 'serviceId', message: 'Control exceptions are scoped to this service; change or delete them first.' },
  control_exceptions_tenant_fkey: { code: 'in_use', field: 'tenantId', message: 'Control exceptions are scoped to this tenant; change or delete them first.' },
  control_exceptions_one_scope: { code: 'invalid_value', field: 'systemId', message: 'An exception covers exactly one of a system, a service, a tenant or a tier.' },
  control_exceptions_review_before_expiry: { code: 'invalid_value', field: 'reviewOn', message: 'reviewOn must be on or before expiresOn.' },
  memberships_tenant_viewer_bound: { code: 'invalid_value', field: 'tenantId', message: 'A tenant-viewer must be bound to exactly one tenant, and no other role may be.' },
};

interface PgError { code?: string; constraint?: string; table?: string; detail?: string }

/**
 * Turn a database constraint violation into the API error it stands for; anything else is returned
 * unchanged (and becomes a logged 500). The database is the last line: services check first.
 */
export function translateDbError(error: unknown): unknown {
  const e = error as PgError;
  if (!e || typeof e.code !== 'string') return error;
  const known = e.constraint ? CONSTRAINTS[e.constraint] : undefined;
  if (known) return new AppError(known.code, known.message, known.field);
  if (e.code === '23505') return new AppError('conflict', 'This value is already taken.');
  if (e.code === '23503') return new AppError('in_use', 'The object is referenced by others, or refers to an object that does not exist.');
  // Class 22 is "data exception": a value the database cannot store (a NUL byte in text, an impossible date,
  // a number out of range). It is always the input's fault, never a reason for a 500.
  if (e.code === '23514' || e.code === '23502' || e.code.startsWith('22')) return new AppError('invalid_value', 'A value was not accepted by the database.');
  if (e.code === '42501') return new AppError('not_found');
  return error;
}
