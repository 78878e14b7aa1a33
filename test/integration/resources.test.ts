import type { InjectOptions } from 'fastify';
import { verifyLedger } from '../../src/ledger/verify.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../src/model/index.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/** The generic ISMS resources end to end: CRUD, lists, filters, the change record, the dashboard and the footprint. */
describe('resources', () => {
  let h: Harness;
  let s: SeededOrg;
  let other: SeededOrg;

  const api = (method: InjectOptions['method'], url: string, payload?: unknown, token = s.tokens.owner) =>
    as(h, token, { method, url, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
  const changeCount = async (org = s) => withContext(h.database.db, { orgId: org.org.orgId, tenantId: null, userId: null }, async (trx) =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ledger_entries WHERE kind = 'change'`.execute(trx)).rows[0]!.n));
  /** The latest ledger entry, with the slug and digests its payload records. */
  const lastChange = async () => withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, async (trx) => {
    const row = await trx.selectFrom('ledger_entries').selectAll().orderBy('idx', 'desc').limit(1).executeTakeFirstOrThrow();
    const details = JSON.parse(row.payload as string).details;
    return { ...row, object_slug: details.objectSlug, before: details.before, after: details.after, request_id: details.requestId, source_ip: details.sourceIp };
  });

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'res');
    other = await seedOrg(h, 'res-other');
  });
  afterAll(async () => { await h?.close(); });

  describe('create, read, update, delete for each resource', () => {
    const full = (): Record<string, Record<string, unknown>> => ({
      services: { slug: unique('svc'), name: 'Managed M365', description: 'Tenant administration', owner: 'Service desk' },
      vendors: {
        slug: unique('vnd'), name: 'Mail Co', serviceProvided: 'Email delivery', dataCategories: ['personal-data'], accessLevel: 'read',
        criticality: 'high', reviewStatus: 'approved', reviewedOn: '2025-03-01', regions: ['eu-central-1', 'eu-west-1'], subProcessor: true,
      },
      tenants: {
        slug: unique('tnt'), name: 'Acme', externalId: unique('psa'), tier: 'A', tierExceptions: 'Quarterly review', tenancyPattern: 'region-pinned',
        allowedRegions: ['EU', 'ch-zurich'], sector: 'finance', serviceIds: [s.ids.service, s.ids.service2], dpaReference: 'DPA-1',
        sccReference: '', breachNotificationHours: 24, contacts: [{ name: 'Sec Officer', email: 'sec@acme.test', role: 'security officer' }],
      },
      systems: {
        slug: unique('sys'), name: 'Reporting DB', description: 'Warehouse', kind: 'database', environment: 'production', regions: ['eu-west-1'],
        hostingVendorId: s.ids.vendor, tenancy: 'dedicated', tenantIds: [s.ids.tenantA, s.ids.tenantB], serviceIds: [s.ids.service],
        dataCategories: ['customer-content'], inScope: false, exclusionJustification: 'Decommissioning', owner: 'Data team',
        accessControl: 'SSO + MFA', logging: 'CloudTrail', retention: '90 days', isolationMechanism: '', deploysToProduction: false, grantsAdminAccess: false,
      },
      'data-flows': {
        slug: unique('flow'), name: 'Export', fromSystemId: s.ids.shared, toSystemId: null, toVendorId: s.ids.vendor,
        dataCategories: ['telemetry'], purpose: 'Monitoring', serviceId: s.ids.service,
      },
      'control-implementations': {
        slug: unique('impl'), name: 'Customer-managed keys', controlId: '8.24', layer: 'overlay', targetTiers: ['A'], targetTenantIds: [s.ids.tenantB],
        targetServiceIds: [s.ids.service], overrides: true, owner: 'Platform team', status: 'implemented', description: 'HSM partition per tenant',
        systemIds: [s.ids.shared], evidenceLinks: ['https://wiki.example.test/kms'], reviewCadenceDays: 180, lastReviewedOn: '2026-01-05',
      },
      'interested-parties': {
        slug: unique('ip'), name: 'Tier-A customers', kind: 'customer-tier', tier: 'A', description: 'Regulated customers',
        tenantIds: [s.ids.tenantA], vendorIds: [s.ids.vendor], controlIds: ['5.24', '5.34'],
        requirements: [{ kind: 'sla', description: 'Breach notice within 24 hours', reference: 'Schedule 3' }, { kind: 'residency', description: 'EU only' }],
      },
      risks: {
        slug: unique('risk'), name: 'Cross-tenant leak', description: 'A missing tenant filter', owner: 'Platform lead', likelihood: 3, impact: 4,
        systemIds: [s.ids.shared], vendorIds: [s.ids.vendor], tenantIds: [s.ids.tenantA], interestedPartyIds: [s.ids.interestedParty],
        controlIds: ['8.3', '5.15'], treatment: 'mitigate', treatmentPlan: 'Row-level security', residualLikelihood: 1, residualImpact: 2,
        status: 'treated', reviewOn: '2026-10-01', suggestedFrom: 'system/shared-db',
      },
      evidence: {
        slug: unique('ev'), name: 'Restore test', kind: 'file', url: null, collectedOn: '2026-01-05', freshnessDays: 90, controlIds: ['8.13', '8.14'],
        tenantId: s.ids.tenantA, systemIds: [s.ids.shared], isolationTest: null, description: 'Quarterly restore of tenant A',
      },
      'control-exceptions': {
        slug: unique('exc'), name: 'Legacy console without MFA', controlId: '8.5', systemId: s.ids.shared, serviceId: null, tenantId: null, tier: null,
        reason: 'No second factor on the console.', compensatingMeasures: 'Bastion with MFA.', residualRiskRationale: 'The bastion comes first.',
        expiresOn: '2099-12-31', reviewOn: '2099-06-30', owner: 'Platform team',
      },
      'processing-activities': {
        slug: unique('pa'), name: 'Managed backup', description: 'Backups of customer mailboxes', serviceId: s.ids.service, tenantId: s.ids.tenantA,
        role: 'processor', jointControllers: '', jointArrangement: '', controllerName: 'Tenant A Ltd', controllerContact: 'dpo@tenant-a.test',
        representative: '', dpo: 'Pat DPO, dpo@provider.test', purposes: ['Backup', 'Restore on request'], lawfulBasis: '',
        dataSubjectCategories: ['Employees of the customer'], personalDataCategories: ['Email content', 'Contact details'],
        specialCategories: ['health-data'], recipients: ['Cloud hosting provider'], subProcessorVendorIds: [s.ids.vendor],
        transfers: [{ destination: 'United States', safeguard: 'scc', reference: 'SCC module 3, 2021' }], retention: '30 days after the contract ends',
        securityMeasureControlIds: ['8.13', '8.24'], securityMeasures: 'Encrypted backups, restore tests', owner: 'Backup team', reviewedOn: '2026-02-01',
      },
    });

    for (const def of RESOURCES) {
      it(`${def.name}: create → read → list → update → delete`, async () => {
        const input = full()[def.name]!;
        const created = await api('POST', `/api/${def.name}`, input);
        expect(created.statusCode, created.body).toBe(201);
        const obj = created.json();
        expect(obj).toMatchObject(Object.fromEntries(Object.entries(input).map(([k, v]) => [k, Array.isArray(v) ? expect.arrayContaining(v) : v])));
        expect(obj.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(Object.keys(obj).sort()).toEqual(Object.keys(def.output.properties).sort());

        const read = await api('GET', `/api/${def.name}/${obj.id}`);
        expect(read.statusCode).toBe(200);
        expect(read.json()).toEqual(obj);
        const listed = await api('GET', `/api/${def.name}?limit=200`);
        expect(listed.json().items.map((x: any) => x.id)).toContain(obj.id);

        // a change of a few fields, links included
        const change = ({
          services: { name: 'Managed Microsoft 365' },
          vendors: { criticality: 'critical', regions: ['us-east-1'] },
          tenants: { tier: 'B', serviceIds: [s.ids.service2] },
          systems: { inScope: true, tenancy: 'multi-tenant', tenantIds: [] },
          'data-flows': { toVendorId: null, toSystemId: s.ids.dedicatedA },
          'control-implementations': { layer: 'common', targetTiers: [], targetTenantIds: [], targetServiceIds: [], overrides: false, status: 'operating' },
          'interested-parties': { kind: 'regulator', tier: null, tenantIds: [], requirements: [{ kind: 'gdpr', description: 'Art. 33 notice' }] },
          risks: { likelihood: 5, residualLikelihood: null, residualImpact: null, systemIds: [s.ids.dedicatedB], status: 'open' },
          evidence: { kind: 'link', url: 'https://wiki.example.test/restore', tenantId: null, systemIds: [], isolationTest: null },
          'control-exceptions': { systemId: null, tier: 'A', reviewOn: '2099-01-31' },
          'processing-activities': { role: 'joint-controller', jointArrangement: 'Art. 26 arrangement of 2026-01-01', tenantId: null, transfers: [], subProcessorVendorIds: [] },
        } as Record<string, Record<string, unknown>>)[def.name]!;
        const updated = await api('PATCH', `/api/${def.name}/${obj.id}`, change);
        expect(updated.statusCode, updated.body).toBe(200);
        const after = updated.json();
        for (const [k, v] of Object.entries(change)) expect(after[k], k).toEqual(v);
        // every field not in the patch is as it was
        for (const k of Object.keys(obj).filter((k) => !(k in change) && k !== 'updatedAt')) expect(after[k], k).toEqual(obj[k]);
        expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(obj.updatedAt));
        expect((await api('GET', `/api/${def.name}/${obj.id}`)).json()).toEqual(after);

        const deleted = await api('DELETE', `/api/${def.name}/${obj.id}`);
        expect(deleted.statusCode).toBe(204);
        expect(deleted.body).toBe('');
        const gone = await api('GET', `/api/${def.name}/${obj.id}`);
        expect(gone.statusCode).toBe(404);
        expect(gone.json().error).toBe('not_found');
        expect((await api('DELETE', `/api/${def.name}/${obj.id}`)).statusCode).toBe(404);
      });
    }
  });

  describe('lists', () => {
    let p: SeededOrg;
    beforeAll(async () => {
      // A separate organization, so that other tests' objects do not move the totals.
      p = await seedOrg(h, 'res-pages');
      const make = (name: string, body: Record<string, unknown>) => as(h, p.tokens.owner, { method: 'POST', url: `/api/${name}`, payload: body });
      for (const [slug, name] of [['s-1', 'delta'], ['s-2', 'alpha'], ['s-3', 'charlie'], ['s-4', 'same'], ['s-5', 'same'], ['s-6', 'bravo'], ['s-7', 'same']]) {
        expect((await make('services', { slug, name, description: slug === 's-3' ? 'Has the NEEDLE inside' : '' })).statusCode).toBe(201);
      }
      const reviewed = [null, '2025-01-10', null, '2024-06-30', '2025-01-10', null, '2023-02-01'];
      for (const [i, reviewedOn] of reviewed.entries()) {
        expect((await make('vendors', { slug: `v-${i}`, name: `Vendor ${i % 3}`, reviewedOn, criticality: i % 2 ? 'high' : 'low', subProcessor: i % 3 === 0, regions: i % 2 ? ['us-east-1'] : ['eu-west-1'] })).statusCode).toBe(201);
      }
      for (let i = 0; i < 5; i++) {
        const body = { slug: `sys-${i}`, name: `System ${i % 2}`, kind: i % 2 ? 'queue' : 'database', environment: 'staging', tenancy: 'multi-tenant', inScope: i % 3 !== 0, exclusionJustification: i % 3 === 0 ? 'Lab' : '', dataCategories: i % 2 ? ['telemetry'] : ['personal-data'] };
        expect((await make('systems', body)).statusCode).toBe(201);
      }
    });

    const walk = async (url: string, token: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let total = -1;
      for (let pages = 0; pages < 50; pages++) {
        const res = await as(h, token, { method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}` });
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        total = page.total;
        seen.push(...page.items.map((x: any) => x.id));
        cursor = page.nextCursor;
        if (!cursor) return { seen, total };
      }
      throw new Error(`${url}: more than 50 pages`);
    };

    it('limit=2 walks every page via nextCursor, for every sortable field, ascending and descending', async () => {
      const problems: string[] = [];
      let walks = 0;
      for (const def of RESOURCES) {
        for (const sort of def.sortable) {
          for (const order of ['asc', 'desc']) {
            const url = `/api/${def.name}?sort=${sort}&order=${order}`;
            const all = (await as(h, p.tokens.owner, { method: 'GET', url: `${url}&limit=200` })).json();
            const { seen, total } = await walk(url, p.tokens.owner);
            walks++;
            if (new Set(seen).size !== seen.length) problems.push(`${url}: duplicates`);
            if (seen.length !== total || total !== all.total || all.items.length !== total) problems.push(`${url}: walked ${seen.length}, total ${total}, one page ${all.items.length}`);
            if (JSON.stringify(seen) !== JSON.stringify(all.items.map((x: any) => x.id))) problems.push(`${url}: pages are not in the one-page order`);
          }
        }
      }
      expect(walks).toBeGreaterThan(40);
      expect(problems).toEqual([]);
    });

    it('pages through the longest names the schema allows, in any script', async () => {
      const org = await seedOrg(h, 'res-long');
      for (const [i, ch] of ['é', '漢', '😀'].entries()) {
        const res = await as(h, org.tokens.owner, { method: 'POST', url: '/api/services', payload: { slug: `long-${i}`, name: ch.repeat(200) } });
        expect(res.statusCode, res.body).toBe(201);
      }
      for (const order of ['asc', 'desc']) {
        const { seen, total } = await walk(`/api/services?sort=name&order=${order}`, org.tokens.owner);
        expect(total).toBe(5);
        expect(new Set(seen).size).toBe(5);
      }
    });

    it('sorts by name (ties broken by id), both ways', async () => {
      const names = async (order: string) => (await as(h, p.tokens.owner, { method: 'GET', url: `/api/services?sort=name&order=${order}&limit=200` })).json().items.map((x: any) => x.name);
      const asc = await names('asc');
      // (only lower-case names are compared: where capitals sort depends on the database's collation)
      expect(asc.filter((n: string) => n === n.toLowerCase())).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'same', 'same', 'same']);
      expect(asc).toHaveLength(9);
      expect(await names('desc')).toEqual([...asc].reverse());
      const sames = (await as(h, p.tokens.owner, { method: 'GET', url: '/api/services?sort=name&q=same&limit=200' })).json().items.map((x: any) => x.id);
      expect(sames).toEqual([...sames].sort());
      // default order is by slug
      const slugs = (await as(h, p.tokens.owner, { method: 'GET', url: '/api/services?limit=200' })).json().items.map((x: any) => x.slug);
      expect(slugs).toEqual(['backup', 'hosting', 's-1', 's-2', 's-3', 's-4', 's-5', 's-6', 's-7']);
    });

    it('q searches the searchable fields, case-insensitively, and pages with the right total', async () => {
      const get = async (url: string) => (await as(h, p.tokens.owner, { method: 'GET', url })).json();
      expect((await get('/api/services?q=needle')).items.map((x: any) => x.slug)).toEqual(['s-3']);
      expect((await get('/api/services?q=CHARL')).items.map((x: any) => x.slug)).toEqual(['s-3']);
      expect((await get('/api/services?q=s-')).total).toBe(7);
      const { seen, total } = await walk('/api/services?q=same', p.tokens.owner);
      expect(total).toBe(3);
      expect(seen).toHaveLength(3);
      expect((await get('/api/services?q=nothing-like-this')).total).toBe(0);
    });

    it('filters: equals, contains on arrays, and links', async () => {
      const get = async (url: string) => {
        const res = await as(h, p.tokens.owner, { method: 'GET', url: `${url}&limit=200` });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json();
        expect(body.total).toBe(body.items.length);
        return body.items as any[];
      };
      // equals
      expect((await get('/api/systems?kind=queue')).map((x) => x.slug)).toEqual(['sys-1', 'sys-3']);
      expect((await get('/api/systems?inScope=false')).map((x) => x.slug)).toEqual(['sys-0', 'sys-3']);
      expect((await get('/api/vendors?subProcessor=true')).map((x) => x.slug)).toEqual(['cloud', 'v-0', 'v-3', 'v-6']);
      expect((await get('/api/vendors?criticality=high')).map((x) => x.slug)).toEqual(['v-1', 'v-3', 'v-5']);
      expect((await get(`/api/systems?hostingVendorId=${p.ids.vendor}`)).map((x) => x.slug)).toEqual(['shared-db']);
      expect((await get(`/api/data-flows?fromSystemId=${p.ids.dedicatedA}`)).map((x) => x.id)).toEqual([p.ids.flow]);
      // contains
      expect((await get('/api/systems?dataCategory=telemetry')).map((x) => x.slug)).toEqual(['sys-1', 'sys-3']);
      expect((await get('/api/vendors?region=us-east-1')).map((x) => x.slug)).toEqual(['v-1', 'v-3', 'v-5']);
      expect((await get('/api/tenants?allowedRegion=EU')).map((x) => x.slug)).toEqual(['tenant-a']);
      // links
      expect((await get(`/api/systems?tenantId=${p.ids.tenantA}`)).map((x) => x.slug)).toEqual(['dedicated-a']);
      expect((await get(`/api/systems?serviceId=${p.ids.service}`)).map((x) => x.slug)).toEqual(['shared-db']);
      expect((await get(`/api/tenants?serviceId=${p.ids.service2}`)).map((x) => x.slug)).toEqual(['tenant-b']);
      expect((await get(`/api/tenants?serviceId=${p.ids.service}`)).map((x) => x.slug)).toEqual(['tenant-a', 'tenant-b']);
      // combined with each other and with q
      expect((await get('/api/systems?kind=database&inScope=true&q=system')).map((x) => x.slug)).toEqual(['sys-2', 'sys-4']);
    });
  });

  it('PATCH changes only the given fields, and a link list is replaced, not merged', async () => {
    const created = (await api('POST', '/api/tenants', { slug: unique('t'), name: 'Links', tier: 'C', tenancyPattern: 'pooled', sector: 'retail', serviceIds: [s.ids.service] })).json();
    const r1 = (await api('PATCH', `/api/tenants/${created.id}`, { serviceIds: [s.ids.service2] })).json();
    expect(r1.serviceIds).toEqual([s.ids.service2]);
    expect({ ...r1, serviceIds: undefined, updatedAt: undefined }).toEqual({ ...created, serviceIds: undefined, updatedAt: undefined });
    const r2 = (await api('PATCH', `/api/tenants/${created.id}`, { sector: 'health' })).json();
    expect(r2.serviceIds).toEqual([s.ids.service2]);
    expect(r2.sector).toBe('health');
    const r3 = (await api('PATCH', `/api/tenants/${created.id}`, { serviceIds: [] })).json();
    expect(r3.serviceIds).toEqual([]);
    expect((await api('GET', `/api/tenants?serviceId=${s.ids.service2}&limit=200`)).json().items.map((t: any) => t.id)).not.toContain(created.id);
  });

  it('a vendor that hosts a system cannot be deleted (409 in_use), and nothing is deleted', async () => {
    const before = await changeCount();
    const res = await api('DELETE', `/api/vendors/${s.ids.vendor}`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'in_use', field: 'hostingVendorId' });
    expect((await api('GET', `/api/vendors/${s.ids.vendor}`)).statusCode).toBe(200);
    expect((await api('GET', `/api/systems/${s.ids.shared}`)).json().hostingVendorId).toBe(s.ids.vendor);
    expect(await changeCount()).toBe(before);
    // the same for a system that data flows start from
    const flowFrom = await api('DELETE', `/api/systems/${s.ids.dedicatedA}`);
    expect(flowFrom.statusCode).toBe(409);
    expect(flowFrom.json()).toMatchObject({ error: 'in_use', field: 'fromSystemId' });
    expect((await api('GET', `/api/systems/${s.ids.dedicatedA}`)).statusCode).toBe(200);
  });

  it('every mutation records exactly one change in its transaction; a failed one records none', async () => {
    const step = async (method: InjectOptions['method'], url: string, payload: unknown, status: number, delta: number) => {
      const before = await changeCount();
      const otherBefore = await changeCount(other);
      const res = await api(method, url, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
      expect(await changeCount(), `${method} ${url}`).toBe(before + delta);
      expect(await changeCount(other)).toBe(otherBefore);
      return res;
    };
    const created = (await step('POST', '/api/services', { slug: unique('chg'), name: 'Changes' }, 201, 1)).json();
    expect(await lastChange()).toMatchObject({ action: 'create', object_type: 'service', object_id: created.id, object_slug: created.slug, before: null, after: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await step('PATCH', `/api/services/${created.id}`, { name: 'Changed' }, 200, 1);
    const update = await lastChange();
    expect(update).toMatchObject({ action: 'update', object_id: created.id, summary: 'Changed name', before: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(update.after).not.toBe(update.before);
    expect(update.source_ip).toBe('127.0.0.1');
    expect(update.request_id).toEqual(expect.any(String));
    const tenant = (await step('POST', '/api/tenants', { slug: unique('chg'), name: 'T', tier: 'C', tenancyPattern: 'pooled' }, 201, 1)).json();
    expect(await lastChange()).toMatchObject({ object_type: 'tenant', tenant_id: tenant.id });
    await step('DELETE', `/api/services/${created.id}`, undefined, 204, 1);
    expect(await lastChange()).toMatchObject({ action: 'delete', object_id: created.id, after: null });
    await step('PATCH', '/api/org', { name: 'Renamed org' }, 200, 1);
    // failures write nothing, whether caught by the service, the schema or the database
    await step('POST', '/api/services', { slug: 'hosting', name: 'Taken' }, 409, 0);
    await step('POST', '/api/systems', { slug: unique('x'), name: 'X', kind: 'api', environment: 'production', tenancy: 'multi-tenant', inScope: false }, 422, 0);
    await step('POST', '/api/systems', { slug: unique('x'), name: 'X', kind: 'api', environment: 'production', tenancy: 'multi-tenant', inScope: true, hostingVendorId: other.ids.vendor }, 422, 0);
    await step('DELETE', `/api/vendors/${s.ids.vendor}`, undefined, 409, 0);
    await step('PATCH', `/api/services/${s.ids.service}`, { nope: 1 }, 400, 0);
    await step('DELETE', '/api/services/5b0f3f0e-8d1a-4c43-9a36-2f0f6f1b7c11', undefined, 404, 0);
    const ext = unique('ext');
    await step('POST', '/api/tenants', { slug: unique('t'), name: 'T', tier: 'C', tenancyPattern: 'pooled', externalId: ext }, 201, 1);
    await step('POST', '/api/tenants', { slug: unique('t'), name: 'T', tier: 'C', tenancyPattern: 'pooled', externalId: ext }, 409, 0);
    const before = await changeCount();
    const auditor = await as(h, s.tokens.auditor, { method: 'POST', url: '/api/services', payload: { slug: unique('a'), name: 'No' } });
    expect(auditor.statusCode).toBe(403);
    expect(await changeCount()).toBe(before);
    // and the ledger those entries went into still verifies from scratch
    const verification = await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) => verifyLedger(trx, s.org.orgId));
    expect(verification).toMatchObject({ ok: true, problem: null });
    expect(verification.entriesChecked).toBe(await changeCount());
  });

  it('a tenant with tenant-viewers or dedicated systems cannot be deleted (409), and nothing is removed', async () => {
    const res = await api('DELETE', `/api/tenants/${s.ids.tenantA}`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'in_use', message: expect.stringMatching(/tenant-viewer/) });
    expect((await api('GET', `/api/tenants/${s.ids.tenantA}`)).statusCode).toBe(200);
    expect((await api('GET', `/api/members/${s.ids.viewerAUser}`)).statusCode).toBe(200);
  });

  it('the dashboard counts what the lists count', async () => {
    const d = (await api('GET', '/api/dashboard')).json();
    for (const def of RESOURCES) {
      const total = (await api('GET', `/api/${def.name}?limit=1`)).json().total;
      expect(d.counts[def.name], def.name).toBe(total);
    }
    const tenants = (await api('GET', '/api/tenants?limit=200')).json().items as any[];
    for (const tier of ['A', 'B', 'C']) expect(d.tenantsByTier[tier], tier).toBe(tenants.filter((t) => t.tier === tier).length);
    expect(d.systemsOutOfScope).toBe((await api('GET', '/api/systems?inScope=false&limit=1')).json().total);
    expect(d.recentChanges.length).toBeGreaterThan(0);
    expect(d.recentChanges.length).toBeLessThanOrEqual(20);
    const latest = await lastChange();
    expect(d.recentChanges[0]).toMatchObject({ id: String(latest.idx), action: latest.action, objectType: latest.object_type });
    // an engineer's dashboard still counts every resource it may read; a fresh org starts from the seed
    const fresh = (await as(h, other.tokens.engineer, { method: 'GET', url: '/api/dashboard' })).json();
    expect(fresh.counts).toMatchObject({ services: 2, vendors: 1, tenants: 2, systems: 3, 'data-flows': 1, evidence: 3, 'control-exceptions': 2 });
    expect(fresh.tenantsByTier).toEqual({ A: 1, B: 1, C: 0 });
    expect(fresh.systemsOutOfScope).toBe(0);
  });

  it('a tenant\u2019s footprint: dedicated and shared systems, downstream destinations, hosting vendors; never another tenant\u2019s dedicated system', async () => {
    const f = await seedOrg(h, 'res-footprint');
    const make = async (name: string, body: Record<string, unknown>) => {
      const res = await as(h, f.tokens.owner, { method: 'POST', url: `/api/${name}`, payload: body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const mailer = await make('vendors', { slug: 'mailer', name: 'Mailer' });
    const dwHost = await make('vendors', { slug: 'dw-host', name: 'DW host' });
    const unrelatedVendor = await make('vendors', { slug: 'unrelated', name: 'Unrelated' });
    const warehouse = await make('systems', { slug: 'warehouse', name: 'Warehouse', kind: 'database', environment: 'production', tenancy: 'multi-tenant', inScope: true, hostingVendorId: dwHost });
    const unrelated = await make('systems', { slug: 'unrelated', name: 'Unrelated', kind: 'database', environment: 'production', tenancy: 'multi-tenant', inScope: true, hostingVendorId: unrelatedVendor });
    const sharedToWarehouse = await make('data-flows', { slug: 'shared-to-dw', name: 'Shared to DW', fromSystemId: f.ids.shared, toSystemId: warehouse });
    const dwToMailer = await make('data-flows', { slug: 'dw-to-mail', name: 'DW to mailer', fromSystemId: warehouse, toVendorId: mailer });
    const sharedToB = await make('data-flows', { slug: 'shared-to-b', name: 'Shared to B', fromSystemId: f.ids.shared, toSystemId: f.ids.dedicatedB });
    await make('data-flows', { slug: 'b-to-unrelated', name: 'B to unrelated', fromSystemId: f.ids.dedicatedB, toSystemId: unrelated });

    const res = await as(h, f.tokens.owner, { method: 'GET', url: `/api/tenants/${f.ids.tenantA}/footprint` });
    expect(res.statusCode).toBe(200);
    const fp = res.json();
    expect(fp.tenant).toMatchObject({ id: f.ids.tenantA, tier: 'A' });
    expect(fp.services.map((x: any) => x.id)).toEqual([f.ids.service]);
    const systems = Object.fromEntries(fp.systems.map((x: any) => [x.id, x.reason]));
    expect(Object.keys(systems).sort()).toEqual([f.ids.dedicatedA, f.ids.shared, warehouse].sort());
    expect(systems[f.ids.dedicatedA!]).toMatch(/dedicated/);
    expect(systems[f.ids.shared!]).toMatch(/service/);
    expect(systems[warehouse]).toMatch(/receives data from Shared DB/);
    const vendors = Object.fromEntries(fp.vendors.map((x: any) => [x.id, x.reason]));
    expect(Object.keys(vendors).sort()).toEqual([f.ids.vendor, dwHost, mailer].sort());
    expect(vendors[f.ids.vendor!]).toMatch(/hosts Shared DB/);
    expect(vendors[dwHost]).toMatch(/hosts Warehouse/);
    expect(vendors[mailer]).toMatch(/receives data from Warehouse/);
    expect(fp.dataFlows.map((x: any) => x.id).sort()).toEqual([f.ids.flow, sharedToWarehouse, dwToMailer].sort());
    // tenant B's dedicated system, the flow into it and whatever it feeds stay out of tenant A's footprint
    for (const hidden of [f.ids.dedicatedB, sharedToB, unrelated, unrelatedVendor, f.ids.service2, f.ids.tenantB]) expect(res.body).not.toContain(hidden);

    // tenant B's footprint has its own dedicated system and what it feeds, and not tenant A's
    const fb = (await as(h, f.tokens.owner, { method: 'GET', url: `/api/tenants/${f.ids.tenantB}/footprint` })).json();
    expect(fb.systems.map((x: any) => x.id).sort()).toEqual([f.ids.dedicatedB, f.ids.shared, warehouse, unrelated].sort());
    expect(JSON.stringify(fb)).not.toContain(f.ids.dedicatedA);
    // a tenant-viewer sees the same footprint of its own tenant as the owner does
    const asViewer = (await as(h, f.tokens.viewerA, { method: 'GET', url: `/api/tenants/${f.ids.tenantA}/footprint` })).json();
    expect(asViewer).toEqual(fp);
    expect((await as(h, f.tokens.owner, { method: 'GET', url: `/api/tenants/${other.ids.tenantA}/footprint` })).statusCode).toBe(404);
  });
});
