import { sql, type Transaction } from 'kysely';
import { AppError } from '../api/errors.js';
import type { TenantNotice, VendorChange, VendorReviewReason, VendorReviewResult, VendorReviewTaskStatus } from '../model/vendor-review.js';

type Trx = Transaction<any>;

export interface VendorReviewRow {
  id: string;
  vendor_id: string | null;
  vendor_slug: string;
  vendor_name: string;
  reason: VendorReviewReason;
  status: VendorReviewTaskStatus;
  due_on: string;
  changes: VendorChange[];
  tenants_reached: TenantNotice[];
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  closed_by: string | null;
  result: VendorReviewResult | null;
  outcome: string;
}

const COLUMNS = [
  'id', 'vendor_id', 'vendor_slug', 'vendor_name', 'reason', 'status', sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'), 'changes',
  'tenants_reached', 'opened_at', 'opened_by', 'closed_at', 'closed_by', 'result', 'outcome',
] as const;

function fromRow(row: any): VendorReviewRow {
  const iso = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
  return { ...row, opened_at: iso(row.opened_at)!, closed_at: iso(row.closed_at) };
}

export async function findReview(trx: Trx, id: string, options: { forUpdate?: boolean } = {}): Promise<VendorReviewRow | undefined> {
  let qb = trx.selectFrom('vendor_reviews').select(COLUMNS as any).where('id', '=', id);
  if (options.forUpdate) qb = qb.forUpdate();
  const row = await qb.executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The open review of a vendor for a reason, if any (at most one: a partial unique index). */
export async function findOpenReview(trx: Trx, vendorId: string, reason: VendorReviewReason): Promise<VendorReviewRow | undefined> {
  const row = await trx.selectFrom('vendor_reviews').select(COLUMNS as any)
    .where('vendor_id', '=', vendorId).where('reason', '=', reason).where('status', '=', 'open').executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Open reviews of the given vendors (all vendors when omitted), oldest first. */
export async function openReviewsOf(trx: Trx, vendorIds?: readonly string[]): Promise<VendorReviewRow[]> {
  if (vendorIds && vendorIds.length === 0) return [];
  let qb = trx.selectFrom('vendor_reviews').select(COLUMNS as any).where('status', '=', 'open');
  if (vendorIds) qb = qb.where('vendor_id', 'in', [...vendorIds]);
  return (await qb.orderBy('opened_at').orderBy('id').execute()).map(fromRow);
}

export interface NewReview {
  id: string; vendorId: string; vendorSlug: string; vendorName: string; reason: VendorReviewReason; dueOn: string;
  changes: VendorChange[]; tenantsReached: TenantNotice[]; openedBy: string;
}

/**
 * Insert an open review unless one is already open for the vendor and reason: true when inserted. Concurrent
 * openings meet at the partial unique index; the loser inserts nothing.
 */
export async function insertReview(trx: Trx, orgId: string, r: NewReview): Promise<boolean> {
  const result = await sql`
    INSERT INTO vendor_reviews (org_id, id, vendor_id, vendor_slug, vendor_name, reason, due_on, changes, tenants_reached, opened_by)
    VALUES (${orgId}, ${r.id}, ${r.vendorId}, ${r.vendorSlug}, ${r.vendorName}, ${r.reason}, ${r.dueOn}::date,
            ${JSON.stringify(r.changes)}::jsonb, ${JSON.stringify(r.tenantsReached)}::jsonb, ${r.openedBy})
    ON CONFLICT (org_id, vendor_id, reason) WHERE status = 'open' DO NOTHING`.execute(trx);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Add changes to an open review (a second change before the first is reviewed); the snapshot is replaced. */
export async function extendOpenReview(trx: Trx, id: string, changes: VendorChange[], tenantsReached: TenantNotice[]): Promise<void> {
  await trx.updateTable('vendor_reviews')
    .set({ changes: JSON.stringify(changes), tenants_reached: JSON.stringify(tenantsReached) })
    .where('id', '=', id).where('status', '=', 'open').execute();
}

export async function closeReview(trx: Trx, id: string, close: {
  status: 'done' | 'cancelled'; closedBy: string; result: VendorReviewResult | null; outcome: string; tenantsReached?: TenantNotice[];
}): Promise<void> {
  await trx.updateTable('vendor_reviews').set({
    status: close.status, closed_at: sql`now()`, closed_by: close.closedBy, result: close.result, outcome: close.outcome,
    ...(close.tenantsReached ? { tenants_reached: JSON.stringify(close.tenantsReached) } : {}),
  }).where('id', '=', id).execute();
}

export interface ReviewListQuery {
  status?: VendorReviewTaskStatus | undefined;
  vendorId?: string | undefined;
  /** Only open reviews past their due date (as of `today`). */
  overdue?: boolean | undefined;
  today: string;
  limit: number;
  cursor?: string | undefined;
}

interface Cursor { d: string; i: string }

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(c.d) && typeof c.i === 'string' && /^[0-9a-f-]{36}$/i.test(c.i)) return c;
  } catch { /* answered below */ }
  throw new AppError('invalid_cursor', 'The pagination cursor is not valid.', 'cursor');
}

/** Reviews by due date (then id), filtered; one page after the cursor. */
export async function listReviewRows(trx: Trx, q: ReviewListQuery): Promise<{ rows: VendorReviewRow[]; nextCursor: string | null; total: number }> {
  const filtered = <T extends { where: any }>(qb: T): T => {
    let out: any = qb;
    if (q.status) out = out.where('status', '=', q.status);
    if (q.vendorId) out = out.where('vendor_id', '=', q.vendorId);
    if (q.overdue === true) out = out.where('status', '=', 'open').where('due_on', '<', sql`${q.today}::date`);
    if (q.overdue === false) out = out.where((eb: any) => eb.or([eb('status', '<>', 'open'), eb('due_on', '>=', sql`${q.today}::date`)]));
    return out;
  };
  let qb = filtered(trx.selectFrom('vendor_reviews').select(COLUMNS as any));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    qb = qb.where(sql<boolean>`(due_on, id) > (${c.d}::date, ${c.i}::uuid)`);
  }
  const rows = (await qb.orderBy('vendor_reviews.due_on').orderBy('vendor_reviews.id').limit(q.limit + 1).execute()).map(fromRow);
  const count = await filtered(trx.selectFrom('vendor_reviews').select(sql<string>`count(*)`.as('n'))).executeTakeFirst();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > q.limit && last ? encodeCursor({ d: last.due_on, i: last.id }) : null, total: Number((count as any)?.n ?? 0) };
}

/** Counts for the dashboard: open reviews, and open ones past their due date. */
export async function reviewCounts(trx: Trx, today: string): Promise<{ open: number; overdue: number }> {
  const row = await trx.selectFrom('vendor_reviews')
    .select([sql<string>`count(*)`.as('open'), sql<string>`count(*) FILTER (WHERE due_on < ${today}::date)`.as('overdue')])
    .where('status', '=', 'open').executeTakeFirst();
  return { open: Number(row?.open ?? 0), overdue: Number(row?.overdue ?? 0) };
}

/** The latest completed review of every vendor that has one: what its tenants were told about, by vendor id. */
export async function lastCompletedReviews(trx: Trx): Promise<Map<string, VendorReviewRow>> {
  const rows = await trx.selectFrom('vendor_reviews').select(COLUMNS as any)
    .where('status', '=', 'done').where('vendor_id', 'is not', null)
    .orderBy('vendor_id').orderBy('closed_at', 'desc').orderBy('id', 'desc').execute();
  const out = new Map<string, VendorReviewRow>();
  for (const row of rows.map(fromRow)) if (!out.has(row.vendor_id!)) out.set(row.vendor_id!, row);
  return out;
}
