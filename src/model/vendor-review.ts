import { Type, type Static } from '@sinclair/typebox';
import { DateOnly, Name, Slug, StringEnum, Timestamp, Uuid } from './common.js';
import { hasBit } from './scope/bitset.js';
import { dayNumber } from './scope/dates.js';
import type { IsmsGraph } from './scope/graph.js';
import { tenantReach } from './scope/reach.js';
import { compareText } from './scope/wording.js';
import { TENANT_TIERS, type Tenant } from './tenant.js';
import { VENDOR_CRITICALITIES, type Vendor } from './vendor.js';

/**
 * Vendors and sub-processors (issue 6, part 10): the review tasks that adding or changing a sub-processor opens,
 * the tenants whose data reaches a vendor with the notice each one's DPA requires, and recurring reviews by
 * criticality. Pure: "today" is always an argument.
 */

export const VENDOR_REVIEW_REASONS = ['new-sub-processor', 'sub-processor-changed', 'recurring'] as const;
export type VendorReviewReason = (typeof VENDOR_REVIEW_REASONS)[number];
export const VENDOR_REVIEW_TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type VendorReviewTaskStatus = (typeof VENDOR_REVIEW_TASK_STATUSES)[number];
/** What a completed review decided; it becomes the vendor's reviewStatus. */
export const VENDOR_REVIEW_RESULTS = ['approved', 'approved-with-conditions', 'rejected'] as const;
export type VendorReviewResult = (typeof VENDOR_REVIEW_RESULTS)[number];

/** Days between recurring reviews, by the vendor's criticality. */
export const REVIEW_INTERVAL_DAYS: Record<(typeof VENDOR_CRITICALITIES)[number], number> = { critical: 90, high: 180, medium: 365, low: 730 };
/** A review opened by a sub-processor change is due this many days after it opens: before anyone is notified. */
export const CHANGE_REVIEW_DUE_DAYS = 14;
/** The sub-processor fields whose change opens a review: where the data goes, which data, how deep the access. */
export const REVIEWED_FIELDS = ['regions', 'dataCategories', 'accessLevel'] as const;

const MS_PER_DAY = 86_400_000;

/** `date` plus `days` calendar days (YYYY-MM-DD, UTC). */
export function addDays(date: string, days: number): string {
  const n = dayNumber(date);
  if (Number.isNaN(n)) throw new RangeError(`not a date: ${date}`);
  return new Date((n + days) * MS_PER_DAY).toISOString().slice(0, 10);
}

/** One field of a sub-processor that changed. */
export const VendorChange = Type.Object(
  { field: Type.String(), before: Type.Unknown(), after: Type.Unknown() },
  { additionalProperties: false },
);
export type VendorChange = Static<typeof VendorChange>;

type VendorLike = Pick<Vendor, 'subProcessor' | 'regions' | 'dataCategories' | 'accessLevel' | 'reviewStatus' | 'reviewedOn'>;

/**
 * Whether a vendor write needs a review task, and why: a vendor created as a sub-processor (unless it arrives with
 * a completed review: approved, with the date of that review, as a bundle of an existing ISMS carries it), a
 * vendor that becomes a sub-processor, or a sub-processor whose regions, data categories or access level change.
 * Null when none is needed (not a sub-processor, or nothing reviewed changed).
 */
export function reviewTrigger(before: VendorLike | null, after: VendorLike | null): { reason: VendorReviewReason; changes: VendorChange[] } | null {
  if (!after || !after.subProcessor) return null;
  if (!before) {
    const reviewed = (after.reviewStatus === 'approved' || after.reviewStatus === 'approved-with-conditions') && !!after.reviewedOn;
    return reviewed ? null : { reason: 'new-sub-processor', changes: [] };
  }
  if (!before.subProcessor) return { reason: 'new-sub-processor', changes: [{ field: 'subProcessor', before: false, after: true }] };
  const changes: VendorChange[] = [];
  for (const field of REVIEWED_FIELDS) {
    const a = comparable(before[field]);
    const b = comparable(after[field]);
    if (a !== b) changes.push({ field, before: before[field] ?? null, after: after[field] ?? null });
  }
  return changes.length ? { reason: 'sub-processor-changed', changes } : null;
}

function comparable(value: unknown): string {
  return JSON.stringify(Array.isArray(value) ? [...value].sort() : value ?? null);
}

/** A tenant whose data reaches a vendor, and what its DPA requires before a new or changed sub-processor. */
export const TenantNotice = Type.Object(
  {
    tenantId: Uuid,
    slug: Slug,
    name: Name,
    tier: StringEnum(TENANT_TIERS),
    dpaReference: Type.String(),
    /** How the data gets there: a data flow addressed to the vendor, or a system the vendor hosts. */
    via: Type.Array(StringEnum(['data-flow', 'hosting'] as const)),
    noticeDays: Type.Union([Type.Integer(), Type.Null()], { description: 'Days of notice the DPA requires; null when it sets none.' }),
    objectionRight: Type.Boolean({ description: 'Whether the tenant may object.' }),
    effectiveOn: Type.Union([DateOnly, Type.Null()], { description: 'Earliest date the change may take effect for this tenant if notified on the reference date; null when no notice period is recorded.' }),
    notice: Type.String({ description: 'The requirement in words, e.g. "notify 30 days before; may object".' }),
  },
  { additionalProperties: false },
);
export type TenantNotice = Static<typeof TenantNotice>;

type NoticeFields = Partial<Pick<Tenant, 'dpaReference' | 'subProcessorNoticeDays' | 'subProcessorObjectionRight'>>;

/** "notify 30 days before; may object", "no notice period recorded; no objection right". */
export function noticeWords(noticeDays: number | null, objectionRight: boolean): string {
  const notice = noticeDays === null ? 'no notice period recorded' : noticeDays === 0 ? 'notify before the change (no minimum period)' : `notify ${noticeDays} day${noticeDays === 1 ? '' : 's'} before`;
  return `${notice}; ${objectionRight ? 'may object' : 'no objection right'}`;
}

/**
 * The tenants whose data reaches a vendor in the graph (through flows addressed to it, or systems it hosts: the
 * same reach the blast radius and residency use), each with its DPA's notice counted from `today`. The graph's
 * tenants are the stored objects, so the notice fields are read from them. Sorted by slug; [] for an unknown vendor.
 */
export function tenantsReached(g: IsmsGraph, vendorId: string, today: string): TenantNotice[] {
  const v = g.vendorIndex.get(vendorId);
  if (v === undefined) return [];
  const reach = tenantReach(g);
  const out: TenantNotice[] = [];
  for (let t = 0; t < g.tenants.length; t++) {
    const byFlow = hasBit(reach.vendorsByFlow, v, t);
    const byHosting = hasBit(reach.vendorsByHosting, v, t);
    if (!byFlow && !byHosting) continue;
    const tenant = g.tenants[t]! as typeof g.tenants[number] & NoticeFields;
    out.push(noticeOf(tenant, [...(byFlow ? ['data-flow' as const] : []), ...(byHosting ? ['hosting' as const] : [])], today));
  }
  return out.sort((a, b) => compareText(a.slug, b.slug));
}

/** One tenant's notice, counted from `today`. */
export function noticeOf(tenant: { id: string; slug: string; name: string; tier: TenantNotice['tier'] } & NoticeFields, via: TenantNotice['via'], today: string): TenantNotice {
  const noticeDays = tenant.subProcessorNoticeDays ?? null;
  const objectionRight = tenant.subProcessorObjectionRight ?? false;
  return {
    tenantId: tenant.id, slug: tenant.slug, name: tenant.name, tier: tenant.tier, dpaReference: tenant.dpaReference ?? '', via,
    noticeDays, objectionRight, effectiveOn: noticeDays === null ? null : addDays(today, noticeDays), notice: noticeWords(noticeDays, objectionRight),
  };
}

/** The earliest date a change may take effect for every tenant reached: the latest of their dates (null when none has one). */
export function earliestEffectiveDate(notices: readonly TenantNotice[]): string | null {
  let latest: string | null = null;
  for (const n of notices) if (n.effectiveOn && (latest === null || n.effectiveOn > latest)) latest = n.effectiveOn;
  return latest;
}

/** When a review opened by a vendor change is due. */
export function changeReviewDue(today: string): string {
  return addDays(today, CHANGE_REVIEW_DUE_DAYS);
}

/** A vendor whose recurring review is due (or overdue) on the reference date. */
export const DueVendor = Type.Object(
  {
    vendorId: Uuid,
    slug: Slug,
    name: Name,
    criticality: StringEnum(VENDOR_CRITICALITIES),
    subProcessor: Type.Boolean(),
    reviewedOn: Type.Union([DateOnly, Type.Null()]),
    intervalDays: Type.Integer(),
    dueOn: DateOnly,
    daysOverdue: Type.Integer({ description: 'Days past dueOn (0: due today; negative: due within the window asked for).' }),
    openReviewId: Type.Union([Uuid, Type.Null()], { description: 'The open recurring review of this vendor, if one is open.' }),
  },
  { additionalProperties: false },
);
export type DueVendor = Static<typeof DueVendor>;

type DueInput = Pick<Vendor, 'id' | 'slug' | 'name' | 'criticality' | 'subProcessor' | 'reviewedOn'> & { createdAt: string };

/**
 * When a vendor's next recurring review is due: its last review plus the interval of its criticality; a vendor
 * never reviewed is due from the day it was recorded.
 */
export function nextReviewDue(vendor: Pick<DueInput, 'criticality' | 'reviewedOn' | 'createdAt'>, intervals = REVIEW_INTERVAL_DAYS): string {
  if (vendor.reviewedOn) return addDays(vendor.reviewedOn, intervals[vendor.criticality]);
  return String(vendor.createdAt).slice(0, 10);
}

/**
 * Vendors whose recurring review falls due on or before `today + withinDays`, most overdue first (then by slug).
 * `openReviews` maps a vendor id to its open recurring review.
 */
export function vendorsDue(vendors: readonly DueInput[], today: string, options: { withinDays?: number; openReviews?: ReadonlyMap<string, string>; intervals?: typeof REVIEW_INTERVAL_DAYS } = {}): DueVendor[] {
  const intervals = options.intervals ?? REVIEW_INTERVAL_DAYS;
  const limit = dayNumber(today) + (options.withinDays ?? 0);
  const out: DueVendor[] = [];
  for (const v of vendors) {
    const dueOn = nextReviewDue(v, intervals);
    const due = dayNumber(dueOn);
    if (due > limit) continue;
    out.push({
      vendorId: v.id, slug: v.slug, name: v.name, criticality: v.criticality, subProcessor: v.subProcessor, reviewedOn: v.reviewedOn ?? null,
      intervalDays: intervals[v.criticality], dueOn, daysOverdue: dayNumber(today) - due, openReviewId: options.openReviews?.get(v.id) ?? null,
    });
  }
  return out.sort((a, b) => b.daysOverdue - a.daysOverdue || compareText(a.slug, b.slug));
}

/** A review task as the API serves it. */
export const VendorReview = Type.Object(
  {
    id: Uuid,
    vendorId: Type.Union([Uuid, Type.Null()], { description: 'Null once the vendor has been deleted (its slug and name stay).' }),
    vendorSlug: Type.String(),
    vendorName: Type.String(),
    reason: StringEnum(VENDOR_REVIEW_REASONS),
    status: StringEnum(VENDOR_REVIEW_TASK_STATUSES),
    dueOn: DateOnly,
    overdue: Type.Boolean({ description: 'Open and past its due date.' }),
    changes: Type.Array(VendorChange, { description: 'What changed on the sub-processor (sub-processor-changed reviews).' }),
    tenantsReached: Type.Array(TenantNotice, { description: 'Open: the tenants whose data reaches the vendor now. Closed: as recorded at completion.' }),
    tenantsReachedOn: DateOnly,
    earliestEffectiveOn: Type.Union([DateOnly, Type.Null()], { description: 'The latest effectiveOn among the tenants reached: when the change may take effect for all of them.' }),
    openedAt: Timestamp,
    openedBy: Type.String(),
    closedAt: Type.Union([Timestamp, Type.Null()]),
    closedBy: Type.Union([Type.String(), Type.Null()]),
    result: Type.Union([StringEnum(VENDOR_REVIEW_RESULTS), Type.Null()]),
    outcome: Type.String(),
  },
  { additionalProperties: false },
);
export type VendorReview = Static<typeof VendorReview>;

/** Completing a review: what was decided and why. */
export const VendorReviewCompletion = Type.Object(
  {
    result: StringEnum(VENDOR_REVIEW_RESULTS, 'What the review decided; it becomes the vendor\u2019s reviewStatus.'),
    outcome: Type.String({ minLength: 1, maxLength: 4000, description: 'The outcome in words: what was checked, conditions, who was notified.' }),
    reviewedOn: Type.Optional(DateOnly),
  },
  { additionalProperties: false },
);
export type VendorReviewCompletion = Static<typeof VendorReviewCompletion>;

/** Cancelling a review (e.g. the change was dropped): why. */
export const VendorReviewCancellation = Type.Object(
  { outcome: Type.String({ minLength: 1, maxLength: 4000, description: 'Why the review is no longer needed.' }) },
  { additionalProperties: false },
);
