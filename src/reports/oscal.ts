import { createHash } from 'node:crypto';
import { canonicalJson } from '../ledger/canonical-json.js';

/**
 * OSCAL renderers (NIST OSCAL 1.2.1 JSON): pure functions from plain input to an OSCAL document. The ISO/IEC
 * 27001:2022 Annex A catalog (ids, headings, themes; no standard text) and the provider's implementation as a
 * component definition. UUIDs are version 5, derived from the content, so the same data always exports the same
 * document and a changed one gets a new document uuid.
 */

/** The OSCAL version the documents are written for (the schemas in catalogs/oscal/). */
export const OSCAL_VERSION = '1.2.1';

/** Namespace of tenantproof's own OSCAL properties. */
export const TENANTPROOF_NS = 'https://tenantproof.dev/ns/oscal';

/** UUID namespace of tenantproof's OSCAL documents (a fixed random v4 uuid). */
const UUID_NAMESPACE = '5f0c5a1e-3d0b-4c9e-9a57-2b8f6f1e7c42';

/** RFC 9562 version 5 UUID (SHA-1 of namespace + name). */
export function uuidV5(name: string, namespace = UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An Annex A id as an OSCAL control id (a token must start with a letter): '5.15' → 'a.5.15'. */
export function oscalControlId(controlId: string): string {
  return `a.${controlId}`;
}

/** OSCAL strings must not be empty or start/end with whitespace. */
function text(value: string, fallback: string): string {
  const t = value.replace(/\s+/g, ' ').trim();
  return t || fallback;
}

export interface OscalCatalogInput {
  title: string;
  /** Version of the catalog data, e.g. '2022 (tenantproof 2026-11)'. */
  version: string;
  /** ISO 8601 date-time with time zone: when the catalog data last changed. */
  lastModified: string;
  remarks: string;
  groups: Array<{ id: string; title: string; label: string }>;
  controls: Array<{ id: string; title: string; group: string; gdpr: string[] }>;
}

/** The Annex A catalog as an OSCAL catalog: one group per theme, one control per Annex A control (heading only). */
export function renderOscalCatalog(input: OscalCatalogInput): Record<string, unknown> {
  const groups = input.groups.map((g) => ({
    id: g.id,
    class: 'theme',
    title: g.title,
    props: [{ name: 'label', value: g.label }],
    controls: input.controls.filter((c) => c.group === g.id).map((c) => ({
      id: oscalControlId(c.id),
      class: 'annex-a-control',
      title: text(c.title, c.id),
      props: [
        { name: 'label', value: `A.${c.id}` },
        ...c.gdpr.map((ref) => ({ name: 'gdpr-supports', ns: TENANTPROOF_NS, value: ref })),
      ],
    })),
  }));
  const body = {
    metadata: {
      title: input.title,
      'last-modified': input.lastModified,
      version: input.version,
      'oscal-version': OSCAL_VERSION,
      remarks: input.remarks,
    },
    groups,
  };
  return { catalog: { uuid: uuidV5(`catalog:${canonicalJson(body)}`), ...body } };
}

export interface OscalImplementation {
  controlId: string;
  name: string;
  layer: 'common' | 'overlay';
  status: string;
  description: string;
  owner: string;
}

export interface OscalComponentInput {
  /** The provider organization's name. */
  provider: string;
  /** Stable key of the organization (its id): component uuids derive from it. */
  providerKey: string;
  /** ISO 8601: the latest change of the implementations exported. */
  lastModified: string;
  /** Where the catalog the controls come from is served (GET /api/oscal/catalog). */
  catalogHref: string;
  components: Array<{
    /** 'platform' or the service's id: stable across exports. */
    key: string;
    title: string;
    description: string;
    implementations: OscalImplementation[];
  }>;
}

const STATUS_ORDER = ['not-applicable', 'planned', 'implemented', 'operating'];

/**
 * The provider's implementation as an OSCAL component definition: one component per service (its overlays) and
 * one for the shared platform (the common implementations and the overlays not tied to a service). Each control
 * a component implements is one implemented requirement whose description is the implementations' descriptions.
 */
export function renderOscalComponentDefinition(input: OscalComponentInput): Record<string, unknown> {
  const catalogResource = uuidV5(`${input.providerKey}:resource:catalog`);
  const components = input.components.filter((c) => c.implementations.length > 0).map((component) => {
    const byControl = new Map<string, OscalImplementation[]>();
    for (const impl of component.implementations) byControl.set(impl.controlId, [...(byControl.get(impl.controlId) ?? []), impl]);
    const controls = [...byControl.keys()].sort(compareControlIds);
    return {
      uuid: uuidV5(`${input.providerKey}:component:${component.key}`),
      type: 'service',
      title: text(component.title, component.key),
      description: text(component.description, component.title),
      'control-implementations': [{
        uuid: uuidV5(`${input.providerKey}:control-implementation:${component.key}`),
        source: `#${catalogResource}`,
        description: text(`How ${component.title} meets ISO/IEC 27001:2022 Annex A controls.`, 'Annex A implementation'),
        'implemented-requirements': controls.map((controlId) => {
          const impls = byControl.get(controlId)!.slice().sort((a, b) => a.name.localeCompare(b.name));
          const status = impls.map((i) => i.status).sort((a, b) => STATUS_ORDER.indexOf(b) - STATUS_ORDER.indexOf(a))[0]!;
          return {
            uuid: uuidV5(`${input.providerKey}:requirement:${component.key}:${controlId}`),
            'control-id': oscalControlId(controlId),
            description: impls.map((i) => text(`${i.name} (${i.layer}, ${i.status}${i.owner ? `, owner ${i.owner}` : ''}): ${i.description || 'no description yet.'}`, i.name)).join('\n\n'),
            props: [
              { name: 'implementation-status', ns: TENANTPROOF_NS, value: status },
              ...[...new Set(impls.map((i) => i.layer))].map((layer) => ({ name: 'layer', ns: TENANTPROOF_NS, value: layer })),
            ],
          };
        }),
      }],
    };
  });
  const body = {
    metadata: {
      title: text(`${input.provider}: ISO/IEC 27001:2022 Annex A implementation`, 'ISO/IEC 27001:2022 Annex A implementation'),
      'last-modified': input.lastModified,
      version: input.lastModified,
      'oscal-version': OSCAL_VERSION,
    },
    ...(components.length ? { components } : {}),
    'back-matter': {
      resources: [{
        uuid: catalogResource,
        title: 'ISO/IEC 27001:2022 Annex A (tenantproof OSCAL catalog: identifiers and headings only)',
        rlinks: [{ href: input.catalogHref, 'media-type': 'application/json' }],
      }],
    },
  };
  return { 'component-definition': { uuid: uuidV5(`component-definition:${input.providerKey}:${canonicalJson(body)}`), ...body } };
}

/** '5.9' before '5.10'. */
export function compareControlIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
