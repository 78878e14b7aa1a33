import { describe, expect, it } from 'vitest';
import { annexAControls, gdprLinksOf } from '../catalog/index.js';
import { checkControlImplementation } from './control-implementation.js';
import { bestStatus, buildSoa, diffSoa, indexSoa, summarize, tenantSoa, tierSoa, type SoaImplementationInput, type SoaInput } from './soa.js';

const controls = annexAControls().map((c) => ({ id: c.id, title: c.title, theme: c.theme }));
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;

function impl(p: Partial<SoaImplementationInput> & Pick<SoaImplementationInput, 'slug' | 'controlId'>): SoaImplementationInput {
  return { id: uuid(), name: p.slug, layer: 'common', status: 'operating', owner: '', overrides: false, targetTiers: [], targetTenantIds: [], targetServiceIds: [], systemIds: [], ...p };
}

const tenantA = { id: uuid(), slug: 'a', name: 'A', tier: 'A', serviceIds: ['svc-1'] };
const tenantB = { id: uuid(), slug: 'b', name: 'B', tier: 'B', serviceIds: ['svc-2'] };
const tenantC = { id: uuid(), slug: 'c', name: 'C', tier: 'C', serviceIds: [] as string[] };

const implementations = [
  impl({ slug: 'rls', controlId: '8.3', status: 'operating' }),
  impl({ slug: 'hsm-a', controlId: '8.24', layer: 'overlay', targetTiers: ['A'], status: 'implemented' }),
  impl({ slug: 'b-own-keys', controlId: '8.24', layer: 'overlay', targetTenantIds: [tenantB.id], overrides: true, status: 'planned' }),
  impl({ slug: 'svc1-logging', controlId: '8.15', layer: 'overlay', targetServiceIds: ['svc-1'], status: 'operating' }),
  impl({ slug: 'dedicated-backup', controlId: '8.13', layer: 'overlay', systemIds: ['sys-ded-c'], status: 'implemented' }),
  impl({ slug: 'kms', controlId: '8.24', status: 'implemented' }),
];
const systems = [{ id: 'sys-ded-c', tenancy: 'dedicated', tenantIds: [tenantC.id], serviceIds: [] }];
const input: SoaInput = {
  controls,
  decisions: [
    { controlId: '8.3', applicable: true, reasons: ['risk-assessment'], justification: '', decidedBy: 'x', decidedAt: '2026-01-01T00:00:00.000Z' },
    { controlId: '7.4', applicable: false, reasons: ['business'], justification: 'No premises of our own.', decidedBy: 'x', decidedAt: '2026-01-01T00:00:00.000Z' },
    { controlId: '8.24', applicable: true, reasons: ['legal'], justification: '', decidedBy: 'x', decidedAt: '2026-01-01T00:00:00.000Z' },
  ],
  implementations,
  gdprOf: gdprLinksOf,
};
const row = <T extends { controlId: string }>(rows: T[], id: string) => rows.find((r) => r.controlId === id)!;

describe('the Statement of Applicability (pure)', () => {
  it('lists all 93 Annex A controls in catalog order, with decisions, the best status and GDPR links', () => {
    const rows = buildSoa(input);
    expect(rows).toHaveLength(93);
    expect(rows.map((r) => r.controlId)).toEqual(controls.map((c) => c.id));
    const r824 = row(rows, '8.24');
    expect(r824.applicable).toBe(true);
    expect(r824.implementations.map((i) => i.slug)).toEqual(['kms', 'b-own-keys', 'hsm-a']);
    expect(r824.status).toBe('implemented');
    expect(row(rows, '7.4')).toMatchObject({ decided: true, applicable: false, justification: 'No premises of our own.', status: null });
    expect(row(rows, '5.1')).toMatchObject({ decided: false, applicable: null, implementations: [] });
    expect(row(rows, '8.3').gdpr.length).toBeGreaterThan(0);
    expect(summarize(rows)).toEqual({ controls: 93, applicable: 2, notApplicable: 1, undecided: 90, implemented: 2, coverage: 1 });
  });

  it('a tenant inherits the common implementations and the overlays on its tier, itself, its services and its systems', () => {
    const index = indexSoa(input, systems);
    const a = tenantSoa(index, tenantA);
    expect(row(a, '8.24').implementations.map((i) => [i.slug, i.via])).toEqual([['kms', ['common']], ['hsm-a', ['tier']]]);
    expect(row(a, '8.15').implementations.map((i) => [i.slug, i.via])).toEqual([['svc1-logging', ['service']]]);
    expect(row(a, '8.13').implementations).toEqual([]);
    const c = tenantSoa(index, tenantC);
    expect(row(c, '8.13').implementations.map((i) => [i.slug, i.via])).toEqual([['dedicated-backup', ['system']]]);
    expect(row(c, '8.15').implementations).toEqual([]);
  });

  it('an override replaces the common implementation for its tenant only, and says so', () => {
    const index = indexSoa(input, systems);
    const b = row(tenantSoa(index, tenantB), '8.24');
    expect(b.implementations.map((i) => [i.slug, i.override])).toEqual([['b-own-keys', true]]);
    expect(b.replaced).toEqual(['kms']);
    expect(b.status).toBe('planned');
    expect(row(tenantSoa(index, tenantA), '8.24').replaced).toEqual([]);
  });

  it('a tenant view never names the targets of an overlay (no other tenant ids)', () => {
    const index = indexSoa(input, systems);
    const text = JSON.stringify(tenantSoa(index, tenantA));
    expect(text).not.toContain(tenantB.id);
    expect(text).not.toContain('b-own-keys');
  });

  it('a tier view has the common implementations and the overlays on the tier', () => {
    const index = indexSoa(input, systems);
    expect(row(tierSoa(index, 'A'), '8.24').implementations.map((i) => i.slug)).toEqual(['kms', 'hsm-a']);
    expect(row(tierSoa(index, 'C'), '8.24').implementations.map((i) => i.slug)).toEqual(['kms']);
  });

  it('bestStatus ranks operating > implemented > planned > not-applicable', () => {
    expect(bestStatus([{ status: 'planned' }, { status: 'operating' }, { status: 'implemented' }])).toBe('operating');
    expect(bestStatus([{ status: 'not-applicable' }, { status: 'planned' }])).toBe('planned');
    expect(bestStatus([])).toBeNull();
  });

  it('diffSoa names the fields that changed per control', () => {
    const before = buildSoa(input);
    const after = buildSoa({ ...input, decisions: [...input.decisions.filter((d) => d.controlId !== '7.4'), { ...input.decisions[1]!, applicable: true, justification: '' }] });
    const diff = diffSoa(before, after);
    expect(diff).toHaveLength(1);
    expect(diff[0]!.controlId).toBe('7.4');
    expect(diff[0]!.changes.map((c) => c.field)).toEqual(['applicable', 'justification']);
  });

  it('5,000 tenants with 300 overlays take well under the 2 s budget', () => {
    const tiers = ['A', 'B', 'C'];
    const tenants = Array.from({ length: 5000 }, (_, i) => ({ id: `t${i}`, slug: `t${i}`, name: `T${i}`, tier: tiers[i % 3]!, serviceIds: [`s${i % 20}`] }));
    const overlays = Array.from({ length: 300 }, (_, i) => impl({
      slug: `o${i}`, controlId: controls[i % 93]!.id, layer: 'overlay',
      ...(i % 3 === 0 ? { targetTiers: [tiers[i % 3]!] } : i % 3 === 1 ? { targetTenantIds: [`t${i * 7}`, `t${i * 11}`] } : { targetServiceIds: [`s${i % 20}`] }),
    }));
    const big = { ...input, implementations: [...controls.map((c) => impl({ slug: `common-${c.id}`, controlId: c.id })), ...overlays] };
    const started = performance.now();
    const index = indexSoa(big, []);
    let count = 0;
    for (const t of tenants) count += tenantSoa(index, t).length;
    expect(count).toBe(5000 * 93);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('control implementation rules', () => {
  const ok = { controlId: '5.15', layer: 'common' };
  it('accepts a plain common implementation and an overlay with a target', () => {
    expect(() => checkControlImplementation(ok)).not.toThrow();
    expect(() => checkControlImplementation({ controlId: '5.15', layer: 'overlay', targetTiers: ['A'] })).not.toThrow();
    expect(() => checkControlImplementation({ controlId: '5.15', layer: 'overlay', systemIds: ['x'] })).not.toThrow();
  });
  it('refuses an unknown control, an overlay without targets and a targeted common implementation, naming the field', () => {
    expect(() => checkControlImplementation({ ...ok, controlId: '5.99' })).toThrow(expect.objectContaining({ code: 'invalid_value', field: 'controlId' }));
    expect(() => checkControlImplementation({ controlId: '5.15', layer: 'overlay' })).toThrow(expect.objectContaining({ field: 'targetTiers' }));
    expect(() => checkControlImplementation({ ...ok, targetTenantIds: ['x'] })).toThrow(expect.objectContaining({ field: 'targetTenantIds' }));
    expect(() => checkControlImplementation({ ...ok, overrides: true })).toThrow(expect.objectContaining({ field: 'overrides' }));
  });
});
