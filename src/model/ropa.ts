import { annexAControl } from '../catalog/index.js';
import type { ProcessingActivity, Transfer } from './processing-activity.js';
import { TRANSFER_SAFEGUARD_LABELS } from './processing-activity.js';

/**
 * The two records of processing of GDPR Art. 30, built from processing activities: the controller record
 * (Art. 30(1), activities where the provider is controller or joint controller) and the processor record
 * (Art. 30(2), activities carried out for customers, one row per customer and activity). Pure: the service
 * reads the data, the renderers in src/reports/ write CSV and XLSX.
 */

/** A column of a record: the Art. 30 field it carries (from ../shared/reference/ropa-fields.yaml) or, with no article, a helpful extra. */
export interface RopaColumn {
  id: string;
  header: string;
  /** The paragraph of Art. 30 that requires it; absent for additional columns. */
  articleRef?: string;
}

export interface RopaRecord {
  kind: 'controller' | 'processor';
  title: string;
  columns: readonly RopaColumn[];
  rows: string[][];
}

export interface RopaTenant {
  id: string;
  slug: string;
  name: string;
  serviceIds: readonly string[];
  contacts: ReadonlyArray<{ name: string; email: string; role?: string | undefined }>;
  dpaReference?: string | undefined;
}

/** Everything the records are made of, as one organization (or one tenant-viewer) may see it. */
export interface RopaData {
  orgName: string;
  activities: readonly ProcessingActivity[];
  services: ReadonlyArray<{ id: string; slug: string; name: string }>;
  tenants: readonly RopaTenant[];
  vendors: ReadonlyArray<{ id: string; name: string; regions?: readonly string[] }>;
}

export const CONTROLLER_COLUMNS: readonly RopaColumn[] = [
  { id: 'activity', header: 'Processing activity' },
  { id: 'service', header: 'Service' },
  { id: 'controller', header: 'Art. 30(1)(a) Name and contact details of the controller', articleRef: '30(1)(a)' },
  { id: 'joint_controllers', header: 'Art. 30(1)(a) Name and contact details of each joint controller', articleRef: '30(1)(a)' },
  { id: 'joint_arrangement', header: 'Joint controller arrangement (Art. 26)' },
  { id: 'controller_representative', header: 'Art. 30(1)(a) Name and contact details of the controller\u2019s representative', articleRef: '30(1)(a)' },
  { id: 'dpo', header: 'Art. 30(1)(a) Name and contact details of the data protection officer', articleRef: '30(1)(a)' },
  { id: 'purposes', header: 'Art. 30(1)(b) Purposes of the processing', articleRef: '30(1)(b)' },
  { id: 'lawful_basis', header: 'Lawful basis (Art. 6(1))' },
  { id: 'data_subject_categories', header: 'Art. 30(1)(c) Categories of data subjects', articleRef: '30(1)(c)' },
  { id: 'personal_data_categories', header: 'Art. 30(1)(c) Categories of personal data', articleRef: '30(1)(c)' },
  { id: 'special_categories', header: 'Special categories (Art. 9(1)) and criminal-offence data (Art. 10)' },
  { id: 'recipient_categories', header: 'Art. 30(1)(d) Categories of recipients, including recipients in third countries or international organisations', articleRef: '30(1)(d)' },
  { id: 'third_country_transfers', header: 'Art. 30(1)(e) Transfers to a third country or an international organisation', articleRef: '30(1)(e)' },
  { id: 'transfer_safeguards_49_1_2', header: 'Art. 30(1)(e) Documentation of suitable safeguards (Art. 49(1), second subparagraph)', articleRef: '30(1)(e)' },
  { id: 'erasure_time_limits', header: 'Art. 30(1)(f) Envisaged time limits for erasure', articleRef: '30(1)(f)' },
  { id: 'security_measures', header: 'Art. 30(1)(g) General description of the technical and organisational security measures (Art. 32(1))', articleRef: '30(1)(g)' },
  { id: 'processors', header: 'Processors used (Art. 28)' },
  { id: 'owner', header: 'Owner' },
  { id: 'reviewed_on', header: 'Last reviewed' },
];

export const PROCESSOR_COLUMNS: readonly RopaColumn[] = [
  { id: 'controllers', header: 'Art. 30(2)(a) Name and contact details of the controller on behalf of which the processor is acting', articleRef: '30(2)(a)' },
  { id: 'processor_identity', header: 'Art. 30(2)(a) Name and contact details of the processor', articleRef: '30(2)(a)' },
  { id: 'representatives', header: 'Art. 30(2)(a) Name and contact details of the controller\u2019s or the processor\u2019s representative', articleRef: '30(2)(a)' },
  { id: 'dpo', header: 'Art. 30(2)(a) Name and contact details of the data protection officer', articleRef: '30(2)(a)' },
  { id: 'activity', header: 'Processing activity' },
  { id: 'service', header: 'Service' },
  { id: 'processing_categories', header: 'Art. 30(2)(b) Categories of processing carried out on behalf of the controller', articleRef: '30(2)(b)' },
  { id: 'data_subject_categories', header: 'Categories of data subjects' },
  { id: 'personal_data_categories', header: 'Categories of personal data' },
  { id: 'special_categories', header: 'Special categories (Art. 9(1)) and criminal-offence data (Art. 10)' },
  { id: 'sub_processors', header: 'Sub-processors (Art. 28(2), (4))' },
  { id: 'third_country_transfers', header: 'Art. 30(2)(c) Transfers to a third country or an international organisation', articleRef: '30(2)(c)' },
  { id: 'transfer_safeguards_49_1_2', header: 'Art. 30(2)(c) Documentation of suitable safeguards (Art. 49(1), second subparagraph)', articleRef: '30(2)(c)' },
  { id: 'security_measures', header: 'Art. 30(2)(d) General description of the technical and organisational security measures (Art. 32(1))', articleRef: '30(2)(d)' },
  { id: 'retention', header: 'Retention' },
  { id: 'dpa_reference', header: 'Data processing agreement (Art. 28(3))' },
];

const list = (values: readonly string[] | undefined): string => (values ?? []).join('; ');

/** "United States: standard contractual clauses (Art. 46(2)(c)), SCC 2021 module 3" per transfer. */
export function describeTransfers(transfers: readonly Transfer[]): string {
  return transfers.map((t) => {
    const ground = t.safeguard ? TRANSFER_SAFEGUARD_LABELS[t.safeguard] : 'no safeguard recorded';
    return `${t.destination}: ${ground}${t.reference?.trim() ? `, ${t.reference.trim()}` : ''}`;
  }).join('; ');
}

/** The documentation of the Art. 49(1) second-subparagraph transfers (derogations), which Art. 30 asks for. */
function derogationDocs(transfers: readonly Transfer[]): string {
  return transfers.filter((t) => t.safeguard === 'derogation').map((t) => `${t.destination}: ${t.reference ?? ''}`.trim()).join('; ');
}

/** The description and the Annex A controls, e.g. "Encrypted at rest. Annex A: 8.24 Use of cryptography". */
export function describeSecurityMeasures(a: Pick<ProcessingActivity, 'securityMeasures' | 'securityMeasureControlIds'>): string {
  const controls = a.securityMeasureControlIds.map((id) => {
    const c = annexAControl(id);
    return c ? `${c.id} ${c.title}` : id;
  });
  const parts = [a.securityMeasures.trim(), controls.length ? `ISO/IEC 27001:2022 Annex A: ${controls.join('; ')}` : ''].filter(Boolean);
  return parts.join('\n');
}

function tenantContact(t: RopaTenant): string {
  const contacts = t.contacts.map((c) => `${c.name} <${c.email}>${c.role ? ` (${c.role})` : ''}`);
  return [t.name, ...contacts].join('; ');
}

/** One collator for every comparison: String#localeCompare builds one per call, a measurable share of a large record. */
const collator = new Intl.Collator('en');

function byName<T extends { name: string; slug: string }>(a: T, b: T): number {
  return collator.compare(a.name, b.name) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

function indexes(data: RopaData) {
  const services = new Map(data.services.map((s) => [s.id, s.name]));
  const vendors = new Map(data.vendors.map((v) => [v.id, v.name]));
  const vendorNames = (ids: readonly string[]) => ids.map((id) => vendors.get(id)).filter((n): n is string => !!n).sort().join('; ');
  return { services, vendorNames };
}

/** The controller record (Art. 30(1)): one row per activity where the provider is controller or joint controller. */
export function controllerRecord(data: RopaData): RopaRecord {
  const { services, vendorNames } = indexes(data);
  const activities = data.activities.filter((a) => a.role === 'controller' || a.role === 'joint-controller').slice().sort(byName);
  const rows = activities.map((a) => {
    const controller = [a.controllerName.trim() || data.orgName, a.controllerContact.trim()].filter(Boolean).join('; ');
    const cells: Record<string, string> = {
      activity: a.name,
      service: a.serviceId ? services.get(a.serviceId) ?? '' : '',
      controller,
      joint_controllers: a.role === 'joint-controller' ? a.jointControllers : '',
      joint_arrangement: a.role === 'joint-controller' ? a.jointArrangement : '',
      controller_representative: a.representative,
      dpo: a.dpo,
      purposes: list(a.purposes),
      lawful_basis: a.lawfulBasis,
      data_subject_categories: list(a.dataSubjectCategories),
      personal_data_categories: list(a.personalDataCategories),
      special_categories: list(a.specialCategories),
      recipient_categories: list(a.recipients),
      third_country_transfers: describeTransfers(a.transfers),
      transfer_safeguards_49_1_2: derogationDocs(a.transfers),
      erasure_time_limits: a.retention,
      security_measures: describeSecurityMeasures(a),
      processors: vendorNames(a.subProcessorVendorIds),
      owner: a.owner,
      reviewed_on: a.reviewedOn ?? '',
    };
    return CONTROLLER_COLUMNS.map((c) => cells[c.id] ?? '');
  });
  return { kind: 'controller', title: `Record of processing activities of ${data.orgName} as controller (GDPR Art. 30(1))`, columns: CONTROLLER_COLUMNS, rows };
}

/**
 * The processor activities carried out for one customer tenant: those of the services it consumes (tenantId
 * empty) and those written for it alone (a tenant-specific activity adds to its services' activities).
 */
export function activitiesForTenant(activities: readonly ProcessingActivity[], tenant: Pick<RopaTenant, 'id' | 'serviceIds'>): ProcessingActivity[] {
  const services = new Set(tenant.serviceIds);
  return activities.filter((a) => a.role === 'processor'
    && (a.tenantId === tenant.id || (a.tenantId === null && a.serviceId !== null && services.has(a.serviceId))));
}

/**
 * The processor record (Art. 30(2)): one row per customer (controller) and activity carried out on its behalf.
 * `tenantIds` limits it to those customers (one customer's record); otherwise every tenant in `data`.
 */
export function processorRecord(data: RopaData, tenantIds?: readonly string[]): RopaRecord {
  const { services, vendorNames } = indexes(data);
  const wanted = tenantIds ? new Set(tenantIds) : null;
  const tenants = data.tenants.filter((t) => !wanted || wanted.has(t.id)).slice().sort(byName);
  // The cells of an activity are the same for every customer: made once per activity, not once per row.
  const cellsOf = new Map<string, Record<string, string>>();
  const activityCells = (a: ProcessingActivity) => {
    let cells = cellsOf.get(a.id);
    if (!cells) {
      cells = {
        processor_identity: data.orgName,
        representatives: a.representative,
        dpo: a.dpo,
        activity: a.name,
        service: a.serviceId ? services.get(a.serviceId) ?? '' : '',
        processing_categories: list(a.purposes),
        data_subject_categories: list(a.dataSubjectCategories),
        personal_data_categories: list(a.personalDataCategories),
        special_categories: list(a.specialCategories),
        sub_processors: vendorNames(a.subProcessorVendorIds),
        third_country_transfers: describeTransfers(a.transfers),
        transfer_safeguards_49_1_2: derogationDocs(a.transfers),
        security_measures: describeSecurityMeasures(a),
        retention: a.retention,
      };
      cellsOf.set(a.id, cells);
    }
    return cells;
  };
  const rows: string[][] = [];
  const sorted = data.activities.slice().sort(byName);
  for (const tenant of tenants) {
    const contact = tenantContact(tenant);
    for (const a of activitiesForTenant(sorted, tenant)) {
      const controller = a.controllerName.trim()
        ? [a.controllerName.trim(), a.controllerContact.trim()].filter(Boolean).join('; ')
        : contact;
      const cells: Record<string, string> = { ...activityCells(a), controllers: controller, dpa_reference: tenant.dpaReference ?? '' };
      rows.push(PROCESSOR_COLUMNS.map((c) => cells[c.id] ?? ''));
    }
  }
  const whose = tenants.length === 1 && tenantIds ? ` on behalf of ${tenants[0]!.name}` : '';
  return { kind: 'processor', title: `Record of processing activities of ${data.orgName} as processor${whose} (GDPR Art. 30(2))`, columns: PROCESSOR_COLUMNS, rows };
}
