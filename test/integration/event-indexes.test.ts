import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventQuery } from '../../src/model/event.js';
import { investigationQuery } from '../../src/services/event-log.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * Every investigation filter, alone and in pairs, is tested by an index of the events (migration 0018), and the
 * index gives the page's order: no filter waits until a row is fetched from the heap, and nothing is sorted. At
 * 10,000,000 events the difference is milliseconds against seconds (docs/benchmarks.md); here the planner is only
 * told not to scan the table or sort when it has another way, and asked how it would run each query.
 */
type Filter = Exclude<keyof EventQuery, 'limit'>;

/** The column each filter tests, as EXPLAIN names it. */
const COLUMN: Record<Filter, string> = {
  tenant: 'tenant_id', system: 'system_id', actor: 'actor', actorType: 'actor_internal', action: 'action',
  outcome: 'outcome', source: 'source', from: 'occurred_at', to: 'occurred_at', cursor: 'occurred_at',
};

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Index Cond'?: string; Filter?: string; Plans?: PlanNode[] }

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe('investigation queries and the events indexes', () => {
  let h: Harness;
  let s: SeededOrg;
  const values: Record<Filter, string> = {
    tenant: 'tenant-a', system: 'dedicated-a', actor: 'alice@provider.example', actorType: 'external', action: 'restore',
    outcome: 'failure', source: 'rmm', from: '2026-01-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z',
    cursor: Buffer.from(JSON.stringify(['2026-06-01T00:00:00.000Z', 41])).toString('base64url'),
  };
  const filters = Object.keys(COLUMN) as Filter[];
  const shapes: Filter[][] = [[], ...filters.map((f) => [f]), ...filters.flatMap((f, i) => filters.slice(i + 1).map((g) => [f, g])), filters];

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'event-indexes');
  });
  afterAll(async () => { await h?.close(); });

  type Investigation = Awaited<ReturnType<typeof investigationQuery>>;
  async function plan(filter: Filter[], viewerTenant: string | null, more: (q: Investigation) => Investigation = (q) => q): Promise<PlanNode> {
    const q = Object.fromEntries(filter.map((f) => [f, values[f]])) as Partial<EventQuery>;
    return withContext(h.database.db, { orgId: s.org.orgId, tenantId: viewerTenant, userId: null }, async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
      await sql`SET LOCAL enable_sort = off`.execute(trx);
      const compiled = more(await investigationQuery(trx, { ...q, limit: 100 }, { orgId: s.org.orgId, ownTenantId: viewerTenant })).compile();
      const result = await trx.executeQuery(CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]));
      const raw = (result.rows[0] as Record<string, unknown>)['QUERY PLAN'];
      return ((typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>)[0]!.Plan;
    });
  }

  function expectServedByAnIndex(root: PlanNode, filter: Filter[], viewer: boolean) {
    const all = nodes(root);
    const scan = all.find((n) => n['Relation Name'] === 'ledger_entries');
    const shape = `${viewer ? 'tenant-viewer' : 'engineer'}: ${filter.join(' + ') || 'no filter'}`;
    expect(scan?.['Node Type'], shape).toMatch(/^Index (Only )?Scan$/);
    expect(scan?.['Index Name'], shape).toMatch(/^ledger_entries_events_(tenant_timeline|timeline|by_actor)$/);
    const tested = filter.map((f) => COLUMN[f]).concat(viewer ? ['tenant_id'] : []);
    for (const column of tested) expect(scan?.['Index Cond'] ?? '', `${shape}: ${column} in the index condition`).toMatch(new RegExp(`\\b${column}\\b`));
    // What is left for the heap is the row-level security policies' test of the session's settings, nothing else.
    const heapFilter = (scan?.Filter ?? '').replace(/current_setting\('app\.\w+'::text, true\)/g, 'SETTING')
      .replace(/\(tenant_id = \(NULLIF\(SETTING, ''::text\)\)::uuid\)/g, '');
    expect(heapFilter, shape).not.toMatch(/\b(tenant_id|system_id|actor|actor_internal|action|outcome|source|occurred_at)\b/);
    expect(all.map((n) => n['Node Type']), shape).not.toContain('Sort');
  }

  it('serves every filter, alone, in pairs and all at once, from an index in the page order (engineer)', async () => {
    for (const filter of shapes) expectServedByAnIndex(await plan(filter, null), filter, false);
  });

  it('serves a tenant-viewer\u2019s queries from its tenant\u2019s index even when it names no tenant', async () => {
    for (const filter of shapes.filter((f) => !f.includes('tenant'))) expectServedByAnIndex(await plan(filter, s.ids.tenantA!), filter, true);
  });

  it('pages an actor\u2019s events across tenants newest first, from the actor\u2019s own index', async () => {
    const busy = `${unique('busy')}@provider.example`;
    const at = (i: number) => new Date(Date.now() - (i + 1) * 60_000).toISOString();
    const events = Array.from({ length: 40 }, (_, i) => ({ actor: busy, tenant: [null, 'tenant-a', 'tenant-b'][i % 3], time: at(i) }))
      .map((e) => ({ ...e, source: 'rmm', sourceEventId: unique('e'), actorType: 'internal', action: 'admin-action', outcome: 'success' }));
    const res = await as(h, s.tokens.engineer, { method: 'POST', url: '/api/events', payload: JSON.stringify(events), headers: { 'content-type': 'application/json' } });
    expect(res.json().accepted).toBe(40);
    const root = await plan(['actor'], null);
    expect(nodes(root).find((n) => n['Relation Name'] === 'ledger_entries')?.['Index Name']).toBe('ledger_entries_events_by_actor');
    // The same events in the same order, page by page, across tenants and the provider's own (no tenant).
    const pages: number[][] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await as(h, s.tokens.auditor, { method: 'GET', url: `/api/events?actor=${encodeURIComponent(busy)}&limit=15${cursor ? `&cursor=${cursor}` : ''}` })).json();
      pages.push(page.items.map((e: any) => Date.parse(e.time)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([15, 15, 10]);
    expect(pages.flat()).toEqual(events.map((e) => Date.parse(e.time)));
  });

  it('would notice a filter the indexes do not carry', async () => {
    // The check above is not vacuous: a filter on a column no index carries leaves a heap filter behind.
    const root = await plan(['tenant'], null, (q) => q.where('e.summary', '=', 'x'));
    const scan = nodes(root).find((n) => n['Relation Name'] === 'ledger_entries');
    expect(scan?.Filter ?? '').toMatch(/\bsummary\b/);
  });
});
