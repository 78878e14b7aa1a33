import { createHash } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext } from '../../src/store/database.js';
import { as, memberToken, PASSWORD, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';
import { fillPath, ISOLATION_ROUTES, type World } from '../support/isolation-routes.js';
import { seedScope } from '../support/scope-seed.js';

/** Logging in, sessions and CSRF, API tokens, throttling, and what each role may do. */
describe('authentication and roles', () => {
  let h: Harness;
  let s: SeededOrg;
  /** Each test logs in from its own address, so that the per-address throttle of one does not touch another. */
  let nextIp = 10;
  const ip = () => `192.0.2.${nextIp++}`;

  const login = (body: Record<string, unknown>, options: Partial<InjectOptions> = {}, harness = h) =>
    harness.app.inject({ method: 'POST', url: '/api/auth/login', payload: body, ...options });
  const cookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'tp_session');
  const inOrg = <T>(fn: (trx: Transaction<any>) => Promise<T>, org = s) => withContext(h.database.db, { orgId: org.org.orgId, tenantId: null, userId: null }, fn);
  const count = (table: string, org = s) => inOrg(async (trx) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(trx)).rows[0]!.n), org);

  async function session(email: string, remoteAddress = ip()) {
    const res = await login({ email, password: PASSWORD }, { remoteAddress });
    expect(res.statusCode, res.body).toBe(200);
    return { cookie: cookieOf(res)!.value, csrf: res.json().csrfToken as string, res };
  }

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'auth');
    await seedScope(h, s); // scope change requests for the write routes that name one
  });
  afterAll(async () => { await h?.close(); });

  describe('logging in', () => {
    it('sets an HttpOnly, SameSite=Lax, Path=/ session cookie, not Secure over plain http', async () => {
      const res = await login({ email: s.emails.owner, password: PASSWORD }, { remoteAddress: ip() });
      expect(res.statusCode).toBe(200);
      const cookie = cookieOf(res);
      expect(cookie).toMatchObject({ name: 'tp_session', httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie!.secure).toBeFalsy();
      expect(cookie!.value.length).toBeGreaterThanOrEqual(40);
      const raw = String(res.headers['set-cookie']);
      expect(raw).toMatch(/HttpOnly/);
      expect(raw).toMatch(/SameSite=Lax/);
      expect(raw).not.toMatch(/Secure/);
      const me = res.json();
      expect(me).toMatchObject({ role: 'owner', via: 'session', tenantId: null, org: { id: s.org.orgId, slug: s.org.slug } });
      expect(me.csrfToken).toEqual(expect.any(String));
      expect(me.user.email).toBe(s.emails.owner);
      expect(res.body).not.toContain(cookie!.value);
      expect(res.body).not.toMatch(/password|hash/i);
      // a forwarded "https" is not believed from a client when no proxy is trusted
      const spoofed = await login({ email: s.emails.owner, password: PASSWORD }, { remoteAddress: ip(), headers: { 'x-forwarded-proto': 'https' } });
      expect(cookieOf(spoofed)!.secure).toBeFalsy();
    });

    it('marks the cookie Secure when a trusted proxy says the request came over https', async () => {
      const proxied = await startHarness({ TENANTPROOF_TRUST_PROXY: 'true' });
      try {
        const org = await seedOrg(proxied, 'auth-proxy');
        const viaHttps = await login({ email: org.emails.owner, password: PASSWORD }, { remoteAddress: ip(), headers: { 'x-forwarded-proto': 'https' } }, proxied);
        expect(viaHttps.statusCode).toBe(200);
        expect(cookieOf(viaHttps)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
        expect(String(viaHttps.headers['set-cookie'])).toMatch(/Secure/);
        const viaHttp = await login({ email: org.emails.owner, password: PASSWORD }, { remoteAddress: ip(), headers: { 'x-forwarded-proto': 'http' } }, proxied);
        expect(cookieOf(viaHttp)!.secure).toBeFalsy();
      } finally {
        await proxied.close();
      }
    });

    it('answers a wrong password and an unknown email identically (401 invalid_credentials)', async () => {
      const wrong = await login({ email: s.emails.auditor, password: 'not the password' }, { remoteAddress: ip() });
      const unknown = await login({ email: `${unique('nobody')}@example.test`, password: 'not the password' }, { remoteAddress: ip() });
      const wrongOrg = await login({ email: s.emails.auditor, password: PASSWORD, org: 'some-other-org' }, { remoteAddress: ip() });
      for (const res of [wrong, unknown, wrongOrg]) {
        expect(res.statusCode).toBe(401);
        expect(res.json().error).toBe('invalid_credentials');
        expect(cookieOf(res)).toBeUndefined();
      }
      expect(unknown.json()).toEqual(wrong.json());
      expect(unknown.headers['set-cookie']).toBeUndefined();
      // email case does not matter
      expect((await login({ email: s.emails.auditor!.toUpperCase(), password: PASSWORD }, { remoteAddress: ip() })).statusCode).toBe(200);
    });

    it('locks an account after 5 failures: 429 with Retry-After, even with the right password', async () => {
      const victim = await memberToken(h, s.org, 'engineer');
      const from = ip();
      for (let i = 0; i < 5; i++) {
        const res = await login({ email: victim.email, password: `wrong ${i}` }, { remoteAddress: from });
        expect(res.statusCode, `failure ${i + 1}`).toBe(401);
      }
      const locked = await login({ email: victim.email, password: PASSWORD }, { remoteAddress: ip() });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error).toBe('too_many_attempts');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(cookieOf(locked)).toBeUndefined();
      // other accounts are not affected, and the locked person's API token still works (lockout guards passwords)
      expect((await login({ email: s.emails.auditor, password: PASSWORD }, { remoteAddress: from })).statusCode).toBe(200);
      expect((await as(h, victim.token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    });

    it('limits attempts per address: the 21st within the window gets 429, another address does not', async () => {
      const from = ip();
      for (let i = 0; i < 20; i++) {
        const res = await login({ email: `${unique('spray')}@example.test`, password: 'guess' }, { remoteAddress: from });
        expect(res.statusCode, `attempt ${i + 1}`).toBe(401);
      }
      const blocked = await login({ email: s.emails.auditor, password: PASSWORD }, { remoteAddress: from });
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error).toBe('too_many_attempts');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await login({ email: s.emails.auditor, password: PASSWORD }, { remoteAddress: ip() })).statusCode).toBe(200);
    });
  });

  describe('sessions and CSRF', () => {
    it('a cookie write needs the X-CSRF-Token header; reads do not', async () => {
      const { cookie, csrf } = await session(s.emails['isms-manager']!);
      const other = await session(s.emails.owner!);
      const before = await count('services');
      const write = (headers: Record<string, string>) => h.app.inject({
        method: 'POST', url: '/api/services', cookies: { tp_session: cookie }, headers, payload: { slug: unique('csrf'), name: 'CSRF' },
      });
      const attempts: Array<Record<string, string>> = [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': other.csrf }, { 'x-csrf-token': '' }];
      for (const headers of attempts) {
        const res = await write(headers);
        expect(res.statusCode).toBe(403);
        expect(res.json().error).toBe('csrf_failed');
      }
      expect(await count('services')).toBe(before);
      const ok = await write({ 'x-csrf-token': csrf });
      expect(ok.statusCode).toBe(201);
      expect(await count('services')).toBe(before + 1);
      const read = await h.app.inject({ method: 'GET', url: '/api/services', cookies: { tp_session: cookie } });
      expect(read.statusCode).toBe(200);
      const me = await h.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { tp_session: cookie } });
      expect(me.json()).toMatchObject({ via: 'session', role: 'isms-manager', csrfToken: csrf });
      // a made-up cookie is no session
      expect((await h.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { tp_session: 'forged' } })).statusCode).toBe(401);
    });

    it('logout ends the session: the old cookie gets 401 afterwards', async () => {
      const { cookie, csrf } = await session(s.emails.engineer!);
      expect((await h.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { tp_session: cookie } })).statusCode).toBe(200);
      const noCsrf = await h.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { tp_session: cookie } });
      expect(noCsrf.statusCode).toBe(403);
      const out = await h.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { tp_session: cookie }, headers: { 'x-csrf-token': csrf } });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(/tp_session=;/);
      const after = await h.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { tp_session: cookie } });
      expect(after.statusCode).toBe(401);
      expect(after.json().error).toBe('unauthenticated');
    });

    it('a login and a logout are ledger entries naming the address and the request; a failed login writes none', async () => {
      const entries = () => inOrg((trx) => trx.selectFrom('ledger_entries').selectAll().where('object_type', '=', 'session').orderBy('idx').execute());
      const before = (await entries()).length;
      const address = ip();
      expect((await login({ email: s.emails.engineer!, password: 'wrong password here' }, { remoteAddress: address })).statusCode).toBe(401);
      expect((await entries()).length).toBe(before);
      const { cookie, csrf } = await session(s.emails.engineer!, address);
      await h.app.inject({ method: 'POST', url: '/api/auth/logout', remoteAddress: address, cookies: { tp_session: cookie }, headers: { 'x-csrf-token': csrf, 'x-request-id': 'req-logout-1' } });
      const [loginEntry, logoutEntry] = (await entries()).slice(before);
      expect(loginEntry).toMatchObject({ action: 'login', actor: s.emails.engineer });
      expect(logoutEntry).toMatchObject({ action: 'logout', object_id: loginEntry!.object_id });
      expect(JSON.parse(loginEntry!.payload).details).toMatchObject({ sourceIp: address, via: 'session' });
      expect(JSON.parse(logoutEntry!.payload).details).toMatchObject({ sourceIp: address, requestId: 'req-logout-1' });
    });

    it('an expired session gets 401 session_expired', async () => {
      const { cookie } = await session(s.emails.auditor!);
      await inOrg((trx) => trx.updateTable('sessions').set({ expires_at: sql`now() - interval '1 minute'` })
        .where('token_hash', '=', createHash('sha256').update(cookie).digest('hex')).execute());
      const res = await h.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { tp_session: cookie } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('session_expired');
    });

    it('session secrets are stored hashed', async () => {
      const { cookie, res } = await session(s.emails.owner!);
      const rows = await inOrg((trx) => trx.selectFrom('sessions').selectAll().execute());
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(cookie);
      expect(rows.map((r: any) => r.token_hash)).toContain(createHash('sha256').update(cookie).digest('hex'));
      expect(res.json().csrfToken).not.toBe(cookie);
    });
  });

  describe('API tokens', () => {
    it('a created token works as a bearer token; revoked → 401 token_revoked', async () => {
      const created = await as(h, s.tokens.engineer, { method: 'POST', url: '/api/tokens', payload: { name: 'ci' } });
      expect(created.statusCode).toBe(201);
      const { token, apiToken } = created.json();
      expect(token).toMatch(/^tp_/);
      expect(apiToken.prefix).toBe(token.slice(0, 10));
      const me = await as(h, token, { method: 'GET', url: '/api/auth/me' });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ via: 'token', role: 'engineer', csrfToken: null });
      // a bearer token needs no CSRF header for writes
      expect((await as(h, token, { method: 'POST', url: '/api/systems', payload: { slug: unique('tok'), name: 'By token', kind: 'api', environment: 'production', tenancy: 'multi-tenant', inScope: true } })).statusCode).toBe(201);
      const revoked = await as(h, token, { method: 'POST', url: `/api/tokens/${apiToken.id}/revoke` });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().revokedAt).toEqual(expect.any(String));
      const after = await as(h, token, { method: 'GET', url: '/api/auth/me' });
      expect(after.statusCode).toBe(401);
      expect(after.json().error).toBe('token_revoked');
    });

    it('an expired token → 401 token_expired', async () => {
      const created = (await as(h, s.tokens.auditor, { method: 'POST', url: '/api/tokens', payload: { name: 'short', expiresInDays: 1 } })).json();
      expect((await as(h, created.token, { method: 'GET', url: '/api/org' })).statusCode).toBe(200);
      await inOrg((trx) => trx.updateTable('api_tokens').set({ expires_at: sql`now() - interval '1 second'` }).where('id', '=', created.apiToken.id).execute());
      const res = await as(h, created.token, { method: 'GET', url: '/api/org' });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('token_expired');
    });

    it('a malformed or unknown Authorization header → 401', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${s.tokens.owner} extra`, s.tokens.owner, 'Bearer tp_not-a-real-token', `Token ${s.tokens.owner}`]) {
        const res = await h.app.inject({ method: 'GET', url: '/api/org', headers: { authorization } });
        expect(res.statusCode, authorization).toBe(401);
        expect(res.json().error, authorization).toBe('unauthenticated');
      }
      // and a bad header is not rescued by a good cookie
      const { cookie } = await session(s.emails.owner!);
      const both = await h.app.inject({ method: 'GET', url: '/api/org', headers: { authorization: 'Basic x' }, cookies: { tp_session: cookie } });
      expect(both.statusCode).toBe(401);
    });

    it('tokens are stored hashed: the secret never appears in the database', async () => {
      const created = (await as(h, s.tokens.owner, { method: 'POST', url: '/api/tokens', payload: { name: 'hashed' } })).json();
      const secret: string = created.token;
      const rows = await inOrg((trx) => trx.selectFrom('api_tokens').selectAll().execute());
      const changes = await inOrg((trx) => trx.selectFrom('ledger_entries').selectAll().execute());
      expect(rows.length).toBeGreaterThan(6);
      for (const known of [secret, ...Object.values(s.tokens)]) {
        expect(JSON.stringify(rows)).not.toContain(known);
        expect(JSON.stringify(changes)).not.toContain(known);
        // nor the part after the shown prefix
        expect(JSON.stringify(rows)).not.toContain(known.slice(10));
      }
      const row = rows.find((r: any) => r.id === created.apiToken.id)!;
      expect(row.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      // and the list never shows it again
      expect((await as(h, s.tokens.owner, { method: 'GET', url: '/api/tokens' })).body).not.toContain(secret);
    });

    it('a tenant-viewer\u2019s token reaches only its tenant', async () => {
      const list = (await as(h, s.tokens.viewerA, { method: 'GET', url: '/api/tenants' })).json();
      expect(list.items.map((t: any) => t.id)).toEqual([s.ids.tenantA]);
      expect((await as(h, s.tokens.viewerA, { method: 'GET', url: `/api/tenants/${s.ids.tenantB}` })).statusCode).toBe(404);
      expect((await as(h, s.tokens.viewerA, { method: 'GET', url: `/api/tenants/${s.ids.tenantB}/footprint` })).statusCode).toBe(404);
      expect((await as(h, s.tokens.viewerA, { method: 'GET', url: `/api/tenants/${s.ids.tenantA}/footprint` })).statusCode).toBe(200);
      const me = (await as(h, s.tokens.viewerA, { method: 'GET', url: '/api/auth/me' })).json();
      expect(me).toMatchObject({ role: 'tenant-viewer', tenantId: s.ids.tenantA });
      // a token the viewer creates for itself is just as limited
      const own = (await as(h, s.tokens.viewerA, { method: 'POST', url: '/api/tokens', payload: { name: 'mine' } })).json();
      expect((await as(h, own.token, { method: 'GET', url: '/api/tenants' })).json().items.map((t: any) => t.id)).toEqual([s.ids.tenantA]);
      expect((await as(h, own.token, { method: 'GET', url: `/api/tenants/${s.ids.tenantB}` })).statusCode).toBe(404);
    });
  });

  describe('roles', () => {
    it('an auditor gets 403 forbidden on every write route (tokens for itself and logout aside), and nothing is written', async () => {
      const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      const tokens = (await as(h, s.tokens.owner, { method: 'GET', url: '/api/tokens' })).json().items as Array<{ id: string; ownerEmail: string }>;
      const world: World = { s, tokenIds: { owner: tokens.find((t) => t.ownerEmail === s.emails.owner)!.id, viewerB: tokens.find((t) => t.ownerEmail === s.emails.viewerB)!.id } };
      // Verifications are open to auditors: checking the ledger is their job. Most only read; a background run
      // (POST /api/ledger/verifications) records itself and its result, the auditor's own act, like a token for itself.
      const selfService = new Set(['POST /api/tokens', 'POST /api/tokens/{id}/revoke', 'POST /api/auth/logout', 'POST /api/ledger/verify', 'POST /api/ledger/checkpoints/verify', 'POST /api/ledger/verifications']);
      const before = await count('ledger_entries');
      const problems: string[] = [];
      let tried = 0;
      for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
        for (const method of Object.keys(ops).map((m) => m.toUpperCase()).filter((m) => m !== 'GET')) {
          const key = `${method} ${path}`;
          const c = ISOLATION_ROUTES[key];
          if (!c) { problems.push(`teach the isolation table about ${key}`); continue; }
          if (c.public || selfService.has(key)) continue;
          const options: InjectOptions = { method: method as InjectOptions['method'], url: fillPath(path, c.params?.(world)) };
          if (c.body) options.payload = c.body(world) as InjectOptions['payload'];
          const res = await as(h, s.tokens.auditor, options);
          tried++;
          if (res.statusCode !== 403 || res.json().error !== 'forbidden') problems.push(`${key}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
      }
      expect(tried).toBeGreaterThanOrEqual(19); // 5 resources × 3 writes, the org, and 3 member routes
      expect(problems).toEqual([]);
      expect(await count('ledger_entries')).toBe(before);
      // while reading everything is fine
      for (const url of ['/api/services', '/api/vendors', '/api/tenants', '/api/systems', '/api/data-flows', '/api/members', '/api/dashboard']) {
        expect((await as(h, s.tokens.auditor, { method: 'GET', url })).statusCode, url).toBe(200);
      }
    });

    it('an engineer writes systems and data flows, but not tenants, services or vendors', async () => {
      const e = s.tokens.engineer;
      const sys = await as(h, e, { method: 'POST', url: '/api/systems', payload: { slug: unique('eng'), name: 'Eng', kind: 'queue', environment: 'staging', tenancy: 'multi-tenant', inScope: true } });
      expect(sys.statusCode).toBe(201);
      expect((await as(h, e, { method: 'PATCH', url: `/api/systems/${sys.json().id}`, payload: { owner: 'Platform' } })).statusCode).toBe(200);
      const flow = await as(h, e, { method: 'POST', url: '/api/data-flows', payload: { slug: unique('eng'), name: 'Eng flow', fromSystemId: sys.json().id, toVendorId: s.ids.vendor } });
      expect(flow.statusCode).toBe(201);
      expect((await as(h, e, { method: 'PATCH', url: `/api/data-flows/${flow.json().id}`, payload: { purpose: 'Metrics' } })).statusCode).toBe(200);
      expect((await as(h, e, { method: 'DELETE', url: `/api/data-flows/${flow.json().id}` })).statusCode).toBe(204);
      expect((await as(h, e, { method: 'DELETE', url: `/api/systems/${sys.json().id}` })).statusCode).toBe(204);
      const refused = [
        { method: 'POST', url: '/api/tenants', payload: { slug: unique('eng'), name: 'T', tier: 'C', tenancyPattern: 'pooled' } },
        { method: 'PATCH', url: `/api/tenants/${s.ids.tenantA}`, payload: { name: 'T' } },
        { method: 'DELETE', url: `/api/tenants/${s.ids.tenantB}` },
        { method: 'POST', url: '/api/services', payload: { slug: unique('eng'), name: 'S' } },
        { method: 'PATCH', url: `/api/services/${s.ids.service}`, payload: { name: 'S' } },
        { method: 'DELETE', url: `/api/services/${s.ids.service2}` },
        { method: 'POST', url: '/api/vendors', payload: { slug: unique('eng'), name: 'V' } },
        { method: 'PATCH', url: `/api/vendors/${s.ids.vendor}`, payload: { name: 'V' } },
        { method: 'DELETE', url: `/api/vendors/${s.ids.vendor}` },
        { method: 'PATCH', url: '/api/org', payload: { name: 'Engineered' } },
      ] as InjectOptions[];
      for (const r of refused) {
        const res = await as(h, e, r);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
        expect(res.json().error).toBe('forbidden');
      }
    });

    it('a tenant-viewer gets 403 on the systems, services, vendors, data-flows and members lists', async () => {
      for (const url of ['/api/systems', '/api/services', '/api/vendors', '/api/data-flows', '/api/members', '/api/dashboard']) {
        const res = await as(h, s.tokens.viewerA, { method: 'GET', url });
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error).toBe('forbidden');
        expect(res.body).not.toContain(s.ids.dedicatedB);
      }
    });

    it('a display name is changed only by its person, since the account is shared across organizations', async () => {
      const other = await as(h, s.tokens.owner, { method: 'PATCH', url: `/api/members/${s.ids.viewerAUser}`, payload: { displayName: 'Renamed by the owner' } });
      expect(other.statusCode).toBe(403);
      expect(other.json().field).toBe('displayName');
      const me = (await as(h, s.tokens.owner, { method: 'GET', url: '/api/auth/me' })).json();
      const self = await as(h, s.tokens.owner, { method: 'PATCH', url: `/api/members/${me.user.id}`, payload: { displayName: 'Olivia the Owner' } });
      expect(self.statusCode, self.body).toBe(200);
      expect(self.json().displayName).toBe('Olivia the Owner');
    });

    it('only owners manage members', async () => {
      const body = () => ({ email: `${unique('m')}@example.test`, displayName: 'M', role: 'auditor', password: 'a long enough password' });
      for (const role of ['isms-manager', 'engineer', 'auditor', 'viewerA'] as const) {
        const token = s.tokens[role];
        for (const r of [
          { method: 'POST', url: '/api/members', payload: body() },
          { method: 'PATCH', url: `/api/members/${s.ids.viewerBUser}`, payload: { role: 'auditor', tenantId: null } },
          { method: 'DELETE', url: `/api/members/${s.ids.viewerBUser}` },
        ] as InjectOptions[]) {
          const res = await as(h, token, r);
          expect(res.statusCode, `${role} ${r.method} ${r.url}`).toBe(403);
        }
      }
      expect((await as(h, s.tokens.viewerB, { method: 'GET', url: '/api/auth/me' })).json().role).toBe('tenant-viewer');
      const added = await as(h, s.tokens.owner, { method: 'POST', url: '/api/members', payload: body() });
      expect(added.statusCode).toBe(201);
      const changed = await as(h, s.tokens.owner, { method: 'PATCH', url: `/api/members/${added.json().userId}`, payload: { role: 'engineer' } });
      expect(changed.json().role).toBe('engineer');
      expect((await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/members/${added.json().userId}` })).statusCode).toBe(204);
    });

    it('the last owner can be neither demoted nor removed (409); with a second owner, both work', async () => {
      const o = await seedOrg(h, 'owners');
      const members = (await as(h, o.tokens.owner, { method: 'GET', url: '/api/members' })).json().items as any[];
      const owner = members.find((m) => m.email === o.emails.owner);
      expect(members.filter((m) => m.role === 'owner')).toHaveLength(1);
      const demote = await as(h, o.tokens.owner, { method: 'PATCH', url: `/api/members/${owner.userId}`, payload: { role: 'auditor' } });
      expect(demote.statusCode).toBe(409);
      expect(demote.json().error).toBe('conflict');
      const remove = await as(h, o.tokens.owner, { method: 'DELETE', url: `/api/members/${owner.userId}` });
      expect(remove.statusCode).toBe(409);
      expect(remove.json().error).toBe('conflict');
      expect((await as(h, o.tokens.owner, { method: 'GET', url: `/api/members/${owner.userId}` })).json().role).toBe('owner');

      const second = await memberToken(h, o.org, 'owner');
      expect((await as(h, second.token, { method: 'PATCH', url: `/api/members/${owner.userId}`, payload: { role: 'auditor' } })).statusCode).toBe(200);
      // now the second is the last owner
      expect((await as(h, second.token, { method: 'DELETE', url: `/api/members/${second.userId}` })).statusCode).toBe(409);
      // and the demoted first owner lost its powers at once
      expect((await as(h, o.tokens.owner, { method: 'POST', url: '/api/members', payload: { email: `${unique('x')}@example.test`, displayName: 'X', role: 'auditor', password: 'a long enough password' } })).statusCode).toBe(403);
    });
  });
});
