import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { Name, Slug } from './common.js';
import { RESOURCES } from './index.js';
import { bundleFieldOf, type ResourceDefinition, type ResourceName } from './resource.js';

/**
 * ISMS as code: the whole organization model as one YAML document (docs/bundle-format.md).
 * Objects refer to each other by slug, never by id, so a bundle reads well, diffs well and can be applied
 * to a fresh database. This file is pure: schemas and the conversions between bundle items and API objects.
 */
export const BUNDLE_API_VERSION = 'tenantproof.dev/v1';
export const BUNDLE_KIND = 'IsmsBundle';
export const MAX_BUNDLE_ITEMS = 100_000;

type Obj = Record<string, unknown>;

/** The bundle name of a property: reference and link fields lose their Id/Ids suffix, others keep their name. */
export function bundleKeyOf(def: ResourceDefinition, field: string): string {
  return isReferenceField(def, field) ? bundleFieldOf(field) : field;
}

function isReferenceField(def: ResourceDefinition, field: string): boolean {
  return def.refs.some((r) => r.field === field) || def.links.some((l) => l.field === field);
}

/** The API field behind a bundle key (`hostingVendor` → `hostingVendorId`), or the key itself. */
export function apiFieldOf(def: ResourceDefinition, key: string): string {
  for (const field of Object.keys(def.input.properties)) if (bundleKeyOf(def, field) === key) return field;
  return key;
}

/** The schema of one bundle item: the resource's input schema with slugs in place of ids. */
export function bundleItemSchema(def: ResourceDefinition): TObject {
  const properties: Record<string, TSchema> = {};
  for (const [field, schema] of Object.entries(def.input.properties) as Array<[string, TSchema]>) {
    const ref = def.refs.find((r) => r.field === field);
    const link = def.links.find((l) => l.field === field);
    const optional = !def.input.required?.includes(field);
    let bundleSchema: TSchema = schema;
    if (ref) bundleSchema = Type.Union([Slug, Type.Null()], { description: `Slug of the ${ref.target.replace(/s$/, '')} (or null).` });
    if (link) bundleSchema = Type.Array(Slug, { uniqueItems: true, maxItems: (schema as { maxItems?: number }).maxItems ?? 1000, description: `Slugs of ${link.target}.` });
    properties[bundleKeyOf(def, field)] = optional ? Type.Optional(bundleSchema) : bundleSchema;
  }
  return Type.Object(properties, { additionalProperties: false });
}

export const BundleOrganization = Type.Object({ slug: Slug, name: Name }, { additionalProperties: false });

/** A non-generic section of the bundle as far as the schema is concerned: its key and the schema of one item. */
export interface BundleSectionSchema { key: string; item: TSchema }

/** The whole bundle document: the generic resources, then the non-generic sections (services/bundle-sections.ts). */
export function bundleSchema(extraSections: readonly BundleSectionSchema[] = []): TObject {
  const sections: Record<string, TSchema> = {};
  for (const def of RESOURCES) sections[def.bundleKey] = Type.Optional(Type.Array(bundleItemSchema(def), { maxItems: MAX_BUNDLE_ITEMS }));
  for (const section of extraSections) {
    if (section.key in sections || ['apiVersion', 'kind', 'organization'].includes(section.key)) throw new Error(`bundle section ${section.key} is defined twice`);
    sections[section.key] = Type.Optional(Type.Array(section.item, { maxItems: MAX_BUNDLE_ITEMS }));
  }
  return Type.Object(
    {
      apiVersion: Type.Literal(BUNDLE_API_VERSION),
      kind: Type.Literal(BUNDLE_KIND),
      organization: BundleOrganization,
      ...sections,
    },
    { additionalProperties: false },
  );
}

export interface UnresolvedReference { key: string; index: number | null; slug: string; target: ResourceName }

/**
 * A bundle item as API input: bundle keys renamed to API fields and slugs resolved to ids.
 * `resolve` answers the id of a slug (in the bundle or already stored); references it cannot resolve are returned.
 */
export function itemToInput(def: ResourceDefinition, item: Obj, resolve: (target: ResourceName, slug: string) => string | undefined): { input: Obj; unresolved: UnresolvedReference[] } {
  const input: Obj = {};
  const unresolved: UnresolvedReference[] = [];
  for (const field of Object.keys(def.input.properties)) {
    const key = bundleKeyOf(def, field);
    if (!(key in item)) continue;
    const value = item[key];
    const ref = def.refs.find((r) => r.field === field);
    const link = def.links.find((l) => l.field === field);
    if (ref && typeof value === 'string') {
      const id = resolve(ref.target, value);
      if (!id) unresolved.push({ key, index: null, slug: value, target: ref.target });
      input[field] = id ?? null;
    } else if (link && Array.isArray(value)) {
      input[field] = value.map((slug, index) => {
        const id = resolve(link.target, String(slug));
        if (!id) unresolved.push({ key, index, slug: String(slug), target: link.target });
        return id;
      }).filter((id): id is string => id !== undefined);
    } else {
      input[field] = value;
    }
  }
  return { input, unresolved };
}

/**
 * A stored object as a bundle item: every input field in schema order, ids replaced by slugs,
 * and lists that are sets sorted, so that the same model always exports to the same bytes.
 */
export function objectToItem(def: ResourceDefinition, obj: Obj, slugOf: (target: ResourceName, id: string) => string): Obj {
  const item: Obj = {};
  for (const [field, schema] of Object.entries(def.input.properties) as Array<[string, TSchema & { uniqueItems?: boolean }]>) {
    const value = obj[field];
    const ref = def.refs.find((r) => r.field === field);
    const link = def.links.find((l) => l.field === field);
    const key = bundleKeyOf(def, field);
    if (ref) item[key] = typeof value === 'string' ? slugOf(ref.target, value) : null;
    else if (link) item[key] = ((value as string[] | undefined) ?? []).map((id) => slugOf(link.target, id)).sort();
    else if (Array.isArray(value) && schema.uniqueItems && value.every((v) => typeof v === 'string')) item[key] = [...value].sort();
    else item[key] = value === undefined ? null : value;
  }
  return item;
}
