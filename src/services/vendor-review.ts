import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { recordChange } from '../ledger/record.js';
import { resourceByName } from '../model/index.js';
import { buildIsmsGraph, type IsmsGraph } from '../model/scope/graph.js';
import type { Vendor } from '../model/vendor.js';
import {
  changeReviewDue, earliestEffectiveDate, reviewTrigger, tenantsReached, vendorsDue, type DueVendor, type TenantNotice, type VendorChange,
  type VendorReview, type VendorReviewCompletion, type VendorReviewReason, type VendorReviewTaskStatus,
} from '../model/vendor-review.js';
import { allResources, getResource } from '../store/resource-store.js';
import {
  closeReview, extendOpenReview, findOpenReview, findReview, insertReview, lastCompletedReviews, listReviewRows, openReviewsOf, reviewCounts,
  type VendorReviewRow,
} from '../store/vendor-review.js';
import { asActor, updateWithin } from './resources.js';
import { loadGraph } from './scope-graph.js';

type Trx = Transaction<any>;
type Obj = Record<string, unknown>;

/** Today as a calendar date (UTC); every function below takes it as an argument so tests can fix it. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The ISMS graph as this transaction sees it, uncommitted writes included: a review opened by a vendor change lists
 * the tenants reached at that moment (the cached `loadGraph` reads in its own transaction and would miss them).
 */
async function graphWithin(trx: Trx): Promise<IsmsGraph> {
  return buildIsmsGraph({
    services: await allResources(trx, resourceByName('services')) as any,
    vendors: await allResources(trx, resourceByName('vendors')) as any,
    tenants: await allResources(trx, resourceByName('tenants')) as any,
    systems: await allResources(trx, resourceByName('systems')) as any,
    dataFlows: await allResources(trx, resourceByName('data-flows')) as any,
  });
}

const reasonWords: Record<VendorReviewReason, string> = {
  'new-sub-processor': 'new sub-processor', 'sub-processor-changed': 'sub-processor changed', recurring: 'recurring review',
};

/** Changes of one review merged with new ones: per field, the first `before` and the latest `after`; fields back to where they were drop out. */
function mergeChanges(old: readonly VendorChange[], added: readonly VendorChange[]): VendorChange[] {
  const byField = new Map(old.map((c) => [c.field, { ...c }]));
  for (const c of added) {
    const known = byField.get(c.field);
    if (known) known.after = c.after; else byField.set(c.field, { ...c });
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(Array.isArray(a) ? [...a].sort() : a) === JSON.stringify(Array.isArray(b) ? [...b].sort() : b);
  return [...byField.values()].filter((c) => !same(c.before, c.after));
}

/**
 * Called by the generic resource service after every vendor create, update and delete, in the same transaction
 * (src/services/resources.ts `AFTER_WRITE`). A new sub-processor, or a sub-processor whose regions, data
 * categories or access level changed, gets a review task listing the tenants its data reaches; a second change
 * before the review is done is added to the open task (never two open tasks for one vendor and reason). A deleted
 * vendor's open reviews are cancelled. Each task write has its own ledger entry.
 */
export async function vendorWritten(trx: Trx, actor: Actor, before: Obj | null, after: Obj | null, today: string = todayUtc()): Promise<void> {
  if (!after) {
    if (before) await cancelOpenReviews(trx, actor, before.id as string, 'The vendor was deleted.');
    return;
  }
  const trigger = reviewTrigger(before as Vendor | null, after as Vendor);
  if (!trigger) return;
  const vendor = after as Vendor;
  const reached = tenantsReached(await graphWithin(trx), vendor.id, today);
  let open = await findOpenReview(trx, vendor.id, trigger.reason);
  if (!open) {
    const id = randomUUID();
    const inserted = await insertReview(trx, actor.orgId, {
      id, vendorId: vendor.id, vendorSlug: vendor.slug, vendorName: vendor.name, reason: trigger.reason, dueOn: changeReviewDue(today),
      changes: trigger.changes, tenantsReached: reached, openedBy: actorLabel(actor),
    });
    if (inserted) {
      const created = (await findReview(trx, id))!;
      await recordChange(trx, actor, { action: 'create', objectType: 'vendor-review', objectId: id, objectSlug: vendor.slug, tenantId: null,
        summary: `Opened a review of ${vendor.name} (${reasonWords[trigger.reason]}): data of ${reached.length} tenant(s) reaches it`, after: created });
      return;
    }
    // a concurrent transaction opened it first (the partial unique index): add this change to that task
    open = await findOpenReview(trx, vendor.id, trigger.reason);
    if (!open) return;
  }
  if (trigger.reason !== 'sub-processor-changed') return;
  const changes = mergeChanges(open.changes, trigger.changes);
  await extendOpenReview(trx, open.id, changes, reached);
  const updated = (await findReview(trx, open.id))!;
  await recordChange(trx, actor, { action: 'update', objectType: 'vendor-review', objectId: open.id, objectSlug: vendor.slug, tenantId: null,
    summary: `Added ${trigger.changes.map((c) => c.field).join(', ')} to the open review of sub-processor ${vendor.name}`, before: open, after: updated });
}

async function cancelOpenReviews(trx: Trx, actor: Actor, vendorId: string, why: string): Promise<void> {
  for (const open of await openReviewsOf(trx, [vendorId])) {
    await closeReview(trx, open.id, { status: 'cancelled', closedBy: actorLabel(actor), result: null, outcome: why });
    const after = (await findReview(trx, open.id))!;
    await recordChange(trx, actor, { action: 'update', objectType: 'vendor-review', objectId: open.id, objectSlug: open.vendor_slug, tenantId: null,
      summary: `Cancelled the review of ${open.vendor_name}: ${why}`, before: open, after });
  }
}

/** A review as served: an open one lists the tenants reached now (from `graph`), a closed one what was recorded at its close. */
function present(row: VendorReviewRow, graph: IsmsGraph | null, today: string): VendorReview {
  const live = row.status === 'open' && graph !== null && row.vendor_id !== null;
  const reached: TenantNotice[] = live ? tenantsReached(graph!, row.vendor_id!, today) : row.tenants_reached;
  return {
    id: row.id, vendorId: row.vendor_id, vendorSlug: row.vendor_slug, vendorName: row.vendor_name, reason: row.reason, status: row.status,
    dueOn: row.due_on, overdue: row.status === 'open' && row.due_on < today, changes: row.changes, tenantsReached: reached,
    tenantsReachedOn: live ? today : (row.closed_at ?? row.opened_at).slice(0, 10), earliestEffectiveOn: earliestEffectiveDate(reached),
    openedAt: row.opened_at, openedBy: row.opened_by, closedAt: row.closed_at, closedBy: row.closed_by, result: row.result, outcome: row.outcome,
  };
}

export interface ReviewQuery {
  status?: VendorReviewTaskStatus | undefined;
  vendor?: string | undefined;
  overdue?: boolean | undefined;
  today?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Review tasks by due date, filtered by status, vendor and overdue; cursor-paged. */
export async function listVendorReviews(db: Kysely<any>, actor: Actor, query: ReviewQuery): Promise<{ items: VendorReview[]; nextCursor: string | null; total: number }> {
  authorize(actor, 'read', 'vendor-reviews');
  const today = query.today ?? todayUtc();
  const page = await asActor(db, actor, (trx) => listReviewRows(trx, { status: query.status, vendorId: query.vendor, overdue: query.overdue, today, limit: query.limit, cursor: query.cursor }));
  const graph = page.rows.some((r) => r.status === 'open') ? await loadGraph(db, actor) : null;
  return { items: page.rows.map((r) => present(r, graph, today)), nextCursor: page.nextCursor, total: page.total };
}

export async function getVendorReview(db: Kysely<any>, actor: Actor, id: string, today: string = todayUtc()): Promise<VendorReview> {
  authorize(actor, 'read', 'vendor-reviews');
  const row = await asActor(db, actor, (trx) => findReview(trx, id));
  if (!row) throw new AppError('not_found', 'Vendor review not found.');
  return present(row, row.status === 'open' ? await loadGraph(db, actor) : null, today);
}

/**
 * Complete an open review: the outcome is required, the tenants reached are recorded as they are now, and the
 * vendor's reviewStatus and reviewedOn follow the result (through the vendor's own update, with its change record).
 */
export async function completeVendorReview(db: Kysely<any>, actor: Actor, id: string, input: VendorReviewCompletion, today: string = todayUtc()): Promise<VendorReview> {
  authorize(actor, 'update', 'vendor-reviews');
  const outcome = input.outcome.trim();
  if (!outcome) throw new AppError('invalid_value', 'Say what the review found: the outcome is required.', 'outcome');
  const reviewedOn = input.reviewedOn ?? today;
  if (reviewedOn > today) throw new AppError('invalid_value', 'A review cannot be dated in the future.', 'reviewedOn');
  return asActor(db, actor, async (trx) => {
    const before = await findReview(trx, id, { forUpdate: true });
    if (!before) throw new AppError('not_found', 'Vendor review not found.');
    if (before.status !== 'open') throw new AppError('conflict', `This review is already ${before.status}.`, 'status');
    const reached = before.vendor_id ? tenantsReached(await graphWithin(trx), before.vendor_id, reviewedOn) : before.tenants_reached;
    await closeReview(trx, id, { status: 'done', closedBy: actorLabel(actor), result: input.result, outcome, tenantsReached: reached });
    const after = (await findReview(trx, id))!;
    await recordChange(trx, actor, { action: 'update', objectType: 'vendor-review', objectId: id, objectSlug: before.vendor_slug, tenantId: null,
      summary: `Completed the review of ${before.vendor_name}: ${input.result}`, before, after });
    if (before.vendor_id) {
      const vendorDef = resourceByName('vendors');
      const vendor = await getResource(trx, vendorDef, before.vendor_id);
      if (vendor) await updateWithin(trx, actor, vendorDef, vendor, { reviewStatus: input.result, reviewedOn });
    }
    return present(after, null, today);
  });
}

/** Cancel an open review (the change was dropped, or the task was opened in error), saying why. */
export async function cancelVendorReview(db: Kysely<any>, actor: Actor, id: string, input: { outcome: string }, today: string = todayUtc()): Promise<VendorReview> {
  authorize(actor, 'update', 'vendor-reviews');
  const outcome = input.outcome.trim();
  if (!outcome) throw new AppError('invalid_value', 'Say why the review is cancelled.', 'outcome');
  return asActor(db, actor, async (trx) => {
    const before = await findReview(trx, id, { forUpdate: true });
    if (!before) throw new AppError('not_found', 'Vendor review not found.');
    if (before.status !== 'open') throw new AppError('conflict', `This review is already ${before.status}.`, 'status');
    await closeReview(trx, id, { status: 'cancelled', closedBy: actorLabel(actor), result: null, outcome });
    const after = (await findReview(trx, id))!;
    await recordChange(trx, actor, { action: 'update', objectType: 'vendor-review', objectId: id, objectSlug: before.vendor_slug, tenantId: null,
      summary: `Cancelled the review of ${before.vendor_name}: ${outcome}`, before, after });
    return present(after, null, today);
  });
}

/** The tenants whose data reaches a vendor, with their DPA's notice counted from `today` (not for tenant-viewers). */
export async function vendorTenantsReached(db: Kysely<any>, actor: Actor, vendorId: string, today: string = todayUtc()) {
  authorize(actor, 'read', 'vendor-reviews');
  authorize(actor, 'read', 'vendors');
  const graph = await loadGraph(db, actor);
  const v = graph.vendorIndex.get(vendorId);
  if (v === undefined) throw new AppError('not_found', 'Vendor not found.');
  const vendor = graph.vendors[v]!;
  const tenants = tenantsReached(graph, vendorId, today);
  const openReviews = await asActor(db, actor, (trx) => openReviewsOf(trx, [vendorId]));
  return {
    vendor: { id: vendor.id, slug: vendor.slug, name: vendor.name, subProcessor: vendor.subProcessor },
    today, tenants, earliestEffectiveOn: earliestEffectiveDate(tenants),
    openReviews: openReviews.map((r) => ({ id: r.id, reason: r.reason, dueOn: r.due_on })),
  };
}

async function dueList(trx: Trx, today: string, withinDays: number): Promise<DueVendor[]> {
  const vendors = await allResources(trx, resourceByName('vendors')) as unknown as Array<Vendor & { createdAt: string }>;
  const open = new Map((await openReviewsOf(trx)).filter((r) => r.reason === 'recurring' && r.vendor_id).map((r) => [r.vendor_id!, r.id]));
  return vendorsDue(vendors, today, { withinDays, openReviews: open });
}

/** Vendors whose recurring review (last review + the interval of their criticality) is due by `today + withinDays`. */
export async function dueVendorReviews(db: Kysely<any>, actor: Actor, query: { today?: string | undefined; withinDays?: number | undefined }) {
  authorize(actor, 'read', 'vendor-reviews');
  const today = query.today ?? todayUtc();
  const items = await asActor(db, actor, (trx) => dueList(trx, today, query.withinDays ?? 0));
  return { today, items };
}

/**
 * Open a recurring review for every vendor due by `today` that has no open recurring review; then, for every
 * sub-processor without an open review whose data now comes from tenants its last completed review did not list
 * (a new flow, a new hosted system, a tenant subscribing to a service), a `sub-processor-changed` review: those
 * tenants were never told. Idempotent: running it twice opens nothing more (and the partial unique index refuses a
 * second open task even to concurrent runs).
 */
export async function scheduleVendorReviews(db: Kysely<any>, actor: Actor, query: { today?: string | undefined }) {
  authorize(actor, 'create', 'vendor-reviews');
  const today = query.today ?? todayUtc();
  return asActor(db, actor, async (trx) => {
    const graph = await graphWithin(trx);
    const opened: Array<{ reviewId: string; vendorId: string; slug: string; reason: VendorReviewReason; dueOn: string }> = [];
    const open = async (vendor: { id: string; slug: string; name: string }, reason: VendorReviewReason, dueOn: string, changes: VendorChange[], summary: string) => {
      const id = randomUUID();
      const inserted = await insertReview(trx, actor.orgId, {
        id, vendorId: vendor.id, vendorSlug: vendor.slug, vendorName: vendor.name, reason, dueOn, changes,
        tenantsReached: tenantsReached(graph, vendor.id, today), openedBy: actorLabel(actor),
      });
      if (!inserted) return;
      const created = (await findReview(trx, id))!;
      await recordChange(trx, actor, { action: 'create', objectType: 'vendor-review', objectId: id, objectSlug: vendor.slug, tenantId: null, summary, after: created });
      opened.push({ reviewId: id, vendorId: vendor.id, slug: vendor.slug, reason, dueOn });
    };
    for (const d of (await dueList(trx, today, 0)).filter((x) => x.openReviewId === null)) {
      // due when the interval ran out (a vendor never reviewed: since it was recorded), so a late one is overdue at once
      await open({ id: d.vendorId, slug: d.slug, name: d.name }, 'recurring', d.dueOn, [],
        `Opened the recurring review of ${d.name} (${d.criticality}: every ${d.intervalDays} days; due ${d.dueOn})`);
    }
    const withOpenReview = new Set((await openReviewsOf(trx)).map((r) => r.vendor_id));
    const lastDone = await lastCompletedReviews(trx);
    for (const vendor of graph.vendors) {
      const last = lastDone.get(vendor.id);
      if (!vendor.subProcessor || withOpenReview.has(vendor.id) || !last) continue;
      const told = new Set(last.tenants_reached.map((t) => t.tenantId));
      const now = tenantsReached(graph, vendor.id, today);
      const added = now.filter((t) => !told.has(t.tenantId));
      if (added.length === 0) continue;
      await open(vendor, 'sub-processor-changed', changeReviewDue(today),
        [{ field: 'tenantsReached', before: last.tenants_reached.map((t) => t.slug), after: now.map((t) => t.slug) }],
        `Opened a review of ${vendor.name}: data of ${added.length} tenant(s) its last review did not list now reaches it (${added.map((t) => t.slug).join(', ')})`);
    }
    return { today, opened };
  });
}

/** Open and overdue reviews, for the dashboard. */
export async function vendorReviewCounts(db: Kysely<any>, actor: Actor, today: string = todayUtc()): Promise<{ open: number; overdue: number }> {
  authorize(actor, 'read', 'vendor-reviews');
  return asActor(db, actor, (trx) => reviewCounts(trx, today));
}
