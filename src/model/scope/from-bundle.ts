import { BundleSyntaxError, parseBundleSource, type BundleSource, type SourceProblem } from '../bundle-source.js';
import { checkBundle, resolveBundle, type SlugIndex } from '../bundle-validate.js';
import { RESOURCES } from '../index.js';
import type { ResourceName } from '../resource.js';
import type { IsmsObjects, ScopeDataFlow, ScopeService, ScopeSystem, ScopeTenant, ScopeVendor } from './objects.js';

/** A bundle file read for analysis: its objects with ids, and where each was written. */
export interface BundleModel {
  organization: { slug: string; name: string };
  objects: IsmsObjects;
  source: BundleSource;
  /** Id → the item's place in the bundle (`systems`, 4), for pointing a finding at its line. */
  places: Map<string, { section: string; index: number }>;
}

/** Deterministic ids for objects read from a bundle: the same file gives the same ids. */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}

/**
 * Read a bundle (docs/bundle-format.md) into the objects the analyses take, without a database: parsed,
 * checked against the bundle schema, and every slug reference resolved within the bundle. Fields the bundle
 * leaves out take the values the store would give a new object. Problems name file, line and field.
 */
export function bundleModel(text: string, file: string, newId: () => string = sequentialIds()): { model: BundleModel | null; problems: SourceProblem[] } {
  let source: BundleSource;
  try {
    source = parseBundleSource(text, file);
  } catch (error) {
    if (error instanceof BundleSyntaxError) return { model: null, problems: error.problems };
    throw error;
  }
  const checked = checkBundle(source);
  if (!checked.bundle) return { model: null, problems: checked.problems };
  const empty: SlugIndex = new Map(RESOURCES.map((r) => [r.name, new Map<string, string>()]));
  const resolved = resolveBundle(source, checked.bundle, empty, newId);
  if (resolved.problems.length) return { model: null, problems: resolved.problems };
  const inputs = new Map<ResourceName, Array<Record<string, unknown> & { id: string }>>(RESOURCES.map((r) => [r.name, []]));
  const places = new Map<string, { section: string; index: number }>();
  for (const item of resolved.items) {
    inputs.get(item.def.name)!.push({ ...item.input, id: item.id });
    places.set(item.id, { section: item.def.bundleKey, index: item.index });
  }
  const objects: IsmsObjects = {
    services: inputs.get('services')!.map(toService),
    vendors: inputs.get('vendors')!.map(toVendor),
    tenants: inputs.get('tenants')!.map(toTenant),
    systems: inputs.get('systems')!.map(toSystem),
    dataFlows: inputs.get('data-flows')!.map(toFlow),
  };
  return { model: { organization: checked.bundle.organization, objects, source, places }, problems: [] };
}

type Input = Record<string, unknown> & { id: string };
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const list = <T>(v: unknown) => (Array.isArray(v) ? (v as T[]) : []);
const idOrNull = (v: unknown) => (typeof v === 'string' ? v : null);

// The schema has checked every value; these only fill in what the bundle left out, with the store's defaults.
function toService(i: Input): ScopeService {
  return { id: i.id, slug: text(i.slug), name: text(i.name) };
}
function toVendor(i: Input): ScopeVendor {
  return {
    id: i.id, slug: text(i.slug), name: text(i.name),
    dataCategories: list(i.dataCategories),
    criticality: (i.criticality as ScopeVendor['criticality'] | undefined) ?? 'medium',
    reviewStatus: (i.reviewStatus as ScopeVendor['reviewStatus'] | undefined) ?? 'not-reviewed',
    reviewedOn: idOrNull(i.reviewedOn),
    regions: list(i.regions),
    subProcessor: i.subProcessor === true,
  };
}
function toTenant(i: Input): ScopeTenant {
  return {
    id: i.id, slug: text(i.slug), name: text(i.name),
    tier: i.tier as ScopeTenant['tier'],
    allowedRegions: list(i.allowedRegions),
    serviceIds: list(i.serviceIds),
  };
}
function toSystem(i: Input): ScopeSystem {
  return {
    id: i.id, slug: text(i.slug), name: text(i.name),
    kind: i.kind as ScopeSystem['kind'],
    environment: i.environment as ScopeSystem['environment'],
    regions: list(i.regions),
    hostingVendorId: idOrNull(i.hostingVendorId),
    tenancy: i.tenancy as ScopeSystem['tenancy'],
    tenantIds: list(i.tenantIds),
    serviceIds: list(i.serviceIds),
    dataCategories: list(i.dataCategories),
    inScope: i.inScope === true,
    exclusionJustification: text(i.exclusionJustification),
    accessControl: text(i.accessControl),
    logging: text(i.logging),
    retention: text(i.retention),
    isolationMechanism: text(i.isolationMechanism),
    deploysToProduction: i.deploysToProduction === true,
    grantsAdminAccess: i.grantsAdminAccess === true,
  };
}
function toFlow(i: Input): ScopeDataFlow {
  return {
    id: i.id, slug: text(i.slug), name: text(i.name),
    fromSystemId: text(i.fromSystemId),
    toSystemId: idOrNull(i.toSystemId),
    toVendorId: idOrNull(i.toVendorId),
    dataCategories: list(i.dataCategories),
    serviceId: idOrNull(i.serviceId),
  };
}
