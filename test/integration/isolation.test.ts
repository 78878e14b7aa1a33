import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/services/provisioning.js';
import { createObject } from '../../src/services/resources.js';
import { resourceByName } from '../../src/model/index.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';
import { setPolicy } from '../../src/services/retention.js';
import { seedScope } from '../support/scope-seed.js';
import { fillPath, ISOLATION_ROUTES, type RouteCase, type World } from '../support/isolation-routes.js';

/**
 * Generated from the OpenAPI document: every route is tried across organizations (org B's owner on org A's
 * objects) and across tenants (tenant A's viewer on tenant B's objects). The table in
 * test/support/isolation-routes.ts says how; a route it does not know fails the suite.
 */

interface Route { method: string; path: string; key: string; spec: any }

describe('isolation: every route, across organizations and tenants', () => {
  let h: Harness;
  let a: SeededOrg;
  let b: SeededOrg;
  let A: World;
  let B: World;
  let routes: Route[];
  /** Strings that identify org A's data: org B must never see any of them. */
  let orgASecrets: string[];
  /** Strings that identify tenant B's data within org A: tenant A's viewer must never see any of them. */
  let tenantBSecrets: string[];

  const send = (token: string, method: string, url: string, body?: unknown) => {
    const options: InjectOptions = { method: method as InjectOptions['method'], url };
    if (body !== undefined) options.payload = body as InjectOptions['payload'];
    return as(h, token, options);
  };
  const leaks = (text: string, secrets: string[]) => secrets.filter((s) => text.includes(s));
  const caseOf = (r: Route): RouteCase => ISOLATION_ROUTES[r.key]!;
  const protectedRoutes = () => routes.filter((r) => ISOLATION_ROUTES[r.key] && !caseOf(r).public);
  const snapshot = async (url: string) => {
    const r = await send(a.tokens.owner, 'GET', url);
    expect(r.statusCode, `re-read ${url} as org A's owner`).toBe(200);
    return r.body;
  };

  async function tokenIds(s: SeededOrg): Promise<World['tokenIds']> {
    const list = (await as(h, s.tokens.owner, { method: 'GET', url: '/api/tokens' })).json().items as Array<{ id: string; ownerEmail: string }>;
    const find = (email: string) => list.find((t) => t.ownerEmail === email)!.id;
    return { owner: find(s.emails.owner!), viewerB: find(s.emails.viewerB!) };
  }

  beforeAll(async () => {
    h = await startHarness();
    a = await seedOrg(h, 'iso-a');
    b = await seedOrg(h, 'iso-b');
    // A shared system that forwards data into tenant B's dedicated system: tenant A's footprint must not
    // expose that flow or that system to tenant A's viewer.
    const toB = await createObject(h.database.db, operatorActor(a.org.orgId), resourceByName('data-flows'), {
      slug: unique('shared-to-b'), name: 'Shared to tenant B', fromSystemId: a.ids.shared, toSystemId: a.ids.dedicatedB,
    });
    a.ids.flowToB = toB.id as string;
    a.ids.flowToBSlug = toB.slug as string;
    // A retention policy of org A that org B will try to delete.
    await setPolicy(h.database.db, operatorActor(a.org.orgId), 'restore', { retentionDays: 400, rationale: 'Restores are forensic evidence.' });
    // Scope statement versions and a change request per request route, in both orgs (org B reads its own).
    await seedScope(h, a);
    await seedScope(h, b);
    A = { s: a, tokenIds: await tokenIds(a) };
    B = { s: b, tokenIds: await tokenIds(b) };
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    routes = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, spec]) => ({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}`, spec })));
    orgASecrets = [
      a.org.orgId, a.org.slug, ...Object.values(a.ids), ...Object.values(a.emails), ...Object.values(a.tokens),
      A.tokenIds.owner, A.tokenIds.viewerB,
    ];
    tenantBSecrets = [
      a.ids.tenantB!, a.ids.dedicatedB!, a.ids.service2!, a.ids.viewerBUser!, a.emails.viewerB!, A.tokenIds.viewerB,
      a.ids.flowToB!, a.ids.flowToBSlug!, a.tokens.viewerB, a.ids.evidenceB!, a.ids.exceptionB!, 'tenant-b-restore-test',
    ];
  });
  afterAll(async () => { await h?.close(); });

  it('knows every route of the OpenAPI document, and nothing that is not one', () => {
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter((r) => !ISOLATION_ROUTES[r.key]).map((r) => `teach the isolation test about ${r.key}`);
    const stale = Object.keys(ISOLATION_ROUTES).filter((k) => !routes.some((r) => r.key === k)).map((k) => `no such route any more: ${k}`);
    expect([...missing, ...stale]).toEqual([]);
  });

  it('answers 401 to every non-public route without credentials', async () => {
    const failures: string[] = [];
    for (const r of protectedRoutes()) {
      const c = caseOf(r);
      const options: InjectOptions = { method: r.method as InjectOptions['method'], url: fillPath(r.path, c.params?.(A)) };
      if (c.body) options.payload = c.body(A) as InjectOptions['payload'];
      const res = await h.app.inject(options);
      if (res.statusCode !== 401 || res.json().error !== 'unauthenticated') failures.push(`${r.key}: ${res.statusCode} ${res.body}`);
    }
    // HEAD, which Fastify adds to every GET route, is guarded the same way
    for (const r of protectedRoutes().filter((x) => x.method === 'GET')) {
      const res = await h.app.inject({ method: 'HEAD', url: fillPath(r.path, caseOf(r).params?.(A)) });
      if (res.statusCode !== 401) failures.push(`HEAD ${r.path}: ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
    // and the public ones really are public
    expect((await h.app.inject({ method: 'GET', url: '/api/meta' })).statusCode).toBe(200);
  });

  it('(a) org B\u2019s owner gets 404 on every id of org A, and org A\u2019s object is unchanged', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const r of protectedRoutes().filter((x) => caseOf(x).params && !caseOf(x).sharedParams)) {
      const c = caseOf(r);
      const url = fillPath(r.path, c.params!(A));
      const reread = c.reread?.(A) ?? (r.method === 'GET' ? url : undefined);
      expect(reread, `${r.key} needs reread in the table`).toBeDefined();
      const before = await snapshot(reread!);
      const res = await send(b.tokens.owner, r.method, url, c.body?.(A));
      tried++;
      if (res.statusCode !== c.crossOrg || res.statusCode !== 404) failures.push(`${r.key}: org B got ${res.statusCode}, expected ${c.crossOrg} (404)`);
      else if (res.json().error !== 'not_found') failures.push(`${r.key}: error ${res.json().error}`);
      const found = leaks(res.body, orgASecrets);
      if (found.length) failures.push(`${r.key}: answer to org B shows ${found.join(', ')}`);
      if ((await snapshot(reread!)) !== before) failures.push(`${r.key}: org A's ${reread} changed`);
    }
    expect(tried).toBeGreaterThanOrEqual(20);
    expect(failures).toEqual([]);
    // org A's credentials still work (the revoke above did not reach them)
    expect((await send(a.tokens.owner, 'GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('(a) writes by org B that name org A\u2019s objects are refused or land in org B; org A is unchanged', async () => {
    const failures: string[] = [];
    const writes = protectedRoutes().filter((r) => r.method !== 'GET' && (!caseOf(r).params || caseOf(r).sharedParams));
    expect(writes.length).toBeGreaterThanOrEqual(8);
    for (const r of writes) {
      const c = caseOf(r);
      const before = await snapshot(c.reread!(A));
      const body = c.body?.(A);
      const res = await send(b.tokens.owner, r.method, fillPath(r.path, c.params?.(A)), body);
      if (res.statusCode !== c.crossOrg) failures.push(`${r.key}: org B got ${res.statusCode} ${res.body}, expected ${c.crossOrg}`);
      if (c.crossOrg === 422 && res.json().error !== (c.crossOrgError ?? 'reference_not_found')) failures.push(`${r.key}: error ${res.json().error}`);
      // The answer may repeat what org B itself sent ("no tenant with id X"), and nothing else of org A.
      const sent = JSON.stringify(body ?? null);
      const found = leaks(res.body, orgASecrets.filter((secret) => !sent.includes(secret)));
      if (found.length) failures.push(`${r.key}: answer to org B shows ${found.join(', ')}`);
      if ((await snapshot(c.reread!(A))) !== before) failures.push(`${r.key}: org A's ${c.reread!(A)} changed`);
    }
    expect(failures).toEqual([]);
  });

  it('(b) nothing org B can read contains any id, slug or email of org A \u2014 filters included', async () => {
    const failures: string[] = [];
    let scanned = 0;
    for (const r of protectedRoutes().filter((x) => x.method === 'GET')) {
      const c = caseOf(r);
      const url = fillPath(r.path, c.params?.(B));
      const res = await send(b.tokens.owner, 'GET', url);
      if (res.statusCode !== 200) { failures.push(`${r.key}: org B reading its own ${url} got ${res.statusCode}`); continue; }
      scanned++;
      const found = leaks(res.body, orgASecrets);
      if (found.length) failures.push(`${r.key}: org B sees ${found.join(', ')}`);
      // Every id-valued filter, given org A's ids, finds nothing.
      const idFilters = (r.spec.parameters ?? []).filter((p: any) => p.in === 'query' && p.schema?.format === 'uuid').map((p: any) => p.name as string);
      for (const filter of idFilters) {
        for (const value of Object.values(a.ids).filter((v) => /^[0-9a-f-]{36}$/.test(v))) {
          const f = await send(b.tokens.owner, 'GET', `${url}?${filter}=${value}`);
          if (f.statusCode !== 200 || f.json().total !== 0 || f.json().items.length !== 0) failures.push(`${r.key}?${filter}=<org A id>: ${f.statusCode} ${f.body.slice(0, 200)}`);
        }
      }
    }
    expect(scanned).toBeGreaterThanOrEqual(15);
    expect(failures).toEqual([]);
  });

  it('(c) tenant A\u2019s viewer gets the expected status on every route, and never sees tenant B', async () => {
    const failures: string[] = [];
    const viewer = a.tokens.viewerA;
    for (const r of protectedRoutes()) {
      const c = caseOf(r);
      if (r.path.includes('{') && !c.viewer.other) { failures.push(`${r.key}: the table names no tenant-B object for the viewer`); continue; }
      const url = fillPath(r.path, c.viewer.other?.(A));
      const before = c.reread && c.viewer.status >= 400 ? await snapshot(c.reread(A)) : undefined;
      const res = await send(viewer, r.method, url, c.body?.(A));
      if (res.statusCode !== c.viewer.status) failures.push(`${r.key} (${url}): viewer got ${res.statusCode} ${res.body.slice(0, 200)}, expected ${c.viewer.status}`);
      else if (res.statusCode === 403 && res.json().error !== 'forbidden') failures.push(`${r.key}: error ${res.json().error}`);
      else if (res.statusCode === 404 && res.json().error !== 'not_found') failures.push(`${r.key}: error ${res.json().error}`);
      const found = leaks(res.body, tenantBSecrets);
      if (found.length) failures.push(`${r.key}: viewer sees ${found.join(', ')}`);
      if (before !== undefined && (await snapshot(c.reread!(A))) !== before) failures.push(`${r.key}: ${c.reread!(A)} changed`);
      if (c.viewer.own) {
        const own = await send(viewer, r.method, fillPath(r.path, c.viewer.own(A)));
        if (own.statusCode !== 200) failures.push(`${r.key}: viewer reading its own tenant's object got ${own.statusCode}`);
        const ownLeaks = leaks(own.body, tenantBSecrets);
        if (ownLeaks.length) failures.push(`${r.key} (own tenant): viewer sees ${ownLeaks.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('(c) the viewer\u2019s tenant list holds only tenant A, and tenant B\u2019s viewer token still works', async () => {
    const list = (await send(a.tokens.viewerA, 'GET', '/api/tenants')).json();
    expect(list.items.map((t: any) => t.id)).toEqual([a.ids.tenantA]);
    expect(list.total).toBe(1);
    const footprint = (await send(a.tokens.viewerA, 'GET', `/api/tenants/${a.ids.tenantA}/footprint`)).json();
    expect(footprint.systems.map((s: any) => s.id).sort()).toEqual([a.ids.dedicatedA, a.ids.shared].sort());
    expect((await send(a.tokens.viewerB, 'GET', '/api/auth/me')).statusCode).toBe(200);
  });

  it('(d) the database alone hides tenant B from a transaction in tenant A\u2019s context', async () => {
    const ctx = { orgId: a.org.orgId, tenantId: a.ids.tenantA!, userId: null };
    const seen = await withContext(h.database.db, ctx, async (trx) => {
      const tenants = await trx.selectFrom('tenants').select('id').execute();
      const systems = await trx.selectFrom('systems').select('id').execute();
      const memberships = await trx.selectFrom('memberships').select(['user_id', 'tenant_id']).execute();
      const systemTenants = await trx.selectFrom('system_tenants').select(['system_id', 'tenant_id']).execute();
      // every table with a tenant_id column: no row of tenant B
      const tables = (await sql<{ table_name: string }>`
        SELECT table_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'tenant_id'`.execute(trx)).rows.map((r) => r.table_name);
      const tenantBRows: Record<string, number> = {};
      for (const t of tables) {
        const n = await trx.selectFrom(t).select(sql<string>`count(*)`.as('n')).where('tenant_id', '=', a.ids.tenantB!).executeTakeFirst();
        tenantBRows[t] = Number(n?.n);
      }
      return { tenants, systems, memberships, systemTenants, tables, tenantBRows };
    });
    expect(seen.tenants.map((t) => t.id)).toEqual([a.ids.tenantA]);
    expect(seen.systems.map((s) => s.id).sort()).toEqual([a.ids.dedicatedA, a.ids.shared].sort());
    expect(seen.memberships.map((m) => m.user_id)).toEqual([a.ids.viewerAUser]);
    expect(seen.systemTenants).toEqual([{ system_id: a.ids.dedicatedA, tenant_id: a.ids.tenantA }]);
    expect(seen.tables).toEqual(expect.arrayContaining(['memberships', 'system_tenants', 'tenant_services', 'ledger_entries']));
    expect(Object.values(seen.tenantBRows).every((n) => n === 0), JSON.stringify(seen.tenantBRows)).toBe(true);

    // The same queries without the tenant context do see tenant B: the emptiness above is the database's doing.
    const all = await withContext(h.database.db, { ...ctx, tenantId: null }, async (trx) => ({
      tenants: await trx.selectFrom('tenants').select('id').execute(),
      systemTenants: await trx.selectFrom('system_tenants').select('tenant_id').where('tenant_id', '=', a.ids.tenantB!).execute(),
    }));
    expect(all.tenants).toHaveLength(2);
    expect(all.systemTenants).toHaveLength(1);

    // and the database refuses a viewer-context write to tenant B
    await expect(withContext(h.database.db, ctx, (trx) =>
      trx.updateTable('tenants').set({ name: 'Hijacked' }).where('id', '=', a.ids.tenantB!).execute()))
      .resolves.toEqual([expect.objectContaining({ numUpdatedRows: 0n })]);
  });

  it('positive control: the table\u2019s requests succeed for org A\u2019s own owner (so a 404 above is isolation, not a bad request)', async () => {
    const failures: string[] = [];
    const order = ['GET', 'POST', 'PATCH', 'DELETE'];
    // removing the viewer comes before deleting its tenant (which would take the membership with it), and
    // revoking org A's owner's token comes last: that token sends every other request
    const rank = (r: Route) => (r.key === 'POST /api/tokens/{id}/revoke' ? 99 : r.key === 'DELETE /api/members/{userId}' ? 2.5 : order.indexOf(r.method));
    const ordered = protectedRoutes().filter((r) => r.key !== 'POST /api/auth/logout')
      .sort((x, y) => rank(x) - rank(y));
    for (const r of ordered) {
      const c = caseOf(r);
      const res = await send(a.tokens.owner, r.method, fillPath(r.path, c.params?.(A)), c.body?.(A));
      const ok = res.statusCode < 300 || (r.method === 'DELETE' && res.statusCode === 409 && res.json().error === 'in_use');
      if (!ok) failures.push(`${r.key}: org A's owner got ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });
});
