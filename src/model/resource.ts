import type { TObject, TSchema } from '@sinclair/typebox';

/** The ISMS objects that share the generic create/read/update/delete/list machinery. */
export type ResourceName = 'services' | 'vendors' | 'tenants' | 'systems' | 'data-flows'
  | 'control-implementations' | 'evidence' | 'control-exceptions' | 'risks' | 'interested-parties' | 'processing-activities';

/** A field holding the id of one other object, stored as a column with a composite (org_id, id) foreign key. */
export interface ReferenceField {
  field: string;
  column: string;
  target: ResourceName;
}

/** A field holding ids of many other objects, stored in a join table keyed by org. */
export interface LinkField {
  field: string;
  target: ResourceName;
  table: string;
  ownColumn: string;
  targetColumn: string;
}

/**
 * A list filter: `equals` compares a scalar property, `contains` tests membership in an array property,
 * `link` keeps objects linked to the given id through a link field.
 */
export interface FilterSpec {
  schema: TSchema;
  field: string;
  mode: 'equals' | 'contains' | 'link';
}

/**
 * Everything the store, service, API and bundle layers need to know about one kind of ISMS object.
 * One definition per resource lives beside its schema in `src/model/<resource>.ts`.
 */
export interface ResourceDefinition {
  name: ResourceName;
  /** Key in an ISMS-as-code bundle. */
  bundleKey: string;
  /** Singular object type used in change records and messages. */
  objectType: string;
  label: string;
  table: string;
  /** Body of a create request; every property is a column, a reference or a link. */
  input: TObject;
  /** Full object as served (input plus id and timestamps). */
  output: TObject;
  refs: ReferenceField[];
  links: LinkField[];
  /** Properties stored as jsonb. */
  jsonFields: string[];
  /** List filters by query parameter name. */
  filters: Record<string, FilterSpec>;
  sortable: string[];
  /** Columns searched by the `q` parameter. */
  searchable: string[];
  /**
   * Rules across fields that JSON Schema cannot say, checked on the merged object before every write; throw an
   * AppError naming the field. Catalog ids (Annex A controls, GDPR articles) are checked here too.
   */
  check?: (obj: Record<string, unknown>) => void;
  /** The property naming the customer tenant an object belongs to (change records carry it), if any. */
  tenantField?: string;
  /**
   * Properties served from the object's own columns but never written by create or patch: set by dedicated routes
   * or by the database (an approval, an uploaded file's digest). Listed in `output`, not in `input`.
   */
  readOnly?: string[];
  /** Values computed from the stored object each time it is read (e.g. evidence staleness against today); pure. */
  present?: (obj: Record<string, unknown>) => Record<string, unknown>;
}

/** camelCase property → snake_case column. */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The bundle's name for a reference field: `hostingVendorId` → `hostingVendor`, `tenantIds` → `tenants`,
 * `interestedPartyIds` → `interestedParties`.
 */
export function bundleFieldOf(field: string): string {
  if (field.endsWith('Ids')) {
    const stem = field.slice(0, -3);
    return /[^aeiou]y$/.test(stem) ? `${stem.slice(0, -1)}ies` : `${stem}s`;
  }
  if (field.endsWith('Id')) return field.slice(0, -2);
  return field;
}
