import { describe, expect, it } from 'vitest';
import { oscalValidator } from '../../test/support/oscal.js';
import { annexAControls, annexAThemes, gdprLinksOf } from '../catalog/index.js';
import { compareControlIds, OSCAL_VERSION, renderOscalCatalog, renderOscalComponentDefinition, uuidV5, type OscalComponentInput } from './oscal.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const catalogInput = () => ({
  title: 'ISO/IEC 27001:2022 Annex A', version: '2022', lastModified: '2026-11-29T00:00:00Z', remarks: 'Headings only.',
  groups: annexAThemes().map((t) => ({ id: t.id, title: t.title, label: `A.${t.number}` })),
  controls: annexAControls().map((c) => ({ id: c.id, title: c.title, group: c.theme, gdpr: gdprLinksOf(c.id).map((l) => l.gdpr) })),
});

const componentInput = (): OscalComponentInput => ({
  provider: 'Northwind MSP', providerKey: '0b9f8f5e-0000-4000-8000-000000000001', lastModified: '2026-11-20T10:00:00.000Z', catalogHref: '/api/oscal/catalog',
  components: [
    {
      key: 'platform', title: 'Northwind shared platform', description: 'Common controls.',
      implementations: [
        { controlId: '5.15', name: 'Central access policy', layer: 'common', status: 'operating', description: 'Access is granted by role through the IdP.', owner: 'Security team' },
        { controlId: '5.15', name: 'Quarterly review', layer: 'common', status: 'implemented', description: '', owner: '' },
        { controlId: '8.24', name: 'Encryption at rest', layer: 'common', status: 'planned', description: '  AES-256 everywhere.  ', owner: 'Platform' },
      ],
    },
    {
      key: 'svc-1', title: 'Managed backup', description: '',
      implementations: [{ controlId: '8.13', name: 'Tier-A backups every hour', layer: 'overlay', status: 'operating', description: 'Hourly.', owner: 'Ops' }],
    },
    { key: 'svc-2', title: 'Empty service', description: 'Nothing.', implementations: [] },
  ],
});

describe('OSCAL catalog', () => {
  const { validate, version } = oscalValidator('catalog');

  it('validates against the OSCAL catalog schema and declares its version', () => {
    const doc = renderOscalCatalog(catalogInput());
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const catalog = doc.catalog as any;
    expect(catalog.metadata['oscal-version']).toBe(version);
    expect(OSCAL_VERSION).toBe(version);
    expect(catalog.uuid).toMatch(UUID_V5);
  });

  it('has the 93 controls grouped by the four themes, with their A. labels and headings', () => {
    const catalog = renderOscalCatalog(catalogInput()).catalog as any;
    expect(catalog.groups.map((g: any) => [g.id, g.controls.length])).toEqual([['organizational', 37], ['people', 8], ['physical', 14], ['technological', 34]]);
    const c = catalog.groups[0].controls.find((x: any) => x.id === 'a.5.15');
    expect(c.title).toBe('Access control');
    expect(c.props).toContainEqual({ name: 'label', value: 'A.5.15' });
    expect(c.props.some((p: any) => p.name === 'gdpr-supports' && p.value === '5(1)(f)')).toBe(true);
    expect(JSON.stringify(catalog)).not.toMatch(/"parts"/);
  });

  it('is deterministic: the same input gives the same document and uuid', () => {
    expect(renderOscalCatalog(catalogInput())).toEqual(renderOscalCatalog(catalogInput()));
    const changed = catalogInput();
    changed.version = '2022 rev';
    expect((renderOscalCatalog(changed).catalog as any).uuid).not.toBe((renderOscalCatalog(catalogInput()).catalog as any).uuid);
  });

  it('refuses what the schema refuses (the validator is not vacuous)', () => {
    const doc = renderOscalCatalog(catalogInput()) as any;
    doc.catalog.groups[0].controls[0].id = '5.1';
    expect(validate(doc)).toBe(false);
    const noVersion = renderOscalCatalog(catalogInput()) as any;
    delete noVersion.catalog.metadata['oscal-version'];
    expect(validate(noVersion)).toBe(false);
  });
});

describe('OSCAL component definition', () => {
  const { validate, version } = oscalValidator('component');

  it('validates against the OSCAL component-definition schema', () => {
    const doc = renderOscalComponentDefinition(componentInput());
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect((doc['component-definition'] as any).metadata['oscal-version']).toBe(version);
  });

  it('has one component per service with implementations, one requirement per control, the most mature status', () => {
    const cd = renderOscalComponentDefinition(componentInput())['component-definition'] as any;
    expect(cd.components.map((c: any) => c.title)).toEqual(['Northwind shared platform', 'Managed backup']);
    const reqs = cd.components[0]['control-implementations'][0]['implemented-requirements'];
    expect(reqs.map((r: any) => r['control-id'])).toEqual(['a.5.15', 'a.8.24']);
    expect(reqs[0].description).toContain('Central access policy (common, operating, owner Security team): Access is granted by role through the IdP.');
    expect(reqs[0].description).toContain('Quarterly review (common, implemented): no description yet.');
    expect(reqs[0].props).toContainEqual({ name: 'implementation-status', ns: 'https://tenantproof.dev/ns/oscal', value: 'operating' });
    expect(reqs[1].description).toBe('Encryption at rest (common, planned, owner Platform): AES-256 everywhere.');
    // The source points at the back-matter resource that names the catalog.
    const source = cd.components[0]['control-implementations'][0].source;
    expect(cd['back-matter'].resources[0].uuid).toBe(source.slice(1));
    expect(cd['back-matter'].resources[0].rlinks[0].href).toBe('/api/oscal/catalog');
    for (const id of [cd.uuid, ...cd.components.map((c: any) => c.uuid), ...reqs.map((r: any) => r.uuid)]) expect(id).toMatch(UUID_V5);
  });

  it('keeps component uuids stable while the document uuid follows the content', () => {
    const a = renderOscalComponentDefinition(componentInput())['component-definition'] as any;
    const changedInput = componentInput();
    changedInput.components[0]!.implementations[0]!.description = 'Changed.';
    const b = renderOscalComponentDefinition(changedInput)['component-definition'] as any;
    expect(b.components[0].uuid).toBe(a.components[0].uuid);
    expect(b.uuid).not.toBe(a.uuid);
    expect(renderOscalComponentDefinition(componentInput())).toEqual(renderOscalComponentDefinition(componentInput()));
  });

  it('validates with no implementations at all', () => {
    const input = componentInput();
    input.components = [];
    expect(validate(renderOscalComponentDefinition(input)), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});

describe('helpers', () => {
  it('uuidV5 gives the RFC 9562 test vector', () => {
    // RFC 9562 Appendix A.4: name "www.example.com" in the DNS namespace.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('orders control ids numerically', () => {
    expect(['5.10', '5.9', '8.1', '5.1'].sort(compareControlIds)).toEqual(['5.1', '5.9', '5.10', '8.1']);
  });
});
