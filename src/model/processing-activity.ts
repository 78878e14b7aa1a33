import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../api/errors.js';
import { annexAControl, normalizeControlId } from '../catalog/index.js';
import { DateOnly, Name, SetOf, Slug, StringEnum, Text, Timestamps, Uuid } from './common.js';
import type { ResourceDefinition } from './resource.js';

/** The provider's role in a processing (GDPR Art. 4(7), 4(8), 26). */
export const PROCESSING_ROLES = ['processor', 'controller', 'joint-controller'] as const;
export type ProcessingRole = (typeof PROCESSING_ROLES)[number];

/** Special categories of personal data (Art. 9(1)) and criminal-offence data (Art. 10): they also decide the Art. 30(5) exemption. */
export const SPECIAL_CATEGORIES = [
  'racial-or-ethnic-origin', 'political-opinions', 'religious-or-philosophical-beliefs', 'trade-union-membership',
  'genetic-data', 'biometric-data', 'health-data', 'sex-life-or-sexual-orientation', 'criminal-convictions-and-offences',
] as const;

/**
 * The legal ground of a transfer to a third country or international organisation: adequacy decision (Art. 45),
 * standard contractual clauses (Art. 46(2)(c)), binding corporate rules (Art. 47), a derogation (Art. 49) or
 * another Art. 46 safeguard.
 */
export const TRANSFER_SAFEGUARDS = ['adequacy', 'scc', 'bcr', 'derogation', 'other'] as const;
export type TransferSafeguard = (typeof TRANSFER_SAFEGUARDS)[number];

export const TRANSFER_SAFEGUARD_LABELS: Record<TransferSafeguard, string> = {
  adequacy: 'adequacy decision (Art. 45)',
  scc: 'standard contractual clauses (Art. 46(2)(c))',
  bcr: 'binding corporate rules (Art. 47)',
  derogation: 'derogation (Art. 49)',
  other: 'other safeguard (Art. 46)',
};

/** A transfer of personal data to a third country or an international organisation (Art. 30(1)(e), 30(2)(c)). */
export const Transfer = Type.Object(
  {
    destination: Type.String({ minLength: 1, maxLength: 200, description: 'The third country, region or international organisation, e.g. "United States".' }),
    // Optional in the schema so that a missing safeguard gets the check's clear 422 naming the transfer.
    safeguard: Type.Optional(StringEnum(TRANSFER_SAFEGUARDS, 'The legal ground of the transfer.')),
    reference: Type.Optional(Text(1000, 'Where the safeguard is documented (SCC module and date, BCR approval, the Art. 49 assessment).')),
  },
  { additionalProperties: false },
);
export type Transfer = Static<typeof Transfer>;

const Category = Type.String({ minLength: 1, maxLength: 200 });

/** One processing activity of the records of processing (GDPR Art. 30). */
export const ProcessingActivityInput = Type.Object(
  {
    slug: Slug,
    name: Name,
    description: Type.Optional(Text(4000, 'What the processing is, in plain language.')),
    serviceId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'The service the processing belongs to (a processor activity covers every customer of it).' })),
    tenantId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Set when the activity differs for one customer tenant: it is then that tenant\u2019s only.' })),
    role: StringEnum(PROCESSING_ROLES, 'The provider\u2019s role: processor for its customers, controller, or joint controller.'),
    jointControllers: Type.Optional(Text(2000, 'Name and contact details of each joint controller (Art. 30(1)(a)).')),
    jointArrangement: Type.Optional(Text(4000, 'The Art. 26 arrangement between the joint controllers; required for a joint controller.')),
    controllerName: Type.Optional(Text(200, 'The controller: empty means the provider itself for controller activities, and the customer tenant for processor activities.')),
    controllerContact: Type.Optional(Text(1000, 'Contact details of the controller named in controllerName.')),
    representative: Type.Optional(Text(1000, 'Name and contact details of the representative in the Union (Art. 27), where applicable.')),
    dpo: Type.Optional(Text(1000, 'Name and contact details of the data protection officer, where designated.')),
    purposes: SetOf(Category, 20, 'Purposes of the processing (Art. 30(1)(b)); for a processor, the categories of processing (Art. 30(2)(b)).'),
    lawfulBasis: Type.Optional(Text(1000, 'Lawful basis (Art. 6(1)); for controller activities.')),
    dataSubjectCategories: Type.Optional(SetOf(Category, 30, 'Categories of data subjects (Art. 30(1)(c)).')),
    personalDataCategories: Type.Optional(SetOf(Category, 50, 'Categories of personal data (Art. 30(1)(c)).')),
    specialCategories: Type.Optional(SetOf(StringEnum(SPECIAL_CATEGORIES), SPECIAL_CATEGORIES.length, 'Special categories (Art. 9(1)) and criminal-offence data (Art. 10) processed.')),
    recipients: Type.Optional(SetOf(Category, 30, 'Categories of recipients, including recipients in third countries (Art. 30(1)(d)).')),
    subProcessorVendorIds: Type.Optional(SetOf(Uuid, 50, 'Sub-processors engaged for the activity (Art. 28(2), (4)).')),
    transfers: Type.Optional(Type.Array(Transfer, { maxItems: 30, description: 'Transfers to third countries or international organisations (Art. 30(1)(e), 30(2)(c)).' })),
    retention: Type.Optional(Text(2000, 'Envisaged time limits for erasure of the categories of data (Art. 30(1)(f)).')),
    securityMeasureControlIds: Type.Optional(SetOf(Type.String({ minLength: 1, maxLength: 20 }), 93, 'Annex A controls that are the security measures (e.g. "8.24"), Art. 30(1)(g), 30(2)(d).')),
    securityMeasures: Type.Optional(Text(4000, 'General description of the technical and organisational security measures (Art. 32(1)).')),
    owner: Type.Optional(Text(200, 'Business owner of the activity (accountability, Art. 5(2)).')),
    reviewedOn: Type.Optional(Type.Union([DateOnly, Type.Null()], { description: 'Date the record of this activity was last reviewed.' })),
  },
  { additionalProperties: false },
);
export type ProcessingActivityInput = Static<typeof ProcessingActivityInput>;

export const ProcessingActivity = Type.Object(
  {
    id: Uuid,
    ...ProcessingActivityInput.properties,
    description: Type.String(),
    serviceId: Type.Union([Uuid, Type.Null()]),
    tenantId: Type.Union([Uuid, Type.Null()]),
    jointControllers: Type.String(),
    jointArrangement: Type.String(),
    controllerName: Type.String(),
    controllerContact: Type.String(),
    representative: Type.String(),
    dpo: Type.String(),
    lawfulBasis: Type.String(),
    dataSubjectCategories: Type.Array(Type.String()),
    personalDataCategories: Type.Array(Type.String()),
    specialCategories: Type.Array(StringEnum(SPECIAL_CATEGORIES)),
    recipients: Type.Array(Type.String()),
    subProcessorVendorIds: Type.Array(Uuid),
    transfers: Type.Array(Transfer),
    retention: Type.String(),
    securityMeasureControlIds: Type.Array(Type.String()),
    securityMeasures: Type.String(),
    owner: Type.String(),
    reviewedOn: Type.Union([DateOnly, Type.Null()]),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type ProcessingActivity = Static<typeof ProcessingActivity>;

/**
 * The rules of a processing activity that JSON Schema cannot say; throws `invalid_value` naming the field.
 * Joint controllers need their Art. 26 arrangement, a processor acts for a service's customers or one tenant,
 * every transfer names its safeguard (and a derogation or "other" where it is documented), and security
 * measures are Annex A controls of the catalog, written as the catalog writes them ("5.15").
 */
export function checkProcessingActivity(obj: Record<string, unknown>): void {
  if (obj.role === 'joint-controller' && !String(obj.jointArrangement ?? '').trim()) {
    throw new AppError('invalid_value', 'A joint controller needs the arrangement between the joint controllers (GDPR Art. 26).', 'jointArrangement');
  }
  if (obj.role === 'processor' && obj.serviceId == null && obj.tenantId == null) {
    throw new AppError('invalid_value', 'A processor activity is carried out for customers: name the service (all its customers) or the tenant.', 'serviceId');
  }
  if (!Array.isArray(obj.purposes) || obj.purposes.length === 0) {
    throw new AppError('invalid_value', 'A processing activity needs at least one purpose (GDPR Art. 30(1)(b)).', 'purposes');
  }
  const transfers = (obj.transfers as Transfer[] | undefined) ?? [];
  transfers.forEach((t, i) => {
    if (!t.safeguard) {
      throw new AppError('invalid_value', `The transfer to ${t.destination} needs a safeguard: adequacy, scc, bcr, derogation or other.`, `transfers.${i}.safeguard`);
    }
    if ((t.safeguard === 'derogation' || t.safeguard === 'other') && !String(t.reference ?? '').trim()) {
      throw new AppError('invalid_value', `The transfer to ${t.destination} relies on ${TRANSFER_SAFEGUARD_LABELS[t.safeguard]}: say where it is documented.`, `transfers.${i}.reference`);
    }
  });
  const controls = (obj.securityMeasureControlIds as string[] | undefined) ?? [];
  controls.forEach((id, i) => {
    const control = annexAControl(id);
    if (!control) throw new AppError('invalid_value', `"${id}" is not an ISO/IEC 27001:2022 Annex A control.`, `securityMeasureControlIds.${i}`);
    if (normalizeControlId(id) !== id) throw new AppError('invalid_value', `Write the control as "${normalizeControlId(id)}", not "${id}".`, `securityMeasureControlIds.${i}`);
  });
}

export const processingActivityResource: ResourceDefinition = {
  name: 'processing-activities',
  bundleKey: 'processingActivities',
  objectType: 'processing-activity',
  label: 'Processing activity',
  table: 'processing_activities',
  input: ProcessingActivityInput,
  output: ProcessingActivity,
  refs: [
    { field: 'serviceId', column: 'service_id', target: 'services' },
    { field: 'tenantId', column: 'tenant_id', target: 'tenants' },
  ],
  links: [{ field: 'subProcessorVendorIds', target: 'vendors', table: 'processing_activity_vendors', ownColumn: 'processing_activity_id', targetColumn: 'vendor_id' }],
  jsonFields: ['transfers'],
  filters: {
    role: { schema: StringEnum(PROCESSING_ROLES), field: 'role', mode: 'equals' },
    serviceId: { schema: Uuid, field: 'serviceId', mode: 'equals' },
    tenantId: { schema: Uuid, field: 'tenantId', mode: 'equals' },
    subProcessorVendorId: { schema: Uuid, field: 'subProcessorVendorIds', mode: 'link' },
    controlId: { schema: Type.String({ maxLength: 20 }), field: 'securityMeasureControlIds', mode: 'contains' },
    specialCategory: { schema: StringEnum(SPECIAL_CATEGORIES), field: 'specialCategories', mode: 'contains' },
  },
  sortable: ['slug', 'name', 'role', 'reviewedOn', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'description', 'owner'],
  check: checkProcessingActivity,
  tenantField: 'tenantId',
};
