import { useInfiniteQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { RunOutcome, When, type VerificationRun } from '../components/VerificationRun';

/** Every verification of the whole ledger, newest first: who started it, when, and what it found. */
export function VerificationsPage() {
  const list = useInfiniteQuery({
    queryKey: ['verifications', 'all'],
    queryFn: ({ pageParam }) => get<{ items: VerificationRun[]; nextCursor: string | null; total: number }>('/api/ledger/verifications', { limit: 50, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => (query.state.data?.pages[0]?.items.some((r) => r.status === 'running') ? 1000 : false),
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <h1>Ledger verifications</h1>
      <p>Each run recomputes the whole ledger in the server&apos;s background: every entry against its leaf hash and its
        columns, every stored subtree, every checkpoint&apos;s root and signature. Starting one and its result are
        entries of the ledger too. Start one from the dashboard, or with <code>POST /api/ledger/verifications</code>.</p>
      <ErrorBanner error={list.error} />
      <DataTable caption={`Verifications (${list.data?.pages[0]?.total ?? 0})`} rows={rows} empty="The ledger has not been verified yet." columns={[
        { key: 'started', label: 'Started', render: (r) => <When at={r.startedAt} /> },
        { key: 'by', label: 'Requested by', render: (r) => r.requestedBy },
        { key: 'status', label: 'Status', render: (r) => r.status },
        { key: 'size', label: 'Entries', render: (r) => r.treeSize },
        { key: 'outcome', label: 'Result', render: (r) => <RunOutcome run={r} /> },
        { key: 'finished', label: 'Finished', render: (r) => (r.finishedAt ? <When at={r.finishedAt} /> : '') },
      ]} />
      {list.hasNextPage && <button type="button" onClick={() => void list.fetchNextPage()}>Load more</button>}
    </section>
  );
}
