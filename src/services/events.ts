import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { sql, type Kysely, type Transaction } from 'kysely';
import { contextOf, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { toAppError } from '../api/validation.js';
import { appendEntries, sealEntries, type LedgerEntryInput, type SealedEntry } from '../ledger/tree-store.js';
import {
  EventInput, MAX_EVENT_CLOCK_SKEW_MS, MAX_EVENT_DETAILS_BYTES, type IngestReport,
} from '../model/event.js';
import { translateDbError } from '../store/db-errors.js';
import { withContext } from '../store/database.js';
import { PLAN_EACH_TIME } from '../store/pg-prepared.js';

type Trx = Transaction<any>;
type LineResult = IngestReport['results'][number];

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateEvent: ValidateFunction = ajv.compile(EventInput);
/** Events before this are certainly a mistake (a zero date, seconds read as milliseconds). */
const EARLIEST_EVENT = Date.parse('2000-01-01T00:00:00Z');

interface Candidate { line: number; event: EventInput }

/** The lines of a batch: an NDJSON text (blank lines skipped, numbers kept) or an already parsed JSON array. */
export function batchLines(body: string | unknown[]): Array<{ line: number; value?: unknown; error?: string }> {
  if (Array.isArray(body)) return body.map((value, i) => ({ line: i + 1, value }));
  const out: Array<{ line: number; value?: unknown; error?: string }> = [];
  const lines = body.split('\n');
  lines.forEach((raw, i) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(text) });
    } catch (error) {
      out.push({ line: i + 1, error: `not valid JSON: ${(error as Error).message}` });
    }
  });
  return out;
}

/** Check one parsed line without the database: schema, time, size of details. */
function checkLine(value: unknown, now: number): { event?: EventInput; field?: string; reason?: string } {
  if (!validateEvent(value)) {
    const e = toAppError(validateEvent.errors ?? [], 'body');
    return { field: e.field ?? '', reason: e.message };
  }
  const event = value as EventInput;
  const time = Date.parse(event.time);
  if (time > now + MAX_EVENT_CLOCK_SKEW_MS) return { field: 'time', reason: `time ${event.time} is in the future (more than 5 minutes ahead of the server's clock).` };
  if (time < EARLIEST_EVENT) return { field: 'time', reason: `time ${event.time} is before 2000-01-01; check the unit and the time zone.` };
  if (event.details && Buffer.byteLength(JSON.stringify(event.details)) > MAX_EVENT_DETAILS_BYTES) {
    return { field: 'details', reason: 'details is larger than 16 KiB.' };
  }
  return { event };
}

/**
 * Ingest a batch of events into the organization's ledger. Every line is accounted for: accepted (with its
 * ledger index), duplicate (the same source and source event id was accepted before, with that index), or
 * rejected (with the field and the reason). Accepted lines are appended in ONE transaction, and this returns
 * only after it committed: an acknowledged event is never lost.
 */
export async function ingestEvents(db: Kysely<any>, actor: Actor, body: string | unknown[], now = Date.now()): Promise<IngestReport> {
  authorize(actor, 'create', 'events');
  const results: LineResult[] = [];
  const candidates: Candidate[] = [];
  const firstSeen = new Map<string, number>(); // source + id → line, within this batch
  const duplicateOf = new Map<number, number>(); // line → line of its first occurrence in this batch
  for (const l of batchLines(body)) {
    if (l.error) { results.push({ line: l.line, status: 'rejected', field: '', reason: l.error }); continue; }
    const checked = checkLine(l.value, now);
    if (!checked.event) { results.push({ line: l.line, status: 'rejected', field: checked.field ?? '', reason: checked.reason ?? 'not valid' }); continue; }
    const key = `${checked.event.source}\u0000${checked.event.sourceEventId}`;
    const seen = firstSeen.get(key);
    if (seen !== undefined) { duplicateOf.set(l.line, seen); continue; }
    firstSeen.set(key, l.line);
    candidates.push({ line: l.line, event: checked.event });
  }
  if (results.length + candidates.length + duplicateOf.size === 0) {
    throw new AppError('validation_failed', 'The batch holds no events: send NDJSON (one JSON object per line) or a JSON array.');
  }

  const committed = await appendBatch(db, actor, candidates);
  results.push(...committed.lineResults);
  const byLine = new Map(results.map((r) => [r.line, r]));
  for (const [line, first] of duplicateOf) {
    const original = byLine.get(first);
    results.push(original?.status === 'rejected'
      ? { line, status: 'rejected', field: original.field ?? '', reason: `same source event id as line ${first}, which was rejected: ${original.reason ?? ''}` }
      : { line, status: 'duplicate', ...(original?.index !== undefined ? { index: original.index } : {}) });
  }
  results.sort((a, b) => a.line - b.line);
  return {
    received: results.length,
    accepted: results.filter((r) => r.status === 'accepted').length,
    duplicates: results.filter((r) => r.status === 'duplicate').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    treeSize: committed.size,
    results,
  };
}

/** How often a batch starts again when another batch took one of its source event ids meanwhile. */
const MAX_ATTEMPTS = 3;

/**
 * Append a batch's valid lines in one transaction. Everything that does not depend on the log runs before the
 * ledger lock, so concurrent batches overlap: resolving names, sealing each entry (canonical JSON, salt, leaf
 * hash) and finding the events the ledger already holds. Under the lock only the rows, tiles and nodes are
 * written. A batch that committed the same source event id between that lookup and this batch's insert makes
 * the insert fail on the unique index: the whole transaction is rolled back and the batch starts again, now
 * seeing those events as duplicates.
 */
async function appendBatch(db: Kysely<any>, actor: Actor, candidates: Candidate[]): Promise<{ lineResults: LineResult[]; size: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withContext(db, contextOf(actor), (trx) => appendOnce(trx, actor, candidates));
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && (error as { constraint?: string }).constraint === 'ledger_entries_source_event') continue;
      throw translateDbError(error);
    }
  }
}

async function appendOnce(trx: Trx, actor: Actor, candidates: Candidate[]): Promise<{ lineResults: LineResult[]; size: number }> {
  const tenants = await resolveTenants(trx, candidates.map((c) => c.event.tenant).filter((t): t is string => !!t));
  const systems = await resolveSystems(trx, candidates.map((c) => c.event.target).filter((t): t is string => !!t));
  const earlier = await acceptedBefore(trx, actor.orgId, candidates.map((c) => c.event));
  const lineResults: LineResult[] = [];
  const entries: LedgerEntryInput[] = [];
  const entryLines: number[] = [];
  for (const { line, event: e } of candidates) {
    // An event the ledger already holds is a duplicate, even if its tenant or system has gone since.
    const before = earlier.get(`${e.source}\u0000${e.sourceEventId}`);
    if (before !== undefined) { lineResults.push({ line, status: 'duplicate', index: before }); continue; }
    const tenantId = e.tenant ? tenants.get(e.tenant) : null;
    if (tenantId === undefined) { lineResults.push({ line, status: 'rejected', field: 'tenant', reason: `no tenant with slug or external id "${e.tenant}".` }); continue; }
    const systemId = e.target ? systems.get(e.target) : null;
    if (systemId === undefined) { lineResults.push({ line, status: 'rejected', field: 'target', reason: `no system with slug "${e.target}".` }); continue; }
    entries.push(entryOf(e, tenantId, systemId));
    entryLines.push(line);
  }
  const sealed: SealedEntry[] = sealEntries(actor.orgId, entries);
  const appended = await appendEntries(trx, actor.orgId, sealed);
  entryLines.forEach((line, i) => lineResults.push({ line, status: 'accepted', index: appended.first + i }));
  return { lineResults, size: appended.size };
}

function entryOf(e: EventInput, tenantId: string | null, systemId: string | null): LedgerEntryInput {
  const actorInternal = e.actorType === 'internal';
  return {
    kind: 'event',
    at: new Date().toISOString(),
    tenantId,
    action: e.action,
    objectType: systemId ? 'system' : '',
    objectId: systemId ?? '',
    actor: e.actor,
    summary: `${e.source}: ${e.action} by ${e.actor}${e.target ? ` on ${e.target}` : ''} (${e.outcome})`,
    // What the source said that is not a column: the names it used, and its own details.
    details: { tenant: e.tenant ?? null, target: e.target ?? null, details: e.details ?? {} },
    event: {
      occurredAt: new Date(e.time).toISOString(), source: e.source, sourceEventId: e.sourceEventId,
      systemId, actorInternal, outcome: e.outcome,
    },
  };
}

/** Tenant slug or external id → tenant id, for those that exist in this organization. */
async function resolveTenants(trx: Trx, names: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(names)];
  const found = new Map<string, string>();
  if (unique.length === 0) return found;
  const rows = await trx.selectFrom('tenants').select(['id', 'slug', 'external_id'])
    .where((eb) => eb.or([eb('slug', 'in', unique), eb('external_id', 'in', unique)])).execute();
  // A slug wins over another tenant's identical external id.
  for (const r of rows) if (r.external_id && unique.includes(r.external_id)) found.set(r.external_id, r.id);
  for (const r of rows) if (unique.includes(r.slug)) found.set(r.slug, r.id);
  return found;
}

async function resolveSystems(trx: Trx, slugs: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(slugs)];
  if (unique.length === 0) return new Map();
  const rows = await trx.selectFrom('systems').select(['id', 'slug']).where('slug', 'in', unique).execute();
  return new Map(rows.map((r) => [r.slug as string, r.id as string]));
}

/** Events of this batch that the ledger already holds: source + id → index. */
async function acceptedBefore(trx: Trx, orgId: string, events: EventInput[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < events.length; i += 5000) {
    const idsBySource = new Map<string, string[]>();
    for (const e of events.slice(i, i + 5000)) {
      const ids = idsBySource.get(e.source);
      if (ids) ids.push(e.sourceEventId); else idsBySource.set(e.source, [e.sourceEventId]);
    }
    // Each source with its ids as constants: (source = $s AND source_event_id = ANY($ids)) OR …, one exact probe
    // of the source-event index per event. Not joined from unnest(): the join was planned to read every event of the
    // organization (a hash join, or once per id in a nested loop: 43 s for 5,000 ids at 15,000 events), while
    // constants are always index conditions. (Row-level security was once blamed for that; it is not: with
    // statistics, the same join under RLS probes the index, see docs/benchmarks.md.) Not one list of sources and one of
    // ids either: PostgreSQL 15 probes every pair of the two. Planned each time: see PLAN_EACH_TIME (the plan
    // depends on the lists' sizes and the ledger's).
    const bySource = [...idsBySource].map(([source, ids]) => sql`(source = ${source} AND source_event_id = ANY(${ids}::text[]))`);
    const rows = await sql<{ source: string; source_event_id: string; idx: string }>`${sql.raw(PLAN_EACH_TIME)}
      SELECT source, source_event_id, idx FROM ledger_entries
      WHERE org_id = ${orgId} AND kind = 'event' AND (${sql.join(bySource, sql` OR `)})`.execute(trx);
    for (const r of rows.rows) found.set(`${r.source}\u0000${r.source_event_id}`, Number(r.idx));
  }
  return found;
}
