import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/services/demo.js';
import { actorForMember } from '../../src/services/provisioning.js';
import { currentStatement, getChangeRequest, listChangeRequests } from '../../src/services/scope-statement.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * The scope statement is versioned and changes only through change requests: drafted (engineers too),
 * submitted with its ISMS impact, and signed off by an owner or ISMS manager who did not ask for it.
 * Approval creates the next version atomically; every step is a ledger entry.
 */
describe('scope statement and change requests', () => {
  let h: Harness;
  let s: SeededOrg;
  let other: SeededOrg;
  type Method = 'GET' | 'POST' | 'PATCH';
  const api = (token: string, method: Method, url: string, payload?: unknown) =>
    as(h, token, { method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const impact = { assets: 'Harbor app servers in the new region.', risks: 'Residency of EU tenants.', controls: 'A.5.23, A.8.14.', tenants: 'None notified; no tenant moves.' };
  const proposal = (over: Record<string, unknown> = {}) => ({
    text: 'The ISMS covers the design, operation and support of Harbor Cloud.\nIt is run from Dublin.',
    serviceIds: [s.ids.service], locations: ['Dublin office', 'AWS eu-west-1'], teams: ['Platform Engineering'],
    exclusions: [{ subject: 'Corporate finance', justification: 'Holds no customer data.' }], ...over,
  });
  const draft = (token: string, over: Record<string, unknown> = {}) =>
    api(token, 'POST', '/api/scope/change-requests', { title: 'Change', kind: 'new-region', impact, proposed: proposal(), ...over });
  /** The scope entries of the ledger, oldest first. */
  const scopeEntries = (orgId = s.org.orgId) => withContext(h.database.db, { orgId, tenantId: null, userId: null }, (trx) =>
    trx.selectFrom('ledger_entries').select(['action', 'object_type', 'object_id', 'actor']).where('object_type', 'like', 'scope-%').orderBy('idx').execute());
  const versions = () => withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
    trx.selectFrom('scope_statements').select('version').orderBy('version').execute().then((rows) => rows.map((r) => Number(r.version))));
  /** Draft and submit as `requester`; returns the request's id. */
  const submitted = async (requester: string, over: Record<string, unknown> = {}) => {
    const created = await draft(requester, over);
    expect(created.statusCode, created.body).toBe(201);
    const res = await api(requester, 'POST', `/api/scope/change-requests/${created.json().id}/submit`);
    expect(res.statusCode, res.body).toBe(200);
    return created.json().id as string;
  };

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'scope');
    other = await seedOrg(h, 'scope-other');
  });
  afterAll(async () => { await h?.close(); });

  it('draft → submitted → approved creates version 1, then version 2; history, paging and diffs', async () => {
    expect((await api(s.tokens.owner, 'GET', '/api/scope/statement')).json().error).toBe('not_found');
    // An engineer proposes the first statement (a new platform is an engineer's job to propose).
    const created = await draft(s.tokens.engineer, { title: 'Initial scope', kind: 'other' });
    expect(created.statusCode, created.body).toBe(201);
    const cr = created.json();
    expect(cr).toMatchObject({ number: 1, status: 'draft', baseVersion: 0, resultingVersion: null, allowed: { edit: true, submit: true, approve: false } });
    expect(cr.proposed.services).toEqual([{ id: s.ids.service, slug: 'hosting', name: 'Hosting' }]);
    expect((await api(s.tokens.engineer, 'POST', `/api/scope/change-requests/${cr.id}/submit`)).json().status).toBe('submitted');
    // The ISMS manager sees it waiting for sign-off, with the buttons it may use.
    const seen = (await api(s.tokens['isms-manager'], 'GET', `/api/scope/change-requests/${cr.id}`)).json();
    expect(seen.allowed).toEqual({ edit: false, submit: false, approve: true, reject: true, withdraw: true });
    const approved = await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${cr.id}/approve`, { note: 'Matches the platform as built.' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', resultingVersion: 1, decisionNote: 'Matches the platform as built.' });
    expect(approved.json().decidedBy).toBe(s.emails['isms-manager'] + ' (API token)');
    const v1 = (await api(s.tokens.auditor, 'GET', '/api/scope/statement')).json();
    expect(v1).toMatchObject({ version: 1, changeRequestId: cr.id, changeRequestNumber: 1, locations: ['Dublin office', 'AWS eu-west-1'] });
    expect(v1.services).toEqual([{ id: s.ids.service, slug: 'hosting', name: 'Hosting' }]);

    // The second change: drafted by the ISMS manager, edited while a draft, approved by the owner.
    const second = (await draft(s.tokens['isms-manager'], { title: 'Backup service and Frankfurt', kind: 'new-service' })).json();
    expect(second.baseVersion).toBe(1);
    const edited = await api(s.tokens['isms-manager'], 'PATCH', `/api/scope/change-requests/${second.id}`, {
      proposed: proposal({
        text: 'The ISMS covers the design, operation and support of Harbor Cloud and Backup.\nIt is run from Dublin.',
        serviceIds: [s.ids.service, s.ids.service2], locations: ['Dublin office', 'AWS eu-west-1', 'AWS eu-central-1'], teams: [],
        exclusions: [{ subject: 'Corporate finance', justification: 'Billing contacts only; covered by the financial audit.' }],
      }),
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().proposed.services.map((x: any) => x.slug)).toEqual(['backup', 'hosting']);
    await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${second.id}/submit`);
    expect((await api(s.tokens['isms-manager'], 'PATCH', `/api/scope/change-requests/${second.id}`, { title: 'Too late' })).json().error).toBe('conflict');
    expect((await api(s.tokens.owner, 'POST', `/api/scope/change-requests/${second.id}/approve`)).json().resultingVersion).toBe(2);
    expect((await api(s.tokens.owner, 'GET', '/api/scope/statement')).json().version).toBe(2);
    expect((await api(s.tokens.owner, 'GET', '/api/scope/statements/1')).json().text).toBe(v1.text);

    const page1 = (await api(s.tokens.auditor, 'GET', '/api/scope/statements?limit=1')).json();
    expect(page1.items.map((v: any) => v.version)).toEqual([2]);
    expect(page1.items[0]).toMatchObject({ changeRequestNumber: 2, changeRequestTitle: 'Backup service and Frankfurt' });
    expect(page1.total).toBe(2);
    const page2 = (await api(s.tokens.auditor, 'GET', `/api/scope/statements?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.items.map((v: any) => v.version)).toEqual([1]);
    expect(page2.nextCursor).toBeNull();
    expect((await api(s.tokens.auditor, 'GET', '/api/scope/statements?cursor=bogus')).json().error).toBe('invalid_cursor');

    const diff = (await api(s.tokens.auditor, 'GET', '/api/scope/statements/2/diff')).json();
    expect(diff).toMatchObject({
      from: 1, to: 2, changed: true,
      services: { added: [{ slug: 'backup', name: 'Backup' }], removed: [] },
      locations: { added: ['AWS eu-central-1'], removed: [] },
      teams: { added: [], removed: ['Platform Engineering'] },
      exclusions: { added: [], removed: [], justificationChanged: [{ subject: 'Corporate finance', before: 'Holds no customer data.', after: 'Billing contacts only; covered by the financial audit.' }] },
    });
    expect(diff.text).toEqual([
      { op: 'removed', line: 'The ISMS covers the design, operation and support of Harbor Cloud.' },
      { op: 'added', line: 'The ISMS covers the design, operation and support of Harbor Cloud and Backup.' },
      { op: 'same', line: 'It is run from Dublin.' },
    ]);
    const fromNothing = (await api(s.tokens.auditor, 'GET', '/api/scope/statements/1/diff?against=0')).json();
    expect(fromNothing.services.added.map((x: any) => x.slug)).toEqual(['hosting']);
    expect((await api(s.tokens.auditor, 'GET', '/api/scope/statements/2/diff?against=2')).json().changed).toBe(false);
    expect((await api(s.tokens.auditor, 'GET', '/api/scope/statements/2/diff?against=9')).json()).toMatchObject({ error: 'not_found', field: 'against' });
    expect((await api(s.tokens.auditor, 'GET', '/api/scope/statements/9')).statusCode).toBe(404);

    // Every step is in the ledger, in order, with who did it.
    const entries = (await scopeEntries()).map((e) => `${e.action} ${e.object_type}`);
    expect(entries).toEqual([
      'create scope-change-request', 'submit scope-change-request', 'create scope-statement', 'approve scope-change-request',
      'create scope-change-request', 'update scope-change-request', 'submit scope-change-request', 'create scope-statement', 'approve scope-change-request',
    ]);
    const list = (await api(s.tokens.auditor, 'GET', '/api/scope/change-requests?status=approved')).json();
    expect(list.items.map((x: any) => x.number)).toEqual([2, 1]);
    expect(list.total).toBe(2);
    expect((await api(s.tokens.auditor, 'GET', '/api/scope/change-requests?status=draft')).json().total).toBe(0);
  });

  it('a scope change approved (or rejected) by its own requester is refused, and nothing is written', async () => {
    const id = await submitted(s.tokens['isms-manager'], { title: 'Self-approved' });
    const ledgerBefore = await scopeEntries();
    const versionsBefore = await versions();
    const self = await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${id}/approve`, { note: 'Looks good to me.' });
    expect(self.statusCode).toBe(403);
    expect(self.json().error).toBe('separation_of_duties');
    expect((await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${id}/reject`, { note: 'Changed my mind.' })).json().error).toBe('separation_of_duties');
    const mine = (await api(s.tokens['isms-manager'], 'GET', `/api/scope/change-requests/${id}`)).json();
    expect(mine).toMatchObject({ status: 'submitted', decidedBy: null, resultingVersion: null });
    expect(mine.allowed).toMatchObject({ approve: false, reject: false, withdraw: true });
    expect(await versions()).toEqual(versionsBefore);
    expect(await scopeEntries()).toEqual(ledgerBefore);
    // The database refuses it too, whatever the service does.
    await expect(withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
      trx.updateTable('scope_change_requests').set((eb) => ({ status: 'rejected', decided_by_user: eb.ref('requested_by_user'), decided_by: 'self' })).where('id', '=', id).execute()))
      .rejects.toMatchObject({ constraint: 'scope_change_requests_separation_of_duties' });
    // Another manager may decide it; the requester may still withdraw its own.
    const rejected = await api(s.tokens.owner, 'POST', `/api/scope/change-requests/${id}/reject`, { note: 'Not needed.' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: 'Not needed.' });
    const id2 = await submitted(s.tokens['isms-manager'], { title: 'Withdrawn' });
    expect((await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${id2}/withdraw`)).json().status).toBe('withdrawn');
    expect((await api(s.tokens.owner, 'POST', `/api/scope/change-requests/${id2}/approve`)).json().error).toBe('conflict');
  });

  it('engineers propose but cannot decide; auditors only read; a tenant-viewer reads the current statement only', async () => {
    const id = await submitted(s.tokens.engineer, { title: 'Engineer proposal' });
    const byEngineer = await api(s.tokens.engineer, 'POST', `/api/scope/change-requests/${id}/approve`);
    expect(byEngineer.statusCode).toBe(403);
    expect(byEngineer.json().error).toBe('forbidden');
    expect((await api(s.tokens.engineer, 'POST', `/api/scope/change-requests/${id}/reject`, { note: 'x' })).json().error).toBe('forbidden');
    // An engineer cannot edit or withdraw someone else's request.
    const managers = (await draft(s.tokens['isms-manager'], { title: 'Manager draft' })).json();
    expect((await api(s.tokens.engineer, 'PATCH', `/api/scope/change-requests/${managers.id}`, { title: 'Mine now' })).json().error).toBe('forbidden');
    expect((await api(s.tokens.engineer, 'POST', `/api/scope/change-requests/${managers.id}/withdraw`)).json().error).toBe('forbidden');

    expect((await api(s.tokens.auditor, 'GET', `/api/scope/change-requests/${id}`)).json().allowed).toEqual({ edit: false, submit: false, approve: false, reject: false, withdraw: false });
    for (const [method, url, body] of [
      ['POST', '/api/scope/change-requests', { title: 'x', kind: 'other', proposed: proposal() }],
      ['POST', `/api/scope/change-requests/${id}/approve`, {}],
      ['POST', `/api/scope/change-requests/${id}/withdraw`, undefined],
      ['PATCH', `/api/scope/change-requests/${id}`, { title: 'x' }],
    ] as const) {
      const res = await api(s.tokens.auditor, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }

    const viewer = await api(s.tokens.viewerA, 'GET', '/api/scope/statement');
    expect(viewer.statusCode).toBe(200);
    const statement = viewer.json();
    // What a certificate shows: services by name, no ids, no sign-off names, no link to the change requests.
    expect(statement.services.every((x: any) => !('id' in x))).toBe(true);
    expect(statement).not.toHaveProperty('approvedBy');
    expect(statement).not.toHaveProperty('changeRequestId');
    expect(viewer.body).not.toContain(s.ids.service2);
    for (const url of ['/api/scope/statements', '/api/scope/statements/1', '/api/scope/statements/2/diff', '/api/scope/change-requests', `/api/scope/change-requests/${id}`]) {
      const res = await api(s.tokens.viewerA, 'GET', url);
      expect(res.statusCode, url).toBe(403);
    }
    expect((await draft(s.tokens.viewerA)).statusCode).toBe(403);
  });

  it('refuses bad input, naming the field, and writes nothing', async () => {
    const ledgerBefore = await scopeEntries();
    const cases: Array<[unknown, number, string, string]> = [
      [{ title: 'x', kind: 'other', proposed: proposal({ exclusions: [{ subject: 'Lab', justification: '' }] }) }, 400, 'validation_failed', 'proposed.exclusions.0.justification'],
      [{ title: 'x', kind: 'other', proposed: proposal({ exclusions: [{ subject: 'Lab' }] }) }, 400, 'validation_failed', 'proposed.exclusions.0.justification'],
      [{ title: 'x', kind: 'other', proposed: proposal({ exclusions: [{ subject: 'Lab', justification: 'a' }, { subject: 'Lab', justification: 'b' }] }) }, 422, 'invalid_value', 'proposed.exclusions.1.subject'],
      [{ title: 'x', kind: 'other', proposed: proposal(), approvedBy: 'me' }, 400, 'validation_failed', 'approvedBy'],
      [{ title: 'x', kind: 'new-customer', proposed: proposal() }, 400, 'validation_failed', 'kind'],
      [{ title: 'x', kind: 'other', proposed: proposal({ tenantIds: [] }) }, 400, 'validation_failed', 'proposed.tenantIds'],
      [{ title: 'x', kind: 'other', proposed: proposal({ text: 'x'.repeat(20001) }) }, 400, 'validation_failed', 'proposed.text'],
      [{ title: 'x', kind: 'other', impact: { ...impact, extra: 'y' }, proposed: proposal() }, 400, 'validation_failed', 'impact.extra'],
      // A service of another organization is exactly a missing one.
      [{ title: 'x', kind: 'other', proposed: proposal({ serviceIds: [s.ids.service, other.ids.service] }) }, 422, 'reference_not_found', 'proposed.serviceIds.1'],
      [{ title: 'x', kind: 'other', proposed: proposal({ serviceIds: ['5b0f3f0e-8d1a-4c43-9a36-2f0f6f1b7c11'] }) }, 422, 'reference_not_found', 'proposed.serviceIds.0'],
    ];
    for (const [body, status, error, field] of cases) {
      const res = await api(s.tokens.owner, 'POST', '/api/scope/change-requests', body);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 200)}: ${res.body}`).toBe(status);
      expect(res.json()).toMatchObject({ error, field });
    }
    const badJson = await h.app.inject({ method: 'POST', url: '/api/scope/change-requests', headers: { authorization: `Bearer ${s.tokens.owner}`, 'content-type': 'application/json' }, payload: '{"title": ' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error).toBe('invalid_json');

    // A draft without its ISMS impact cannot be submitted; a rejection needs its reason; only a submitted request is decided.
    const bare = (await api(s.tokens.owner, 'POST', '/api/scope/change-requests', { title: 'No impact yet', kind: 'new-vendor', proposed: proposal() })).json();
    expect((await api(s.tokens.owner, 'POST', `/api/scope/change-requests/${bare.id}/submit`)).json()).toMatchObject({ error: 'invalid_value', field: 'impact.assets' });
    expect((await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${bare.id}/approve`)).json()).toMatchObject({ error: 'conflict' });
    expect((await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${bare.id}/reject`, {})).json()).toMatchObject({ error: 'validation_failed', field: 'note' });
    expect((await api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${bare.id}/reject`, { note: '  ' })).json()).toMatchObject({ error: 'validation_failed', field: 'note' });
    expect((await api(s.tokens['isms-manager'], 'PATCH', `/api/scope/change-requests/${bare.id}`, { proposed: proposal({ serviceIds: [other.ids.service] }) })).json())
      .toMatchObject({ error: 'reference_not_found', field: 'proposed.serviceIds.0' });
    expect((await api(s.tokens.owner, 'GET', '/api/scope/change-requests/5b0f3f0e-8d1a-4c43-9a36-2f0f6f1b7c11')).statusCode).toBe(404);
    expect((await api(s.tokens.owner, 'GET', '/api/scope/change-requests?status=pending')).json().field).toBe('status');
    expect((await api(s.tokens.owner, 'GET', '/api/scope/statements/0')).json().field).toBe('version');
    // Only the one valid draft above was written.
    const written = (await scopeEntries()).slice(ledgerBefore.length);
    expect(written.map((e) => `${e.action} ${e.object_type} ${e.object_id}`)).toEqual([`create scope-change-request ${bare.id}`]);
  });

  it('another organization never sees, edits or decides these requests', async () => {
    const id = await submitted(s.tokens.engineer, { title: 'Private to org A' });
    for (const [method, url, body] of [
      ['GET', `/api/scope/change-requests/${id}`, undefined],
      ['PATCH', `/api/scope/change-requests/${id}`, { title: 'x' }],
      ['POST', `/api/scope/change-requests/${id}/approve`, {}],
      ['POST', `/api/scope/change-requests/${id}/withdraw`, undefined],
    ] as const) {
      const res = await api(other.tokens.owner, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const list = await api(other.tokens.owner, 'GET', '/api/scope/change-requests?limit=200');
    expect(list.json().total).toBe(0);
    expect(list.body).not.toContain(id);
    expect((await api(other.tokens.owner, 'GET', '/api/scope/statement')).statusCode).toBe(404);
    expect((await api(s.tokens.owner, 'GET', `/api/scope/change-requests/${id}`)).json().status).toBe('submitted');
  });

  it('two concurrent approvals create one version: the same request twice, or two requests written against the same version', async () => {
    const current = (await api(s.tokens.owner, 'GET', '/api/scope/statement')).json().version as number;
    // The same request, approved by two managers at once.
    const id = await submitted(s.tokens.engineer, { title: 'Raced' });
    const both = await Promise.all([
      api(s.tokens.owner, 'POST', `/api/scope/change-requests/${id}/approve`, { note: 'owner' }),
      api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${id}/approve`, { note: 'manager' }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().error).toBe('conflict');
    expect(await versions()).toEqual(Array.from({ length: current + 1 }, (_, i) => i + 1));

    // Two requests drafted against the same version: the second would undo the first, so it is refused.
    const a = await submitted(s.tokens.engineer, { title: 'Race A', proposed: proposal({ locations: ['A'] }) });
    const b = await submitted(s.tokens.engineer, { title: 'Race B', proposed: proposal({ locations: ['B'] }) });
    const race = await Promise.all([
      api(s.tokens.owner, 'POST', `/api/scope/change-requests/${a}/approve`),
      api(s.tokens['isms-manager'], 'POST', `/api/scope/change-requests/${b}/approve`),
    ]);
    expect(race.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(race.find((r) => r.statusCode === 409)!.json()).toMatchObject({ error: 'conflict', field: 'baseVersion' });
    expect(await versions()).toEqual(Array.from({ length: current + 2 }, (_, i) => i + 1));
    const winner = race.find((r) => r.statusCode === 200)!.json();
    expect((await api(s.tokens.owner, 'GET', '/api/scope/statement')).json()).toMatchObject({ version: current + 2, changeRequestId: winner.id });
    // Exactly one statement entry per version in the ledger.
    const statementEntries = (await scopeEntries()).filter((e) => e.object_type === 'scope-statement');
    expect(statementEntries).toHaveLength(current + 2);
  });

  it('a deleted service stays in the versions that named it, and a proposal naming it can no longer be approved', async () => {
    const created = await api(s.tokens.owner, 'POST', '/api/services', { slug: 'edge-cdn', name: 'Edge CDN' });
    expect(created.statusCode, created.body).toBe(201);
    const cdn = created.json().id as string;
    const current = (await api(s.tokens.owner, 'GET', '/api/scope/statement')).json().version as number;
    const withCdn = await submitted(s.tokens.engineer, { title: 'Edge CDN', kind: 'new-service', proposed: proposal({ serviceIds: [s.ids.service, cdn] }) });
    expect((await api(s.tokens.owner, 'POST', `/api/scope/change-requests/${withCdn}/approve`)).json().resultingVersion).toBe(current + 1);
    const pending = await submitted(s.tokens.engineer, { title: 'Still with the CDN', proposed: proposal({ serviceIds: [cdn] }) });
    expect((await api(s.tokens.owner, 'DELETE', `/api/services/${cdn}`)).statusCode).toBe(204);
    // History does not change under a deleted service: the version still names it, without its id.
    const version = (await api(s.tokens.auditor, 'GET', `/api/scope/statements/${current + 1}`)).json();
    expect(version.services).toEqual([{ id: null, slug: 'edge-cdn', name: 'Edge CDN' }, { id: s.ids.service, slug: 'hosting', name: 'Hosting' }]);
    const refused = await api(s.tokens.owner, 'POST', `/api/scope/change-requests/${pending}/approve`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ error: 'reference_not_found', field: 'proposed.serviceIds' });
    expect((await api(s.tokens.owner, 'GET', '/api/scope/statement')).json().version).toBe(current + 1);
  });

  it('a version is never rewritten, even by a query that bypasses the service', async () => {
    await expect(withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
      trx.updateTable('scope_statements').set({ text: 'Rewritten' }).where('version', '=', 1).execute())).rejects.toThrow(/never changed/);
    await expect(withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
      trx.deleteFrom('scope_statements').where('version', '=', 1).execute())).rejects.toThrow(/never changed/);
  });

  it('the demo organization comes with version 1 signed off and a new region waiting for someone other than its requester', async () => {
    const { org } = await loadDemo(h.database.db, { mode: 'development' });
    await loadDemo(h.database.db, { mode: 'development' });
    const owner = await actorForMember(h.database.db, org, 'owner@northwind.example');
    const engineer = await actorForMember(h.database.db, org, 'engineer@northwind.example');
    const statement = await currentStatement(h.database.db, owner);
    expect(statement).toMatchObject({ version: 1, changeRequestNumber: 1, approvedBy: 'owner@northwind.example (CLI)' });
    expect(statement.services.map((x) => x.slug)).toEqual(['harbor-cloud', 'harbor-private', 'managed-backup-dr', 'managed-workplace', 'soc-monitoring']);
    expect(statement.exclusions.every((e) => e.justification.length > 20)).toBe(true);
    // Loading again added nothing: two requests, the second submitted by the engineer.
    const requests = (await listChangeRequests(h.database.db, owner, { limit: 50 })).items;
    expect(requests.map((r) => [r.number, r.status, r.kind])).toEqual([[2, 'submitted', 'new-region'], [1, 'approved', 'other']]);
    expect(requests[0]!.requestedBy).toBe('engineer@northwind.example (CLI)');
    expect(requests[0]!.allowed.approve).toBe(true);
    expect((await getChangeRequest(h.database.db, engineer, requests[0]!.id)).allowed).toMatchObject({ approve: false, withdraw: true });
    const ledger = await scopeEntries(org.orgId);
    expect(ledger.map((e) => `${e.action} ${e.object_type}`)).toEqual([
      'create scope-change-request', 'submit scope-change-request', 'create scope-statement', 'approve scope-change-request',
      'create scope-change-request', 'submit scope-change-request',
    ]);
  });
});
