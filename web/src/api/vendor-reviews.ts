/** Vendor reviews as the API serves them (src/model/vendor-review.ts). */
export interface TenantNotice {
  tenantId: string;
  slug: string;
  name: string;
  tier: string;
  dpaReference: string;
  via: Array<'data-flow' | 'hosting'>;
  noticeDays: number | null;
  objectionRight: boolean;
  effectiveOn: string | null;
  notice: string;
}

export interface VendorReview {
  id: string;
  vendorId: string | null;
  vendorSlug: string;
  vendorName: string;
  reason: 'new-sub-processor' | 'sub-processor-changed' | 'recurring';
  status: 'open' | 'done' | 'cancelled';
  dueOn: string;
  overdue: boolean;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
  tenantsReached: TenantNotice[];
  tenantsReachedOn: string;
  earliestEffectiveOn: string | null;
  openedAt: string;
  openedBy: string;
  closedAt: string | null;
  closedBy: string | null;
  result: 'approved' | 'approved-with-conditions' | 'rejected' | null;
  outcome: string;
}

export interface DueVendor {
  vendorId: string;
  slug: string;
  name: string;
  criticality: string;
  subProcessor: boolean;
  reviewedOn: string | null;
  intervalDays: number;
  dueOn: string;
  daysOverdue: number;
  openReviewId: string | null;
}

export interface TenantsReached {
  vendor: { id: string; slug: string; name: string; subProcessor: boolean };
  today: string;
  tenants: TenantNotice[];
  earliestEffectiveOn: string | null;
  openReviews: Array<{ id: string; reason: VendorReview['reason']; dueOn: string }>;
}

export const REASON_LABELS: Record<VendorReview['reason'], string> = {
  'new-sub-processor': 'New sub-processor', 'sub-processor-changed': 'Sub-processor changed', recurring: 'Recurring review',
};
export const REVIEW_RESULTS = ['approved', 'approved-with-conditions', 'rejected'] as const;
export const REVIEW_STATUSES = ['open', 'done', 'cancelled'] as const;

/** "a → b" for one changed field. */
export function changeText(c: VendorReview['changes'][number]): string {
  const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') || 'none' : String(v ?? 'none'));
  return `${c.field}: ${show(c.before)} → ${show(c.after)}`;
}
