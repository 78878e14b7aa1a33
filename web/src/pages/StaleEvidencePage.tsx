import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import type { Evidence } from '../api/evidence';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { FreshnessBadge } from '../components/EvidenceFile';
import { Link } from '../router';

/** Evidence past its freshness period, oldest first: what to collect again. */
export function StaleEvidencePage() {
  const list = useQuery({ queryKey: ['evidence', 'stale'], queryFn: () => get<{ items: Evidence[]; total: number }>('/api/evidence/stale') });
  const rows = list.data?.items ?? [];
  return (
    <section>
      <h1>Stale evidence</h1>
      <p>Evidence is current for its freshness period after it was collected; after that, collect it again. {list.data && <>{list.data.total} stale.</>}</p>
      <ErrorBanner error={list.error} />
      <DataTable caption="Stale evidence" rows={rows} empty="No stale evidence." columns={[
        { key: 'name', label: 'Evidence', render: (e) => <Link to={`/evidence/${e.id}`}>{e.name}</Link> },
        { key: 'kind', label: 'Kind', render: (e) => e.kind },
        { key: 'collectedOn', label: 'Collected on', render: (e) => e.collectedOn },
        { key: 'stale', label: 'Freshness', render: (e) => <FreshnessBadge e={e} /> },
        { key: 'tenant', label: 'Scope', render: (e) => (e.tenantId ? 'one tenant' : 'shared core') },
      ]} />
    </section>
  );
}
