import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * Event ingestion into the ledger and the investigation queries on top of it: every line accounted for,
 * nothing accepted lost or duplicated, and each tenant's events visible to that tenant only.
 */
describe('events', () => {
  let h: Harness;
  let s: SeededOrg;
  let other: SeededOrg;
  const DAY = 86_400_000;
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const ndjson = (events: unknown[]) => events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n');
  const post = (body: string | unknown[], token = s.tokens.engineer, type = typeof body === 'string' ? 'application/x-ndjson' : 'application/json') =>
    as(h, token, { method: 'POST', url: '/api/events', payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } });
  const get = (url: string, token = s.tokens.auditor) => as(h, token, { method: 'GET', url });
  const size = async (org = s) => withContext(h.database.db, { orgId: org.org.orgId, tenantId: null, userId: null }, async (trx) =>
    Number((await trx.selectFrom('ledger_heads').select('tree_size').executeTakeFirst())?.tree_size ?? 0));
  const event = (over: Record<string, unknown> = {}) => ({
    time: ago(1), source: 'rmm', sourceEventId: unique('e'), tenant: 'tenant-a', actor: 'alice@provider.example', actorType: 'internal',
    action: 'admin-action', target: 'dedicated-a', outcome: 'success', ...over,
  });

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'events');
    other = await seedOrg(h, 'events-other');
  });
  afterAll(async () => { await h?.close(); });

  it('accounts for every line of a mixed NDJSON batch, and appends only the good ones', async () => {
    const good1 = event();
    const good2 = event({ tenant: 'tenant-b', target: 'dedicated-b', actorType: 'external', actor: 'vendor@partner.example' });
    const lines = [
      good1,                                                   // 1 accepted
      '{"time": "2026-01-01T00:00:00Z", "source": ',           // 2 broken JSON
      event({ tenant: 'no-such-tenant' }),                     // 3 unknown tenant
      event({ target: 'no-such-system' }),                     // 4 unknown system
      event({ time: new Date(Date.now() + 3_600_000).toISOString() }), // 5 an hour in the future
      '',                                                      // 6 blank: skipped, numbering kept
      good2,                                                   // 7 accepted
      { ...good1 },                                            // 8 duplicate of line 1 within the batch
      event({ action: 'looked-around' }),                      // 9 not an action class
      event({ colour: 'red' }),                                // 10 unknown field
    ];
    const before = await size();
    const res = await post(ndjson(lines));
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ received: 9, accepted: 2, duplicates: 1, rejected: 6, treeSize: before + 2 });
    const byLine = Object.fromEntries(report.results.map((r: any) => [r.line, r]));
    expect(byLine[1]).toMatchObject({ status: 'accepted', index: before });
    expect(byLine[7]).toMatchObject({ status: 'accepted', index: before + 1 });
    expect(byLine[8]).toMatchObject({ status: 'duplicate', index: before });
    expect(byLine[2]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/not valid JSON/) });
    expect(byLine[3]).toMatchObject({ status: 'rejected', field: 'tenant', reason: expect.stringMatching(/no-such-tenant/) });
    expect(byLine[4]).toMatchObject({ status: 'rejected', field: 'target', reason: expect.stringMatching(/no-such-system/) });
    expect(byLine[5]).toMatchObject({ status: 'rejected', field: 'time', reason: expect.stringMatching(/future/) });
    expect(byLine[6]).toBeUndefined();
    expect(byLine[9]).toMatchObject({ status: 'rejected', field: 'action' });
    expect(byLine[10]).toMatchObject({ status: 'rejected', field: 'colour' });
    expect(await size()).toBe(before + 2);

    // the same batch again: the good lines are duplicates of what was accepted, nothing is appended
    const again = (await post(ndjson(lines))).json();
    expect(again).toMatchObject({ accepted: 0, duplicates: 3, rejected: 6, treeSize: before + 2 });
    expect(again.results.find((r: any) => r.line === 7)).toMatchObject({ status: 'duplicate', index: before + 1 });
    expect(await size()).toBe(before + 2);
  });

  it('takes a JSON array; a batch with nothing acceptable is a 422 listing every line', async () => {
    const ok = await post([event(), event()]);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().accepted).toBe(2);
    const before = await size();
    const bad = await post([event({ tenant: 'nope' }), { time: 'yesterday' }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: 'events_rejected', problems: [{ field: 'tenant' }, { field: 'source' }] });
    expect(bad.json().problems.map((p: any) => p.line)).toEqual([1, 2]);
    expect(await size()).toBe(before);
  });

  it('refuses what is not a batch: an object, an empty body, a 50 MB body', async () => {
    const before = await size();
    const object = await post(JSON.stringify(event()), s.tokens.engineer, 'application/json');
    expect(object.statusCode).toBe(400);
    expect(object.json().message).toMatch(/NDJSON|JSON array/);
    expect((await post('\n\n')).statusCode).toBe(400);
    const huge = `${JSON.stringify(event())}\n`.repeat(Math.ceil((50 * 1024 * 1024) / 300));
    const tooLarge = await post(huge);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error).toBe('body_too_large');
    expect(await size()).toBe(before);
  });

  it('concurrent batches that share source event ids accept each event once, and the rest are duplicates with its index', async () => {
    const shared = Array.from({ length: 40 }, () => event());
    const before = await size();
    // four batches in flight at once, each holding all 40 shared events in its own order plus 5 of its own
    const batches = [0, 1, 2, 3].map((k) => [...shared.slice(k * 10), ...shared.slice(0, k * 10), ...Array.from({ length: 5 }, () => event())]);
    const reports = (await Promise.all(batches.map((b) => post(ndjson(b))))).map((r) => {
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    });
    expect(reports.reduce((n, r) => n + r.accepted, 0)).toBe(40 + 4 * 5);
    expect(reports.reduce((n, r) => n + r.duplicates, 0)).toBe(3 * 40);
    expect(await size()).toBe(before + 60);
    const indexOf = new Map<string, number>();
    reports.forEach((r, k) => r.results.forEach((line: { line: number; index: number }) => {
      const id = (batches[k]![line.line - 1] as { sourceEventId: string }).sourceEventId;
      if (indexOf.has(id)) expect(line.index, id).toBe(indexOf.get(id));
      else indexOf.set(id, line.index);
    }));
    expect(indexOf.size).toBe(60);
  });

  it('an event id is a duplicate only from the same source: another tool may reuse it', async () => {
    const [a, b] = [unique('shared'), unique('shared')];
    const first = await post(ndjson([event({ source: 'rmm', sourceEventId: a }), event({ source: 'psa', sourceEventId: b })]));
    expect(first.json().accepted).toBe(2);
    // rmm/b and psa/a cross the pairs the ledger holds: new events; rmm/a and psa/b are the same again
    const again = await post(ndjson([
      event({ source: 'rmm', sourceEventId: b }), event({ source: 'psa', sourceEventId: a }),
      event({ source: 'rmm', sourceEventId: a }), event({ source: 'psa', sourceEventId: b }),
    ]));
    expect(again.json().results.map((r: { status: string; index?: number }) => r.status)).toEqual(['accepted', 'accepted', 'duplicate', 'duplicate']);
    expect(again.json().results.slice(2).map((r: { index: number }) => r.index)).toEqual(first.json().results.map((r: { index: number }) => r.index));
  });

  it('only owners, ISMS managers and engineers ingest', async () => {
    for (const token of [s.tokens.auditor, s.tokens.viewerA]) {
      const res = await post([event()], token);
      expect(res.statusCode).toBe(403);
    }
  });

  describe('investigations', () => {
    let restoredBy: string;
    beforeAll(async () => {
      restoredBy = `${unique('eng')}@provider.example`;
      const res = await post([
        event({ source: 'backup', action: 'restore', actor: restoredBy, target: 'shared-db', time: ago(20), tenant: null }),
        event({ source: 'backup', action: 'restore', actor: 'bob@provider.example', target: 'shared-db', time: ago(60), tenant: null }),
        event({ source: 'm365', action: 'data-access', actor: 'stranger@evil.example', actorType: 'external', target: 'dedicated-a', time: ago(3) }),
        event({ source: 'm365', action: 'data-access', actor: 'carol@provider.example', actorType: 'internal', target: 'dedicated-a', time: ago(2) }),
        event({ source: 'm365', action: 'data-access', actor: 'dave@tenant-b.example', actorType: 'external', tenant: 'tenant-b', target: 'dedicated-b', time: ago(2), details: { note: '=HYPERLINK("x")' } }),
      ]);
      expect(res.json().accepted).toBe(5);
    });

    it('"which engineer restored this server last month?" in one call', async () => {
      const res = await get(`/api/events?system=shared-db&action=restore&from=${ago(31)}&to=${ago(0)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((e: any) => e.actor)).toEqual([restoredBy]);
    });

    it('"did anyone outside our organization access this tenant\u2019s mailbox system?" in one call', async () => {
      const res = await get('/api/events?tenant=tenant-a&system=dedicated-a&actorType=external&action=data-access');
      expect(res.json().items.map((e: any) => e.actor)).toEqual(['stranger@evil.example']);
      expect(res.json().items[0]).toMatchObject({ tenant: 'tenant-a', target: 'dedicated-a', actorType: 'external', expired: false });
    });

    it('"what did this account do?" across all tenants, and a tenant-viewer sees only its own tenant\u2019s part', async () => {
      const account = `${unique('shared-admin')}@provider.example`;
      const res = await post([
        event({ actor: account, action: 'privilege-change', tenant: 'tenant-a', target: 'dedicated-a', time: ago(4) }),
        event({ actor: account, action: 'export', tenant: 'tenant-b', target: 'dedicated-b', time: ago(3) }),
        event({ actor: account, action: 'config-change', tenant: null, target: 'shared-db', time: ago(2) }),
      ]);
      expect(res.json().accepted).toBe(3);
      const q = `/api/events?actor=${encodeURIComponent(account)}`;
      const everywhere = (await get(q)).json();
      expect(everywhere.items.map((e: any) => [e.action, e.tenant])).toEqual([['config-change', null], ['export', 'tenant-b'], ['privilege-change', 'tenant-a']]);
      // A page at a time, the same events in the same order (the cursor continues where the first page ended).
      const first = (await get(`${q}&limit=2`)).json();
      const rest = (await get(`${q}&limit=2&cursor=${first.nextCursor}`)).json();
      expect([...first.items, ...rest.items].map((e: any) => e.index)).toEqual(everywhere.items.map((e: any) => e.index));
      expect((await get(q, s.tokens.viewerA)).json().items.map((e: any) => e.action)).toEqual(['privilege-change']);
      expect((await get(q, other.tokens.owner)).json().items).toEqual([]);
    });

    it('pages newest first with a cursor, and refuses a forged cursor', async () => {
      const all = (await get('/api/events?limit=500')).json().items;
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res: any = (await get(`/api/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
        seen.push(...res.items.map((e: any) => e.index));
        cursor = res.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((e: any) => e.index));
      const times = all.map((e: any) => Date.parse(e.time));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect((await get('/api/events?cursor=bm9wZQ')).json().error).toBe('invalid_cursor');
    });

    it('names an unknown filter value, and a bad one', async () => {
      const unknown = await get('/api/events?tenant=no-such-tenant');
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().field).toBe('tenant');
      const bad = await get('/api/events?from=yesterday');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().field).toBe('from');
    });

    it('exports the query as CSV, defusing spreadsheet formulas', async () => {
      const res = await get('/api/events.csv?tenant=tenant-b');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const [header, ...rows] = res.body.trim().split('\n');
      expect(header).toBe('index,time,recordedAt,source,sourceEventId,tenant,actor,actorType,action,target,outcome,details');
      expect(rows.length).toBe((await get('/api/events?tenant=tenant-b&limit=500')).json().items.length);
      expect(res.body).toContain('dave@tenant-b.example');
      expect(res.body).not.toMatch(/,=HYPERLINK/);
      expect((await get('/api/events.csv?system=nope')).statusCode).toBe(422);
    });

    it('a tenant-viewer sees only its own tenant\u2019s events, in JSON and CSV', async () => {
      const mine = (await get('/api/events?limit=500', s.tokens.viewerA)).json().items;
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine.map((e: any) => e.tenantId))).toEqual(new Set([s.ids.tenantA]));
      const csv = (await get('/api/events.csv', s.tokens.viewerA)).body;
      expect(csv).not.toContain('dave@tenant-b.example');
      expect(csv).not.toContain(restoredBy); // provider-internal events (no tenant) are not the tenant's
      const otherTenant = await get('/api/events?tenant=tenant-b', s.tokens.viewerA);
      expect(otherTenant.statusCode).toBe(422);
      expect(otherTenant.body).not.toContain(s.ids.tenantB!);
    });

    it('another organization sees none of it', async () => {
      const theirs = (await get('/api/events?limit=500', other.tokens.owner)).json().items;
      expect(theirs).toEqual([]);
    });

    it('the ledger still verifies with the events in it', async () => {
      const v = await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) => verifyLedger(trx, s.org.orgId));
      expect(v).toMatchObject({ ok: true, problem: null });
      expect(v.entriesChecked).toBe(await size());
    });
  });
});
