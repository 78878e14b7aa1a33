import { useQuery } from '@tanstack/react-query';
import { get } from './client';

/**
 * Form fields are read from the server's OpenAPI document (the same TypeBox schemas that validate requests),
 * so a field added to the model appears in the forms with its type, allowed values, limits and description.
 */
export type FieldKind = 'text' | 'textarea' | 'select' | 'multi' | 'ref' | 'refs' | 'boolean' | 'integer' | 'date' | 'contacts' | 'lines' | 'objects';

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
  target?: string;
  maxLength?: number;
  nullable: boolean;
  /** For a list of objects ('objects'): the fields of one item. */
  itemFields?: FieldSpec[];
}

/** Fields holding ids of other objects, and the resource they point at. */
export const REFERENCE_TARGETS: Record<string, string> = {
  hostingVendorId: 'vendors', tenantIds: 'tenants', serviceIds: 'services', serviceId: 'services',
  fromSystemId: 'systems', toSystemId: 'systems', toVendorId: 'vendors', tenantId: 'tenants',
  subProcessorVendorIds: 'vendors', subProcessorVendorId: 'vendors',
  systemIds: 'systems', vendorIds: 'vendors', interestedPartyIds: 'interested-parties',
  systemId: 'systems', vendorId: 'vendors', interestedPartyId: 'interested-parties',
};

interface JsonSchema {
  type?: string | string[];
  enum?: string[];
  format?: string;
  maxLength?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

export function useOpenApi() {
  return useQuery({ queryKey: ['openapi'], queryFn: () => get<any>('/api/openapi.json'), staleTime: Infinity });
}

/** Labels the field name cannot give (acronyms, units). */
const LABELS: Record<string, string> = {
  dpaReference: 'DPA reference', sccReference: 'SCC reference', externalId: 'External id',
  breachNotificationHours: 'Breach notification (hours)', subProcessorNoticeDays: 'Sub-processor notice (days)', subProcessorObjectionRight: 'May object to a new sub-processor', expiresInDays: 'Expires in (days)',
  interestedPartyIds: 'Interested parties', controlIds: 'Annex A controls (one per line, e.g. 5.15)',
  dpo: 'DPO (name and contact)', subProcessorVendorIds: 'Sub-processors', subProcessorVendorId: 'Sub-processor',
  securityMeasureControlIds: 'Annex A controls (security measures)', jointArrangement: 'Joint-controller arrangement (Art. 26)',
};

export function labelOf(name: string): string {
  if (LABELS[name]) return LABELS[name];
  const base = REFERENCE_TARGETS[name] ? name.replace(/Ids?$/, (m) => (m === 'Ids' ? 's' : '')) : name;
  const words = base.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Collapse `anyOf: [X, null]` (how nullable fields appear) into X with nullable set. */
function unwrap(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const real = variants.filter((v) => v.type !== 'null');
    if (real.length === 1) return { schema: { ...real[0], description: schema.description ?? real[0]!.description }, nullable: real.length < variants.length };
  }
  return { schema, nullable: schema.nullable === true };
}

export function fieldsFromSchema(body: JsonSchema): FieldSpec[] {
  const required = new Set(body.required ?? []);
  return Object.entries(body.properties ?? {}).map(([name, raw]) => {
    const { schema, nullable } = unwrap(raw);
    const base = { name, label: labelOf(name), required: required.has(name), description: schema.description, nullable, maxLength: schema.maxLength };
    const target = REFERENCE_TARGETS[name];
    if (target && schema.type === 'array') return { ...base, kind: 'refs', target };
    if (target) return { ...base, kind: 'ref', target };
    if (name === 'contacts') return { ...base, kind: 'contacts' };
    if (schema.enum) return { ...base, kind: 'select', options: schema.enum };
    if (schema.type === 'array') {
      const item = unwrap(schema.items ?? {}).schema;
      // a list of objects (transfers: destination, safeguard, reference) gets one row of inputs per item;
      // a list of free strings (purposes, categories) one line per item
      if (item.type === 'object' && item.properties) return { ...base, kind: 'objects', itemFields: fieldsFromSchema(item) };
      if (item.type === 'string' && !item.enum && !item.format) return { ...base, kind: 'lines' };
      return { ...base, kind: 'multi', options: item.enum ?? [] };
    }
    if (schema.type === 'boolean') return { ...base, kind: 'boolean' };
    if (schema.type === 'integer' || schema.type === 'number') return { ...base, kind: 'integer' };
    if (schema.format === 'date') return { ...base, kind: 'date' };
    return { ...base, kind: (schema.maxLength ?? 0) > 300 ? 'textarea' : 'text' };
  });
}

/** The create-body fields of a collection route such as /api/systems. */
export function useFields(path: string): { fields: FieldSpec[] | null; error: unknown } {
  const doc = useOpenApi();
  const body = doc.data?.paths?.[path]?.post?.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
  return { fields: body ? fieldsFromSchema(body) : null, error: doc.error };
}

/** A filter of a list route: an enum, a yes/no, or a reference picked by name. */
export interface ListFilter {
  param: string;
  label: string;
  options?: string[];
  boolean?: boolean;
  /** For a reference filter: the resource whose objects are offered. */
  target?: string;
}

interface QueryParameter { name: string; in: string; description?: string; schema?: JsonSchema }

const PAGING = new Set(['limit', 'cursor', 'sort', 'order', 'q']);

/** The filters and sort keys a list route accepts (GET /api/systems?kind=…&sort=…), read from its OpenAPI parameters. */
export function listParamsOf(parameters: QueryParameter[]): { filters: ListFilter[]; sortKeys: string[] } {
  const query = parameters.filter((p) => p.in === 'query');
  const filters = query.filter((p) => !PAGING.has(p.name)).map((p): ListFilter => {
    const schema = p.schema ?? {};
    const target = REFERENCE_TARGETS[p.name];
    const base = { param: p.name, label: labelOf(p.name) };
    if (target) return { ...base, target };
    if (schema.type === 'boolean') return { ...base, boolean: true };
    return { ...base, options: schema.enum ?? [] };
  }).filter((f) => f.target || f.boolean || (f.options && f.options.length > 0));
  const sortKeys = query.find((p) => p.name === 'sort')?.schema?.enum ?? [];
  return { filters, sortKeys };
}

export function useListParams(path: string): { filters: ListFilter[]; sortKeys: string[] } | null {
  const doc = useOpenApi();
  const parameters = doc.data?.paths?.[path]?.get?.parameters as QueryParameter[] | undefined;
  return parameters ? listParamsOf(parameters) : null;
}
