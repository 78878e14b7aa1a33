import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { get, withQuery } from '../api/client';
import { KIND_LABELS, SCOPE_CHANGE_STATUSES, type ScopeChangeRequest } from '../api/scope';
import type { Page } from '../api/types';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link, navigate, useLocation } from '../router';

/** Scope change requests, newest first, filtered by status in the URL (/scope/changes?status=submitted). */
export function ScopeChangesPage() {
  const { can } = useSession();
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const list = useInfiniteQuery({
    queryKey: ['scope', 'changes', status],
    queryFn: ({ pageParam }) => get<Page<ScopeChangeRequest>>('/api/scope/change-requests', { limit: 50, status, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;
  return (
    <section>
      <div className="page-head">
        <h1>Scope changes</h1>
        {can('create', 'scope-changes') && <Link className="button primary" to="/scope/changes/new">Propose a scope change</Link>}
      </div>
      <p>A new service, platform, region or vendor changes the ISMS scope. Each change is proposed with its ISMS impact and the whole statement as it would read; an owner or ISMS manager other than the requester signs it off, and the approval creates the next version of the <Link to="/scope/statement">scope statement</Link>.</p>
      <form className="filters" aria-label="Filter scope changes" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="scope-status">Status</label>
          <select id="scope-status" value={status} onChange={(e) => navigate(withQuery('/scope/changes', { status: e.target.value }))}>
            <option value="">any</option>
            {SCOPE_CHANGE_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
      </form>
      <ErrorBanner error={list.error} />
      <p className="muted" aria-live="polite">{list.isLoading ? 'Loading…' : total !== undefined ? `${total} ${total === 1 ? 'request' : 'requests'}` : ''}</p>
      <DataTable caption="Scope change requests" rows={rows} empty={status ? `No ${status} requests.` : 'No scope changes yet.'} columns={[
        { key: 'number', label: 'Request', render: (r) => <Link to={`/scope/changes/${r.id}`}>SCR-{r.number} {r.title}</Link> },
        { key: 'kind', label: 'Kind', render: (r) => KIND_LABELS[r.kind] },
        { key: 'status', label: 'Status', render: (r) => r.status },
        { key: 'requested', label: 'Requested', render: (r) => `${new Date(r.requestedAt).toLocaleDateString()} by ${r.requestedBy}` },
        { key: 'decided', label: 'Decided', render: (r) => (r.decidedAt ? `${new Date(r.decidedAt).toLocaleDateString()} by ${r.decidedBy}` : '—') },
        { key: 'version', label: 'Version', render: (r) => (r.resultingVersion ? <Link to={withQuery('/scope/statement', { from: r.resultingVersion - 1, to: r.resultingVersion })}>version {r.resultingVersion}</Link> : '—') },
      ]} />
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : `Load more (${rows.length} of ${total ?? '?'} shown)`}
        </button>
      )}
    </section>
  );
}
