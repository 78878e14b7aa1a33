import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { BUNDLE_API_VERSION, BUNDLE_KIND, bundleSchema, itemToInput } from './bundle.js';
import { BUNDLE_SECTION_SCHEMAS } from './bundle-sections.js';
import { fieldPath, type BundleSource, type PathSegment, type SourceProblem } from './bundle-source.js';
import { RESOURCES } from './index.js';
import { describeSchemaError, usefulErrors } from './schema-problems.js';
import type { ResourceDefinition, ResourceName } from './resource.js';

type Obj = Record<string, unknown>;

/** A bundle that passed the schema: the organization and, per resource, its items as written. */
export interface ParsedBundle {
  organization: { slug: string; name: string };
  sections: Map<ResourceName, Obj[]>;
  /** Items of each non-generic section the bundle contains (services/bundle-sections.ts), by section key; absent sections are absent. */
  extraSections: Map<string, Obj[]>;
}

/** One bundle item ready to store: API input with ids, and the id it has (stored already, or newly assigned). */
export interface ResolvedItem {
  def: ResourceDefinition;
  index: number;
  slug: string;
  id: string;
  /** True when an object with this slug is already stored. */
  exists: boolean;
  input: Obj;
}

/** slug → id per resource. */
export type SlugIndex = Map<ResourceName, Map<string, string>>;

const MAX_PROBLEMS = 50;
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
/**
 * Compiled on first use: most processes that import this module (the server answering requests) never read a
 * bundle. The non-generic sections come from model/bundle-sections.ts, so the offline readers (lint, the analyses
 * of a file) validate the same sections as apply without loading their database code.
 */
let compiled: ReturnType<typeof ajv.compile> | undefined;
function validateSchema(value: unknown): boolean {
  compiled ??= ajv.compile(bundleSchema(BUNDLE_SECTION_SCHEMAS));
  return compiled(value) as boolean;
}

/** Check the document against the bundle schema and for duplicate slugs; every problem names its line and field. */
export function checkBundle(source: BundleSource): { bundle: ParsedBundle | null; problems: SourceProblem[] } {
  const problems: SourceProblem[] = [];
  const value = source.value;
  const add = (path: PathSegment[], message: string, key = false) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ file: source.file, ...source.locate(path, { key }), field: fieldPath(path), message });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    add([], `a bundle is a YAML mapping with apiVersion: ${BUNDLE_API_VERSION} and kind: ${BUNDLE_KIND}`);
    return { bundle: null, problems };
  }
  if (!validateSchema(value)) {
    for (const e of usefulErrors(compiled!.errors ?? [])) {
      const [path, message, key] = describe(e);
      add(path, message, key);
    }
    return { bundle: null, problems };
  }
  const doc = value as Obj;
  const sections = new Map<ResourceName, Obj[]>();
  for (const def of RESOURCES) {
    const items = (doc[def.bundleKey] as Obj[] | undefined) ?? [];
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const slug = item.slug as string;
      const first = seen.get(slug);
      if (first !== undefined) add([def.bundleKey, index, 'slug'], `slug "${slug}" is used twice in ${def.bundleKey} (first at item ${first})`);
      else seen.set(slug, index);
    });
    sections.set(def.name, items);
  }
  const extraSections = new Map<string, Obj[]>();
  for (const section of BUNDLE_SECTION_SCHEMAS) {
    if (Array.isArray(doc[section.key])) extraSections.set(section.key, doc[section.key] as Obj[]);
  }
  const org = doc.organization as { slug: string; name: string };
  return { bundle: problems.length ? null : { organization: { slug: org.slug, name: org.name }, sections, extraSections }, problems };
}

/**
 * Resolve every slug reference of the bundle against its own items and the objects already stored (`stored`).
 * Items not yet stored get an id from `newId`. A reference to nothing is a problem naming its line.
 */
export function resolveBundle(source: BundleSource, bundle: ParsedBundle, stored: SlugIndex, newId: () => string): { items: ResolvedItem[]; problems: SourceProblem[]; index: SlugIndex } {
  const index: SlugIndex = new Map();
  const planned: Array<Omit<ResolvedItem, 'input'> & { item: Obj }> = [];
  for (const def of RESOURCES) {
    const known = new Map(stored.get(def.name) ?? []);
    for (const [i, item] of (bundle.sections.get(def.name) ?? []).entries()) {
      const slug = item.slug as string;
      const existing = known.get(slug);
      const id = existing ?? newId();
      known.set(slug, id);
      planned.push({ def, index: i, slug, id, exists: existing !== undefined, item });
    }
    index.set(def.name, known);
  }
  const problems: SourceProblem[] = [];
  const items: ResolvedItem[] = [];
  for (const p of planned) {
    const { input, unresolved } = itemToInput(p.def, p.item, (target, slug) => index.get(target)?.get(slug));
    for (const u of unresolved) {
      const path: PathSegment[] = [p.def.bundleKey, p.index, u.key, ...(u.index === null ? [] : [u.index])];
      if (problems.length < MAX_PROBLEMS) {
        problems.push({ file: source.file, ...source.locate(path), field: fieldPath(path), message: `no ${u.target.replace(/s$/, '')} with slug "${u.slug}" in the bundle or the organization` });
      }
    }
    const { item: _item, ...rest } = p;
    items.push({ ...rest, input });
  }
  return { items, problems, index };
}

function describe(e: Parameters<typeof describeSchemaError>[0]) {
  return describeSchemaError(e, (path) => {
    const last = path[path.length - 1];
    return last === 'slug' || typeof last === 'number' ? 'is not a valid slug (lower-case letters, digits and hyphens)' : 'has the wrong form';
  });
}
