import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FormatRegistry, TypeRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { Slug } from '../../src/model/common.js';
import { RESOURCES } from '../../src/model/index.js';
import { BUNDLE_SECTIONS } from '../../src/services/bundle-sections.js';
import { bundleFieldOf, type ResourceDefinition, type ResourceName } from '../../src/model/resource.js';

/**
 * The demo organization (examples/northwind-msp.yaml) is what `tenantproof demo` loads and what the scope,
 * residency and blast-radius analyses are shown on, so it must stay valid against the model: every item passes
 * its resource's input schema once slug references are mapped back to ids, and every reference resolves.
 */

type Item = Record<string, unknown>;
interface Bundle {
  apiVersion: unknown;
  kind: unknown;
  organization: { slug: unknown; name: unknown };
  [section: string]: unknown;
}

const BUNDLE_PATH = fileURLToPath(new URL('../../examples/northwind-msp.yaml', import.meta.url));
const bundle = parse(readFileSync(BUNDLE_PATH, 'utf8')) as Bundle;
const SECTIONS = RESOURCES.map((r) => r.bundleKey);
const section = (key: string): Item[] => (bundle[key] ?? []) as Item[];
const byName = (name: ResourceName): ResourceDefinition => RESOURCES.find((r) => r.name === name)!;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** slug → placeholder uuid, per resource, for mapping bundle references back to API ids. */
const ids = new Map<ResourceName, Map<string, string>>();
function placeholderIds(): void {
  RESOURCES.forEach((def, r) => {
    const m = new Map<string, string>();
    section(def.bundleKey).forEach((item, i) => {
      m.set(String(item.slug), `00000000-0000-4000-8${r.toString(16).padStart(3, '0')}-${i.toString(16).padStart(12, '0')}`);
    });
    ids.set(def.name, m);
  });
}

/** A property's name in the bundle: reference and link fields lose their Id/Ids suffix, other fields keep their name. */
function bundleKeyOf(def: ResourceDefinition, key: string): string {
  const isReference = def.refs.some((r) => r.field === key) || def.links.some((l) => l.field === key);
  return isReference ? bundleFieldOf(key) : key;
}

/** The bundle item turned into the API input: reference fields renamed (hostingVendor → hostingVendorId) and slugs → ids. */
function toApiInput(def: ResourceDefinition, item: Item): { input: Item; unresolved: string[] } {
  const input: Item = {};
  const unresolved: string[] = [];
  const resolve = (target: ResourceName, slug: unknown, field: string): string => {
    const id = ids.get(target)!.get(String(slug));
    if (!id) unresolved.push(`${field} → ${target}/${String(slug)}`);
    return id ?? '00000000-0000-4000-8fff-000000000000';
  };
  for (const key of Object.keys(def.input.properties)) {
    const field = bundleKeyOf(def, key);
    if (!(field in item)) continue;
    const value = item[field];
    const ref = def.refs.find((r) => r.field === key);
    const link = def.links.find((l) => l.field === key);
    if (ref) input[key] = value == null ? value : resolve(ref.target, value, field);
    else if (link) input[key] = Array.isArray(value) ? value.map((s) => resolve(link.target, s, field)) : value;
    else input[key] = value;
  }
  return { input, unresolved };
}

describe('demo bundle examples/northwind-msp.yaml', () => {
  beforeAll(() => {
    if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v));
    if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (v) => EMAIL.test(v));
    if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isRealDate);
    // StringEnum is Type.Unsafe({ type: 'string', enum }): teach TypeBox's Value how to check it (the API uses Ajv).
    if (!TypeRegistry.Has('Unsafe')) {
      TypeRegistry.Set('Unsafe', (schema: { type?: string; enum?: unknown[] }, value) =>
        (schema.type !== 'string' || typeof value === 'string') && (!Array.isArray(schema.enum) || schema.enum.includes(value)));
    }
    if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));
    placeholderIds();
  });

  it('is a tenantproof IsmsBundle for the northwind-msp organization', () => {
    expect(bundle.apiVersion).toBe('tenantproof.dev/v1');
    expect(bundle.kind).toBe('IsmsBundle');
    expect(bundle.organization).toEqual({ slug: 'northwind-msp', name: 'Northwind Managed Services' });
    expect(Value.Check(Slug, bundle.organization.slug)).toBe(true);
    // the generic resources in RESOURCES order, then the non-generic sections the demo has, in BUNDLE_SECTIONS order
    const extra = BUNDLE_SECTIONS.map((x) => x.key).filter((key) => key in bundle);
    expect(Object.keys(bundle)).toEqual(['apiVersion', 'kind', 'organization', ...SECTIONS, ...extra]);
  });

  it('has the size of a real provider estate', () => {
    expect(section('services').length).toBeGreaterThanOrEqual(3);
    expect(section('vendors').length).toBeGreaterThanOrEqual(8);
    expect(section('tenants').length).toBeGreaterThanOrEqual(12);
    expect(section('systems').length).toBeGreaterThanOrEqual(40);
    expect(section('dataFlows').length).toBeGreaterThanOrEqual(60);
  });

  it('writes every field of every item, in schema order, sorted by unique slug', () => {
    for (const def of RESOURCES) {
      const expectedKeys = Object.keys(def.input.properties).map((k) => bundleKeyOf(def, k));
      const items = section(def.bundleKey);
      for (const item of items) expect(Object.keys(item), `${def.bundleKey}/${String(item.slug)}`).toEqual(expectedKeys);
      const slugs = items.map((i) => String(i.slug));
      expect(new Set(slugs).size, `${def.bundleKey}: duplicate slugs`).toBe(slugs.length);
      expect(slugs, `${def.bundleKey}: not sorted by slug`).toEqual([...slugs].sort());
    }
  });

  it('validates every item against its resource input schema', () => {
    const problems: string[] = [];
    for (const def of RESOURCES) {
      for (const item of section(def.bundleKey)) {
        const { input } = toApiInput(def, item);
        for (const e of Value.Errors(def.input, input)) problems.push(`${def.bundleKey}/${String(item.slug)}${e.path}: ${e.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('resolves every reference to an item of the bundle', () => {
    const unresolved: string[] = [];
    for (const def of RESOURCES) {
      for (const item of section(def.bundleKey)) {
        for (const u of toApiInput(def, item).unresolved) unresolved.push(`${def.bundleKey}/${String(item.slug)}: ${u}`);
      }
    }
    expect(unresolved).toEqual([]);
    // The mapping really covers the reference fields the brief names.
    const refFields = RESOURCES.flatMap((d) => [...d.refs.map((r) => r.field), ...d.links.map((l) => l.field)]).map(bundleFieldOf);
    expect(new Set(refFields)).toEqual(new Set([
      'services', 'hostingVendor', 'tenants', 'fromSystem', 'toSystem', 'toVendor', 'service',
      // issue 6: control implementations, evidence, exceptions, processing activities, risks
      'targetTenants', 'targetServices', 'systems', 'tenant', 'system', 'subProcessorVendors', 'vendors', 'interestedParties',
    ]));
  });

  it('covers every tier, tenancy pattern and the EU, UK and US jurisdictions', () => {
    const tenants = section('tenants');
    expect(new Set(tenants.map((t) => t.tier))).toEqual(new Set(['A', 'B', 'C']));
    expect(new Set(tenants.map((t) => t.tenancyPattern))).toEqual(new Set(['dedicated', 'pooled', 'region-pinned']));
    const allowed = new Set(tenants.flatMap((t) => t.allowedRegions as string[]));
    for (const j of ['EU', 'UK', 'US']) expect(allowed.has(j) || [...allowed].some((r) => r.startsWith(`${j.toLowerCase()}-`)), j).toBe(true);
    for (const t of tenants) {
      expect((t.allowedRegions as string[]).length, `${String(t.slug)} has no allowed regions`).toBeGreaterThan(0);
      expect((t.services as string[]).length, `${String(t.slug)} consumes no service`).toBeGreaterThan(0);
      expect((t.contacts as unknown[]).length, `${String(t.slug)} has no contact`).toBeGreaterThan(0);
      expect(String(t.dpaReference), `${String(t.slug)} has no DPA reference`).not.toBe('');
      for (const c of t.contacts as { email: string }[]) expect(c.email).toMatch(/\.example$/);
    }
  });

  it('models the kinds of systems and environments a provider really has', () => {
    const systems = section('systems');
    const kinds = new Set(systems.map((s) => s.kind));
    for (const k of ['application', 'api', 'database', 'object-storage', 'queue', 'cache', 'support-tool', 'ticketing', 'rmm', 'admin-dashboard',
      'logging', 'monitoring', 'analytics', 'backup', 'ci-cd', 'source-control', 'iam', 'identity-provider', 'secrets-manager', 'email',
      'corporate-tool', 'endpoint']) {
      expect(kinds.has(k), `no system of kind ${k}`).toBe(true);
    }
    const environments = new Set(systems.map((s) => s.environment));
    for (const e of ['production', 'staging', 'sandbox', 'demo']) expect(environments.has(e), `no ${e} system`).toBe(true);
  });

  it('justifies every out-of-scope system', () => {
    for (const s of section('systems').filter((x) => x.inScope === false)) {
      expect(String(s.exclusionJustification).trim(), `${String(s.slug)} is excluded without a justification`).not.toBe('');
    }
  });

  it('lists tenants on dedicated systems only', () => {
    for (const s of section('systems')) {
      const tenants = s.tenants as string[];
      if (s.tenancy === 'dedicated') expect(tenants.length, `dedicated ${String(s.slug)} has no tenant`).toBeGreaterThan(0);
      else expect(tenants, `multi-tenant ${String(s.slug)} lists tenants`).toEqual([]);
    }
  });

  it('gives every data flow exactly one destination, never its own source', () => {
    for (const f of section('dataFlows')) {
      const destinations = [f.toSystem, f.toVendor].filter((d) => d != null);
      expect(destinations.length, `${String(f.slug)} needs exactly one destination`).toBe(1);
      expect(f.toSystem, `${String(f.slug)} flows into itself`).not.toBe(f.fromSystem);
    }
  });

  it('writes dates as quoted YYYY-MM-DD strings', () => {
    const text = readFileSync(BUNDLE_PATH, 'utf8');
    for (const v of section('vendors')) {
      if (v.reviewedOn === null) continue;
      expect(typeof v.reviewedOn).toBe('string');
      expect(isRealDate(String(v.reviewedOn))).toBe(true);
      expect(text).toContain(`reviewedOn: '${String(v.reviewedOn)}'`);
    }
  });
});
