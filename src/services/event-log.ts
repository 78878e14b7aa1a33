import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import type { EventQuery, LedgerEvent } from '../model/event.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;

export interface EventPage { items: LedgerEvent[]; nextCursor: string | null }

/** Newest first: (occurred_at, idx) descending; the cursor carries the last pair. */
function encodeCursor(occurredAt: string, idx: number): string {
  return Buffer.from(JSON.stringify([occurredAt, idx])).toString('base64url');
}

function decodeCursor(cursor: string): [string, number] {
  try {
    const [at, idx] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(idx)) return [at, idx as number];
  } catch { /* fall through */ }
  throw new AppError('invalid_cursor', undefined, 'cursor');
}

/** A tenant named by slug, external id or id, visible in this context; else 422 naming the parameter. */
async function tenantIdOf(trx: Trx, name: string): Promise<string> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name);
  const row = await trx.selectFrom('tenants').select('id')
    .where((eb) => eb.or([eb('slug', '=', name), eb('external_id', '=', name), ...(isUuid ? [eb('id', '=', name)] : [])]))
    .orderBy(sql`slug = ${name}`, 'desc').limit(1).executeTakeFirst();
  if (!row) throw new AppError('reference_not_found', `tenant: no tenant "${name}" in this organization.`, 'tenant');
  return row.id as string;
}

async function systemIdOf(trx: Trx, slug: string): Promise<string> {
  const row = await trx.selectFrom('systems').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!row) throw new AppError('reference_not_found', `system: no system with slug "${slug}" in this organization.`, 'system');
  return row.id as string;
}

type PageQuery = Omit<EventQuery, 'limit'> & { limit: number };
/** Whose events: the organization, and the tenant a tenant-viewer is bound to (null for everyone else). */
export interface InvestigationScope { orgId: string; ownTenantId: string | null }

/**
 * The SELECT behind one page of an investigation, its tenant and system already resolved to ids. Exported so that
 * a test can ask the planner how it would run every filter (test/integration/event-indexes.test.ts).
 */
export async function investigationQuery(trx: Trx, q: PageQuery, scope: InvestigationScope) {
  let query = trx.selectFrom('ledger_entries as e')
    .leftJoin('tenants as t', (j) => j.onRef('t.org_id', '=', 'e.org_id').onRef('t.id', '=', 'e.tenant_id'))
    .leftJoin('systems as s', (j) => j.onRef('s.org_id', '=', 'e.org_id').onRef('s.id', '=', 'e.system_id'))
    .select([
      'e.idx', 'e.occurred_at', 'e.at', 'e.source', 'e.source_event_id', 'e.tenant_id', 't.slug as tenant_slug', 'e.actor',
      'e.actor_internal', 'e.action', 'e.system_id', 's.slug as system_slug', 'e.outcome', 'e.payload', 'e.expired_at',
    ])
    // A literal, not a parameter: the events' indexes are partial (WHERE kind = 'event'), and a prepared statement's
    // generic plan can use them only when the predicate is in its text. With `kind = $1`, a tenant's investigation
    // on a 10M-event ledger read and sorted every entry of the tenant (14 s; bench:ledger).
    .where(sql<boolean>`e.kind = 'event'`)
    // The organization as a value, though the org policy already says it: the planner cannot estimate the policy's
    // current_setting(), and with the value it can use the organization's statistics to choose among the indexes.
    .where('e.org_id', '=', scope.orgId);
  // Every filter is a key column of the events' indexes (migration 0018), so the index tests it, not the heap.
  // A tenant-viewer's query names its own tenant even when the viewer did not: the tenant policy alone (an OR on a
  // setting) cannot be an index condition, and without one the query would walk the whole organization's events.
  const tenantId = q.tenant ? await tenantIdOf(trx, q.tenant) : scope.ownTenantId;
  if (tenantId) query = query.where('e.tenant_id', '=', tenantId);
  if (q.system) query = query.where('e.system_id', '=', await systemIdOf(trx, q.system));
  if (q.actor) query = query.where('e.actor', '=', q.actor);
  if (q.actorType) query = query.where(q.actorType === 'internal' ? sql<boolean>`e.actor_internal = true` : sql<boolean>`e.actor_internal = false`);
  if (q.action) query = query.where('e.action', '=', q.action);
  if (q.outcome) query = query.where('e.outcome', '=', q.outcome);
  if (q.source) query = query.where('e.source', '=', q.source);
  if (q.from) query = query.where('e.occurred_at', '>=', q.from);
  if (q.to) query = query.where('e.occurred_at', '<', q.to);
  if (q.cursor) {
    const [at, idx] = decodeCursor(q.cursor);
    query = query.where(sql<boolean>`(e.occurred_at, e.idx) < (${at}::timestamptz, ${idx}::bigint)`);
  }
  return query.orderBy('e.occurred_at', 'desc').orderBy('e.idx', 'desc').limit(q.limit + 1);
}

async function page(trx: Trx, q: PageQuery, scope: InvestigationScope): Promise<EventPage> {
  const rows = await (await investigationQuery(trx, q, scope)).execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map(present);
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor(last.time, last.index) : null };
}

function present(r: any): LedgerEvent {
  let payload: { details?: { details?: Record<string, unknown>; target?: string | null; tenant?: string | null } } | null = null;
  if (r.payload) {
    try { payload = JSON.parse(r.payload); } catch { payload = null; }
  }
  return {
    index: Number(r.idx), time: new Date(r.occurred_at).toISOString(), recordedAt: new Date(r.at).toISOString(),
    source: r.source, sourceEventId: r.source_event_id, tenantId: r.tenant_id, tenant: r.tenant_slug ?? payload?.details?.tenant ?? null,
    actor: r.actor, actorType: r.actor_internal ? 'internal' : 'external', action: r.action, systemId: r.system_id,
    target: r.system_slug ?? payload?.details?.target ?? null, outcome: r.outcome,
    details: payload?.details?.details ?? null, expired: r.expired_at !== null,
  };
}

/**
 * Events for an investigation, newest first. A tenant-viewer sees only its own tenant's events (the API
 * passes no other tenant, and the database's tenant policy hides the rest).
 */
export async function queryEvents(db: Kysely<any>, actor: Actor, q: EventQuery): Promise<EventPage> {
  authorize(actor, 'read', 'events');
  return asActor(db, actor, (trx) => page(trx, q, { orgId: actor.orgId, ownTenantId: actor.tenantId }));
}

const CSV_COLUMNS = ['index', 'time', 'recordedAt', 'source', 'sourceEventId', 'tenant', 'actor', 'actorType', 'action', 'target', 'outcome', 'details'] as const;
/** Most rows one CSV export returns; narrow the filters for more. */
export const CSV_MAX_ROWS = 1_000_000;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Quote everything that needs it, and defuse spreadsheet formulas (=, +, -, @ at the start of a cell).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The same query as CSV, page by page, so a large export never sits in memory. */
export async function* eventsCsv(db: Kysely<any>, actor: Actor, q: Omit<EventQuery, 'limit' | 'cursor'>): AsyncGenerator<string> {
  authorize(actor, 'read', 'events');
  // Resolve the filters before the first byte goes out, so a bad filter is a clean 4xx, not a broken download.
  let current = await queryEvents(db, actor, { ...q, limit: 1000 });
  yield `${CSV_COLUMNS.join(',')}\n`;
  let sent = 0;
  for (;;) {
    const lines = current.items.map((e) => CSV_COLUMNS.map((c) => csvCell(e[c])).join(','));
    if (lines.length) yield `${lines.join('\n')}\n`;
    sent += current.items.length;
    if (!current.nextCursor || sent >= CSV_MAX_ROWS) break;
    current = await queryEvents(db, actor, { ...q, limit: 1000, cursor: current.nextCursor });
  }
}
