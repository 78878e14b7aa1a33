import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * Hostile and careless input: each case checks the status, the stable error code, the field at fault, and
 * that nothing at all was written (every table of the organization counted before and after).
 */

const TABLES = ['services', 'vendors', 'tenants', 'tenant_services', 'systems', 'system_tenants', 'system_services', 'data_flows', 'memberships', 'users', 'api_tokens', 'ledger_entries'];
const UUID = '5b0f3f0e-8d1a-4c43-9a36-2f0f6f1b7c11';

describe('bad input is refused precisely, and writes nothing', () => {
  let h: Harness;
  let a: SeededOrg;
  let b: SeededOrg;
  /** Every response of this file, checked at the end for leaked internals. */
  const bodies: string[] = [];

  const counts = async (s: SeededOrg) => withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, async (trx) => {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(trx)).rows[0]!.n);
    return out;
  });

  const call = async (options: InjectOptions, token = a.tokens.owner): Promise<LightMyRequestResponse> => {
    const res = await as(h, token, options);
    bodies.push(res.body);
    return res;
  };

  /** Send a request that must fail as described, and prove that neither organization changed. */
  async function refused(options: InjectOptions, status: number, error: string, field: string | undefined, token = a.tokens.owner) {
    const before = [await counts(a), await counts(b)];
    const res = await call(options, token);
    const label = `${options.method} ${options.url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    expect(res.statusCode, label).toBe(status);
    const body = res.json();
    expect(body.error, label).toBe(error);
    expect(body.field, label).toBe(field);
    expect(typeof body.message, label).toBe('string');
    expect([await counts(a), await counts(b)], `${label}: something was written`).toEqual(before);
    return body;
  }

  const post = (url: string, payload: unknown): InjectOptions => ({ method: 'POST', url, payload: payload as InjectOptions['payload'] });
  const patch = (url: string, payload: unknown): InjectOptions => ({ method: 'PATCH', url, payload: payload as InjectOptions['payload'] });
  const system = (extra: Record<string, unknown> = {}) => ({ slug: 'new-system', name: 'New system', kind: 'database', environment: 'production', tenancy: 'multi-tenant', inScope: true, ...extra });
  const tenant = (extra: Record<string, unknown> = {}) => ({ slug: 'new-tenant', name: 'New tenant', tier: 'B', tenancyPattern: 'pooled', ...extra });

  beforeAll(async () => {
    h = await startHarness();
    a = await seedOrg(h, 'bad-a');
    b = await seedOrg(h, 'bad-b');
  });
  afterAll(async () => { await h?.close(); });

  it('malformed JSON → 400 invalid_json', async () => {
    await refused({ method: 'POST', url: '/api/services', headers: { 'content-type': 'application/json' }, payload: '{"slug": "x", "name": ' }, 400, 'invalid_json', undefined);
    await refused({ method: 'PATCH', url: `/api/services/${a.ids.service}`, headers: { 'content-type': 'application/json' }, payload: '{name: nope}' }, 400, 'invalid_json', undefined);
    await refused({ method: 'POST', url: '/api/services', headers: { 'content-type': 'application/json' }, payload: '' }, 400, 'invalid_json', undefined);
    await refused({ method: 'POST', url: '/api/services', headers: { 'content-type': 'application/xml' }, payload: '<slug>x</slug>' }, 415, 'unsupported_media_type', undefined);
    // text/plain is parsed as a string (Fastify's default), which is not the object the schema wants
    await refused({ method: 'POST', url: '/api/services', headers: { 'content-type': 'text/plain' }, payload: '{"slug":"x","name":"X"}' }, 400, 'validation_failed', undefined);
  });

  it('wrong types → 400 validation_failed naming the field', async () => {
    await refused(post('/api/tenants', tenant({ tier: 5 })), 400, 'validation_failed', 'tier');
    await refused(post('/api/systems', system({ inScope: 'yes' })), 400, 'validation_failed', 'inScope');
    await refused(post('/api/tenants', tenant({ breachNotificationHours: '72' })), 400, 'validation_failed', 'breachNotificationHours');
    await refused(post('/api/vendors', { slug: 'v', name: 'V', regions: 'eu-west-1' }), 400, 'validation_failed', 'regions');
    await refused(post('/api/services', ['slug', 'name']), 400, 'validation_failed', undefined);
    await refused(patch(`/api/systems/${a.ids.shared}`, { inScope: 1 }), 400, 'validation_failed', 'inScope');
    await refused(post('/api/tenants', tenant({ tier: 'D' })), 400, 'validation_failed', 'tier');
  });

  it('unknown fields in the body or the query string → 400 naming the field', async () => {
    await refused(post('/api/services', { slug: 'svc', name: 'Svc', colour: 'red' }), 400, 'validation_failed', 'colour');
    await refused(patch(`/api/services/${a.ids.service}`, { name: 'ok', orgId: b.org.orgId }), 400, 'validation_failed', 'orgId');
    await refused(post('/api/tenants', tenant({ contacts: [{ name: 'N', email: 'n@example.test', phone: '1' }] })), 400, 'validation_failed', 'contacts.0.phone');
    await refused({ method: 'GET', url: '/api/services?colour=red' }, 400, 'validation_failed', 'colour');
    await refused({ method: 'GET', url: '/api/systems?orgId=x' }, 400, 'validation_failed', 'orgId');
  });

  it('over-long strings → 400 validation_failed', async () => {
    await refused(post('/api/services', { slug: 'long', name: 'x'.repeat(201) }), 400, 'validation_failed', 'name');
    await refused(post('/api/services', { slug: 'long', name: 'Long', description: 'x'.repeat(4001) }), 400, 'validation_failed', 'description');
    await refused(post('/api/systems', system({ exclusionJustification: 'x'.repeat(2001) })), 400, 'validation_failed', 'exclusionJustification');
    await refused(post('/api/services', { slug: 'a'.repeat(65), name: 'Long slug' }), 400, 'validation_failed', 'slug');
    await refused(patch(`/api/tenants/${a.ids.tenantA}`, { name: 'x'.repeat(201) }), 400, 'validation_failed', 'name');
    await refused({ method: 'GET', url: `/api/services?q=${'x'.repeat(201)}` }, 400, 'validation_failed', 'q');
    // the limit is on characters, so 200 of them is fine
    const ok = await call(post('/api/services', { slug: 'two-hundred', name: 'é'.repeat(200) }));
    expect(ok.statusCode).toBe(201);
  });

  it('a 10 MB body → 413 body_too_large', async () => {
    const huge = JSON.stringify({ slug: 'huge', name: 'Huge', description: 'x'.repeat(10 * 1024 * 1024) });
    await refused({ method: 'POST', url: '/api/services', headers: { 'content-type': 'application/json' }, payload: huge }, 413, 'body_too_large', undefined);
  });

  it('a slug taken in the same organization → 409 slug_taken; the same slug in another organization is fine', async () => {
    await refused(post('/api/services', { slug: 'hosting', name: 'Another hosting' }), 409, 'slug_taken', 'slug');
    await refused(patch(`/api/services/${a.ids.service2}`, { slug: 'hosting' }), 409, 'slug_taken', 'slug');
    const first = await call(post('/api/vendors', { slug: 'shared-slug', name: 'In A' }));
    expect(first.statusCode).toBe(201);
    await refused(post('/api/vendors', { slug: 'shared-slug', name: 'Again in A' }), 409, 'slug_taken', 'slug');
    const inB = await call(post('/api/vendors', { slug: 'shared-slug', name: 'In B' }), b.tokens.owner);
    expect(inB.statusCode).toBe(201);
    expect(inB.json().id).not.toBe(first.json().id);
  });

  it('a tenant external id taken in the same organization → 409 conflict on externalId (the database\u2019s constraint, translated)', async () => {
    const first = await call(post('/api/tenants', tenant({ slug: 'ext-1', externalId: 'PSA-1' })));
    expect(first.statusCode).toBe(201);
    await refused(post('/api/tenants', tenant({ slug: 'ext-2', externalId: 'PSA-1' })), 409, 'conflict', 'externalId');
  });

  it('a reference to another organization\u2019s object → 422 reference_not_found naming the field', async () => {
    await refused(post('/api/systems', system({ hostingVendorId: b.ids.vendor })), 422, 'reference_not_found', 'hostingVendorId');
    await refused(patch(`/api/systems/${a.ids.shared}`, { hostingVendorId: b.ids.vendor }), 422, 'reference_not_found', 'hostingVendorId');
    await refused(post('/api/systems', system({ serviceIds: [a.ids.service, b.ids.service] })), 422, 'reference_not_found', 'serviceIds');
    await refused(post('/api/systems', system({ tenancy: 'dedicated', tenantIds: [b.ids.tenantA] })), 422, 'reference_not_found', 'tenantIds');
    await refused(post('/api/data-flows', { slug: 'f', name: 'F', fromSystemId: a.ids.shared, toSystemId: b.ids.shared }), 422, 'reference_not_found', 'toSystemId');
    await refused(post('/api/data-flows', { slug: 'f', name: 'F', fromSystemId: b.ids.shared, toSystemId: a.ids.shared }), 422, 'reference_not_found', 'fromSystemId');
    await refused(post('/api/data-flows', { slug: 'f', name: 'F', fromSystemId: a.ids.shared, toVendorId: b.ids.vendor }), 422, 'reference_not_found', 'toVendorId');
    await refused(post('/api/tenants', tenant({ serviceIds: [b.ids.service] })), 422, 'reference_not_found', 'serviceIds');
    await refused(patch(`/api/tenants/${a.ids.tenantA}`, { serviceIds: [b.ids.service2] }), 422, 'reference_not_found', 'serviceIds');
    await refused(post('/api/members', { email: 'someone@example.test', displayName: 'S', role: 'tenant-viewer', tenantId: b.ids.tenantA, password: 'long enough password' }), 422, 'reference_not_found', 'tenantId');
    // an id that exists nowhere is refused the same way: the answer does not say which
    await refused(post('/api/systems', system({ hostingVendorId: UUID })), 422, 'reference_not_found', 'hostingVendorId');
  });

  it('invalid slug characters → 400 on slug', async () => {
    for (const slug of ['Bad Slug', 'UPPER', '-leading', 'trailing-', 'under_score', 'sl/ash', 'ünï', '']) {
      await refused(post('/api/services', { slug, name: 'Bad slug' }), 400, 'validation_failed', 'slug');
    }
  });

  it('a data flow with two destinations, none, or to itself → 422 invalid_value', async () => {
    const flow = { slug: 'flow-x', name: 'Flow', fromSystemId: a.ids.shared };
    await refused(post('/api/data-flows', { ...flow, toSystemId: a.ids.dedicatedA, toVendorId: a.ids.vendor }), 422, 'invalid_value', 'toSystemId');
    await refused(post('/api/data-flows', flow), 422, 'invalid_value', 'toSystemId');
    await refused(post('/api/data-flows', { ...flow, toSystemId: null, toVendorId: null }), 422, 'invalid_value', 'toSystemId');
    await refused(post('/api/data-flows', { ...flow, toSystemId: a.ids.shared }), 422, 'invalid_value', 'toSystemId');
    // and a change that would leave the seeded flow with two destinations, or none
    await refused(patch(`/api/data-flows/${a.ids.flow}`, { toVendorId: a.ids.vendor }), 422, 'invalid_value', 'toSystemId');
    await refused(patch(`/api/data-flows/${a.ids.flow}`, { toSystemId: null }), 422, 'invalid_value', 'toSystemId');
    await refused(patch(`/api/data-flows/${a.ids.flow}`, { toSystemId: a.ids.dedicatedA }), 422, 'invalid_value', 'toSystemId');
  });

  it('an out-of-scope system needs an exclusion justification; a dedicated one needs tenants', async () => {
    await refused(post('/api/systems', system({ inScope: false })), 422, 'invalid_value', 'exclusionJustification');
    await refused(post('/api/systems', system({ inScope: false, exclusionJustification: '   ' })), 422, 'invalid_value', 'exclusionJustification');
    await refused(patch(`/api/systems/${a.ids.shared}`, { inScope: false }), 422, 'invalid_value', 'exclusionJustification');
    await refused(post('/api/systems', system({ tenancy: 'dedicated' })), 422, 'invalid_value', 'tenantIds');
    await refused(post('/api/systems', system({ tenancy: 'dedicated', tenantIds: [] })), 422, 'invalid_value', 'tenantIds');
    await refused(patch(`/api/systems/${a.ids.dedicatedA}`, { tenantIds: [] }), 422, 'invalid_value', 'tenantIds');
    await refused(post('/api/systems', system({ tenantIds: [a.ids.tenantA] })), 422, 'invalid_value', 'tenantIds');
  });

  it('values the schema lets through but the database cannot store are refused, not a 500', async () => {
    await refused(post('/api/services', { slug: 'nul', name: 'NUL\u0000byte' }), 422, 'invalid_value', undefined);
    await refused(post('/api/vendors', { slug: 'date', name: 'Date', reviewedOn: '2024-02-30' }), 400, 'validation_failed', 'reviewedOn');
  });

  it('PATCH with an empty body → 400', async () => {
    await refused(patch(`/api/services/${a.ids.service}`, {}), 400, 'validation_failed', undefined);
    await refused(patch('/api/members/' + a.ids.viewerAUser, {}), 400, 'validation_failed', undefined);
    await refused({ method: 'PATCH', url: `/api/services/${a.ids.service}`, headers: { 'content-type': 'application/json' } }, 400, 'invalid_json', undefined);
  });

  it('an invalid uuid in the path → 400 on that parameter', async () => {
    await refused({ method: 'GET', url: '/api/systems/not-a-uuid' }, 400, 'validation_failed', 'id');
    await refused(patch('/api/systems/1', { name: 'x' }), 400, 'validation_failed', 'id');
    await refused({ method: 'DELETE', url: `/api/systems/${a.ids.shared}x` }, 400, 'validation_failed', 'id');
    await refused({ method: 'GET', url: "/api/members/'%20OR%201=1" }, 400, 'validation_failed', 'userId');
    await refused({ method: 'GET', url: '/api/tenants/x/footprint' }, 400, 'validation_failed', 'id');
    // a well-formed id that names nothing is simply not found
    await refused({ method: 'DELETE', url: `/api/systems/${UUID}` }, 404, 'not_found', undefined);
  });

  it('an invalid pagination cursor → 400 invalid_cursor', async () => {
    const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const bad = [
      'garbage', cursor({ a: 1 }), cursor(['x']), cursor(['x', 'not-an-id']), cursor(['x', UUID, 'extra']),
      cursor(['not a time', UUID]), cursor(null), '%%%',
    ];
    for (const c of bad) {
      await refused({ method: 'GET', url: `/api/systems?sort=createdAt&cursor=${encodeURIComponent(c)}` }, 400, 'invalid_cursor', 'cursor');
    }
    // a real cursor, edited so that its time is not a time: well-formed, but the database cannot compare it
    const real = (await call({ method: 'GET', url: '/api/systems?limit=1&sort=createdAt' })).json().nextCursor as string;
    const edited = cursor((JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) as unknown[])
      .map((v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? 'not a time' : v)));
    expect(edited).not.toBe(real);
    await refused({ method: 'GET', url: `/api/systems?limit=1&sort=createdAt&cursor=${edited}` }, 400, 'invalid_cursor', 'cursor');
    // a cursor made for one sort order, replayed with another
    const page = (await call({ method: 'GET', url: '/api/systems?limit=1&sort=name' })).json();
    expect(page.nextCursor).toEqual(expect.any(String));
    await refused({ method: 'GET', url: `/api/systems?limit=1&sort=inScope&cursor=${page.nextCursor}` }, 400, 'invalid_cursor', 'cursor');
    await refused({ method: 'GET', url: `/api/systems?limit=1&sort=createdAt&cursor=${page.nextCursor}` }, 400, 'invalid_cursor', 'cursor');
  });

  it('an unknown sort field, order, filter value or page size → 400', async () => {
    await refused({ method: 'GET', url: '/api/systems?sort=password' }, 400, 'validation_failed', 'sort');
    await refused({ method: 'GET', url: '/api/systems?order=sideways' }, 400, 'validation_failed', 'order');
    await refused({ method: 'GET', url: '/api/systems?kind=spaceship' }, 400, 'validation_failed', 'kind');
    await refused({ method: 'GET', url: '/api/systems?tenantId=nope' }, 400, 'validation_failed', 'tenantId');
    await refused({ method: 'GET', url: '/api/systems?limit=0' }, 400, 'validation_failed', 'limit');
    await refused({ method: 'GET', url: '/api/systems?limit=201' }, 400, 'validation_failed', 'limit');
    await refused({ method: 'GET', url: '/api/systems?limit=ten' }, 400, 'validation_failed', 'limit');
    await refused({ method: 'GET', url: '/api/systems?tier=A&tier=B' }, 400, 'validation_failed', 'tier');
  });

  it('search text is text, not a pattern or SQL', async () => {
    for (const q of ['%', '_', '\\', "'; DROP TABLE systems; --", '%shared%']) {
      const res = await call({ method: 'GET', url: `/api/systems?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, q).toBe(200);
      expect(res.json().items, q).toEqual([]);
    }
  });

  it('the server keeps answering, and no answer ever carried a stack trace or a path', async () => {
    const health = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect(bodies.length).toBeGreaterThan(60);
    const leaking = bodies.filter((body) => /\bat \S+ \(|\bat \S+:\d+:\d+|node_modules|\/src\/|\.ts:\d+|Error: /.test(body));
    expect(leaking).toEqual([]);
  });
});
