import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get, withQuery } from '../api/client';
import type { Page } from '../api/types';
import { REASON_LABELS, REVIEW_STATUSES, type DueVendor, type VendorReview } from '../api/vendor-reviews';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link, navigate, useLocation } from '../router';

/**
 * Vendor review tasks (open by default, filters in the URL: /vendor-reviews?status=open&overdue=true), and the
 * vendors whose recurring review is due, with the button that opens their tasks.
 */
export function VendorReviewsPage() {
  const { can } = useSession();
  const client = useQueryClient();
  const { query } = useLocation();
  const status = query.get('status') ?? 'open';
  const overdue = query.get('overdue') === 'true';
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const list = useInfiniteQuery({
    queryKey: ['vendor-reviews', 'list', status, overdue],
    queryFn: ({ pageParam }) => get<Page<VendorReview>>('/api/vendor-reviews', { limit: 50, status: status === 'any' ? '' : status, overdue: overdue ? true : undefined, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const due = useQuery({ queryKey: ['vendor-reviews', 'due'], queryFn: () => get<{ today: string; items: DueVendor[] }>('/api/vendor-reviews/due', { withinDays: 30 }) });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;
  const go = (next: { status?: string; overdue?: boolean }) => navigate(withQuery('/vendor-reviews', { status: next.status ?? status, overdue: (next.overdue ?? overdue) ? 'true' : undefined }));
  const schedule = async () => {
    setError(null);
    try {
      const r = await api<{ opened: unknown[] }>('POST', '/api/vendor-reviews/schedule', {});
      setMessage(r.opened.length ? `Opened ${r.opened.length} review${r.opened.length === 1 ? '' : 's'}.` : 'Nothing to open: every vendor due, and every sub-processor reaching a tenant not yet told, already has an open review.');
      await client.invalidateQueries({ queryKey: ['vendor-reviews'] });
    } catch (err) { setError(err); }
  };
  const dueNow = (due.data?.items ?? []).filter((d) => d.daysOverdue >= 0 && !d.openReviewId);
  return (
    <section>
      <div className="page-head">
        <h1>Vendor reviews</h1>
        {can('create', 'vendor-reviews') && <div className="actions"><button type="button" className="primary" onClick={() => void schedule()}>Open the reviews now due</button></div>}
      </div>
      <p>
        Adding a sub-processor, or changing where a sub-processor takes data, which data or how much access it has, opens a review
        listing the tenants whose data reaches it and the notice each tenant&rsquo;s DPA requires. Every vendor is also reviewed again
        by criticality: critical every 90 days, high 180, medium 365, low 730.
      </p>
      <ErrorBanner error={list.error ?? error} />
      <p role="status">{message}</p>
      <form className="filters" aria-label="Filter vendor reviews" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="vr-status">Status</label>
          <select id="vr-status" value={status} onChange={(e) => go({ status: e.target.value })}>
            <option value="any">any</option>
            {REVIEW_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field">
          <label><input type="checkbox" checked={overdue} onChange={(e) => go({ overdue: e.target.checked })} /> Overdue only</label>
        </div>
      </form>
      <p className="muted" aria-live="polite">{list.isLoading ? 'Loading…' : total !== undefined ? `${total} ${total === 1 ? 'review' : 'reviews'}` : ''}</p>
      <DataTable caption="Vendor reviews" rows={rows} empty={overdue ? 'No overdue reviews.' : 'No reviews here.'} columns={[
        { key: 'vendor', label: 'Vendor', render: (r) => <Link to={`/vendor-reviews/${r.id}`}>{r.vendorName}</Link> },
        { key: 'reason', label: 'Reason', render: (r) => REASON_LABELS[r.reason] },
        { key: 'status', label: 'Status', render: (r) => (r.overdue ? <strong className="warn">overdue</strong> : r.status) },
        { key: 'due', label: 'Due', render: (r) => r.dueOn },
        { key: 'tenants', label: 'Tenants reached', render: (r) => `${r.tenantsReached.length}${r.tenantsReached.some((t) => t.objectionRight) ? ` (${r.tenantsReached.filter((t) => t.objectionRight).length} may object)` : ''}` },
        { key: 'effective', label: 'Earliest effective date', render: (r) => r.earliestEffectiveOn ?? '—' },
      ]} />
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : `Load more (${rows.length} of ${total ?? '?'} shown)`}
        </button>
      )}

      <h2>Recurring reviews due</h2>
      <p className="muted">Vendors whose last review plus the interval of their criticality falls before {due.data ? `${due.data.today} + 30 days` : 'a month from now'}.{dueNow.length ? ` ${dueNow.length} due now without an open review.` : ''}</p>
      <ErrorBanner error={due.error} />
      <DataTable caption="Vendors due for review" rows={(due.data?.items ?? []).map((d) => ({ ...d, id: d.vendorId }))} empty="No vendor is due for review." columns={[
        { key: 'vendor', label: 'Vendor', render: (d) => <Link to={`/vendors/${d.vendorId}`}>{d.name}</Link> },
        { key: 'criticality', label: 'Criticality', render: (d) => `${d.criticality} (every ${d.intervalDays} days)` },
        { key: 'reviewed', label: 'Last review', render: (d) => d.reviewedOn ?? 'never' },
        { key: 'due', label: 'Due', render: (d) => (d.daysOverdue > 0 ? <><strong className="warn">{d.dueOn}</strong> ({d.daysOverdue} days overdue)</> : d.dueOn) },
        { key: 'open', label: 'Open review', render: (d) => (d.openReviewId ? <Link to={`/vendor-reviews/${d.openReviewId}`}>open</Link> : '—') },
      ]} />
    </section>
  );
}
