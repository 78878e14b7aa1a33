import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBundle } from '../../src/services/bundle.js';
import { findOrg, operatorActor, type OrgRef } from '../../src/services/provisioning.js';
import { createObject, updateObject } from '../../src/services/resources.js';
import { resourceByName } from '../../src/model/index.js';
import { bundleModel } from '../../src/model/scope/from-bundle.js';
import { buildIsmsGraph } from '../../src/model/scope/graph.js';
import { lintScope } from '../../src/model/scope/lint.js';
import { as, memberToken, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * The scope analyses over the API, on the real database: the demo organization's findings are the offline
 * linter's findings of the same bundle; filters, pages and bad queries; what a tenant-viewer may see.
 */
const TODAY = '2026-03-01';
const DEMO_FILE = new URL('../../examples/northwind-msp.yaml', import.meta.url);

describe('scope analysis API', () => {
  let h: Harness;
  let demo: OrgRef;
  let owner: string;
  let auditor: string;
  let engineer: string;
  let viewer: string;
  let tenants: Array<{ id: string; slug: string; name: string; tenancyPattern: string }>;
  let systems: Array<{ id: string; slug: string; name: string; tenancy: string; tenantIds: string[] }>;
  let services: Array<{ id: string; slug: string; name: string }>;
  let viewerTenant: { id: string; slug: string; name: string };

  const get = (token: string, url: string) => as(h, token, { method: 'GET', url });
  const ok = async (token: string, url: string) => {
    const r = await get(token, url);
    expect(r.statusCode, `${url}: ${r.body.slice(0, 300)}`).toBe(200);
    return r.json();
  };

  beforeAll(async () => {
    h = await startHarness();
    // the demo organization's bundle under a slug of this file's own: other files share the PostgreSQL database
    const slug = unique('northwind');
    const text = readFileSync(DEMO_FILE, 'utf8').replace('slug: northwind-msp', `slug: ${slug}`);
    await applyBundle(h.database.db, operatorActor(randomUUID()), text, { file: 'northwind-msp.yaml', createOrganization: { isDemo: false } });
    demo = (await findOrg(h.database.db, slug))!;
    owner = (await memberToken(h, demo, 'owner')).token;
    auditor = (await memberToken(h, demo, 'auditor')).token;
    engineer = (await memberToken(h, demo, 'engineer')).token;
    tenants = (await ok(owner, '/api/tenants?limit=200')).items;
    systems = (await ok(owner, '/api/systems?limit=200')).items;
    services = (await ok(owner, '/api/services?limit=200')).items;
    // a tenant with a dedicated system, so that other tenants' dedicated systems exist to be hidden
    viewerTenant = tenants.find((t) => systems.some((s) => s.tenancy === 'dedicated' && s.tenantIds.includes(t.id)))!;
    viewer = (await memberToken(h, demo, 'tenant-viewer', viewerTenant.id)).token;
  }, 120_000);
  afterAll(async () => { await h?.close(); });

  it('lists every rule', async () => {
    const rules = (await ok(auditor, '/api/scope/rules')).items;
    expect(rules.length).toBe(18);
    expect(rules[0]).toEqual({ id: expect.any(String), severity: expect.stringMatching(/^(error|warning|info)$/), title: expect.any(String), description: expect.any(String) });
  });

  it('the demo organization\u2019s findings are those of the offline linter on the same bundle', async () => {
    const { model } = bundleModel(readFileSync(DEMO_FILE, 'utf8'), 'northwind-msp.yaml');
    const offline = lintScope(buildIsmsGraph(model!.objects), { today: TODAY, isolationTestMaxAgeDays: 90 });
    const page = await ok(owner, `/api/scope/findings?today=${TODAY}&limit=500`);
    expect(page.today).toBe(TODAY);
    expect(page.counts).toEqual(offline.counts);
    expect(page.byRule).toEqual(offline.byRule);
    expect(page.total).toBe(offline.findings.length);
    expect(page.counts.error).toBeGreaterThan(0);
    // names inside a message are listed in load order (the database's, or the file's), so compare what and where
    const key = (f: { ruleId: string; severity: string; subject: { slug: string }; field?: string }) => `${f.severity} ${f.ruleId} ${f.subject.slug} ${f.field ?? ''}`;
    expect(page.items.map(key)).toEqual(offline.findings.map(key));
    // every finding carries its path as links: kind, id, slug, name of objects of this organization
    const known = new Set([...tenants, ...systems, ...services].map((o) => o.id));
    const withPath = page.items.filter((f: any) => f.path.length > 1);
    expect(withPath.length).toBeGreaterThan(0);
    for (const f of withPath) for (const step of f.path) expect(step).toEqual({ kind: expect.any(String), id: expect.any(String), slug: expect.any(String), name: expect.any(String) });
    expect(withPath.some((f: any) => f.path.some((step: any) => known.has(step.id)))).toBe(true);
  });

  it('pages through every finding with an opaque cursor, and filters by severity, rule and object', async () => {
    const all = (await ok(owner, `/api/scope/findings?today=${TODAY}&limit=500`)).items;
    const seen: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await ok(owner, `/api/scope/findings?today=${TODAY}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(7);
      expect(page.total).toBe(all.length);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(seen).toEqual(all);

    const errors = await ok(owner, `/api/scope/findings?today=${TODAY}&severity=error&limit=500`);
    expect(errors.total).toBe(errors.counts.error);
    expect(errors.items.every((f: any) => f.severity === 'error')).toBe(true);

    const rule = all.find((f: any) => f.ruleId === 'data-residency-breach').ruleId;
    const byRule = await ok(owner, `/api/scope/findings?today=${TODAY}&rule=${rule}&limit=500`);
    expect(byRule.total).toBe(byRule.byRule[rule]);
    expect(byRule.items.every((f: any) => f.ruleId === rule)).toBe(true);

    const subject = all[0].subject.id;
    const byObject = await ok(owner, `/api/scope/findings?today=${TODAY}&object=${subject}&limit=500`);
    expect(byObject.total).toBe(all.filter((f: any) => f.objects.includes(subject)).length);
    expect(byObject.items.every((f: any) => f.objects.includes(subject))).toBe(true);
    expect(byObject.total).toBeGreaterThan(0);
  });

  it('options change the answer: the date reviews are measured against', async () => {
    const now = await ok(owner, `/api/scope/findings?today=${TODAY}&rule=vendor-review-overdue`);
    const later = await ok(owner, '/api/scope/findings?today=2036-03-01&rule=vendor-review-overdue');
    expect(later.total).toBeGreaterThan(now.total);
  });

  it('bad query values are 400 naming the field; a forged cursor is 400 invalid_cursor', async () => {
    const cases: Array<[string, string, string]> = [
      ['/api/scope/findings?today=2026-02-30', 'validation_failed', 'today'],
      ['/api/scope/findings?today=yesterday', 'validation_failed', 'today'],
      ['/api/scope/findings?limit=0', 'validation_failed', 'limit'],
      ['/api/scope/findings?limit=501', 'validation_failed', 'limit'],
      ['/api/scope/findings?rule=no-such-rule', 'validation_failed', 'rule'],
      ['/api/scope/findings?severity=fatal', 'validation_failed', 'severity'],
      ['/api/scope/findings?object=not-a-uuid', 'validation_failed', 'object'],
      ['/api/scope/findings?isolationTestMaxAgeDays=-1', 'validation_failed', 'isolationTestMaxAgeDays'],
      ['/api/scope/findings?color=red', 'validation_failed', 'color'],
      ['/api/scope/findings?cursor=bm9wZQ', 'invalid_cursor', 'cursor'],
      [`/api/scope/findings?cursor=${Buffer.from('{"o":-3}').toString('base64url')}`, 'invalid_cursor', 'cursor'],
      ['/api/scope/blast-radius?weightA=-1', 'validation_failed', 'weightA'],
      ['/api/scope/blast-radius?cursor=%7B', 'invalid_cursor', 'cursor'],
      ['/api/scope/residency?tenant=acme', 'validation_failed', 'tenant'],
      ['/api/tenants/not-a-uuid/data-map', 'validation_failed', 'id'],
      ['/api/diagrams/tenants/not-a-uuid.svg', 'validation_failed', 'id'],
    ];
    for (const [url, error, field] of cases) {
      const r = await get(owner, url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json(), url).toMatchObject({ error, field });
    }
  });

  it('blast radius ranks shared components by score, with tenants per tier; weights are a query option', async () => {
    const page = await ok(owner, '/api/scope/blast-radius?limit=500');
    expect(page.weights).toEqual({ A: 5, B: 3, C: 1 });
    expect(page.total).toBeGreaterThan(1);
    const scores = page.items.map((e: any) => e.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    for (const e of page.items) {
      expect(e.tenants).toBe(e.byTier.A + e.byTier.B + e.byTier.C);
      expect(e.score).toBe(e.byTier.A * 5 + e.byTier.B * 3 + e.byTier.C);
      expect(['system', 'vendor']).toContain(e.component.kind);
    }
    const flat = await ok(owner, '/api/scope/blast-radius?weightA=1&weightB=1&weightC=1&limit=2');
    expect(flat.items).toHaveLength(2);
    for (const e of flat.items) expect(e.score).toBe(e.tenants);
    const next = await ok(owner, `/api/scope/blast-radius?weightA=1&weightB=1&weightC=1&limit=2&cursor=${flat.nextCursor}`);
    expect(next.items[0].component.id).not.toBe(flat.items[0].component.id);
  });

  it('residency: breaches per tenant with the path that carries the data there, filtered by tenant', async () => {
    const page = await ok(owner, '/api/scope/residency?limit=500');
    const breaches = page.items.flatMap((r: any) => r.breaches.map((b: any) => ({ tenant: r.tenant, ...b })));
    const lint = await ok(owner, `/api/scope/findings?today=${TODAY}&rule=data-residency-breach`);
    expect(breaches.length).toBeGreaterThan(0);
    expect(lint.total).toBeGreaterThan(0);
    for (const b of breaches) {
      expect(b.tenant.allowedRegions.length).toBeGreaterThan(0);
      expect(b.disallowed.length).toBeGreaterThan(0);
      expect(b.path[0]).toMatchObject({ kind: 'tenant', id: b.tenant.id });
      expect(b.path.at(-1)).toMatchObject({ id: b.component.id });
    }
    const one = breaches[0].tenant.id;
    const filtered = await ok(owner, `/api/scope/residency?tenant=${one}`);
    expect(filtered.total).toBe(1);
    expect(filtered.items[0].tenant.id).toBe(one);
    const own = await ok(owner, `/api/tenants/${one}/residency`);
    expect(own.places.filter((p: any) => p.verdict === 'breach').map((p: any) => p.component.id).sort())
      .toEqual(filtered.items[0].breaches.map((b: any) => b.component.id).sort());
  });

  it('a tenant\u2019s data map and diagram name the systems its data reaches', async () => {
    const map = await ok(auditor, `/api/tenants/${viewerTenant.id}/data-map`);
    expect(map.tenant.id).toBe(viewerTenant.id);
    expect(map.systems.length).toBeGreaterThan(0);
    const svg = await get(engineer, `/api/diagrams/tenants/${viewerTenant.id}.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['content-disposition']).toBe(`inline; filename="tenant-${viewerTenant.slug}.svg"`);
    expect(svg.body).toMatch(/^<\?xml[^>]*>\s*<!DOCTYPE svg/);
    expect(svg.body).toMatch(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.body.trimEnd().endsWith('</svg>')).toBe(true);
    expect(xmlProblem(svg.body)).toBeNull();
    expect(xmlProblem('<svg><g></svg>')).not.toBeNull(); // the check itself can fail
    for (const s of map.systems) expect(svg.body).toContain(xmlText(s.name));
    const dot = await get(engineer, `/api/diagrams/tenants/${viewerTenant.id}.dot`);
    expect(dot.statusCode).toBe(200);
    expect(dot.headers['content-type']).toMatch(/^text\/vnd\.graphviz/);
    expect(dot.body.startsWith('digraph isms {')).toBe(true);
  });

  it('a service\u2019s diagram draws its systems and marks what is out of scope or breaks a rule', async () => {
    const withExcluded = services.find((svc) => systems.some((s: any) => !s.inScope && s.serviceIds.includes(svc.id)))!;
    expect(withExcluded).toBeDefined();
    const own = systems.filter((s: any) => s.serviceIds.includes(withExcluded.id));
    const svg = await get(auditor, `/api/diagrams/services/${withExcluded.id}.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    for (const s of own) expect(svg.body).toContain(xmlText(s.name));
    expect(xmlProblem(svg.body)).toBeNull();
    expect(svg.body).toContain('OUT OF ISMS SCOPE');
    expect(svg.body).toContain('FINDING: ');
    expect(svg.body).toContain('Legend');
    expect((await get(owner, `/api/diagrams/services/${viewerTenant.id}.svg`)).statusCode).toBe(404);
  });

  it('a tenant-viewer: 403 on everything org-wide, its own tenant only, and nothing of any other tenant', async () => {
    for (const url of ['/api/scope/rules', '/api/scope/findings', '/api/scope/blast-radius', '/api/scope/residency', `/api/diagrams/services/${services[0]!.id}.svg`]) {
      const r = await get(viewer, url);
      expect(r.statusCode, url).toBe(403);
      expect(r.json().error).toBe('forbidden');
    }
    const other = tenants.find((t) => t.id !== viewerTenant.id)!;
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of ['data-map', 'residency']) {
      const a = await get(viewer, `/api/tenants/${other.id}/${path}`);
      const b = await get(viewer, `/api/tenants/${missing}/${path}`);
      expect(a.statusCode).toBe(404);
      expect(a.body).toBe(b.body);
    }
    for (const ext of ['svg', 'dot']) {
      const a = await get(viewer, `/api/diagrams/tenants/${other.id}.${ext}`);
      expect(a.statusCode).toBe(404);
      expect(a.body).toBe((await get(viewer, `/api/diagrams/tenants/${missing}.${ext}`)).body);
    }
    // what it may read names no other tenant, and no system dedicated to another tenant
    const others = tenants.filter((t) => t.id !== viewerTenant.id);
    const foreignSystems = systems.filter((s) => s.tenancy === 'dedicated' && !s.tenantIds.includes(viewerTenant.id));
    expect(foreignSystems.length).toBeGreaterThan(0);
    const secrets = [...others.flatMap((t) => [t.id, t.slug, t.name]), ...foreignSystems.flatMap((s) => [s.id, s.slug, s.name])];
    for (const url of [`/api/tenants/${viewerTenant.id}/data-map`, `/api/tenants/${viewerTenant.id}/residency`, `/api/diagrams/tenants/${viewerTenant.id}.svg`, `/api/diagrams/tenants/${viewerTenant.id}.dot`]) {
      const r = await get(viewer, url);
      expect(r.statusCode, url).toBe(200);
      const leaked = secrets.filter((s) => r.body.includes(s) || r.body.includes(xmlText(s)));
      expect(leaked, url).toEqual([]);
    }
    // and the viewer's map is the same as the owner's map of that tenant (nothing of its own is lost)
    const mine = await ok(viewer, `/api/tenants/${viewerTenant.id}/data-map`);
    const owners = await ok(owner, `/api/tenants/${viewerTenant.id}/data-map`);
    expect(mine).toEqual(owners);
  });

  it('a change to the model is seen by the next analysis (the cached graph follows the ledger)', async () => {
    const before = await ok(owner, `/api/scope/findings?today=${TODAY}&rule=exclusion-without-justification`);
    const shared = systems.find((s: any) => s.tenancy === 'multi-tenant' && s.inScope)!;
    const added = await createObject(h.database.db, operatorActor(demo.orgId), resourceByName('systems'), {
      slug: unique('new-store'), name: 'New object store', kind: 'storage', environment: 'production', tenancy: 'multi-tenant',
      inScope: true, serviceIds: (shared as any).serviceIds, dataCategories: ['customer-content'], regions: ['us-east-1'],
    });
    const map = await ok(owner, `/api/scope/blast-radius?limit=500`);
    expect(map.items.some((e: any) => e.component.id === added.id)).toBe(true);
    const after = await ok(owner, `/api/scope/findings?today=${TODAY}&object=${added.id}&limit=500`);
    expect(after.total).toBeGreaterThan(0);
    await updateObject(h.database.db, operatorActor(demo.orgId), resourceByName('systems'), added.id as string, { name: 'Renamed object store' });
    const renamed = await ok(owner, `/api/scope/findings?today=${TODAY}&object=${added.id}&limit=500`);
    expect(renamed.items.some((f: any) => f.subject.name === 'Renamed object store')).toBe(true);
    expect(before.total).toBe((await ok(owner, `/api/scope/findings?today=${TODAY}&rule=exclusion-without-justification`)).total);
  });

  it('a service the approved scope statement leaves out is outside the ISMS for the linter', async () => {
    const rule = 'service-depends-on-excluded-system';
    const before = await ok(owner, `/api/scope/findings?today=${TODAY}&rule=${rule}&limit=500`);
    expect(before.total).toBeGreaterThan(0);
    const named = new Set<string>(before.items.flatMap((f: any) => f.path.filter((p: any) => p.kind === 'service').map((p: any) => p.id)));
    const left = services.find((x) => named.has(x.id))!;
    const post = async (token: string, url: string, payload: unknown) => {
      const r = await as(h, token, { method: 'POST', url, payload: payload as any });
      expect(r.statusCode, `${url}: ${r.body.slice(0, 300)}`).toBeLessThan(300);
      return r.json();
    };
    const request = await post(engineer, '/api/scope/change-requests', {
      title: `Scope without ${left.name}`, kind: 'other',
      impact: { assets: 'none', risks: 'none', controls: 'none', tenants: 'none' },
      proposed: { text: 'Managed services of the provider, except one.', serviceIds: services.filter((x) => x.id !== left.id).map((x) => x.id), locations: [], teams: [], exclusions: [] },
    });
    await post(engineer, `/api/scope/change-requests/${request.id}/submit`, {});
    await post(owner, `/api/scope/change-requests/${request.id}/approve`, {});
    const after = await ok(owner, `/api/scope/findings?today=${TODAY}&rule=${rule}&limit=500`);
    // the left-out service no longer makes its excluded systems a finding; the other services still do
    expect(after.items.some((f: any) => f.objects.includes(left.id))).toBe(false);
    const stillNamed = before.items.filter((f: any) => f.objects.some((id: string) => id !== left.id && services.some((x) => x.id === id)));
    expect(after.total).toBe(stillNamed.length);
  });
});

describe('diagrams of hostile names', () => {
  let h: Harness;
  let s: SeededOrg;
  afterAll(async () => { await h?.close(); });
  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'hostile');
  }, 60_000);

  it('quotes, backslashes, newlines and markup in names stay text in the DOT and the SVG', async () => {
    const hostile = 'Evil "quoted" \\N back\\slash\n<script>alert(1)</script><img src=x onerror=alert(2)> ]]> & --> x';
    const op = operatorActor(s.org.orgId);
    await updateObject(h.database.db, op, resourceByName('systems'), s.ids.shared!, { name: hostile.replace('\n', ' ') });
    await updateObject(h.database.db, op, resourceByName('tenants'), s.ids.tenantA!, { name: 'Tenant "A" <b>bold</b>' });
    await updateObject(h.database.db, op, resourceByName('data-flows'), s.ids.flow!, { name: 'flow\\" -> evil [label="x"]' });
    for (const url of [`/api/diagrams/tenants/${s.ids.tenantA}.svg`, `/api/diagrams/services/${s.ids.service}.svg`]) {
      const r = await as(h, s.tokens.owner, { method: 'GET', url });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.body).not.toMatch(/<script|<img|<b>|<[^>]*\son\w+=/i);
      expect(xmlProblem(r.body)).toBeNull();
      expect(r.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(r.body).toContain('back\\slash');
      expect(r.body).toContain('\\N');
      // the name is one label: its pieces were not read as DOT (no node or edge named "evil")
      expect(r.body).not.toMatch(/<title>evil<\/title>/);
      expect(r.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

/**
 * XML well-formedness, enough for an SVG: tags nest and close in order, attributes are quoted, and text holds no
 * raw `<` and no `&` outside an entity. Returns the first problem, or null.
 */
function xmlProblem(xml: string): string | null {
  const body = xml.replace(/<\?xml[^>]*\?>/, '').replace(/<!DOCTYPE[^>]*>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  let at = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(at, m.index);
    if (text.includes('<')) return `raw < before offset ${m.index}: ${text.slice(0, 80)}`;
    if (/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/.test(text)) return `bare & in text: ${text.slice(0, 80)}`;
    at = m.index + m[0].length;
    if (m[4]) continue;
    if (!m[1]) stack.push(m[2]!);
    else if (stack.pop() !== m[2]) return `</${m[2]}> closes the wrong element at offset ${m.index}`;
  }
  if (body.slice(at).trim()) return `text after the root element: ${body.slice(at, at + 80)}`;
  return stack.length ? `unclosed <${stack.join('>, <')}>` : null;
}

/** How Graphviz writes a text in SVG. */
function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/-/g, '&#45;');
}
